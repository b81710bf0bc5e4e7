"""`python -m index build [--corpus DIR] [--index DIR] [--model NAME_OR_PATH]`: build an index."""
from __future__ import annotations

from pathlib import Path

from corpus import load_corpus

from .build import build_index, default_index_dir
from .cli_common import Parser, add_common, cache_dir, run


def main(argv=None) -> int:
    parser = Parser(prog="python -m index", description="Build the retrieval index of a corpus.")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="chunk, embed and index a corpus folder")
    add_common(build)
    args = parser.parse_args(argv)
    corpus = load_corpus(args.corpus)
    for doc in corpus.documents:
        for warning in doc.warnings:
            print(f"warning: {warning}")
    index_dir = Path(args.index) if args.index else default_index_dir(cache_dir(), corpus, args.model)
    index = build_index(corpus, index_dir, args.model, cache_dir())
    p = index.params
    print(f"built {p['index_kind']} index of {p['n_chunks']} chunks from {len(corpus.documents)} "
          f"documents in {p['build_seconds']} s -> {index_dir}")
    return 0


if __name__ == "__main__":
    run(main)
