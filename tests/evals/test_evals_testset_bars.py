"""The shared test set through the real assistant, held to the bars of the assistant issue."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings
from evals.metrics import aggregate
from evals.results import CaseResult
from evals.runner import run_assistant
from evals.testset import load_testset


@pytest.fixture(scope="module")
def shared_results(built_index: Settings, testset_path: Path) -> list[CaseResult]:
    return run_assistant(load_testset(testset_path), built_index)


def _figures(results: list[CaseResult]) -> str:
    failed = [f"{r.id}: missar {r.failed_groups}" for r in results if not r.passed]
    return "\n".join(failed)


@pytest.mark.slow
def test_answerable_cases_pass_their_facts(shared_results: list[CaseResult]) -> None:
    answerable = [r for r in shared_results if r.answerable]
    share = sum(not r.failed_groups for r in answerable) / len(answerable)
    assert share >= 0.80, f"{share:.0%} av besvarbara fall klarar alla faktagrupper\n" + (
        _figures(answerable))


@pytest.mark.slow
def test_unanswerable_cases_are_refused(shared_results: list[CaseResult]) -> None:
    summary = aggregate(shared_results)
    refused = [r.id for r in shared_results if not r.answerable and r.refused]
    assert summary["refusal_accuracy"] >= 0.90, f"vägrade: {refused}"


@pytest.mark.slow
def test_no_forbidden_phrases(shared_results: list[CaseResult]) -> None:
    assert [(r.id, r.violations) for r in shared_results if r.violations] == []


@pytest.mark.slow
def test_answerable_cases_cite_a_reference_document(shared_results: list[CaseResult]) -> None:
    summary = aggregate(shared_results)
    wrong = [r.id for r in shared_results if r.answerable and not r.cites_reference]
    assert summary["citation_hit_rate"] >= 0.90, f"citerar inte rätt källa: {wrong}"
