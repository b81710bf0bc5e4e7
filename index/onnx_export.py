"""Export the encoder of a sentence-transformers folder to ONNX, quantised to int8.

In: a folder whose transformer is a `transformers` encoder (config.json, weights, tokenizer;
here the BERT of `e5_offline`). Out: `onnx/model_qint8_avx512_vnni.onnx` in that folder, the
name sentence-transformers' `export_dynamic_quantized_onnx_model(model, "avx512_vnni", ...)`
gives: inputs `input_ids`, `attention_mask` (int64, batch × tokens), output
`last_hidden_state` (float32, batch × tokens × hidden). Pooling and normalisation stay outside.

Quantisation is dynamic, as sentence-transformers' "avx512_vnni" config: weights int8,
symmetric, one scale per output channel; activations uint8 with one scale per pass, computed at
run time. It also quantises the word-embedding table (the `Gather`): 250k × 384 floats would
make the file 400 MB instead of 120 MB and slow every cold start. One scale per pass is what
loses precision: a few channels of a transformer's activations are far larger than the rest.
So before export every linear layer is smoothed (SmoothQuant, Xiao et al. 2022): input channel
k divided by s_k and weight column k multiplied by it, s_k = max|x_k|^α / max|w_k|^(1-α),
α = `ALPHA`, the maxima over `CALIBRATION` texts; the float32 result is unchanged. Measured on
the 210 questions and 200 chunks of the corpus, cosine to the float32 model (mean / min):
plain int8 0.9973 / 0.9952, top-1 chunk unchanged for 79% of questions; smoothed int8
0.9993 / 0.9980, 87%. The divisions cost time (~15% when each linear divides its own input),
so they are shared or folded where the structure allows (`_smooth`). Int8 runs ~2× float32 on
one core (AVX512-VNNI).

Exporting needs torch, transformers and onnx; running the file needs only onnxruntime.
(sentence-transformers' own ONNX backend needs `optimum-onnx`, which does not support
transformers 5, hence this exporter: torch's TorchScript-based `torch.onnx.export` and
onnxruntime's `quantize_dynamic`.)
"""
from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager
from pathlib import Path

ONNX_FILE = "onnx/model_qint8_avx512_vnni.onnx"
OPSET = 17
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
EXAMPLE = ([[0, 100, 200, 2], [0, 300, 2, 1]], [[1, 1, 1, 1], [1, 1, 1, 0]])  # ids, mask (padded)


def export_quantized_onnx(folder: Path) -> Path:
    """Write `folder/ONNX_FILE` from the weights in `folder`; returns its path."""
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer

    folder = Path(folder)
    target = folder / ONNX_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    fp32 = target.with_name("model_fp32.tmp.onnx")
    try:
        with _quiet(), torch.no_grad():
            # eager attention traces to plain MatMul/Softmax, which quantise and fuse well
            encoder = AutoModel.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager",
                                                add_pooling_layer=False).eval()
            _smooth(encoder, AutoTokenizer.from_pretrained(folder), ALPHA)
            torch.onnx.export(*_traceable(encoder), str(fp32), dynamo=False,
                              input_names=["input_ids", "attention_mask"],
                              output_names=["last_hidden_state"], opset_version=OPSET,
                              dynamic_axes={name: {0: "batch", 1: "tokens"} for name in
                                            ("input_ids", "attention_mask", "last_hidden_state")})
            quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=True,
                             reduce_range=False, op_types_to_quantize=["MatMul", "Gather"],
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        fp32.unlink(missing_ok=True)
    return target


def _smooth(encoder, tokenizer, alpha: float) -> None:
    """Smooth every `nn.Linear` of the encoder (see module docstring), with as few extra
    operations as the structure allows: query, key and value share one s and one division of
    their common input; the attention's output product takes its s from the value weights
    (exact: its input is a mix of value vectors); any other linear divides its own input."""
    import torch
    from torch import nn

    modules = dict(encoder.named_modules())
    linears = [m for m in modules.values() if isinstance(m, nn.Linear)]
    peak = {m: torch.zeros(m.in_features) for m in linears}

    def record(module, args):
        torch.maximum(peak[module], args[0].abs().amax(dim=(0, 1)), out=peak[module])

    hooks = [m.register_forward_pre_hook(record) for m in linears]
    for text in CALIBRATION:
        encoder(**tokenizer([text], return_tensors="pt", return_token_type_ids=False))
    for hook in hooks:
        hook.remove()

    def factor(linear, *weights):
        w = torch.stack([w.abs().amax(dim=0) for w in weights]).amax(dim=0)
        return peak[linear].clamp(min=1e-5) ** alpha / w.clamp(min=1e-5) ** (1 - alpha)

    def divide_input(module, s):
        inverse = 1 / s
        module.register_forward_pre_hook(lambda mod, args: (args[0] * inverse, *args[1:]))

    done = set()
    for name, attention in modules.items():
        q, k, v = (getattr(attention, part, None) for part in ("query", "key", "value"))
        if not all(isinstance(x, nn.Linear) for x in (q, k, v)):
            continue
        s = factor(q, q.weight, k.weight, v.weight)
        for linear in (q, k, v):
            linear.weight.mul_(s)
        divide_input(attention, s)
        done |= {q, k, v}
        out = modules.get(name.rsplit(".", 1)[0] + ".output.dense")  # BERT: attention.output.dense
        if isinstance(out, nn.Linear) and out.in_features == v.out_features:
            s = factor(out, out.weight)
            v.weight.div_(s[:, None])
            v.bias.div_(s)
            out.weight.mul_(s)
            done.add(out)
    for linear in linears:
        if linear not in done:
            s = factor(linear, linear.weight)
            linear.weight.mul_(s)
            divide_input(linear, s)


def _traceable(encoder):
    """(module, example inputs): the encoder as (input_ids, attention_mask) -> last_hidden_state."""
    import torch

    class LastHiddenState(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask):
            return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    return LastHiddenState(), tuple(torch.tensor(x) for x in EXAMPLE)


@contextmanager
def _quiet():
    """No load reports, progress bars, tracer warnings or quantiser advice on the console."""
    from transformers.utils import logging as hf_logging

    root, null = logging.getLogger(), logging.NullHandler()
    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    root.addHandler(null)  # keeps `logging.warning` from configuring the root logger
    logging.disable(logging.WARNING)
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(logging.NOTSET)
        root.removeHandler(null)
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()
