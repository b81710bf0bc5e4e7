"""The corpus stage on the real texts: structure, canonical text, artifacts, errors."""
import re
from pathlib import Path

import pytest

from corpus import CorpusError, load_corpus
from corpus.load import derive_short_names
from corpus.numerals import cn_to_int, int_to_cn
from corpus.parse import parse_text


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_article_counts_and_chapters(corpus):
    counts = {d.title: len(d.articles) for d in corpus.documents}
    assert counts == {"贵州省反间谍安全防范办法": 20, "重庆市反间谍工作条例": 29,
                      "中华人民共和国反间谍法": 71, "反间谍安全防范工作规定": 31}
    for doc_id in ("fanjiandiefa", "anquanfangfan_guiding"):
        chapters = list(dict.fromkeys(a.chapter for a in corpus.document(doc_id).articles))
        assert len(chapters) == 6 and chapters[0] == "第一章 总则"
    assert all(a.chapter is None for a in corpus.document("guizhou_banfa").articles)


def test_items_and_paragraphs(corpus):
    cq, gz = corpus.document("chongqing_tiaoli"), corpus.document("guizhou_banfa")
    assert [it.number for it in cq.article(10).paragraphs[0].items] == [1, 2, 3, 4, 5, 6]
    assert len(gz.article(8).paragraphs[0].items) == 9
    assert len(cq.article(13).paragraphs) == 3
    # half-width "(一)" items at the end of the Chongqing text are items too
    assert len(cq.article(26).paragraphs[0].items) == 5
    assert cq.article(26).paragraphs[0].items[0].text.startswith("(一)")


def test_page_break_joins(corpus):
    cq = corpus.document("chongqing_tiaoli")
    assert "纳入考核。" in cq.article(4).paragraph(1).text
    assert "审查，与涉密" in cq.article(10).text
    assert "出境反间谍安全防范预案" in cq.article(13).text
    assert "应当考虑" in cq.article(18).text
    assert "予以配合" in cq.article(21).text
    assert "商业秘密" in cq.article(27).text


def test_canonical_text_drops_only_layout(corpus):
    cq = corpus.document("chongqing_tiaoli")
    assert "畅通12339举报电话" in cq.article(8).text
    assert cq.article(29).text == "本条例自2023年9月1日起施行。"
    assert cq.article(17).text.startswith("国家安全机关对涉及国家安全事项")  # ** dropped
    assert corpus.document("guizhou_banfa").title == "贵州省反间谍安全防范办法"  # no [bookmark]


@pytest.mark.parametrize("doc_id", ["guizhou_banfa", "chongqing_tiaoli", "fanjiandiefa",
                                    "anquanfangfan_guiding"])
def test_no_character_lost_or_added(corpus, doc_id):
    """File minus layout (whitespace, **, #, [bookmark]) == title + preamble + headings +
    article labels + canonical article texts, character for character."""
    doc = corpus.document(doc_id)
    raw = Path(doc.path).read_text(encoding="utf-8")
    raw = re.sub(r"\[bookmark:[^\]]*\]", "", raw).replace("**", "")
    raw = re.sub(r"^#+", "", raw, flags=re.M)
    expected = re.sub(r"\s", "", raw)
    parts, chapter = [doc.title, doc.preamble], None
    for art in doc.articles:
        if art.chapter != chapter:
            chapter = art.chapter
            parts.append(chapter)
        parts += [art.label, art.text]
    parts.append(doc.appendix)
    assert re.sub(r"\s", "", "".join(parts)) == expected


CODE = """中华人民共和国某法典
第一编　总　　则
第一章　基本规定
第一条　为了测试，制定本法。
第二编　物　　权
第一分编　通　　则
第一章　一般规定
第二条　本编调整物的归属。
附　　则
第三条　本法自2021年1月1日起施行。
附件：申请表样式
第一条　表格第一栏填写姓名。
"""


def test_parts_plain_headings_and_appendix_are_no_article_text():
    """编/分编 and an unnumbered 附则 are headings; what follows "附件：" is the appendix, even
    when it has articles of its own (a form's instructions)."""
    title, _, arts, _, appendix = parse_text(CODE, "code.txt", "code")
    assert [a.text for a in arts] == ["为了测试，制定本法。", "本编调整物的归属。", "本法自2021年1月1日起施行。"]
    assert [a.chapter for a in arts] == ["第一章 基本规定", "第一章 一般规定", "附则"]
    assert appendix == "附件：申请表样式\n第一条表格第一栏填写姓名。"


def test_folder_without_manifest(tmp_path):
    (tmp_path / "a.txt").write_text("# 江城市测试条例\n\n第一条 本条例适用于测试。\n第三条 第二款\n", encoding="utf-8")
    doc = load_corpus(tmp_path).documents[0]
    assert doc.title == "江城市测试条例" and doc.id == "a"
    assert {"江城条例", "江城市条例", "测试条例"} <= set(doc.short_names)
    assert doc.warnings and "jump" in doc.warnings[0]


