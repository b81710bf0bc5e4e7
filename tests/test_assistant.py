"""The answering spine on the real corpus and model: acceptance questions, direct references,
refusals, bad input, and the invariant that every quote is in the provision it cites."""
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.compose import QuoteError, cite, provision_text
from corpus import InputError, load_corpus


def labels(answer):
    return [c.label for c in answer.citations]


def test_acceptance_exit_abroad(assistant):
    answer = assistant.ask("涉密人员未经审批出境，单位应当怎么办？")
    first = answer.citations[0]
    assert not answer.refused
    assert (first.document, first.article, first.paragraph) == ("重庆市反间谍工作条例", 13, 2)
    assert first.label == "《重庆市反间谍工作条例》第十三条第二款"
    assert first.quote == "涉密人员未经审批出境的，所在单位发现后应当立即向国家安全机关报告，并配合国家安全机关进行处理。"


def test_acceptance_education_days(assistant):
    answer = assistant.ask("每年哪几天要集中开展反间谍宣传教育？")
    assert labels(answer)[0] == "《贵州省反间谍安全防范办法》第十二条第二款"


def test_refuses_uncovered_questions(assistant):
    for question in ("如何申请护照？", "四川省反间谍安全防范条例是哪年施行的？", "刑法对间谍罪最高判几年？"):
        answer = assistant.ask(question)
        assert answer.refused and not answer.citations, question
        assert answer.answer.startswith("所收录的法规文本中没有找到")


def test_hotline_cites_both_provinces(assistant):
    got = {(c.document, c.article) for c in assistant.ask("发现间谍行为可以打什么电话举报？").citations}
    assert {("贵州省反间谍安全防范办法", 16), ("重庆市反间谍工作条例", 8)} <= got


def test_direct_references(assistant):
    assert labels(assistant.ask("重庆条例第十三条")) == ["《重庆市反间谍工作条例》第十三条"]
    item = assistant.ask("贵州办法第8条第（三）项").citations[0]
    assert item.label == "《贵州省反间谍安全防范办法》第八条第三项" and item.quote.startswith("（三）")
    assert assistant.ask("反间谍法第四条").citations[0].quote.startswith("本法所称间谍行为")


def test_show(assistant):
    data = assistant.show("重庆条例第十三条")
    assert data["label"] == "《重庆市反间谍工作条例》第十三条" and len(data["paragraphs"]) == 3
    assert data["paragraphs"][1]["text"].startswith("涉密人员未经审批出境的")
    ten = assistant.show("重庆市反间谍工作条例第十条")
    assert [i["item"] for i in ten["paragraphs"][0]["items"]] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("bad", ["", "   ", "重庆条例第九十九条", "重庆条例第十三条第五款", "x" * 100_000])
def test_bad_input_is_a_clear_error(assistant, bad):
    with pytest.raises(InputError):
        assistant.ask(bad)


def test_quote_check_raises():
    corpus = load_corpus()
    with pytest.raises(QuoteError):
        cite(corpus, "chongqing_tiaoli", 13, 0, 2, None, "涉密人员未经审批出境的，所在单位发现后应当及时报告", 1.0)


CORPUS = load_corpus()
SPANS = [(a.doc_id, a.number, a.text) for a in CORPUS.articles()]


@st.composite
def generated_questions(draw):
    doc_id, number, text = draw(st.sampled_from(SPANS))
    start = draw(st.integers(0, max(0, len(text) - 4)))
    piece = text[start:start + draw(st.integers(2, 20))]
    noise = draw(st.sampled_from(["", "怎么办？", "请问", "What about ", "有什么规定", "第五条", "本条例"]))
    return noise + piece if draw(st.booleans()) else piece + noise


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=generated_questions())
def test_every_quote_is_in_its_provision(assistant, question):
    try:
        answer = assistant.ask(question)
    except InputError:
        return
    for c in (*answer.citations, *answer.related):
        text = provision_text(assistant.corpus, c.doc_id, c.article, c.sub, c.paragraph, c.item)
        assert text is not None and c.quote in text, c.label


def test_cli_empty_question_exits_2_with_one_line():
    result = subprocess.run([sys.executable, "-m", "assistant", "ask", ""], capture_output=True, text=True)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_cli_output_into_a_closed_pipe_ends_quietly():
    """`python -m assistant show … | head -1`: the reader goes away while we still write."""
    reader_gone = ("import sys\nfrom index.cli_common import run\n"
                   "def main():\n    print('x' * 100_000)\n    raise BrokenPipeError\nrun(main)\n")
    result = subprocess.run([sys.executable, "-c", reader_gone], capture_output=True, text=True)
    assert result.returncode == 141 and result.stderr == ""


