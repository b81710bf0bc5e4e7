"""Vector stores behind one small interface, so a second backend can replace FAISS.

In: float32 unit vectors (rows aligned with chunk records). Out: top-k (scores, row ids) by
inner product = cosine. `FaissStore` picks its index type by size (`choose_kind`): exact
`IndexFlatIP` below `APPROX_FROM` vectors, HNSW over 8-bit scalar-quantised vectors above
(recall@10 >= 0.95 against exact, measured by `python -m evals scale`). The kind is
recorded in the index parameters.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import faiss
import numpy as np

APPROX_FROM = 200_000
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 80, 96


class VectorStore(Protocol):
    kind: str

    def add(self, vectors: np.ndarray) -> None: ...
    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...
    def save(self, path: Path) -> None: ...
    def __len__(self) -> int: ...


def choose_kind(n: int) -> str:
    """10_000 -> "flat"; 1_000_000 -> "hnsw_sq8"."""
    return "flat" if n < APPROX_FROM else "hnsw_sq8"


class FaissStore:
    def __init__(self, index: "faiss.Index", kind: str):
        self.index, self.kind = index, kind

    @classmethod
    def create(cls, dim: int, kind: str = "flat") -> "FaissStore":
        if kind == "flat":
            index = faiss.IndexFlatIP(dim)
        elif kind == "hnsw_sq8":
            index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, HNSW_M,
                                      faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        elif kind == "hnsw_flat":
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        elif kind.startswith("ivfpq"):
            nlist = int(kind.split("_")[1]) if "_" in kind else 1024
            quantizer = faiss.IndexFlatIP(dim)
            index = faiss.IndexIVFPQ(quantizer, dim, nlist, dim // 8, 8, faiss.METRIC_INNER_PRODUCT)
        else:
            raise ValueError(f"unknown index kind {kind!r}")
        return cls(index, kind)

    def add(self, vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if not self.index.is_trained:
            self.index.train(vectors)
        self.index.add(vectors)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        if self.kind.startswith("hnsw"):
            self.index.hnsw.efSearch = max(HNSW_EF_SEARCH, k)
        elif self.kind.startswith("ivf"):
            self.index.nprobe = 32
        return self.index.search(queries, min(k, len(self)))

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, os.fspath(path))

    @classmethod
    def load(cls, path: Path, kind: str) -> "FaissStore":
        return cls(faiss.read_index(os.fspath(path)), kind)

    def __len__(self) -> int:
        return self.index.ntotal
