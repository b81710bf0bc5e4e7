"""What decides an answer's scope: places and jurisdictions, laws outside the corpus, figures a
question asks for, and the document diversity of the ranking. Pure functions on the real
corpus, then the real assistant on questions that are not in the evaluation set."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.answer_type import asked_clauses, asked_figure, asked_kinds, provision_kinds, states_figure
from assistant.refusal import DEFAULT_POLICY
from assistant.retrieve import Hit, diversify
from assistant.scope import jurisdiction, outside_scope, place_of
from corpus import load_corpus


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_place_of_documents(corpus):
    places = {d.id: place_of(d) for d in corpus.documents}
    assert places == {"guizhou_banfa": "贵州", "chongqing_tiaoli": "重庆",
                      "fanjiandiefa": None, "anquanfangfan_guiding": None}


def test_jurisdiction_keeps_national_texts_and_drops_other_provinces(corpus):
    assert jurisdiction("在贵州，企业的防间谍工作由谁来指导？", corpus) == (
        frozenset({"guizhou_banfa"}), frozenset({"chongqing_tiaoli"}))
    assert jurisdiction("What does Chongqing require of key units?", corpus) == (
        frozenset({"chongqing_tiaoli"}), frozenset({"guizhou_banfa"}))
    assert jurisdiction("贵州和重庆的规定有什么不同？", corpus) == (
        frozenset({"guizhou_banfa", "chongqing_tiaoli"}), frozenset())
    assert jurisdiction("发现间谍怎么举报？", corpus) == (frozenset(), frozenset())
    assert jurisdiction("遵义的企业要做什么？", corpus) == (  # a city of 贵州: the provincial text binds
        frozenset({"guizhou_banfa"}), frozenset({"chongqing_tiaoli"}))


@pytest.mark.parametrize("question, outside", [
    ("上海对反间谍重点单位有什么特别规定？", "上海"),  # that place's own rules
    ("宁波对反间谍重点单位有什么规定？", "宁波"),  # a city of a province no document governs
    ("遵义对反间谍重点单位有什么规定？", None),  # a city of 贵州
    ("在宁波发现间谍怎么举报？", None),
    ("What does Sichuan Province's regulation require?", "四川"),
    ("我在上海出差时发现有人偷拍军事设施，怎么举报？", None),  # where it happens: national law binds
    ("I live in Shenzhen. Where do I report a spy?", None),
    ("What does the administrative penalty law say about hearings?", "行政处罚法"),
    ("How long do I have to appeal an administrative penalty?", None),  # a phrase, not a law's name
    ("离婚以后房子归谁？", "民法典"),  # an everyday topic governed by a law outside the corpus
    ("Is my mother's handwritten will valid?", "民法典"),
    ("Will I be told if state security checks my phone?", None),  # the modal, not a testament
    ("为境外窃取国家秘密最高判几年？", "刑法"),
    ("个人有间谍行为但还不够判刑，会怎么罚？", None),
    ("Can I get a visa extension?", "出境入境管理法"),
    ("机密级的文件可以带回家吗？", "保守国家秘密法"),  # the texts protect secrets, never grade them
    ("商业秘密被竞争对手偷了怎么办？", "反不正当竞争法"),  # 商业秘密 is in the texts, 竞争对手 is not
    ("我的专利被别人抄了，能告吗？", "专利法"),
    ("Can I claim social insurance for this?", "社会保险法"),
    ("想报考国家安全机关的公务员，要什么条件？", "公务员录用规定"),  # the texts name a 公务员管理部门
    ("买的二手房什么时候能办房产证？", "不动产登记暂行条例"),
    ("Do we need an assessment before sending personal data to our head office abroad?", "数据安全法"),
    ("关键信息基础设施要用哪些商用密码标准？", "密码法"),
    ("重庆发现间谍怎么办？", None),
    ("护照丢了怎么补办？", "护照法"),  # getting a passport is the passport law's
    ("How do I renew my passport?", "护照法"),
    ("Can state security officers stop me and check my passport?", None),  # checking one is not
    ("单位扣押我的身份证和护照合法吗？", None),
    ("My flight was delayed by five hours. How much will the airline pay me?", "民用航空法"),
    ("航班延误了能要求赔偿吗？", "民用航空法"),
    ("Can state security officers stop me before my flight?", None),  # a flight, not its delay
    ("孩子13岁把同学打成重伤，法律规定几岁开始要坐牢？", "刑法"),  # the age of criminal responsibility
    ("泄露国家秘密会坐牢吗？", None),  # the texts impose criminal liability themselves
])
def test_outside_scope(corpus, question, outside):
    assert outside_scope(question, corpus) == outside


def test_topic_of_another_law_is_in_scope_when_the_corpus_speaks_of_it(corpus, tmp_path):
    """A corpus that uses the word (here a one-article text about 遗产) is not refused it."""
    (tmp_path / "a.txt").write_text("某市遗产保护办法\n第一条 遗产由遗产管理人负责保管。\n", "utf-8")
    small = load_corpus(tmp_path)
    assert outside_scope("遗产由谁保管？", small) is None


def test_a_law_named_in_passing_does_not_make_the_texts_of_its_field(tmp_path):
    """"劳动合同、工资单" lists labour contracts among papers to file: not a labour-contract text;
    a text on pay that says "解除劳动合同" is of 劳动合同法's field, so 加班费 is not refused."""
    (tmp_path / "a.txt").write_text("某市档案办法\n第一条 单位应当将劳动合同、工资单等材料存档。\n", "utf-8")
    assert outside_scope("竞业限制有什么规定？", load_corpus(tmp_path)) == "劳动合同法"
    (tmp_path / "a.txt").write_text("某市工资办法\n第一条 用人单位解除劳动合同的，应当支付经济补偿。\n", "utf-8")
    assert outside_scope("加班费怎么算？", load_corpus(tmp_path)) is None


