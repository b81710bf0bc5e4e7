"""Does a question ask for a figure (a number of years, days, yuan…) that the texts never give?

In: a question; the text of a provision. Out: the kind of figure the question asks for (or
None), and whether a provision states a figure of that kind. A question whose
interrogative clause asks "how many years / days / yuan, how long, how fast, what share" is answered only by a
provision that states such a figure; a provision that merely mentions the topic ("脱密期",
"奖励") is related reading, not an answer. General Chinese and English question words only,
nothing tied to one corpus. A clause counts as asked when it ends in a question mark or is the
last clause ("我到重庆出差几天，条例管我吗？" asks nothing about days).

    asked_figure("脱密期一般是几年？") -> "年数";  states_figure("年数", "…脱密期内履行…义务…") -> False
    asked_figure("国安传唤最长能问多长时间？") -> "期限";  states_figure("期限", "…不得超过八小时…") -> True
    asked_figure("被违法辞退能拿多少赔偿？") -> "金额";  states_figure("金额", "…经济补偿标准的二倍…") -> True

A question can also ask for a kind of provision: what befalls someone who breaks a rule (a
penalty: answered by provisions that impose one, in a 法律责任 chapter or not), why and on what
basis a text was made (its purpose clause), when it takes effect, what a term means (a
definition: "…是指…"), where and to whom it applies (its scope clause: "…适用本办法。"), from
what age something is allowed (an age limit: "…年满十六周岁…"), in what circumstances something
may or must be done (the conditions: "有下列情形之一的，…").
Retrieval favours provisions of the kind asked for.

    asked_kinds("单位拒不接受约谈，会怎样？") -> {"penalty"};  asked_kinds("居委会该怎么处理线索？") -> set()
    asked_kinds("国安在什么情况下可以检查单位？") -> {"conditions"}
    provision_kinds("…由国家安全机关责令改正，予以警告…") -> {"penalty"}
"""
from __future__ import annotations

import re

from .query import is_english

NUMBER = r"[0-9０-９零〇一二三四五六七八九十百千万两]+"
MONEY = ("奖金|奖励金|补偿金?|赔偿金?|费用|罚款|工资|押金|租金|养老金|退休金|津贴|补贴|抚恤金|违约金"
         "|学费|抚养费|赡养费|生活费|医药费|保险费")  # sums a question may ask "多少" of
# kind of figure -> (how a question asks for it, how a provision states it)
FIGURES = {
    "年数": (r"(?<![近这前后])几年|多少年|哪一年|哪年|how many years|which year|what year",
           rf"{NUMBER}\s*(?:个)?年"),
    "天数": (r"(?<!哪)几天|多少天|多少日|几个工作日|多少个工作日|how many days",
           rf"{NUMBER}\s*(?:个)?(?:工作日|日|天)"),
    "金额": (rf"多少(?:钱|元|万|{MONEY})|罚多少(?![天日年月])|金额是多少"
           rf"|(?:{MONEY})(?:是|有|大概|一般|能有|收|交|给|付|要|该)?多少(?![天日年月个])"
           r"|具体金额|how much money|how many yuan|what amount"
           r"|how much (?:is|are|does|do|will|would|should|must|can|could) (?:[\w'-]+ ){0,5}?"
           r"(?:cost|costs|fee|fees|fine|fines|fined|charge|charged|price|pay|paid|rent|compensation)\b"
           r"|how much (?:is|are|was|were) (?:it|they|that|this|those)\b",
           rf"{NUMBER}\s*(?:万)?元|{NUMBER}\s*倍|(?:{NUMBER}|半)\s*个月(?:的)?工资|百分之{NUMBER}"),  # or a formula
    "速度": (r"时速|最高车速|最高速度|速度是多少|开多快|top speed|maximum speed|speed limit"
           r"|how fast (?:can|may|could|is|are) (?:[\w'-]+ ){0,4}?(?:go|ride|drive|travel)\b",
           rf"{NUMBER}\s*(?:公里|千米|km)"),
    "期限": (r"多久|多长时间|多长期限|期限是多少|how long|how soon|how quickly|how fast|how many (?:weeks|months|hours)",
           rf"{NUMBER}\s*(?:个)?(?:年|月|工作日|日|天|小时|周)|每(?:年|半年|季度|月|周|日|天)"),  # or how often
    "比例": (r"百分之几|百分之多少|多少比例|比例是多少|什么比例|what percentage|what percent|what proportion",
           rf"百分之{NUMBER}|{NUMBER}\s*[%％]|{NUMBER}\s*成(?![年员立])"),
    "年龄": (r"多少岁|几岁|多大(?:年龄|年纪)|年龄是多少|what age|how old (?:do|does|must|should|is|are)",
           rf"{NUMBER}\s*(?:周)?岁"),
}
CLAUSE_END = re.compile(r"([，,；;。！!？?]|\.(?=\s|$))")  # an English full stop ends a clause, a decimal point not
FINE_CLAUSE = re.compile(r"(?<=[，,；;。])")
FINE = re.compile(r"罚款|罚金")
SENTENCE_END = re.compile(r"([。！!？?]|\.(?=\s|$))")  # English clauses run on past commas: "If …, how long …?"


def asked_clauses(question: str) -> list[str]:
    """The clauses of a question that ask something: "我出差几天，条例管我吗？" -> ["条例管我吗"].
    English sentences are not cut at commas: "How long is it, and can I …?" asks both."""
    ends = SENTENCE_END if is_english(question) else CLAUSE_END
    clauses, text = [], ""
    for part in ends.split(question):
        if ends.fullmatch(part):
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


