"""The default generator: no model, the answer is composed of quoted source units.

Every sentence, whole list and table row of the retrieved chunks is a candidate *unit*
(:func:`assistant.textunits.split_units`). A unit's score is

* the IDF-weighted share of the question's stemmed content terms it contains (terms found only in
  its heading or document title count half),
* plus a small bonus for the retrieval rank of its chunk,
* plus answer-type cues: list questions ("vilka", "varför", "which") favour whole lists,
  quantity questions ("hur många", "målvärde", "mäts") favour units with digits, time questions
  ("när", "vilket år") favour units with a year.

The best unit is always kept; others join when they score at least :data:`KEEP_RATIO` of the
best (or :data:`GAIN_RATIO` when they cover question terms no chosen unit covers yet, so both
halves of a two-part question get answered), are not near-duplicates, and the answer stays
within :data:`MAX_UNITS` units. Units are printed grouped by source, each followed by its ``[n]``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assistant.generation import Source
from assistant.textunits import Unit, content_terms, matched_terms, split_units, term_set

MAX_UNITS = 4
MAX_CHARS = 1400
KEEP_RATIO = 0.6
# A unit that covers question terms no chosen unit covers yet (multi-part questions) joins at a
# lower score: GAIN_RATIO of the best, if the new terms carry NEW_TERMS_GAIN of the weight.
GAIN_RATIO = 0.35
NEW_TERMS_GAIN = 0.15
RANK_BONUS = 0.2
CUE_BONUS = 0.2

LEADS = {
    "sv": "Så här står det i dokumenten:",
    "en": "This is what the documents say (quoted in Swedish):",
}
_LIST_Q = re.compile(r"\b(vilka|varför|which|what are|list)\b", re.IGNORECASE)
_NUMERIC_Q = re.compile(
    r"\b(hur många|hur mycket|hur stor|målvärde\w*|antal\w*|andel\w*|procent|nyckeltal\w*|"
    r"indikator\w*|mäts|mäter|how many|how much)\b",
    re.IGNORECASE,
)
_TIME_Q = re.compile(r"\b(när|vilket år|vilket årtal|when|what year)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class ScoredUnit:
    unit: Unit
    source: Source
    order: int
    score: float
    overlap: float
    terms: frozenset[str]
    matched: frozenset[str]
    weights: dict[str, float]


def validity_note(source: Source) -> str:
    """`` (gällde 2019–2022)`` for a superseded source, else empty."""
    if not source.superseded:
        return ""
    chunk = source.hit.chunk
    start = chunk.valid_from.year if chunk.valid_from else None
    end = chunk.valid_to.year if chunk.valid_to else None
    span = f"{start}–{end}" if start and start != end else f"till {end}"
    return f" (gällde {span})"


def score_units(question: str, sources: Sequence[Source]) -> list[ScoredUnit]:
    """Every unit of every source, scored against ``question``, best first."""
    qterms = content_terms(question)
    candidates: list[tuple[Unit, Source, int, frozenset[str], set[str], set[str]]] = []
    for order, source in enumerate(sources):
        chunk = source.hit.chunk
        context_terms = term_set(" ".join((chunk.title, *chunk.heading_path)))
        for unit in split_units(chunk.text, chunk.heading_path):
            terms = term_set(unit.text)
            in_text = matched_terms(qterms, terms)
            in_context = matched_terms(qterms, context_terms | term_set(unit.context)) - in_text
            candidates.append((unit, source, order, terms, in_text, in_context))
    if not candidates:
        return []
    n = len(candidates)
    df = {q: sum(q in c[4] or q in c[5] for c in candidates) for q in qterms}
    weight = {q: math.log(1 + n / (1 + df[q])) for q in qterms}
    total = sum(weight.values()) or 1.0
    share = {q: w / total for q, w in weight.items()}
    list_q = bool(_LIST_Q.search(question))
    numeric_q = bool(_NUMERIC_Q.search(question))
    time_q = bool(_TIME_Q.search(question))
    scored = []
    for unit, source, order, terms, in_text, in_context in candidates:
        overlap = (
            sum(weight[q] for q in in_text) + 0.5 * sum(weight[q] for q in in_context)
        ) / total
        score = overlap + RANK_BONUS / (1 + order)
        if list_q and unit.kind == "list":
            score += CUE_BONUS
        if numeric_q and _DIGIT.search(unit.text):
            score += CUE_BONUS
        if time_q and _YEAR.search(unit.text):
            score += CUE_BONUS
        scored.append(
            ScoredUnit(
                unit, source, order, score, overlap, terms, frozenset(in_text | in_context), share
            )
        )
    scored.sort(key=lambda s: (-s.score, s.order, s.unit.position))
    return scored


def _near_duplicate(candidate: ScoredUnit, chosen: Sequence[ScoredUnit]) -> bool:
    text = " ".join(candidate.unit.text.lower().split())
    for other in chosen:
        other_text = " ".join(other.unit.text.lower().split())
        if text in other_text or other_text in text:
            return True
        union = candidate.terms | other.terms
        if union and len(candidate.terms & other.terms) / len(union) >= 0.6:
            return True
    return False


def select_units(question: str, sources: Sequence[Source]) -> list[ScoredUnit]:
    """The units the answer quotes, grouped by source (sources in order of their best unit)."""
    scored = score_units(question, sources)
    if not scored:
        return []
    best = scored[0]
    chosen = [best]
    length = len(best.unit.text)
    covered = set(best.matched)
    for candidate in scored[1:]:
        if len(chosen) >= MAX_UNITS:
            break
        new_terms = candidate.matched - covered
        adds_facts = sum(candidate.weights[q] for q in new_terms) >= NEW_TERMS_GAIN
        if candidate.overlap <= 0 or (
            candidate.score < KEEP_RATIO * best.score
            and not (adds_facts and candidate.score >= GAIN_RATIO * best.score)
        ):
            continue
        if length + len(candidate.unit.text) > MAX_CHARS or _near_duplicate(candidate, chosen):
            continue
        chosen.append(candidate)
        covered |= candidate.matched
        length += len(candidate.unit.text)
    first_seen: dict[int, int] = {}
    for rank, item in enumerate(chosen):
        first_seen.setdefault(item.source.n, rank)
    return sorted(chosen, key=lambda s: (first_seen[s.source.n], s.unit.position))


class ExtractiveGenerator:
    """Answers by quoting the best supporting units of the sources, each with its ``[n]``."""

    name = "extractive"

    def generate(self, question: str, sources: Sequence[Source], language: str = "sv") -> str:
        chosen = select_units(question, sources)
        lead = LEADS.get(language, LEADS["sv"])
        if not chosen:
            return lead
        lines = [
            f"{item.unit.text}{validity_note(item.source)} [{item.source.n}]" for item in chosen
        ]
        return lead + "\n\n" + "\n".join(lines)

    def stream(
        self, question: str, sources: Sequence[Source], language: str = "sv"
    ) -> Iterator[str]:
        text = self.generate(question, sources, language)
        yield from text.splitlines(keepends=True)
