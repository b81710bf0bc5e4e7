"""Shared plumbing of the command-line entry points: flags, environment, friendly errors.

Entry points (python -m index / assistant / evals, app.py) read flags and environment here;
library code takes explicit arguments. `run` turns the project's errors into one line on
stderr and exit code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from corpus.errors import RegQAError

PROJECT_CACHE = Path(__file__).resolve().parent.parent / ".cache"
ENV = {"corpus": "REGQA_CORPUS", "index": "REGQA_INDEX", "model": "REGQA_MODEL",
       "cache": "REGQA_CACHE_DIR"}


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line and exits 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def add_common(parser: argparse.ArgumentParser, index: bool = True) -> None:
    parser.add_argument("--corpus", default=os.environ.get(ENV["corpus"]),
                        help="folder of .txt regulation files (default: the built-in corpus; env REGQA_CORPUS)")
    if index:
        parser.add_argument("--index", default=os.environ.get(ENV["index"]),
                            help="index folder (default: a cached index for the corpus and model; env REGQA_INDEX)")
    parser.add_argument("--model", default=os.environ.get(ENV["model"]),
                        help="sentence-transformers model name or local path (default: the bundled "
                             "offline multilingual-e5-small; env REGQA_MODEL)")


def cache_dir() -> Path:
    return Path(os.environ.get(ENV["cache"]) or PROJECT_CACHE)


def run(main) -> None:
    """Call main(); project errors and bad input become one stderr line and exit code 2; a closed
    pipe (`python -m assistant ask … | head -1`) ends it quietly with 141, as `cat` would."""
    try:
        code = main()
    except RegQAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:  # the reader went away (`… | head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        code = 141
    sys.exit(code or 0)