@pytest.mark.parametrize("question, clauses", [
    ("我到重庆出差几天，重庆的反间谍条例对我也管用吗？", ["重庆的反间谍条例对我也管用吗"]),
    ("涉密人员要提前多少天申请？找哪个部门批？", ["涉密人员要提前多少天申请", "找哪个部门批"]),
    ("脱密期几年", ["脱密期几年"]),
    ("Our site counts as critical infrastructure. What must we do?", ["What must we do"]),  # a full stop
    ("Is a fine of 1.5 million yuan lawful?", ["Is a fine of 1.5 million yuan lawful"]),  # not a decimal point
    ("How long is the warranty, and can I get a new one?", ["How long is the warranty, and can I get a new one"]),
])
def test_asked_clauses(question, clauses):
    assert asked_clauses(question) == clauses


@pytest.mark.parametrize("question, kind", [
    ("脱密期一般是几年？", "年数"),
    ("举报奖金是多少钱？", "金额"),
    ("What is the fine, how many yuan?", "金额"),
    ("传唤以后最多能问多长时间？", "期限"),
    ("许可要多少个工作日？", "天数"),
    ("我到重庆出差几天，条例管我吗？", None),
    ("近几年国安抓了多少间谍？", None),
    ("单位发现间谍应该怎么办？", None),
    ("How much does the annual dog licence cost?", "金额"),
    ("举报查实了能拿多少奖金？", "金额"),
    ("罚款一般多少？", "金额"),
    ("罚款多少天内要交？", "天数"),
    ("How fast are they supposed to fix the lift?", "期限"),  # how soon, not a speed
    ("How fast can an e-bike go?", "速度"),
    ("电动自行车最高时速是多少？", "速度"),
    ("What percentage of my salary goes to social insurance?", "比例"),
    ("If I report a spy, how much will I be rewarded?", None),
    ("Do we pay a garbage fee, and how much is it?", "金额"),  # no figure word: a reward may be an honour
    ("退休以后每个月能领多少养老金？", "金额"),
    ("离婚后他爸每个月应该给多少抚养费？", "金额"),
    ("公立高中一年学费收多少才算合理？", "金额"),
    ("女的多少岁退休？", "年龄"),
    ("How old must you be to ride an e-bike?", "年龄"),
    ("十五岁能骑电动车上路吗？", None),  # an age given, not asked for
])
def test_asked_figure(question, kind):
    assert asked_figure(question) == kind


def test_a_fine_is_not_the_amount_of_a_fee():
    fine = "违反本条例第三条规定的，处五百元以上一千元以下罚款。"
    assert states_figure("金额", fine) and not states_figure("金额", fine, fines=False)
    assert states_figure("金额", "养犬登记费每只每年一百元；逾期的，处五百元罚款。", fines=False)


