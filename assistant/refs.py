"""Find references to provisions in free text: "重庆条例第十三条第二款", "反间谍法第4条".

In: text and a `Corpus`. Out: `Reference`s in order of appearance, each with its character
span, the document it names (or None when the name is not a document of the corpus), and
article / paragraph (款) / item (项) numbers. Chinese and Arabic numerals, full- and half-width
brackets, "第（三）项" and "第十条（三）" are read. A bare "第X条" with no document name takes
the document named last before it, or `default_doc`; "本条例/本办法/本法/本规定" take the document the
text names (when it names one) or `default_doc`.

    find_references("依照重庆条例第13条第二款第（一）项", corpus)
    -> [Reference(span=(2, 16), doc_id="chongqing_tiaoli", article=13, paragraph=2, item=1, ...)]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from corpus import Corpus
from corpus.numerals import NUMERAL_CLASS, cn_to_int

SELF_NAMES = ("本条例", "本办法", "本法", "本规定", "本细则", "本决定")
NUM = NUMERAL_CLASS
PROVISION = re.compile(
    rf"第\s*(?P<art>{NUM})\s*条(?:之(?P<sub>{NUM}))?"
    rf"(?:\s*第\s*(?P<para>{NUM})\s*款)?"
    rf"(?:\s*第\s*[（(]?\s*(?P<item>{NUM})\s*[）)]?\s*项|\s*[（(]\s*(?P<item2>{NUM})\s*[）)](?!\s*[条款]))?")
TITLE_IN_BRACKETS = re.compile(r"《([^《》]{1,60})》")
UNKNOWN_LAW = re.compile(r"(?:根据|依照|按照|依据|违反|对照|参照|按|依|据)?([\u4e00-\u9fff]{1,20}?(?:法|条例|办法|规定|细则|决定))(?=第)")


@dataclass(frozen=True)
class Reference:
    span: tuple[int, int]
    doc_id: str | None  # None: the text names a document that is not in the corpus
    doc_name: str | None  # the words that named the document, as written
    article: int
    sub: int = 0
    paragraph: int | None = None
    item: int | None = None


def alias_table(corpus: Corpus) -> list[tuple[str, str]]:
    """(alias, doc_id) pairs, longest alias first; self-names such as 本条例 excluded."""
    pairs = []
    for doc in corpus.documents:
        names = {doc.title, f"《{doc.title}》", *doc.short_names}
        if doc.title.startswith("中华人民共和国"):
            names.add(doc.title[len("中华人民共和国"):])
        pairs += [(n, doc.id) for n in names if n and n not in SELF_NAMES]
    return sorted(pairs, key=lambda p: -len(p[0]))


def named_documents(text: str, corpus: Corpus) -> list[tuple[int, int, str | None, str]]:
    """Every mention of a document: (start, end, doc_id or None, name). Unknown titles in 《》
    give doc_id None."""
    found: list[tuple[int, int, str | None, str]] = []
    taken = [False] * len(text)
    for m in TITLE_IN_BRACKETS.finditer(text):
        doc = corpus.by_title(m.group(1))
        found.append((m.start(), m.end(), doc.id if doc else None, m.group(1)))
        taken[m.start():m.end()] = [True] * (m.end() - m.start())
    for alias, doc_id in alias_table(corpus):
        start = text.find(alias)
        while start >= 0:
            end = start + len(alias)
            generic = len(alias) <= 2 and not text.startswith("第", end)  # "规定" alone is a word
            if not generic and not any(taken[start:end]):
                found.append((start, end, doc_id, alias))
                taken[start:end] = [True] * (end - start)
            start = text.find(alias, end)
    for m in UNKNOWN_LAW.finditer(text):
        if not any(taken[m.start(1):m.end(1)]) and not m.group(1).startswith(SELF_NAMES):
            found.append((m.start(1), m.end(1), None, m.group(1)))
    return sorted(found)


def find_references(text: str, corpus: Corpus, default_doc: str | None = None) -> list[Reference]:
    """All provision references in `text` (see module docstring)."""
    mentions = named_documents(text, corpus)
    known = list(dict.fromkeys(doc_id for _, _, doc_id, _ in mentions if doc_id))
    refs = []
    for m in PROVISION.finditer(text):
        doc_id, name, start = _document_for(text, m.start(), mentions, corpus, known, default_doc)
        try:
            article = cn_to_int(m.group("art"))
            sub = cn_to_int(m.group("sub")) if m.group("sub") else 0
            para = cn_to_int(m.group("para")) if m.group("para") else None
            item_text = m.group("item") or m.group("item2")
            item = cn_to_int(item_text) if item_text else None
        except ValueError:
            continue
        refs.append(Reference((start, m.end()), doc_id, name, article, sub, para, item))
    return refs


def _self_document(self_name: str, corpus: Corpus, known: list[str], default_doc: str | None):
    """"本条例" -> the one 条例 the text names, else `default_doc` when it is a 条例, else None."""
    kind = self_name[1:]
    fits = [d for d in known if title_kind(corpus.document(d).title) == kind]
    if len(fits) == 1:
        return fits[0]
    default = corpus.document(default_doc) if default_doc else None
    return default_doc if not fits and default and title_kind(default.title) == kind else None


def title_kind(title: str) -> str | None:
    """"贵州省反间谍安全防范办法" -> "办法"; "中华人民共和国反间谍法" -> "法"."""
    return next((k for k in ("条例", "办法", "规定", "细则", "决定", "法") if title.endswith(k)), None)


def _document_for(text: str, pos: int, mentions, corpus: Corpus, known: list[str],
                  default_doc: str | None):
    """The document a "第X条" at `pos` belongs to: a name right before it, a self-name, or the
    last document named earlier in the text."""
    before = [mn for mn in mentions if mn[1] <= pos]
    gap = text[before[-1][1]:pos] if before else None
    if before and re.fullmatch(r"[\s　》]*(?:的)?", gap or ""):
        start, _end, doc_id, name = before[-1]
        return doc_id, name, start
    for self_name in SELF_NAMES:
        if text.endswith(self_name, 0, pos):
            return (_self_document(self_name, corpus, known, default_doc), self_name,
                    pos - len(self_name))
    if before:
        return before[-1][2], before[-1][3], pos
    return default_doc, None, pos
