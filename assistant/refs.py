"""Find references to provisions in free text: "重庆条例第十三条第二款", "反间谍法第4条".

In: text and a `Corpus`. Out: `Reference`s in order of appearance, each with its character
span, the document it names (or None when the name is not a document of the corpus), and
article / paragraph (款) / item (项) numbers. Chinese and Arabic numerals, full- and half-width
brackets, "第（三）项" and "第十条（三）" are read, and English "Article 13, paragraph 2, item 1"
("Art. 5-1" is 第五条之一; "Article 24(1)" is read as Article 24: whether "(1)" is a paragraph or an
item varies between translations). A bare "第X条" with no document name takes the document named
last before it, or `default_doc`; "本条例/本办法/本法/本规定" take the document of that kind the text
names, else `default_doc`, else the corpus's only document of that kind. An English "Article N"
first takes the document named right after it ("Article 24 of the Counter-Espionage Law"; a
capitalised name of a law that is not in the corpus is an unknown document: "of the Labour Law").

    find_references("依照重庆条例第13条第二款第（一）项", corpus)
    -> [Reference(span=(2, 16), doc_id="chongqing_tiaoli", article=13, paragraph=2, item=1, ...)]
    find_references("What does Article 24 of the Counter-Espionage Law say?", corpus)
    -> [Reference(span=(10, 49), doc_id="fanjiandiefa", doc_name="Counter-Espionage Law", article=24)]
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from corpus import Corpus, normalise_title
from corpus.numerals import NUMERAL_CLASS, cn_to_int

SELF_NAMES = ("本条例", "本办法", "本法", "本规定", "本细则", "本决定")
NUM = NUMERAL_CLASS
PROVISION = re.compile(
    rf"第\s*(?P<art>{NUM})\s*条(?:之(?P<sub>{NUM}))?"
    rf"(?:\s*第\s*(?P<para>{NUM})\s*款)?"
    rf"(?:\s*第\s*[（(]?\s*(?P<item>{NUM})\s*[）)]?\s*项|\s*[（(]\s*(?P<item2>{NUM})\s*[）)](?!\s*[条款]))?")
ENGLISH_PROVISION = re.compile(
    r"\b(?:article|art\.)\s*(?P<art>\d+)(?:-(?P<sub>\d+))?(?:\s*\(\d+\))?"
    r"(?:,?\s*(?:paragraph|para\.)\s*(?P<para>\d+))?(?:,?\s*(?:item|point)\s*\(?(?P<item>\d+)\)?)?", re.I)
OF_DOCUMENT = re.compile(r"\s*,?\s*(?:of|in|under)\s+(?:the\s+)?", re.I)
ENGLISH_LAW = re.compile(r"(?:(?:PRC|People's|[A-Z][\w'’-]*)\s+(?:(?:of|on|for|and|the)\s+)*)+"
                         r"(?:Law|Regulations?|Measures|Provisions|Rules|Code|Act|Constitution)\b")
TITLE_IN_BRACKETS = re.compile(r"《([^《》]{1,60})》")
KINDS = ("实施细则", "实施办法", "条例", "办法", "规定", "细则", "决定", "法")
LAW_NAME_BEFORE = re.compile(rf"([\u4e00-\u9fff]{{1,30}}?(?:{'|'.join(KINDS)}))\s*$")
PROVISION_AHEAD = re.compile(rf"\s*第\s*{NUM}\s*条")
# words that end the clause before a law's name: "我们依照刑法" -> "刑法"
LEAD_WORDS = re.compile(r".*(?:根据|依照|按照|依据|违反|对照|参照|适用|触犯|援引|引用|例如|比如|以及|还有|其中|对于|同时|另外)")
LEAD_CONJUNCTION = re.compile(r"^[和与及或并即]+(?=..)")


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
    """Every mention of a document: (start, end, doc_id or None, name), in order of position.

    A title in 《》 is looked up by title, then by short name (《反间谍法》); unknown titles give
    doc_id None. A law's name right before "第X条" is the corpus document it ends with
    ("我们依照重庆条例第五条" -> 重庆条例) or else an unknown document, without the words leading
    up to it ("依照刑法第五条" -> "刑法", "反间谍法实施细则第五条" -> "反间谍法实施细则"). Other
    short names count anywhere ("重庆条例规定，"), except two-character ones such as "规定", which
    are ordinary words unless "第X条" follows.
    """
    aliases = alias_table(corpus)
    by_alias = dict(aliases)
    found: list[tuple[int, int, str | None, str]] = []
    taken = [False] * len(text)

    def take(start: int, end: int, doc_id: str | None, name: str) -> None:
        found.append((start, end, doc_id, name))
        taken[start:end] = [True] * (end - start)

    for m in TITLE_IN_BRACKETS.finditer(text):
        doc = corpus.by_title(m.group(1))
        take(m.start(), m.end(), doc.id if doc else by_alias.get(normalise_title(m.group(1))), m.group(1))
    previous_end = 0
    for m in PROVISION.finditer(text):
        law = LAW_NAME_BEFORE.search(text, max(previous_end, m.start() - 40), m.start())
        previous_end = m.end()
        if law and not any(taken[law.start(1):law.end(1)]):
            start, name = _law_name(law.start(1), law.group(1))
            alias = next((a for a, _ in aliases if name.endswith(a) and (len(a) > 2 or a == name)), None)
            if alias:
                take(start + len(name) - len(alias), start + len(name), by_alias[alias], alias)
            elif not _is_self_name(name):
                take(start, start + len(name), None, name)
    lowered = text.lower()
    lowered = lowered if len(lowered) == len(text) else text  # offsets must stay aligned
    for alias, doc_id in aliases:
        latin = alias.isascii()  # English names match in any case: "counter-espionage law"
        haystack, needle = (lowered, alias.lower()) if latin else (text, alias)
        start = haystack.find(needle)
        while start >= 0:
            end = start + len(alias)
            word = len(alias) <= 2 and not PROVISION_AHEAD.match(text, end)
            longer = text.startswith(("实施细则", "实施办法", "实施条例"), end)
            longer = longer or any(text.endswith(s, 0, end) for s in SELF_NAMES if len(s) > len(alias))
            if not word and not longer and not any(taken[start:end]):
                take(start, end, doc_id, text[start:end] if latin else alias)
            start = haystack.find(needle, end)
    return sorted(found)


def _law_name(start: int, name: str) -> tuple[int, str]:
    """Drop the words before a law's name: (3, "我们依照刑法") -> (7, "刑法")."""
    lead = LEAD_WORDS.match(name)
    if lead and lead.end() < len(name):
        start, name = start + lead.end(), name[lead.end():]
    conjunction = LEAD_CONJUNCTION.match(name)
    if conjunction:
        start, name = start + conjunction.end(), name[conjunction.end():]
    return start, name


