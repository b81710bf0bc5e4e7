"""A `SentenceTransformer` whose transformer runs from the folder's ONNX file (onnxruntime).

In: a model folder that `onnx_encoder.find_onnx` accepts, and an onnxruntime session of that
file. Out: `SentenceTransformer(modules=[OnnxTransformer, <the folder's Pooling>, Normalize])`
with the folder's prompts, so `encode`/`preprocess`/pooling are sentence-transformers' own and
only the transformer's forward pass is onnxruntime's.

sentence-transformers' built-in `backend="onnx"` does the same through optimum-onnx, which
does not support transformers 5 (pinned here); this input module stands in for it, the way
sentence-transformers documents custom modules. Tokenisation is the folder's `tokenizer.json`
run by `tokenizers` directly (the query encoder's own, truncated at `max_seq_length` and padded
to the longest text, as the library's `Transformer` module does): the same ids as the Hugging
Face wrapper around that file, without its ~0.7 ms of Python per call (4% of a passage here)
or its ~0.7 s of loading.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.base.modules import InputModule
from sentence_transformers.base.modules.normalize import Normalize
from sentence_transformers.sentence_transformer.modules import Pooling


class OnnxTransformer(InputModule):
    """Tokenise with the folder's tokenizer (a `tokenizers.Tokenizer` with truncation and padding
    set); `token_embeddings` from the ONNX session."""

    config_keys = ["max_seq_length"]

    def __init__(self, tokenizer, session, max_seq_length: int):
        super().__init__()
        self.tokenizer, self.session, self.max_seq_length = tokenizer, session, max_seq_length
        self.input_names = {i.name for i in session.get_inputs()}
        self.dim = int(session.get_outputs()[0].shape[-1])

    def preprocess(self, inputs, prompt: str | None = None, **kwargs) -> dict:
        texts = self._prepend_prompt(list(inputs), prompt) if prompt else list(inputs)
        encodings = self.tokenizer.encode_batch(texts)
        return {"input_ids": torch.tensor([e.ids for e in encodings], dtype=torch.long),
                "attention_mask": torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)}

    def forward(self, features: dict, **kwargs) -> dict:
        feeds = {name: features[name].numpy() for name in self.input_names if name in features}
        if "token_type_ids" in self.input_names and "token_type_ids" not in feeds:
            feeds["token_type_ids"] = torch.zeros_like(features["input_ids"]).numpy()
        features["token_embeddings"] = torch.from_numpy(self.session.run(None, feeds)[0])
        return features

    def get_embedding_dimension(self) -> int:
        return self.dim

    def save(self, output_path: str, *args, **kwargs) -> None:
        raise NotImplementedError("an ONNX-backed model is opened from its folder, not saved")


def onnx_sentence_transformer(folder, session, tokenizer, max_seq_length: int, prompts: dict[str, str]):
    """The folder's modules with `OnnxTransformer` as the transformer (see module docstring)."""
    folder = Path(folder)
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    layers = [OnnxTransformer(tokenizer, session, max_seq_length),
              Pooling.load(str(folder), subfolder=modules[1].get("path", ""), local_files_only=True)]
    if len(modules) > 2:
        layers.append(Normalize())
    return SentenceTransformer(modules=layers, device="cpu", prompts=prompts)
