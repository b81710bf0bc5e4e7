"""The evaluation: metrics against hand-computed values, question-file checks, the tutorial's
chunk-to-article mapping, the bar, and one small real run (real corpus, real model, cached index)."""
import contextlib
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import load_corpus
from evals.bar import FLOOR, check_bar
from evals.metrics import (METRICS, Outcome, by_lang, first_relevant_rank, hit_at, mrr_at, ndcg_at,
                           recall_at, summarise)
from evals.questions import QuestionFileError, load_questions
from evals.run import faithful
from evals.systems import Quote, overlapped_articles, tutorial_chunks

PROJECT = Path(__file__).resolve().parent.parent
A, B, R1, R2, R3 = ("d", 1), ("d", 2), ("r", 1), ("r", 2), ("r", 3)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


# --- metrics ---------------------------------------------------------------------------------

def test_ranking_metrics_by_hand():
    ranked, relevant = [A, R1, B, R2], {R1, R2, R3}
    assert hit_at(ranked, relevant, 1) == 0.0 and hit_at(ranked, relevant, 2) == 1.0
    assert recall_at(ranked, relevant, 2) == pytest.approx(1 / 3)
    assert recall_at(ranked, relevant, 5) == pytest.approx(2 / 3)
    assert mrr_at(ranked, relevant) == 0.5
    assert first_relevant_rank(ranked, relevant) == 2
    # DCG = 1/log2(3) + 1/log2(5); ideal (3 relevant) = 1 + 1/log2(3) + 1/log2(4)
    assert ndcg_at(ranked, relevant) == pytest.approx(1.0616 / 2.1309, abs=1e-4)
    assert ndcg_at(ranked, relevant) == pytest.approx(0.4982, abs=1e-4)


def test_ranking_metrics_edges():
    assert ndcg_at([R1, R2], {R1, R2}) == 1.0 and mrr_at([R1], {R1}) == 1.0
    assert ndcg_at([R2, R1], {R1}) == pytest.approx(1 / math.log2(3))
    assert mrr_at([A] * 3 + [R1], {R1}) == 1.0 / 2  # duplicates count once
    many = [("x", i) for i in range(20)]
    assert recall_at(many, set(many), 10) == 0.5  # more relevant than k: recall@10 tops at 10/20
    assert ndcg_at(many, set(many), 10) == 1.0  # but the ideal ranking is cut at k too
    assert mrr_at(many[:10] + [R1], {R1}) == 0.0 and first_relevant_rank([A], {R1}) is None


def _o(id, answerable, ranked, refused, lang="zh", quotes=(2, 2), ms=10.0, relevant=(R1,)):
    return Outcome(id, lang, answerable, relevant if answerable else (), tuple(ranked), refused,
                   quotes[0], quotes[1], ms)


def test_summarise_denominators():
    outcomes = [_o("a", True, [R1, A], False, ms=10), _o("b", True, [A, R1], True, ms=20),
                _o("c", False, [A], True, lang="en", quotes=(3, 2), ms=30),
                _o("d", False, [B], False, lang="en", quotes=(0, 0), ms=40)]
    m = summarise(outcomes)
    assert list(m) == list(METRICS)
    assert m["hit@1"] == 0.5 and m["hit@5"] == 1.0 and m["mrr@10"] == 0.75  # refused b still ranks
    assert m["false_refusal_rate"] == 0.5 and m["refusal_rate_unanswerable"] == 0.5
    assert m["quote_faithfulness"] == round(6 / 7, 4)
    assert m["latency_ms_p50"] == 25.0 and m["latency_ms_p95"] == 38.5
    langs = by_lang(outcomes)
    assert list(langs) == ["zh", "en"]
    assert langs["zh"]["refusal_rate_unanswerable"] is None  # no unanswerable zh question
    assert langs["en"]["hit@1"] is None and langs["en"]["refusal_rate_unanswerable"] == 0.5
    assert summarise([_o("e", True, [], False, quotes=(0, 0))])["quote_faithfulness"] is None


# --- question files ---------------------------------------------------------------------------

CQ = "重庆市反间谍工作条例"
GOOD = {"id": "x1", "question": "发现间谍行为可以打什么电话举报？", "lang": "zh", "answerable": True,
        "relevant": [{"document": "《 重庆市反间谍工作条例 》", "article": 8}]}


