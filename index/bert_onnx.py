"""A BERT encoder written as an ONNX graph straight from its weights (numpy), no torch.

In: the weights of a Hugging Face `BertModel` as numpy arrays keyed as in its state dict
(`embeddings.word_embeddings.weight`, `encoder.layer.N.attention.self.query.weight`, …,
torch layout: a linear's weight is (out, in)), and its `BertConfig` values (`BertShape`).
Out: an `onnx.ModelProto` with inputs `input_ids`, `attention_mask` (int64, batch × tokens) and
output `last_hidden_state` (float32, batch × tokens × hidden): what `BertModel(...)
.last_hidden_state` computes for token type 0 (post-LayerNorm layers, exact erf GELU, padded
keys masked out of attention). Positions start at 0.

Each linear layer is either float (`MatMul` + bias) or int8 (`Linear.q` set: onnxruntime's
`DynamicQuantizeMatMul`, weights int8 with one scale per output column, the input quantised
to uint8 with one scale per pass at run time). A layer may carry `inv_scale`: its input is
multiplied by it first (SmoothQuant's division, see `onnx_export`). Query, key and value are
one product of the concatenated weights (one quantisation of their shared input, one larger
matrix product). Measured on one core against torch's export quantised by onnxruntime: ~10%
faster per passage. Attention is onnxruntime's `MultiHeadAttention` inside an `If`: with the key
padding mask when a token is padded, else without, where onnxruntime takes its flash-attention
kernel (one text per pass, as `embed_model` runs them: 15.3 vs 15.7 ms per 150-character passage
on one core against the MatMul/Softmax chain; with the mask always given, no faster than it).
With `taps=True` the graph also outputs every linear layer's input, named `tap.N.KIND`
(KIND: qkv, ao, fi, fo), for calibration.

    layers, emb = from_state_dict(safetensors.numpy.load_file("model.safetensors"), 12)
    model = bert_graph(BertShape(384, 12, 12, 1e-12), layers, emb)
    onnxruntime.InferenceSession(model.SerializeToString()).run(None, {"input_ids": …, …})
    -> [array of shape (batch, tokens, 384)]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from onnx import TensorProto, helper, numpy_helper

OPSET, MS_OPSET, IR_VERSION = 17, 1, 9
KINDS = ("qkv", "ao", "fi", "fo")  # the four products of a layer, in order


@dataclass(frozen=True)
class BertShape:
    hidden: int
    layers: int
    heads: int
    eps: float


@dataclass
class Linear:
    """y = (x * inv_scale) @ w + bias. `w` is (in, out) float32; `q`/`scale`, when set, are its
    int8 form (q * scale[None, :] ≈ w) and the graph uses them instead."""

    w: np.ndarray
    bias: np.ndarray
    inv_scale: np.ndarray | None = None
    q: np.ndarray | None = None
    scale: np.ndarray | None = None


@dataclass
class Embeddings:
    """Word rows as int8 with one scale per row (`word_q`, `word_scale`), or float (`word`);
    positions (max_positions, hidden) and the token-type-0 row in float; the LayerNorm."""

    positions: np.ndarray
    type0: np.ndarray
    ln: tuple[np.ndarray, np.ndarray]
    word: np.ndarray | None = None
    word_q: np.ndarray | None = None
    word_scale: np.ndarray | None = None


@dataclass
class Layer:
    linears: dict[str, Linear]  # KINDS -> Linear
    ln_attention: tuple[np.ndarray, np.ndarray]
    ln_output: tuple[np.ndarray, np.ndarray]


class _Builder:
    def __init__(self):
        self.nodes, self.inits, self.names, self.count = [], [], set(), 0

    def const(self, name: str, value) -> str:
        """An initializer; a name already given is reused (shared constants)."""
        if name not in self.names:
            self.names.add(name)
            self.inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def op(self, op_type: str, inputs: list[str], outputs: int | list[str] = 1, domain: str = "",
           **attrs) -> str | list[str]:
        self.count += 1
        names = outputs if isinstance(outputs, list) else [f"{op_type}_{self.count}_{i}" for i in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, names, name=f"{op_type}_{self.count}",
                                           domain=domain, **attrs))
        return names[0] if len(names) == 1 else names


def _linear(b: _Builder, x: str, lin: Linear, name: str) -> str:
    if lin.inv_scale is not None:
        x = b.op("Mul", [x, b.const(name + ".inv_scale", lin.inv_scale.astype(np.float32))])
    bias = b.const(name + ".bias", lin.bias.astype(np.float32))
    if lin.q is None:
        return b.op("Add", [b.op("MatMul", [x, b.const(name + ".w", lin.w.astype(np.float32))]), bias])
    return b.op("DynamicQuantizeMatMul", [x, b.const(name + ".wq", lin.q.astype(np.int8)),
                                          b.const(name + ".wscale", lin.scale.astype(np.float32)), "", bias],
                domain="com.microsoft")


def _layer_norm(b: _Builder, x: str, ln: tuple[np.ndarray, np.ndarray], name: str, eps: float) -> str:
    return b.op("LayerNormalization", [x, b.const(name + ".g", ln[0].astype(np.float32)),
                                       b.const(name + ".b", ln[1].astype(np.float32))], axis=-1, epsilon=eps)


def _embeddings(b: _Builder, emb: Embeddings, shape: BertShape) -> str:
    ids = "input_ids"
    if emb.word_q is not None:
        rows = b.op("Cast", [b.op("Gather", [b.const("word.q", emb.word_q.astype(np.int8)), ids])],
                    to=TensorProto.FLOAT)
        scale = b.op("Gather", [b.const("word.scale", emb.word_scale.astype(np.float32)[:, None]), ids])
        words = b.op("Mul", [rows, scale])
    else:
        words = b.op("Gather", [b.const("word", emb.word.astype(np.float32)), ids])
    length = b.op("Shape", [ids], start=1, end=2)
    zero = b.const("axis0", np.zeros(1, np.int64))
    positions = b.op("Slice", [b.const("positions", emb.positions.astype(np.float32)), zero, length, zero])
    summed = b.op("Add", [b.op("Add", [words, b.const("type0", emb.type0.astype(np.float32))]), positions])
    return _layer_norm(b, summed, emb.ln, "emb.ln", shape.eps)


def _unpadded(b: _Builder) -> str:
    """A boolean: the attention mask keeps every token (so no attention needs it)."""
    smallest = b.op("ReduceMin", ["attention_mask"], keepdims=0)
    return b.op("Equal", [smallest, b.const("one64", np.int64(1))])


def _attention(b: _Builder, qkv: str, unpadded: str, mask: str, shape: BertShape) -> str:
    """softmax(q·kᵀ/√d, padded keys masked out) · v per head, from the (batch, tokens, 3·hidden)
    product: onnxruntime's MultiHeadAttention, given the mask only when a token is padded (its
    flash kernel is taken only without one)."""
    q, k, v = b.op("Split", [qkv, b.const("split3", np.full(3, shape.hidden, np.int64))], 3, axis=-1)
    b.count += 1
    out = f"attention_{b.count}"

    def branch(kind: str, key_mask: str):
        node = helper.make_node("MultiHeadAttention", [q, k, v, "", key_mask], [f"{out}_{kind}"],
                                name=f"{out}_{kind}", domain="com.microsoft", num_heads=shape.heads)
        return helper.make_graph([node], f"{out}_{kind}", [],
                                 [helper.make_tensor_value_info(f"{out}_{kind}", TensorProto.FLOAT, None)])

    b.nodes.append(helper.make_node("If", [unpadded], [out], name=out, then_branch=branch("flash", ""),
                                    else_branch=branch("masked", mask)))
    return out


def _gelu(b: _Builder, x: str) -> str:
    """x · ½(1 + erf(x/√2)), as torch exports it (onnxruntime fuses it into one Gelu)."""
    erf = b.op("Erf", [b.op("Div", [x, b.const("sqrt2", np.float32(np.sqrt(2.0)))])])
    half = b.op("Mul", [x, b.op("Add", [erf, b.const("one", np.float32(1.0))])])
    return b.op("Mul", [half, b.const("half", np.float32(0.5))])


def bert_graph(shape: BertShape, layers: list[Layer], emb: Embeddings, taps: bool = False):
    """The `onnx.ModelProto` of the encoder (see module docstring)."""
    b = _Builder()
    unpadded, mask = _unpadded(b), b.op("Cast", ["attention_mask"], to=TensorProto.INT32)
    h = _embeddings(b, emb, shape)
    tapped = []
    for n, layer in enumerate(layers):
        p = f"l{n}."
        tapped.append((h, f"tap.{n}.qkv"))
        qkv = _linear(b, h, layer.linears["qkv"], p + "qkv")
        ctx = _attention(b, qkv, unpadded, mask, shape)
        tapped.append((ctx, f"tap.{n}.ao"))
        h1 = _layer_norm(b, b.op("Add", [_linear(b, ctx, layer.linears["ao"], p + "ao"), h]),
                         layer.ln_attention, p + "aln", shape.eps)
        tapped.append((h1, f"tap.{n}.fi"))
        act = _gelu(b, _linear(b, h1, layer.linears["fi"], p + "fi"))
        tapped.append((act, f"tap.{n}.fo"))
        h = _layer_norm(b, b.op("Add", [_linear(b, act, layer.linears["fo"], p + "fo"), h1]),
                        layer.ln_output, p + "oln", shape.eps)
    b.nodes.append(helper.make_node("Identity", [h], ["last_hidden_state"], name="output"))
    outputs = [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT,
                                             ["batch", "tokens", shape.hidden])]
    if taps:
        for src, name in tapped:
            b.nodes.append(helper.make_node("Identity", [src], [name], name=name))
            outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "tokens"])
              for n in ("input_ids", "attention_mask")]
    graph = helper.make_graph(b.nodes, "bert", inputs, outputs, b.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET),
                                                    helper.make_opsetid("com.microsoft", MS_OPSET)],
                              producer_name="regqa.bert_onnx")
    model.ir_version = IR_VERSION
    return model


def from_state_dict(state: dict[str, np.ndarray], n_layers: int) -> tuple[list[Layer], Embeddings]:
    """Float `Layer`s and `Embeddings` from a `BertModel` state dict (any float dtype)."""
    f = {k: np.asarray(v, np.float32) for k, v in state.items() if not k.startswith("pooler.")}

    def ln(prefix):
        return f[prefix + ".weight"], f[prefix + ".bias"]

    def linear(*prefixes):
        return Linear(np.concatenate([f[p + ".weight"].T for p in prefixes], axis=1),
                      np.concatenate([f[p + ".bias"] for p in prefixes]))

    layers = []
    for n in range(n_layers):
        p = f"encoder.layer.{n}."
        layers.append(Layer(
            {"qkv": linear(*(p + "attention.self." + x for x in ("query", "key", "value"))),
             "ao": linear(p + "attention.output.dense"), "fi": linear(p + "intermediate.dense"),
             "fo": linear(p + "output.dense")},
            ln(p + "attention.output.LayerNorm"), ln(p + "output.LayerNorm")))
    emb = Embeddings(f["embeddings.position_embeddings.weight"], f["embeddings.token_type_embeddings.weight"][0],
                     ln("embeddings.LayerNorm"), word=f["embeddings.word_embeddings.weight"])
    return layers, emb
