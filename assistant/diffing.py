"""Compare a quote with the law: width- and space-blind matching, closest span, character diff.

In: a quote as written and a provision's canonical text. Out: whether the quote is in the text
verbatim (`find_fragments`), the closest span of the text and how similar it is (`closest_span`),
and a character-level diff between the two (`diff_ops`).

Only full-/half-width forms and whitespace are ignored (`fold`):
    fold("（一） 建立“三同步”") .text -> '(一)建立"三同步"'
An ellipsis inside a quote marks left-out words: "甲……乙" is verbatim when 甲 and 乙 occur in
that order. Punctuation at either end of a quote is the writer's, not the law's: "…报告。"
quoted from "…报告，并…" is verbatim. Nothing else is forgiven: a changed character, a changed
punctuation mark inside the quote or a dropped word without an ellipsis is a difference.

The closest span is the window of the text with the smallest edit distance d to the quote
(semi-global alignment, Myers' bit-parallel algorithm); its similarity is
1 - d / max(len(quote), len(window)), the share of characters that need no edit: one character
changed in a 10-character quote -> 0.9. (SequenceMatcher's ratio would rate a window covering
only part of the quote too high: "本市行政区域内的反间谍工作，适用本条例" against "本市行政区域内的
反间谍工作" is 0.81 by ratio, 0.70 here.) The character diff uses `difflib.SequenceMatcher`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import NamedTuple

QUOTE_FOLDS = {"“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'"}
EDGE_PUNCTUATION = " \t\r\n\u3000。，,；;：:、！!？?…．.⋯"
ELLIPSIS = re.compile(r"…+|⋯+|\.{3,}|。{3,}")


def fold_char(ch: str) -> str:
    """"Ａ" -> "A", "（" -> "(", "“" -> '"', "　" -> "" (whitespace), "立" -> "立"."""
    if ch.isspace():
        return ""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return QUOTE_FOLDS.get(ch, ch)


@dataclass(frozen=True)
class Folded:
    """`text` folded; `starts[i]` is where folded character i is in `source`; `cuts` are the
    folded positions where an ellipsis was dropped (only when folding a quote)."""
    source: str
    text: str
    starts: tuple[int, ...]
    cuts: tuple[int, ...] = ()

    def fragments(self) -> list[str]:
        """'甲乙' with cuts (1,) -> ['甲', '乙']."""
        bounds = [0, *self.cuts, len(self.text)]
        return [self.text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]

    def original(self, start: int, end: int, tight: bool = False) -> str:
        """The source text of folded [start, end) and the spaces after it, up to the next folded
        character (or, when `tight`, without the spaces after it)."""
        if end <= start:
            return ""
        return self.source[self._at(start):self.starts[end - 1] + 1 if tight else self._at(end)]

    def _at(self, i: int) -> int:
        return self.starts[i] if i < len(self.starts) else len(self.source)


def fold(text: str, ellipses: bool = False) -> Folded:
    """Fold `text`; with `ellipses`, drop ellipses and remember where they were."""
    dropped = {i for m in ELLIPSIS.finditer(text) for i in range(m.start(), m.end())} if ellipses else ()
    chars, starts, cuts = [], [], []
    for i, ch in enumerate(text):
        if i in dropped:
            if not cuts or cuts[-1] != len(chars):
                cuts.append(len(chars))
            continue
        folded = fold_char(ch)
        if folded:
            chars.append(folded)
            starts.append(i)
    return Folded(text, "".join(chars), tuple(starts), tuple(c for c in cuts if 0 < c < len(chars)))


def quote_core(quote: str) -> Folded:
    """The part of a quote that is compared: "……应当报告。" -> fold of "应当报告"."""
    start = len(quote) - len(quote.lstrip(EDGE_PUNCTUATION))
    end = len(quote.rstrip(EDGE_PUNCTUATION))
    return fold(quote[start:max(start, end)], ellipses=True)


def find_fragments(fragments: list[str], text: str) -> list[tuple[int, int]] | None:
    """Leftmost positions of the fragments in order, or None: (["甲", "丙"], "甲乙丙") -> [(0, 1), (2, 3)]."""
    found, pos = [], 0
    for frag in fragments:
        at = text.find(frag, pos)
        if at < 0:
            return None
        found.append((at, at + len(frag)))
        pos = at + len(frag)
    return found if fragments else None


class Alignment(NamedTuple):
    """The closest window [start, end) of a text to a quote (folded positions)."""
    start: int
    end: int
    distance: int  # edit distance between quote and window
    similarity: float  # 1 - distance / max(len(quote), len(window))


def edit_scores(pattern: str, text: str, anchored: bool = False) -> list[int]:
    """scores[j] = edit distance from `pattern` to the best substring of `text` ending at j
    (or to text[:j] when `anchored`), for j = 1..len(text); Myers (1999) bit-vectors.

    ("abc", "xabx") -> [3, 2, 1, 1]
    """
    m = len(pattern)
    mask, high = (1 << m) - 1, 1 << (m - 1)
    peq: dict[str, int] = {}
    for i, ch in enumerate(pattern):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    pv, mv, score, scores = mask, 0, m, []
    for ch in text:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & mask) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | anchored) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
        scores.append(score)
    return scores


def closest_span(pattern: str, text: str) -> Alignment | None:
    """The window of `text` nearest to `pattern` by edit distance (the first and shortest of
    equals); None when either is empty.

    ("应当及时报告", "发现后应当立即报告，并") -> Alignment(start=3, end=9, distance=2, similarity=0.667)
    """
    if not pattern or not text:
        return None
    scores = edit_scores(pattern, text)
    best = min(scores)
    end = scores.index(best) + 1
    back = edit_scores(pattern[::-1], text[:end][::-1], anchored=True)
    start = end - (back.index(min(back)) + 1)
    return Alignment(start, end, best, 1 - best / max(len(pattern), end - start))


def diff_ops(law: Folded, span: Alignment, quote: Folded) -> list[dict]:
    """Character diff from the law's window to the quote, in the source texts' own characters.

    law "应当立即报告", quote "应当及时报告" ->
    [{"op": "equal", "quote": "应当", "law": "应当"}, {"op": "replace", "quote": "及时", "law": "立即"},
     {"op": "equal", "quote": "报告", "law": "报告"}]
    "insert": words the quote adds; "delete": words of the law the quote leaves out.
    """
    window = law.text[span.start:span.end]
    ops = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, window, quote.text, autojunk=False).get_opcodes():
        ops.append({"op": tag, "quote": quote.original(j1, j2),
                    "law": law.original(span.start + i1, span.start + i2, tight=i2 == len(window))})
    return ops
