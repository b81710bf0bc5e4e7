"""Does a question ask for a figure (a number of years, days, yuan…) that the texts never give?

In: a question; the text of a provision. Out: the kind of figure the question asks for (or
None), and whether a provision states a figure of that kind. A question whose
interrogative clause asks "how many years / days / yuan, how long" is answered only by a
provision that states such a figure; a provision that merely mentions the topic ("脱密期",
"奖励") is related reading, not an answer. General Chinese and English question words only,
nothing tied to one corpus. A clause counts as asked when it ends in a question mark or is the
last clause ("我到重庆出差几天，条例管我吗？" asks nothing about days).

    asked_figure("脱密期一般是几年？") -> "年数";  states_figure("年数", "…脱密期内履行…义务…") -> False
    asked_figure("国安传唤最长能问多长时间？") -> "期限";  states_figure("期限", "…不得超过八小时…") -> True
"""
from __future__ import annotations

import re

NUMBER = r"[0-9０-９零〇一二三四五六七八九十百千万两]+"
# kind of figure -> (how a question asks for it, how a provision states it)
FIGURES = {
    "年数": (r"(?<![近这前后])几年|多少年|哪一年|哪年|how many years|which year|what year",
           rf"{NUMBER}\s*(?:个)?年"),
    "天数": (r"(?<!哪)几天|多少天|多少日|几个工作日|多少个工作日|how many days",
           rf"{NUMBER}\s*(?:个)?(?:工作日|日|天)"),
    "金额": (r"多少元|多少钱|多少万|金额是多少|具体金额|how much money|how many yuan|what amount",
           rf"{NUMBER}\s*(?:万)?元"),
    "期限": (r"多久|多长时间|多长期限|期限是多少|how long",
           rf"{NUMBER}\s*(?:个)?(?:年|月|工作日|日|天|小时|周)"),
}
CLAUSE_END = re.compile(r"([，,；;。！!？?])")


def asked_clauses(question: str) -> list[str]:
    """The clauses of a question that ask something: "我出差几天，条例管我吗？" -> ["条例管我吗"]."""
    clauses, text = [], ""
    for part in CLAUSE_END.split(question):
        if CLAUSE_END.fullmatch(part):
            if part in "？?" and text.strip():
                clauses.append(text.strip())
            text = ""
        else:
            text = part
    if text.strip():
        clauses.append(text.strip())
    return clauses


def asked_figure(question: str) -> str | None:
    """The kind of figure the question's asking clauses want: "脱密期一般是几年？" -> "年数"."""
    asked = " ".join(asked_clauses(question)).lower()
    return next((kind for kind, (asks, _) in FIGURES.items() if re.search(asks, asked)), None)


def states_figure(kind: str, text: str) -> bool:
    """True when `text` states a figure of `kind`: ("年数", "自…之日起十年内不准入境") -> True."""
    return bool(re.search(FIGURES[kind][1], text))
