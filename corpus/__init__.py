"""corpus: regulation texts and their legal structure (documents → articles → 款 → 项).

    from corpus import load_corpus
    corpus = load_corpus()            # the default corpus in corpus/texts/
    corpus.by_title("重庆市反间谍工作条例").article(13).paragraph(2).text
"""
from .errors import CorpusError, InputError, RegQAError
from .load import DEFAULT_CORPUS, Corpus, load_corpus, normalise_title
from .records import Article, Document, Item, Paragraph, article_label, citation_label

__all__ = ["Article", "Corpus", "CorpusError", "DEFAULT_CORPUS", "Document", "InputError", "Item",
           "Paragraph", "RegQAError", "article_label", "citation_label", "load_corpus",
           "normalise_title"]
