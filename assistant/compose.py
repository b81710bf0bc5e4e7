"""Compose an answer made only of verified quotes with citations.

In: ranked article `Hit`s and the corpus. Out: an `Answer` whose `citations` quote the best
chunk of each chosen article verbatim and cite it to article, paragraph (款) and item (项).
Every quote is checked to be an exact substring of the canonical text of the provision it
cites (`verify`); a failed check raises `QuoteError`, it never passes silently. The answer
text adds only connecting words ("根据《…》的规定：") around the quotes.

    Hit(重庆 13, best chunk = paragraph 2)
    -> Citation(label="《重庆市反间谍工作条例》第十三条第二款", quote="涉密人员未经审批出境的，…处理。")
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from corpus import Corpus, citation_label
from corpus.errors import RegQAError

from .query import is_english
from .retrieve import Hit
from .wording import provision_line, words



class QuoteError(RegQAError):
    """A quote is not an exact substring of the provision it cites: a bug, never shown."""


@dataclass(frozen=True)
class Citation:
    doc_id: str
    document: str
    article: int
    sub: int
    paragraph: int | None
    item: int | None
    label: str
    quote: str
    score: float

    def to_json(self) -> dict:
        return {"document": self.document, "article": self.article, "paragraph": self.paragraph,
                "item": self.item, "label": self.label, "quote": self.quote,
                "score": round(self.score, 4)}


@dataclass(frozen=True)
class Answer:
    question: str
    refused: bool
    answer: str
    citations: tuple[Citation, ...] = ()
    related: tuple[Citation, ...] = ()
    reason: str | None = None
    ranking: tuple[tuple[str, int], ...] = ()  # (doc_id, article) as retrieval ranked them, top 10
    read_as: str | None = None  # the question with a typing slip read as the word meant (`typos`)

    def to_json(self) -> dict:
        out = {"question": self.question, "refused": self.refused, "answer": self.answer,
               "citations": [c.to_json() for c in self.citations],
               "related": [c.to_json() for c in self.related]}
        return out | ({"read_as": self.read_as} if self.read_as else {})


def provision_text(corpus: Corpus, doc_id: str, article: int, sub: int = 0,
                   paragraph: int | None = None, item: int | None = None) -> str | None:
    """Canonical text of an article, paragraph or item; None when it does not exist."""
    doc = corpus.document(doc_id)
    art = doc.article(article, sub) if doc else None
    if art is None:
        return None
    if paragraph is None and item is None:
        return art.text
    para = art.paragraph(paragraph or 1)
    if para is None:
        return None
    if item is None:
        return para.text
    return next((it.text for it in para.items if it.number == item), None)


def verify(corpus: Corpus, citation: Citation) -> Citation:
    """Raise QuoteError unless the quote is an exact substring of the cited provision."""
    text = provision_text(corpus, citation.doc_id, citation.article, citation.sub,
                          citation.paragraph, citation.item)
    if not citation.quote or text is None or citation.quote not in text:
        raise QuoteError(f"quote not found verbatim in {citation.label}: {citation.quote[:40]!r}")
    return citation


def cite(corpus: Corpus, doc_id: str, article: int, sub: int, paragraph: int | None,
         item: int | None, quote: str, score: float) -> Citation:
    """A verified citation; the paragraph is left out of the label (and JSON) when the article
    has only one paragraph, as statutes cite it ("第八条第三项", not "第八条第一款第三项")."""
    doc = corpus.document(doc_id)
    art = doc.article(article, sub)
    if paragraph is not None and len(art.paragraphs) == 1:
        paragraph = None
    label = citation_label(doc.title, article, sub, paragraph, item)
    return verify(corpus, Citation(doc_id, doc.title, article, sub, paragraph, item, label, quote, score))


def hit_citation(corpus: Corpus, hit: Hit) -> Citation:
    """Quote the best chunk of an article hit."""
    chunk = hit.chunks[0].chunk
    return cite(corpus, chunk.doc_id, chunk.article, chunk.sub, chunk.paragraph, chunk.item,
                chunk.text, hit.score)


def hit_citations(corpus: Corpus, hit: Hit) -> list[Citation]:
    """Quote the best chunk of an article hit, and when that chunk is items cut from a list,
    the list's lead sentence before it, which says what the items are:
    第四条第一款 "（四）…（六）进行其他间谍活动。" -> ["本法所称间谍行为，是指下列行为：", "（四）…"]."""
    chunk = hit.chunks[0].chunk
    best = hit_citation(corpus, hit)
    if chunk.start == 0:
        return [best]
    para = corpus.document(chunk.doc_id).article(chunk.article, chunk.sub).paragraph(chunk.paragraph)
    lead = para.text.split("\n", 1)[0] if para.items else ""
    if not lead or lead == para.items[0].text:
        return [best]
    return [cite(corpus, chunk.doc_id, chunk.article, chunk.sub, chunk.paragraph, None, lead, hit.score), best]


def answer_text(question: str, citations: list[Citation] | tuple[Citation, ...]) -> str:
    """Group quotes by document: "根据《A》的规定：\n第八条：“…”\n\n根据《B》的规定：…"; for an
    English question "Under 《A》:\n第八条 (Article 8): “…”" (`wording`)."""
    said, english = words(question), is_english(question)
    blocks: dict[str, list[str]] = {}
    for c in citations:
        blocks.setdefault(c.document, []).append(provision_line(c, english))
    return "\n\n".join(said["under"].format(doc=doc) + "\n" + "\n".join(lines) for doc, lines in blocks.items())


def compose(question: str, corpus: Corpus, hits: list[Hit], top_k: int,
            min_ratio: float) -> Answer:
    """Cite the top articles whose score is at least `min_ratio` of the best one (at most top_k);
    the next few become related reading."""
    if not hits:
        return refuse(question, corpus, [], "no provision matched")
    chosen = [h for h in hits[:top_k] if h.score >= min_ratio * hits[0].score]
    citations = tuple(c for h in chosen for c in hit_citations(corpus, h))
    # the ranking is diversified across documents, so a hit left out may rank above a chosen one
    related = tuple(hit_citation(corpus, h) for h in [h for h in hits if h not in chosen][:3])
    return Answer(question, False, answer_text(question, citations), citations, related)


def with_ranking(answer: Answer, hits: list[Hit]) -> Answer:
    """The answer, carrying the top-10 article ranking (used by evaluations)."""
    return replace(answer, ranking=tuple((h.doc_id, h.article) for h in hits[:10]))


def refuse(question: str, corpus: Corpus, hits: list[Hit], reason: str) -> Answer:
    """A plain refusal; the closest provisions are offered only as related reading."""
    related = tuple(hit_citation(corpus, h) for h in hits[:3])
    said = words(question)
    text = said["refusal"] + (said["related_note"] if related else "")
    return Answer(question, True, text, (), related, reason)
