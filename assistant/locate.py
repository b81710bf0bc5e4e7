"""Where in the corpus a quote is: every provision as a searchable unit, finest first.

In: a `Corpus`. Out: a `UnitTable` that, for each article, holds its items, paragraphs and the
whole article as `Unit`s with folded text (`diffing.fold`), and answers
  * `scope`: the unit a citation names, or None when it does not exist;
  * `locate`: the first unit, in a given order of articles, holding a quote verbatim, finest
    level first (an item before its paragraph, a paragraph before its article);
  * `closest`: the span of the corpus closest to a quote (articles pre-selected by shared
    character bigrams, then aligned with `diffing.closest_span`).
An item's unit text is its paragraph's lead line, "\n", and the item, so a quote running from the
lead into the item is the item's; a quote inside the lead alone belongs to the paragraph.

    unit_table(corpus).locate(["涉密人员未经审批出境的"], order).label
    -> "《重庆市反间谍工作条例》第十三条第二款"
"""
from __future__ import annotations

from dataclasses import dataclass, field

from corpus import Article, Corpus, Document, citation_label

from .compose import provision_text
from .diffing import Alignment, Folded, closest_span, find_fragments, fold

ArticleKey = tuple[str, int, int]  # (doc_id, number, sub)
CANDIDATE_ARTICLES = 20


@dataclass(frozen=True)
class Unit:
    doc_id: str
    article: int
    sub: int
    paragraph: int | None  # None: the whole article, or the only paragraph of one
    item: int | None
    label: str
    folded: Folded
    lead: str = ""  # folded lead line of an item's paragraph

    def holds(self, fragments: list[str]) -> bool:
        """The quote is here, and (for an item) not wholly in the paragraph's lead."""
        return bool(find_fragments(fragments, self.folded.text)) and not (
            self.lead and find_fragments(fragments, self.lead))

    def shown(self, corpus: Corpus) -> str:
        """The canonical text of this provision (an item without its lead)."""
        return provision_text(corpus, self.doc_id, self.article, self.sub, self.paragraph, self.item)


@dataclass
class UnitTable:
    corpus: Corpus
    units: dict[ArticleKey, list[Unit]] = field(default_factory=dict)  # finest first, whole last
    bigrams: dict[ArticleKey, frozenset[str]] = field(default_factory=dict)

    def scope(self, doc_id: str, article: int, sub: int = 0, paragraph: int | None = None,
              item: int | None = None) -> Unit | None:
        """The cited unit; an item cited without its paragraph is looked for in the paragraph
        that has items (the first, when several have)."""
        units = self.units.get((doc_id, article, sub))
        if units is None:
            return None
        if paragraph is None and item is not None:
            with_items = sorted({u.paragraph for u in units if u.item is not None}, key=lambda p: p or 0)
            paragraph = with_items[0] if with_items else None
        if paragraph == 1 and units[-1].paragraph is None and not any(u.paragraph for u in units):
            paragraph = None  # "第八条第一款" of a one-paragraph article
        return next((u for u in units if u.paragraph == paragraph and u.item == item), None)

    def order(self, doc_id: str | None = None,
              article: tuple[int, int] | None = None) -> list[ArticleKey]:
        """Articles to search: `article` of `doc_id` first, then `doc_id`, then corpus order."""
        def rank(key: ArticleKey) -> int:
            return 2 if key[0] != doc_id else 0 if key[1:] == article else 1
        return sorted(self.units, key=rank)  # stable: corpus order within each rank

    def locate(self, fragments: list[str], order: list[ArticleKey]) -> Unit | None:
        for key in order:
            units = self.units[key]
            if units[-1].holds(fragments):
                return next(u for u in units if u.holds(fragments))
        return None

    def closest(self, quote: str, order: list[ArticleKey],
                min_similarity: float) -> tuple[Unit, Alignment, Unit] | None:
        """(whole article, closest span in it, finest unit holding that span) of the most similar
        span, `order` breaking ties; None when no span reaches `min_similarity`. Articles are
        pre-selected by shared character bigrams: an edit destroys at most two of the quote's
        bigrams, so a span within d edits shares at least len(bigrams) - 2d of them."""
        wanted = _bigrams(quote)
        if not wanted:
            return None
        need = len(wanted) - 2 * int((1 - min_similarity) * len(quote))
        shared = {key: len(wanted & self.bigrams[key]) for key in order}
        ranked = sorted((k for k, n in shared.items() if n >= max(need, 1)),
                        key=lambda k: -shared[k])[:CANDIDATE_ARTICLES]
        best = None
        for key in sorted(ranked, key=order.index):
            whole = self.units[key][-1]
            span = closest_span(quote, whole.folded.text)
            if span and (best is None or span.similarity > best[1].similarity):
                best = (whole, span)
        if best is None or best[1].similarity < min_similarity:
            return None
        whole, span = best
        key = (whole.doc_id, whole.article, whole.sub)
        return whole, span, self.locate([whole.folded.text[span.start:span.end]], [key])


def _bigrams(text: str) -> frozenset[str]:
    """"国家安全" -> {"国家", "家安", "安全"}."""
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def article_units(doc: Document, art: Article) -> list[Unit]:
    """Items (lead + item), paragraphs, whole article; paragraphs are left out of the labels of a
    one-paragraph article."""
    single = len(art.paragraphs) == 1
    units = []

    def unit(paragraph, item, text, lead=""):
        label = citation_label(doc.title, art.number, art.sub, paragraph, item)
        return Unit(doc.id, art.number, art.sub, paragraph, item, label, fold(text), lead)

    for para in art.paragraphs:
        number = None if single else para.number
        if para.items:
            lead = para.text[:para.text.find(para.items[0].text)].rstrip("\n")
            for it in para.items:
                units.append(unit(number, it.number, f"{lead}\n{it.text}" if lead else it.text,
                                  fold(lead).text))
        if not single:
            units.append(unit(number, None, para.text))
    units.append(unit(None, None, art.text))
    return units


_TABLES: dict[int, UnitTable] = {}


def unit_table(corpus: Corpus) -> UnitTable:
    """The (cached) unit table of a corpus."""
    table = _TABLES.get(id(corpus))
    if table is None or table.corpus is not corpus:
        table = UnitTable(corpus)
        for doc in corpus.documents:
            for art in doc.articles:
                key = (doc.id, art.number, art.sub)
                table.units[key] = article_units(doc, art)
                table.bigrams[key] = _bigrams(table.units[key][-1].folded.text)
        if len(_TABLES) >= 4:
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[id(corpus)] = table
    return table
