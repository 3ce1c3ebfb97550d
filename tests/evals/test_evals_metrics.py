from __future__ import annotations

import math

import pytest

from evals.metrics import aggregate, doc_ranking, hit_at, ndcg_at, percentile, reciprocal_rank
from evals.results import CaseResult


def result(id: str, answerable: bool = True, passed: bool | None = True, refused: bool = False,
           persona: str = "resident", latency: float = 100.0, hit5: float = 1.0) -> CaseResult:
    return CaseResult(id=id, question="?", persona=persona, answerable=answerable, answer="",
                      refused=refused, citations=[], retrieved=[], passed=passed,
                      failed_groups=[], latency_ms=latency,
                      ranking={"hit@5": hit5} if answerable else {})


def test_doc_ranking_keeps_first_occurrence() -> None:
    assert doc_ranking(["a", "b", "a", "c", "b"]) == ["a", "b", "c"]


def test_hit_at_k() -> None:
    assert hit_at(["x", "y", "a"], {"a"}, 2) == 0.0
    assert hit_at(["x", "y", "a"], {"a"}, 3) == 1.0


def test_reciprocal_rank_stops_at_k() -> None:
    assert reciprocal_rank(["x", "a"], {"a"}) == 0.5
    assert reciprocal_rank(["x"] * 10 + ["a"], {"a"}, 10) == 0.0


def test_ndcg_is_one_for_ideal_order_and_less_otherwise() -> None:
    assert ndcg_at(["a", "b", "x"], {"a", "b"}) == 1.0
    assert ndcg_at(["x", "a"], {"a"}) == pytest.approx(1 / math.log2(3))


def test_percentile_interpolates() -> None:
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile([], 95) is None


def test_refusal_accuracy_and_false_refusals() -> None:
    summary = aggregate([result("a"), result("b", refused=True, passed=False),
                         result("u1", answerable=False, refused=True),
                         result("u2", answerable=False, refused=False, passed=False)])
    assert summary["refusal_accuracy"] == 0.5
    assert summary["false_refusal_rate"] == 0.5
    assert summary["answerable_pass_rate"] == 0.5


def test_retrieval_only_results_have_no_answer_metrics() -> None:
    summary = aggregate([result("a", passed=None, hit5=0.0), result("b", passed=None)])
    assert summary["hit@5"] == 0.5
    assert summary["pass_rate"] is None and summary["must_not_include_violations"] is None