def test_markdown_heading_marks_and_a_colon_after_the_article_number(tmp_path):
    (tmp_path / "a.txt").write_text("# 江城市测试条例\n\n## 第一章 总则\n\n### 第一条 为了测试，制定本条例。\n\n"
                                    "### 第二条\n\n本条例适用于本市。\n第三条：本条例自公布之日起施行。\n",
                                    encoding="utf-8")
    doc = load_corpus(tmp_path).documents[0]
    assert [(a.number, a.chapter, a.text) for a in doc.articles] == [
        (1, "第一章 总则", "为了测试，制定本条例。"), (2, "第一章 总则", "本条例适用于本市。"),
        (3, "第一章 总则", "本条例自公布之日起施行。")]  # "第三条：": the colon is the heading's
    assert doc.preamble == ""


def test_a_short_name_two_documents_share_names_neither(tmp_path):
    for place in ("江城市", "河城市"):
        (tmp_path / f"{place}.txt").write_text(f"{place}养犬管理条例\n第一条 本条例适用于养犬。\n", "utf-8")
    names = [set(d.short_names) for d in load_corpus(tmp_path).documents]
    assert "养犬管理条例" not in names[0] | names[1] and "江城条例" in names[0]


def test_by_title_sets_aside_notes_and_the_national_prefix(corpus):
    assert corpus.by_title("《中华人民共和国反间谍法》").id == "fanjiandiefa"
    assert corpus.by_title("反间谍法（2023年修订）").id == "fanjiandiefa"
    assert corpus.by_title("反间谍安全防范工作规定(国家安全部令第16号)").id == "anquanfangfan_guiding"
    assert corpus.by_title("刑法") is None and corpus.by_title("反间谍") is None
    assert corpus.by_title("反间谍工作条例").id == "chongqing_tiaoli"  # held by one title only
    assert corpus.by_title("反间谍安全防范") is None  # held by two
    assert corpus.by_title("反间谍法实施细则") is None  # another instrument, not the law


def test_collection_name_and_example_questions(corpus, tmp_path):
    assert corpus.display_name() == "反间谍法规" and "发现间谍行为可以打什么电话举报？" in corpus.example_questions()
    (tmp_path / "a.txt").write_text("江城市测试条例\n第一条　为了测试，制定本条例。\n", encoding="utf-8")
    plain = load_corpus(tmp_path)  # no manifest: derived from the document
    assert plain.display_name() == "江城市测试条例"
    assert plain.example_questions()[0] == "江城市测试条例是为了什么制定的？"
    (tmp_path / "b.txt").write_text("江城市另一条例\n第一条　乙。\n", encoding="utf-8")
    assert load_corpus(tmp_path).display_name() == "2 部法规"
    (tmp_path / "manifest.json").write_text('{"examples": "not a list", "documents": []}', encoding="utf-8")
    with pytest.raises(CorpusError, match="examples"):
        load_corpus(tmp_path)


def test_errors_name_file_and_line(tmp_path):
    (tmp_path / "bad.txt").write_bytes("标题\n第一条 好。\n".encode() + b"\xff\xfe\n")
    with pytest.raises(CorpusError, match=r"bad.txt:3: not UTF-8"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match=r"x.txt:3: 第一条 appears twice"):
        parse_text("标题\n第一条 甲。\n第一条 乙。\n", "x.txt", "x")
    with pytest.raises(CorpusError, match=r"x.txt:3: 第二条 comes after 第三条"):
        parse_text("标题\n第三条 甲。\n第二条 乙。\n", "x.txt", "x")
    # a form feed (pdftotext's page break) or vertical tab is not a line break, as in an editor
    with pytest.raises(CorpusError, match=r"x.txt:4: 第二条 comes after 第四条 \(line 3\)"):
        parse_text("标题\n第三条 甲\x0b。\n\x0c第四条 乙。\n第二条 丙。\r\n", "x.txt", "x")
    _, _, articles, _, _ = parse_text("标题\r\n第一条 甲。\n\x0c第二条 乙。\n", "x.txt", "x")
    assert [(a.number, a.line, a.text) for a in articles] == [(1, 2, "甲。"), (2, 3, "乙。")]
    with pytest.raises(CorpusError, match="no articles"):
        parse_text("只是一段话。\n没有条文。\n", "x.txt", "x")
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "nope")


def test_inserted_articles_and_numerals():
    _, _, arts, warnings, _ = parse_text("某法\n第一百二十条 甲。\n第一百二十条之一 乙。\n第121条 丙。\n",
                                      "x.txt", "x")
    assert [(a.number, a.sub) for a in arts] == [(120, 0), (120, 1), (121, 0)]
    assert arts[1].label == "第一百二十条之一"
    assert cn_to_int("一百零五") == 105 and int_to_cn(110) == "一百一十" and cn_to_int("１３") == 13


