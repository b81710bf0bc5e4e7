"""Detect questions about places or laws that the corpus does not contain.

In: a question and the corpus. Out: a short reason string when the question names a Chinese
province-level place, or a law, that no document of the corpus covers; else None; and, for a
question that names places, which local documents govern them and which govern elsewhere.
General geography and common law names only, nothing tied to one corpus.

    outside_scope("四川省的反间谍规定是什么？", corpus) -> "四川"   (no document of 四川)
    outside_scope("刑法对间谍罪判几年？", corpus) -> "刑法"
    outside_scope("重庆发现间谍怎么办？", corpus) -> None         (重庆市反间谍工作条例 is there)
    outside_scope("我在上海发现间谍怎么办？", corpus) -> None     (the national law binds there)
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
    "宁波": "ningbo", "温州": "wenzhou", "绍兴": "shaoxing", "嘉兴": "jiaxing", "湖州": "huzhou", "金华": "jinhua",
    "台州": "taizhou", "无锡": "wuxi", "常州": "changzhou", "徐州": "xuzhou", "南通": "nantong", "扬州": "yangzhou",
    "镇江": "zhenjiang", "盐城": "yancheng", "连云港": "lianyungang", "合肥": "hefei", "芜湖": "wuhu",
    "福州": "fuzhou", "泉州": "quanzhou", "漳州": "zhangzhou", "南昌": "nanchang", "赣州": "ganzhou",
    "九江": "jiujiang", "济南": "jinan", "烟台": "yantai", "潍坊": "weifang", "淄博": "zibo", "威海": "weihai",
    "临沂": "linyi", "济宁": "jining", "郑州": "zhengzhou", "洛阳": "luoyang", "长沙": "changsha",
    "株洲": "zhuzhou", "湘潭": "xiangtan", "宜昌": "yichang", "襄阳": "xiangyang", "佛山": "foshan",
    "东莞": "dongguan", "珠海": "zhuhai", "汕头": "shantou", "惠州": "huizhou", "南宁": "nanning",
    "桂林": "guilin", "柳州": "liuzhou", "海口": "haikou", "三亚": "sanya", "贵阳": "guiyang", "遵义": "zunyi",
    "昆明": "kunming", "拉萨": "lhasa", "兰州": "lanzhou", "西宁": "xining", "银川": "yinchuan",
    "乌鲁木齐": "urumqi", "呼和浩特": "hohhot", "包头": "baotou", "石家庄": "shijiazhuang", "唐山": "tangshan",
    "秦皇岛": "qinhuangdao", "保定": "baoding", "太原": "taiyuan", "沈阳": "shenyang", "鞍山": "anshan",
    "长春": "changchun", "哈尔滨": "harbin", "绵阳": "mianyang", "宜宾": "yibin",
}
# the province of each city above: a provincial text binds there too
PROVINCE_OF = {
    "深圳": "广东", "广州": "广东", "佛山": "广东", "东莞": "广东", "珠海": "广东", "汕头": "广东", "惠州": "广东",
    "成都": "四川", "绵阳": "四川", "宜宾": "四川", "杭州": "浙江", "宁波": "浙江", "温州": "浙江", "绍兴": "浙江",
    "嘉兴": "浙江", "湖州": "浙江", "金华": "浙江", "台州": "浙江", "南京": "江苏", "苏州": "江苏", "无锡": "江苏",
    "常州": "江苏", "徐州": "江苏", "南通": "江苏", "扬州": "江苏", "镇江": "江苏", "盐城": "江苏", "连云港": "江苏",
    "武汉": "湖北", "宜昌": "湖北", "襄阳": "湖北", "西安": "陕西", "厦门": "福建", "福州": "福建", "泉州": "福建",
    "漳州": "福建", "青岛": "山东", "济南": "山东", "烟台": "山东", "潍坊": "山东", "淄博": "山东", "威海": "山东",
    "临沂": "山东", "济宁": "山东", "大连": "辽宁", "沈阳": "辽宁", "鞍山": "辽宁", "合肥": "安徽", "芜湖": "安徽",
    "南昌": "江西", "赣州": "江西", "九江": "江西", "郑州": "河南", "洛阳": "河南", "长沙": "湖南", "株洲": "湖南",
    "湘潭": "湖南", "南宁": "广西", "桂林": "广西", "柳州": "广西", "海口": "海南", "三亚": "海南", "贵阳": "贵州",
    "遵义": "贵州", "昆明": "云南", "拉萨": "西藏", "兰州": "甘肃", "西宁": "青海", "银川": "宁夏",
    "乌鲁木齐": "新疆", "呼和浩特": "内蒙古", "包头": "内蒙古", "石家庄": "河北", "唐山": "河北", "秦皇岛": "河北",
    "保定": "河北", "太原": "山西", "长春": "吉林", "哈尔滨": "黑龙江",
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
    "兵役法": "military service", "民用航空法": "civil aviation", "消费者权益保护法": "consumer protection",
    "道路交通安全法": "road traffic",
    "反间谍法实施细则": "implementing rules of the counter-espionage",
}
# Everyday topics and the law that governs them: a question that uses one of these words, when
# the corpus never does, has no such law and is not of its field, is about a law outside the
# corpus ("商业秘密被竞争对手偷了" is 反不正当竞争法's even where the texts list 商业秘密 among secrets).
# Words a consumer, tenancy or traffic text would also answer (虚假宣传, 盗版, 过期食品) are not here.
TOPIC_LAWS = {
    "刑法": r"判(?:几|多少)年|最高判|判多久|量刑|刑事责任年龄|几岁.{0,6}(?:坐牢|判刑|负刑事责任)"
          r"|prison sentence|years in prison|age of criminal responsibility",
    "民法典": r"离婚|结婚|彩礼|遗产|继承|遗嘱|抚养费|赡养|divorce|\binherit|testament|\bwills\b|"
              r"(?:'s|\bno|\ba|\bmy|\bhis|\bher|\btheir|written|\blast) will\b(?!\s+(?:be|not|i|you|he|she|it|we|they)\b)",  # not "Will I …?"
    "出境入境管理法": r"签证|visa",
    # the passport law governs getting one, not who may check or hold it (查验, 扣押 证件)
    "护照法": r"(?:办|申请|申领|补办|换发|更换|续|丢|遗失|过期)[^，,。？?]{0,4}护照"
             r"|护照[^，,。？?]{0,6}(?:办理|申请|补办|换发|丢|遗失|过期|有效期|多久)"
             r"|\b(?:apply|applying|renew|renewing|lost|replace|get|getting|issue|issued)\b[^.?!,]{0,20}passport"
             r"|passport[^.?!,]{0,20}(?:application|renewal|expire|expired|expiry|lost|stolen)",
    "道路交通安全法": r"驾驶证|驾照|扣分|酒驾|醉驾|交通事故|driving licen[cs]e|traffic accident|drunk[- ]driving|drink[- ]driving",
    "个人所得税法": r"个人所得税|个税|income tax",
    "劳动合同法": r"劳动合同|竞业限制|加班费|拖欠工资|employment contract|non-compete",
    "公务员法": r"公务员|civil servant",
    "公务员录用规定": r"招录|报考|考公|公务员考试|civil service exam",
    "密码法": r"商用密码|密码产品|密码标准|commercial (?:encryption|cryptography)|encryption standard",
    "数据安全法": r"数据出境|data export|\bdata\b[^.?!]{0,40}\b(?:abroad|overseas|out of (?:the country|china)|cross-border)",
    "保守国家秘密法": r"密级|定密|绝密|机密级|秘密级|classification level",
    "反不正当竞争法": r"不正当竞争|竞争对手|侵犯商业秘密|unfair competition|competitor|trade secret",
    "著作权法": r"著作权|版权|copyright",
    "专利法": r"专利|patent",
    "商标法": r"商标|trademark",
    "社会保险法": r"社保|养老保险|医疗保险|医保|失业保险|工伤保险|social insurance|pension",
    "兵役法": r"服兵役|征兵|参军|当兵|conscription|military service|join the army",
    "户口登记条例": r"户口|落户|户籍|household registration|hukou",
    "食品安全法": r"食品安全|食物中毒|food safety|food poisoning",
    "医疗纠纷预防和处理条例": r"医疗事故|医疗纠纷|医闹|medical malpractice|medical dispute",
    "不动产登记暂行条例": r"房产证|不动产权证|产权证|过户|property certificate|title deed",
    "保险法": r"理赔|保单|保险公司|insurance claim|insurance company",
    "住房公积金管理条例": r"公积金|housing provident fund",
    "房产税暂行条例": r"房产税|property tax",
    "就业促进法": r"就业歧视|招聘歧视|employment discrimination",
    "治安管理处罚法": r"赌博|嫖娼|吸毒|gambling",
    "民用航空法": r"航班(?:延误|取消)|机票.{0,2}(?:退|改签)|改签|托运行李|行李(?:丢|损坏)|airline"
             r"|flights? (?:was |were |is |got |been )*(?:delayed|cancell?ed)|flight delay|(?:checked|lost) (?:my )?(?:bag|luggage)",
}


ENGLISH_LAW = r"\b{}\b(?:(?<=law)|(?<=code)|(?:\s+[a-z]+){{0,2}}?\s+(?:law|code|act)\b)"
_PATTERNS: dict[str, tuple[re.Pattern, ...]] = {}  # compiled once (Python's cache of 512 would churn)
# the head of a local text's title: a place of two to four characters and its level
LOCAL_TITLE = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:省|市|自治区|自治州|县)")
NOT_PLACES = {"城市", "城乡", "全国", "本市", "本省", "各省", "直辖", "设区"}
TOPIC_PATTERNS = {law: re.compile(topics, re.I) for law, topics in TOPIC_LAWS.items()}
LAW_PATTERNS = {law: re.compile(ENGLISH_LAW.format(re.escape(english)))  # "… administrative penalty law"
                for law, english in sorted(LAWS.items(), key=lambda kv: -len(kv[0]))}  # longest name first
LOCATION_WORDS = re.compile(r"(?:在|到|去|来|从|往|赴|住|于|\b(?:in|at|to|from|visiting|near))\s*$", re.I)


def place_of(doc) -> str | None:
    """The place a local document governs, from its jurisdiction or title; None when national.
    A place missing from `PLACES` is read off the title's head ("江城市养犬管理条例" -> "江城").

    "重庆市反间谍工作条例" -> "重庆"; "中华人民共和国反间谍法" -> None; "反间谍安全防范工作规定" -> None.
    """
    for text in (doc.jurisdiction or "", doc.title):
        place = next((p for p in PLACES if text.startswith(p)), None)
        if place:
            return place
    head = LOCAL_TITLE.match(doc.jurisdiction or doc.title)
    return head.group(1) if head and head.group(1) not in NOT_PLACES else None


def doc_places(corpus: Corpus) -> dict[str, str | None]:
    """Document id -> the place it governs (`place_of`), found once per corpus: a question asks
    for it three times (`jurisdiction`, `outside_scope`, `without_places`)."""
    cached = _PLACES.get(corpus.hash)
    if cached is None:
        cached = _PLACES[corpus.hash] = {d.id: place_of(d) for d in corpus.documents}
    return cached


_PLACES: dict[str, dict[str, str | None]] = {}


def corpus_places(corpus: Corpus | None) -> tuple[str, ...]:
    """The places the corpus's local documents govern that `PLACES` lacks, longest first:
    a corpus of 江城市养犬管理条例 -> ("江城",)."""
    if corpus is None:
        return ()
    found = set(doc_places(corpus).values()) - {None} - set(PLACES)
    return tuple(sorted(found, key=lambda p: (-len(p), p)))


def _patterns(place: str) -> tuple[re.Pattern, ...]:
    """The place's (Chinese, English, Chinese with its 省/市 suffix, English possessive) patterns;
    a place not in `PLACES` is spelt in English by its pinyin ("江城" -> "jiangcheng")."""
    if place not in _PATTERNS:
        english = PLACES.get(place) or _pinyin(place)
        _PATTERNS[place] = (re.compile(re.escape(place)), re.compile(rf"\b{re.escape(english)}\b"),
                            re.compile(re.escape(place) + r"(?:省|市|自治区|自治州|县|特别行政区)?"),
                            re.compile(rf"\b{re.escape(english)}(?:'s)?\b\s?", re.I))
    return _PATTERNS[place]


def _pinyin(place: str) -> str:
    """"江城" -> "jiangcheng" (pypinyin's tables are loaded only for such a place: 50 MB)."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(place))


def places_named(question: str, corpus: Corpus | None = None) -> dict[str, list[int]]:
    """Places the question names (those of `PLACES` and the corpus's own), in Chinese or pinyin,
    with where each occurrence starts: "在上海和上海的…" -> {"上海": [1, 4]}."""
    lowered = question.lower()
    found: dict[str, list[int]] = {}
    for place in [*PLACES, *corpus_places(corpus)]:
        chinese, english, _, _ = _patterns(place)
        starts = [m.start() for m in chinese.finditer(question)]
        starts += [m.start() for m in english.finditer(lowered)]
        if starts:
            found[place] = sorted(starts)
    return found


def without_places(question: str, corpus: Corpus | None = None) -> str:
    """The question with the places it names left out (with 省/市 and, in English, a possessive):
    "重庆市的企业要负什么责任？" -> "的企业要负什么责任？"; "Does Guizhou's rule apply?" -> "Does rule apply?"."""
    out = question
    for place in [*corpus_places(corpus), *PLACES]:  # "江城" before a 江… of `PLACES`
        _, _, chinese, english = _patterns(place)
        out = english.sub("", chinese.sub("", out))
    return out


def jurisdiction(question: str, corpus: Corpus) -> tuple[frozenset[str], frozenset[str]]:
    """(documents of the places the question names, local documents of places it does not name).

    National documents are in neither: they bind everywhere. A city names its province too (a
    provincial text binds there). A question naming no place gets two empty sets.
        "在贵州，企业的防间谍工作由谁来指导？" -> ({"guizhou_banfa"}, {"chongqing_tiaoli"})
        "遵义的企业要做什么？" -> ({"guizhou_banfa"}, {"chongqing_tiaoli"})
    """
    named = set(places_named(question, corpus))
    if not named:
        return frozenset(), frozenset()
    named |= {PROVINCE_OF[p] for p in named if p in PROVINCE_OF}
    places = doc_places(corpus)
    return (frozenset(d for d, p in places.items() if p in named),
            frozenset(d for d, p in places.items() if p and p not in named))


def outside_scope(question: str, corpus: Corpus) -> str | None:
    """The place or law the question names that the corpus does not cover, or None.

    A place no document governs is out of scope when the question asks about that place's own
    rules ("上海对重点单位有什么规定？"); a place named only as where something happens ("我在上海发现
    间谍怎么办？") is not, as long as the corpus has national documents that bind there too.
    """
    lowered = question.lower()
    covered = set(doc_places(corpus).values())
    national = None in covered
    for place, starts in places_named(question, corpus).items():
        if place in covered or (place in PROVINCE_OF and PROVINCE_OF[place] in covered):
            continue
        if not national or any(not LOCATION_WORDS.search(lowered[max(0, s - 12):s]) for s in starts):
            return place
    titles = [d.title for d in corpus.documents]
    for m in re.finditer(r"《([^》]{2,40})》", question):
        if not any(m.group(1) in t or t.endswith(m.group(1)) for t in titles):
            return m.group(1)
    longer = [*LAWS, *titles, *(n for d in corpus.documents for n in d.short_names)]
    for law, english in LAW_PATTERNS.items():
        named = _names_law(question, law, longer) or english.search(lowered)
        if named and not any(t.endswith(law) or law in " ".join(corpus.document(d.id).short_names)
                             for t, d in zip(titles, corpus.documents)):
            return law
    text = corpus_text(corpus)
    for law, topics in TOPIC_PATTERNS.items():
        absent = [m.group(0) for m in topics.finditer(question) if m.group(0) not in text]
        if absent and not any(law in t for t in titles) and not _field_of(law, text):
            return law
    return None


def _field_of(law: str, text: str) -> bool:
    """The texts are of the law's own field: they use its name's stem of two or more characters
    other than in the law's name or as one item of a list ("劳动合同法" -> a text that says
    "解除劳动合同" answers "加班费怎么算"; one that only cites 《数据安全法》, or names "公务员、事业单位
    人员" among those to train, is not of that field; "民法典" has no such stem)."""
    stem = re.sub(r"(?:法典|法|条例)$", "", law)
    return len(stem) >= 2 and re.search("(?<!、)" + re.escape(stem) + "(?![法、])", text) is not None


def corpus_text(corpus: Corpus) -> str:
    """All provisions of the corpus as one string (cached per corpus)."""
    cached = _TEXTS.get(corpus.hash)
    if cached is None:
        cached = _TEXTS[corpus.hash] = "\n".join(a.text for a in corpus.articles())
    return cached


_TEXTS: dict[str, str] = {}


def _names_law(question: str, law: str, longer: list[str]) -> bool:
    """The question names `law` itself, not only as the tail of a longer name in `longer` (the
    corpus's titles and short names, the other names in `LAWS`): "刑法规定…" names 刑法;
    "香港国安法" does not name 国安法 when 香港国安法 is in `longer`."""
    start = question.find(law)
    tails = [n for n in longer if len(n) > len(law) and n.endswith(law)] if start >= 0 else []
    while start >= 0:
        if not any(question[max(0, start + len(law) - len(n)):start + len(law)] == n for n in tails):
            return True
        start = question.find(law, start + 1)
    return False