def test_a_fee_question_is_refused_when_the_closest_articles_state_only_fines(dogs):
    assert dogs.ask("狗狗登记一年要交多少钱？").refused
    assert not dogs.ask("没给狗办登记，罚多少钱？").refused


def test_an_amount_may_be_stated_as_a_formula():
    """Compensation is often a multiple or months of pay, not a sum in yuan."""
    assert states_figure("金额", "依照本法第四十七条规定的经济补偿标准的二倍向劳动者支付赔偿金。")
    assert states_figure("金额", "每满一年支付一个月工资的标准向劳动者支付；不满六个月的，向劳动者支付半个月工资的经济补偿。")
    assert not states_figure("金额", "处违法所得一倍以上五倍以下的罚款。", fines=False)
    assert not states_figure("金额", "给劳动者造成损害的，应当承担赔偿责任。")


def test_how_often_is_stated_as_every_so_often():
    assert states_figure("期限", "从事接触直接入口食品工作的食品生产经营人员应当每年进行健康检查")
    assert not states_figure("期限", "应当依照规定进行健康检查")


def test_states_figure_of_speed_and_share():
    assert states_figure("速度", "最高设计车速不超过每小时25公里")
    assert states_figure("比例", "按照工资总额的百分之二缴纳") and states_figure("比例", "不低于8%")
    assert not states_figure("比例", "成立业主大会")


def test_states_figure():
    assert states_figure("年数", "自被驱逐出境之日起十年内不准入境")
    assert states_figure("期限", "询问查证的时间不得超过八小时")
    assert states_figure("金额", "处五万元以下罚款")
    assert not states_figure("年数", "对离岗离职人员脱密期内履行义务的情况进行监督检查")
    assert not states_figure("年数", "每年4月15日")  # a date, not a number of years
    assert states_figure("天数", "每年4月15日")


def _hit(doc, article, score):
    return Hit(doc, article, 0, score, ())


def _greedy(hits, penalty):
    """diversify's definition, naively: pick the best of what is left, by score less the penalty
    times the articles of its document already picked."""
    picked, left, used = [], list(hits), {}
    while left:
        best = max(left, key=lambda h: h.score - penalty * used.get(h.doc_id, 0))
        left.remove(best)
        picked.append(best)
        used[best.doc_id] = used.get(best.doc_id, 0) + 1
    return picked


@given(st.lists(st.tuples(st.sampled_from("ABCDE"), st.integers(0, 20)), max_size=40),
       st.sampled_from([0.0, 0.5, 1.0, 1.5, 3.0]))
def test_diversify_is_the_greedy_pick(rows, penalty):
    hits = sorted((_hit(doc, n, score / 2) for n, (doc, score) in enumerate(rows)), key=lambda h: -h.score)
    assert diversify(hits, penalty) == _greedy(hits, penalty)


def test_diversify_lets_a_second_document_in():
    hits = [_hit("a", 1, 9.0), _hit("a", 2, 8.5), _hit("b", 1, 8.0), _hit("a", 3, 7.0)]
    assert [(h.doc_id, h.article) for h in diversify(hits, 1.0)] == [("a", 1), ("b", 1), ("a", 2), ("a", 3)]
    assert diversify(hits, 0.0) == hits


def test_figure_not_in_the_texts_is_refused(assistant):
    answer = assistant.ask("举报间谍线索查实后，能拿到多少钱奖金？")  # rewards promised, no sum given
    assert answer.refused and not answer.citations
    assert "金额" in answer.reason


def test_figure_in_the_texts_is_answered(assistant):
    answer = assistant.ask("国安传唤以后，最多能问我多长时间？")
    assert not answer.refused
    assert (answer.citations[0].document, answer.citations[0].article) == ("中华人民共和国反间谍法", 27)


def test_place_named_as_location_is_answered_from_national_law(assistant):
    answer = assistant.ask("我在上海发现有人偷拍军事设施，可以向哪里举报？")
    assert not answer.refused
    assert all(c.document != "重庆市反间谍工作条例" and c.document != "贵州省反间谍安全防范办法"
               for c in answer.citations)


def test_province_question_never_cites_the_other_province(assistant):
    answer = assistant.ask("在贵州，发现可疑情况应该向哪里举报？")
    assert answer.citations
    assert all(c.document != "重庆市反间谍工作条例" for c in (*answer.citations, *answer.related))