def test_short_names():
    assert derive_short_names("中华人民共和国反间谍法") == ("反间谍法",)
    assert "重庆条例" in derive_short_names("重庆市反间谍工作条例")


def _texts(text):
    _, _, arts, _, rest = parse_text(text, "x.txt", "x")
    return [(a.number, a.sub, [p.text for p in a.paragraphs]) for a in arts], rest


@pytest.mark.parametrize("text, articles, rest", [
    # a page number and the repeated title inside a sentence cut by the page break; a footer line
    ("江城市条例\n第一条　将工作纳入\n\n- 1 -\n\n江城市条例\n\n考核。\n\n第 2 页 共 3 页\n\n第二条　本条例自公布之日起施行。\n",
     [(1, 0, ["将工作纳入考核。"]), (2, 0, ["本条例自公布之日起施行。"])], ""),
    ("江城市条例\n第一条　纳入\n\n3\n\n服务质量考核。\n", [(1, 0, ["纳入服务质量考核。"])], ""),
    # a wrapped line that starts with an article number is a cross-reference, not 第二条
    ("江城市条例\n第一条　违反本条例规定的，依照本条例\n第二条规定的程序处理。\n第二条　本条例自公布之日起施行。\n",
     [(1, 0, ["违反本条例规定的，依照本条例第二条规定的程序处理。"]), (2, 0, ["本条例自公布之日起施行。"])], ""),
    # no-break and em spaces as indentation, a zero-width space; an inserted article with no space
    ("江城市条例\n\u00a0\u00a0第一条\u00a0\u00a0本条例适用于\u00a0绿化工作。\n\u2003第二条\u2003\u200b任何人都有义务。\n"
     "第二条之一禁止夜间施工。\n", [(1, 0, ["本条例适用于绿化工作。"]), (2, 0, ["任何人都有义务。"]),
                                  (2, 1, ["禁止夜间施工。"])], ""),
    # a closing signature and date, then an appendix named without a colon
    ("江城市办法\n第一条　本办法自2023年5月1日起施行。\n\n江城市人民政府\n\n2023年5月1日\n\n附件一　名录\n一、学校\n",
     [(1, 0, ["本办法自2023年5月1日起施行。"])], "江城市人民政府\n2023年5月1日\n附件一名录\n一、学校"),
    # a hard wrap without a blank line; an item with no full stop, then a new paragraph
    ("江城市条例\n第一条　为了保护合法权益，\n维护公共利益，制定本条例。\n第二条　处罚的种类：\n（一）警告\n（二）罚款\n"
     "前款所列处罚，应当依法适用。\n", [(1, 0, ["为了保护合法权益，维护公共利益，制定本条例。"]),
                                   (2, 0, ["处罚的种类：\n（一）警告\n（二）罚款", "前款所列处罚，应当依法适用。"])], ""),
    # sub-items "1." belong to their item; Markdown list marks; an article that opens with an item
    ("江城市条例\n第一条　应当采取下列措施：\n- （一）报告，包括：\n1.报告单位；\n2.报告部门；\n- （二）救援。\n"
     "前款措施应当记录。\n第二条\n（一）甲；\n（二）乙。\n",
     [(1, 0, ["应当采取下列措施：\n（一）报告，包括：\n1.报告单位；\n2.报告部门；\n（二）救援。", "前款措施应当记录。"]),
      (2, 0, ["（一）甲；\n（二）乙。"])], ""),
    # an editor's article title; "第二条、" and "第三条." as headings
    ("江城市条例\n第一条【立法目的】\n为了测试，制定本条例。\n第二条、本条例由市政府解释。\n第三条.本条例自公布之日起施行。\n",
     [(1, 0, ["为了测试，制定本条例。"]), (2, 0, ["本条例由市政府解释。"]), (3, 0, ["本条例自公布之日起施行。"])], ""),
])
def test_layout_of_converted_files_is_not_law_text(text, articles, rest):
    assert _texts(text) == (articles, rest)


def test_chapter_heading_variants_and_a_title_after_the_order_that_promulgates_it():
    text = ("江城市人民政府令\n第12号\n江城市停车管理办法\n第一章总则\n第一条　甲。\n第二章\n停车场管理\n第二条　乙。\n"
            "第三章：附则\n第三条　丙。\n")
    title, preamble, arts, _, _ = parse_text(text, "x.txt", "x")
    assert title == "江城市停车管理办法" and preamble == "江城市人民政府令\n第12号"
    assert [a.chapter for a in arts] == ["第一章 总则", "第二章 停车场管理", "第三章 附则"]
    assert [a.text for a in arts] == ["甲。", "乙。", "丙。"]
