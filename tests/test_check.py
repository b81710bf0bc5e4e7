"""The citation checker on the real corpus: a table of hand-made cases, property tests over random
provisions, a fuzz test, the alignment against a brute-force implementation, and the CLI."""
import io
import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assistant.__main__ import main
from assistant.check import MAX_CHECK_CHARS, STATUSES, check_text
from assistant.diffing import closest_span, edit_scores, fold, quote_core
from corpus import InputError, RegQAError, citation_label, load_corpus
from index.cli_common import run

CORPUS = load_corpus()
CASES = json.loads((Path(__file__).parent / "check_cases.json").read_text(encoding="utf-8"))
ACCEPTANCE = ("根据《重庆市反间谍工作条例》第十三条第二款，“涉密人员未经审批出境的，所在单位发现后应当立即"
              "向国家安全机关报告”。")
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])


def _leaves(corpus):
    """(document, article, paragraph label number, item, text) of every smallest provision: items,
    the lead line of a paragraph with items, paragraphs without items."""
    leaves = []
    for doc in corpus.documents:
        for art in doc.articles:
            for para in art.paragraphs:
                number = None if len(art.paragraphs) == 1 else para.number
                lines = para.text.split("\n")
                if para.items:
                    lead = "\n".join(line for line in lines if line not in {it.text for it in para.items})
                    if lead:
                        leaves.append((doc, art, number, None, lead))
                    leaves += [(doc, art, number, it.number, it.text) for it in para.items]
                else:
                    leaves.append((doc, art, number, None, para.text))
    return leaves


LEAVES = _leaves(CORPUS)
ARTICLE_TEXTS = [fold(a.text).text for a in CORPUS.articles()]
LABELS = {citation_label(d.title, a.number, a.sub, p, i) for d, a, p, i, _ in LEAVES} | {
    citation_label(d.title, a.number, a.sub) for d in CORPUS.documents for a in d.articles}


def _label(leaf) -> str:
    doc, art, paragraph, item, _text = leaf
    return citation_label(doc.title, art.number, art.sub, paragraph, item)


def _occurrences(folded: str) -> int:
    return sum(text.count(folded) for text in ARTICLE_TEXTS)


# ---------------------------------------------------------------- the table

def test_table_is_big_and_covers_every_status():
    assert len(CASES) >= 40
    assert {item["status"] for case in CASES for item in case["items"]} == set(STATUSES)


@pytest.mark.parametrize("case", CASES, ids=[c["note"] for c in CASES])
def test_case(case):
    items = check_text(case["text"], CORPUS).items
    got = [{"status": i.status, "cited": i.cited.label if i.cited else None,
            "correct_label": i.correct_label} for i in items]
    assert got == [{k: e[k] for k in ("status", "cited", "correct_label")} for e in case["items"]]
    for item, expected in zip(items, case["items"]):
        if "changes" in expected:
            assert [[op["op"], op["quote"], op["law"]] for op in item.diff if op["op"] != "equal"] \
                == expected["changes"]


# ---------------------------------------------------------------- acceptance

def _one(text):
    report = check_text(text, CORPUS).to_json()
    assert len(report["items"]) == 1
    return report["items"][0]


def test_acceptance_verified_and_json_shape():
    item = _one(ACCEPTANCE)
    assert set(item) == {"span", "cited", "quote", "status", "correct_label", "diff", "provision_text"}
    assert set(item["cited"]) == {"document", "article", "paragraph", "item", "label"}
    assert item["status"] == "verified"
    assert item["cited"] == {"document": "重庆市反间谍工作条例", "article": 13, "paragraph": 2, "item": None,
                             "label": "《重庆市反间谍工作条例》第十三条第二款"}
    start, end = item["span"]
    assert ACCEPTANCE[start:end].startswith("《重庆市") and ACCEPTANCE[start:end].endswith("报告”")
    assert item["provision_text"] == CORPUS.document("chongqing_tiaoli").article(13).paragraph(2).text


def test_acceptance_altered_wrong_location_no_such_provision():
    altered = _one(ACCEPTANCE.replace("立即", "及时"))
    assert altered["status"] == "altered" and altered["correct_label"] is None
    assert [op for op in altered["diff"] if op["op"] != "equal"] == [
        {"op": "replace", "quote": "及时", "law": "立即"}]
    assert altered["provision_text"] == "涉密人员未经审批出境的，所在单位发现后应当立即向国家安全机关报告"
    moved = _one(ACCEPTANCE.replace("第十三条第二款", "第十二条"))
    assert moved["status"] == "wrong_location"
    assert moved["correct_label"] == "《重庆市反间谍工作条例》第十三条第二款"
    assert _one(ACCEPTANCE.replace("第十三条第二款", "第四十条"))["status"] == "no_such_provision"