def test_question_none_of_whose_words_the_texts_use_is_refused(assistant):
    answer = assistant.ask("重庆火锅哪家最好吃？")  # the place is covered, the topic is not
    assert answer.refused and "nothing the question asks" in answer.reason


def test_english_law_names_name_documents_in_any_case(assistant):
    from assistant.refs import named_documents
    named = named_documents("What does the counter-espionage law say about key units?", assistant.corpus)
    assert [(d, n) for _, _, d, n in named] == [("fanjiandiefa", "counter-espionage law")]
    answer = assistant.ask("How does the Counter-Espionage Law define espionage?")
    assert (answer.citations[0].document, answer.citations[0].article) == ("中华人民共和国反间谍法", 4)


def test_one_character_everyday_words_expand_only_as_words():
    from assistant.query import expand
    assert "管理 监督" not in expand("反间谍工作的主管部门是谁？")
    assert "拘留" in expand("被抓了怎么办？")


def test_latin_everyday_words_expand_only_as_whole_words():
    from assistant.query import EVERYDAY, expand
    assert EVERYDAY["app"] not in expand("What will happen if I refuse?")  # was: "app" in "happen"
    assert EVERYDAY["app"] in expand("这个app收集我的信息合法吗？")


def test_two_character_everyday_words_do_not_match_across_words():
    from assistant.query import EVERYDAY, expand
    assert EVERYDAY["目的"] not in expand("打听一个涉密项目的进展")  # 项目 / 的
    assert EVERYDAY["国安"] in expand("国安局的人来了")
    assert EVERYDAY["管得到"] in expand("办法管不管得到我们？")  # three characters: anywhere


def test_everyday_things_expand_to_their_statutory_categories():
    from assistant.query import expand
    assert "家具" in expand("旧沙发能放楼道吗？") and "家用电器" in expand("How do I get rid of an old fridge?")
    assert "装饰装修" in expand("Is renovation allowed on Sundays?")
    assert "传唤" in expand("被国安叫去问话能留多久？") and "行政复议" in expand("对罚款不服咋办")
    assert "工资清单" in expand("公司不给工资条") and "破产" in expand("My company went bankrupt")


def test_spoken_dates_expand_to_written_ones():
    from assistant.query import expand
    assert expand("4月15号是什么日子？").endswith("4月15日")


def test_under_is_an_age_limit_only_before_a_number():
    from assistant.query import expand
    assert expand("Can kids under 16 ride e-bikes?").endswith("以下 未满")
    assert "未满" not in expand("Under the anti-spy law, what must a company do?")


LABOUR_RULES = """某市劳动报酬支付办法
第一条　为了保障劳动者依法取得劳动报酬，制定本办法。
第二条　用人单位应当以货币形式按月足额支付劳动者的劳动报酬，不得克扣或者无故拖欠。
第三条　用人单位安排劳动者延长工作时间的，应当按照不低于劳动报酬百分之一百五十的标准支付加班工资。
第四条　用人单位解除劳动合同的，应当依法向劳动者支付经济补偿。
第五条　用人单位未按照本规定支付加班工资或者经济补偿的，由劳动行政部门责令限期支付；逾期不支付的，处以罚款。
"""


@pytest.fixture(scope="module")
def labour(tmp_path_factory):
    """A small regulation of another field, in a folder of its own (no manifest), indexed fresh."""
    from assistant.service import Assistant
    from index.cli_common import PROJECT_CACHE
    folder = tmp_path_factory.mktemp("labour")
    (folder / "labour.txt").write_text(LABOUR_RULES, encoding="utf-8")
    return Assistant.open(folder, tmp_path_factory.mktemp("labour-index"), None, PROJECT_CACHE, progress=False)


@pytest.mark.parametrize("question, article", [
    ("老板拖欠工资不给，怎么办？", 2),  # 老板 -> 用人单位, 工资 -> 劳动报酬: words the text uses
    ("公司让我天天加班，加班费怎么算？", 3),
    ("被公司开除了，能拿到补偿吗？", 4),
    ("My boss hasn't paid my wages for two months. What can I do?", 2),
    ("How is overtime pay calculated?", 3),
])
def test_lay_words_of_another_field_are_answered(labour, question, article):
    answer = labour.ask(question)
    assert not answer.refused, answer.reason
    assert answer.citations[0].article == article


