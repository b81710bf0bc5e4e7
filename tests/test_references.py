"""Questions that cite provisions by number: English "Article N of the …", and a bare "第九条" that
names no document. They are quoted directly, never answered with another article that happens to
share words with the question ("第三十条" is not 第三条)."""
from pathlib import Path

import pytest

from assistant.refs import find_references
from corpus import InputError, load_corpus

DOGS = Path(__file__).resolve().parent.parent / "evals" / "other_fields" / "dogs"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


@pytest.fixture(scope="module")
def one_document(tmp_path_factory):
    """The invented dog rule of `evals/other_fields/dogs`, the only document of its corpus."""
    from assistant.service import Assistant
    from index.cli_common import PROJECT_CACHE
    return Assistant.open(DOGS, tmp_path_factory.mktemp("dogs-index"), None, PROJECT_CACHE, progress=False)


@pytest.mark.parametrize("text, doc_id, article, paragraph, item", [
    ("What does Article 24 of the Counter-Espionage Law say?", "fanjiandiefa", 24, None, None),
    ("Article 13, paragraph 2 of the Chongqing Regulations", "chongqing_tiaoli", 13, 2, None),
    ("Under the Guizhou Measures, Article 8 item 3 applies", "guizhou_banfa", 8, None, 3),
    ("art. 16 of the anti-espionage law", "fanjiandiefa", 16, None, None),
    ("Article 24(1) of the Counter-espionage law", "fanjiandiefa", 24, None, None),
])
def test_english_references_are_read(corpus, text, doc_id, article, paragraph, item):
    [ref] = find_references(text, corpus)
    assert (ref.doc_id, ref.article, ref.paragraph, ref.item) == (doc_id, article, paragraph, item)


def test_an_english_reference_to_a_law_outside_the_corpus_names_an_unknown_document(corpus):
    [ref] = find_references("What does Article 5 of the Labour Law say?", corpus)
    assert (ref.doc_id, ref.doc_name, ref.article) == (None, "Labour Law", 5)
    [bare] = find_references("what does article 9 say", corpus)
    assert (bare.doc_id, bare.doc_name, bare.article) == (None, None, 9)


def test_english_reference_is_quoted_directly(assistant):
    answer = assistant.ask("What does Article 24 of the Counter-Espionage Law say?")
    [cited] = answer.citations
    assert cited.label == "《中华人民共和国反间谍法》第二十四条"
    assert cited.quote == assistant.corpus.document("fanjiandiefa").article(24).text
    assert answer.answer.startswith("Under 《中华人民共和国反间谍法》:\n第二十四条 (Article 24): “")
    assert assistant.ask("What does Article 5 of the Labour Law say?").refused


def test_a_bare_article_is_quoted_from_the_documents_that_have_it(assistant):
    answer = assistant.ask("第九条规定了什么？")
    having = [d.id for d in assistant.corpus.documents if d.article(9)]
    cited = [c.doc_id for c in answer.citations] + [c.doc_id for c in answer.related]
    assert sorted(cited) == sorted(having) and len(answer.citations) == 3
    assert {(c.article, c.paragraph) for c in [*answer.citations, *answer.related]} == {(9, None)}
    local = assistant.ask("重庆第九条是怎么说的？")
    assert [c.label for c in local.citations] == ["《重庆市反间谍工作条例》第九条"]


def test_a_bare_article_no_document_has_is_an_error(assistant):
    with pytest.raises(InputError, match="no document in the corpus has 第九十九条"):
        assistant.ask("第九十九条规定了什么？")
    with pytest.raises(InputError, match=r"has 第九条第三款 \(4 document\(s\) have 第九条, with at most 2"):
        assistant.ask("第九条第三款是什么？")


def test_a_bare_article_of_a_one_document_corpus_is_that_documents(one_document):
    [cited] = one_document.ask("第三条是怎么规定的？").citations
    assert cited.label == "《江城市养犬管理条例》第三条"
    with pytest.raises(InputError, match="has no 第三十条"):  # was answered with 第三条
        one_document.ask("第三十条是怎么规定的？")
    assert one_document.show("第三条")["label"] == "《江城市养犬管理条例》第三条"


@pytest.fixture(scope="module")
def minors(tmp_path_factory):
    """未成年人保护法 (2024, `evals/real_fields/minors`): its penalties cite the duties they enforce."""
    from assistant.service import Assistant
    from index.cli_common import PROJECT_CACHE
    folder = Path(__file__).resolve().parent.parent / "evals" / "real_fields" / "minors"
    return Assistant.open(folder, tmp_path_factory.mktemp("minors-index"), None, PROJECT_CACHE, progress=False)


def test_a_question_on_the_penalty_for_a_cited_article_gets_the_articles_that_sanction_it(minors):
    penalty = minors.ask("第五十九条违反了会怎么处罚？")
    assert [c.article for c in penalty.citations] == [59, 123, 124]  # "违反本法…第五十九条…的"
    assert all(c.quote in minors.corpus.document(c.doc_id).article(c.article).text for c in penalty.citations)
    assert [c.article for c in minors.ask("第五十九条是怎么规定的？").citations] == [59]
