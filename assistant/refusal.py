"""Decide whether the corpus answers a question, from retrieval signals, not a bare cosine.

In: a `Retrieval`. Out: a reason string to refuse, or None to answer.
e5 cosines are compressed (unrelated text still scores 0.7-0.85), so no raw cosine is used.
The two signals are the dense *margin* (best cosine minus the mean of the candidates: how
distinctive the best match is) and lexical *coverage* (IDF-weighted share of the question's
words, weighted by their IDF in general Chinese, that occur anywhere in the corpus). A question is refused when both say the corpus does
not speak about it. Questions naming places or laws outside the corpus are refused before
this, by `scope.outside_scope`.

Measured on evals/questions.jsonl (see README): these two signals separate near-miss
questions poorly (AUC about 0.7), so the policy is set to keep false refusals low (a user
who is wrongly refused loses a provision that exists) rather than to refuse every near miss:
near misses are caught by sharper signals first (`scope.outside_scope`: places, laws and
everyday topics of other laws; `answer_type`: a figure the texts do not state), and this
policy only refuses questions of which at most a fifth is vocabulary the texts use, or
none at all (whatever the margin: a Chinese question none of whose words, place names aside,
occur in the texts is not about them; an English one is measured on its dictionary
translation, which may just lack the words, so it is not refused on that alone).

    Retrieval(dense_margin=0.05, coverage=0.60, …) -> None (answer)
    Retrieval(dense_margin=0.02, coverage=0.15, …) -> "most of what the question asks …" (refuse)
    Retrieval(dense_margin=0.05, coverage=0.00, …) -> "nothing the question asks …" (refuse)
"""
from __future__ import annotations

from dataclasses import dataclass

from .retrieve import Retrieval


@dataclass(frozen=True)
class RefusalPolicy:
    min_coverage: float = 0.20  # below this share of the question's information the texts lack its topic
    min_margin: float = 0.04  # below this the best dense match is not distinctive
    no_coverage: float = 0.05  # below this none of the question's own words occur in the texts

    def reason(self, retrieval: Retrieval) -> str | None:
        if not retrieval.hits:
            return "no provision matched"
        if retrieval.coverage < self.no_coverage and not retrieval.translated:
            return f"nothing the question asks about occurs in the texts (coverage {retrieval.coverage:.2f})"
        if retrieval.coverage < self.min_coverage and retrieval.dense_margin < self.min_margin:
            return (f"most of what the question asks about never occurs in the texts (coverage "
                    f"{retrieval.coverage:.2f}) and no provision stands out (margin "
                    f"{retrieval.dense_margin:.3f})")
        return None


DEFAULT_POLICY = RefusalPolicy()
