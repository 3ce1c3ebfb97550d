"""The refusal model and its threshold fitted from evaluation features (evals/calibrate.py)."""

from __future__ import annotations

import pytest

from evals.calibrate import best_threshold, fit


def test_separable_scores_get_the_midpoint_of_the_gap() -> None:
    threshold, accuracy = best_threshold([0.6, 0.9, 1.1], [0.1, 0.3])
    assert threshold == pytest.approx(0.45) and accuracy == 1.0


def test_overlapping_scores_maximise_balanced_accuracy() -> None:
    threshold, accuracy = best_threshold([0.2, 0.8, 0.9], [0.1, 0.5])
    assert accuracy == pytest.approx((2 / 3 + 1) / 2)
    assert 0.5 < threshold < 0.8


def test_fit_learns_the_informative_feature_and_reports_cross_validated_figures() -> None:
    rows = [((0.9 - i * 0.01, 0.5), True) for i in range(10)]
    rows += [((0.2 + i * 0.01, 0.5), False) for i in range(10)]
    result = fit(rows)
    weights = result["weights"]
    assert isinstance(weights, tuple) and weights[0] > 0 and abs(weights[1]) < 0.01
    assert result["cv_answerable_kept"] == 1.0 and result["cv_unanswerable_refused"] == 1.0
    assert 0.0 < float(result["threshold"]) < 1.0  # type: ignore[arg-type]
