"""The refusal model stored as data (assistant/refusal_model.json) and how it loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.refusal import (
    FEATURES,
    MODEL_FILE,
    CorpusStats,
    RefusalModel,
    RefusalModelError,
    load_model,
    measure_evidence,
    should_refuse,
    stored_model,
)
from assistant.types import Chunk, Hit


def test_the_stored_model_has_the_features_and_how_it_was_fitted() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == FEATURES
    assert data["fitted"]["split"] == "tune" and data["fitted"]["cv_auc"] > 0.5
    assert load_model(MODEL_FILE) == stored_model()


def test_a_model_file_for_other_features_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RefusalModelError, match=r"evals\.calibrate"):
        load_model(path)


def test_evidence_is_scored_and_judged_by_the_model_given() -> None:
    chunk = Chunk(chunk_id="c", doc_id="d", position=0, title="Kulturplan",
                  text="Kulturplanen antogs av kommunfullmäktige den 3 mars 2025.")
    hits = [Hit(chunk=chunk, score=1.0, dense_score=0.9)]
    stats = CorpusStats.from_chunks([chunk])
    neutral = RefusalModel(0.0, (0.0,) * len(FEATURES), 0.4)
    strict = RefusalModel(0.0, (0.0,) * len(FEATURES), 0.6)
    evidence = measure_evidence("När antogs kulturplanen?", hits, stats, model=neutral)
    assert evidence.score == 0.5
    assert not should_refuse(evidence, model=neutral) and should_refuse(evidence, model=strict)
