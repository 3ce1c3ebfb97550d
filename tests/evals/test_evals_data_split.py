"""The repository's own collection (evals/data): every case is in the committed split.

Skipped only while evals/data has no case files; once it has, a case added without running
``python -m evals.split`` fails here, so the split stays complete and old assignments stay put.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.collection import CASES_DIR, load_cases
from evals.split import MIN_TEST_SHARE, SPLIT_FILE, read_split, stratum


@pytest.fixture(scope="module")
def data_dir(repo_dir: Path) -> Path:
    folder = repo_dir / "evals" / "data"
    assert any((folder / CASES_DIR).glob("*.jsonl")), "evals/data has no case files"
    return folder


def test_every_case_is_assigned_and_at_least_forty_percent_are_test(data_dir: Path) -> None:
    cases, _files = load_cases(data_dir)
    split = read_split(data_dir / SPLIT_FILE)
    assert split is not None, "evals/data/split.json saknas: kör python -m evals.split"
    unassigned = [c.id for c in cases if split.of(c.id) is None]
    assert unassigned == [], "kör python -m evals.split --collection evals/data"
    tested = [c for c in cases if split.of(c.id) == "test"]
    assert len(tested) >= MIN_TEST_SHARE * len(cases)
    # every kind of case (single/multi-turn, answerable or not) is in the reported figures
    assert {stratum(c) for c in tested} == {stratum(c) for c in cases}