def _is_self_name(name: str) -> bool:
    """"依照本条例" -> True; "基本法" -> False (a basic law, not "this law")."""
    return name.endswith(SELF_NAMES) and not name.endswith("基本法")


def find_references(text: str, corpus: Corpus, default_doc: str | None = None) -> list[Reference]:
    """All provision references in `text` (see module docstring)."""
    mentions = named_documents(text, corpus)
    known = list(dict.fromkeys(doc_id for _, _, doc_id, _ in mentions if doc_id))
    unknown = [name for _, _, doc_id, name in mentions if doc_id is None]
    ends = [end for _, end, _, _ in mentions]  # sorted: mentions do not overlap
    refs = []
    for m in PROVISION.finditer(text):
        doc_id, name, start = _document_for(text, m.start(), mentions, ends, corpus, known,
                                            default_doc, unknown)
        try:
            article = cn_to_int(m.group("art"))
            sub = cn_to_int(m.group("sub")) if m.group("sub") else 0
            para = cn_to_int(m.group("para")) if m.group("para") else None
            item_text = m.group("item") or m.group("item2")
            item = cn_to_int(item_text) if item_text else None
        except ValueError:
            continue
        refs.append(Reference((start, m.end()), doc_id, name, article, sub, para, item))
    for m in ENGLISH_PROVISION.finditer(text):
        after = _english_document_after(text, m.end(), mentions)
        if after:
            doc_id, name, end = after
            start = m.start()
        else:
            doc_id, name, start = _document_for(text, m.start(), mentions, ends, corpus, known,
                                                default_doc, unknown)
            end = m.end()
        refs.append(Reference((start, end), doc_id, name, int(m.group("art")),
                              int(m.group("sub") or 0), int(m.group("para")) if m.group("para") else None,
                              int(m.group("item")) if m.group("item") else None))
    return sorted(refs, key=lambda r: r.span)


def _english_document_after(text: str, pos: int, mentions) -> tuple[str | None, str, int] | None:
    """(doc_id, name, end of the name) of the document named right after an English "Article N":
    "… of the Counter-Espionage Law" -> ("fanjiandiefa", "Counter-Espionage Law", …), "… of the
    Labour Law" -> (None, "Labour Law", …)."""
    of = OF_DOCUMENT.match(text, pos)
    if not of:
        return None
    named = next(((doc_id, name, end) for start, end, doc_id, name in mentions if start == of.end()), None)
    if named:
        return named
    law = ENGLISH_LAW.match(text, of.end())
    return (None, law.group(), law.end()) if law else None


def _self_document(self_name: str, corpus: Corpus, known: list[str], default_doc: str | None,
                   unknown: list[str]):
    """"本条例" -> the one 条例 the text names, else `default_doc` when it is a 条例, else the
    corpus's only 条例 unless the text names a 条例 outside the corpus, else None."""
    kind = self_name[1:]
    fits = [d for d in known if title_kind(corpus.document(d).title) == kind]
    if fits:
        return fits[0] if len(fits) == 1 else None
    default = corpus.document(default_doc) if default_doc else None
    if default and title_kind(default.title) == kind:
        return default_doc
    if any(title_kind(name) == kind for name in unknown):
        return None
    only = [d.id for d in corpus.documents if title_kind(d.title) == kind]
    return only[0] if len(only) == 1 else None


def title_kind(title: str) -> str | None:
    """"贵州省反间谍安全防范办法" -> "办法"; "中华人民共和国反间谍法" -> "法"."""
    return next((k for k in ("条例", "办法", "规定", "细则", "决定", "法") if title.endswith(k)), None)


def _document_for(text: str, pos: int, mentions, ends: list[int], corpus: Corpus,
                  known: list[str], default_doc: str | None, unknown: list[str]):
    """The document a "第X条" at `pos` belongs to: a name right before it, a self-name, or the
    last document named earlier in the text."""
    last = bisect_right(ends, pos) - 1  # the last mention ending before pos
    before = mentions[last] if last >= 0 else None
    if before and re.fullmatch(r"[\s　》]*(?:的)?", text[before[1]:pos]):
        start, _end, doc_id, name = before
        return doc_id, name, start
    for self_name in SELF_NAMES:
        if text.endswith(self_name, 0, pos) and not text.endswith("基本法", 0, pos):
            return (_self_document(self_name, corpus, known, default_doc, unknown), self_name,
                    pos - len(self_name))
    if before:
        return before[2], before[3], pos
    return default_doc, None, pos
