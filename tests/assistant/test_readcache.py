"""The reader's saved snapshot: a fresh process reads only what changed since it was saved."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from assistant.retrieval import Retriever
from assistant.settings import Settings
from ingest.pipeline import ingest_paths

if TYPE_CHECKING:
    from conftest import CopyFixtures  # tests/conftest.py

EDITED = "sagobygden.md"
QUERIES = ("sagobygden", "fokusområden", "modell", "Nyordsklausul", "visonen")


@pytest.fixture
def corpus(copy_fixtures: CopyFixtures) -> Path:
    return copy_fixtures("fokusomraden.md", EDITED, "var-modell-2019-2022.md")


@pytest.fixture
def settings(tmp_path: Path, corpus: Path) -> Settings:
    settings = Settings.from_env(environ={}, index_dir=tmp_path / "index", embedder="fake:64")
    ingest_paths([corpus], settings, save_snapshot=True)  # as `styrdok ingest` does
    return settings


def _saved(settings: Settings) -> Retriever:
    retriever = Retriever.from_settings(settings)
    retriever.snapshot()
    retriever.wait_for_save()
    path = retriever._cache_file()
    assert path is not None and path.with_suffix(".json").exists()
    return retriever


def _reads(retriever: Retriever, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    real = retriever.index.current_chunks
    asked: list[list[str]] = []

    def recording(versions: Any = None) -> Any:
        asked.append(sorted(versions))
        return real(versions)

    monkeypatch.setattr(retriever.index, "current_chunks", recording)
    return asked


def _same(one: Retriever, other: Retriever) -> None:
    a, b = one.snapshot(), other.snapshot()
    assert a.chunks == b.chunks and a.versions == b.versions and a.documents == b.documents
    assert a.stats == b.stats
    assert a.lexical.vocabulary.words == b.lexical.vocabulary.words
    live_terms = {c.chunk_id: t for c, t in zip(a.slots, a.lexical.slot_terms, strict=True) if c}
    assert live_terms == {c.chunk_id: t for c, t in zip(b.slots, b.lexical.slot_terms,
                                                        strict=True) if c}
    for query in QUERIES:
        got = [(a.slots[i].chunk_id, round(s, 6)) for i, s in a.lexical.search(query, 10)]
        want = [(b.slots[i].chunk_id, round(s, 6)) for i, s in b.lexical.search(query, 10)]
        assert sorted(got) == sorted(want), query


def test_a_fresh_process_loads_the_saved_snapshot_without_reading_chunks(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _saved(settings)
    fresh = Retriever.from_settings(settings)
    asked = _reads(fresh, monkeypatch)
    fresh.snapshot()
    assert asked == []  # saved at the index's generation: nothing to read
    _same(fresh, Retriever.from_settings(settings.replace(reader_cache=False)))
    assert fresh.search("sagobygden", k=3, mode="hybrid")


def test_a_fresh_process_reads_only_documents_changed_since_the_save(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _saved(settings)
    path = corpus / EDITED
    path.write_text(path.read_text(encoding="utf-8") + "\n\nNyordsklausul gäller.\n",
                    encoding="utf-8")
    # An ingest that leaves the saved snapshot as it was (one in an app process, or against a
    # Chroma server on another host): the snapshot is stale by one document.
    ingest_paths([corpus], settings)
    fresh = Retriever.from_settings(settings)
    asked = _reads(fresh, monkeypatch)
    snapshot = fresh.snapshot()
    assert asked == [[snapshot.documents[EDITED.removesuffix(".md")].version]]
    _same(fresh, Retriever.from_settings(settings.replace(reader_cache=False)))
    hits = fresh.search("Nyordsklausul", k=3, mode="lexical")
    assert hits and "Nyordsklausul" in hits[0].chunk.text


def test_a_damaged_saved_snapshot_is_ignored_and_the_index_read_in_full(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = _saved(settings)
    path = retriever._cache_file()
    assert path is not None
    path.with_suffix(".json").write_text('{"format": 1, "arrays": "x.npz", "chunks": [',
                                         encoding="utf-8")
    fresh = Retriever.from_settings(settings)
    asked = _reads(fresh, monkeypatch)
    snapshot = fresh.snapshot()
    assert asked == [sorted(snapshot.versions)]
    _same(fresh, Retriever.from_settings(settings.replace(reader_cache=False)))


def test_without_the_cache_nothing_is_saved(tmp_path: Path, corpus: Path) -> None:
    settings = Settings.from_env(environ={}, index_dir=tmp_path / "off", embedder="fake:64",
                                 reader_cache=False)
    ingest_paths([corpus], settings)
    retriever = Retriever.from_settings(settings)
    retriever.snapshot()
    retriever.wait_for_save()
    assert retriever._cache_file() is None
    assert not (settings.resolved_index_dir / "reader-cache").exists()


def test_an_app_started_right_after_an_ingest_loads_the_snapshot_it_wrote(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fixture's ingest wrote the snapshot: no reader has run yet.
    fresh = Retriever.from_settings(settings)
    asked = _reads(fresh, monkeypatch)
    fresh.snapshot()
    assert asked == []  # saved at the index's generation: nothing to read
    _same(fresh, Retriever.from_settings(settings.replace(reader_cache=False)))
    # A re-ingest of one document brings the saved snapshot up to date.
    path = corpus / EDITED
    path.write_text(path.read_text(encoding="utf-8") + "\n\nNyordsklausul gäller.\n",
                    encoding="utf-8")
    ingest_paths([corpus], settings, save_snapshot=True)
    after = _reads_nothing_and_equals_a_full_read(settings, monkeypatch)
    hits = after.search("Nyordsklausul", k=3, mode="lexical")
    assert hits and "Nyordsklausul" in hits[0].chunk.text


def _reads_nothing_and_equals_a_full_read(settings: Settings,
                                          monkeypatch: pytest.MonkeyPatch) -> Retriever:
    """A fresh reader of a snapshot saved at the index's generation: it reads nothing."""
    after = Retriever.from_settings(settings)
    asked = _reads(after, monkeypatch)
    after.snapshot()
    assert asked == []
    _same(after, Retriever.from_settings(settings.replace(reader_cache=False)))
    return after


