"""The quality bar of issue 5, checked by `python -m evals run --check-bar` (and CI).

In: the product's metrics and the tutorial recipe's metrics from one run. Out: the list of
failures, empty when the product meets the bar.

    check_bar({"hit@1": 0.85, ...}, tutorial) -> ["hit@1 = 0.85, needs >= 0.9", ...]
"""
from __future__ import annotations

import operator
from dataclasses import dataclass

from .metrics import RETRIEVAL_METRICS


@dataclass(frozen=True)
class Threshold:
    metric: str
    op: str  # ">=", "<=" or "=="
    value: float


BAR = (
    Threshold("hit@1", ">=", 0.90),
    Threshold("recall@5", ">=", 0.97),
    Threshold("mrr@10", ">=", 0.93),
    Threshold("refusal_rate_unanswerable", ">=", 0.90),
    Threshold("false_refusal_rate", "<=", 0.03),
    Threshold("quote_faithfulness", "==", 1.0),
)
AHEAD_OF_TUTORIAL = RETRIEVAL_METRICS  # hit@1, hit@5, recall@5, recall@10, mrr@10, ndcg@10
OPS = {">=": operator.ge, "<=": operator.le, "==": operator.eq}


def check_bar(metrics: dict, tutorial: dict | None) -> list[str]:
    """Every way the product's `metrics` miss the bar; `tutorial` None means it was not run."""
    failures = []
    for t in BAR:
        value = metrics.get(t.metric)
        if value is None:
            failures.append(f"{t.metric} was not measured (no questions of that kind), "
                            f"needs {t.op} {t.value}")
        elif not OPS[t.op](value, t.value):
            failures.append(f"{t.metric} = {value}, needs {t.op} {t.value}")
    if tutorial is None:
        return failures + ["the tutorial recipe was not run: run with --systems including tutorial"]
    for name in AHEAD_OF_TUTORIAL:
        ours, theirs = metrics.get(name), tutorial.get(name)
        if ours is None or theirs is None or not ours > theirs:
            failures.append(f"{name} = {ours}, not ahead of the tutorial recipe's {theirs}")
    return failures
