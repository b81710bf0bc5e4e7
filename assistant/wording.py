"""The assistant's own words around the quotes, in the language of the question.

In: the question (or an `is_english` flag) and a citation. Out: the framing of an answer: the
line that introduces a document's quotes, the refusal, the titles of related reading. Quotes and
labels stay as the texts give them (they are the law, in Chinese); an English reader also gets
the provision's place in English.

    words("单位发现间谍怎么办？")["under"].format(doc="A") -> "根据《A》的规定："
    words("What must a company do?")["under"].format(doc="A") -> "Under 《A》:"
    provision_line(c, english=True) -> '第八条第一款 (Article 8, paragraph 1): “…”'
"""
from __future__ import annotations

from .query import is_english

WORDS = {
    "zh": {
        "under": "根据《{doc}》的规定：",
        "refusal": "所收录的法规文本中没有找到能回答这个问题的规定。",
        "related_note": "以下条文可能相关，仅供参考，并非对问题的回答。",
        "see_also": "另见：",
        "related": "相关条文（仅供参考）：",
        "related_title": "相关条文（仅供参考，并非答案）",
        "not_answered": "未能作答",
        "read_as": "按“{text}”理解",
        "sources": "引用的条文（{n} 条），引文以黄色标出",
        "sources_refused": "未能作答；以下为相关条文（仅供参考，并非答案）",
    },
    "en": {
        "under": "Under 《{doc}》:",
        "refusal": "The texts in the corpus contain no provision that answers this question.",
        "related_note": " The provisions below may be related; they are for reference only, not an answer.",
        "see_also": "See also:",
        "related": "Related provisions (for reference only):",
        "related_title": "Related provisions (for reference only, not an answer)",
        "not_answered": "Not answered",
        "read_as": "Read as “{text}”",
        "sources": "Cited provisions ({n}), the quotes highlighted",
        "sources_refused": "Not answered; below, related provisions (for reference only, not an answer)",
    },
}


def words(question: str) -> dict[str, str]:
    """The phrases for answering `question`: English ones when it is in English."""
    return WORDS["en" if is_english(question) else "zh"]


def provision_line(citation, english: bool) -> str:
    """One quote under its document: "第八条第一款：“…”", for an English question
    "第八条第一款 (Article 8, paragraph 1): “…”" (第五条之一 is "Article 5-1")."""
    where = citation.label.split("》", 1)[1]
    if not english:
        return f"{where}：“{citation.quote}”"
    place = f"Article {citation.article}" + (f"-{citation.sub}" if citation.sub else "")
    place += f", paragraph {citation.paragraph}" if citation.paragraph else ""
    place += f", item {citation.item}" if citation.item else ""
    return f"{where} ({place}): “{citation.quote}”"
