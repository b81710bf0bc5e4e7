"""Index folders: chunk boundaries, build/load round trip, stale, corrupted, foreign indexes."""
import json

import numpy as np
import pytest

from corpus import load_corpus
from corpus.errors import IndexError_
from index.build import IndexCorrupt, IndexStale, build_index, ensure_index, load_index
from index.chunks import chunk_documents
from index.cli_common import PROJECT_CACHE
from index.embed_model import load_model
from index.store import FaissStore, choose_kind

SMALL = """# 江城市测试条例
第一条 为了测试，制定本条例。
第二条 发现可疑情况的，应当拨打 12339 举报电话。
举报人的个人信息应当保密。
第三条 单位应当采取下列措施：
（一）建立制度；
（二）开展培训。
"""


@pytest.fixture(scope="module")
def model():
    return load_model(None, PROJECT_CACHE)


@pytest.fixture()
def small(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "jiangcheng.txt").write_text(SMALL, encoding="utf-8")
    return folder


def test_chunks_stay_inside_articles_and_are_exact_spans():
    corpus = load_corpus()
    for chunk in chunk_documents(corpus.documents):
        art = corpus.document(chunk.doc_id).article(chunk.article, chunk.sub)
        para = art.paragraph(chunk.paragraph)
        assert para.text[chunk.start:chunk.end] == chunk.text
        assert art.label in chunk.embed_text and corpus.document(chunk.doc_id).title in chunk.embed_text


def test_build_load_stale_corrupt(small, tmp_path, model):
    corpus = load_corpus(small)
    index_dir = tmp_path / "idx"
    built = build_index(corpus, index_dir, None, PROJECT_CACHE, model=model, progress=False)
    loaded = load_index(index_dir, corpus, None)
    assert [c.id for c in loaded.chunks] == [c.id for c in built.chunks]
    params = json.loads((index_dir / "params.json").read_text())
    assert params["corpus_hash"] == corpus.hash and params["index_kind"] == "flat"
    assert set(params["files"]) >= {"vectors.faiss", "chunks.json"}
    # a corrupted chunk file is detected, then rebuilt by ensure_index
    (index_dir / "chunks.json").write_text("[]")
    with pytest.raises(IndexCorrupt):
        load_index(index_dir, corpus, None)
    ensure_index(corpus, index_dir, None, PROJECT_CACHE, model=model, progress=False)
    assert load_index(index_dir, corpus, None).chunks
    # editing the corpus makes the index stale
    (small / "jiangcheng.txt").write_text(SMALL + "第四条 本条例自公布之日起施行。\n", encoding="utf-8")
    changed = load_corpus(small)
    with pytest.raises(IndexStale):
        load_index(index_dir, changed, None)
    # an index of another corpus or model is refused, not silently used
    with pytest.raises(IndexError_, match="built from the corpus"):
        load_index(index_dir, load_corpus(), None)
    with pytest.raises(IndexError_, match="built with model"):
        load_index(index_dir, changed, "some/other-model")


def test_index_of_another_build_of_the_model_is_rebuilt(small, tmp_path, model):
    corpus = load_corpus(small)
    index_dir = tmp_path / "idx"
    build_index(corpus, index_dir, None, PROJECT_CACHE, model=model, progress=False)
    params = json.loads((index_dir / "params.json").read_text())
    assert params["embedder"] == model.fingerprint
    (index_dir / "params.json").write_text(json.dumps({**params, "embedder": "onnx:older-export"}))
    rebuilt = ensure_index(corpus, index_dir, None, PROJECT_CACHE, model=model, progress=False)
    assert rebuilt.params["embedder"] == model.fingerprint


def test_interrupted_build_keeps_previous_index(small, tmp_path, model, monkeypatch):
    corpus = load_corpus(small)
    index_dir = tmp_path / "idx"
    build_index(corpus, index_dir, None, PROJECT_CACHE, model=model, progress=False)
    before = (index_dir / "params.json").read_text()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(FaissStore, "save", crash)
    with pytest.raises(KeyboardInterrupt):
        build_index(corpus, index_dir, None, PROJECT_CACHE, model=model, progress=False)
    assert (index_dir / "params.json").read_text() == before
    assert load_index(index_dir, corpus, None).chunks


def test_truncated_faiss_file_is_rebuilt(small, tmp_path, model):
    corpus = load_corpus(small)
    index_dir = tmp_path / "idx"
    build_index(corpus, index_dir, None, PROJECT_CACHE, model=model, progress=False)
    data = (index_dir / "vectors.faiss").read_bytes()
    (index_dir / "vectors.faiss").write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorrupt, match="vectors.faiss"):
        load_index(index_dir, corpus, None)
    assert len(ensure_index(corpus, index_dir, None, PROJECT_CACHE, model=model, progress=False).chunks)


def test_unwritable_index_folder_is_a_clear_error(small, tmp_path, model, monkeypatch):
    """A valid index in a read-only place loads; one that must be (re)built there fails with a
    message naming the folder and the fix (simulated: root ignores permission bits)."""
    corpus = load_corpus(small)
    index_dir = tmp_path / "idx"
    build_index(corpus, index_dir, None, PROJECT_CACHE, model=model, progress=False)

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("index.build.tempfile.mkdtemp", read_only)
    assert load_index(index_dir, corpus, None).chunks  # loading writes nothing
    (index_dir / "chunks.json").write_text("[]")
    with pytest.raises(IndexError_, match="cannot write an index .* give a writable folder"):
        ensure_index(corpus, index_dir, None, PROJECT_CACHE, model=model, progress=False)


def test_store_kinds_agree_with_exact_search():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(3000, 64)).astype("float32")
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    exact = FaissStore.create(64, "flat")
    exact.add(vectors)
    scores, ids = exact.search(vectors[:5], 3)
    assert list(ids[:, 0]) == [0, 1, 2, 3, 4]  # each vector is its own nearest neighbour
    brute = np.argsort(-(vectors[:5] @ vectors.T), axis=1)[:, :3]
    assert (ids == brute).all()
    assert choose_kind(10_000) == "flat" and choose_kind(1_000_000) != "flat"
