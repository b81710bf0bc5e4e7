"""The systems compared side by side, each a callable: question -> `Output`.

In: an opened `Assistant` (its corpus, index and embedding model). Out: for every question the
provisions a system ranks (up to 10 distinct (document id, article) pairs, best first), whether
it refused, the quotes it returns (each cited to a provision) and its wall-clock latency.

  product   `Assistant.ask`, what `python -m assistant ask` does. Ranking: `Answer.ranking`
            (also for refusals); for questions that name provisions, the cited ones. Quotes:
            citations and related reading.
  bm25      BM25 alone over the product's chunks (`tokenize(make_query(q).lexical)`); an article
            scores its best chunk; never refuses; quotes the best chunk of the top 3 articles.
  dense     the product's FAISS store alone (normalised question, e5 query prompt); otherwise
            as bm25.
  tutorial  the recipe a user would copy: langchain's RecursiveCharacterTextSplitter at 500
            characters (default overlap) over each raw file, FAISS IndexFlatIP, the same model,
            no legal structure. Its ranking lists every article each retrieved chunk overlaps,
            the one it holds most of first; it returns its top 4 chunks (langchain's default k)
            as quotes of that article, and their faithfulness is measured against it.
"""
from __future__ import annotations

import hashlib
import itertools
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import faiss
import numpy as np

from assistant.compose import QuoteError
from assistant.query import make_query
from assistant.service import DEFAULT_TOP_K, Assistant
from corpus import Corpus, Document, InputError
from corpus.load import read_utf8
from index.build import Index
from index.chunks import Chunk
from index.embed_model import encode_passages, encode_queries
from index.lexical import tokenize

SYSTEMS = ("product", "bm25", "dense", "tutorial")
RANK_DEPTH = 10
CANDIDATES = 100  # chunks each single-signal system looks at, as the product's retriever does
TUTORIAL_CHUNK_CHARS = 500
TUTORIAL_K = 4

Provision = tuple[str, int]


@dataclass(frozen=True)
class Quote:
    doc_id: str
    article: int
    sub: int
    paragraph: int | None
    item: int | None
    text: str


@dataclass(frozen=True)
class Output:
    ranked: tuple[Provision, ...]
    refused: bool
    quotes: tuple[Quote, ...]
    latency_ms: float


System = Callable[[str], Output]


def timed(answer: Callable[[str], tuple]) -> System:
    """Wrap `answer(question) -> (ranked, refused, quotes)` into a `System` that times it."""
    def system(question: str) -> Output:
        started = time.perf_counter()
        ranked, refused, quotes = answer(question)
        elapsed = (time.perf_counter() - started) * 1000
        return Output(tuple(dict.fromkeys(ranked))[:RANK_DEPTH], refused, tuple(quotes), elapsed)
    return system


def product(assistant: Assistant) -> System:
    def answer(question: str):
        try:
            a = assistant.ask(question)
        except InputError:  # e.g. names a provision that does not exist: the user gets no answer
            return (), True, ()
        except QuoteError as exc:  # a bug: counted as one unfaithful quote, not hidden
            print(f"warning: {exc}", file=sys.stderr)
            return (), False, (Quote("", 0, 0, None, None, str(exc)),)
        shown = (*a.citations, *a.related)
        ranking = a.ranking or [(c.doc_id, c.article) for c in shown]
        quotes = [Quote(c.doc_id, c.article, c.sub, c.paragraph, c.item, c.quote) for c in shown]
        return [tuple(p) for p in ranking], a.refused, quotes
    return timed(answer)


def bm25(index: Index) -> System:
    def answer(question: str):
        scores = index.bm25.scores(tokenize(make_query(question).lexical))
        top = np.argsort(-scores, kind="stable")[:CANDIDATES]
        return by_article(index.chunks, [int(i) for i in top if scores[i] > 0])
    return timed(answer)


def dense(index: Index, model) -> System:
    def answer(question: str):
        _, ids = index.store.search(encode_queries(model, [make_query(question).text]), CANDIDATES)
        return by_article(index.chunks, [int(i) for i in ids[0] if i >= 0])
    return timed(answer)


