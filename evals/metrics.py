"""Retrieval, refusal, faithfulness and latency metrics of one system over a question set.

In: per-question `Outcome`s (the provisions a system ranked, whether it refused, how many of its
quotes were verbatim, how long it took). Out: a dict of metrics named as in BEIR, rounded to 4
places. Relevance is binary at article level; a provision is a (document id, article) pair.

    ranked = [A, R1, B, R2], relevant = {R1, R2, R3}
    hit_at(ranked, relevant, 1) -> 0.0       recall_at(ranked, relevant, 5) -> 0.6667
    mrr_at(ranked, relevant) -> 0.5          ndcg_at(ranked, relevant) -> 0.4982
      (DCG = 1/log2(3) + 1/log2(5) = 1.0616; ideal DCG = 1 + 1/log2(3) + 1/log2(4) = 2.1309)

Hit/recall/MRR/nDCG and the false-refusal rate are over answerable questions, the refusal rate
over unanswerable ones; ranking metrics use the ranking whether or not the system then refused.
A metric whose denominator is empty (no unanswerable English questions, no quotes) is None.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence

import numpy as np

METRICS = ("hit@1", "hit@5", "recall@5", "recall@10", "mrr@10", "ndcg@10", "false_refusal_rate",
           "refusal_rate_unanswerable", "quote_faithfulness", "latency_ms_p50", "latency_ms_p95")
RETRIEVAL_METRICS = METRICS[:6]


@dataclass(frozen=True)
class Outcome:
    id: str
    lang: str
    answerable: bool
    relevant: tuple[Hashable, ...]
    ranked: tuple[Hashable, ...]  # best first, at most 10 distinct provisions
    refused: bool
    quotes: int  # quotes the system returned
    faithful_quotes: int  # of which exact substrings of the provision they cite
    latency_ms: float


def _top(ranked: Sequence, k: int) -> list:
    """Distinct provisions in rank order, first k: [a, b, a, c] -> [a, b, c][:k]."""
    return list(dict.fromkeys(ranked))[:k]


def hit_at(ranked: Sequence, relevant: Iterable, k: int) -> float:
    """1.0 when a relevant provision is among the first k."""
    relevant = set(relevant)
    return float(any(p in relevant for p in _top(ranked, k)))


def recall_at(ranked: Sequence, relevant: Iterable, k: int) -> float:
    """Share of the relevant provisions found among the first k."""
    relevant = set(relevant)
    return len(relevant.intersection(_top(ranked, k))) / len(relevant) if relevant else 0.0


def mrr_at(ranked: Sequence, relevant: Iterable, k: int = 10) -> float:
    """1 / rank of the first relevant provision within the first k, else 0."""
    relevant = set(relevant)
    return next((1 / rank for rank, p in enumerate(_top(ranked, k), 1) if p in relevant), 0.0)


def ndcg_at(ranked: Sequence, relevant: Iterable, k: int = 10) -> float:
    """Binary-relevance nDCG: sum of 1/log2(rank+1) over relevant hits, over the ideal sum."""
    relevant = set(relevant)
    dcg = sum(1 / math.log2(rank + 1) for rank, p in enumerate(_top(ranked, k), 1) if p in relevant)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


def first_relevant_rank(ranked: Sequence, relevant: Iterable, k: int = 10) -> int | None:
    """1-based rank of the first relevant provision within the first k, else None."""
    relevant = set(relevant)
    return next((rank for rank, p in enumerate(_top(ranked, k), 1) if p in relevant), None)


def _mean(values: list[float]) -> float | None:
    return round(float(sum(values) / len(values)), 4) if values else None


def _percentile(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 4) if values else None


def summarise(outcomes: Sequence[Outcome]) -> dict:
    """All of `METRICS` over the outcomes (see module docstring for the denominators)."""
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    quotes = sum(o.quotes for o in outcomes)
    latencies = [o.latency_ms for o in outcomes]
    return {
        "hit@1": _mean([hit_at(o.ranked, o.relevant, 1) for o in answerable]),
        "hit@5": _mean([hit_at(o.ranked, o.relevant, 5) for o in answerable]),
        "recall@5": _mean([recall_at(o.ranked, o.relevant, 5) for o in answerable]),
        "recall@10": _mean([recall_at(o.ranked, o.relevant, 10) for o in answerable]),
        "mrr@10": _mean([mrr_at(o.ranked, o.relevant, 10) for o in answerable]),
        "ndcg@10": _mean([ndcg_at(o.ranked, o.relevant, 10) for o in answerable]),
        "false_refusal_rate": _mean([float(o.refused) for o in answerable]),
        "refusal_rate_unanswerable": _mean([float(o.refused) for o in unanswerable]),
        "quote_faithfulness": round(sum(o.faithful_quotes for o in outcomes) / quotes, 4) if quotes else None,
        "latency_ms_p50": _percentile(latencies, 50),
        "latency_ms_p95": _percentile(latencies, 95),
    }


def by_lang(outcomes: Sequence[Outcome], langs: Sequence[str] = ("zh", "en")) -> dict[str, dict]:
    """`summarise` per language; a language without questions gets all-None metrics."""
    return {lang: summarise([o for o in outcomes if o.lang == lang]) for lang in langs}