def _write(tmp_path, *rows) -> Path:
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)
                              for r in rows) + "\n", encoding="utf-8")
    return path


def test_questions_load_and_match_titles(tmp_path, corpus):
    unanswerable = {**GOOD, "id": "x2", "answerable": False, "relevant": []}
    questions = load_questions(_write(tmp_path, GOOD, "", unanswerable), corpus)
    assert [q.id for q in questions] == ["x1", "x2"]
    assert questions[0].relevant == (("chongqing_tiaoli", 8),) and questions[1].relevant == ()
    assert len(load_questions(None, corpus)) == 210  # the project's own set is valid


@pytest.mark.parametrize("bad, message", [
    ("{not json", r"q.jsonl:2: not valid JSON"),
    ({**GOOD, "extra": 1}, r"q.jsonl:2: unknown extra"),
    ({k: v for k, v in GOOD.items() if k != "lang"}, r"q.jsonl:2: missing lang"),
    ({**GOOD, "lang": "fr"}, r'q.jsonl:2: lang must be "zh" or "en", got "fr"'),
    ({**GOOD, "answerable": "yes"}, r"q.jsonl:2: answerable must be true or false"),
    ({**GOOD, "answerable": False}, r"q.jsonl:2: answerable is false but relevant has 1"),
    ({**GOOD, "relevant": [{"document": CQ, "article": "8"}]}, r"q.jsonl:2: each relevant entry"),
    ({**GOOD, "relevant": [{"document": "四川省反间谍条例", "article": 8}]},
     r"q.jsonl:2: document '四川省反间谍条例' is not in the corpus"),
    ({**GOOD, "relevant": [{"document": CQ, "article": 99}]}, rf"q.jsonl:2: 《{CQ}》 has no article 99"),
    (GOOD, r"q.jsonl:2: id 'x1' is also the id of line 1"),
])
def test_question_file_errors_name_the_line(tmp_path, corpus, bad, message):
    with pytest.raises(QuestionFileError, match=message.replace("(", r"\(")):
        load_questions(_write(tmp_path, GOOD, bad), corpus)


def test_missing_question_file(tmp_path, corpus):
    with pytest.raises(QuestionFileError, match="question file not found"):
        load_questions(tmp_path / "nope.jsonl", corpus)


