"""Texts -> unit vectors with onnxruntime, `tokenizers` and numpy alone: the fast query path.

In: a sentence-transformers folder holding an ONNX export of its transformer (`find_onnx`
says which file, see `onnx_export`), and texts with a prompt (`.prompts` has the folder's).
Out: float32 (n, dim) L2-normalised rows, computed as sentence-transformers computes them for
Transformer -> Pooling("mean") -> Normalize: the folder's prompt (config_sentence_transformers.json)
prepended, tokenizer.json with truncation at max_seq_length, the ONNX file, mean over the tokens
the attention mask keeps, L2 normalisation. Opening one takes ~0.3 s; importing
sentence-transformers takes ~8 s here, which is why the query side does not.

    OnnxEncoder(folder, file).encode(["发现间谍行为怎么举报？"], "query: ")  # "query: 发现…" embedded
    -> array([[0.031, -0.047, ...]], dtype=float32), shape (1, 384)

Refuses (`find_onnx` returns None): a folder without tokenizer.json or an ONNX file, or whose
modules are not Transformer + mean Pooling (+ Normalize); such models go through torch.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np

from .onnx_export import ONNX_FILE

ONNX_FILES = (ONNX_FILE, "onnx/model.onnx")  # quantised first


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def find_onnx(folder) -> Path | None:
    """The ONNX file this module can run for a local model folder, else None."""
    folder = Path(folder)
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return None
    if modules[0].get("path") or not (folder / "tokenizer.json").exists():
        return None
    pooling = _json(folder / modules[1].get("path", "") / "config.json")
    legacy = {k for k, v in pooling.items() if k.startswith("pooling_mode_") and v is True}
    mean = pooling.get("pooling_mode") in ("mean", ["mean"]) or legacy == {"pooling_mode_mean_tokens"}
    if not mean or not pooling.get("include_prompt", True):
        return None
    return next((folder / f for f in ONNX_FILES if (folder / f).exists()), None)


class OnnxEncoder:
    """One ONNX session (`threads` intra-op threads) with the folder's tokenizer and prompts."""

    def __init__(self, folder, onnx_file, threads: int = 1):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(folder)
        self.prompts: dict[str, str] = _json(folder / "config_sentence_transformers.json").get("prompts") or {}
        tok_config = _json(folder / "tokenizer_config.json")
        self.max_seq_length = int(_json(folder / "sentence_bert_config.json").get("max_seq_length")
                                  or tok_config.get("model_max_length") or 512)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_seq_length)
        pad = tok_config.get("pad_token") or "[PAD]"
        pad = pad["content"] if isinstance(pad, dict) else pad
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id(pad) or 0, pad_token=pad)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # onnxruntime's fused SkipLayerNormalization is slower here than Add + LayerNormalization
        # (int8 e5-small, one thread, 150-character passages: 47 vs 54 passages per CPU-second)
        self.session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"],
                                            disabled_optimizers=["SkipLayerNormFusion"])
        self.input_names = {i.name for i in self.session.get_inputs()}
        outputs = [o.name for o in self.session.get_outputs()]
        self.output = "last_hidden_state" if "last_hidden_state" in outputs else outputs[0]
        self.dim = int(self.session.get_outputs()[outputs.index(self.output)].shape[-1])

    def encode(self, texts: Sequence[str], prompt: str = "") -> np.ndarray:
        """(len(texts), dim) float32 unit rows of `prompt + text`."""
        texts = [prompt + t for t in texts]
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):  # one at a time: see `embed_model.encode_passages`
            out[i] = self._embed([text])[0]
        return out

    def _embed(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self.session.run([self.output], feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
