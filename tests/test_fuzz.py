"""Fuzzing the text transforms with hypothesis: only the project's own errors, never a crash,
and quotes stay substrings of their provisions."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.query import make_query, normalise
from assistant.refs import find_references
from corpus import CorpusError, load_corpus
from corpus.errors import RegQAError
from corpus.parse import parse_text

CORPUS = load_corpus()
LEGAL = st.sampled_from(["第", "条", "款", "项", "十", "三", "一百", "之一", "（", "）", "(", ")", "一", "章",
                         "节", "**", "　", " ", "\n", "\n\n", "。", "；", "：", "“", "”", "《", "》", "重庆条例",
                         "本条例", "反间谍法", "12339", "[bookmark: _GoBack]", "# ", "<script>", "😀", "\x00"])
TEXT = st.lists(st.one_of(LEGAL, st.text(max_size=5)), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_parser_raises_only_corpus_errors(text):
    try:
        title, _, articles, _, _ = parse_text(text, "fuzz.txt", "fuzz")
    except CorpusError:
        return
    numbers = [(a.number, a.sub) for a in articles]
    assert numbers == sorted(set(numbers))  # strictly increasing
    for art in articles:
        for para in art.paragraphs:
            assert para.text in art.text
            for item in para.items:
                assert item.text in para.text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_normaliser_is_total_and_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once
    assert "\x00" not in once and "\n" not in once
    make_query(text)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_reference_parser_never_crashes(text):
    for ref in find_references(text, CORPUS):
        assert 0 <= ref.span[0] < ref.span[1] <= len(text)
        assert ref.article >= 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(TEXT)
def test_ask_on_fuzz_only_clear_errors(assistant, text):
    try:
        answer = assistant.ask(text)
    except RegQAError:
        return
    for c in (*answer.citations, *answer.related):
        assert c.quote in assistant.corpus.document(c.doc_id).article(c.article, c.sub).text


def test_symlink_out_of_corpus_is_refused(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("某法\n第一条 甲。\n", encoding="utf-8")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "link.txt").symlink_to(outside)
    with pytest.raises(CorpusError, match="links outside"):
        load_corpus(folder)