def test_bad_question_file_exits_2_without_traceback(tmp_path):
    path = _write(tmp_path, {**GOOD, "lang": "de"})
    proc = subprocess.run([sys.executable, "-m", "evals", "run", "--questions", str(path)],
                          cwd=PROJECT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 2 and "q.jsonl:1: lang must be" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


# --- tutorial recipe, faithfulness, bar -------------------------------------------------------

def test_tutorial_chunk_maps_to_overlapped_articles(tmp_path):
    raw = "某市条例\n\n第一条　为了测试。\n\n第二条　第一款。\n　　第二款。\n第三条　最后。\n"
    (tmp_path / "t.txt").write_text(raw, encoding="utf-8")
    doc = load_corpus(tmp_path).documents[0]
    at = raw.index("第二款")
    assert overlapped_articles(doc, raw, at, at + 3) == (2,)
    # 5 characters of 第一条, all 16 of 第二条, the 4 of 第三条's heading: most held first
    assert overlapped_articles(doc, raw, raw.index("测试"), raw.index("最后")) == (2, 1, 3)
    assert overlapped_articles(doc, raw, raw.index("第一条"), raw.index("第二条") + 1) == (1, 2)
    assert overlapped_articles(doc, raw, 0, 4) == ()  # the title belongs to no article
    chunks = tutorial_chunks(load_corpus(tmp_path))
    assert len(chunks) == 1 and chunks[0].articles == (2, 1, 3)


def test_faithful_quotes(corpus):
    text = corpus.document("chongqing_tiaoli").article(13).paragraphs[1].text
    assert faithful(corpus, Quote("chongqing_tiaoli", 13, 0, 2, None, text[:20]))
    assert not faithful(corpus, Quote("chongqing_tiaoli", 13, 0, 1, None, text[:20]))  # other 款
    assert not faithful(corpus, Quote("chongqing_tiaoli", 13, 0, None, None, "第十三条　" + text[:20]))
    assert not faithful(corpus, Quote("chongqing_tiaoli", 99, 0, None, None, text[:20]))


def test_bar():
    good = {"hit@1": 0.95, "hit@5": 1.0, "recall@5": 0.98, "recall@10": 0.99, "mrr@10": 0.96,
            "ndcg@10": 0.95, "false_refusal_rate": 0.0, "refusal_rate_unanswerable": 0.95,
            "quote_faithfulness": 1.0}
    weak = {k: 0.5 for k in good}
    assert check_bar(good, weak) == []
    failures = check_bar({**good, "hit@1": 0.8, "quote_faithfulness": 0.99}, {**weak, "recall@10": 0.99})
    assert [f.split(" ")[0] for f in failures] == ["hit@1", "quote_faithfulness", "recall@10"]
    assert any("tutorial recipe was not run" in f for f in check_bar(good, None))
    reached = {**good, "recall@5": 0.92}  # the floor: the bar where met, the level reached where not
    assert [f.split(" ")[0] for f in check_bar(reached, weak)] == ["recall@5"]
    assert check_bar(reached, weak, FLOOR) == []
    assert [f.split(" ")[0] for f in check_bar({**reached, "recall@5": 0.85, "hit@1": 0.89}, weak, FLOOR)] \
        == ["hit@1", "recall@5"]


# --- a small real run -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """6 questions (zh/en, answerable or not, one naming a provision), every system, --json."""
    from evals.__main__ import main
    folder = tmp_path_factory.mktemp("evals")
    lines = (PROJECT / "evals" / "questions.jsonl").read_text("utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    pick = [r for r in rows if r["lang"] == "zh" and r["answerable"]][:2] + \
           [r for r in rows if r["lang"] == "zh" and not r["answerable"]][:1] + \
           [r for r in rows if r["lang"] == "en" and r["answerable"]][:1] + \
           [r for r in rows if r["lang"] == "en" and not r["answerable"]][:1]
    pick.append({"id": "direct", "question": "重庆条例第十三条是怎么规定的？", "lang": "zh",
                 "answerable": True, "relevant": [{"document": CQ, "article": 13}]})
    path = folder / "six.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in pick), encoding="utf-8")
    os.environ["HF_HUB_OFFLINE"] = "1"
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(["run", "--questions", str(path), "--json", "--out", str(folder / "out")])
    return code, stdout.getvalue(), folder / "out"


def test_small_run_json_shape(small_run):
    code, stdout, out = small_run
    summary = json.loads(stdout)  # stdout is exactly one JSON object
    assert code == 0 and summary["n"] == 6 and list(summary) == ["n", "metrics", "by_lang", "systems"]
    assert set(summary["metrics"]) == set(METRICS)
    assert set(summary["by_lang"]) == {"zh", "en"}
    assert set(summary["systems"]) == {"product", "bm25", "dense", "tutorial"}
    assert summary["systems"]["product"] == summary["metrics"]
    assert summary["metrics"]["quote_faithfulness"] == 1.0
    assert summary["systems"]["bm25"]["refusal_rate_unanswerable"] == 0.0  # baselines never refuse
    record = json.loads((out / "latest.json").read_text("utf-8"))
    assert {k: record[k] for k in summary} == summary
    direct = next(r for r in record["questions"] if r["id"] == "direct")
    assert direct["ranked"][0] == ["chongqing_tiaoli", 13] and direct["hit"] is True


def test_small_run_writes_dated_files(small_run):
    out = small_run[2]
    names = sorted(p.name for p in out.iterdir())
    assert {"latest.json", "latest.md", "latest.png"} <= set(names)
    dated = [n for n in names if not n.startswith("latest")]
    assert len(dated) == 3 and all(n[:4].isdigit() and len(n.split(".")[0]) == 19 for n in dated)
    record = json.loads((out / dated[0]).read_text("utf-8"))
    assert record["model"] and len(record["corpus_hash"]) == 64 and record["parameters"]["n"] == 6
    assert "| product |" in (out / "latest.md").read_text("utf-8")
