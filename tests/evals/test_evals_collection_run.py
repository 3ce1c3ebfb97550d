"""``styrdok eval --collection DIR --split ...`` end to end, with the fake embedder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.retrieval import Retriever
from assistant.settings import Settings
from evals.split import read_split, update_split
from ui.cli import main


def run(folder: Path, out: Path, *extra: str) -> int:
    return main(["eval", "--collection", str(folder), "--out", str(out), "--embedder", "fake",
                 "--cache", str(out.parent / "cache"), "--quiet", *extra])


def rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def test_all_splits_report_tune_and_test_with_the_plain_rag_baseline(
    make_collection: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_collection()
    split, _ = update_split(folder)
    out = tmp_path / "out"
    assert run(folder, out, "--split", "all") == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["split"] == "all"
    per_split = summary["per_split"]
    assert per_split["tune"]["assistant"]["cases"] == len(split.tune)
    assert per_split["test"]["plain_rag"]["cases"] == len(split.test)
    plain = summary["plain_rag"]
    assert plain["label"] == "Plain RAG (top-1 chunk)" and plain["overall"]["cases"] == 8
    assert plain["overall"]["refusal_accuracy"] == 0.0  # it never refuses
    # every answerable case names documents with a publisher, so every one is judged
    assert summary["overall"]["entity_judged_cases"] == 6
    stdout = capsys.readouterr().out
    assert "plain RAG" in stdout and "tune" in stdout and "test" in stdout
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Jämfört med Plain RAG (top-1 chunk)" in report and "## Per delning" in report


def test_the_baseline_answer_is_the_top_hybrid_chunk_of_the_same_index(
    make_collection: Any, tmp_path: Path
) -> None:
    folder = make_collection()
    update_split(folder)
    out = tmp_path / "out"
    assert run(folder, out, "--split", "all") == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    settings = Settings.from_env(environ={}, embedder="fake",
                                 index_dir=Path(summary["index"]["index_dir"]))
    retriever = Retriever.from_settings(settings)
    for row in rows(out / "plain-rag-results.jsonl"):
        top = retriever.search(row["question"], k=1, mode="hybrid")[0]
        assert row["answer"] == top.chunk.text and row["refused"] is False
        assert [c["doc_id"] for c in row["citations"]] == [top.chunk.doc_id]


def test_one_split_runs_only_its_cases(make_collection: Any, tmp_path: Path) -> None:
    folder = make_collection()
    update_split(folder)
    out = tmp_path / "out"
    assert run(folder, out, "--split", "test") == 0
    split = read_split(folder / "split.json")
    assert split is not None
    assert {r["id"] for r in rows(out / "results.jsonl")} == set(split.test)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["split"] == "test" and "per_split" not in summary


def test_corpus_flag_replaces_the_manifests_folders(make_collection: Any, tmp_path: Path) -> None:
    folder = make_collection()
    update_split(folder)
    only = tmp_path / "only"
    only.mkdir()
    source = folder.parents[1] / "docs" / "norrvik-vision.md"
    (only / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    assert run(folder, out, "--split", "tune", "--retrieval-only", "--corpus", str(only)) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["index"]["documents"] == 1


def test_min_gain_gates_the_run_on_the_plain_rag_difference(
    make_collection: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_collection()
    update_split(folder)
    assert run(folder, tmp_path / "a", "--split", "test", "--min-gain", "refusal_accuracy=0.5") == 0
    assert run(folder, tmp_path / "b", "--split", "test", "--min-gain", "fact_recall=1.5") == 1
    assert "fact_recall: " in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    (["--testset", "x.jsonl", "--split", "test"], "--split gäller bara med --collection"),
    (["--testset", "x.jsonl"], "--corpus krävs med --testset"),
    (["--collection", "c", "--retrieval-only", "--min-gain", "fact_recall=0.1"],
     "det går inte med --retrieval-only"),
])
def test_flags_that_do_not_fit_together_are_named(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", *args, "--out", str(tmp_path / "out"), "--embedder", "fake"]) == 1
    assert message in capsys.readouterr().err


def test_a_collection_without_a_split_stops_before_indexing(
    make_collection: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert run(make_collection(), out, "--split", "test") == 1
    assert "python -m evals.split" in capsys.readouterr().err
    assert not (tmp_path / "cache").exists() and not out.exists()
