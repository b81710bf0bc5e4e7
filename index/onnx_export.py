"""Write the int8 ONNX encoder of a BERT sentence-transformers folder, from its weights alone.

In: a folder with `config.json` (a `BertModel`), `model.safetensors` and `tokenizer.json`
(here the BERT of `e5_offline`). Out: `onnx/model_qint8_avx512_vnni.onnx` in that folder (the
name sentence-transformers gives its dynamic int8 export): inputs `input_ids`,
`attention_mask` (int64, batch × tokens), output `last_hidden_state`; pooling and
normalisation stay outside. The graph is written by `bert_onnx` from numpy arrays: no torch,
no float32 export to read back (that path took ~25 s here; this one ~4 s).

Quantisation: every linear layer's weights int8, symmetric, one scale per output column;
its input uint8 with one scale per pass, computed at run time (onnxruntime's
`DynamicQuantizeMatMul`); word-embedding rows int8 with one scale per row (250k × 384 floats
would make the file 400 MB instead of ~120 MB and slow every cold start). Positions, LayerNorms
and attention stay float. One activation scale per pass is what loses precision: a few
channels of a transformer's activations are far larger than the rest. So every linear layer
is smoothed first (SmoothQuant, Xiao et al. 2022): input channel k divided by s_k and weight
row k multiplied by it, s_k = max|x_k|^α / max|w_k|^(1-α), α = `ALPHA`, the maxima over
`CALIBRATION` texts run through the float graph; the float result is unchanged. The division
is a `Mul` before the product, except for the attention's output product, whose s is folded
into the value weights (exact: its input is a mix of value vectors). Cosine to the float32
model (mean / min) over the 210 questions of evals/ and the 151 articles of the corpus:
0.9995 / 0.9989 and 0.9994 / 0.9986 (without smoothing, measured on the earlier torch export:
0.9973 / 0.9952). Int8 runs ~2× float32 on one core (AVX512-VNNI).
"""
from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import numpy as np

from .bert_onnx import KINDS, BertShape, Linear, bert_graph, from_state_dict

ONNX_FILE = "onnx/model_qint8_avx512_vnni.onnx"
ALPHA = 0.7  # 0.6-0.75 measured alike; 0.5 and 0.85 worse
CALIBRATION = [  # the kinds of text the model sees here: prompts, Chinese statutes, questions, English
    "query: 发现间谍行为，举报电话是多少？", "query: 涉密人员未经审批出境，单位应当怎么办？",
    "query: 外国人在中国境内可以做什么？", "query: Can state security officers inspect my phone and laptop?",
    "query: How long is a passport valid?", "passage: 国家安全机关受理举报的电话是12339。",
    "passage: 第一条　为了防范、制止和惩治间谍行为，维护国家安全，保护人民利益，根据宪法，制定本法。",
    "passage: 任何公民和组织发现间谍行为，应当及时向国家安全机关举报；向公安机关等其他国家机关、组织举报的，"
    "相关国家机关、组织应当立即移送国家安全机关处理。",
    "passage: 机关、团体、企业事业组织和其他社会组织承担本单位反间谍安全防范的主体责任，落实反间谍安全防范措施，"
    "对本单位的人员进行维护国家安全的教育，动员、组织本单位的人员防范、制止间谍行为。",
    "passage: The quick brown fox jumps over the lazy dog.",
]
_ROWS = 8192  # word-table rows quantised at a time (keeps the float temporaries small)


