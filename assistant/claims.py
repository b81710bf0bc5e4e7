"""Find what a text claims about the law: each citation with the quote tied to it, and the quotes
that stand alone.

In: free text and a `Corpus`. Out: `Claim`s in order of appearance. A quote is text in “”, 「」,
『』 or "" (at most MAX_QUOTE_CHARS characters), or the rest of the sentence after "规定：" /
"规定，" right behind a citation. A citation (`refs.find_references`) takes
  * the quote just before it when it is given as that quote's source: “…”（重庆条例第十三条）;
  * else the "规定：…" sentence right behind it: 重庆条例第十三条规定：涉密人员…报告。
    (up to 。！？ or a line break, or up to the next citation naming a document);
  * else the first quote after it in the same sentence, at most MAX_GAP characters on, with no
    other citation in between: 根据重庆条例第十三条第二款，“涉密人员…报告”;
  * else nothing (a bare reference).
A citation inside a quote is part of the quoted words, not a claim of its own; a quote tied to
no citation becomes a claim without one.

    find_claims("依照反间谍法第四条，“……”。", corpus)
    -> [Claim(span=(2, 13), ref=Reference(doc_id="fanjiandiefa", article=4, ...),
              quote=Quote(start=10, end=13, text="……"))]
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from corpus import Corpus

from .refs import SELF_NAMES, Reference, find_references

QUOTE_MARKS = {"“": "”", "「": "」", "『": "』", '"': '"'}
OPENER = re.compile("[" + "".join(QUOTE_MARKS) + "]")
MAX_QUOTE_CHARS = 3000
MAX_GAP = 20
SENTENCE_END = re.compile(r"[。！？!?\n]")
RULE_LEAD = re.compile(r"[\s　]*(?:的|中的|中)?(?:相关|有关)?(?:明确|明文)?(?:规定|指出|载明|写明|写道)"
                       r"[\s　]*[:：,，][\s　]*")
SOURCE_GAP = re.compile(r"[\s　，,]*(?:[（(【\[][\s　]*(?:见|参见|出自|引自|摘自)?|见|参见|出自|引自|摘自|——|—)"
                        r"[\s　:：]*")


@dataclass(frozen=True)
class Quote:
    start: int  # the opening mark (for a "规定：" quote, its first character)
    end: int  # after the closing mark
    text: str  # the words quoted, marks excluded
    marked: bool = True  # False for the words after "规定："


@dataclass(frozen=True)
class Claim:
    span: tuple[int, int]
    ref: Reference | None
    quote: Quote | None


def find_quotes(text: str) -> list[Quote]:
    """Quotes in marks, outermost only: 'A“B「C」”' -> [Quote(1, 7, "B「C」")]."""
    quotes, pos = [], 0
    while m := OPENER.search(text, pos):
        close = text.find(QUOTE_MARKS[m.group()], m.end(), m.end() + MAX_QUOTE_CHARS + 1)
        if close < 0:
            pos = m.end()
            continue
        quotes.append(Quote(m.start(), close + 1, text[m.end():close]))
        pos = close + 1
    return quotes


def find_claims(text: str, corpus: Corpus) -> list[Claim]:
    """Citations with their quotes, and untied quotes (see module docstring)."""
    quotes = find_quotes(text)
    starts = [q.start for q in quotes]
    refs = [r for r in find_references(text, corpus) if _enclosing(r.span[0], quotes, starts) is None]
    tied: set[int] = set()
    claims: list[Claim] = []
    covered_until = -1  # end of the last "规定：" quote: what lies before it is quoted words
    for k, ref in enumerate(refs):
        if ref.span[0] < covered_until:
            continue
        later = refs[k + 1:]
        quote = (_quote_before(text, ref, quotes, starts, tied)
                 or _rule_quote(text, ref, later)
                 or _quote_after(text, ref, quotes, starts, tied, later))
        if quote and not quote.marked:
            covered_until = quote.end
        span = (min(ref.span[0], quote.start), max(ref.span[1], quote.end)) if quote else ref.span
        claims.append(Claim(span, ref, quote))
    rule_spans = [(c.quote.start, c.quote.end) for c in claims if c.quote and not c.quote.marked]
    for i, q in enumerate(quotes):
        if i not in tied and not any(s <= q.start < e for s, e in rule_spans):
            claims.append(Claim((q.start, q.end), None, q))
    return sorted(claims, key=lambda c: c.span)


def _enclosing(pos: int, quotes: list[Quote], starts: list[int]) -> int | None:
    """Index of the quote whose marks enclose `pos`, if any."""
    i = bisect_right(starts, pos) - 1
    return i if i >= 0 and quotes[i].start < pos < quotes[i].end - 1 else None


def _quote_before(text: str, ref: Reference, quotes, starts, tied: set[int]) -> Quote | None:
    """“…”（重庆条例第十三条） / “…”，见重庆条例第十三条: the citation names the quote's source."""
    i = bisect_right(starts, ref.span[0]) - 1
    if i < 0 or i in tied or quotes[i].end > ref.span[0]:
        return None
    if SOURCE_GAP.fullmatch(text, quotes[i].end, ref.span[0]):
        tied.add(i)
        return quotes[i]
    return None


def _rule_quote(text: str, ref: Reference, later: list[Reference]) -> Quote | None:
    """重庆条例第十三条规定：涉密人员…报告。 -> the words after 规定： up to the sentence end."""
    lead = RULE_LEAD.match(text, ref.span[1])
    if not lead or lead.end() >= len(text) or text[lead.end()] in QUOTE_MARKS:
        return None
    end = SENTENCE_END.search(text, lead.end())
    end = end.start() if end else len(text)
    named = next((r.span[0] for r in later if lead.end() < r.span[0] < end and r.doc_name
                  and r.doc_name not in SELF_NAMES and not text.startswith("第", r.span[0])), None)
    if named is not None:
        end = len(text[:named].rstrip("，,；;、 　和及与以及"))
    return Quote(lead.end(), end, text[lead.end():end], marked=False) if end > lead.end() else None


def _quote_after(text: str, ref: Reference, quotes, starts, tied: set[int],
                 later: list[Reference]) -> Quote | None:
    """根据重庆条例第十三条第二款，“涉密人员…”: the first quote after it, close by."""
    i = bisect_right(starts, ref.span[1] - 1)
    if i >= len(quotes) or i in tied:
        return None
    q = quotes[i]
    gap = text[ref.span[1]:q.start]
    if len(gap) > MAX_GAP or SENTENCE_END.search(gap) or (later and later[0].span[0] < q.start):
        return None
    tied.add(i)
    return q
