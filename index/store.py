"""Vector stores behind one small interface, so a second backend can replace FAISS.

In: float32 unit vectors (rows aligned with chunk records). Out: top-k (scores, row ids) by
inner product = cosine. `FaissStore` picks its index type by size (`choose_kind`): exact
`IndexFlatIP` below `APPROX_FROM` vectors, from there on an inverted file of 8-bit
scalar-quantised vectors with about 4·sqrt(n) lists. The kind is recorded in the index
parameters (`params.json`, key `index_kind`) and read back from the index file itself.

Kinds (all inner product; `python -m evals scale` measures each, see docs/SCALING.md):
    flat          exact; 4·dim bytes a vector; search time linear in n
    hnsw_flat     HNSW graph (M links) over float vectors; 4·dim + ~8·M bytes a vector
    hnsw_sq8      HNSW graph over 8-bit codes; dim + ~8·M bytes a vector
    ivfpq_<L>     L inverted lists, product-quantised codes of dim/8 bytes (recall capped by PQ)
    ivfpqr_<L>    as ivfpq, the top `REFINE_FACTOR`·k re-ranked with 8-bit codes
    ivfsq8_<L>    L inverted lists of 8-bit codes; dim bytes a vector   <- the approximate kind
Measured here on 1M synthetic e5-like vectors (evals/results/scale-*.md): ivfsq8_4096 with
nprobe 256 finds 0.98 of the exact top 10 in 2.7 ms a query (one core) in 0.40 GB and builds
in 70 s; hnsw_sq8 (M 32) reaches only 0.94 at efSearch 512 in 0.66 GB and builds in 162 s;
exact search takes 55 ms. The search breadth (`effort`: efSearch for HNSW, nprobe for IVF) is
set per store and defaults to the values below.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Protocol

import faiss
import numpy as np

APPROX_FROM = 50_000  # exact search of 100k x 384 takes 6 ms a query here, of 50k about 3 ms
APPROX_KIND = "ivfsq8"
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 80, 256
IVF_NPROBE = 256  # 1M vectors, 4096 lists: recall@10 0.978, 2.7 ms; at 128 only 0.950
REFINE_FACTOR = 10


class VectorStore(Protocol):
    """What the index and the retriever need from a vector store; a second backend (a Qdrant or
    Milvus collection, FAISS shards behind a service) implements these five members."""
    kind: str

    def add(self, vectors: np.ndarray) -> None: ...
    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...
    def vectors(self, ids: list[int]) -> np.ndarray: ...
    def save(self, path: Path) -> None: ...
    def __len__(self) -> int: ...


def choose_kind(n: int) -> str:
    """10_000 -> "flat"; 1_000_000 -> "ivfsq8_4096"."""
    return "flat" if n < APPROX_FROM else f"{APPROX_KIND}_{ivf_lists(n)}"


def ivf_lists(n: int) -> int:
    """Inverted lists for n vectors: about 4·sqrt(n), a power of two: 1_000_000 -> 4096."""
    return 2 ** max(4, round(math.log2(4 * math.sqrt(max(n, 1)))))


def default_effort(kind: str) -> int:
    return HNSW_EF_SEARCH if kind.startswith("hnsw") else IVF_NPROBE if kind.startswith("ivf") else 0


def kind_of(index: "faiss.Index") -> str:
    """The kind name of a FAISS index built by `FaissStore.create`: IndexHNSWSQ -> "hnsw_sq8"."""
    index = faiss.downcast_index(index)
    if isinstance(index, faiss.IndexRefine):
        return f"ivfpqr_{faiss.extract_index_ivf(index.base_index).nlist}"
    names = {faiss.IndexFlat: "flat", faiss.IndexHNSWSQ: "hnsw_sq8", faiss.IndexHNSWFlat: "hnsw_flat",
             faiss.IndexIVFPQ: "ivfpq", faiss.IndexIVFScalarQuantizer: "ivfsq8"}
    for cls, name in names.items():
        if isinstance(index, cls):
            return f"{name}_{index.nlist}" if name.startswith("ivf") else name
    raise ValueError(f"unsupported FAISS index {type(index).__name__}: rebuild with `python -m index build`")


class FaissStore:
    def __init__(self, index: "faiss.Index", kind: str, effort: int | None = None):
        self.index, self.kind = index, kind
        self.effort = effort or default_effort(kind)

    @classmethod
    def create(cls, dim: int, kind: str = "flat", effort: int | None = None) -> "FaissStore":
        """An empty store of `kind` (see the module docstring), e.g. create(384, "ivfsq8_1024")."""
        ip = faiss.METRIC_INNER_PRODUCT
        base, _, lists = kind.partition("_")
        if kind == "flat":
            index = faiss.IndexFlatIP(dim)
        elif kind in ("hnsw_sq8", "hnsw_flat"):
            index = (faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, HNSW_M, ip)
                     if kind == "hnsw_sq8" else faiss.IndexHNSWFlat(dim, HNSW_M, ip))
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        elif base in ("ivfpq", "ivfpqr", "ivfsq8") and lists.isdigit():
            quantizer = faiss.IndexFlatIP(dim)
            if base == "ivfsq8":
                index = faiss.IndexIVFScalarQuantizer(quantizer, dim, int(lists),
                                                      faiss.ScalarQuantizer.QT_8bit, ip)
            else:
                index = faiss.IndexIVFPQ(quantizer, dim, int(lists), dim // 8, 8, ip)
            if base == "ivfpqr":
                index = faiss.IndexRefine(index, faiss.IndexScalarQuantizer(
                    dim, faiss.ScalarQuantizer.QT_8bit, ip))
                index.k_factor = REFINE_FACTOR
        else:
            raise ValueError(f"unknown index kind {kind!r}: use flat, hnsw_flat, hnsw_sq8, "
                             "ivfpq_<lists>, ivfpqr_<lists> or ivfsq8_<lists>")
        return cls(index, kind, effort)

    def add(self, vectors: np.ndarray) -> None:
        """Add rows, training first if the kind needs it (IVF: on about 64 vectors a list)."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if not self.index.is_trained:
            step = 1
            if self.kind.startswith("ivf"):
                step = max(1, len(vectors) // (64 * int(self.kind.rpartition("_")[2])))
            self.index.train(vectors[::step] if step > 1 else vectors)
        self.index.add(vectors)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        if self.kind.startswith("hnsw"):
            self.index.hnsw.efSearch = max(self.effort, k)
        elif self.kind.startswith("ivfpqr"):
            faiss.extract_index_ivf(self.index.base_index).nprobe = self.effort
        elif self.kind.startswith("ivf"):
            self.index.nprobe = self.effort
        return self.index.search(queries, min(k, len(self)))

    def vectors(self, ids: list[int]) -> np.ndarray:
        """The stored rows `ids` as float32 (the 8-bit and PQ kinds decode them approximately).
        An inverted file first gets its id -> list map (8 bytes a vector), once."""
        ivf = faiss.try_extract_index_ivf(self.index)
        if ivf is not None and ivf.direct_map.type == faiss.DirectMap.NoMap:
            ivf.make_direct_map()
        return self.index.reconstruct_batch(np.asarray(ids, dtype=np.int64))

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, os.fspath(path))

    @classmethod
    def load(cls, path: Path, kind: str | None = None) -> "FaissStore":
        """The store saved at `path`; its kind is read from the index itself (`kind` recorded
        elsewhere, e.g. by an older threshold, cannot make a flat index searched as HNSW)."""
        index = faiss.read_index(os.fspath(path))
        return cls(index, kind_of(index))

    def __len__(self) -> int:
        return self.index.ntotal
