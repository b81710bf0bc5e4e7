"""Command line: `python -m evals run|bench|scale|load …` (see --help of each).

    python -m evals run [--corpus DIR] [--questions FILE] [--index DIR] [--model NAME_OR_PATH]
                        [--json] [--out DIR] [--systems LIST] [--check-bar | --check-floor]

`run` evaluates retrieval side by side (see `evals/run.py`); `bench`, `scale` and `load` hand
their arguments to `evals.<name>.main`, imported only when asked for.
"""
from __future__ import annotations

import importlib
import sys

from index.cli_common import Parser, add_common, run

from .systems import SYSTEMS

DELEGATED = {"bench": "latency and memory benchmark", "scale": "retrieval at corpus sizes up to 1M chunks",
             "load": "concurrent gradio_client sessions against the web server"}


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in DELEGATED:
        return delegate(argv[0], argv[1:])
    parser = Parser(prog="python -m evals", description="Evaluate retrieval and answering quality.")
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="evaluate the product and the baselines on a question set")
    add_common(run_p)
    run_p.add_argument("--questions", help="JSON Lines question file (default: evals/questions.jsonl)")
    run_p.add_argument("--json", action="store_true", help="print one JSON object of metrics")
    run_p.add_argument("--out", help="results folder (default: evals/results/)")
    run_p.add_argument("--systems", help=f"comma-separated, from {','.join(SYSTEMS)} (default: all; "
                                         "the product always runs)")
    check = run_p.add_mutually_exclusive_group()
    check.add_argument("--check-bar", action="store_true",
                       help="exit 1 and list the failing metrics when the product is below the bar")
    check.add_argument("--check-floor", action="store_true",
                       help="the same against the floor CI enforces: the bar where it is met, the level "
                            "reached where it is not yet (evals/bar.py)")
    for name, help_text in DELEGATED.items():
        sub.add_parser(name, help=help_text, add_help=False)
    args = parser.parse_args(argv)
    from .run import run_command  # imported late: --help stays fast
    return run_command(args)


def delegate(name: str, argv: list[str]) -> int:
    try:
        module = importlib.import_module(f"evals.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"evals.{name}":
            raise
        print(f"error: `python -m evals {name}` is not available in this checkout (evals/{name}.py "
              "is missing); update the checkout, or use `python -m evals run`", file=sys.stderr)
        return 2
    return module.main(argv)


if __name__ == "__main__":
    run(main)