def by_article(chunks: list[Chunk], ranked_ids: list[int]):
    """Chunk ids best first -> (articles by their best chunk, never refused, quotes of the best
    chunk of the top `DEFAULT_TOP_K` articles)."""
    best: dict[Provision, Chunk] = {}
    for i in ranked_ids:
        best.setdefault((chunks[i].doc_id, chunks[i].article), chunks[i])
    quotes = [Quote(c.doc_id, c.article, c.sub, c.paragraph, c.item, c.text)
              for c in list(best.values())[:DEFAULT_TOP_K]]
    return list(best), False, quotes


@dataclass(frozen=True)
class TutorialChunk:
    doc_id: str
    text: str
    articles: tuple[int, ...]  # numbers of the articles whose lines the chunk overlaps


def tutorial_chunks(corpus: Corpus) -> list[TutorialChunk]:
    """Split every raw file as a tutorial would and map each chunk to the articles it overlaps."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=TUTORIAL_CHUNK_CHARS, add_start_index=True)
    out = []
    for doc in corpus.documents:
        raw = read_utf8(Path(doc.path))
        for piece in splitter.create_documents([raw]):
            text, start = piece.page_content, piece.metadata["start_index"]
            if start < 0 or raw[start:start + len(text)] != text:
                start = raw.find(text)
            assert start >= 0, f"splitter altered the text of {doc.path}"
            out.append(TutorialChunk(doc.id, text, overlapped_articles(doc, raw, start, start + len(text))))
    return out


def overlapped_articles(doc: Document, raw: str, start: int, end: int) -> tuple[int, ...]:
    """Articles whose lines (heading line up to the next article's heading) overlap raw[start:end],
    the one the chunk holds most of first (reading order among equals).

    A chunk of the last line of 第七条 and all of 第八条 -> (8, 7); the title alone -> ()."""
    starts = [0, *itertools.accumulate(len(line) for line in raw.splitlines(keepends=True))]
    arts = doc.articles
    spans = [(starts[a.line - 1], starts[arts[n + 1].line - 1] if n + 1 < len(arts) else len(raw))
             for n, a in enumerate(arts)]
    shares = [(min(end, hi) - max(start, lo), n) for n, (lo, hi) in enumerate(spans)]
    return tuple(arts[n].number for share, n in sorted(shares, key=lambda s: (-s[0], s[1])) if share > 0)


def tutorial(corpus: Corpus, model, model_name: str, cache_dir: Path) -> System:
    """The tutorial recipe; chunk vectors are cached under `cache_dir/evals/`."""
    chunks = tutorial_chunks(corpus)
    vectors = _cached_vectors(model, model_name, [c.text for c in chunks], Path(cache_dir) / "evals")
    store = faiss.IndexFlatIP(vectors.shape[1])
    store.add(vectors)

    def answer(question: str):
        _, ids = store.search(encode_queries(model, [question]), len(chunks))
        found = [chunks[i] for i in ids[0] if i >= 0]
        # every article a chunk overlaps, the one it holds most of first
        ranked = list(dict.fromkeys((c.doc_id, a) for c in found for a in c.articles))
        quotes = [Quote(c.doc_id, c.articles[0] if c.articles else 0, 0, None, None, c.text)
                  for c in found[:TUTORIAL_K]]
        return ranked, False, quotes
    return timed(answer)


def _cached_vectors(model, model_name: str, texts: list[str], folder: Path) -> np.ndarray:
    key = hashlib.sha256("\0".join([model_name, model.fingerprint, *texts]).encode()).hexdigest()[:16]
    path = folder / f"tutorial-{key}.npy"
    if path.exists():
        vectors = np.load(path)
        if vectors.shape[0] == len(texts):
            return vectors
    vectors = encode_passages(model, texts, progress=sys.stderr.isatty())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{path.name}.{os.getpid()}.npy"
        np.save(tmp, vectors)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache only costs the next run the encoding time
    return vectors


def make_systems(names: list[str], assistant: Assistant, model_name: str,
                 cache_dir: Path) -> dict[str, System]:
    makers = {"product": lambda: product(assistant),
              "bm25": lambda: bm25(assistant.index),
              "dense": lambda: dense(assistant.index, assistant.model),
              "tutorial": lambda: tutorial(assistant.corpus, assistant.model, model_name, cache_dir)}
    return {name: makers[name]() for name in names}
