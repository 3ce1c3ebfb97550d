"""``python -m evals.fusion``: the fusion grid, the choice criterion and the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mini_collection import CASES, case

from assistant.retrieval import Retriever
from assistant.settings import Settings
from evals.collection import read_manifest
from evals.fusion import Candidate, Scored, choose, criterion, grid, main, run_grid
from evals.runner import prepare_index, search_results
from evals.split import tune_cases, update_split

SHOWN = ("hit@1", "hit@5", "mrr@10", "ndcg@10")


def scored(candidate: Candidate, mrr: float | tuple[float, ...], ndcg: float = 0.5) -> Scored:
    values = {key: (0.5,) * 5 for key in SHOWN}
    values["mrr@10"] = mrr if isinstance(mrr, tuple) else (mrr,) * 5
    values["ndcg@10"] = (ndcg,) * 5
    return Scored(candidate, {}, values)


def test_the_grid_holds_both_single_modes_and_each_hybrid_once() -> None:
    candidates = grid()
    assert {c.mode for c in candidates} == {"dense", "lexical", "hybrid"}
    assert {c.fusion for c in candidates if c.mode == "hybrid"} == {"relative", "rrf"}
    assert len({c.label for c in candidates}) == len(candidates)
    assert any(c.mode == "hybrid" and c.lexical_weight == 1.0 and c.fusion == "relative"
               for c in candidates)  # the previous default is among them


def test_a_clearly_better_fusion_wins_whatever_its_complexity() -> None:
    relative = scored(Candidate("hybrid", "relative", 1.0), 0.80)
    rrf = scored(Candidate("hybrid", "rrf", 1.5, 30), 0.85)
    assert choose([relative, rrf]) is rrf


def test_within_one_standard_error_of_the_best_the_simplest_wins() -> None:
    # best: mean 0.85 over five folds, sd 0.1186 -> standard error 0.053, cutoff 0.797
    best = scored(Candidate("hybrid", "rrf", 1.5, 30), (0.7, 0.775, 0.85, 0.925, 1.0))
    close = scored(Candidate("hybrid", "relative", 1.0), 0.81)
    far = scored(Candidate("hybrid", "relative", 1.0), 0.79)
    assert best.standard_error("mrr@10") == pytest.approx(0.053, abs=1e-3)
    assert choose([best, close]) is close
    assert choose([best, far]) is best


def test_ties_go_to_the_simpler_setting() -> None:
    equal = scored(Candidate("hybrid", "relative", 1.0), 0.8)
    skewed = scored(Candidate("hybrid", "relative", 2.0), 0.8)
    rrf = scored(Candidate("hybrid", "rrf", 1.0), 0.8)
    odd_k = scored(Candidate("hybrid", "rrf", 1.0, 10), 0.8)
    assert choose([rrf, skewed, equal]) is equal
    assert choose([odd_k, rrf]) is rrf
    assert criterion(equal) == criterion(skewed)


def test_only_a_hybrid_is_chosen_even_when_a_single_mode_scores_best() -> None:
    dense = scored(Candidate("dense"), 0.95)
    hybrid = scored(Candidate("hybrid", "relative", 1.0), 0.7)
    assert choose([dense, hybrid]) is hybrid


def test_the_grid_scores_each_setting_as_a_retriever_configured_with_it(
    make_collection: Any, tmp_path: Path
) -> None:
    folder = make_collection()
    update_split(folder)
    settings = Settings.from_env(environ={}, embedder="fake")
    indexed, _info = prepare_index(read_manifest(folder), settings, tmp_path / "cache")
    cases = [c for c in tune_cases(folder) if c.answerable]
    candidates = [Candidate("lexical"), Candidate("hybrid", "rrf", 2.0, 10),
                  Candidate("hybrid", "relative", 0.25)]
    results = run_grid(cases, indexed, candidates)
    for candidate in candidates:
        fresh = Retriever.from_settings(candidate.settings(indexed))
        expected = search_results(cases, fresh)
        assert [r.retrieved for r in results[candidate]] == [r.retrieved for r in expected]
        assert [r.ranking for r in results[candidate]] == [r.ranking for r in expected]


def many_cases() -> list[dict[str, Any]]:
    """The mini collection's cases, each answerable one also asked in other words."""
    extra = [case(f"{c['id']}-b", "Kort fråga: " + c["question"], must=c["must_include"],
                  refs=c["reference_doc_ids"])
             for c in CASES if c["answerable"] and "history" not in c]
    extra += [case(f"{c['id']}-c", c["question"].lower().rstrip("?"), must=c["must_include"],
                   refs=c["reference_doc_ids"])
              for c in CASES if c["answerable"] and "history" not in c]
    return [*CASES, *extra]


def test_the_script_reports_tune_cross_validated_and_test_beside_it(
    make_collection: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_collection(cases=many_cases())
    update_split(folder)
    report = tmp_path / "fusion.md"
    assert main(["--collection", str(folder), "--cache", str(tmp_path / "cache"),
                 "--embedder", "fake", "--test", "--out", str(report)]) == 0
    text = report.read_text(encoding="utf-8")
    assert text == capsys.readouterr().out.rstrip("\n") + "\n"
    assert "5-fold cross-validation" in text and "**(chosen)**" in text
    assert "Nested check" in text and "## Test, all answerable cases" in text
    for mode in ("| dense |", "| lexical |"):
        assert text.count(mode) >= 3  # the grid, tune and test tables


def test_too_few_tune_cases_for_the_folds_is_a_clear_error(
    make_collection: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_collection()
    update_split(folder)
    assert main(["--collection", str(folder), "--cache", str(tmp_path / "cache"),
                 "--embedder", "fake"]) == 1
    assert "korsvalidering behöver" in capsys.readouterr().err
