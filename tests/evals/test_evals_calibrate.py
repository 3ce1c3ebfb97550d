"""The refusal model and its threshold fitted from evaluation features (evals/calibrate.py)."""

from __future__ import annotations

import json
from pathlib import Path

from evals.calibrate import THRESHOLD, conversation, fit, model_record


def test_fit_learns_the_informative_feature_and_reports_cross_validated_figures() -> None:
    rows = [((0.9 - i * 0.01, 0.5), True) for i in range(10)]
    rows += [((0.2 + i * 0.01, 0.5), False) for i in range(10)]
    result = fit(rows)
    weights = result["weights"]
    assert isinstance(weights, tuple) and weights[0] > 0 and abs(weights[1]) < 0.01
    assert result["cv_answerable_kept"] == 1.0 and result["cv_unanswerable_refused"] == 1.0
    assert result["threshold"] == THRESHOLD == 0.5
    assert result["cv_balanced_accuracy"] == 1.0


def _rows() -> list[tuple[tuple[float, float], bool]]:
    rows = [((0.9 - i * 0.01, (i * 7) % 5 / 10), True) for i in range(12)]
    return rows + [((0.3 + i * 0.01, (i * 3) % 5 / 10), False) for i in range(8)]


def test_fit_is_deterministic_and_keeps_a_conversation_in_one_fold() -> None:
    rows = _rows()
    groups = [f"g{i // 2}" for i in range(len(rows))]  # pairs of turns of one conversation
    assert fit(rows, groups) == fit(rows, groups)
    assert fit(rows, groups)["cases"] == len(rows)


def test_the_conversation_of_a_case_groups_its_turns() -> None:
    from evals.testset import Case

    first = Case(id="a", question="Och där?", answerable=True, history=("Vad är visionen?",))
    second = Case(id="b", question="När antogs den?", answerable=True,
                  history=("Vad är visionen?",))
    alone = Case(id="c", question="Vad är visionen?", answerable=True)
    assert conversation(first) == conversation(second) != conversation(alone)


def test_the_written_record_loads_as_the_assistants_model(tmp_path: Path) -> None:
    from assistant.refusal import FEATURES, load_model

    rows = [((*f, *(0.5,) * (len(FEATURES) - 2)), a) for f, a in _rows()]
    result = fit(rows)
    record = model_record(result, FEATURES, {"split": "tune"})
    path = tmp_path / "model.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    model = load_model(path)
    assert model.weights == result["weights"] and model.threshold == result["threshold"]
    assert record["fitted"]["cv_auc"] == result["cv_auc"]
    assert model.probability(rows[0][0]) > model.threshold > model.probability(rows[-1][0])
