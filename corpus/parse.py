"""Parse one regulation text file into a `Document` of articles, paragraphs and items.

In: the raw text of a `.txt` file as delivered (office or Markdown conversions included).
Out: title, preamble and `Article` records whose canonical text is defined below.
Refuses (CorpusError naming file and line): no articles, duplicated or backwards article
numbers. Gaps in numbering (excerpts) only add a warning.

Canonical text of a provision — what quotes are checked against:
  * layout is dropped (`layout.py`): `[bookmark: …]` lines, blank lines, page numbers and footers
    on lines of their own ("- 3 -", "第 2 页 共 3 页"), the title repeated as a page header,
    Markdown `#`, `**` and list marks, indentation (spaces of every width, invisible
    characters), the article heading "第X条" and what separates it from the text (a space, a
    colon, "、"), an editor's "【立法目的】" after it; heading lines (第X编, 第X分编, 第X章, 第X节, an
    unnumbered 总则/附则) belong to no article, nor does what follows the articles (a closing
    signature and date, an appendix from "附件：…" on);
  * a line that does not end a sentence (last char not in 。；：！？… or a closing
    bracket/quote after one) was cut by a page break or a hard wrap: the next line is joined
    to it with nothing in between, unless that starts an item or a new paragraph ("前款…"):
    "纳入" + "考核。" -> "纳入考核。";
  * spaces a converter put next to CJK text are dropped: "畅通 12339 举报电话" ->
    "畅通12339举报电话"; spaces between two Latin/digit tokens are kept;
  * every other character is kept exactly (half-width "(一)" stays half-width).
  Paragraphs (款) are the lines of an article; an item line "（一）…" / "(一)…" belongs to
  the paragraph before it (or opens the first); a sub-item "1." / "一、" belongs to the item or
  paragraph before it; a plain line after items starts a new paragraph. Paragraph text is its
  lines joined by "\n"; article text its paragraphs joined by "\n". "第五条为了…" with no space
  starts an article only when the one before ended a sentence and the words do not continue a
  cross-reference ("依照本条例" / "第三条规定的…" is one wrapped sentence).

    "第十条 重点单位应当采取下列措施：\n（一）建立制度；\n（二）开展培训。"
    -> Article(number=10, paragraphs=(Paragraph(1, "重点单位…：\n（一）建立制度；\n（二）开展培训。",
       items=(Item(1, "（一）建立制度；"), Item(2, "（二）开展培训。"))),))
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import CorpusError
from .layout import (CONTINUATION, clean_line, ends_sentence, heading, heading_name, is_appendix_head,
                     is_furniture, is_signature, split_lines, strip_marks)
from .numerals import NUMERAL_CLASS, cn_to_int
from .records import Article, Item, Paragraph, article_label

ARTICLE_HEAD = re.compile(
    rf"^(?:\*\*)?第\s*({NUMERAL_CLASS})\s*条(?:之({NUMERAL_CLASS}))?(?:\*\*)?"
    rf"(?=$|[\s　*:：]|[、.．](?!第))[\s　]*[:：、.．]?[\s　]*(?:\*\*)?")
ARTICLE_HEAD_LOOSE = re.compile(rf"^第({NUMERAL_CLASS})条(?:之({NUMERAL_CLASS}))?(?=[^\s　])")
ITEM_HEAD = re.compile(rf"^[（(]\s*({NUMERAL_CLASS})\s*[）)]")
SUB_ITEM = re.compile(r"^(?:\d{1,2}[.．、](?!\d)|[一二三四五六七八九十]{1,3}、|[（(][a-z][）)])")  # 目: "1." inside an item
NEW_PARAGRAPH = re.compile(r"^(?:前款|前两款|前三款|前四款|本条(?!例))")
ARTICLE_TITLE = re.compile(r"^【[^【】]{1,20}】")  # an editor's "【立法目的】" after the article number
TITLE_KINDS = re.compile(r"(?:法|法典|条例|办法|规定|细则|规则|决定|章程|准则|规程|守则)(?:[（(][^（）()]*[）)])?$")


@dataclass
class _RawArticle:
    number: int
    sub: int
    chapter: str | None
    section: str | None
    line: int
    lines: list[str]


def parse_text(text: str, path: str, doc_id: str) -> tuple[str, str, list[Article], list[str], str]:
    """Parse a whole file's text. Returns (title, preamble, articles, warnings, appendix): the
    appendix is what follows the articles and is not theirs (an "附件：" and what comes after
    it, a closing signature and date), kept apart from them."""
    head_lines: list[str] = []
    title, raws, appendix = None, [], None
    chapter = section = None
    pending = None  # a heading given without its name, which the next line may carry
    for line_no, raw in enumerate(split_lines(text), start=1):
        if appendix is not None:
            if (line := clean_line(raw)) and not is_furniture(raw):
                appendix.append(line)
            continue
        stripped = strip_marks(raw)
        if not stripped or is_furniture(stripped) or (title and raws and clean_line(stripped) == title):
            continue  # a blank line, page furniture, or the title repeated as a page header
        if not head_lines:
            head_lines.append(clean_line(stripped))  # the title, unless a later head line is
            continue
        if pending and (name := heading_name(stripped)):
            kind = pending[0]
            if kind == "章":
                chapter = f"{chapter} {name}"
            elif kind == "节":
                section = f"{section} {name}"
            pending = None
            continue
        pending = None
        if found := heading(stripped):
            kind, label = found
            title = title or _title(head_lines)
            if kind == "编":
                chapter = section = None
            elif kind == "章":
                chapter, section = label, None
            else:
                section = label
            pending = found if " " not in label and not label.endswith("则") else None
            continue
        head = _article_head(stripped, raws)
        if head:
            title = title or _title(head_lines)
            number, sub = _number(head.group(1), path, line_no), _sub(head.group(2), path, line_no)
            _check_order(raws, number, sub, path, line_no)
            raws.append(_RawArticle(number, sub, chapter, section, line_no, []))
            rest = ARTICLE_TITLE.sub("", clean_line(stripped[head.end():]))
            if rest:
                raws[-1].lines.append(rest)
            continue
        if not raws:
            head_lines.append(clean_line(stripped))
            continue
        if is_appendix_head(stripped):
            appendix = [clean_line(stripped)]
            continue
        line = clean_line(stripped) if raws[-1].lines else ARTICLE_TITLE.sub("", clean_line(stripped))
        if line:
            raws[-1].lines.append(line)
    if not head_lines or not raws:
        raise CorpusError(f"{path}: no articles found (expected lines starting with 第一条, 第二条, …); "
                          "is this a regulation text?")
    title = title or _title(head_lines)
    preamble = [line for line in head_lines if line != title]  # the title, and its repeats as page headers
    closing = _closing_lines(raws[-1])
    articles = [_build(doc_id, raw, path) for raw in raws]
    return (title, "\n".join(preamble), articles, _gap_warnings(articles, path),
            "\n".join(closing + (appendix or [])))


def _title(head_lines: list[str]) -> str:
    """The file's first line, unless it is not a title and a later line before the articles is:
    "江城市人民政府令" / "第12号" / "江城市停车管理办法" -> "江城市停车管理办法"."""
    first = head_lines[0]
    if TITLE_KINDS.search(first):
        return first
    later = [line for line in head_lines[1:] if TITLE_KINDS.search(line) and len(line) <= 60
             and not ends_sentence(line) and not line.startswith(("第", "（", "("))]
    return later[0] if later else first


def _closing_lines(raw: _RawArticle) -> list[str]:
    """Take the closing signature and date ("江城市人民政府", "2023年5月1日") off the end of the
    last article: lines of their own that end no sentence."""
    closing: list[str] = []
    while len(raw.lines) > 1 and is_signature(raw.lines[-1]) and not ends_sentence(raw.lines[-1]):
        closing.insert(0, raw.lines.pop())
    return closing


def _article_head(line: str, raws: list[_RawArticle]):
    return ARTICLE_HEAD.match(line) or _loose_head(line, raws)


def _loose_head(line: str, raws: list[_RawArticle]):
    """Accept "第五条为了…" (no space after the heading) as a new article when it numbers after
    the last one, that one's text ended a sentence, and the words after it do not continue a
    cross-reference: "依照本条例" / "第三条规定的程序处理" is one sentence wrapped, not 第三条."""
    m = ARTICLE_HEAD_LOOSE.match(line)
    if not m or CONTINUATION.match(line[m.end():]):
        return None
    try:
        number, sub = cn_to_int(m.group(1)), cn_to_int(m.group(2)) if m.group(2) else 0
    except ValueError:
        return None
    if not raws:
        return m
    last = raws[-1]
    if (number, sub) <= (last.number, last.sub) or (last.lines and not ends_sentence(last.lines[-1])):
        return None
    return m


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
                          "numbers must increase (an amendment decision that quotes articles is not "
                          "a regulation text: load the amended text)")


def _join_lines(lines: list[str]) -> list[str]:
    """Join the lines of one sentence that a page break or a hard wrap cut: a line that ends no
    sentence takes the next one, unless that starts an item or a new paragraph:
    ["纳入", "考核。"] -> ["纳入考核。"]; ["（二）罚款", "前款所列处罚…"] stay two."""
    out: list[str] = []
    for text in lines:
        if out and not ends_sentence(out[-1]) and not ITEM_HEAD.match(text) and not SUB_ITEM.match(text) \
                and not NEW_PARAGRAPH.match(text):
            out[-1] += text
        else:
            out.append(text)
    return out


def _build(doc_id: str, raw: _RawArticle, path: str) -> Article:
    """Paragraphs (款) from an article's lines: an item line "（一）…" joins the paragraph before it
    (or opens the first one), a sub-item "1." / "一、" joins the item or paragraph before it, any
    other line opens a paragraph."""
    paragraphs: list[tuple[list[str], list[Item]]] = []
    for text in _join_lines(raw.lines):
        m = ITEM_HEAD.match(text)
        if m:
            if not paragraphs:
                paragraphs.append(([], []))
            paragraphs[-1][1].append(Item(_number(m.group(1), path, raw.line), text))
            paragraphs[-1][0].append(text)
        elif SUB_ITEM.match(text) and paragraphs:
            lines, items = paragraphs[-1]
            lines.append(text)
            if items:
                items[-1] = Item(items[-1].number, items[-1].text + "\n" + text)
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
