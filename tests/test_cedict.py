"""The CC-CEDICT bridge from English words to the corpus's words (index/cedict.py), on the real
dictionary file and the real default index."""
from assistant.query import english_covered, make_query
from index.cedict import english_table, lemmas, translate

USED = {"扣押", "押金", "犬", "称", "护照", "吸烟", "出租人"}


def test_table_keeps_only_the_corpus_words_and_reads_glosses_backwards():
    table = english_table(USED.__contains__)
    assert table["exact"]["passport"] == ["护照"]
    assert table["exact"]["deposit"] == ["押金"]
    assert table["exact"]["detain"] == ["扣押"]
    assert "扣押" in table["heads"]["seize"]  # "to seize property": a longer verb gloss
    assert table["exact"]["dog"] == ["犬"]  # a one-character word of few senses stays
    words = {w for lists in table["exact"].values() for w in lists}
    assert words <= USED and "称" not in words  # a character of many senses does not


def test_translate_undoes_inflections_and_skips_stopwords_and_covered_words():
    table = english_table(USED.__contains__)
    assert translate("Can they seize my passport?", table) == ["扣押", "护照"]
    assert translate("They seized the dogs", table) == ["扣押", "犬"]
    assert translate("Can they seize my passport?", table, frozenset({"seize"})) == ["护照"]
    assert translate("What is this about?", table) == []
    assert lemmas("seized")[:2] == ["seized", "seize"] and "party" in lemmas("parties")


def test_english_question_searches_the_dictionary_words_its_vocabulary_lacks(assistant):
    question = "Is it legal to photograph a military base?"
    assert "military" not in english_covered(question)
    searched = assistant.retriever.lexical_text(make_query(question))
    assert "军事" in searched.split() and "军事" not in make_query(question).lexical
    chinese = "可以拍摄军事设施吗？"  # Chinese questions are searched as they were
    assert assistant.retriever.lexical_text(make_query(chinese)) == make_query(chinese).lexical
