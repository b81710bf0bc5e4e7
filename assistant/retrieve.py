"""Hybrid retrieval: dense (FAISS) and lexical (BM25) chunk rankings, fused, at article level.

In: a `Query`, an `Index` and an embedding model. Out: `Retrieval` — article `Hit`s, best
first, each with its chunks ranked, and the signals the refusal decision uses.
Fusion is weighted reciprocal rank (RRF, k=`RRF_K`) over the top `CANDIDATES` of each ranking;
an article scores its best chunk plus a small share of its second. Documents the question
names (by title, short name or place) are preferred.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.build import Index
from index.chunks import Chunk
from index.embed_model import encode_queries
from index.lexical import tokenize

from .query import Query, is_english

CANDIDATES = 100
RRF_K = 10
DENSE_WEIGHT = 1.0
LEXICAL_WEIGHT = 1.0
ENGLISH_LEXICAL_WEIGHT = 0.5
SECOND_CHUNK_SHARE = 0.2
NAMED_DOC_BOOST = 1.5


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


class Retriever:
    def __init__(self, index: Index, model):
        self.index, self.model = index, model

    def embed(self, text: str) -> np.ndarray:
        return encode_queries(self.model, [text])[0]

    def retrieve(self, query: Query, prefer_docs: frozenset[str] = frozenset(),
                 only_docs: frozenset[str] = frozenset()) -> Retrieval:
        chunks = self.index.chunks
        dense_scores, dense_ids = self.index.store.search(self.embed(query.text), CANDIDATES)
        dense_scores, dense_ids = dense_scores[0], dense_ids[0]
        query_tokens = tokenize(query.lexical)
        lexical = self.index.bm25.scores(query_tokens)
        lex_ids = np.argsort(-lexical)[:CANDIDATES]
        lex_ids = lex_ids[lexical[lex_ids] > 0]
        lex_weight = ENGLISH_LEXICAL_WEIGHT if is_english(query.text) else LEXICAL_WEIGHT
        fused: dict[int, float] = {}
        dense_of = {int(i): float(s) for i, s in zip(dense_ids, dense_scores) if i >= 0}
        for rank, i in enumerate(i for i in dense_ids if i >= 0):
            fused[int(i)] = fused.get(int(i), 0.0) + DENSE_WEIGHT / (RRF_K + rank + 1)
        for rank, i in enumerate(lex_ids):
            fused[int(i)] = fused.get(int(i), 0.0) + lex_weight / (RRF_K + rank + 1)
        by_article: dict[str, list[ChunkHit]] = {}
        for i, score in fused.items():
            chunk = chunks[i]
            if only_docs and chunk.doc_id not in only_docs:
                continue
            if chunk.doc_id in prefer_docs:
                score *= NAMED_DOC_BOOST
            hit = ChunkHit(chunk, score, dense_of.get(i, float("nan")), float(lexical[i]))
            by_article.setdefault(chunk.article_key, []).append(hit)
        hits = []
        for group in by_article.values():
            group.sort(key=lambda h: -h.score)
            score = group[0].score + (SECOND_CHUNK_SHARE * group[1].score if len(group) > 1 else 0)
            c = group[0].chunk
            hits.append(Hit(c.doc_id, c.article, c.sub, score, tuple(group)))
        hits.sort(key=lambda h: -h.score)
        valid = dense_scores[dense_ids >= 0]
        return Retrieval(hits=hits,
                         dense_top=float(valid[0]) if len(valid) else 0.0,
                         dense_margin=float(valid[0] - valid.mean()) if len(valid) else 0.0,
                         lexical_top=float(lexical.max()) if len(lexical) else 0.0,
                         coverage=self.coverage(query))

    def coverage(self, query: Query) -> float:
        """IDF-weighted share of the question's own words (before expansion) that occur in the
        corpus; English questions are measured on their expansion."""
        bm25 = self.index.bm25
        source = query.lexical if is_english(query.text) else query.text
        tokens = [t for t in set(tokenize(source)) if not t.isascii()]
        if not tokens:
            return 0.0
        max_idf = np.log(1 + (bm25.n + 0.5) / 0.5)
        weights = [bm25.idf.get(t, max_idf) for t in tokens]
        found = [w for t, w in zip(tokens, weights) if bm25.known(t)]
        return float(sum(found) / sum(weights))
