"""Orphan removal reads the chunk collection in pages (one read fails beyond ~32k records)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

import assistant.index as index_module
from assistant.index import Index
from assistant.settings import Settings
from ingest.pipeline import ingest_paths

if TYPE_CHECKING:
    from conftest import CopyFixtures  # tests/conftest.py


def test_orphans_on_every_page_are_removed_and_live_chunks_kept(
    tmp_path: Path, copy_fixtures: CopyFixtures, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings.from_env(environ={}, index_dir=tmp_path / "index", embedder="fake:64")
    ingest_paths([copy_fixtures("fokusomraden.md", "sagobygden.md")], settings)
    index = Index.open(settings.resolved_index_dir)
    live = index.current_chunks()
    orphans = [dataclasses.replace(live[0], chunk_id=f"orphan-{i}", doc_hash="gone")
               for i in range(7)]
    index.add_chunks(orphans, np.ones((7, 64), dtype=np.float32), ["h"] * 7)
    reads: list[int] = []
    real_get = index._chunks().get

    class Paged:
        def __getattr__(self, name: str) -> object:
            return getattr(real_collection, name)

        def get(self, **kwargs: object) -> object:
            reads.append(1)
            return real_get(**kwargs)

    real_collection = index._chunks()
    monkeypatch.setattr(index_module, "READ_PAGE", 3)
    monkeypatch.setattr(index, "_chunks", lambda create_for=None: Paged())
    assert index.remove_orphans(scan_all=True) == 7
    assert len(reads) >= (len(live) + 7) // 3
    monkeypatch.undo()
    assert index.chunk_count() == len(live) == len(index.current_chunks())


def test_records_and_chunks_read_in_pages_equal_one_read(
    tmp_path: Path, copy_fixtures: CopyFixtures, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Readers read the document records and chunks in small pages (Chroma's memory for one
    read grows faster than its rows): every record and chunk still comes back, once."""
    settings = Settings.from_env(environ={}, index_dir=tmp_path / "index", embedder="fake:64")
    ingest_paths([copy_fixtures("fokusomraden.md", "sagobygden.md")],
                 settings)
    index = Index.open(settings.resolved_index_dir)
    whole = index.documents()
    chunks = index.current_chunks()
    monkeypatch.setattr(index_module, "RECORD_PAGE", 1)
    monkeypatch.setattr(index_module, "VERSION_PAGE", 1)
    reads: list[dict[str, object]] = []
    real_docs = index._docs()

    class Counting:
        def __getattr__(self, name: str) -> object:
            return getattr(real_docs, name)

        def get(self, **kwargs: object) -> object:
            reads.append(kwargs)
            return real_docs.get(**kwargs)

    monkeypatch.setattr(index, "_docs", lambda create=False: Counting())
    assert index.documents() == whole
    assert len(whole) >= 2
    assert sum("ids" in r for r in reads) == len(whole)  # one page per record
    assert index.current_chunks() == chunks
