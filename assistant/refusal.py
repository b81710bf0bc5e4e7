"""Decide whether the corpus answers a question, from retrieval signals, not a bare cosine.

In: a `Retrieval`. Out: a reason string to refuse, or None to answer.
e5 cosines are compressed (unrelated text still scores 0.7-0.85), so no raw cosine is used.
Three signals: lexical *coverage* (IDF-weighted share of the question's words, weighted by
their IDF in general Chinese, that occur anywhere in the corpus), the dense *margin* (best cosine
minus the mean of the candidates: how distinctive the best match is), and *on topic* (how many
spreads the best cosine stands above the level everyday questions reach against this same
corpus in the question's language: `index.offtopic`). Questions naming places or laws outside
the corpus are refused before this, by `scope.outside_scope`.

A question on topic (3 spreads or more) is answered: people ask in their own words, not the
statute's ("养狗要去哪里办证？" of a text that only says 犬 has no word in common with it), so
low coverage alone must not refuse it. Below that, a Chinese question none of whose words (place
names aside) occur in the texts is refused, and so is any question of which at most a fifth is
the texts' vocabulary when no provision stands out either (an English question is measured on
its dictionary translation, which may just lack the words, so only this second rule applies,
unless no word of it translates into the texts' words at all: `Retrieval.translated`).
Near misses (a neighbouring topic, another law) are on topic by this measure; they are caught by
sharper signals first (`scope.outside_scope`: places, laws and everyday topics of other laws;
`answer_type`: a figure the texts do not state).

    Retrieval(on_topic=4.1, coverage=0.00, …) -> None (answer)
    Retrieval(on_topic=1.2, dense_margin=0.02, coverage=0.15, …) -> "most of what the question asks …" (refuse)
    Retrieval(on_topic=2.0, dense_margin=0.05, coverage=0.00, …) -> "nothing the question asks …" (refuse)
"""
from __future__ import annotations

from dataclasses import dataclass

from .retrieve import Retrieval


@dataclass(frozen=True)
class RefusalPolicy:
    min_coverage: float = 0.20  # below this share of the question's information the texts lack its topic
    min_margin: float = 0.04  # below this the best dense match is not distinctive
    no_coverage: float = 0.05  # below this none of the question's own words occur in the texts
    on_topic: float = 3.0  # from this many spreads above everyday questions, the texts' topic

    def reason(self, retrieval: Retrieval) -> str | None:
        if not retrieval.hits:
            return "no provision matched"
        if retrieval.on_topic >= self.on_topic:
            return None  # in other words than the texts', but about what they speak of
        if retrieval.coverage < self.no_coverage and not retrieval.translated:
            return (f"nothing the question asks about occurs in the texts (coverage {retrieval.coverage:.2f}), "
                    f"and it comes no closer to them than everyday questions do ({retrieval.on_topic:.1f} spreads)")
        if retrieval.coverage < self.min_coverage and retrieval.dense_margin < self.min_margin:
            return (f"most of what the question asks about never occurs in the texts (coverage "
                    f"{retrieval.coverage:.2f}), no provision stands out (margin {retrieval.dense_margin:.3f}) "
                    f"and it comes no closer to them than everyday questions do ({retrieval.on_topic:.1f} spreads)")
        return None


DEFAULT_POLICY = RefusalPolicy()
