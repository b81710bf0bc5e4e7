"""Write and show evaluation results: dated JSON, a Markdown table and a PNG chart.

In: the `--json` summary (`Evaluation.to_json()`), the run's parameters and the product's
per-question rows. Out, under the results folder (default `evals/results/`):
    2025-11-23-1a2b3c4d.json   date, model, corpus hash, parameters, metrics, per-question rows
    2025-11-23-1a2b3c4d.md     systems × metrics, and the product per language
    2025-11-23-1a2b3c4d.png    bar chart of the same (matplotlib, Agg backend)
    latest.json / latest.md / latest.png   copies of the newest
The date is the local date and the suffix the first 8 hex digits of the corpus hash, so a
re-run on the same day replaces that day's files and a regression shows up as a diff.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from corpus.errors import RegQAError

from .metrics import METRICS

DEFAULT_OUT = Path(__file__).resolve().parent / "results"
PROJECT = Path(__file__).resolve().parent.parent
RATE_METRICS = METRICS[:9]  # shares in [0, 1]; the last two are milliseconds


def shown_path(path: Path) -> str:
    """A path as recorded in results: relative to the project when inside it."""
    path = Path(path).resolve()
    return path.relative_to(PROJECT).as_posix() if path.is_relative_to(PROJECT) else str(path)


def _cell(value, metric: str = "") -> str:
    """0.91234 -> "0.9123"; latency 1424.4957 -> "1424.5"; None -> "–"."""
    if value is None:
        return "–"
    return f"{value:.1f}" if metric.startswith("latency") else f"{value:.4f}"


def markdown(summary: dict, params: dict, date: str) -> str:
    head = "| system | " + " | ".join(METRICS) + " |\n|---|" + "---:|" * len(METRICS)
    rows = [f"| {name} | " + " | ".join(_cell(m[k], k) for k in METRICS) + " |"
            for name, m in summary["systems"].items()]
    langs = [f"| product ({lang}) | " + " | ".join(_cell(m[k], k) for k in METRICS) + " |"
             for lang, m in summary["by_lang"].items()]
    return (f"# Retrieval evaluation, {date}\n\n"
            f"Model `{params['model']}`, corpus `{params['corpus']}` (hash {params['corpus_hash'][:8]}), "
            f"questions `{params['questions']}` (n = {summary['n']}). Hit and recall over answerable "
            "questions; latency in milliseconds; `–` = no question of that kind.\n\n"
            + "\n".join([head, *rows]) + "\n\nThe product per language:\n\n"
            + "\n".join([head.replace("| system |", "| language |", 1), *langs]) + "\n")


def text_table(summary: dict) -> str:
    """Metrics as rows, systems (and the product per language) as columns, for a terminal."""
    columns = {**summary["systems"], **{f"product/{k}": v for k, v in summary["by_lang"].items()}}
    width = max(12, *(len(c) + 2 for c in columns))
    lines = [f"{'n = ' + str(summary['n']):<26}" + "".join(f"{c:>{width}}" for c in columns)]
    for k in METRICS:
        lines.append(f"{k:<26}" + "".join(f"{_cell(m[k], k):>{width}}" for m in columns.values()))
    return "\n".join(lines)


def chart(summary: dict, path: Path, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(summary["systems"])
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 5), gridspec_kw={"width_ratios": [4, 1]})
    width = 0.8 / len(names)
    for n, name in enumerate(names):
        m = summary["systems"][name]
        xs = [i + n * width for i in range(len(RATE_METRICS))]
        left.bar(xs, [m[k] or 0 for k in RATE_METRICS], width, label=name)
        right.bar([i + n * width for i in range(2)],
                  [m["latency_ms_p50"] or 0, m["latency_ms_p95"] or 0], width, label=name)
    left.set_xticks([i + 0.4 - width / 2 for i in range(len(RATE_METRICS))], RATE_METRICS,
                    rotation=30, ha="right")
    left.set_ylim(0, 1.18)
    left.legend(loc="upper center", ncols=len(names), fontsize="small")
    left.set_title(title)
    right.set_xticks([0.4 - width / 2, 1.4 - width / 2], ["p50", "p95"])
    right.set_ylabel("latency (ms)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def results_json(record: dict) -> str:
    """Indented JSON with one line per question, so that a changed answer is a one-line diff."""
    head = json.dumps({k: v for k, v in record.items() if k != "questions"}, ensure_ascii=False, indent=1)
    rows = ",\n  ".join(json.dumps(r, ensure_ascii=False) for r in record["questions"])
    return head[:-2] + f',\n "questions": [\n  {rows}\n ]\n}}\n'


def write_results(out_dir: Path, summary: dict, params: dict, rows: list[dict]) -> list[Path]:
    """Write the dated files and the `latest.*` copies; returns the dated paths."""
    date = dt.date.today().isoformat()
    stem = f"{date}-{params['corpus_hash'][:8]}"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        record = {"date": date, "model": params["model"], "corpus_hash": params["corpus_hash"],
                  "parameters": params, **summary, "questions": rows}
        paths = [out_dir / f"{stem}.{ext}" for ext in ("json", "md", "png")]
        paths[0].write_text(results_json(record), encoding="utf-8")
        paths[1].write_text(markdown(summary, params, date), encoding="utf-8")
        chart(summary, paths[2], f"{params['model']} · corpus {params['corpus_hash'][:8]} · "
                                 f"n = {summary['n']} · {date}")
        for path in paths:
            shutil.copyfile(path, out_dir / f"latest{path.suffix}")
    except OSError as exc:
        raise RegQAError(f"cannot write results in {out_dir} ({exc.strerror}); give a writable "
                         "folder with --out") from None
    return paths
