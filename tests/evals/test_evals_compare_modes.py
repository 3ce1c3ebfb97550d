"""``styrdok eval --compare-modes``: hybrid, dense and lexical retrieval side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mini_collection import CASES, case

from assistant.retrieval import MODES, Retriever
from assistant.settings import Settings
from evals.collection import load_collection
from evals.metrics import doc_ranking, reciprocal_rank
from evals.split import split_cases, update_split
from ui.cli import main


def run(folder: Path, out: Path, *extra: str) -> int:
    return main(["eval", "--collection", str(folder), "--out", str(out), "--embedder", "fake",
                 "--cache", str(out.parent / "cache"), "--quiet", *extra])


# The modes must disagree on some case, or a mix-up of their columns would go unseen, and not
# by how ties happen to be broken (document ids change with the parser code). BM25 drops the
# function words and finds "skattesatsen" in Norrvik's document only; the hashing embedder's
# bag of words is led by them, and only Åsbacka's document has "har" and "och".
DISAGREEING = case("c-90", "Har och har och har och skattesatsen?", must=[["21,45"]],
                   refs=["norrvik-vision"])


def summary_of(out: Path) -> dict[str, Any]:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_every_mode_is_scored_per_split_as_a_direct_search_in_that_mode_scores(
    make_collection: Any, tmp_path: Path
) -> None:
    folder = make_collection(cases=[*CASES, DISAGREEING])
    update_split(folder)
    out = tmp_path / "out"
    assert run(folder, out, "--split", "all", "--retrieval-only", "--compare-modes") == 0
    summary = summary_of(out)
    modes = summary["retrieval_modes"]
    assert set(modes) == {"tune", "test"}
    settings = Settings.from_env(environ={}, embedder="fake",
                                 index_dir=Path(summary["index"]["index_dir"]))
    retriever = Retriever.from_settings(settings)
    collection = load_collection(folder)
    for split in ("tune", "test"):
        cases, _which = split_cases(collection.folder, collection.cases, split)
        answerable = [c for c in cases if c.answerable]
        assert set(modes[split]) == set(MODES)
        for mode in MODES:
            expected = [
                reciprocal_rank(doc_ranking(h.chunk.doc_id for h in retriever.search(
                    c.question, k=10, mode=mode, per_doc=1)), c.reference_doc_ids, 10)
                for c in answerable
            ]
            figures = modes[split][mode]
            assert figures["cases"] == len(answerable)
            assert figures["mrr@10"] == pytest.approx(sum(expected) / len(expected))
    # the modes are told apart: a mix-up of their columns would show
    assert any(modes[s]["dense"]["mrr@10"] != modes[s]["lexical"]["mrr@10"] for s in modes)


def test_the_table_is_printed_and_in_the_report_with_the_configured_mode_marked(
    make_collection: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("STYRDOK_RETRIEVAL", raising=False)
    folder = make_collection()
    update_split(folder)
    out = tmp_path / "out"
    assert run(folder, out, "--split", "test", "--compare-modes", "--mode", "lexical") == 0
    stdout = capsys.readouterr().out
    assert "Söklägen jämförda" in stdout
    header = next(line for line in stdout.splitlines() if line.startswith("Mått  ")
                  and "dense" in line)
    assert "lexical (vald)" in header and "hybrid (vald)" not in header
    assert "MRR@10" in stdout and "nDCG@10" in stdout
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Söklägen jämförda" in report and "lexical (vald)" in report
    assert "Söklägen jämförda" in (out / "report.html").read_text(encoding="utf-8")
    assert set(summary_of(out)["retrieval_modes"]) == {"test"}


def test_without_the_flag_no_modes_are_compared(make_collection: Any, tmp_path: Path) -> None:
    folder = make_collection()
    update_split(folder)
    out = tmp_path / "out"
    assert run(folder, out, "--split", "tune", "--retrieval-only") == 0
    assert "retrieval_modes" not in summary_of(out)
    assert "Söklägen jämförda" not in (out / "report.md").read_text(encoding="utf-8")
