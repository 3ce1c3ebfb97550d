"""Orphans are looked for only where a run was cut off: writers mark a document before they
write its chunks or remove it and unmark it when done, so the next ingest reads the chunks of
the marked documents only, not the whole collection (fake embedder, embedded Chroma)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from assistant.index import _SCANNED, Index
from assistant.settings import Settings
from ingest.pipeline import ingest_paths

if TYPE_CHECKING:
    from conftest import CopyFixtures  # tests/conftest.py

EDITED = "fokusomraden"


@pytest.fixture
def corpus(copy_fixtures: CopyFixtures) -> Path:
    return copy_fixtures(f"{EDITED}.md", "sagobygden.md", "var-modell-2019-2022.md")


@pytest.fixture
def settings(tmp_path: Path, corpus: Path) -> Settings:
    settings = Settings.from_env(environ={}, index_dir=tmp_path / "index", embedder="fake:64")
    ingest_paths([corpus], settings)
    return settings


def marks(index: Index) -> list[str]:
    return sorted(index._meta().get(where={"kind": "writing"}, include=[])["ids"])


def full_scans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    real = Index._remove_orphans_everywhere
    calls: list[int] = []

    def counting(self: Index) -> int:
        calls.append(1)
        return real(self)

    monkeypatch.setattr(Index, "_remove_orphans_everywhere", counting)
    return calls


def edit(corpus: Path) -> None:
    path = corpus / f"{EDITED}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n\nEtt nytt stycke om revisionen.\n",
                    encoding="utf-8")


def consistent(settings: Settings) -> bool:
    index = Index.open(settings.resolved_index_dir)
    records = index.documents()
    return index.chunk_count() == sum(r.n_chunks for r in records.values()) == len(
        index.current_chunks())


def test_a_finished_run_leaves_no_marks_and_the_next_run_scans_nothing(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = Index.open(settings.resolved_index_dir)
    assert marks(index) == [] and index._meta().get(ids=[_SCANNED])["ids"] == [_SCANNED]
    scans = full_scans(monkeypatch)
    edit(corpus)
    summary = ingest_paths([corpus], settings)
    assert summary.documents_replaced == 1 and summary.orphans_removed == 0
    assert scans == [] and marks(index) == [] and consistent(settings)


@pytest.mark.parametrize("step", ["before the switch", "before the old chunks go"])
def test_a_run_cut_off_in_a_switch_is_cleaned_by_its_marks(
    step: str, settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_bump = Index._bump_generation

    def crash_commit(self: Index, records: Any) -> None:
        raise KeyboardInterrupt

    def crash_after_bump(self: Index, seq: int) -> None:
        real_bump(self, seq)
        raise KeyboardInterrupt  # the records are switched, the old chunks still there

    edit(corpus)
    with monkeypatch.context() as patch:
        if step == "before the switch":
            patch.setattr(Index, "commit_documents", crash_commit)
        else:
            patch.setattr(Index, "_bump_generation", crash_after_bump)
        with pytest.raises(KeyboardInterrupt):
            ingest_paths([corpus], settings)
    index = Index.open(settings.resolved_index_dir)
    assert marks(index) == [f"writing:{EDITED}"] and not consistent(settings)
    scans = full_scans(monkeypatch)
    summary = ingest_paths([corpus], settings)
    assert summary.orphans_removed > 0 and scans == []
    assert marks(index) == [] and consistent(settings)


def test_a_removal_cut_off_before_its_chunks_went_is_cleaned_by_its_mark(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = Index.open(settings.resolved_index_dir)
    chunks = index._chunks()

    class CrashingChunks:
        def __getattr__(self, name: str) -> Any:
            return getattr(chunks, name)

        def delete(self, **kwargs: Any) -> None:
            raise KeyboardInterrupt  # the record is gone, its chunks are not

    with monkeypatch.context() as patch:
        patch.setattr(index, "_chunks", lambda create_for=None: CrashingChunks())
        with pytest.raises(KeyboardInterrupt):
            index.remove_document(EDITED)
    (corpus / f"{EDITED}.md").unlink()
    assert EDITED not in index.documents() and not consistent(settings)
    scans = full_scans(monkeypatch)
    summary = ingest_paths([corpus], settings)
    assert summary.orphans_removed > 0 and scans == [] and consistent(settings)
    assert not index._chunks().get(where={"doc_id": EDITED}, include=[])["ids"]


def test_an_index_from_before_the_marks_is_scanned_once(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Orphans an earlier version left carry no mark: the first run scans everything, once."""
    index = Index.open(settings.resolved_index_dir)
    index._meta().delete(ids=[_SCANNED])
    live = index.current_chunks()[0]
    stale = index._chunks().get(ids=[live.chunk_id], include=["metadatas", "embeddings",
                                                                 "documents"])
    index._chunks().add(ids=["left-by-an-old-run"], embeddings=stale["embeddings"],
                        documents=stale["documents"],
                        metadatas=[{**stale["metadatas"][0], "version": "gone@old"}])
    scans = full_scans(monkeypatch)
    assert ingest_paths([corpus], settings).orphans_removed == 1 and scans == [1]
    assert ingest_paths([corpus], settings).orphans_removed == 0 and scans == [1]
    assert consistent(settings)