def export_quantized_onnx(folder: Path) -> Path:
    """Write `folder/ONNX_FILE` from the weights in `folder` (atomically); returns its path."""
    from safetensors.numpy import load_file

    folder = Path(folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    if config.get("model_type", "bert") != "bert" or config.get("hidden_act", "gelu") != "gelu":
        raise ValueError(f"{folder}: only BERT encoders with exact GELU are exported (config {config.get('model_type')})")
    shape = BertShape(config["hidden_size"], config["num_hidden_layers"], config["num_attention_heads"],
                      float(config.get("layer_norm_eps", 1e-12)))
    layers, emb = from_state_dict(load_file(str(folder / "model.safetensors")), shape.layers)
    peaks = calibrate(shape, layers, emb, _calibration_ids(folder))
    for layer, peak in zip(layers, peaks):
        smooth(layer.linears, peak, ALPHA)
        for linear in layer.linears.values():
            linear.q, linear.scale = quantize_columns(linear.w)
    emb.word_q, emb.word_scale = quantize_rows(emb.word)
    emb.word = None
    target = folder / ONNX_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(bert_graph(shape, layers, emb).SerializeToString())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def quantize_columns(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 with one scale per column, round half to even, as onnxruntime's
    `quantize_dynamic(per_channel=True)` does it: scale = max|w[:, n]| / 127.

        quantize_columns(np.array([[1.0, -0.5], [0.5, 0.25]]))
        -> (array([[127, -127], [64, 64]], dtype=int8), array([0.00787, 0.00394], dtype=float32))
    """
    scale = np.abs(w).max(axis=0).astype(np.float32) / np.float32(127)
    scale[scale == 0] = 1
    return np.clip(np.rint(w / scale), -127, 127).astype(np.int8), scale


def quantize_rows(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 with one scale per row (the embedding table), in blocks of `_ROWS` rows.

        quantize_rows(np.array([[1.0, -0.5], [0.5, 0.25]]))
        -> (array([[127, -64], [127, 64]], dtype=int8), array([0.00787, 0.00394], dtype=float32))
    """
    q, scale = np.empty(w.shape, np.int8), np.empty(len(w), np.float32)
    for start in range(0, len(w), _ROWS):
        block = w[start:start + _ROWS]
        s = np.abs(block).max(axis=1) / np.float32(127)
        s[s == 0] = 1
        q[start:start + _ROWS] = np.clip(np.rint(block / s[:, None]), -127, 127)
        scale[start:start + _ROWS] = s
    return q, scale


def _calibration_ids(folder: Path) -> list[list[int]]:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    return [tokenizer.encode(text).ids for text in CALIBRATION]


def calibrate(shape: BertShape, layers: list, emb, texts_ids: list[list[int]]) -> list[dict[str, np.ndarray]]:
    """Per layer, {kind: max |input| per channel} of each linear over the given token ids, run
    through the float graph. Only the word rows those ids use are put in the graph."""
    import onnxruntime as ort

    used, remapped = np.unique(np.concatenate([np.asarray(i) for i in texts_ids]), return_inverse=True)
    small = replace(emb, word=emb.word[used])
    session = ort.InferenceSession(bert_graph(shape, layers, small, taps=True).SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()][1:]
    peaks = {name: 0 for name in names}
    start = 0
    for ids in texts_ids:
        local = remapped[start:start + len(ids)][None, :].astype(np.int64)
        start += len(ids)
        for name, value in zip(names, session.run(names, {"input_ids": local,
                                                          "attention_mask": np.ones_like(local)})):
            peaks[name] = np.maximum(peaks[name], np.abs(value).max(axis=(0, 1)))
    return [{kind: peaks[f"tap.{n}.{kind}"] for kind in KINDS} for n in range(shape.layers)]


def smooth(linears: dict[str, Linear], peak: dict[str, np.ndarray], alpha: float) -> None:
    """SmoothQuant one layer (see module docstring): sets new weight arrays and `inv_scale` on
    its `Linear`s, never writes into the arrays they had; float results are unchanged."""
    hidden = len(peak["ao"])

    def factor(kind: str, w: np.ndarray) -> np.ndarray:
        wmax = np.abs(w).max(axis=1)
        return (np.maximum(peak[kind], 1e-5) ** alpha / np.maximum(wmax, 1e-5) ** (1 - alpha)).astype(np.float32)

    for kind in ("qkv", "fi", "fo"):
        lin = linears[kind]
        s = factor(kind, lin.w)
        lin.w = lin.w * s[:, None]
        lin.inv_scale = (np.float32(1) / s).astype(np.float32)
    ao, qkv = linears["ao"], linears["qkv"]
    s = factor("ao", ao.w)
    ao.w = ao.w * s[:, None]
    value = np.ones(qkv.w.shape[1], np.float32)
    value[2 * hidden:] = s  # the value columns: ao's input is a mix of them
    qkv.w, qkv.bias = qkv.w / value, qkv.bias / value
