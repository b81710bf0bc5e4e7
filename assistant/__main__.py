"""Command line: `python -m assistant ask|show|check …` (see --help of each)."""
from __future__ import annotations

import json
import os
import sys

from corpus import InputError, load_corpus
from index.cli_common import ENV, Parser, add_common, cache_dir, run

from .check import MAX_CHECK_CHARS, CheckReport, check_text

from .service import DEFAULT_TOP_K, Assistant, check_question
from .wording import words


def main(argv=None) -> int:
    parser = Parser(prog="python -m assistant",
                    description="Answer questions about regulations with verbatim, cited quotes.")
    sub = parser.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question with quotes and citations")
    ask.add_argument("question")
    add_common(ask)
    ask.add_argument("--top-k", type=int, default=DEFAULT_TOP_K, help="most citations to give (default 3)")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    show = sub.add_parser("show", help="print a provision, e.g. 重庆条例第十三条")
    show.add_argument("reference")
    add_common(show)
    show.add_argument("--json", action="store_true")
    add_check_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "check":
        return run_check(args)  # needs the corpus only: no model, no index
    if args.command == "ask":
        check_question(args.question)  # fail fast, before loading the model
        if args.top_k < 1:
            parser.error("--top-k must be at least 1")
    assistant = Assistant.open(args.corpus, getattr(args, "index", None), args.model, cache_dir())
    if args.command == "ask":
        answer = assistant.ask(args.question, top_k=args.top_k)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        else:
            print(render_answer(answer))
    elif args.command == "show":
        data = assistant.show(args.reference)
        print(json.dumps(data, ensure_ascii=False, indent=2) if args.json
              else data["label"] + (f"（{data['chapter']}）" if data["chapter"] else "") + "\n" + data["text"])
    return 0


def render_answer(answer) -> str:
    said = words(answer.question)
    lines = ([f"（{said['read_as'].format(text=answer.read_as)}）"] if answer.read_as else []) + [answer.answer]
    if answer.related:
        lines.append("\n" + (said["related"] if answer.refused else said["see_also"]))
        lines += [f"  {c.label}：{c.quote[:60]}{'…' if len(c.quote) > 60 else ''}" for c in answer.related]
    return "\n".join(lines)


def add_check_parser(sub) -> None:
    check = sub.add_parser("check", help="check the citations and quotes in a text against the corpus",
                           description="Check every citation and quote in a text: verified, altered, "
                                       "wrong_location, not_found, no_such_provision, unknown_document, "
                                       "reference_only or uncited_quote.")
    check.add_argument("file", nargs="?", metavar="-",
                       help="`-` (or nothing): read the text from stdin")
    check.add_argument("--text-file", metavar="FILE", help="UTF-8 text file to check (`-`: stdin)")
    check.add_argument("--corpus", default=os.environ.get(ENV["corpus"]),
                       help="folder of .txt regulation files (default: the built-in corpus; "
                            "env REGQA_CORPUS)")
    check.add_argument("--json", action="store_true", help="print one JSON object")


def run_check(args) -> int:
    if args.file not in (None, "-"):
        raise InputError(f"unexpected argument {args.file!r}: give the text with --text-file FILE, "
                         "or `-` for stdin")
    if args.file == "-" and args.text_file not in (None, "-"):
        raise InputError("give either --text-file FILE or `-` (stdin), not both")
    text = read_text(args.text_file)
    if not text.strip():
        raise InputError("the text to check is empty: give a file with --text-file FILE or pipe text "
                         "into `python -m assistant check`")
    if len(text) > MAX_CHECK_CHARS:
        raise InputError(f"the text is {len(text):,} characters; the limit is {MAX_CHECK_CHARS:,}. "
                         "Check it in parts")
    report = check_text(text, load_corpus(args.corpus))
    print(json.dumps(report.to_json(), ensure_ascii=False, indent=2) if args.json
          else render_report(report))
    return 0


def read_text(path: str | None) -> str:
    """The text of a UTF-8 file, or of stdin for None / "-"; InputError when it cannot be read."""
    name = "stdin" if path in (None, "-") else path
    try:
        data = sys.stdin.buffer.read() if path in (None, "-") else open(path, "rb").read()
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None


def render_report(report: CheckReport) -> str:
    """One line per item: status, cited label, quote excerpt, then the correction or the diff."""
    if not report.items:
        return "no citations or quotes of the corpus found in the text"
    lines = []
    for item in report.items:
        parts = [f"{item.status:<17}", item.cited.label if item.cited else "(no citation)"]
        if item.quote:
            parts.append(f"“{item.quote[:30]}{'…' if len(item.quote) > 30 else ''}”")
        if item.diff:
            changes = [_change(op) for op in item.diff if op["op"] != "equal"]
            parts.append("diff: " + "; ".join(changes[:5]) + ("; …" if len(changes) > 5 else ""))
        if item.correct_label:
            parts.append(f"→ {item.correct_label}")
        lines.append("  ".join(parts))
    return "\n".join(lines)


def _change(op: dict) -> str:
    """{"op": "replace", "quote": "及时", "law": "立即"} -> "立即→及时"; insert "+X"; delete "-X"."""
    if op["op"] == "insert":
        return f"+{op['quote']}"
    if op["op"] == "delete":
        return f"-{op['law']}"
    return f"{op['law']}→{op['quote']}"


if __name__ == "__main__":
    sys.exit(run(main))