@pytest.mark.parametrize("question, first", [
    ("公司不发加班工资，会受到什么处罚？", 5),  # a sanction asked for: the article that imposes it
    ("What is the penalty for a company that does not pay overtime?", 5),
    ("加班工资按什么标准支付？", 3),  # the duty itself
    ("这个办法是为了什么定的？", 1),  # the purpose clause
])
def test_a_question_asking_for_a_kind_of_provision_ranks_one_of_that_kind_first(labour, question, first):
    assert labour.ask(question).ranking[0][1] == first


@pytest.mark.parametrize("question, kinds", [
    ("单位拒不接受约谈，会怎样？", {"penalty"}),
    ("泄露秘密怎么处罚？", {"penalty"}),
    ("What happens to a company that fails to report?", {"penalty"}),
    ("居委会收到线索该怎么处理？", set()),  # a procedure: no breach
    ("这个办法是根据什么制定的？", {"purpose"}),
    ("Why was this regulation made?", {"purpose"}),
    ("条例从哪天起施行？", {"effective"}),
    ("When does it take effect?", {"effective"}),
    ("发现间谍怎么举报？", set()),
    ("什么是间谍行为？", {"definition"}),
    ("Does sharing photos count as espionage?", {"definition"}),
    ("贵州的办法管不管得到我们公司？", {"scope"}),
    ("Does the Chongqing regulation apply to visitors?", {"scope"}),
    ("How do I apply for a visa?", set()),
    ("十五岁能骑电动车吗？", {"age"}),
    ("How old must I be to ride an e-bike?", {"age"}),
    ("物业连垃圾桶都不放，能罚物业吗？", {"penalty"}),
    ("塑料杯算什么垃圾？", {"definition"}),
    ("国安在什么情况下可以检查单位？", {"conditions"}),
    ("Under what circumstances can they inspect us?", {"conditions"}),
])
def test_asked_kinds(question, kinds):
    assert asked_kinds(question) == kinds


def test_provision_kinds():
    assert provision_kinds("由国家安全机关责令改正，予以警告") == {"penalty"}
    assert provision_kinds("对直接责任人员依法依规予以处理。") == {"penalty"}
    assert provision_kinds("由主管部门责令限期整改。") == {"penalty"}
    assert provision_kinds("为了规范劳动报酬的支付，根据有关法律，结合本市实际，制定本规定。") == {"purpose"}
    assert provision_kinds("本办法自2022年2月15日起施行。") == {"effective"}
    assert provision_kinds("本法所称间谍行为，是指下列行为：") == {"definition"}
    assert provision_kinds("本省行政区域内反间谍安全防范工作，适用本办法。") == {"scope"}
    assert provision_kinds("驾驶电动自行车应当年满十六周岁。") == {"age"}
    assert provision_kinds("有下列情形之一的，可以开展检查：") == {"conditions"}
    assert provision_kinds("国家安全机关应当严格为举报人保密") == set()


def test_topic_of_another_law_is_refused_unless_the_texts_are_of_its_field(labour):
    assert labour.ask("离婚以后孩子归谁？").refused  # 民法典: the labour text never speaks of it
    assert not labour.ask("加班费怎么算？").refused  # 劳动合同法's field: the text says 劳动合同


def test_everyday_word_counts_as_covered_only_where_its_statutory_word_is_used(assistant, labour):
    assert labour.retriever.known("老板") and not assistant.retriever.known("老板")
    assert assistant.retriever.known("国安")  # -> 国家安全机关


def test_a_law_named_only_inside_a_longer_name_is_not_named():
    from assistant.scope import _names_law
    assert not _names_law("香港国安法怎么规定？", "国安法", ["香港国安法"])
    assert _names_law("国安法和香港国安法有什么不同？", "国安法", ["香港国安法"])
    assert _names_law("刑法规定了什么？", "刑法", ["香港国安法"])


def test_without_places():
    from assistant.scope import without_places
    assert without_places("在重庆市，企业要负什么责任？") == "在，企业要负什么责任？"
    assert without_places("Does Guizhou's measure apply in guizhou?") == "Does measure apply in ?"
    assert without_places("发现间谍怎么办？") == "发现间谍怎么办？"


def test_a_place_ranks_its_documents_first_but_not_above_what_is_asked(assistant):
    """The place goes to the named-document bonus, not to word matching: the local article comes
    first and the national article on the same duty is not pushed out by weaker local ones."""
    ranking = assistant.ask("重庆国安在单位防间谍工作中扮演什么角色？").ranking
    assert ranking[0][0] == "chongqing_tiaoli"
    assert ("fanjiandiefa", 12) in ranking[:5]  # 国家安全机关依法协调指导、监督检查反间谍安全防范工作


