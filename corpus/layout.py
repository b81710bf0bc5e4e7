"""What in a converted regulation file is layout, not law: marks, page furniture, headings.

In: one line of a `.txt` file as delivered (Word, PDF, HTML or Markdown conversions).
Out: the line without its layout marks, and what kind of non-law line it is, if any. Used by
`parse` to keep every character of law text and nothing else.

    clean_line("　　第八条　畅通 12339 举报电话") -> "第八条畅通12339举报电话"
    strip_marks("## 第一章 总则") -> "第一章 总则";  strip_marks("- （一）建立制度；") -> "（一）建立制度；"
    is_furniture("- 3 -") -> True;  is_furniture("第 2 页 共 3 页") -> True;  is_furniture("3") -> True
    heading("第二编　物　　权") -> ("编", "第二编 物权");  heading("第三章：附则") -> ("章", "第三章 附则")
    heading("附　　则") -> ("章", "附则");  heading("第二章规定的事项，由市政府确定。") -> None
    is_signature("江城市人民政府") -> True;  is_signature("2023年5月1日") -> True
    split_lines("第一条　甲。\n\f第二条　乙。") -> ["第一条　甲。", "\f第二条　乙。"]
"""
from __future__ import annotations

import re

from .numerals import NUMERAL_CLASS

# spaces converters leave: ASCII, tab, ideographic, no-break, en/em and thin spaces
SPACES = " \t\u3000\u00a0" + "".join(map(chr, range(0x2000, 0x200b))) + "\u202f\u205f"
SPACE_CHARS = re.escape(SPACES)  # the same, inside a regex character class
STRIP = SPACES + "\r"
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\x0b\x0c]")  # zero-width, BOM, \v, \f
CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
SPACE_NEAR_CJK = re.compile(rf"(?<=[{CJK}])[{SPACE_CHARS}]+|[{SPACE_CHARS}]+(?=[{CJK}])")
SENTENCE_END = set("。；;：:！!？?…")
CLOSERS = set("”’」』）)】》\"'")

LINE_BREAK = re.compile("\r\n|[\n\r\x1c-\x1e\x85\u2028\u2029]")  # str.splitlines' breaks but \v, \f
ARTIFACT_LINE = re.compile(r"^\s*(\[bookmark:[^\]]*\]|<!--.*-->)\s*$")
MARKDOWN_HEADING = re.compile(rf"^#{{1,6}}[{SPACE_CHARS}]*")  # "## 第一章 总则", "### 第一条 …"
MARKDOWN_LIST = re.compile(r"^[-*+][ \t]+(?=\S)")  # "- （一）…"
PAGE_FURNITURE = re.compile(
    r"^(?:[-—–·•]*\s*\d{1,4}\s*[-—–·•]*"  # "3", "- 3 -", "— 3 —"
    r"|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"  # "第 2 页 共 3 页"
    r"|\d{1,4}\s*/\s*\d{1,4}"  # "2/3"
    r"|[-=_*]{3,})$")  # a Markdown rule

HEADING_NAME = rf"(?:[{SPACE_CHARS}:：]*(?P<name>[^{SPACE_CHARS}:：].*))?"
NUMBERED_HEAD = re.compile(rf"^第[{SPACE_CHARS}]*(?P<num>{NUMERAL_CLASS})[{SPACE_CHARS}]*(?P<kind>分编|编|章|节)"
                           + HEADING_NAME + "$")
PLAIN_HEAD = re.compile(rf"^(?P<name>[总分附])[{SPACE_CHARS}]*则$")  # "总　　则" with no number
# what follows "第X章"/"第X条" when the words are a cross-reference in running text, not a heading
CONTINUATION = re.compile(r"^(?:规定|的|所|、|，|,|和|或|及|至|项|款|第|中规定|以外|以下|以上)")
NAME_PUNCTUATION = re.compile(r"[。；;，,！!？?]")

