"""Metric math: doc-level ranking metrics, percentiles, and aggregation of case results.

Every metric is deterministic. Ranking metrics use the document ranking: the retrieved chunks'
``doc_id``s in rank order with duplicates removed, judged against ``reference_doc_ids``
(binary relevance).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from evals.results import CaseResult

LONG_ANSWER_WORDS = 150


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    higher_is_better: bool = True
    unit: str = "ratio"  # "ratio" (0..1), "count", "ms" or "words"
    model_judged: bool = False


METRICS: tuple[Metric, ...] = (
    Metric("hit@1", "Träff@1 (rätt dokument först)"),
    Metric("hit@3", "Träff@3"),
    Metric("hit@5", "Träff@5"),
    Metric("mrr@10", "MRR@10"),
    Metric("ndcg@10", "nDCG@10"),
    Metric("pass_rate", "Godkända fall"),
    Metric("answerable_pass_rate", "Godkända besvarbara fall"),
    Metric("all_facts_rate", "Besvarbara fall med alla fakta"),
    Metric("fact_recall", "Faktatäckning"),
    Metric("must_not_include_violations", "Förbjudna formuleringar", False, "count"),
    Metric("citation_precision", "Källprecision"),
    Metric("citation_recall", "Källtäckning"),
    Metric("citation_hit_rate", "Citerar rätt källa"),
    Metric("entity_mixing", "Svar med annan entitets dokument", False, "count"),
    Metric("answer_words_p50", "Svarslängd, median (ord)", False, "words"),
    Metric("long_answer_rate", f"Svar över {LONG_ANSWER_WORDS} ord", False),
    Metric("refusal_accuracy", "Korrekt vägran (obesvarbara)"),
    Metric("false_refusal_rate", "Felaktig vägran (besvarbara)", False),
    Metric("latency_p50_ms", "Svarstid p50", False, "ms"),
    Metric("latency_p95_ms", "Svarstid p95", False, "ms"),
    Metric("faithfulness", "Trohet mot källorna (modellbedömd)", True, "ratio", True),
)
METRICS_BY_KEY = {m.key: m for m in METRICS}


def doc_ranking(doc_ids: Iterable[str]) -> list[str]:
    """Document ids in first-seen order, duplicates removed."""
    return list(dict.fromkeys(doc_ids))


def hit_at(ranking: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """1.0 when any relevant document is among the first ``k``."""
    wanted = set(relevant)
    return 1.0 if any(d in wanted for d in ranking[:k]) else 0.0


def reciprocal_rank(ranking: Sequence[str], relevant: Iterable[str], k: int = 10) -> float:
    """1 / rank of the first relevant document within the first ``k``, else 0."""
    wanted = set(relevant)
    for rank, doc_id in enumerate(ranking[:k], start=1):
        if doc_id in wanted:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranking: Sequence[str], relevant: Iterable[str], k: int = 10) -> float:
    """Normalised discounted cumulative gain with binary relevance."""
    wanted = set(relevant)
    if not wanted:
        return 0.0
    dcg = sum(1.0 / math.log2(r + 1) for r, d in enumerate(ranking[:k], start=1) if d in wanted)
    ideal = sum(1.0 / math.log2(r + 1) for r in range(1, min(len(wanted), k) + 1))
    return dcg / ideal


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0..100) with linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _mean(values: Iterable[float | bool | None]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


def aggregate(results: Sequence[CaseResult]) -> dict[str, float | int | None]:
    """Every metric over ``results``; a metric without applicable cases is None."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    generated = [r for r in results if r.passed is not None]
    gen_answerable = [r for r in generated if r.answerable]
    gen_unanswerable = [r for r in generated if not r.answerable]
    latencies = [r.latency_ms for r in results if r.latency_ms is not None]
    # Length is measured on answers given: a refusal is short, and must not pull the median down.
    answered = [r for r in gen_answerable if not r.refused and r.answer_words is not None]
    judged = [r for r in gen_answerable if r.entity_mixing is not None]

    def over(
        rows: Sequence[CaseResult], get: Callable[[CaseResult], float | bool | None]
    ) -> float | None:
        return _mean(get(r) for r in rows)

    summary: dict[str, float | int | None] = {
        "cases": len(results),
        "answerable_cases": len(answerable),
        "unanswerable_cases": len(unanswerable),
        "errors": sum(1 for r in results if r.error),
    }
    for key in ("hit@1", "hit@3", "hit@5", "mrr@10", "ndcg@10"):
        summary[key] = over(answerable, lambda r, key=key: r.ranking.get(key))
    summary.update(
        pass_rate=over(generated, lambda r: r.passed),
        answerable_pass_rate=over(gen_answerable, lambda r: r.passed),
        all_facts_rate=over(gen_answerable, lambda r: not r.failed_groups and not r.error),
        fact_recall=over(gen_answerable, lambda r: r.fact_recall),
        must_not_include_violations=(
            sum(len(r.violations) for r in generated) if generated else None
        ),
        citation_precision=over(gen_answerable, lambda r: r.citation_precision),
        citation_recall=over(gen_answerable, lambda r: r.citation_recall),
        citation_hit_rate=over(gen_answerable, lambda r: r.cites_reference),
        entity_mixing=sum(bool(r.entity_mixing) for r in judged) if judged else None,
        entity_judged_cases=len(judged),
        answer_words_p50=percentile([float(r.answer_words or 0) for r in answered], 50),
        long_answer_rate=over(answered, lambda r: (r.answer_words or 0) > LONG_ANSWER_WORDS),
        refusal_accuracy=over(gen_unanswerable, lambda r: r.refused),
        false_refusal_rate=over(gen_answerable, lambda r: r.refused),
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
        faithfulness=over(generated, lambda r: r.faithfulness),
    )
    return summary


def summarize(results: Sequence[CaseResult]) -> dict[str, object]:
    """Metrics overall, per persona and per tag."""
    order = {"resident": 0, "staff": 1, "evaluator": 2}
    personas = sorted({r.persona for r in results}, key=lambda p: (order.get(p, 9), p))
    tags = sorted({t for r in results for t in r.tags})
    return {
        "overall": aggregate(results),
        "per_persona": {p: aggregate([r for r in results if r.persona == p]) for p in personas},
        "per_tag": {t: aggregate([r for r in results if t in r.tags]) for t in tags},
    }
