"""The vector store's approximate kind finds what exact search finds, and the store picks its kind
by size. Exactness is checked against an independent brute force (`faiss.knn`) on 20,000
synthetic e5-like unit vectors with noisy-copy queries (the generator of `python -m evals scale`).
Fast (a few seconds): no model, no corpus."""
import faiss
import numpy as np
import pytest

from evals.scale import Synthetic, recall_at_k
from index.store import APPROX_FROM, APPROX_KIND, FaissStore, choose_kind, ivf_lists, kind_of

DIM = 384


@pytest.fixture(scope="module")
def data():
    gen = Synthetic(DIM, decay=1.0, seed=7)
    vectors = gen.draw(20_000)
    queries = gen.noisy_copies(vectors, 200)
    truth = faiss.knn(queries, vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)[1]
    return vectors, queries, truth


def test_choose_kind_is_exact_below_the_threshold_and_approximate_from_it():
    assert choose_kind(237) == "flat"
    assert choose_kind(APPROX_FROM - 1) == "flat"
    assert choose_kind(APPROX_FROM) == f"{APPROX_KIND}_{ivf_lists(APPROX_FROM)}"
    assert choose_kind(1_000_000) == "ivfsq8_4096"
    FaissStore.create(DIM, choose_kind(APPROX_FROM))  # every chosen kind can be created


def test_exact_store_agrees_with_brute_force(data):
    vectors, queries, truth = data
    store = FaissStore.create(DIM, "flat")
    store.add(vectors)
    assert recall_at_k(store.search(queries, 10)[1], truth) == 1.0


@pytest.mark.parametrize("base", [APPROX_KIND, "hnsw_sq8", "hnsw_flat"])
def test_approximate_kinds_reach_recall_at_10_of_095(data, base):
    vectors, queries, truth = data
    kind = f"{base}_{ivf_lists(len(vectors))}" if base.startswith("ivf") else base
    store = FaissStore.create(DIM, kind)  # default search breadth
    store.add(vectors)
    scores, ids = store.search(queries, 10)
    assert recall_at_k(ids, truth) >= 0.95
    assert (ids[:, 0] >= 0).all() and np.all(np.diff(scores, axis=1) <= 1e-6)  # best first


def test_a_query_asks_for_more_than_the_search_breadth(data):
    vectors, queries, _ = data
    store = FaissStore.create(DIM, f"{APPROX_KIND}_64", effort=4)
    store.add(vectors[:5_000])
    _, ids = store.search(queries[:1], 256)  # the retriever asks for 256 candidates
    assert (ids >= 0).sum() == 256 and len(set(ids[0])) == 256


def test_saved_store_keeps_its_kind_whatever_kind_is_recorded(tmp_path, data):
    vectors, queries, _ = data
    store = FaissStore.create(DIM, f"{APPROX_KIND}_64")
    store.add(vectors[:5_000])
    store.save(tmp_path / "vectors.faiss")
    loaded = FaissStore.load(tmp_path / "vectors.faiss", "flat")  # e.g. recorded under an older threshold
    assert loaded.kind == kind_of(loaded.index) == f"{APPROX_KIND}_64"
    assert np.array_equal(loaded.search(queries[:5], 10)[1], store.search(queries[:5], 10)[1])


def test_recall_and_list_count_helpers():
    assert recall_at_k(np.array([[1, 2]]), np.array([[2, 3]])) == 0.5
    assert ivf_lists(1_000_000) == 4096 and ivf_lists(100_000) == 1024
    with pytest.raises(ValueError, match="unknown index kind"):
        FaissStore.create(DIM, "annoy")


@pytest.mark.parametrize("kind", ["flat", "hnsw_flat", "hnsw_sq8", f"{APPROX_KIND}_64", "ivfpqr_64"])
def test_stored_rows_come_back_as_vectors(data, kind):
    """Pseudo-relevance feedback reads the best articles' vectors back from the store: exact for
    float kinds, within 8-bit rounding for the coded ones; an inverted file gets its id map."""
    vectors = data[0][:5_000]
    store = FaissStore.create(DIM, kind)
    store.add(vectors)
    rows = store.vectors([3, 4_999, 0])
    tolerance = 0.0 if kind in ("flat", "hnsw_flat") else 0.02
    assert rows.shape == (3, DIM) and np.abs(rows - vectors[[3, 4_999, 0]]).max() <= tolerance
