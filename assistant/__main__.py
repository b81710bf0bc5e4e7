"""Command line: `python -m assistant ask|show|check …` (see --help of each)."""
from __future__ import annotations

import json
import sys

from index.cli_common import Parser, add_common, cache_dir, run

from .service import DEFAULT_TOP_K, Assistant, check_question


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
    args = parser.parse_args(argv)
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
              else f"{data['label']}（{data['chapter'] or ''}）\n{data['text']}")
    return 0


def render_answer(answer) -> str:
    lines = [answer.answer]
    if answer.related:
        lines.append("\n相关条文（仅供参考）：" if answer.refused else "\n另见：")
        lines += [f"  {c.label}：{c.quote[:60]}{'…' if len(c.quote) > 60 else ''}" for c in answer.related]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(run(main))