def test_an_ingest_replaces_a_damaged_snapshot_and_an_unchanged_run_writes_nothing(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Retriever.from_settings(settings).cache_file()
    assert path is not None
    damaged = '{"format": 2, "arrays": '
    path.with_suffix(".json").write_text(damaged, encoding="utf-8")
    # A run that changes nothing leaves the file alone ...
    ingest_paths([corpus], settings, save_snapshot=True)
    assert path.with_suffix(".json").read_text(encoding="utf-8") == damaged
    # ... and a reader falls back to a full read.
    fresh = Retriever.from_settings(settings)
    asked = _reads(fresh, monkeypatch)
    snapshot = fresh.snapshot()
    fresh.wait_for_save()
    assert asked == [sorted(snapshot.versions)]
    # A run that changes a document writes a good snapshot over a damaged one.
    path.with_suffix(".json").write_text(damaged, encoding="utf-8")
    edited = corpus / EDITED
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\nTillägg.\n", encoding="utf-8")
    ingest_paths([corpus], settings, save_snapshot=True)
    _reads_nothing_and_equals_a_full_read(settings, monkeypatch)


def test_no_snapshot_is_written_for_a_chroma_server(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest import pipeline

    calls: list[object] = []
    monkeypatch.setattr(Retriever, "save_now", lambda self: calls.append(self) or True)
    summary = pipeline.IngestSummary(documents_added=1)
    index = Retriever.from_settings(settings).index
    pipeline._save_reader_snapshot(index, Retriever.from_settings(settings).embedder,
                                   settings.replace(chroma_url="http://127.0.0.1:9"), summary)
    assert calls == []
    pipeline._save_reader_snapshot(index, Retriever.from_settings(settings).embedder,
                                   settings, summary)
    assert len(calls) == 1


def test_an_ingest_in_an_app_process_leaves_the_snapshot_to_its_reader(
    tmp_path: Path, corpus: Path
) -> None:
    settings = Settings.from_env(environ={}, index_dir=tmp_path / "app", embedder="fake:64")
    ingest_paths([corpus], settings)  # an upload: no save_snapshot
    assert not (settings.resolved_index_dir / "reader-cache").exists()
    ingest_paths([corpus], settings.replace(chroma_url=None), save_snapshot=True)
    assert (settings.resolved_index_dir / "reader-cache").exists()


def test_the_saved_columns_load_back_to_exactly_the_snapshot_they_came_from(
    settings: Settings, corpus: Path, tmp_path: Path
) -> None:
    """Chunks (ids, texts, every metadata field), removed slots, each slot's terms, the
    postings and the statistics come back equal from the columnar file."""
    from assistant import readcache

    retriever = Retriever.from_settings(settings.replace(reader_cache=False))
    retriever.snapshot()
    path = corpus / EDITED
    path.write_text(path.read_text(encoding="utf-8") + "\n\nTillägg – “citat” €.\n",
                    encoding="utf-8")
    ingest_paths([corpus], settings)
    snapshot = retriever.snapshot()  # updated in place: the old version's slots are removed
    assert None in snapshot.slots
    saved = snapshot.saved()
    readcache.save(tmp_path / "copy", saved)
    back = readcache.load(tmp_path / "copy")
    assert back is not None
    assert back.slots == saved.slots and back.documents == saved.documents
    assert back.stats == saved.stats
    assert back.lexical.slot_terms == saved.lexical.slot_terms
    assert back.lexical.lengths.tolist() == saved.lexical.lengths.tolist()
    assert (back.lexical.live, back.lexical.total_length) == (saved.lexical.live,
                                                              saved.lexical.total_length)
    assert back.lexical.word_counts == saved.lexical.word_counts
    assert back.lexical.postings.keys() == saved.lexical.postings.keys()
    for term, posting in saved.lexical.postings.items():
        assert back.lexical.postings[term].slots.tolist() == posting.slots.tolist()
        assert back.lexical.postings[term].tf.tolist() == posting.tf.tolist()