DOG_RULES = """江城市养犬管理条例
第一条　为了规范养犬行为，保障公民人身安全和健康，维护市容环境和社会秩序，根据有关法律、法规，结合本市实际，制定本条例。
第二条　公安机关是养犬管理的主管部门，负责养犬登记、犬只收容以及查处违法养犬行为。
第三条　个人饲养犬只的，应当自取得犬只之日起三十日内，持犬只免疫证明向居住地的公安派出所申请养犬登记。
第四条　重点管理区内，每户限养一只犬。禁止饲养烈性犬、大型犬。
第五条　携犬出户的，应当为犬只束犬链，由完全民事行为能力人牵领。犬只在户外排泄的，携犬人应当立即清除粪便。
第六条　违反本条例第三条规定，未办理养犬登记的，由公安机关责令限期改正；逾期不改正的，处五百元以上一千元以下罚款。
第七条　违反本条例第五条规定的，由公安机关责令改正，可以处五十元以上二百元以下罚款。
第八条　本条例自2022年5月1日起施行。
"""


@pytest.fixture(scope="module")
def dogs(tmp_path_factory):
    """A rule that says 犬 where people say 狗: none of a lay question's words need be the text's."""
    from assistant.service import Assistant
    from index.cli_common import PROJECT_CACHE
    folder = tmp_path_factory.mktemp("dogs")
    (folder / "dogs.txt").write_text(DOG_RULES, encoding="utf-8")
    return Assistant.open(folder, tmp_path_factory.mktemp("dogs-index"), None, PROJECT_CACHE, progress=False)


def test_question_in_other_words_about_what_the_texts_speak_of_is_answered(dogs):
    from assistant.query import make_query
    question = "可以养藏獒吗？"  # 藏獒: a breed of 大型犬 / 烈性犬; no word of the question is the text's
    retrieval = dogs.retriever.retrieve(make_query(question))
    assert retrieval.coverage < DEFAULT_POLICY.no_coverage and retrieval.on_topic >= DEFAULT_POLICY.on_topic
    answer = dogs.ask(question)
    assert not answer.refused and answer.citations[0].article == 4


@pytest.mark.parametrize("question", ["明天会下雨吗？", "红烧排骨怎么做？", "Who won the chess championship?"])
def test_everyday_question_stays_below_the_topic_level_and_is_refused(dogs, question):
    from assistant.query import make_query
    assert dogs.retriever.retrieve(make_query(question)).on_topic < DEFAULT_POLICY.on_topic
    assert dogs.ask(question).refused


def test_a_place_only_the_corpus_knows_is_read_off_its_titles(dogs):
    from assistant.scope import corpus_places, without_places
    doc = dogs.corpus.documents[0]
    assert place_of(doc) == "江城" and corpus_places(dogs.corpus) == ("江城",)
    assert jurisdiction("江城市养狗要登记吗？", dogs.corpus) == (frozenset({doc.id}), frozenset())
    assert without_places("明天江城会下雨吗？", dogs.corpus) == "明天会下雨吗？"
    assert without_places("Do Jiangcheng's rules cover cats?", dogs.corpus) == "Do rules cover cats?"
    assert dogs.ask("明天江城会下雨吗？").refused  # the place name alone does not make it the texts' topic
    answer = dogs.ask("江城市养狗要去哪里登记？")  # asked as "养狗要去哪里登记？" of the texts of 江城
    assert not answer.refused and 3 in [c.article for c in answer.citations[:2]]


def test_on_topic_z():
    from index.offtopic import on_topic_z
    levels = {"zh": [0.82, 0.01], "en": [0.74, 0.02]}
    assert on_topic_z(0.86, "zh", levels) == pytest.approx(4.0)
    assert on_topic_z(0.76, "en", levels) == pytest.approx(1.0)


def test_the_duty_a_first_ranked_sanction_enforces_comes_second(dogs):
    from assistant.query import make_query
    hits = dogs.retriever.retrieve(make_query("没办养犬登记，会被罚多少钱？")).hits
    assert [h.article for h in hits[:2]] == [6, 3]  # 第六条: 违反本条例第三条规定，未办理养犬登记的，…罚款


