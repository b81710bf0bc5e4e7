"""The ONNX encoder written from numpy weights: the float graph is `transformers`' BertModel
(padding included; a text alone gives its row of the padded batch), smoothing leaves it
unchanged, and the int8 forms round-trip within half a step. Real weights of the default model;
only the word rows the test texts use are put in the graphs (the whole table would add seconds
of serialisation and nothing to check)."""
import os

os.environ["HF_HUB_OFFLINE"] = "1"

from dataclasses import replace

import numpy as np
import pytest

from index.bert_onnx import BertShape, bert_graph, from_state_dict
from index.cli_common import PROJECT_CACHE
from index.embed_model import resolve_model
from index.onnx_export import ALPHA, calibrate, quantize_columns, quantize_rows, smooth

TEXTS = ["query: 涉密人员未经审批出境，单位应当怎么办？",
         "passage: 国家安全机关受理举报的电话是12339。任何公民和组织发现间谍行为，应当及时举报。",
         "query: Can officers inspect my phone?"]


@pytest.fixture(scope="module")
def weights():
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    folder = resolve_model(None, PROJECT_CACHE)
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_padding(pad_id=tokenizer.token_to_id("<pad>"), pad_token="<pad>")
    batch = tokenizer.encode_batch(TEXTS)
    ids = np.array([e.ids for e in batch])
    mask = np.array([e.attention_mask for e in batch])
    assert (mask == 0).any()  # the batch is padded
    layers, emb = from_state_dict(load_file(str(folder / "model.safetensors")), 12)
    used, local = np.unique(ids, return_inverse=True)
    return folder, layers, replace(emb, word=emb.word[used]), ids, local.reshape(ids.shape), mask


def run(model, ids, mask):
    import onnxruntime as ort
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask})[0]


SHAPE = BertShape(384, 12, 12, 1e-12)


def test_float_graph_is_transformers_bert(weights):
    import torch
    from transformers import AutoModel

    folder, layers, emb, ids, local, mask = weights
    ours = run(bert_graph(SHAPE, layers, emb), local, mask)
    bert = AutoModel.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager",
                                     add_pooling_layer=False).eval()
    with torch.no_grad():
        theirs = bert(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask)).last_hidden_state.numpy()
    keep = mask.astype(bool)
    assert np.abs(ours - theirs)[keep].max() < 1e-4


def test_a_text_alone_is_its_row_of_the_padded_batch(weights):
    """Alone, nothing is padded and attention runs without a mask (onnxruntime's flash kernel);
    in the padded batch it runs with the mask: the same numbers."""
    import onnxruntime as ort
    _, layers, emb, _, local, mask = weights
    session = ort.InferenceSession(bert_graph(SHAPE, layers, emb).SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    batch = session.run(["last_hidden_state"], {"input_ids": local, "attention_mask": mask})[0]
    for row, keep in enumerate(mask.astype(bool)):
        alone = session.run(["last_hidden_state"], {"input_ids": local[row:row + 1, keep],
                                                    "attention_mask": mask[row:row + 1, keep]})[0][0]
        assert np.abs(alone - batch[row][keep]).max() < 1e-4


def test_smoothing_leaves_the_float_result_unchanged(weights):
    _, layers, emb, _, local, mask = weights
    before = run(bert_graph(SHAPE, layers, emb), local, mask)
    smoothed = [replace(layer, linears={k: replace(v) for k, v in layer.linears.items()}) for layer in layers]
    for layer, peak in zip(smoothed, calibrate(SHAPE, smoothed, emb, [list(r[m > 0]) for r, m in zip(local, mask)])):
        smooth(layer.linears, peak, ALPHA)
    assert any((lay.linears["fi"].inv_scale != 1).any() for lay in smoothed)
    after = run(bert_graph(SHAPE, smoothed, emb), local, mask)
    assert np.abs(after - before)[mask.astype(bool)].max() < 1e-3


def test_int8_forms_round_trip_within_half_a_step():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(64, 48)).astype(np.float32)
    w[:, 3] = 0  # an all-zero column/row must not divide by zero
    q, scale = quantize_columns(w)
    assert q.dtype == np.int8 and np.abs(q).max() == 127
    assert np.all(np.abs(q * scale - w) <= scale / 2 + 1e-7)
    q, scale = quantize_rows(w.T.copy())
    assert np.all(np.abs(q * scale[:, None] - w.T) <= scale[:, None] / 2 + 1e-7)
