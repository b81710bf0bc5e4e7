"""`python -m evals run`: every system over every question, metrics, written results, the bar.

In: parsed flags (corpus, questions, index, model, out, systems, json, check_bar). Out: an
`Evaluation` — per system its `Outcome`s and metrics (overall and per language) — printed as
a table or as one JSON object, and written by `report.write_results`. Each system answers one
warm-up question before it is timed (loading jieba and the first model call are not latency
users see twice). The exit code is 1 when `--check-bar` (or `--check-floor`) is given and the
product is below the bar (or the floor CI enforces, `bar.py`), else 0.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from assistant.compose import provision_text
from assistant.service import DEFAULT_TOP_K, Assistant
from corpus import Corpus, InputError, load_corpus
from index.cli_common import cache_dir
from index.embed_model import DEFAULT_MODEL

from . import report, systems as systems_mod
from .bar import BAR, FLOOR, check_bar
from .metrics import Outcome, by_lang, first_relevant_rank, summarise
from .questions import DEFAULT_QUESTIONS, Question, load_questions
from .systems import Output, Quote, System


@dataclass(frozen=True)
class SystemRun:
    name: str
    outcomes: tuple[Outcome, ...]
    metrics: dict
    by_lang: dict


@dataclass(frozen=True)
class Evaluation:
    runs: dict[str, SystemRun]  # "product" first

    def to_json(self) -> dict:
        """The `--json` object: the product's metrics, its per-language metrics, every system's."""
        product = self.runs["product"]
        return {"n": len(product.outcomes), "metrics": product.metrics, "by_lang": product.by_lang,
                "systems": {name: run.metrics for name, run in self.runs.items()}}


def faithful(corpus: Corpus, quote: Quote) -> bool:
    """True when the quote is an exact substring of the canonical text of the provision it cites."""
    text = provision_text(corpus, quote.doc_id, quote.article, quote.sub, quote.paragraph, quote.item)
    return bool(text and quote.text and quote.text in text)


def outcome(question: Question, output: Output, corpus: Corpus) -> Outcome:
    return Outcome(question.id, question.lang, question.answerable, question.relevant,
                   output.ranked, output.refused, len(output.quotes),
                   sum(faithful(corpus, q) for q in output.quotes), output.latency_ms)


def evaluate(questions: list[Question], corpus: Corpus, systems: dict[str, System],
             progress: bool | None = None) -> Evaluation:
    """Run each system over all questions (one progress bar on stderr; `None` = only on a TTY)."""
    runs = {}
    disable = None if progress is None else not progress
    with tqdm(total=len(questions) * len(systems), unit="q", file=sys.stderr, disable=disable) as bar:
        for name, system in systems.items():
            bar.set_description(name)
            system(questions[0].question)  # warm-up, not timed
            outcomes = []
            for question in questions:
                outcomes.append(outcome(question, system(question.question), corpus))
                bar.update()
            runs[name] = SystemRun(name, tuple(outcomes), summarise(outcomes), by_lang(outcomes))
    return Evaluation(runs)


def per_question(run: SystemRun) -> list[dict]:
    """The product's answers, question by question, for the results file."""
    rows = []
    for o in run.outcomes:
        rank = first_relevant_rank(o.ranked, o.relevant) if o.answerable else None
        rows.append({"id": o.id, "ranked": [list(p) for p in o.ranked], "refused": o.refused,
                     "hit": (rank == 1) if o.answerable else None, "first_relevant_rank": rank,
                     "quotes": o.quotes, "faithful_quotes": o.faithful_quotes,
                     "latency_ms": round(o.latency_ms, 1)})
    return rows


def choose_systems(spec: str | None, check: bool) -> list[str]:
    """"bm25,dense" -> ["product", "bm25", "dense"]: the product always runs, and the tutorial
    too when the bar is checked (the bar compares against it)."""
    names = [s.strip() for s in (spec or ",".join(systems_mod.SYSTEMS)).split(",") if s.strip()]
    unknown = [n for n in names if n not in systems_mod.SYSTEMS]
    if unknown:
        raise InputError(f"unknown system(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(systems_mod.SYSTEMS)}")
    wanted = {"product", *names, *(["tutorial"] if check else [])}
    return [n for n in systems_mod.SYSTEMS if n in wanted]


def run_command(args) -> int:
    names = choose_systems(args.systems, args.check_bar or args.check_floor)
    questions_path = Path(args.questions) if args.questions else DEFAULT_QUESTIONS
    questions = load_questions(questions_path, load_corpus(args.corpus))  # fail before the model loads
    assistant = Assistant.open(args.corpus, args.index, args.model, cache_dir())
    corpus = assistant.corpus
    model_name = args.model or DEFAULT_MODEL
    systems = systems_mod.make_systems(names, assistant, model_name, cache_dir())
    evaluation = evaluate(questions, corpus, systems)
    summary = evaluation.to_json()
    params = {"model": model_name, "corpus_hash": corpus.hash, "corpus": report.shown_path(corpus.root),
              "questions": report.shown_path(questions_path), "n": len(questions),
              "systems": names, "top_k": DEFAULT_TOP_K, "rank_depth": systems_mod.RANK_DEPTH,
              "single_signal_candidates": systems_mod.CANDIDATES,
              "tutorial": {"chunk_size": systems_mod.TUTORIAL_CHUNK_CHARS, "chunk_overlap": "default",
                           "k": systems_mod.TUTORIAL_K},
              "index": {k: assistant.index.params.get(k) for k in ("n_chunks", "index_kind", "chunk_chars")}}
    paths = report.write_results(Path(args.out) if args.out else report.DEFAULT_OUT, summary,
                                 params, per_question(evaluation.runs["product"]))
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(report.text_table(summary))
        print("\nwritten: " + ", ".join(str(p) for p in paths))
    if args.check_bar or args.check_floor:
        what = "bar" if args.check_bar else "floor"
        failures = check_bar(summary["metrics"], summary["systems"].get("tutorial"),
                             BAR if args.check_bar else FLOOR)
        for failure in failures:
            print(f"below the {what}: {failure}", file=sys.stderr)
        if failures:
            return 1
        short = check_bar(summary["metrics"], summary["systems"].get("tutorial")) if args.check_floor else []
        print(f"the product meets the {what}" + (f" (not yet the bar: {'; '.join(short)})" if short else ""),
              file=sys.stderr)
    return 0

