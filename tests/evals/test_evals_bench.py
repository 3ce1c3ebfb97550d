from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.bench import format_table, run_bench
from ui.cli import main


def test_bench_measures_every_mode_at_a_tiny_size(tmp_path: Path) -> None:
    rows = run_bench([30], embedder="fake", work_dir=tmp_path, isolate=False, searches=3, asks=2)
    row = rows[0]
    assert row["chunks"] == 30 and row["documents"] == 3
    assert set(row["search"]) == set(row["ask"]) == {"dense", "lexical", "hybrid"}
    assert row["index_mb"] > 0 and row["peak_rss_mb"] > 0
    assert 0 <= row["embed_share"] <= 1
    assert row["ready_s"] > 0 and row["update_s"] > 0 and not row["reused_index"]
    assert row["first_start_s"] > 0 and row["first_start_rss_mb"] > 0
    assert row["after_ingest_s"] > 0 and row["after_ingest_rss_mb"] > 0
    assert "search hybrid p50 / p95 (ms)" in format_table(rows)


def test_bench_reuses_a_kept_index_without_ingesting(tmp_path: Path) -> None:
    first = run_bench([20], embedder="fake", work_dir=tmp_path, isolate=False, searches=2,
                      asks=1, keep=True)[0]
    index = tmp_path / "size-20" / "index"
    again = run_bench([20], embedder="fake", work_dir=tmp_path, isolate=False, searches=2,
                      asks=1, reuse=True)[0]
    assert again["reused_index"] and again["ingest_s"] is None
    assert again["chunks"] == first["chunks"] == 20
    assert "–" in format_table([again])
    assert not index.exists()  # not kept the second time


def test_keep_and_reuse_need_a_work_dir(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--sizes", "10", "--reuse"]) == 1
    assert "--work-dir" in capsys.readouterr().err


@pytest.mark.slow
def test_bench_command_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    code = main(["bench", "--sizes", "20", "--fake-embedder", "--searches", "2", "--asks", "1",
                 "--out", str(out), "--work-dir", str(tmp_path / "work")])
    assert code == 0
    assert json.loads(out.read_text(encoding="utf-8"))[0]["chunks"] == 20
    assert "Genomströmning (chunkar/s)" in capsys.readouterr().out


def test_bad_sizes_are_a_user_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--sizes", "tio"]) == 1
    assert "--sizes" in capsys.readouterr().err
