"""BM25 over jieba tokens: the lexical half of hybrid retrieval.

In: texts (chunk `embed_text`s) to index; queries. Out: BM25 scores per text.
Tokens are jieba's search-mode words plus Latin/digit runs, lower-cased, with punctuation
and one-character function words dropped:

    tokenize("发现间谍行为可以打什么电话举报？") -> ["发现", "间谍", "行为", "可以", "打", "什么", "电话", "举报"]
"""
from __future__ import annotations

import itertools
import logging
import math
import re
from array import array
from collections import Counter
from typing import Iterable

import numpy as np

STOP = set("的 了 和 与 及 或 等 在 是 为 对 由 其 之 于 以 被 把 吗 呢 啊 吧 么 哪 谁 要 会 能 该 有 也 就 都 还 这 那 个 我 你 他 她 它 们 将".split())
STOP |= {"什么", "怎么", "怎么办", "如何", "哪些", "是否", "可以", "应当", "应该", "需要", "一下", "请问",
         "the", "a", "an", "of", "to", "in", "and", "or", "is", "are", "what", "how", "do", "does",
         "can", "i", "my", "for", "on", "be", "should", "must", "who", "which", "when", "if", "by"}
WORD = re.compile(r"[\u3400-\u9fff]+|[a-zA-Z]+|\d+")
_jieba = None


def _get_jieba():
    global _jieba
    if _jieba is None:
        import jieba
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba = jieba
    return _jieba


def bigrams(text: str) -> list[str]:
    """Overlapping CJK character pairs, robust where word segmentation differs:
    "举报电话" -> ["举报", "报电", "电话"]."""
    return [run[i:i + 2] for run in re.findall(r"[\u3400-\u9fff]+", text) for i in range(len(run) - 1)]


def words(text: str) -> list[str]:
    """jieba's words in precise mode (no overlapping sub-words), lower-cased, punctuation dropped:
    "被抓了去主管部门？" -> ["被", "抓", "了", "去", "主管部门"]."""
    return [w for w in _get_jieba().lcut(text.lower()) if WORD.fullmatch(w)]


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of jieba's words in precise mode, covering the text:
    "项目的进展" -> [(0, 2), (2, 3), (3, 5)] (项目 / 的 / 进展)."""
    return [(start, end) for _, start, end in _get_jieba().tokenize(text)]


def tokenize(text: str) -> list[str]:
    """Words for BM25 (see module docstring for an example)."""
    jieba = _get_jieba()
    tokens = []
    for run in WORD.findall(text.lower()):
        if run[0].isascii():
            tokens.append(run)
        else:
            tokens.extend(jieba.lcut_for_search(run))
    return [t for t in tokens if t not in STOP]


class BM25:
    """Okapi BM25 (k1=1.2, b=0.75) over pre-tokenised documents.

    Postings are stored term by term in flat arrays (compressed sparse rows: `indptr` into
    `docs` and `weights`), each entry already holding its BM25 weight in float32 exactly as the
    per-document formula gives it, so scoring a query is one vectorised `out[docs] += weights`
    per distinct query term, O(postings of the query's terms), and memory is 8 bytes a posting:

        BM25([["举报", "电话"], ["举报"]]).scores(["举报", "举报"]) -> array([0.16.., 0.21..])
    """

    def __init__(self, docs_tokens: Iterable[list[str]], k1: float = 1.2, b: float = 0.75):
        """Index the documents in one pass; `docs_tokens` may be a generator, and the token
        lists are not kept (at a million chunks their lists would take gigabytes)."""
        self.k1, self.b = k1, b
        self.vocab: dict[str, int] = {}
        terms, docs, tfs, lengths = array("i"), array("i"), array("i"), array("i")
        for i, tokens in enumerate(docs_tokens):
            counts = Counter(tokens)
            terms.extend(self.vocab.setdefault(t, len(self.vocab)) for t in counts)
            tfs.extend(counts.values())
            docs.extend(itertools.repeat(i, len(counts)))
            lengths.append(len(tokens))
        self.n = len(lengths)
        lengths = np.frombuffer(lengths, dtype=np.intc).astype(np.float32)
        self.avg_len = float(lengths.mean()) if self.n else 0.0
        norm = self.k1 * (1 - self.b + self.b * lengths / max(self.avg_len, 1e-9))
        terms, docs, tf = (np.frombuffer(a, dtype=np.intc) for a in (terms, docs, tfs))
        order = np.argsort(terms, kind="stable")  # by term, documents ascending within a term
        self.docs, tf = docs[order], tf[order]
        self.indptr = np.zeros(len(self.vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(self.vocab)), out=self.indptr[1:])
        df = np.diff(self.indptr).tolist()
        idf = np.array([math.log(1 + (self.n - d + 0.5) / (d + 0.5)) for d in df], dtype=np.float64)
        numerator = (tf.astype(np.float64) * np.repeat(idf, df) * (self.k1 + 1)).astype(np.float32)
        self.weights = numerator / (tf.astype(np.float32) + norm[self.docs])

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for term in set(query_tokens):
            t = self.vocab.get(term)
            if t is not None:
                s, e = self.indptr[t], self.indptr[t + 1]
                out[self.docs[s:e]] += self.weights[s:e]  # a document occurs once per term
        return out

    def known(self, term: str) -> bool:
        return term in self.vocab
