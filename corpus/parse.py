"""Parse one regulation text file into a `Document` of articles, paragraphs and items.

In: the raw text of a `.txt` file as delivered (office or Markdown conversions included).
Out: title, preamble and `Article` records whose canonical text is defined below.
Refuses (CorpusError naming file and line): no articles, duplicated or backwards article
numbers. Gaps in numbering (excerpts) only add a warning.

Canonical text of a provision — what quotes are checked against:
  * layout artifacts are dropped: `[bookmark: …]` lines, blank lines, Markdown `#` heading
    marks and `**` bold marks, indentation (ASCII spaces, tabs, U+3000), the article heading
    "第X条" and the space (or colon: "第一条：") after it; heading lines (第X编, 第X分编, 第X章, 第X节, an unnumbered 总则/分则/附则)
    belong to no article, nor does an appendix after the articles ("附件：…" and what follows);
  * a line that does not end a sentence (last char not in 。；：！？… or a closing
    bracket/quote after one) and is followed, after a page break, by a line that starts no
    new article/heading/item is joined to it with nothing in between:
    "纳入" + "" + "考核。" -> "纳入考核。";
  * spaces a converter put next to CJK text are dropped: "畅通 12339 举报电话" ->
    "畅通12339举报电话"; spaces between two Latin/digit tokens are kept;
  * every other character is kept exactly (half-width "(一)" stays half-width).
  Paragraphs (款) are the lines of an article; an item line "（一）…" / "(一)…" belongs to
  the paragraph before it; a plain line after items starts a new paragraph. Paragraph text
  is its lines joined by "\n"; article text its paragraphs joined by "\n".

    "第十条 重点单位应当采取下列措施：\n（一）建立制度；\n（二）开展培训。"
    -> Article(number=10, paragraphs=(Paragraph(1, "重点单位…：\n（一）建立制度；\n（二）开展培训。",
       items=(Item(1, "（一）建立制度；"), Item(2, "（二）开展培训。"))),))
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import CorpusError
from .numerals import NUMERAL_CLASS, cn_to_int
from .records import Article, Item, Paragraph, article_label

MARKDOWN_HEADING = re.compile(r"^#{1,6}[ \t\u3000]*")  # "## 第一章 总则", "### 第一条 …"
ARTIFACT_LINE = re.compile(r"^\s*(\[bookmark:[^\]]*\]|<!--.*-->)\s*$")
ARTICLE_HEAD = re.compile(
    rf"^(?:\*\*)?第\s*({NUMERAL_CLASS})\s*条(?:之({NUMERAL_CLASS}))?(?:\*\*)?(?=$|[\s　*:：])[\s　]*[:：]?[\s　]*(?:\*\*)?")
ARTICLE_HEAD_LOOSE = re.compile(rf"^第({NUMERAL_CLASS})条(?:之({NUMERAL_CLASS}))?(?=[^\s　])")
PART_HEAD = re.compile(rf"^(?:\*\*)?第\s*({NUMERAL_CLASS})\s*(?:分)?编(?:\*\*)?(?:[\s　]+(.*))?$")
PLAIN_HEAD = re.compile(r"^(?:\*\*)?([总分附])[\s　]*则(?:\*\*)?$")  # "总　　则" with no chapter number
CHAPTER_HEAD = re.compile(rf"^(?:\*\*)?第\s*({NUMERAL_CLASS})\s*章(?:\*\*)?(?:[\s　]+(.*))?$")
SECTION_HEAD = re.compile(rf"^(?:\*\*)?第\s*({NUMERAL_CLASS})\s*节(?:\*\*)?(?:[\s　]+(.*))?$")
# "附件：…", "附件1", "附表", "附：…" after the articles: an appendix (forms, lists), no article's text
APPENDIX_HEAD = re.compile(rf"^附(?:件|表|录)?\s*(?:[0-9０-９一二三四五六七八九十]+)?\s*(?:[：:]|$)")
ITEM_HEAD = re.compile(rf"^[（(]\s*({NUMERAL_CLASS})\s*[）)]")
SENTENCE_END = set("。；;：:！!？?…")
CLOSERS = set("”’」』）)】》\"'")
CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
SPACE_NEAR_CJK = re.compile(rf"(?<=[{CJK}])[ \t\u3000]+|[ \t\u3000]+(?=[{CJK}])")


@dataclass
class _RawArticle:
    number: int
    sub: int
    chapter: str | None
    section: str | None
    line: int
    lines: list[list]  # [[text, line_no, ended_by_blank]]


def clean_line(line: str) -> str:
    """Drop a line's layout: indentation, `**`, spaces next to CJK.

    "　　第八条　畅通 12339 举报电话" -> "第八条畅通12339举报电话"
    """
    line = line.replace("**", "").strip(" \t\u3000\r\ufeff")
    return SPACE_NEAR_CJK.sub("", line)


def ends_sentence(text: str) -> bool:
    """True when a line ends a sentence: "报告。" True, "纳入" False, "审查，" False."""
    stripped = text.rstrip("".join(CLOSERS))
    return bool(stripped) and stripped[-1] in SENTENCE_END


def parse_text(text: str, path: str, doc_id: str) -> tuple[str, str, list[Article], list[str], str]:
    """Parse a whole file's text. Returns (title, preamble, articles, warnings, appendix): the
    appendix is what follows an "附件：" line after the articles, kept apart from them."""
    title, preamble_lines, raws, appendix = None, [], [], None
    chapter = section = None
    for line_no, raw in enumerate(text.splitlines(), start=1):
        if appendix is not None:
            if raw.strip() and not ARTIFACT_LINE.match(raw):
                appendix.append(clean_line(raw))
            continue
        if not raw.strip() or ARTIFACT_LINE.match(raw):
            if raws and raws[-1].lines:
                raws[-1].lines[-1][2] = True
            continue
        stripped = MARKDOWN_HEADING.sub("", raw.strip(" \t\u3000\r\ufeff"))
        if title is None:
            title = clean_line(stripped)
            continue
        body = stripped.replace("**", "").strip(" \t\u3000")
        if PART_HEAD.match(body):  # 编 / 分编 of a code: chapters number afresh inside each
            chapter = section = None
            continue
        if m := PLAIN_HEAD.match(body):
            chapter, section = f"{m.group(1)}则", None
            continue
        if m := CHAPTER_HEAD.match(body):
            chapter, section = _heading("章", m), None
            continue
        if m := SECTION_HEAD.match(body):
            section = _heading("节", m)
            continue
        head = ARTICLE_HEAD.match(stripped) or _loose_head(stripped, raws)
        if head:
            number, sub = _number(head.group(1), path, line_no), _sub(head.group(2), path, line_no)
            _check_order(raws, number, sub, path, line_no)
            raws.append(_RawArticle(number, sub, chapter, section, line_no, []))
            rest = clean_line(stripped[head.end():])
            if rest:
                raws[-1].lines.append([rest, line_no, False])
            continue
        if not raws:
            preamble_lines.append(clean_line(stripped))
            continue
        if APPENDIX_HEAD.match(body):
            appendix = [clean_line(stripped)]
            continue
        raws[-1].lines.append([clean_line(stripped), line_no, False])
    if title is None or not raws:
        raise CorpusError(f"{path}: no articles found (expected lines starting with 第一条, 第二条, …); "
                          "is this a regulation text?")
    articles = [_build(doc_id, raw, path) for raw in raws]
    return (title, "\n".join(preamble_lines), articles, _gap_warnings(articles, path),
            "\n".join(appendix or []))


def _heading(kind: str, m: re.Match) -> str:
    name = clean_line(m.group(2) or "").replace(" ", "")
    return f"第{m.group(1)}{kind}" + (f" {name}" if name else "")


def _loose_head(line: str, raws: list[_RawArticle]):
    """Accept "第五条为了…" (no space after the heading) only when it is the next number."""
    m = ARTICLE_HEAD_LOOSE.match(line)
    if m and not m.group(2):
        expected = raws[-1].number + 1 if raws else 1
        try:
            if cn_to_int(m.group(1)) == expected:
                return m
        except ValueError:
            return None
    return None


def _number(text: str, path: str, line_no: int) -> int:
    try:
        return cn_to_int(text)
    except ValueError:
        raise CorpusError(f"{path}:{line_no}: cannot read the article number {text!r}") from None


def _sub(text: str | None, path: str, line_no: int) -> int:
    return _number(text, path, line_no) if text else 0


def _check_order(raws: list[_RawArticle], number: int, sub: int, path: str, line_no: int) -> None:
    if not raws:
        return
    prev = raws[-1]
    if (number, sub) == (prev.number, prev.sub):
        raise CorpusError(f"{path}:{line_no}: {article_label(number, sub)} appears twice "
                          f"(first at line {prev.line}); fix the file's numbering")
    if (number, sub) < (prev.number, prev.sub):
        raise CorpusError(f"{path}:{line_no}: {article_label(number, sub)} comes after "
                          f"{article_label(prev.number, prev.sub)} (line {prev.line}); article "
                          "numbers must increase")


def _join_page_breaks(lines: list[list]) -> list[str]:
    """Join lines split by a page break: ["纳入", "考核。"] -> ["纳入考核。"] when a blank line
    separated them and the first does not end a sentence."""
    out: list[str] = []
    broken = False
    for text, _line_no, blank_after in lines:
        if out and broken and not ends_sentence(out[-1]) and not ITEM_HEAD.match(text):
            out[-1] += text
        else:
            out.append(text)
        broken = blank_after
    return out


def _build(doc_id: str, raw: _RawArticle, path: str) -> Article:
    paragraphs: list[tuple[list[str], list[Item]]] = []
    for text in _join_page_breaks(raw.lines):
        m = ITEM_HEAD.match(text)
        if m and paragraphs:
            items = paragraphs[-1][1]
            items.append(Item(_number(m.group(1), path, raw.line), text))
            paragraphs[-1][0].append(text)
        else:
            paragraphs.append(([text], []))
    if not paragraphs:
        raise CorpusError(f"{path}:{raw.line}: {article_label(raw.number, raw.sub)} has no text")
    return Article(doc_id=doc_id, number=raw.number, sub=raw.sub, chapter=raw.chapter,
                   section=raw.section, line=raw.line,
                   paragraphs=tuple(Paragraph(i, "\n".join(lines), tuple(items))
                                    for i, (lines, items) in enumerate(paragraphs, start=1)))


def _gap_warnings(articles: list[Article], path: str) -> list[str]:
    warnings, expected = [], 1
    for art in articles:
        if art.sub == 0 and art.number != expected:
            warnings.append(f"{path}:{art.line}: articles jump from {expected - 1} to "
                            f"{art.number} (an excerpt?)")
        if art.sub == 0:
            expected = art.number + 1
    return warnings
