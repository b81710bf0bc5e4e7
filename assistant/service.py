"""The assistant as one object: corpus + index + model -> answers, provisions, checks.

In: explicit paths and settings (entry points read flags and environment, not this module).
Out: `Answer`s for questions, provision dicts for references. Refuses with `InputError` empty or
over-long questions, unknown documents and nonexistent provisions.

    a = Assistant.open(corpus_dir=None, index_dir=None, model=None, cache_dir=Path(".cache"))
    a.ask("涉密人员未经审批出境，单位应当怎么办？").citations[0].label
    -> "《重庆市反间谍工作条例》第十三条第二款"
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import re

from corpus import Corpus, InputError, citation_label, load_corpus
from corpus.numerals import NUMERAL_CLASS, cn_to_int
from index.build import Index, default_index_dir, ensure_index, load_index
from index.embed_model import load_model

from .answer_type import asked_figure, asked_kinds, states_figure
from .compose import Answer, answer_text, cite, compose, provision_text, refuse, with_ranking
from .query import EVERYDAY, MAX_QUESTION_CHARS, make_query, normalise
from .refs import Reference, find_references, named_documents
from .refusal import DEFAULT_POLICY, RefusalPolicy
from .retrieve import Retriever
from .scope import jurisdiction, outside_scope, without_places
from .typos import Homophones

DEFAULT_TOP_K = 3
FOLLOW_UP = re.compile(rf"第\s*(?P<para>{NUMERAL_CLASS})\s*款(?:\s*第\s*[（(]?(?P<item>{NUMERAL_CLASS})[）)]?\s*项)?"
                       rf"|第\s*[（(]?(?P<item_only>{NUMERAL_CLASS})[）)]?\s*项")
MIN_RATIO = 0.75
FIGURE_DEPTH = 2  # articles searched for the figure a question asks for


@dataclass
class Assistant:
    corpus: Corpus
    index: Index
    model: object
    policy: RefusalPolicy = field(default_factory=lambda: DEFAULT_POLICY)

    @classmethod
    def open(cls, corpus_dir: Path | str | None, index_dir: Path | str | None, model: str | None,
             cache_dir: Path, build: bool = True, progress: bool = True) -> "Assistant":
        """Load corpus, model and index; build the index when missing or stale (if `build`)."""
        corpus = load_corpus(corpus_dir)
        embedder = load_model(model, cache_dir)
        index_dir = Path(index_dir) if index_dir else default_index_dir(cache_dir, corpus, model)
        index = (ensure_index(corpus, index_dir, model, cache_dir, model=embedder, progress=progress)
                 if build else load_index(index_dir, corpus, model))
        return cls(corpus, index, embedder)

    @cached_property
    def retriever(self) -> Retriever:
        return Retriever(self.index, self.model, self.corpus)

    @cached_property
    def homophones(self) -> Homophones:
        """Slips of a pinyin input method, read against the texts' words and the vocabulary's."""
        return Homophones([*self.index.bm25.vocab, *EVERYDAY], self.index.bigram_bm25.vocab)

    def ask(self, question: str, top_k: int = DEFAULT_TOP_K, doc_id: str | None = None,
            context_doc: str | None = None, context_article: int | None = None) -> Answer:
        """Answer with verified quotes, or refuse. `doc_id` restricts to one document;
        `context_doc` resolves a bare "第X条" or "本条例", and with `context_article` a bare
        "那第二款呢？" (both from the previous turn of a conversation)."""
        text = check_question(question)
        refs = find_references(text, self.corpus, context_doc or doc_id)
        if not refs and context_doc and context_article:
            refs = follow_up_references(text, context_doc, context_article)
        refs, others = self._bare_resolved(text, refs, top_k)
        if refs and all(r.doc_id for r in refs):
            return self._direct(question, refs, others)
        if any(r.doc_name and r.doc_id is None for r in refs):
            unknown = next(r.doc_name for r in refs if r.doc_name and r.doc_id is None)
            return refuse(question, self.corpus, [], f"《{unknown}》 is not in the corpus")
        named = frozenset(d for _, _, d, _ in named_documents(text, self.corpus) if d)
        local, elsewhere = jurisdiction(text, self.corpus)
        # the places named say where, and `local` already prefers their documents: ranked on what is asked
        read = self.homophones.correct(text)
        query = make_query(without_places(read, self.corpus) if local else read)
        retrieval = self.retriever.retrieve(query, prefer_docs=named | local,
                                            only_docs=frozenset([doc_id]) if doc_id else frozenset(),
                                            skip_docs=elsewhere - named)
        outside = outside_scope(text, self.corpus)
        reason = f"names {outside}, which no document covers" if outside else self.policy.reason(retrieval)
        hits = retrieval.hits
        if not reason:
            hits, reason = self._figure_first(text, hits)
        if reason:
            answer = refuse(question, self.corpus, hits, reason)
        else:
            answer = compose(question, self.corpus, hits, top_k, MIN_RATIO)
        return with_ranking(replace(answer, read_as=read if read != text else None), hits)

    def _bare_resolved(self, question: str, refs: list[Reference],
                       top_k: int) -> tuple[list[Reference], list[Reference]]:
        """References with a bare "第九条" (no document named, none from context) resolved, and
        those left over: to the corpus's only document; else to each document that has that
        article (of a place the question names, when one has it), at most `top_k`, best ranked
        for the question first; the rest are left over (related reading). InputError when no
        document has it: "第九十九条规定了什么？" is not answered with 第九条."""
        if not any(r.doc_id is None and r.doc_name is None for r in refs):
            return refs, []
        docs = self.corpus.documents
        out, others = [], []
        for ref in refs:
            if ref.doc_id or ref.doc_name:
                out.append(ref)
                continue
            if len(docs) == 1:
                out.append(replace(ref, doc_id=docs[0].id))
                continue
            having = [d.id for d in docs if provision_text(self.corpus, d.id, ref.article, ref.sub,
                                                           ref.paragraph, ref.item) is not None]
            if not having:
                raise InputError(self._nowhere(ref))
            local, _ = jurisdiction(question, self.corpus)
            having = [d for d in having if d in local] or having
            if len(having) > top_k:
                ranked = [h.doc_id for h in self.retriever.retrieve(make_query(question)).hits
                          if (h.article, h.sub) == (ref.article, ref.sub)]
                having = sorted(having, key=lambda d: ranked.index(d) if d in ranked else len(ranked))
            out += [replace(ref, doc_id=d) for d in having[:top_k]]
            others += [replace(ref, doc_id=d) for d in having[top_k:]]
        return out, others

    def _nowhere(self, ref: Reference) -> str:
        """Why no document has a bare reference: "no document in the corpus has 第九十九条 (the
        longest, 《…》, has 71 articles)", or for 第九条第三款 how many paragraphs the 第九条 have."""
        docs = self.corpus.documents
        label = citation_label("", ref.article, ref.sub, ref.paragraph, ref.item)[2:]
        articles = [a for d in docs if (a := d.article(ref.article, ref.sub))]
        if articles:
            why = (f"{len(articles)} document(s) have {articles[0].label}, with at most "
                   f"{max(len(a.paragraphs) for a in articles)} paragraph(s)")
        else:
            longest = max(docs, key=lambda d: len(d.articles))
            why = f"the longest, 《{longest.title}》, has {len(longest.articles)} articles"
        return f"no document in the corpus has {label} ({why})"

    def _figure_first(self, question: str, hits: list) -> tuple[list, str | None]:
        """For a question that asks for a figure (years, days, yuan; `answer_type`): the hits
        with the articles among the best `FIGURE_DEPTH` that state such a figure moved to the
        front, and a refusal reason when none of them does."""
        kind = asked_figure(question)
        if not kind:
            return hits, None
        fines = "penalty" in asked_kinds(question)  # a fee is not a fine's amount
        stating = [h for h in hits[:FIGURE_DEPTH]
                   if states_figure(kind, self.corpus.document(h.doc_id).article(h.article, h.sub).text, fines)]
        if not stating:
            return hits, f"the question asks for a figure ({kind}) that the closest provisions do not state"
        return stating + [h for h in hits if h not in stating], None

    def _direct(self, question: str, refs: list[Reference], others: list[Reference] = ()) -> Answer:
        """A question that names provisions: quote them, no retrieval; `others` (the same
        article of further documents) become related reading. A question about the penalty
        ("违反第五十九条会怎么罚？") also gets the articles that sanction breaking those cited
        ("违反本法第五十九条…的，…处…罚款"), as a statute states them."""
        def quoted(ref: Reference):
            text = self.provision(ref)  # raises InputError when it does not exist
            return cite(self.corpus, ref.doc_id, ref.article, ref.sub, ref.paragraph, ref.item, text, 1.0)

        citations = [quoted(ref) for ref in refs]
        if "penalty" in asked_kinds(question):
            cited = {(c.doc_id, c.article, c.sub) for c in citations}
            sanctions = dict.fromkeys(s for r in refs for s in self.retriever.sanctioning(r.doc_id, r.article, r.sub)
                                      if s not in cited)
            citations += [quoted(Reference((0, 0), d, None, a, sub)) for d, a, sub in sanctions]
        related = tuple(quoted(ref) for ref in others[:3])
        return Answer(question, False, answer_text(question, citations), tuple(citations), related,
                      ranking=tuple((c.doc_id, c.article) for c in citations))

    def provision(self, ref: Reference) -> str:
        """Canonical text of the referenced provision, or InputError saying what exists."""
        doc = self.corpus.document(ref.doc_id)
        art = doc.article(ref.article, ref.sub)
        if art is None:
            raise InputError(f"《{doc.title}》 has no {citation_label(doc.title, ref.article, ref.sub)[len(doc.title) + 2:]}"
                             f" (it has {len(doc.articles)} articles)")
        text = provision_text(self.corpus, ref.doc_id, ref.article, ref.sub, ref.paragraph, ref.item)
        if text is None:
            raise InputError(f"{citation_label(doc.title, ref.article, ref.sub, ref.paragraph, ref.item)}"
                             f" does not exist ({art.label} has {len(art.paragraphs)} paragraph(s))")
        return text

    def show(self, reference: str) -> dict:
        """The whole article a reference names, with its structure (the `show` JSON)."""
        text = check_question(reference)
        refs = find_references(text, self.corpus)
        if not refs:
            raise InputError(f"no provision reference in {text[:40]!r}; write e.g. 重庆条例第十三条")
        ref = refs[0]
        if ref.doc_id is None and ref.doc_name is None and len(self.corpus.documents) == 1:
            ref = replace(ref, doc_id=self.corpus.documents[0].id)
        if ref.doc_id is None:
            raise InputError(f"unknown document {ref.doc_name or '(none named)'!r}; documents: "
                             + ", ".join(d.title for d in self.corpus.documents))
        self.provision(ref)
        doc = self.corpus.document(ref.doc_id)
        art = doc.article(ref.article, ref.sub)
        return {"document": doc.title, "label": citation_label(doc.title, art.number, art.sub),
                "chapter": art.chapter, "section": art.section, "article": art.number,
                "text": art.text,
                "paragraphs": [{"paragraph": p.number, "text": p.text,
                                "items": [{"item": it.number, "text": it.text} for it in p.items]}
                               for p in art.paragraphs]}


def follow_up_references(text: str, doc_id: str, article: int) -> list[Reference]:
    """"那第二款呢？" after 重庆条例第十三条 -> [Reference(doc_id, article=13, paragraph=2)];
    "第（三）项呢" -> item 3 of that article. Nothing for text without 款/项 numbers."""
    refs = []
    for m in FOLLOW_UP.finditer(text):
        para = cn_to_int(m.group("para")) if m.group("para") else None
        item_text = m.group("item") or m.group("item_only")
        item = cn_to_int(item_text) if item_text else None
        refs.append(Reference(m.span(), doc_id, None, article, 0, para, item))
    return refs


def check_question(question: str | None) -> str:
    """Normalised question text, or InputError for empty and over-long input."""
    if question is None or not normalise(question):
        raise InputError("the question is empty: ask something, e.g. 发现间谍行为可以打什么电话举报？")
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(f"the question is {len(question):,} characters; the limit is "
                         f"{MAX_QUESTION_CHARS:,}. Ask a shorter question, or use `check` for long texts")
    return normalise(question)
