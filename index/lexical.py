"""BM25 over jieba tokens: the lexical half of hybrid retrieval.

In: texts (chunk `embed_text`s) to index; queries. Out: BM25 scores per text.
Tokens are jieba's search-mode words plus Latin/digit runs, lower-cased, with punctuation
and one-character function words dropped:

    tokenize("发现间谍行为可以打什么电话举报？") -> ["发现", "间谍", "行为", "可以", "打", "什么", "电话", "举报"]
"""
from __future__ import annotations

import logging
import math
import re
from collections import Counter

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

    Each term's posting list holds its documents and their precomputed BM25 weights (float32,
    computed exactly as the per-document formula), so scoring a query is one vectorised
    `out[docs] += weights` per distinct query term, O(total postings of the query's terms):

        BM25([["举报", "电话"], ["举报"]]).scores(["举报", "举报"]) -> array([0.16.., 0.20..])
    """

    def __init__(self, docs_tokens: list[list[str]], k1: float = 1.2, b: float = 0.75):
        self.docs_tokens = docs_tokens
        self.k1, self.b = k1, b
        self.n = len(docs_tokens)
        self.lengths = np.array([len(d) for d in docs_tokens], dtype=np.float32)
        self.avg_len = float(self.lengths.mean()) if self.n else 0.0
        norm = self.k1 * (1 - self.b + self.b * self.lengths / max(self.avg_len, 1e-9))
        docs: dict[str, list[int]] = {}
        tfs: dict[str, list[int]] = {}
        for i, tokens in enumerate(docs_tokens):
            for term, tf in Counter(tokens).items():
                docs.setdefault(term, []).append(i)
                tfs.setdefault(term, []).append(tf)
        self.idf = {t: math.log(1 + (self.n - len(d) + 0.5) / (len(d) + 0.5)) for t, d in docs.items()}
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, ids in docs.items():
            tf = np.array(tfs[term], dtype=np.float32)
            ids = np.array(ids, dtype=np.int64)
            numerator = (np.array(tfs[term], dtype=np.float64) * self.idf[term] * (self.k1 + 1)).astype(np.float32)
            self.postings[term] = ids, numerator / (tf + norm[ids])

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for term in set(query_tokens):
            posting = self.postings.get(term)
            if posting is not None:
                out[posting[0]] += posting[1]  # a document occurs once per posting list
        return out

    def known(self, term: str) -> bool:
        return term in self.postings