def test_an_article_sanctioning_a_duty_answers_for_its_penalty(dogs):
    assert dogs.retriever.sanctions() == {"dogs/3": ["dogs/6"], "dogs/5": ["dogs/7"]}  # 违反本条例第五条规定的…
    assert dogs.ask("狗在路边拉了屎，主人不清理会被罚吗？").ranking[0] == ("dogs", 7)
    assert dogs.ask("狗在路边拉了屎，主人要清理吗？").ranking[0] == ("dogs", 5)  # the duty itself


def test_homophone_slips_are_read_as_the_word_meant(assistant):
    """A pinyin input method's slip (right sound, wrong character) is read as the texts' word;
    real words, and characters that make a word with their neighbour, are left alone."""
    fix = assistant.homophones.correct
    assert fix("举报间碟打什么电话") == "举报间谍打什么电话"
    assert fix("国按能查我的手机吗") == "国安能查我的手机吗"
    for text in ("护照丢了怎么办", "条例什么时候开始施行", "企业要不要对防间谍负责", "我在贵阳开了家小公司",
                 "涉密人员因私出境", "How long is a passport valid?"):
        assert fix(text) == text
    answer = assistant.ask("间碟行为是指什么？")
    assert not answer.refused and answer.ranking[0] == ("fanjiandiefa", 4)
    assert answer.read_as == "间谍行为是指什么？" and answer.to_json()["read_as"] == answer.read_as  # said
    assert assistant.ask("间谍行为是指什么？").read_as is None


@pytest.mark.parametrize("question", ["Who won the chess championship?", "Who wrote Harry Potter?",
                                      "Where is the best hotpot in town?", "Who is the president of France?"])
def test_an_english_everyday_question_none_of_whose_words_the_texts_use_is_refused(assistant, question):
    from assistant.query import make_query
    retrieval = assistant.retriever.retrieve(make_query(question))
    assert not retrieval.translated and retrieval.coverage == 0.0
    assert assistant.ask(question).refused


def test_an_english_question_in_words_only_the_dictionary_knows_is_answered(tmp_path_factory):
    """Coverage reads the dictionary's translations too: neither "pregnant" nor "divorce" was in
    the hand vocabulary, so this question over the Civil Code's family book had coverage 0 and was
    refused, though 第一千零八十二条 ranked first."""
    from pathlib import Path

    from assistant.query import make_query
    from assistant.service import Assistant
    from index.cli_common import PROJECT_CACHE
    family = Path(__file__).resolve().parent.parent / "evals" / "real_fields" / "family"
    civil = Assistant.open(family, tmp_path_factory.mktemp("family-index"), None, PROJECT_CACHE, progress=False)
    plain = make_query("Is a prenuptial agreement binding?")  # no word the vocabulary has
    extra = civil.retriever.dictionary_words(plain)
    assert extra and civil.retriever.coverage(plain) == 0.0 and civil.retriever.coverage(plain, extra) > 0.5
    answer = civil.ask("My wife is five months pregnant and I want to file for a divorce. Is that allowed?")
    assert not answer.refused and answer.ranking[0][1] == 1082


@pytest.mark.parametrize("question", ["Who does this apply to?", "Why was this law made?", "Who do I report spies to?"])
def test_an_english_question_about_the_texts_is_answered(assistant, question):
    assert not assistant.ask(question).refused


def test_where_and_who_do_not_make_a_question_about_scope(assistant):
    """They once mapped to 适用 and 人员: "Where do I report a spy?" was answered by scope clauses."""
    answer = assistant.ask("Where do I report a spy?")
    assert all("适用" not in c.quote for c in answer.citations[:2])
    assert any("举报" in c.quote for c in answer.citations[:2])


def test_the_vocabularies_name_each_word_once():
    """A word written twice in a table literal silently keeps only its last meaning ("赶出" once
    meant 驱逐出境 and then, further down, 遗弃)."""
    import ast
    from pathlib import Path

    import assistant.query as query
    tree = ast.parse(Path(query.__file__).read_text(encoding="utf-8"))
    tables = {node.targets[0].id: [k.value for k in node.value.keys] for node in ast.walk(tree)
              if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)}
    assert set(tables) >= {"EVERYDAY", "ENGLISH"}
    for name, keys in tables.items():
        assert len(keys) == len(set(keys)), (name, sorted({k for k in keys if keys.count(k) > 1}))
