"""Build, save and load an index folder; the folder is the unit that is cached and checked.

In: a `Corpus` and an embedding model name. Out: a folder holding
    vectors.faiss   the FAISS index of chunks (row i = chunk i)
    articles.faiss  the FAISS index of whole articles (row i = article key i)
    chunks.json     the chunk records, row-aligned (JSON, no pickle)
    articles.json   the article keys ("doc_id/article[-sub]"), row-aligned
    lexical.json    the BM25 tokens of each chunk, row-aligned
    english.json    English words -> the corpus's words for them (`cedict.english_table`)
    params.json     model (name and `Embedder.fingerprint`), dimension, corpus hash and root,
                    index kind, build time, sha256 of every file above
written into a temporary sibling folder and swapped in with `os.replace`, so an interrupted
build leaves the previous index intact. `load_index` refuses (IndexError_) a folder built for
another corpus or model and detects a stale or corrupted one; `ensure_index` rebuilds those.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from corpus import Corpus
from corpus.errors import IndexError_

from .cedict import english_table
from .chunks import CHUNK_CHARS, Chunk, article_key, chunk_documents
from .embed_model import DEFAULT_MODEL, encode_passages, load_model
from .lexical import BM25, bigrams, tokenize
from .offtopic import offtopic_levels
from .store import FaissStore, choose_kind

FORMAT_VERSION = 8  # 3: vectors from the int8 ONNX model; 4: from its re-export (e5_offline format 3);
# 5: params record the off-topic probes' level (`offtopic`); 6: 编 headings and appendices are no
# article text; 7: page furniture, wraps and signatures are not either (corpus/layout.py);
# 8: english.json
FILES = ("vectors.faiss", "articles.faiss", "chunks.json", "articles.json", "lexical.json", "english.json")


class IndexStale(IndexError_):
    """The index was built from an older state of the same corpus folder."""


class IndexMissing(IndexError_):
    """No (complete) index in the folder."""


class IndexCorrupt(IndexError_):
    """A file of the index does not match its recorded checksum."""


@dataclass
class Index:
    path: Path
    params: dict
    chunks: list[Chunk]
    store: FaissStore
    bm25: BM25  # jieba words of each chunk
    bigram_bm25: BM25  # character pairs of each chunk
    article_keys: list[str]
    article_store: FaissStore
    english: dict[str, dict[str, list[str]]]  # `cedict.english_table` of the corpus

    @classmethod
    def assemble(cls, path, params, chunks, store, tokens, article_keys, article_store, english) -> "Index":
        return cls(Path(path), params, chunks, store, BM25(tokens),
                   BM25([bigrams(c.embed_text) for c in chunks]), article_keys, article_store, english)


def default_index_dir(cache_dir: Path, corpus: Corpus, model: str | None) -> Path:
    """The cached index of a corpus folder and model: cache/indexes/<root digest>-<model slug>."""
    root = hashlib.sha1(str(corpus.root).encode()).hexdigest()[:10]
    slug = "".join(ch if ch.isalnum() else "-" for ch in (model or DEFAULT_MODEL))[-40:]
    return cache_dir / "indexes" / f"{root}-{slug}"


def build_index(corpus: Corpus, index_dir: Path, model_name: str | None, cache_dir: Path,
                model=None, progress: bool = True) -> Index:
    """Chunk, embed and write the index folder atomically; returns the loaded `Index`."""
    model_name = model_name or DEFAULT_MODEL
    started = time.time()
    chunks = chunk_documents(corpus.documents)
    model = model or load_model(model_name, cache_dir)
    vectors = encode_passages(model, [c.embed_text for c in chunks], progress=progress)
    store = FaissStore.create(vectors.shape[1], choose_kind(len(chunks)))
    store.add(vectors)
    articles = [(doc, art) for doc in corpus.documents for art in doc.articles]
    article_keys = [article_key(doc.id, art.number, art.sub) for doc, art in articles]
    article_vectors = encode_passages(model, [article_embed_text(doc.title, art) for doc, art in articles],
                                      progress=progress)
    article_store = FaissStore.create(vectors.shape[1], choose_kind(len(articles)))
    article_store.add(article_vectors)
    tokens = [tokenize(c.embed_text) for c in chunks]
    english = english_table(_uses({t for row in tokens for t in row}))
    index_dir = Path(index_dir)
    try:
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.", dir=index_dir.parent))
    except OSError as exc:
        raise IndexError_(f"cannot write an index in {index_dir.parent} ({exc.strerror}); "
                          "give a writable folder with --index") from None
    store.save(tmp / "vectors.faiss")
    article_store.save(tmp / "articles.faiss")
    _write_json(tmp / "chunks.json", [c.to_json() for c in chunks])
    _write_json(tmp / "articles.json", article_keys)
    _write_json(tmp / "lexical.json", tokens)
    _write_json(tmp / "english.json", english)
    params = {"format_version": FORMAT_VERSION, "model": model_name, "dim": int(vectors.shape[1]),
              "corpus_hash": corpus.hash, "corpus_root": str(corpus.root), "n_chunks": len(chunks),
              "embedder": model.fingerprint, "index_kind": store.kind, "chunk_chars": CHUNK_CHARS,
              "offtopic": offtopic_levels(store, model),
              "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "build_seconds": round(time.time() - started, 2),
              "files": {name: _sha256(tmp / name) for name in FILES}}
    _write_json(tmp / "params.json", params)
    _swap_in(tmp, index_dir)
    return Index.assemble(index_dir, params, chunks, store, tokens, article_keys, article_store, english)


def _uses(vocabulary: set[str]):
    """Whether the corpus uses a word: it is one of its BM25 tokens, or all of the word's tokens
    are (tokenising only words all of whose characters occur in the corpus: a dictionary of
    120,000 words is tested in a fraction of a second)."""
    characters = set("".join(vocabulary))

    def uses(word: str) -> bool:
        if word in vocabulary:
            return True
        if not characters.issuperset(word):
            return False
        tokens = tokenize(word)
        return bool(tokens) and all(t in vocabulary for t in tokens)
    return uses


def article_embed_text(title: str, art) -> str:
    """"《重庆市反间谍工作条例》 第十三条 国家机关…" : the whole article with its citation."""
    return f"《{title}》 {art.chapter + ' ' if art.chapter else ''}{art.label} {art.text}"


def load_index(index_dir: Path, corpus: Corpus, model_name: str | None) -> Index:
    """Load and verify an index folder against the corpus and model it must serve."""
    index_dir = Path(index_dir)
    params_path = index_dir / "params.json"
    if not params_path.exists():
        raise IndexMissing(f"no index at {index_dir}: run `python -m index build --index {index_dir}`")
    try:
        params = json.loads(params_path.read_text(encoding="utf-8"))
    except ValueError:
        raise IndexCorrupt(f"{params_path} is not valid JSON; rebuild with `python -m index build`") from None
    model_name = model_name or DEFAULT_MODEL
    if params.get("model") != model_name:
        raise IndexError_(f"the index at {index_dir} was built with model {params.get('model')!r}, "
                          f"not {model_name!r}: pass --model {params.get('model')} or another --index")
    if params.get("corpus_root") != str(corpus.root):
        raise IndexError_(f"the index at {index_dir} was built from the corpus {params.get('corpus_root')}, "
                          f"not {corpus.root}: pass that --corpus or another --index")
    if params.get("corpus_hash") != corpus.hash or params.get("format_version") != FORMAT_VERSION:
        raise IndexStale(f"the index at {index_dir} is older than the corpus in {corpus.root}; "
                         "rebuild with `python -m index build`")
    for name, digest in params.get("files", {}).items():
        if not (index_dir / name).exists() or _sha256(index_dir / name) != digest:
            raise IndexCorrupt(f"{index_dir / name} is missing or corrupted (checksum mismatch); "
                               "rebuild with `python -m index build`")
    chunks = [Chunk(**row) for row in json.loads((index_dir / "chunks.json").read_text("utf-8"))]
    tokens = json.loads((index_dir / "lexical.json").read_text("utf-8"))
    store = FaissStore.load(index_dir / "vectors.faiss", params["index_kind"])
    article_keys = json.loads((index_dir / "articles.json").read_text("utf-8"))
    article_store = FaissStore.load(index_dir / "articles.faiss", choose_kind(len(article_keys)))
    if len(store) != len(chunks) or len(tokens) != len(chunks) or len(article_store) != len(article_keys):
        raise IndexCorrupt(f"{index_dir}: vectors, chunks and tokens are not row-aligned; rebuild it")
    english = json.loads((index_dir / "english.json").read_text("utf-8"))
    return Index.assemble(index_dir, params, chunks, store, tokens, article_keys, article_store, english)


def ensure_index(corpus: Corpus, index_dir: Path, model_name: str | None, cache_dir: Path,
                 model=None, progress: bool = True) -> Index:
    """Load the index, building it first when it is missing, stale or corrupted, or (given the
    loaded `model`) embedded by another build of the model than `model.fingerprint` says."""
    try:
        index = load_index(index_dir, corpus, model_name)
        if model is not None and index.params.get("embedder") != model.fingerprint:
            raise IndexStale(f"the index at {index_dir} was embedded by another build of the model")
        return index
    except (IndexMissing, IndexStale, IndexCorrupt) as exc:
        if progress:
            print(f"{exc.__class__.__name__[5:].lower()} index at {index_dir}: building it …",
                  file=sys.stderr)
        return build_index(corpus, index_dir, model_name, cache_dir, model=model, progress=progress)


def _swap_in(tmp: Path, index_dir: Path) -> None:
    old = None
    if index_dir.exists():
        old = index_dir.with_name(f".{index_dir.name}.old-{os.getpid()}")
        os.replace(index_dir, old)
    os.replace(tmp, index_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
