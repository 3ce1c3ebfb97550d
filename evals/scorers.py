"""Scorers: pure functions from (case, answer) to a score, and `score_case` that builds the
per-case :class:`evals.results.CaseResult` from them.

Text matching is case- and whitespace-insensitive (non-breaking spaces count as spaces) and
otherwise literal: the answer text is checked as the assistant wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from assistant.types import Answer
from evals.metrics import doc_ranking, hit_at, ndcg_at, reciprocal_rank
from evals.results import CaseResult
from evals.testset import Case

_MARKER = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
_WORD = re.compile(r"\w+(?:[-'’.,:/]\w+)*")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})


def normalize(text: str) -> str:
    """Lower case, every run of whitespace (including non-breaking spaces) one space."""
    return " ".join(text.translate(_SPACES).lower().split())


def group_found(group: tuple[str, ...], text: str) -> bool:
    """A ``must_include`` group is satisfied when any alternative occurs in ``text``."""
    haystack = normalize(text)
    return any(normalize(alternative) in haystack for alternative in group)


def failed_groups(case: Case, answer: Answer) -> list[list[str]]:
    """The ``must_include`` groups the answer misses."""
    return [list(g) for g in case.must_include if not group_found(g, answer.text)]


def fact_recall(case: Case, answer: Answer) -> float | None:
    """Share of ``must_include`` groups found (None when the case has none)."""
    if not case.must_include:
        return None
    return 1.0 - len(failed_groups(case, answer)) / len(case.must_include)


def violations(case: Case, answer: Answer) -> list[str]:
    """The ``must_not_include`` strings the answer contains."""
    haystack = normalize(answer.text)
    return [s for s in case.must_not_include if normalize(s) in haystack]


def passed(case: Case, answer: Answer) -> bool:
    """Every ``must_include`` group found and no ``must_not_include`` string present."""
    return not failed_groups(case, answer) and not violations(case, answer)


def ranking_scores(case: Case, answer: Answer) -> dict[str, float]:
    """hit@1/3/5, MRR@10, nDCG@10 of the retrieved documents (empty for unanswerable cases)."""
    if not case.reference_doc_ids:
        return {}
    ranking = doc_ranking(hit.chunk.doc_id for hit in answer.retrieved)
    relevant = case.reference_doc_ids
    return {
        "hit@1": hit_at(ranking, relevant, 1),
        "hit@3": hit_at(ranking, relevant, 3),
        "hit@5": hit_at(ranking, relevant, 5),
        "mrr@10": reciprocal_rank(ranking, relevant, 10),
        "ndcg@10": ndcg_at(ranking, relevant, 10),
    }


def cited_doc_ids(answer: Answer) -> list[str]:
    return doc_ranking(c.doc_id for c in answer.citations)


def citation_precision(case: Case, answer: Answer) -> float | None:
    """Share of cited documents that are reference documents (None: nothing cited)."""
    cited = cited_doc_ids(answer)
    if not case.reference_doc_ids or not cited:
        return None
    return sum(d in case.reference_doc_ids for d in cited) / len(cited)


def citation_recall(case: Case, answer: Answer) -> float | None:
    """Share of reference documents that are cited (None for unanswerable cases)."""
    if not case.reference_doc_ids:
        return None
    cited = set(cited_doc_ids(answer))
    return sum(d in cited for d in case.reference_doc_ids) / len(case.reference_doc_ids)


def cites_reference(case: Case, answer: Answer) -> bool | None:
    """Whether at least one reference document is cited (None for unanswerable cases)."""
    if not case.reference_doc_ids:
        return None
    return bool(set(cited_doc_ids(answer)) & set(case.reference_doc_ids))


def answer_words(text: str) -> int:
    """Words in an answer; ``[n]`` citation markers and punctuation are not words."""
    return len(_WORD.findall(_MARKER.sub(" ", text)))


def entity_mixing(
    case: Case, answer: Answer, publishers: Mapping[str, str | None]
) -> bool | None:
    """Whether an answer cites a document of a publisher none of the reference documents has.

    ``publishers`` maps the indexed ``doc_id``s to their ``publisher``. None (not counted) for
    unanswerable cases and when no reference document has a publisher. A refusal answers
    nothing, so it mixes nothing; cited documents without a publisher are not judged. A case
    whose reference documents come from two publishers (a comparison) may cite both.
    """
    if not case.answerable:
        return None
    expected = {publishers.get(d) for d in case.reference_doc_ids} - {None}
    if not expected:
        return None
    if answer.refused:
        return False
    cited = {publishers.get(c.doc_id) for c in answer.citations} - {None}
    return bool(cited - expected)


CITATION_FIELDS = ("n", "doc_id", "title", "page", "heading", "passage")


def citations_to_dicts(answer: Answer) -> list[dict[str, Any]]:
    """The answer's citations as JSON-ready dicts (via ``assistant.serialize``)."""
    from assistant.serialize import answer_to_dict

    return [{k: c.get(k) for k in CITATION_FIELDS} for c in answer_to_dict(answer)["citations"]]


def hit_to_dict(hit: Any) -> dict[str, Any]:
    return {
        "doc_id": hit.chunk.doc_id,
        "chunk_id": hit.chunk.chunk_id,
        "score": round(float(hit.score), 6),
        "title": hit.chunk.title,
    }


def score_case(
    case: Case,
    answer: Answer,
    latency_ms: float | None,
    *,
    generated: bool = True,
    faithfulness: float | None = None,
    error: str | None = None,
    publishers: Mapping[str, str | None] | None = None,
) -> CaseResult:
    """Run every scorer on one case. ``generated=False`` (retrieval only) scores ranking alone.

    ``publishers`` (doc_id -> publisher of the indexed documents) enables the entity-mixing
    check.
    """
    common: dict[str, Any] = {
        "id": case.id,
        "question": case.question,
        "persona": case.persona,
        "answerable": case.answerable,
        "retrieved": [hit_to_dict(h) for h in answer.retrieved],
        "latency_ms": None if latency_ms is None else round(latency_ms, 2),
        "tags": list(case.tags),
        "reference_doc_ids": list(case.reference_doc_ids),
        "must_include": [list(g) for g in case.must_include],
        "must_not_include": list(case.must_not_include),
        "reference_answer": case.reference_answer,
        "ranking": ranking_scores(case, answer),
        "error": error,
        "history": list(case.history),
    }
    if not generated:
        return CaseResult(answer="", refused=None, citations=[], passed=None, failed_groups=[],
                          **common)
    return CaseResult(
        answer=answer.text,
        refused=answer.refused,
        citations=citations_to_dicts(answer),
        passed=error is None and passed(case, answer),
        failed_groups=failed_groups(case, answer),
        fact_recall=fact_recall(case, answer),
        violations=violations(case, answer),
        citation_precision=citation_precision(case, answer),
        citation_recall=citation_recall(case, answer),
        cites_reference=cites_reference(case, answer),
        faithfulness=faithfulness,
        answer_words=answer_words(answer.text),
        entity_mixing=(
            None if publishers is None or error else entity_mixing(case, answer, publishers)
        ),
        **common,
    )
