"""Detect questions about places or laws that the corpus does not contain.

In: a question and the corpus. Out: a short reason string when the question names a Chinese
province-level place, or a law, that no document of the corpus covers; else None. General
geography and common law names only, nothing tied to one corpus.

    outside_scope("四川省的反间谍规定是什么？", corpus) -> "四川"   (no document of 四川)
    outside_scope("刑法对间谍罪判几年？", corpus) -> "刑法"
    outside_scope("重庆发现间谍怎么办？", corpus) -> None         (重庆市反间谍工作条例 is there)
"""
from __future__ import annotations

import re

from corpus import Corpus

PLACES = {
    "北京": "beijing", "天津": "tianjin", "上海": "shanghai", "重庆": "chongqing", "河北": "hebei",
    "山西": "shanxi", "辽宁": "liaoning", "吉林": "jilin", "黑龙江": "heilongjiang", "江苏": "jiangsu",
    "浙江": "zhejiang", "安徽": "anhui", "福建": "fujian", "江西": "jiangxi", "山东": "shandong",
    "河南": "henan", "湖北": "hubei", "湖南": "hunan", "广东": "guangdong", "海南": "hainan",
    "四川": "sichuan", "贵州": "guizhou", "云南": "yunnan", "陕西": "shaanxi", "甘肃": "gansu",
    "青海": "qinghai", "台湾": "taiwan", "内蒙古": "inner mongolia", "广西": "guangxi", "西藏": "tibet",
    "宁夏": "ningxia", "新疆": "xinjiang", "香港": "hong kong", "澳门": "macau", "深圳": "shenzhen",
    "广州": "guangzhou", "成都": "chengdu", "杭州": "hangzhou", "南京": "nanjing", "武汉": "wuhan",
    "西安": "xi'an", "厦门": "xiamen", "青岛": "qingdao", "大连": "dalian", "苏州": "suzhou",
}
# Common PRC laws by the names people use; a question naming one the corpus lacks is out of scope.
LAWS = {
    "刑法": "criminal law", "民法典": "civil code", "刑事诉讼法": "criminal procedure", "民事诉讼法": "civil procedure",
    "保守国家秘密法": "state secrets law", "保密法": "secrets law", "出境入境管理法": "exit and entry",
    "出入境管理法": "immigration law", "护照法": "passport law", "网络安全法": "cybersecurity law",
    "数据安全法": "data security law", "个人信息保护法": "personal information protection",
    "国家安全法": "national security law", "国家情报法": "intelligence law", "反恐怖主义法": "counter-terrorism",
    "治安管理处罚法": "public security administration", "行政处罚法": "administrative penalty",
    "行政诉讼法": "administrative litigation", "劳动法": "labor law", "劳动合同法": "labor contract",
    "公司法": "company law", "个人所得税法": "income tax", "婚姻法": "marriage law", "国籍法": "nationality law",
    "外商投资法": "foreign investment law", "反洗钱法": "anti-money laundering", "密码法": "cryptography law",
    "宪法": "constitution", "香港国安法": "hong kong national security", "反外国制裁法": "anti-foreign sanctions",
    "兵役法": "military service", "消费者权益保护法": "consumer protection", "道路交通安全法": "road traffic",
    "反间谍法实施细则": "implementing rules of the counter-espionage",
}


def outside_scope(question: str, corpus: Corpus) -> str | None:
    """The place or law the question names that the corpus does not cover, or None."""
    covered = " ".join(f"{d.title} {' '.join(d.short_names)} {d.jurisdiction or ''}"
                       for d in corpus.documents)
    lowered = question.lower()
    for place, english in PLACES.items():
        if (place in question or re.search(rf"\b{english}\b", lowered)) and place not in covered:
            return place
    titles = [d.title for d in corpus.documents]
    for m in re.finditer(r"《([^》]{2,40})》", question):
        if not any(m.group(1) in t or t.endswith(m.group(1)) for t in titles):
            return m.group(1)
    for law, english in sorted(LAWS.items(), key=lambda kv: -len(kv[0])):
        named = _names_law(question, law) or english in lowered
        if named and not any(t.endswith(law) or law in " ".join(corpus.document(d.id).short_names)
                             for t, d in zip(titles, corpus.documents)):
            return law
    return None


def documents_of_places(question: str, corpus: Corpus) -> frozenset[str]:
    """Documents whose jurisdiction the question names, in Chinese or pinyin:
    "What does Chongqing require…" -> {"chongqing_tiaoli"}."""
    lowered = question.lower()
    found = set()
    for doc in corpus.documents:
        place = next((p for p in PLACES if doc.jurisdiction and doc.jurisdiction.startswith(p)), None)
        if place and (place in question or re.search(rf"\b{PLACES[place]}\b", lowered)):
            found.add(doc.id)
    return frozenset(found)


def _names_law(question: str, law: str) -> bool:
    """"刑法" in "刑法规定…" names the law; in "反间谍刑法…" it does not start a word… kept simple:
    the law name must not be the tail of a longer law name of the corpus ("反间谍法" ⊅ "谍法")."""
    start = question.find(law)
    while start >= 0:
        before = question[max(0, start - 4):start]
        if not re.search(r"(反间谍|安全防范|实施)$", before):
            return True
        start = question.find(law, start + 1)
    return False
