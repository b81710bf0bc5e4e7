"""Hybrid retrieval: dense (FAISS) and lexical (BM25) rankings, fused, at article level.

In: a `Query`, an `Index` and an embedding model. Out: `Retrieval` — article `Hit`s, best
first, each with its chunks ranked, and the signals the refusal decision uses.
Fusion is linear over normalised scores: a chunk scores the z-score of its cosine among the
dense candidates, plus BM25 over jieba words and over character pairs, each divided by its
best score; an article scores its best chunk plus the z-score of the whole article's cosine.
Documents the question names (by title, short name or place) get a fixed bonus, and so do
articles of the kind the question asks for (a sanction, a purpose clause, an effective date,
a definition, a scope clause, the conditions: `answer_type.asked_kinds`). When a sanction is
asked for, an article that sanctions breaking others by citing them ("违反本条例第七条规定的，…
罚款") ranks at least as high as the best of the articles it cites, since it rarely repeats their
words; and when one such article ranks first, the best ranked of the duties it cites comes
second: a fine is read with the rule it enforces (`duty_after_sanction`). The best article
stands; the rest are ranked again with the question's vector moved towards the best few articles (pseudo-relevance feedback, `Retriever.feedback`), which brings up
the provisions that restate them in other documents (default set: Recall@5 0.893 -> 0.918).

    "涉密人员未经审批出境，单位应当怎么办？" -> hits[0] = Hit(doc_id="chongqing_tiaoli", article=13)
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.build import Index
from index.cedict import translate
from index.chunks import Chunk, article_key
from index.embed_model import encode_queries
from index.lexical import bigrams, tokenize
from index.offtopic import on_topic_z

from .answer_type import asked_kinds, provision_kinds
from .query import EVERYDAY, Query, english_content, english_covered, is_english
from .refs import find_references
from .scope import PLACES

DENSE_CANDIDATES = 256
LEXICAL_CANDIDATES = 100
LEXICAL_WEIGHT = 1.0
BIGRAM_WEIGHT = 3.0
ARTICLE_WEIGHT = 1.0
NAMED_DOC_BONUS = 4.0
DOC_DIVERSITY = 1.5
KIND_BONUS = 2.0
FEEDBACK_ARTICLES = 3  # 1-5 articles at weight 0.3-0.7: Recall@5 0.90-0.918 on the default set
FEEDBACK_WEIGHT = 0.5  # 0 turns feedback off
CEDICT = True  # English words the vocabulary lacks are looked up in CC-CEDICT (`dictionary_words`)


@dataclass(frozen=True)
class ChunkHit:
    chunk: Chunk
    score: float
    dense: float
    lexical: float


@dataclass(frozen=True)
class Hit:
    doc_id: str
    article: int
    sub: int
    score: float
    chunks: tuple[ChunkHit, ...]  # best first


@dataclass(frozen=True)
class Retrieval:
    hits: list[Hit]
    dense_top: float  # best cosine
    dense_margin: float  # best cosine minus the mean of the top CANDIDATES
    lexical_top: float  # best BM25 score
    coverage: float  # IDF-weighted share of the question's words found in the corpus
    translated: bool = False  # an English question some word of which translates into the texts' words
    on_topic: float = 0.0  # best cosine in spreads above everyday questions' (`index.offtopic`)


class Retriever:
    def __init__(self, index: Index, model, corpus=None):
        self.index, self.model, self.corpus = index, model, corpus
        self._kinds: dict[str, set[str]] | None = None
        self._sanctions: dict[str, list[str]] | None = None
        self._first_chunk: dict[str, int] = {}  # a sanctioning article's first chunk
        self._article_row: dict[str, int] | None = None

    def article_kinds(self) -> dict[str, set[str]]:
        """Article key -> the kinds of provision it is (`answer_type.provision_kinds`), found once."""
        if self._kinds is None:
            self._kinds = {}
            for c in self.index.chunks:
                self._kinds.setdefault(c.article_key, set()).update(provision_kinds(c.text))
        return self._kinds

    def sanctions(self) -> dict[str, list[str]]:
        """Article key -> keys of the articles of its document that sanction breaking it, by
        citing it ("违反本条例第七条、第八条规定的，…处…罚款" sanctions 第七条 and 第八条); found once,
        empty without the corpus (its titles resolve the citations)."""
        if self._sanctions is None:
            self._sanctions, self._first_chunk = {}, {}
            kinds = self.article_kinds() if self.corpus is not None else {}
            for i, c in enumerate(self.index.chunks):
                if "penalty" not in kinds.get(c.article_key, ()):
                    continue
                self._first_chunk.setdefault(c.article_key, i)
                for ref in find_references(c.text, self.corpus, c.doc_id):
                    cited = article_key(ref.doc_id, ref.article, ref.sub)
                    if ref.doc_id == c.doc_id and cited != c.article_key:
                        keys = self._sanctions.setdefault(cited, [])
                        keys += [c.article_key] if c.article_key not in keys else []
        return self._sanctions

    def sanctioning(self, doc_id: str, article: int, sub: int = 0) -> list[tuple[str, int, int]]:
        """(doc_id, article, sub) of the articles that sanction breaking the given one by citing it:
        ("minors", 59) -> [("minors", 123)] when 第一百二十三条 says "违反本法第五十九条…"."""
        keys = self.sanctions().get(article_key(doc_id, article, sub), [])
        chunks = [self.index.chunks[self._first_chunk[k]] for k in keys]
        return [(c.doc_id, c.article, c.sub) for c in chunks]

    def embed(self, text: str) -> np.ndarray:
        return encode_queries(self.model, [text])[0]

    def retrieve(self, query: Query, prefer_docs: frozenset[str] = frozenset(),
                 only_docs: frozenset[str] = frozenset(),
                 skip_docs: frozenset[str] = frozenset()) -> Retrieval:
        """Rank articles for `query`. `prefer_docs` get a bonus (the question names them or the
        place they govern); only `only_docs` are kept when given; `skip_docs` are left out
        (local rules of places the question does not ask about). The first article stands; the
        rest are ranked again with the question's vector moved towards the first pass's best
        articles (`feedback`)."""
        index = self.index
        vector = self.embed(query.text)
        extra = self.dictionary_words(query)
        searched = self.lexical_text(query, extra)
        lexical = (index.bm25.scores(tokenize(searched)), index.bigram_bm25.scores(bigrams(searched)))
        filters = (prefer_docs, only_docs, skip_docs)
        dense = _zscores(*index.store.search(vector, DENSE_CANDIDATES))
        wanted = asked_kinds(query.original)  # the kinds of provision asked for, found once
        hits = self._rank(wanted, vector, dense, lexical, filters)
        if FEEDBACK_WEIGHT and len(hits) > 1:
            moved = self.feedback(vector, hits)
            again = self._rank(wanted, moved, _zscores(*index.store.search(moved, DENSE_CANDIDATES)), lexical, filters)
            best = (hits[0].doc_id, hits[0].article, hits[0].sub)  # first, with its rescored score
            hits = sorted(again, key=lambda h: (h.doc_id, h.article, h.sub) != best)
        if hits and "penalty" in wanted:
            hits = self.duty_after_sanction(hits)
        cosines = sorted((c for _, c in dense.values()), reverse=True)
        words = lexical[0]
        english = is_english(query.text)
        translated = english and self.translates(query, extra)
        return Retrieval(hits=hits,
                         dense_top=cosines[0] if cosines else 0.0,
                         dense_margin=float(cosines[0] - np.mean(cosines)) if cosines else 0.0,
                         lexical_top=float(words.max()) if len(words) else 0.0,
                         coverage=self.coverage(query, extra) if translated or not english else 0.0,
                         translated=translated,
                         on_topic=on_topic_z(cosines[0], "en" if english else "zh", index.params["offtopic"])
                         if cosines else 0.0)

    def duty_after_sanction(self, hits: list[Hit]) -> list[Hit]:
        """For a question about a penalty: when the best article sanctions breaking others, the
        best ranked of the duties it cites comes right after it."""
        first = article_key(hits[0].doc_id, hits[0].article, hits[0].sub)
        duties = {d for d, sanctions in self.sanctions().items() if first in sanctions}
        keyed = [(article_key(h.doc_id, h.article, h.sub), h) for h in hits]
        duty = next((h for k, h in keyed[1:] if k in duties), None)
        if duty is None:
            return hits
        return [hits[0], duty] + [h for h in hits[1:] if h is not duty]

    def dictionary_words(self, query: Query) -> list[str]:
        """For an English question, the dictionary's translations that the texts use of its words
        the vocabulary lacks (`cedict`): "Can they take my passport?" -> ["护照"] of a corpus that
        says 护照; none for a Chinese question."""
        if not (CEDICT and is_english(query.text)):
            return []
        return translate(query.text, self.index.english, english_covered(query.text))

    def lexical_text(self, query: Query, extra: list[str] | None = None) -> str:
        """What BM25 searches by: the question, its vocabulary words and its `dictionary_words`
        (`extra`, when already found)."""
        return " ".join([query.lexical, *(self.dictionary_words(query) if extra is None else extra)])

    def translates(self, query: Query, extra: list[str]) -> bool:
        """Some word of an English question has a translation the texts use, by the vocabulary or
        the dictionary (`extra`): "Who won the chess championship?" has none."""
        bm25 = self.index.bm25
        words = [tokenize(w) for w in english_content(query.text)]
        return bool(extra) or any(tokens and all(bm25.known(t) for t in tokens) for tokens in words)

    def feedback(self, vector: np.ndarray, hits: list[Hit]) -> np.ndarray:
        """Pseudo-relevance feedback (Rocchio): `vector` plus `FEEDBACK_WEIGHT` × the mean of the
        first `FEEDBACK_ARTICLES` hits' whole-article vectors weighted 1/rank, scaled to unit
        length. Statutes restate one another, so the articles that a question's best articles
        resemble are likely answers too, even where the question's own words miss them.
        With weight 0.5 and the best three articles' vectors a1, a2, a3:
        v + 0.5·(a1 + a2/2 + a3/3)/(1 + 1/2 + 1/3), divided by its norm."""
        if self._article_row is None:
            self._article_row = {key: i for i, key in enumerate(self.index.article_keys)}
        top = [self._article_row[article_key(h.doc_id, h.article, h.sub)] for h in hits[:FEEDBACK_ARTICLES]]
        weights = 1.0 / np.arange(1, len(top) + 1, dtype=np.float32)
        centre = (self.index.article_store.vectors(top) * weights[:, None]).sum(axis=0) / weights.sum()
        moved = vector + FEEDBACK_WEIGHT * centre
        return (moved / np.linalg.norm(moved)).astype(np.float32)

    def _rank(self, wanted: set[str], vector: np.ndarray, dense: dict, lexical: tuple, filters: tuple) -> list[Hit]:
        """Articles scored as the module docstring says (`wanted`: the kinds of provision asked
        for), best first, `diversify`d."""
        index, chunks = self.index, self.index.chunks
        prefer_docs, only_docs, skip_docs = filters
        words, pairs = lexical
        article_z = _zscores(*index.article_store.search(vector, DENSE_CANDIDATES))
        article_z = {index.article_keys[i]: z for i, (z, _) in article_z.items()}
        candidates = set(dense) | _top(words) | _top(pairs)
        floor = min((z for z, _ in dense.values()), default=0.0)
        art_floor = min(article_z.values(), default=0.0)
        words_n, pairs_n = words / max(words.max(), 1e-9), pairs / max(pairs.max(), 1e-9)
        by_article: dict[str, list[ChunkHit]] = {}
        for i in candidates:
            chunk = chunks[i]
            if (only_docs and chunk.doc_id not in only_docs) or chunk.doc_id in skip_docs:
                continue
            z, cosine = dense.get(i, (floor, float("nan")))
            score = z + LEXICAL_WEIGHT * words_n[i] + BIGRAM_WEIGHT * pairs_n[i]
            by_article.setdefault(chunk.article_key, []).append(
                ChunkHit(chunk, float(score), cosine, float(words[i])))
        kinds = self.article_kinds() if wanted else {}
        base = {}
        for key, group in by_article.items():
            group.sort(key=lambda h: -h.score)
            base[key] = group[0].score + ARTICLE_WEIGHT * article_z.get(key, art_floor)
        if "penalty" in wanted:  # an article sanctioning a duty ranks at least as its duty does
            for key, score in list(base.items()):
                for sanction in self.sanctions().get(key, ()):
                    if sanction not in by_article:
                        first = chunks[self._first_chunk[sanction]]
                        by_article[sanction] = [ChunkHit(first, score, float("nan"), 0.0)]
                    base[sanction] = max(base.get(sanction, score), score)
        hits = []
        for key, group in by_article.items():
            c = group[0].chunk
            score = (base[key] + (NAMED_DOC_BONUS if c.doc_id in prefer_docs else 0.0)
                     + (KIND_BONUS if wanted & kinds.get(key, set()) else 0.0))
            hits.append(Hit(c.doc_id, c.article, c.sub, score, tuple(group)))
        return diversify(sorted(hits, key=lambda h: -h.score), DOC_DIVERSITY)

    def coverage(self, query: Query, extra: list[str] = ()) -> float:
        """Share of the question's information that the corpus's vocabulary contains: its words
        weighted by their IDF in general Chinese (jieba's table), so a specific word the texts
        never use ("护照") weighs more than a common one ("申请"). An everyday word counts as known
        when a statutory word the vocabulary maps it to is (`known`: "国安" -> 国家安全机关). Place
        names do not count: they say where, not what ("明天重庆会下雨吗" is not covered by a text
        about 重庆). English questions are measured on their Chinese expansion, the vocabulary's
        words and the dictionary's (`extra`, `dictionary_words`): "My wife is pregnant and I want
        a divorce" is covered by a text that says 怀孕 and 离婚, words the vocabulary lacks."""
        source = " ".join([query.lexical, *extra]) if is_english(query.text) else query.text
        tokens = [t for t in set(tokenize(source)) if not t.isascii() and t.rstrip("省市") not in PLACES]
        if not tokens:
            return 0.0
        idf, default = general_idf()
        weights = [idf.get(t, default) for t in tokens]
        found = sum(w for t, w in zip(tokens, weights) if self.known(t))
        return float(found / sum(weights))

    def known(self, word: str) -> bool:
        """The corpus uses the word, or one of the statutory words the vocabulary maps it to
        ("老板" is known to a labour law that says "用人单位", not to one that never does)."""
        bm25 = self.index.bm25
        if bm25.known(word):
            return True
        mapped = [tokenize(m) for m in EVERYDAY.get(word, "").split()]
        return any(tokens and all(bm25.known(t) for t in tokens) for tokens in mapped)


def diversify(hits: list[Hit], penalty: float) -> list[Hit]:
    """Re-rank so one document does not fill the top: each pick costs the later articles of
    the same document `penalty` (scores themselves are kept). Statutes restate one another (a
    provincial rule and the national article it implements), and a question is answered by all
    of them. With penalty 1: [A1 9, A2 8.5, B1 8] -> [A1, B1, A2].

    `hits` come best first. Only each document's best remaining hit can be picked next, so one
    heap entry per document does (ties go to the earlier hit): O(n log documents)."""
    queues: dict[str, list[int]] = {}
    for i, h in enumerate(hits):
        queues.setdefault(h.doc_id, []).append(i)
    heap = [(-hits[q[0]].score, q[0], doc, 0) for doc, q in queues.items()]
    heapq.heapify(heap)
    picked = []
    while heap:
        _, i, doc, used = heapq.heappop(heap)
        picked.append(hits[i])
        if used + 1 < len(queues[doc]):
            j = queues[doc][used + 1]
            heapq.heappush(heap, (-(hits[j].score - penalty * (used + 1)), j, doc, used + 1))
    return picked


def general_idf() -> tuple[dict[str, float], float]:
    """jieba's IDF table of general Chinese (`jieba/analyse/idf.txt`, "word idf" a line) and its
    median (for unseen words), read once. Read directly: `import jieba.analyse` would also load
    jieba's part-of-speech tables, about a second of every cold start."""
    global _IDF
    if _IDF is None:
        import jieba

        path = Path(jieba.__file__).parent / "analyse" / "idf.txt"
        table = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            word, _, value = line.rpartition(" ")
            if word:
                table[word] = float(value)
        _IDF = table, sorted(table.values())[len(table) // 2]  # jieba's own median
    return _IDF


_IDF: tuple[dict[str, float], float] | None = None


def _zscores(scores: np.ndarray, ids: np.ndarray) -> dict[int, tuple[float, float]]:
    """row id -> (z-score of its cosine among the candidates, cosine)."""
    scores, ids = scores[0], ids[0]
    keep = ids >= 0
    scores, ids = scores[keep], ids[keep]
    if not len(scores):
        return {}
    z = (scores - scores.mean()) / (float(scores.std()) or 1.0)
    return {int(i): (float(zi), float(s)) for i, zi, s in zip(ids.tolist(), z.tolist(), scores.tolist())}


def _top(scores: np.ndarray) -> set[int]:
    top = np.argsort(-scores)[:LEXICAL_CANDIDATES]
    return {int(i) for i in top if scores[i] > 0}

