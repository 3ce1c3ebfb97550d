"""Faults: an ingest killed with SIGKILL half-way, the Chroma server stopped under a running
app, and a corrupted local index."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.reliability.runs import chroma_outage, corrupt_local_index, deploy, kill_ingest_halfway

pytestmark = pytest.mark.server


def test_killed_ingest_then_rerun_is_complete(tmp_path: Path, fixture_corpus: Path) -> None:
    """`kill -9` an ingest of 96 Markdown files after its first documents are committed; a
    normal run afterwards leaves every document with exactly its chunks, equal to a fresh build."""
    result = kill_ingest_halfway(tmp_path, [fixture_corpus], copies=12)
    assert 0 < result.documents_when_killed < result.documents_total
    assert result.after_rerun.consistent and result.fresh.consistent
    assert len(result.after_rerun.documents) == result.documents_total
    assert result.matches_fresh


def test_chroma_outage_gives_503_then_recovers(tmp_path: Path, fixture_corpus: Path) -> None:
    """Stop the Chroma server while the app runs: the user gets 503 and a Swedish message,
    the app process survives, and answers come back once the server is restarted."""
    deployment = deploy(tmp_path, [fixture_corpus], apps=1, embedder="fake")
    try:
        result = chroma_outage(deployment)
    finally:
        deployment.stop()
    assert result.before == 200
    assert result.during == 503 and "Försök igen" in result.during_message
    assert result.app_alive and result.after == 200


def test_corrupted_local_index_says_how_to_rebuild(tmp_path: Path, fixture_corpus: Path) -> None:
    """Overwrite chroma.sqlite3 with garbage: CLI and API fail with a message naming the
    rebuild; `ingest --rebuild` mends it, and so does deleting the folder and ingesting."""
    result = corrupt_local_index(tmp_path, fixture_corpus)
    assert result.search_exit == 1 and "ingest" in result.search_message
    assert "Traceback" not in result.search_message
    assert result.api_status == 503 and "ingest" in result.api_message
    assert result.rebuild_exit == 0 and result.after_rebuild_exit == 0
    assert result.delete_and_ingest_exit == 0 and result.after_delete_exit == 0
