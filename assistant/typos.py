"""Homophone typos: read a two-character slip of a pinyin input method as the word meant.

In: a question, the two-character words the texts and the vocabulary use, and the character
pairs that occur anywhere in the texts. Out: the question with each slip replaced. People type
Chinese by sound and pick the wrong character of the right sound: "间碟" for 间谍, "国按局" for
国安局. Such a slip matches nothing in the texts, so retrieval misses the article, and the refusal
test finds the question's one content word nowhere ("啥叫间碟行为" was refused).

A pair of characters is read as word W when: the pair occurs nowhere in the texts; it is not a
word of general Chinese (jieba's dictionary: "护照" or "签证" is never changed, nor the rare word
"复义"), and neither of its characters makes one with the character beside it ("开始施行" is not
"开实施行"); W keeps one of its characters in place and the other character sounds like W's
(the first pinyin reading of each, tones ignored); W is a specific word (`_specific`); and
exactly one such W exists.

    Homophones({"间谍", "复议", "国安"}, corpus_pairs).correct("啥叫间碟行为") -> "啥叫间谍行为"
    Homophones(...).correct("国按局的人能进公司检查吗") -> "国安局的人能进公司检查吗"
    Homophones(...).correct("护照丢了怎么办") -> "护照丢了怎么办"  (a word of its own)
"""
from __future__ import annotations

import unicodedata
from typing import Collection, Iterable

CJK = ("\u4e00", "\u9fff")
MIN_IDF = 8.0  # in general Chinese (jieba's table): 间谍 9.2, 国安 8.9, 隐私 9.1; 对方 6.1, 实施 5.2


def _cjk(ch: str) -> bool:
    return CJK[0] <= ch <= CJK[1]


def _sound(ch: str) -> str:
    """A character's first (most common) pinyin reading, toneless: "碟" -> "die", "家" -> "jia"."""
    from pypinyin.pinyin_dict import pinyin_dict  # 0.1 s, only when a question has a candidate slip

    reading = pinyin_dict.get(ord(ch), "").split(",")[0]
    return "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))


def _frequency(word: str) -> int:
    """The word's count in jieba's dictionary of general Chinese (0 if it is not a word there)."""
    from index.lexical import _get_jieba  # initialises the dictionary

    return _get_jieba().dt.FREQ.get(word) or 0


def _specific(word: str) -> bool:
    """A word specific enough to be meant: common words (对方, 了解, 实施) have many homophone
    neighbours, so a pair that sounds like one is as likely something else ("对防间谍" is 对 + 防间谍)."""
    from .retrieve import general_idf

    table, _ = general_idf()
    return table.get(word, MIN_IDF) >= MIN_IDF


class Homophones:
    def __init__(self, words: Iterable[str], corpus_pairs: Collection[str]):
        self.words = {w for w in words if len(w) == 2 and all(map(_cjk, w))}
        self.corpus_pairs = corpus_pairs
        self._index: dict[tuple[int, str, str], set[str]] | None = None

    def _candidates(self, pair: str) -> set[str]:
        if self._index is None:
            self._index = {}
            for word in self.words:
                for kept in (0, 1):
                    self._index.setdefault((kept, word[kept], _sound(word[1 - kept])), set()).add(word)
        found = set()
        for kept in (0, 1):
            found |= self._index.get((kept, pair[kept], _sound(pair[1 - kept])), set())
        return found - {pair}

    def _slip(self, pair: str, left: str, right: str) -> bool:
        """Could `pair` be a slip: two Chinese characters found nowhere in the texts, not a word,
        and neither of them part of a word with the character beside it ("始施" in "开始施行" is
        not: 开始 is a word)."""
        return (_cjk(pair[0]) and _cjk(pair[1]) and pair not in self.corpus_pairs and pair not in self.words
                and not any(_frequency(w) for w in (pair, left, right) if len(w) == 2))

    def correct(self, text: str) -> str:
        """`text` with each homophone slip replaced by the word meant (see the module docstring)."""
        out, i = list(text), 0
        while i < len(out) - 1:
            pair = out[i] + out[i + 1]
            if self._slip(pair, "".join(out[max(i - 1, 0):i + 1]) if i else "", "".join(out[i + 1:i + 3])):
                found = {w for w in self._candidates(pair) if _specific(w)}
                if len(found) == 1:
                    out[i:i + 2] = list(found.pop())
                    i += 2
                    continue
            i += 1
        return "".join(out)