def test_follow_up_paragraph_resolves_from_context(assistant):
    answer = assistant.ask("那第二款呢？", context_doc="chongqing_tiaoli", context_article=13)
    assert labels(answer) == ["《重庆市反间谍工作条例》第十三条第二款"]
    assert labels(assistant.ask("本条例第五条呢", context_doc="chongqing_tiaoli")) == ["《重庆市反间谍工作条例》第五条"]


def test_related_reading_never_repeats_a_cited_article(assistant):
    """The ranking is diversified across documents, so scores need not fall along it: a hit left
    out for its low score (B) must still reach related reading, and a cited one (C) not again."""
    from assistant.compose import compose
    from assistant.retrieve import ChunkHit, Hit

    def hit(doc, article, score):
        chunk = next(c for c in assistant.index.chunks if c.doc_id == doc and c.article == article)
        return Hit(doc, article, 0, score, (ChunkHit(chunk, score, 0.9, 1.0),))

    hits = [hit("chongqing_tiaoli", 25, 10.0), hit("fanjiandiefa", 56, 6.0), hit("chongqing_tiaoli", 26, 9.0),
            hit("anquanfangfan_guiding", 28, 5.0)]
    answer = compose("单位拒不接受约谈会怎样？", assistant.corpus, hits, 3, 0.75)
    assert [c.article for c in answer.citations] == [25, 26]
    assert [(c.doc_id, c.article) for c in answer.related] == [("fanjiandiefa", 56), ("anquanfangfan_guiding", 28)]


def test_a_question_asking_in_what_circumstances_gets_the_conditions_first(assistant):
    """The article listing "有下列情形之一的" outranks ones that merely mention inspections."""
    answer = assistant.ask("什么情况下国家安全机关可以检查企业的反间谍安全防范工作？")
    assert answer.ranking[0] == ("anquanfangfan_guiding", 21)


def test_feedback_moves_the_question_towards_its_best_articles_and_keeps_the_first(assistant, monkeypatch):
    """Pseudo-relevance feedback: the moved vector is a unit vector nearer the first pass's best
    articles than the question was; the first pass's best article stays first."""
    import assistant.retrieve as retrieve
    from assistant.query import make_query
    from index.chunks import article_key

    retriever = assistant.retriever
    query = make_query("发现身边有人可能在搞间谍活动，应该向哪里举报？")
    vector = retriever.embed(query.text)
    monkeypatch.setattr(retrieve, "FEEDBACK_WEIGHT", 0.0)
    first = retriever.retrieve(query).hits
    monkeypatch.undo()
    moved = retriever.feedback(vector, first)
    keys = retriever.index.article_keys
    best = retriever.index.article_store.vectors(
        [keys.index(article_key(h.doc_id, h.article, h.sub)) for h in first[:retrieve.FEEDBACK_ARTICLES]])
    assert abs(float(np.linalg.norm(moved)) - 1) < 1e-5
    assert (best @ moved > best @ vector).all()
    final = retriever.retrieve(query).hits
    assert (final[0].doc_id, final[0].article) == (first[0].doc_id, first[0].article)
    assert [(h.doc_id, h.article) for h in final] != [(h.doc_id, h.article) for h in first]


def test_items_cut_from_a_list_are_quoted_with_the_lead_sentence(assistant):
    """Items quoted from the middle of a list come after the sentence that says what they are,
    both verbatim; the web chat shows them on one card of that article, both highlighted."""
    from assistant.render import source_cards, sources_header

    answer = assistant.ask("什么是间谍行为？")
    first, second = answer.citations[:2]
    assert (first.doc_id, first.article, first.item) == ("fanjiandiefa", 4, None)
    assert first.quote == "本法所称间谍行为，是指下列行为：" and second.article == 4 and second.quote.startswith("（")
    cards = source_cards(answer, assistant.corpus)
    articles = {(c.doc_id, c.article) for c in answer.citations}
    assert len(cards) == len(articles) + len(answer.related)
    assert cards[0][0].count("<mark>") >= 2 and cards[0][2].count("“") == 2
    assert f"（{len(articles)} 条）" in sources_header(answer)