def states_figure(kind: str, text: str, fines: bool = True) -> bool:
    """True when `text` states a figure of `kind`: ("年数", "自…之日起十年内不准入境") -> True.
    Without `fines` (the question asks for a fee or a price, not a sanction) the amount of a
    fine does not count: ("金额", "…处五百元以上一千元以下罚款", fines=False) -> False."""
    if kind == "金额" and not fines:
        text = "".join(c for c in FINE_CLAUSE.split(text) if not FINE.search(c))
    return bool(re.search(FIGURES[kind][1], text))


# a sanction asked for outright, or consequences asked for after a breach of duty
PENALTY_ASKED = re.compile(r"处罚|罚款|罚多少|怎么罚|受罚|被罚|挨罚|罚.{0,8}吗|能罚|会罚|要罚|罚不罚|处分|法律责任|追究|追责|"
                           r"担责|判刑|坐牢|拘留|"
                           r"penalt|punish|\bfines?\b|\bfined\b|liab|sanction")
CONSEQUENCE_ASKED = re.compile(r"会怎样|会怎么样|会如何|后果|怎么处理|什么处理|如何处理|what happens|consequence")
BREACH = re.compile(r"没|未|不|拒|违反|违法|违规|擅自|私自|非法|泄露|隐瞒|瞒|伪造|冒充|"
                    r"\bfail|refus|violat|illegal|without|breach|\bnot\b|n't")
# kind of provision -> how a provision of that kind is worded (Chinese legislative drafting: the
# first article states purpose and basis, the last when the text takes effect)
STATED = {
    "penalty": re.compile(r"罚款|警告|处分|拘留|没收|吊销|通报批评|追究.{0,8}责任|责令.{0,6}(?:改正|整改)|"
                          r"依法(?:依规)?(?:给予|予以)?处[罚理]|予以处理|从其规定"),
    "purpose": re.compile(r"^为了.{0,300}?制定本"),
    "effective": re.compile(r"自.{0,24}?起(?:施行|生效)"),
    "definition": re.compile(r"所称.{0,60}?是指|(?:^|[，。；：])[^，。；：]{0,30}?是指"),
    "scope": re.compile(r"^[^。]{0,60}?适用本(?:法|条例|办法|规定|细则)。$|^本(?:法|条例|办法|规定|细则)适用于"),
    "age": re.compile(rf"{NUMBER}\s*周岁"),
    "conditions": re.compile(r"(?:下列|以下)(?:情形|情况)之一"),
}
ASKED = {
    "purpose": re.compile(r"为什么|为何|目的|宗旨|依据什么|根据什么|依据哪些|根据哪些|依据的|\bwhy\b|purpose|"
                          r"\bbasis\b|based on"),
    "effective": re.compile(r"施行|生效|什么时候开始|哪天起|从哪天|何时起|起实施|开始实施|take effect|"
                            r"took effect|come into force|came into force|in force|effective"),
    "definition": re.compile(r"什么是|是什么意思|什么意思|指的是|指什么|是指|定义|算不算|属不属于|属于.{0,12}吗|"
                             r"算什么|属于什么|属于哪|归哪|哪一类|什么类|which category|what category|classif|"
                             r"what does .{0,40} mean|meaning of|defin|count as|counts as"),
    "scope": re.compile(r"适用范围|适用于|适不适用|适用吗|管不管|管得到|管得着|\bappl(?:y|ies)\b(?! for)|\bcover(?:s|ed)?\b"),
    "age": re.compile(r"[0-9０-９零一二两三四五六七八九十]+\s*(?:周)?岁|几岁|多大年纪|年龄|年满|未满|how old|years? old|\bage\b|\baged\b"),
    "conditions": re.compile(r"(?:什么|哪些|哪种|何种)(?:情况|情形)|in what (?:circumstances|cases|situations)|"
                             r"under what (?:circumstances|conditions)|in which (?:circumstances|cases|situations)"),
}


def _asks_penalty(asked: str, whole: str) -> bool:
    """True when the asking clauses (`asked`, lower case) want a sanction: asked outright
    ("怎么处罚？"), or as the consequence of a breach anywhere in the question (`whole`):
    "没报告会怎样？"; "会怎样" alone asks about a procedure."""
    return bool(PENALTY_ASKED.search(asked) or (CONSEQUENCE_ASKED.search(asked) and BREACH.search(whole)))


def asked_kinds(question: str) -> set[str]:
    """The kinds of provision (keys of `STATED`) the question's asking clauses want:
    "没报告会怎样？" -> {"penalty"}; "这个办法是根据什么制定的？" -> {"purpose"};
    "When does it take effect?" -> {"effective"}; "发现间谍怎么举报？" -> set()."""
    asked = " ".join(asked_clauses(question)).lower()
    kinds = {kind for kind, pattern in ASKED.items() if pattern.search(asked)}
    return kinds | ({"penalty"} if _asks_penalty(asked, question.lower()) else set())


def provision_kinds(text: str) -> set[str]:
    """The kinds a provision is of: "为了…，根据…，制定本办法。" -> {"purpose"};
    "…由国家安全机关责令改正，予以警告…" -> {"penalty"}; "本办法自2022年2月15日起施行。" -> {"effective"}."""
    return {kind for kind, pattern in STATED.items() if pattern.search(text)}