def test_items_in_order_of_appearance():
    text = "“安全控制区实行动态管理”。" + ACCEPTANCE + "另见反间谍法第4条。"
    items = check_text(text, CORPUS).items
    assert [i.status for i in items] == ["uncited_quote", "verified", "reference_only"]
    assert [i.span for i in items] == sorted(i.span for i in items)


def test_empty_and_over_long_text_are_refused():
    for text in ("", "  \n\u3000", "重" * (MAX_CHECK_CHARS + 1)):
        with pytest.raises(InputError):
            check_text(text, CORPUS)


# ---------------------------------------------------------------- properties

@st.composite
def quotes(draw, min_len=6):
    """(leaf, quote): a stretch of one smallest provision."""
    leaf = LEAVES[draw(st.integers(0, len(LEAVES) - 1))]  # an index: leaves are slow to hash
    text = leaf[4]
    assume(len(text) >= min_len)
    length = draw(st.integers(min_len, min(40, len(text))))
    start = draw(st.integers(0, len(text) - length))
    quote = text[start:start + length]
    assume(len(quote_core(quote).text) >= min_len - 2)
    return leaf, quote


def _cite(label: str, quote: str, style: int) -> str:
    if "“" in quote or "”" in quote or style == 0:
        return f"根据{label}，「{quote}」。"
    if style == 1 and not re.search(r"[。！？!?\n]", quote):
        return f"{label}规定：{quote}。"
    return f"{label}写道：“{quote}”" if style == 2 else f'"{quote}"（{label}）'


@PROPERTY
@given(quotes(), st.integers(0, 3))
def test_quote_of_the_cited_provision_is_verified(sample, style):
    leaf, quote = sample
    item = _one(_cite(_label(leaf), quote, style))
    assert (item["status"], item["cited"]["label"]) == ("verified", _label(leaf))


@PROPERTY
@given(quotes(min_len=8), st.integers(0, 10**6), st.sampled_from("甲乙丙丁戊己庚辛壬癸鑫淼犇龘"))
def test_one_character_changed_is_altered(sample, where, new):
    leaf, quote = sample
    cjk = [i for i, ch in enumerate(quote) if "\u4e00" <= ch <= "\u9fff" and ch != new]
    assume(cjk)
    i = cjk[where % len(cjk)]
    changed = quote[:i] + new + quote[i + 1:]
    assume(_occurrences(quote_core(changed).text) == 0)
    item = _one(_cite(_label(leaf), changed, where % 4))
    assert (item["status"], item["correct_label"]) == ("altered", None)
    assert "".join(op["law"] for op in item["diff"]) == item["provision_text"]
    assert fold(item["provision_text"]).text in fold(leaf[1].text).text
    assert any(new in op["quote"] for op in item["diff"] if op["op"] != "equal")


@PROPERTY
@given(quotes(min_len=10), st.integers(0, 10**6))
def test_quote_under_another_article_is_wrong_location(sample, pick):
    leaf, quote = sample
    doc, art = leaf[0], leaf[1]
    core = quote_core(quote).text
    assume(_occurrences(core) == 1)
    others = [a for a in doc.articles if a is not art and core not in fold(a.text).text]
    other = others[pick % len(others)]
    item = _one(_cite(citation_label(doc.title, other.number, other.sub), quote, pick % 4))
    assert (item["status"], item["correct_label"]) == ("wrong_location", _label(leaf))


TOKENS = ["根据", "《重庆市反间谍工作条例》", "重庆条例", "贵州办法", "反间谍法", "规定", "本条例", "本办法",
          "《刑法》", "第十三条", "第13条", "第二款", "第（三）项", "（三）", "之一", "“", "”", "「", "」", '"',
          "规定：", "。", "\n", "……", "<b>", "</b>", "&amp;", "<script>", "\x00", "\x1b[31m", "😀", "👨‍👩‍👧",
          "\u200b", "\ufeff", "第", "条", "涉密人员未经审批出境的", "应当立即向国家安全机关报告", "１２３３９"]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)),
                                                  max_size=40).map("".join)))
