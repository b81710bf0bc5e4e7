"""Decide whether the corpus answers a question, from retrieval signals, not a bare cosine.

In: a `Retrieval` (and the scope check's result). Out: a reason string to refuse, or None.
e5 cosines are compressed (unrelated text still scores 0.7-0.85), so the dense signal used is
the *margin* of the best chunk over the mean of the top candidates, combined with lexical
coverage: the IDF-weighted share of the question's words that the corpus contains at all.
A question is answered when either signal is clearly strong, or both are moderate.

    Retrieval(dense_margin=0.09, coverage=0.95, …) -> None (answer)
    Retrieval(dense_margin=0.02, coverage=0.40, …) -> "weak match" (refuse)
"""
from __future__ import annotations

from dataclasses import dataclass

from .retrieve import Retrieval


@dataclass(frozen=True)
class RefusalPolicy:
    strong_margin: float = 0.075  # dense margin that answers on its own
    min_margin: float = 0.035  # below this the dense side never vouches
    min_coverage: float = 0.6  # lexical coverage that, with min_margin, answers
    strong_coverage: float = 0.9  # coverage that answers when the margin is at least min_margin/2

    def reason(self, retrieval: Retrieval) -> str | None:
        if not retrieval.hits:
            return "no provision matched"
        m, cov = retrieval.dense_margin, retrieval.coverage
        if m >= self.strong_margin and cov >= self.min_coverage / 2:
            return None
        if m >= self.min_margin and cov >= self.min_coverage:
            return None
        if m >= self.min_margin / 2 and cov >= self.strong_coverage:
            return None
        return f"weak match (dense margin {m:.3f}, coverage {cov:.2f})"


DEFAULT_POLICY = RefusalPolicy()
