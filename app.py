"""Web chat over the regulations: `python app.py`, then open http://127.0.0.1:7860.

In: flags or environment (REGQA_HOST, REGQA_PORT, REGQA_CORPUS, REGQA_MODEL, REGQA_INDEX).
Out: a Gradio page (chat with quoted answers, sources panel, lookup, citation check) and the API
`/ask`, `/show`, `/check` returning the same JSON as `python -m assistant ask|show --json`.
The assistant loads in a background thread (building the index if missing, progress on the
console); until it is ready every handler answers "正在准备索引，请稍候…". All HTML comes from
`assistant.render`, which escapes user and corpus text. The only module that imports gradio.
"""
from __future__ import annotations

import logging
import os
import threading

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # nothing leaves the machine

import gradio as gr  # noqa: E402

from assistant import render  # noqa: E402
from assistant.check import check_text  # noqa: E402
from assistant.service import Assistant  # noqa: E402
from corpus import Corpus, InputError, RegQAError, load_corpus  # noqa: E402
from index.cli_common import Parser, add_common, cache_dir, run  # noqa: E402

log = logging.getLogger("regqa.app")
NOT_READY = "正在准备索引，请稍候…"


class Loader:
    """Opens the Assistant in a background thread; `get()` returns it or raises a friendly error."""

    def __init__(self, corpus_dir, index_dir, model):
        self.assistant: Assistant | None = None
        self.error: str | None = None
        self._args = (corpus_dir, index_dir, model)
        threading.Thread(target=self._open, name="regqa-loader", daemon=True).start()

    def _open(self):
        corpus_dir, index_dir, model = self._args
        try:
            assistant = Assistant.open(corpus_dir, index_dir, model, cache_dir(), build=True, progress=True)
            assistant.ask(assistant.corpus.example_questions()[0])  # loads what a first question waits for
            self.assistant = assistant
            print("assistant ready", flush=True)
        except RegQAError as exc:
            self.error = str(exc)
            print(f"error: {exc}", flush=True)
        except Exception as exc:  # a bug: keep the traceback on the console, a line on the page
            log.exception("loading the assistant failed")
            self.error = f"{type(exc).__name__}: {exc}"

    def get(self) -> Assistant:
        if self.assistant is not None:
            return self.assistant
        if self.error:
            raise RegQAError(f"助手无法启动：{self.error}")
        raise RegQAError(NOT_READY)

    def run(self, fn, *args):
        """fn(assistant, *args); a bug is logged with its traceback and becomes a one-line error."""
        assistant = self.get()
        try:
            return fn(assistant, *args)
        except RegQAError:
            raise
        except Exception as exc:
            log.exception("%s failed", getattr(fn, "__name__", "handler"))
            raise RegQAError(f"内部错误（{type(exc).__name__}），详见服务器日志") from None


def _text(value, what: str) -> str:
    if value is not None and not isinstance(value, str):
        raise InputError(f"the {what} must be text")
    return value or ""


def run_check(assistant: Assistant, text: str) -> dict:
    """The citation checker's JSON (`python -m assistant check --json`)."""
    return check_text(_text(text, "text"), assistant.corpus).to_json()