def test_fuzz_only_project_errors_and_well_formed_reports(text):
    try:
        report = check_text(text, CORPUS)
    except RegQAError:
        return
    json.dumps(report.to_json(), ensure_ascii=False)
    starts = [i.span[0] for i in report.items]
    assert starts == sorted(starts)
    for item in report.items:
        assert 0 <= item.span[0] < item.span[1] <= len(text) and item.status in STATUSES
        assert item.correct_label is None or item.correct_label in LABELS
        for line in (item.provision_text or "").split("\n"):
            assert any(fold(line).text in t for t in ARTICLE_TEXTS)


# ---------------------------------------------------------------- alignment

def _brute_scores(pattern, text, anchored):
    """Textbook dynamic programming, column by column."""
    column = list(range(len(pattern) + 1))
    scores = []
    for j, ch in enumerate(text, start=1):
        new = [j if anchored else 0]
        for i in range(1, len(pattern) + 1):
            new.append(min(column[i] + 1, new[i - 1] + 1, column[i - 1] + (pattern[i - 1] != ch)))
        scores.append(new[-1])
        column = new
    return scores


@settings(max_examples=300, deadline=None)
@given(st.text("abc", min_size=1, max_size=12), st.text("abcd", max_size=25), st.booleans())
def test_edit_scores_match_dynamic_programming(pattern, text, anchored):
    assert edit_scores(pattern, text, anchored) == _brute_scores(pattern, text, anchored)


def test_closest_span_and_fold():
    span = closest_span("应当及时报告", "发现后应当立即报告，并")
    assert (span.start, span.end, span.distance) == (3, 9, 2)
    assert fold("（一） 建立“三同步”\n１２").text == '(一)建立"三同步"12'
    assert quote_core("……甲乙……丙丁。").fragments() == ["甲乙", "丙丁"]


# ---------------------------------------------------------------- CLI

def _cli(argv, capsys, stdin: bytes | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    with pytest.raises(SystemExit) as exit_:
        run(lambda: main(argv))
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


def test_cli_json_from_stdin_without_model_or_index(capsys, monkeypatch):
    import assistant.__main__ as cli

    def no_model(*args, **kwargs):
        raise AssertionError("check must not open the assistant")
    monkeypatch.setattr(cli.Assistant, "open", no_model)
    code, out, _ = _cli(["check", "--json"], capsys, ACCEPTANCE.encode() + b"\n", monkeypatch)
    assert code == 0
    assert [i["status"] for i in json.loads(out)["items"]] == ["verified"]
    code, out, _ = _cli(["check", "-"], capsys, ACCEPTANCE.replace("立即", "及时").encode(), monkeypatch)
    assert code == 0 and out.startswith("altered") and "立即→及时" in out


def test_cli_text_file(tmp_path, capsys):
    path = tmp_path / "memo.txt"
    path.write_text(ACCEPTANCE.replace("第十三条第二款", "第十二条"), encoding="utf-8")
    code, out, _ = _cli(["check", "--text-file", str(path)], capsys)
    assert code == 0 and "wrong_location" in out and "→ 《重庆市反间谍工作条例》第十三条第二款" in out


@pytest.mark.parametrize("content, message", [
    (None, "cannot read"), (b"\xff\xfe\x00", "not UTF-8"), (b" \n ", "empty"),
    ("重".encode() * (MAX_CHECK_CHARS + 1), "limit is 100,000")],
    ids=["missing", "not-utf8", "empty", "too-long"])
def test_cli_bad_input_exits_2_with_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "in.txt"
    if content is not None:
        path.write_bytes(content)
    code, out, err = _cli(["check", "--text-file", str(path)], capsys)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


ACCEPTANCE = "根据《重庆市反间谍工作条例》第十三条第二款，“涉密人员未经审批出境的，所在单位发现后应当立即向国家安全机关报告”。"


@pytest.mark.parametrize("text, status", [
    (ACCEPTANCE, "verified"),
    (ACCEPTANCE.replace("立即", "及时"), "altered"),
    (ACCEPTANCE.replace("第十三条", "第十二条"), "wrong_location"),  # 第十二条 has one paragraph
    (ACCEPTANCE.replace("第十三条第二款", "第十二条"), "wrong_location"),
    (ACCEPTANCE.replace("第十三条", "第四十条"), "no_such_provision"),  # 29 articles
])
def test_issue_acceptance(text, status):
    items = check_text(text, load_corpus()).to_json()["items"]
    assert [i["status"] for i in items] == [status]
    if status == "wrong_location":
        assert items[0]["correct_label"] == "《重庆市反间谍工作条例》第十三条第二款"
    if status == "altered":
        assert [op for op in items[0]["diff"] if op["op"] != "equal"] == [
            {"op": "replace", "quote": "及时", "law": "立即"}]
