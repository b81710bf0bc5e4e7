"""Check the citations and quotes in a text against the corpus, one verdict per claim.

In: free text (a memo, a slide, another assistant's answer) and a `Corpus`; no model, no index.
Out: a `CheckReport` with one `CheckItem` per claim (`claims.find_claims`), in text order:
  verified           the quote is in the cited provision verbatim (as `diffing` compares)
  altered            not verbatim anywhere, but a span of the cited provision (or, when none is
                     close, of another one: then `correct_label` names it) has similarity
                     >= ALTERED_MIN_SIMILARITY (at most one edit per four characters, see
                     `diffing`); `diff` is the character diff, `provision_text` that span
  wrong_location     verbatim elsewhere (same article, then same document, then the others
                     first): `correct_label` is the finest provision holding it (item, paragraph)
  not_found          the corpus holds nothing close (`provision_text`: the cited provision)
  no_such_provision  the document lacks the article, paragraph or item cited (a missing
                     paragraph or item of an existing article whose quote stands verbatim
                     elsewhere is wrong_location instead)
  unknown_document   the cited document is not in the corpus
                     (for these two, a quote the corpus holds verbatim gets `correct_label` and
                     `provision_text` of where it is)
  reference_only     a citation without a quote: `provision_text` is the provision
  uncited_quote      a quote with no citation that the corpus holds verbatim (>= MIN_UNCITED_CHARS)
A quote under a citation whose document cannot be told ("第五条规定：…" with no law named) is
checked as if uncited; such a reference without a quote, and uncited quotes the corpus holds
nothing close to, are not reported. Labels and provision texts always come from the corpus;
labels leave out the paragraph of a one-paragraph article ("第八条第三项").
Refuses (InputError) empty text and text over MAX_CHECK_CHARS characters.

    check_text("根据重庆条例第十三条第二款，“涉密人员未经审批出境的，所在单位发现后应当"
               "及时向国家安全机关报告”。", corpus).items[0]
    -> CheckItem(status="altered", diff=(…{"op": "replace", "quote": "及时", "law": "立即"}…), …)
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from corpus import Corpus, InputError, citation_label

from .claims import Claim, find_claims
from .compose import provision_text
from .diffing import closest_span, diff_ops, find_fragments, quote_core
from .locate import Unit, UnitTable, unit_table
from .refs import SELF_NAMES, Reference, named_documents

MAX_CHECK_CHARS = 100_000
ALTERED_MIN_SIMILARITY = 0.75
MIN_UNCITED_CHARS = 8
STATUSES = ("verified", "altered", "wrong_location", "not_found", "no_such_provision",
            "unknown_document", "reference_only", "uncited_quote")


@dataclass(frozen=True)
class Cited:
    """What a claim cites, as written; `document` is None when the text does not say."""
    document: str | None
    article: int
    paragraph: int | None
    item: int | None
    label: str
    doc_id: str | None = None
    sub: int = 0

    def to_json(self) -> dict:
        return {"document": self.document, "article": self.article, "paragraph": self.paragraph,
                "item": self.item, "label": self.label}


@dataclass(frozen=True)
class CheckItem:
    span: tuple[int, int]
    cited: Cited | None
    quote: str | None
    status: str
    correct_label: str | None = None
    diff: tuple[dict, ...] | None = None
    provision_text: str | None = None

    def to_json(self) -> dict:
        return {"span": list(self.span), "cited": self.cited.to_json() if self.cited else None,
                "quote": self.quote, "status": self.status, "correct_label": self.correct_label,
                "diff": [dict(op) for op in self.diff] if self.diff is not None else None,
                "provision_text": self.provision_text}


@dataclass(frozen=True)
class CheckReport:
    items: tuple[CheckItem, ...]

    def to_json(self) -> dict:
        return {"items": [item.to_json() for item in self.items]}


def check_text(text: str, corpus: Corpus) -> CheckReport:
    """Every claim of `text` with its verdict (see module docstring)."""
    if text is None or not text.strip():
        raise InputError("the text to check is empty: paste text that cites the regulations, e.g. "
                         "根据重庆条例第十三条第二款，“涉密人员未经审批出境的，……”")
    if len(text) > MAX_CHECK_CHARS:
        raise InputError(f"the text is {len(text):,} characters; the limit is {MAX_CHECK_CHARS:,}. "
                         "Check it in parts")
    table = unit_table(corpus)
    mentions = [(start, doc_id) for start, _end, doc_id, _name in named_documents(text, corpus) if doc_id]
    starts = [start for start, _ in mentions]
    items = []
    for claim in find_claims(text, corpus):
        last = bisect_left(starts, claim.span[0]) - 1  # the document named last before the claim
        item = _judge(claim, corpus, table, mentions[last][1] if last >= 0 else None)
        if item is not None:
            items.append(item)
    return CheckReport(tuple(items))


def _judge(claim: Claim, corpus: Corpus, table: UnitTable, named_before: str | None) -> CheckItem | None:
    """The verdict on one claim; None for what is not worth reporting (see module docstring)."""
    ref, quote_text = claim.ref, claim.quote.text if claim.quote else None
    core = quote_core(quote_text) if quote_text is not None else None
    if core is not None and not core.text:
        core = quote_text = None  # nothing but punctuation: no quote
    cited = _cited(ref, corpus) if ref else None
    base = dict(span=claim.span, cited=cited, quote=quote_text)
    if ref is None or (ref.doc_id is None and (ref.doc_name is None or ref.doc_name in SELF_NAMES)):
        if core is None or (ref is None and len(core.text) < MIN_UNCITED_CHARS):
            return None
        return _uncited(base, core, table, named_before, cited is not None)
    if ref.doc_id is None:
        return CheckItem(**base, status="unknown_document", **_suggestion(core, table, None))
    scope = table.scope(ref.doc_id, ref.article, ref.sub, ref.paragraph, ref.item)
    if scope is None:
        # "第十二条第二款" where 第十二条 has one paragraph but the quote stands verbatim elsewhere:
        # the article exists, so the citation is a wrong location, not an invented provision.
        if core is not None and table.scope(ref.doc_id, ref.article, ref.sub, None, None):
            elsewhere = table.locate(core.fragments(), table.order(ref.doc_id, (ref.article, ref.sub)))
            if elsewhere:
                return CheckItem(**base, status="wrong_location", correct_label=elsewhere.label,
                                 provision_text=elsewhere.shown(corpus))
        return CheckItem(**base, status="no_such_provision", **_suggestion(core, table, ref.doc_id))
    shown = provision_text(corpus, scope.doc_id, scope.article, scope.sub, scope.paragraph, scope.item)
    if core is None:
        return CheckItem(**base, status="reference_only", provision_text=shown)
    fragments = core.fragments()
    if find_fragments(fragments, scope.folded.text):
        return CheckItem(**base, status="verified", provision_text=shown)
    order = table.order(ref.doc_id, (ref.article, ref.sub))  # the cited article, its document, the rest
    elsewhere = table.locate(fragments, order)
    if elsewhere:
        return CheckItem(**base, status="wrong_location", correct_label=elsewhere.label,
                         provision_text=elsewhere.shown(corpus))
    span = closest_span(core.text, scope.folded.text)
    if span and span.similarity >= ALTERED_MIN_SIMILARITY:
        return CheckItem(**base, status="altered", diff=tuple(diff_ops(scope.folded, span, core)),
                         provision_text=scope.folded.original(span.start, span.end, tight=True))
    near = table.closest(core.text, order, ALTERED_MIN_SIMILARITY)
    if near:
        return _altered(base, core, *near)
    return CheckItem(**base, status="not_found", provision_text=shown)


def _uncited(base: dict, core, table: UnitTable, prefer_doc: str | None, cited: bool) -> CheckItem | None:
    """A quote with no usable citation: uncited_quote, altered (with a suggestion) or nothing."""
    order = table.order(prefer_doc)
    found = table.locate(core.fragments(), order)
    if found:
        return CheckItem(**base, status="uncited_quote", correct_label=found.label,
                         provision_text=found.shown(table.corpus))
    near = table.closest(core.text, order, ALTERED_MIN_SIMILARITY)
    if near:
        return _altered(base, core, *near)
    return CheckItem(**base, status="not_found") if cited else None


def _altered(base: dict, core, whole: Unit, span, finest: Unit) -> CheckItem:
    return CheckItem(**base, status="altered", correct_label=finest.label,
                     diff=tuple(diff_ops(whole.folded, span, core)),
                     provision_text=whole.folded.original(span.start, span.end, tight=True))


def _suggestion(core, table: UnitTable, prefer_doc: str | None) -> dict:
    """Where the quote of a citation that cannot be right is verbatim, if anywhere."""
    found = table.locate(core.fragments(), table.order(prefer_doc)) if core is not None else None
    return {"correct_label": found.label, "provision_text": found.shown(table.corpus)} if found else {}


def _cited(ref: Reference, corpus: Corpus) -> Cited:
    """The citation as written: "《重庆市反间谍工作条例》第十三条第二款", "《刑法》第五条", "本条例第五条"."""
    doc = corpus.document(ref.doc_id) if ref.doc_id else None
    title = doc.title if doc else ref.doc_name
    label = citation_label(title or "", ref.article, ref.sub, ref.paragraph, ref.item)
    if not doc and (title is None or title in SELF_NAMES):
        label = (title or "") + label.split("》", 1)[1]
    return Cited(None if title in SELF_NAMES else title, ref.article, ref.paragraph, ref.item, label,
                 ref.doc_id, ref.sub)
