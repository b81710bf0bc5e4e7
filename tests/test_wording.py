"""The framing around quotes follows the question's language; the quotes do not change."""
from assistant.__main__ import render_answer
from assistant.render import answer_html, sources_header
from assistant.wording import provision_line, words


def test_an_english_question_gets_english_framing_around_the_same_quotes(assistant):
    english = assistant.ask("Who do I report spies to?")
    chinese = assistant.ask("发现间谍应该向谁举报？")
    assert english.answer.startswith("Under 《") and chinese.answer.startswith("根据《")
    for c in english.citations:
        assert f"(Article {c.article}" in english.answer and f"“{c.quote}”" in english.answer
    assert "See also:" in render_answer(english) and "另见：" in render_answer(chinese)
    assert "Under 《" in answer_html(english)
    n = len({(c.doc_id, c.article) for c in english.citations})
    assert f"Cited provisions ({n})" in sources_header(english) and "引用的条文" in sources_header(chinese)


def test_an_english_refusal_is_in_english(assistant):
    answer = assistant.ask("Who won the chess championship?")
    assert answer.refused and answer.answer.startswith(words("Who?")["refusal"])
    assert "Not answered" in answer_html(answer) and "Related provisions" in render_answer(answer)


def test_provision_line_gives_the_place_in_english():
    class C:
        label, quote, article, sub, paragraph, item = "《A》第五条之一第二款第三项", "…", 5, 1, 2, 3
    assert provision_line(C, english=False) == "第五条之一第二款第三项：“…”"
    assert provision_line(C, english=True) == "第五条之一第二款第三项 (Article 5-1, paragraph 2, item 3): “…”"
