"""HTML for the web chat: answers, source cards, looked-up articles and check reports.

In: `Answer`s, `Citation`s, `show` dicts, checker JSON and the `Corpus`. Out: HTML strings in which
every piece of user or corpus text has gone through `esc` (html.escape, newlines -> <br>), so a
question like `<img src=x onerror=alert(1)>` or `[x](http://…)` is shown as the characters typed.
The markup itself is fixed here; nothing is rendered as Markdown. Imports no UI framework.

    esc("<b>第八条</b>\n") -> "&lt;b&gt;第八条&lt;/b&gt;<br>"
    article_html("举报电话12339。", marks=[(4, 9)]) -> "举报电话<mark>12339</mark>。"
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from itertools import groupby

from corpus import Article, Corpus, citation_label

from .compose import Answer, Citation
from .refs import SELF_NAMES, find_references, title_kind
from .wording import WORDS, words

RELATED = WORDS["zh"]["related_title"]
MAX_SHOWN_QUESTION = 500
# the page's styles for the classes used below
CSS = """
.notice{padding:.5em .8em;border-radius:6px;color:#222}
.notice-info{background:#eef4ff;border-left:4px solid #3b82f6}
.notice-error{background:#fff1f0;border-left:4px solid #d4380d}
.refusal{background:#fff7e6;border:1px solid #fa8c16;border-left:6px solid #fa8c16;padding:.6em .8em;border-radius:6px;color:#222}
.read-as{color:#555;font-size:.9em;margin-bottom:.3em}
.doc-title{font-weight:600;margin:.3em 0}
.cite-label{font-weight:600;color:#1d4ed8}
.cite-quote{margin:.25em 0 .7em;padding:.4em .8em;border-left:4px solid #1d4ed8;background:#f5f8ff;color:#222}
.related{margin-top:.8em;padding-top:.4em;border-top:1px dashed #999}
.related-title{color:#8c5a00;font-weight:600;margin-bottom:.3em}
.related .cite-label{color:#555}
.related .cite-quote{border-left-color:#bbb;background:#fafafa}
.src-card{border:1px solid #d0d7e2;border-radius:8px;padding:.6em .8em;margin:.4em 0}
.src-related{border-style:dashed}
.src-label{font-weight:600}
.badge{margin-left:.5em;font-size:.8em;font-weight:400;color:#8c5a00;border:1px solid #fa8c16;border-radius:4px;padding:0 .3em}
.src-doc,.src-meta{font-size:.85em;color:#666}
.src-meta span{display:inline-block;margin-right:.8em}
.src-text{line-height:1.8;margin-top:.3em}
.src-text mark{background:#ffe58f;color:#000;padding:0 .1em}
.xref{text-decoration:underline dotted;color:#1d4ed8}
.chk-item{border-left:5px solid #999;padding:.4em .7em;margin:.5em 0;background:#fafafa;color:#222}
.chk-ok{border-left-color:#389e0d}.chk-bad{border-left-color:#cf1322}.chk-warn{border-left-color:#fa8c16}
.chk-item del{background:#ffd6d6;text-decoration:line-through}.chk-item ins{background:#d9f7be;text-decoration:none}
.chk-status{font-weight:600}
.k{color:#666}
@media (min-width:1024px){#source-cards{max-height:560px;overflow-y:auto;flex-wrap:nowrap}}
"""


def esc(text: str | None) -> str:
    """Escape text for HTML; keep its line breaks."""
    return html.escape(text or "", quote=True).replace("\r\n", "\n").replace("\n", "<br>")


# ---------------------------------------------------------------- chat messages

def question_html(question: str) -> str:
    """The user's question as literal text (very long input shortened for display)."""
    shown = question if len(question) <= MAX_SHOWN_QUESTION else (
        question[:MAX_SHOWN_QUESTION] + f"…（共 {len(question):,} 字）")
    return f'<div class="q-text">{esc(shown)}</div>'


def ready_html(corpus: Corpus) -> str:
    """The status line once the assistant is ready."""
    n = sum(len(d.articles) for d in corpus.documents)
    return (f'<div class="src-doc">已就绪：收录 {len(corpus.documents)} 部法规、{n} 条。'
            "回答只由法规原文的逐字引文组成，并注明出处；请以官方文本为准。</div>")


def notice_html(text: str, kind: str = "info") -> str:
    """A one-line notice in the chat: kind is "info" (getting ready) or "error" (bad input)."""
    return f'<div class="notice notice-{kind}">{esc(text)}</div>'


def _quote_block(c: Citation) -> str:
    return (f'<div class="cite"><div class="cite-label">{esc(c.label)}</div>'
            f'<blockquote class="cite-quote">{esc(c.quote)}</blockquote></div>')


def _grouped(citations, under: str = WORDS["zh"]["under"]) -> str:
    """Quote blocks grouped by document, documents in order of their first citation, each under
    `under` ("根据《{doc}》的规定：")."""
    groups: dict[str, list[Citation]] = {}
    for c in citations:
        groups.setdefault(c.document, []).append(c)
    return "".join(f'<div class="doc-group"><div class="doc-title">{esc(under.format(doc=doc))}</div>'
                   + "".join(_quote_block(c) for c in cs) + "</div>" for doc, cs in groups.items())


def answer_html(answer: Answer) -> str:
    """An answer as quote blocks under their labels, or a refusal notice; related reading last."""
    said = words(answer.question)
    if answer.refused:
        body = f'<div class="refusal"><strong>{said["not_answered"]}</strong>　{esc(answer.answer)}</div>'
    else:
        body = f'<div class="answer">{_grouped(answer.citations, said["under"])}</div>'
    if answer.read_as:  # a typing slip was read as the word meant: say so, with what was read
        body = f'<div class="read-as">{esc(said["read_as"].format(text=answer.read_as))}</div>' + body
    if answer.related:
        items = "".join(_quote_block(c) for c in answer.related)
        body += f'<div class="related"><div class="related-title">{said["related_title"]}</div>{items}</div>'
    return body


# ---------------------------------------------------------------- sources panel

@dataclass(frozen=True)
class CrossRef:
    span: tuple[int, int]  # in the article text
    label: str  # the referenced provision, e.g. "《贵州省反间谍安全防范办法》第七条"


def cross_references(article: Article, corpus: Corpus) -> list[CrossRef]:
    """References in an article's text to existing provisions ("本办法第七条" -> 贵州 第七条).

    A self-name the reference finder reads as an unknown law ("…除履行本办法第七条") is taken as
    the article's own document when the kinds agree (办法/办法)."""
    doc = corpus.document(article.doc_id)
    out = []
    for ref in find_references(article.text, corpus, article.doc_id):
        doc_id, start = ref.doc_id, ref.span[0]
        if doc_id is None and ref.doc_name:
            own = next((s for s in SELF_NAMES if ref.doc_name.endswith(s)), None)
            if own and title_kind(doc.title) == own[1:]:
                doc_id, start = doc.id, ref.span[0] + len(ref.doc_name) - len(own)
        target = corpus.document(doc_id) if doc_id else None
        art = target.article(ref.article, ref.sub) if target else None
        if art is None or (art.doc_id, art.number, art.sub) == (article.doc_id, article.number, article.sub):
            continue
        label = citation_label(target.title, art.number, art.sub, ref.paragraph, ref.item)
        out.append(CrossRef((start, ref.span[1]), label))
    return out


def quote_span(article: Article, c: Citation) -> tuple[int, int] | None:
    """Where the citation's quote lies in `article.text`, searched inside its own paragraph/item."""
    offset = 0
    number = c.paragraph or 1
    if c.paragraph is None and c.item is None:
        start = article.text.find(c.quote)
        return (start, start + len(c.quote)) if start >= 0 else None
    for para in article.paragraphs:
        if para.number == number:
            scope, base = para.text, offset
            if c.item is not None:
                item = next((it for it in para.items if it.number == c.item), None)
                if item is None or para.text.find(item.text) < 0:
                    return None
                base += para.text.find(item.text)
                scope = item.text
            start = scope.find(c.quote)
            return (base + start, base + start + len(c.quote)) if start >= 0 else None
        offset += len(para.text) + 1
    return None


def article_html(text: str, marks=(), xrefs=()) -> str:
    """Escaped article text; `marks` spans in <mark>, `xrefs` spans underlined as references."""
    flags = [(any(a <= i < b for a, b in marks), any(a <= i < b for a, b in xrefs))
             for i in range(len(text))]
    out, i = [], 0
    for (marked, xref), run in groupby(range(len(text)), key=lambda k: flags[k]):
        n = len(list(run))
        piece = esc(text[i:i + n])
        i += n
        if xref:
            piece = f'<span class="xref">{piece}</span>'
        out.append(f"<mark>{piece}</mark>" if marked else piece)
    return "".join(out)


def meta_html(corpus: Corpus, doc_id: str, chapter: str | None, section: str | None) -> str:
    """Chapter, issuing body and effective date of a provision's document."""
    meta = corpus.document(doc_id).metadata()
    parts = [("章节", " ".join(x for x in (chapter, section) if x) or "（本文件不分章）"),
             ("发布机关", meta.get("issuer") or "未注明"), ("施行日期", meta.get("effective") or "未注明")]
    return '<div class="src-meta">' + "　".join(
        f"<span>{esc(k)}：{esc(v)}</span>" for k, v in parts) + "</div>"


def source_html(corpus: Corpus, cites: list[Citation], related: bool = False) -> str:
    """A source card: label(s), document metadata, the whole article with its quotes highlighted
    (`cites`: the citations of one article, e.g. a list's lead sentence and the items quoted)."""
    c = cites[0]
    art = corpus.document(c.doc_id).article(c.article, c.sub)
    spans = [span for span in (quote_span(art, x) for x in cites) if span]
    refs = cross_references(art, corpus)
    badge = f'<span class="badge">{RELATED}</span>' if related else ""
    return (f'<div class="src-card{" src-related" if related else ""}">'
            f'<div class="src-label">{esc(card_label(cites))}{badge}</div>'
            f'<div class="src-doc">《{esc(c.document)}》{esc(art.label)}</div>'
            + meta_html(corpus, c.doc_id, art.chapter, art.section)
            + f'<div class="src-text">{article_html(art.text, spans, [r.span for r in refs])}</div></div>')


def by_article(citations) -> list[list[Citation]]:
    """Citations grouped by the article they quote, first seen first."""
    groups: dict[tuple[str, int, int], list[Citation]] = {}
    for c in citations:
        groups.setdefault((c.doc_id, c.article, c.sub), []).append(c)
    return list(groups.values())


def card_label(cites: list[Citation]) -> str:
    """"《A》第八条、第八条第九项": the first label whole, the others without the title."""
    return "、".join([cites[0].label] + [x.label.split("》", 1)[1] for x in cites[1:]])


def source_cards(answer: Answer, corpus: Corpus) -> list[tuple[str, str, str]]:
    """(card HTML, label, text to copy) for each cited article, then for each related one."""
    shown = [(g, False) for g in by_article(answer.citations)] + [([c], True) for c in answer.related]
    return [(source_html(corpus, g, related), card_label(g), "\n".join(map(copy_text, g)))
            for g, related in shown]


def answer_references(answer: Answer, corpus: Corpus) -> list[str]:
    """Labels of the provisions that the cited and related articles refer to, first seen first."""
    arts = [corpus.document(c.doc_id).article(c.article, c.sub) for c in answer.citations + answer.related]
    return list(dict.fromkeys(r.label for art in arts for r in cross_references(art, corpus)))


def sources_header(answer: Answer | None) -> str:
    if answer is None:
        return '<div class="src-empty">提问后，这里显示被引用条文的全文、所在章节和文件信息。</div>'
    said = words(answer.question)
    if answer.citations:
        return f'<div class="src-head">{said["sources"].format(n=len(by_article(answer.citations)))}</div>'
    return f'<div class="src-head src-head-refused">{said["sources_refused"]}</div>'


def copy_text(c: Citation) -> str:
    """What the copy button copies: "《…》第八条第一款：“…”"."""
    return f"{c.label}：“{c.quote}”"


def _shown_article(data: dict, corpus: Corpus) -> Article | None:
    """The article a `show` dict describes, found again from its label."""
    ref = next(iter(find_references(data.get("label", ""), corpus)), None)
    doc = corpus.document(ref.doc_id) if ref and ref.doc_id else None
    return doc.article(ref.article, ref.sub) if doc else None


def show_references(data: dict, corpus: Corpus) -> list[str]:
    """Labels of the provisions a looked-up article refers to."""
    art = _shown_article(data, corpus)
    return list(dict.fromkeys(r.label for r in cross_references(art, corpus))) if art else []


def show_html(data: dict, corpus: Corpus) -> str:
    """A looked-up article (the `show` dict) with its document's metadata; references underlined."""
    art = _shown_article(data, corpus)
    refs = [r.span for r in cross_references(art, corpus)] if art else []
    meta = meta_html(corpus, art.doc_id, data.get("chapter"), data.get("section")) if art else ""
    return (f'<div class="src-card src-lookup"><div class="src-label">{esc(data["label"])}</div>{meta}'
            f'<div class="src-text">{article_html(data["text"], (), refs)}</div></div>')


CHECK_STATUS = {"verified": ("核对无误", "ok"), "altered": ("引文与原文不一致", "bad"),
                "wrong_location": ("条号有误", "bad"), "not_found": ("法规中找不到这段引文", "bad"),
                "no_such_provision": ("所引条文不存在", "bad"), "unknown_document": ("所引法规未收录", "warn"),
                "reference_only": ("仅引条号，未引原文", "info"), "uncited_quote": ("未注明出处的法规原文", "info")}


def diff_html(ops) -> str:
    """Checker diff ops as text: removed words of the quote struck out, the law's words inserted.

    [{"op": "replace", "quote": "及时", "law": "立即"}] -> "<del>及时</del><ins>立即</ins>"
    """
    out = []
    for op in ops or ():
        quote, law = esc(op.get("quote")), esc(op.get("law"))
        if op.get("op") == "equal":
            out.append(quote)
        else:
            out.append((f"<del>{quote}</del>" if quote else "") + (f"<ins>{law}</ins>" if law else ""))
    return "".join(out)


def check_html(report: dict) -> str:
    """The citation checker's report: one card per citation or quote found in the pasted text."""
    items = report.get("items") or []
    if not items:
        return notice_html("文中没有找到引用法规条文或法规原文的地方（例如“依照《重庆市反间谍工作条例》第八条”）。")
    cards = []
    for it in items:
        word, tone = CHECK_STATUS.get(it.get("status"), (it.get("status") or "", "info"))
        rows = [("引用", (it.get("cited") or {}).get("label")), ("引文", it.get("quote")),
                ("应为", it.get("correct_label"))]
        body = "".join(f'<div><span class="k">{k}：</span>{esc(v)}</div>' for k, v in rows if v)
        if it.get("diff"):
            body += f'<div><span class="k">差异：</span>{diff_html(it["diff"])}</div>'
        if it.get("provision_text"):
            body += f'<div><span class="k">法规原文：</span>{esc(it["provision_text"])}</div>'
        cards.append(f'<div class="chk-item chk-{tone}"><div class="chk-status">{esc(word)}</div>{body}</div>')
    return "".join(cards)
