"""End-to-end runs on a small generated corpus with the fake (hashing) embedder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.synthetic import make_documents, make_eval_set
from evals.testset import load_testset
from ui.cli import main

FILES = ("results.jsonl", "summary.json", "report.md", "report.html")


@pytest.fixture(scope="module")
def small_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_eval_set(tmp_path_factory.mktemp("syn"), docs=40, questions=40, seed=7)


def eval_args(small_set: tuple[Path, Path], out: Path, *extra: str) -> list[str]:
    corpus, testset = small_set
    return ["eval", "--testset", str(testset), "--corpus", str(corpus), "--out", str(out),
            "--embedder", "fake", "--cache", str(out.parent / "cache"), "--quiet", *extra]


def test_generator_is_deterministic() -> None:
    assert make_documents(5, seed=3) == make_documents(5, seed=3)
    assert make_documents(5, seed=3) != make_documents(5, seed=4)


def test_generated_testset_is_valid(small_set: tuple[Path, Path]) -> None:
    corpus, testset = small_set
    cases = load_testset(testset)
    doc_ids = {p.stem for p in corpus.glob("*.md")}
    assert len(cases) == 40 and all(set(c.reference_doc_ids) <= doc_ids for c in cases)


def test_retrieval_only_writes_all_files_and_scores_retrieval(
    small_set: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(eval_args(small_set, out, "--retrieval-only")) == 0
    assert all((out / name).exists() for name in FILES)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["mode"] == "retrieval-only" and summary["overall"]["cases"] == 40
    assert summary["overall"]["hit@5"] >= 0.8  # topic + locality name the document
    assert summary["overall"]["pass_rate"] is None
    rows = [json.loads(line) for line in (out / "results.jsonl").open(encoding="utf-8")]
    assert len(rows) == 40 and rows[0]["retrieved"][0].keys() >= {"doc_id", "chunk_id", "score"}
    assert "hit@5" in capsys.readouterr().out


def test_second_run_reuses_the_cached_index(small_set: tuple[Path, Path], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    main(eval_args(small_set, tmp_path / "a", "--retrieval-only"))
    main(eval_args(small_set, tmp_path / "b", "--retrieval-only"))
    assert "Index (återanvänt)" in capsys.readouterr().out


def test_fail_under_names_the_metric_and_baseline_is_shown(
    small_set: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "first"
    main(eval_args(small_set, first, "--retrieval-only"))
    code = main(eval_args(small_set, tmp_path / "second", "--retrieval-only",
                          "--baseline", str(first / "summary.json"),
                          "--fail-under", "hit@1=1.01", "hit@5=0.1"))
    captured = capsys.readouterr()
    assert code == 1
    assert "hit@1 = " in captured.err and "under gränsen 1.01" in captured.err
    assert "hit@5" not in captured.err
    assert "baslinje" in captured.out and "+0.000" in captured.out


@pytest.mark.slow
def test_full_run_asks_the_assistant(small_set: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "full"
    assert main(eval_args(small_set, out)) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in (out / "results.jsonl").open(encoding="utf-8")]
    assert summary["mode"] == "full" and summary["overall"]["fact_recall"] is not None
    assert {"answer", "refused", "citations", "passed", "failed_groups", "latency_ms"} <= set(
        rows[0])
    assert "Misslyckade fall" in (out / "report.html").read_text(encoding="utf-8")