def build_ui(loader: Loader, corpus: Corpus) -> gr.Blocks:
    def endpoint(fn):
        try:
            return loader.run(fn)
        except RegQAError as exc:  # the client gets the one-line message, never a traceback
            raise gr.Error(str(exc), print_exception=False) from None

    def ask(question: str) -> dict:
        """Answer a question: the JSON of `python -m assistant ask --json`."""
        return endpoint(lambda a: a.ask(_text(question, "question")).to_json())

    def show(reference: str) -> dict:
        """A whole article, e.g. 重庆条例第十三条: the JSON of `python -m assistant show --json`."""
        return endpoint(lambda a: a.show(_text(reference, "reference")))

    def check(text: str) -> dict:
        """Check the citations and quotes in a text: {"items": [...]}, one per claim."""
        return endpoint(lambda a: run_check(a, text))

    def respond(question, history, doc_id, context_doc):
        """One chat turn: question bubble, then quotes (or a notice); sources panel follows."""
        history = list(history or []) + [{"role": "user", "content": render.question_html(question or "")}]
        yield "", history, context_doc, gr.skip(), gr.skip(), gr.skip()
        try:
            doc, article = context_doc or (None, None)
            answer = loader.run(lambda a: a.ask(question or "", doc_id=doc_id or None,
                                                context_doc=doc, context_article=article))
        except RegQAError as exc:
            kind = "info" if str(exc) == NOT_READY else "error"
            history.append({"role": "assistant", "content": render.notice_html(str(exc), kind)})
            yield "", history, context_doc, gr.skip(), gr.skip(), gr.skip()
            return
        a = loader.get()
        history.append({"role": "assistant", "content": render.answer_html(answer)})
        if answer.citations:  # (doc_id, article) of the best citation, for follow-ups such as 那第二款呢？
            context_doc = (answer.citations[0].doc_id, answer.citations[0].article)
        xrefs = render.answer_references(answer, a.corpus)
        yield ("", history, context_doc, render.sources_header(answer), render.source_cards(answer, a.corpus),
               gr.update(choices=xrefs, value=None, visible=bool(xrefs)))

    def lookup(reference):
        """Show one article (lookup box or a cross-reference) and offer its own references."""
        try:
            data = loader.run(lambda a: a.show(reference or ""))
        except RegQAError as exc:
            return reference, render.notice_html(str(exc), "error"), gr.skip()
        refs = render.show_references(data, loader.get().corpus)
        return (reference, render.show_html(data, loader.get().corpus),
                gr.update(choices=refs, value=None, visible=bool(refs)))

    def check_page(text):
        try:
            return render.check_html(loader.run(run_check, text))
        except RegQAError as exc:
            return render.notice_html(str(exc), "error")

    def status():
        if loader.assistant is None and loader.error is None:
            return render.notice_html(NOT_READY + "（首次启动需要构建检索索引，进度见控制台）"), gr.Timer(active=True)
        if loader.error:
            return render.notice_html(f"助手无法启动：{loader.error}", "error"), gr.Timer(active=False)
        return render.ready_html(loader.assistant.corpus), gr.Timer(active=False)

    documents = [("全部文件", "")] + [(d.title, d.id) for d in corpus.documents]
    with gr.Blocks(title="法规问答", analytics_enabled=False) as demo:
        gr.HTML(f"<h2 style='margin:0'>法规问答 · {render.esc(corpus.display_name())}</h2>")
        banner = gr.HTML(elem_id="status")
        timer = gr.Timer(1.0)
        context_doc = gr.State(None)
        cards = gr.State([])
        with gr.Tab("问答"):
            with gr.Row():
                with gr.Column(scale=3, min_width=340):
                    doc_filter = gr.Dropdown(documents, value="", label="检索范围", elem_id="doc-filter")
                    chat = gr.Chatbot(label="对话", elem_id="chat", height=460, render_markdown=False,
                                      sanitize_html=True, feedback_options=None, buttons=[], layout="panel",
                                      placeholder="回答只由法规原文的逐字引文组成，并注明出处。在下方输入问题，或点击示例问题。")
                    box = gr.Textbox(show_label=False, elem_id="question", submit_btn="发送",
                                     placeholder="输入问题，例如：发现间谍行为可以打什么电话举报？（追问如：那第二款呢？）")
                    new_chat = gr.Button("新对话", size="sm")
                    examples = gr.Examples(list(corpus.example_questions()), inputs=[box], label="示例问题（点击即问）")
                with gr.Column(scale=2, min_width=340, elem_id="sources"):
                    gr.HTML("<h3 style='margin:0'>来源</h3>")
                    header = gr.HTML(render.sources_header(None))
                    xref = gr.Dropdown([], value=None, label="打开条文中提到的条文", visible=False, elem_id="xref")
                    with gr.Column(elem_id="source-cards"):
                        @gr.render(inputs=[cards])
                        def _cards(items):
                            for html_, label, text in items:
                                gr.HTML(html_)
                                gr.Textbox(text, label=f"复制引文：{label}", buttons=["copy"], interactive=False,
                                           lines=1, max_lines=6)
                    lookup_box = gr.Textbox(label="直接查条文", placeholder="例如：重庆条例第十三条", submit_btn="查看",
                                            elem_id="lookup")
                    lookup_out = gr.HTML(elem_id="lookup-result")
        with gr.Tab("引文核查"):
            check_in = gr.Textbox(lines=8, label="粘贴含有法规引文的文字，逐条核对条号与原文")
            check_btn = gr.Button("核查", variant="primary")
            check_out = gr.HTML()

        # Concurrency (see demo.queue in main): questions and checks share the default pool of 2;
        # lookups (`show`, pure Python, milliseconds) have their own pool of 4 so they never wait
        # behind questions; the status timer and "新对话" skip the queue.
        turn = dict(fn=respond, inputs=[box, chat, doc_filter, context_doc],
                    outputs=[box, chat, context_doc, header, cards, xref], api_visibility="private")
        box.submit(**turn)
        examples.load_input_event.then(**turn)
        new_chat.click(lambda: ([], None, render.sources_header(None), [], gr.update(choices=[], visible=False)),
                       outputs=[chat, context_doc, header, cards, xref], queue=False, api_visibility="private")
        look = dict(fn=lookup, outputs=[lookup_box, lookup_out, xref], concurrency_id="lookup",
                    concurrency_limit=4, api_visibility="private")
        lookup_box.submit(inputs=[lookup_box], **look)
        xref.input(inputs=[xref], **look)
        check_btn.click(check_page, inputs=[check_in], outputs=[check_out], api_visibility="private")
        demo.load(status, outputs=[banner, timer], queue=False, api_visibility="private")
        timer.tick(status, outputs=[banner, timer], queue=False, api_visibility="private")
        gr.api(ask, api_name="ask")
        gr.api(show, api_name="show", concurrency_id="lookup", concurrency_limit=4)
        gr.api(check, api_name="check")
    return demo