APPENDIX_HEAD = re.compile(  # "附件：…", "附件1", "附件一　名录", "附表", "附：…"
    rf"^附(?:件|表|录)?[{SPACE_CHARS}]*[0-9０-９一二三四五六七八九十]*[{SPACE_CHARS}]*(?:[：:]|$)"
    rf"|^附(?:件|表|录)[{SPACE_CHARS}]*[0-9０-９一二三四五六七八九十]*[{SPACE_CHARS}]+\S")
DATE_LINE = re.compile(r"^(?:\d{4}|[〇零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,2}月"
                       r"[\d一二三四五六七八九十]{1,3}日$")
ISSUER_LINE = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}(?:人民政府|委员会|人民代表大会|办公厅|办公室|政府|"
                         r"部|局|厅|署|院|会)$")


def split_lines(text: str) -> list[str]:
    """The file's lines as an editor numbers them: `str.splitlines` would also break at a form
    feed or vertical tab, which converters put inside lines (pdftotext starts each page with
    \f) and which `clean_line` drops, so every later line number would be one too high."""
    lines = LINE_BREAK.split(text)
    return lines[:-1] if lines and not lines[-1] else lines


def clean_line(line: str) -> str:
    """Drop a line's layout: indentation, `**`, invisible characters, spaces next to CJK.

    "　　第八条　畅通 12339 举报电话" -> "第八条畅通12339举报电话"
    """
    line = INVISIBLE.sub("", line).replace("**", "").strip(STRIP)
    return SPACE_NEAR_CJK.sub("", line)


def strip_marks(raw: str) -> str:
    """The line without indentation, invisible characters and Markdown heading or list marks:
    "### 第二条" -> "第二条"; "- （一）…" -> "（一）…"."""
    line = INVISIBLE.sub("", raw).strip(STRIP)
    return MARKDOWN_LIST.sub("", MARKDOWN_HEADING.sub("", line))


def ends_sentence(text: str) -> bool:
    """True when a line ends a sentence: "报告。" True, "纳入" False, "审查，" False."""
    stripped = text.rstrip("".join(CLOSERS))
    return bool(stripped) and stripped[-1] in SENTENCE_END


def _body(line: str) -> str:
    """The line without bold marks and surrounding spaces, as headings are matched."""
    return line.replace("**", "").strip(STRIP)


def is_furniture(line: str) -> bool:
    """A page number, page footer or rule on a line of its own: "- 3 -", "第2页共3页", "---"."""
    return bool(ARTIFACT_LINE.match(line) or PAGE_FURNITURE.match(_body(line)))


def heading(line: str) -> tuple[str, str] | None:
    """(kind, label) for a heading line: 编/分编 ("编"), 章 or 节, or an unnumbered 总则/分则/附则
    (a "章"); None for running text that starts like one ("第二章规定的事项…")."""
    body = _body(line)
    if m := PLAIN_HEAD.match(body):
        return "章", f"{m.group('name')}则"
    m = NUMBERED_HEAD.match(body)
    if not m:
        return None
    name = clean_line(m.group("name") or "").replace(" ", "")
    if name and (len(name) > 40 or NAME_PUNCTUATION.search(name) or CONTINUATION.match(name)):
        return None
    kind = "编" if m.group("kind").endswith("编") else m.group("kind")
    return kind, f"第{m.group('num')}{m.group('kind')}" + (f" {name}" if name else "")


def heading_name(line: str) -> str | None:
    """The line as the name of a heading given on the line before ("第二章" / "消防安全责任"):
    short, no punctuation, not itself a heading, article or item."""
    name = clean_line(line).replace(" ", "")
    if not name or len(name) > 20 or NAME_PUNCTUATION.search(name) or any(c in name for c in "：:、（("):
        return None
    return None if name.startswith("第") else name


def is_appendix_head(line: str) -> bool:
    """"附件：…", "附件1 …", "附表", "附：…": the start of what follows the articles."""
    return bool(APPENDIX_HEAD.match(_body(line)))


def is_signature(line: str) -> bool:
    """An issuing body or a date on a line of its own, as a text's closing block has them."""
    body = clean_line(line).replace(" ", "")
    return bool(DATE_LINE.match(body) or ISSUER_LINE.match(body))
