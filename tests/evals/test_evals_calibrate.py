"""The refusal threshold chosen from evaluation scores (evals/calibrate.py)."""

from __future__ import annotations

import pytest

from evals.calibrate import best_threshold


def test_separable_scores_get_the_midpoint_of_the_gap() -> None:
    threshold, accuracy = best_threshold([0.6, 0.9, 1.1], [0.1, 0.3])
    assert threshold == pytest.approx(0.45) and accuracy == 1.0


def test_overlapping_scores_maximise_accuracy() -> None:
    threshold, accuracy = best_threshold([0.2, 0.8, 0.9], [0.1, 0.5])
    assert accuracy == pytest.approx(0.8)
    assert 0.5 < threshold < 0.8