def main(argv=None) -> int:
    parser = Parser(prog="python app.py", description="Serve the regulation Q&A web chat.")
    parser.add_argument("--host", default=os.environ.get("REGQA_HOST", "127.0.0.1"),
                        help="address to bind (default 127.0.0.1, loopback only; env REGQA_HOST)")
    parser.add_argument("--port", type=int, default=os.environ.get("REGQA_PORT") or "7860",
                        help="port (default 7860; env REGQA_PORT)")
    parser.add_argument("--share", action="store_true", help="also create a public gradio.live link")
    add_common(parser)
    args = parser.parse_args(argv)
    corpus = load_corpus(args.corpus)  # a bad corpus folder fails now, in one line
    demo = build_ui(Loader(args.corpus, args.index, args.model), corpus)
    # Retrieval is CPU-bound and the machine has 2 cores; a question's encoder runs on one thread.
    # Two questions at a time keep both cores busy; more would only make each slower. Up to 256
    # requests wait in line (32 busy clients fit easily); beyond that a client gets a clear
    # "queue full" error.
    demo.queue(default_concurrency_limit=2, max_size=256)
    theme = gr.themes.Default(font=["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "sans-serif"],
                              font_mono=["Noto Sans Mono CJK SC", "monospace"])  # no web fonts
    try:
        demo.launch(server_name=args.host, server_port=args.port, share=args.share, theme=theme,
                    css=render.CSS, footer_links=["api"])
    except OSError as exc:  # port taken, address not available
        raise RegQAError(f"cannot serve on {args.host}:{args.port} ({exc}); choose another --port") from None
    return 0


if __name__ == "__main__":
    run(main)
