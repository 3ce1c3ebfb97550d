"""The change log: a reader reads only what changed since its snapshot, and falls back to
reading every document record whenever the log cannot vouch for the result (fake embedder,
embedded Chroma). Crashes are forced at the worst step of a switch or a removal."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from assistant.index import SEQ, Index, generation_seq, log_since
from assistant.retrieval import Retriever, _Snapshot
from assistant.settings import Settings
from ingest.pipeline import ingest_paths

if TYPE_CHECKING:
    from conftest import CopyFixtures  # tests/conftest.py

EDITED = "sagobygden"
REMOVED = "fokusomraden"
NEW_WORD = "Sammanfogningsklausul"


@pytest.fixture
def corpus(copy_fixtures: CopyFixtures) -> Path:
    return copy_fixtures("fokusomraden.md", f"{EDITED}.md", "var-modell-2019-2022.md")


@pytest.fixture
def settings(tmp_path: Path, corpus: Path) -> Settings:
    settings = Settings.from_env(environ={}, index_dir=tmp_path / "index", embedder="fake:64",
                                 reader_cache=False)
    ingest_paths([corpus], settings)
    return settings


def edit(corpus: Path, settings: Settings, n: int = 1) -> None:
    path = corpus / f"{EDITED}.md"
    path.write_text(f"{path.read_text(encoding='utf-8')}\n\n{NEW_WORD} nummer {n} gäller.\n",
                    encoding="utf-8")
    ingest_paths([corpus], settings)


def full_reads(retriever: Retriever, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the reader's reads of every document record."""
    real = retriever.index.documents
    calls: list[int] = []

    def counting() -> Any:
        calls.append(1)
        return real()

    monkeypatch.setattr(retriever.index, "documents", counting)
    return calls


def fresh(settings: Settings) -> _Snapshot:
    return Retriever.from_settings(settings).snapshot()


def same_view(a: _Snapshot, b: _Snapshot) -> bool:
    return a.documents == b.documents and a.versions == b.versions and a.chunks == b.chunks


def test_one_changed_document_is_read_from_the_log_not_from_every_record(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = Retriever.from_settings(settings)
    before = retriever.snapshot()
    reads = full_reads(retriever, monkeypatch)
    asked: list[dict[str, Any]] = []
    real_changes = retriever.index.changes_since

    def recording(seq: int) -> Any:
        changes = real_changes(seq)
        asked.append(changes.switched)
        return changes

    monkeypatch.setattr(retriever.index, "changes_since", recording)
    edit(corpus, settings)
    after = retriever.snapshot()
    assert reads == [] and [list(c) for c in asked] == [[EDITED]]
    assert after.documents[EDITED].version != before.documents[EDITED].version
    assert same_view(after, fresh(settings))
    assert any(NEW_WORD in c.text for c in after.chunks if c.doc_id == EDITED)


def test_a_removed_document_leaves_by_its_removal_entry(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = Retriever.from_settings(settings)
    assert REMOVED in retriever.snapshot().documents
    reads = full_reads(retriever, monkeypatch)
    Index.open(settings.resolved_index_dir).remove_document(REMOVED)
    after = retriever.snapshot()
    assert reads == [] and REMOVED not in after.documents
    assert not any(c.doc_id == REMOVED for c in after.chunks)
    assert same_view(after, fresh(settings))


def test_a_removal_entry_whose_record_was_never_deleted_removes_nothing(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash after the removal's log entry, before its record went: readers keep the
    document (it is still in the index) when a later switch sends them to the log."""
    retriever = Retriever.from_settings(settings)
    retriever.snapshot()
    writer = Index.open(settings.resolved_index_dir)
    docs = writer._docs()

    class CrashingDelete:
        def __getattr__(self, name: str) -> Any:
            return getattr(docs, name)

        def delete(self, **kwargs: Any) -> None:
            raise KeyboardInterrupt  # killed between the log entry and the delete

    monkeypatch.setattr(writer, "_docs", lambda create=False: CrashingDelete())
    with pytest.raises(KeyboardInterrupt):
        writer.remove_document(REMOVED)
    monkeypatch.undo()
    reads = full_reads(retriever, monkeypatch)
    edit(corpus, settings)
    after = retriever.snapshot()
    assert reads == [] and REMOVED in after.documents
    assert any(c.doc_id == REMOVED for c in after.chunks)
    assert same_view(after, fresh(settings))


def test_a_switch_whose_marker_never_moved_is_published_by_the_next_ingest(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after the records were written, before the generation marker moved: readers
    keep the old version (its chunks are still there); the next ingest announces the switch,
    which the reader then reads from the log."""
    retriever = Retriever.from_settings(settings)
    before = retriever.snapshot()

    def killed(self: Index, seq: int) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(Index, "_bump_generation", killed)
        with pytest.raises(KeyboardInterrupt):
            edit(corpus, settings)
    assert retriever.snapshot() is before
    reads = full_reads(retriever, monkeypatch)
    ingest_paths([corpus], settings)  # nothing left to do, but the switch is announced
    after = retriever.snapshot()
    assert reads == [] and after.documents[EDITED].version != before.documents[EDITED].version
    assert same_view(after, fresh(settings))


def test_a_record_deleted_without_a_log_entry_is_found_by_the_count_check(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A switch the log misses (a record deleted by other code, or an entry trimmed): the
    record count differs from the reader's, so it reads every record."""
    retriever = Retriever.from_settings(settings)
    retriever.snapshot()
    writer = Index.open(settings.resolved_index_dir)
    seq = writer._next_seq()
    writer._docs().delete(ids=[REMOVED])
    writer._bump_generation(seq)
    reads = full_reads(retriever, monkeypatch)
    after = retriever.snapshot()
    assert reads == [1] and REMOVED not in after.documents
    assert not any(c.doc_id == REMOVED for c in after.chunks)


def test_a_trimmed_log_sends_a_reader_far_behind_to_every_record(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = Retriever.from_settings(settings)
    retriever.snapshot()
    writer = Index.open(settings.resolved_index_dir)
    writer.remove_document(REMOVED)
    assert writer.trim_change_log(keep=1) == 0  # the entry is the latest switch: kept
    assert writer.trim_change_log(keep=0) == 1
    reads = full_reads(retriever, monkeypatch)
    after = retriever.snapshot()
    assert reads == [1] and REMOVED not in after.documents
    assert same_view(after, fresh(settings))


def test_a_switch_during_the_log_read_is_read_at_the_next_look(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another re-ingest switches the document again while the reader reads the log: the
    snapshot holds one whole version of it, and the next look reaches the latest."""
    retriever = Retriever.from_settings(settings)
    retriever.snapshot()
    edit(corpus, settings, 1)
    real_changes = retriever.index.changes_since
    once = [lambda: edit(corpus, settings, 2)]

    def racing(seq: int) -> Any:
        got = real_changes(seq)
        if once:
            once.pop()()
        return got

    monkeypatch.setattr(retriever.index, "changes_since", racing)
    during = retriever.snapshot()
    record = during.documents[EDITED]
    assert sum(c.doc_id == EDITED for c in during.chunks) == record.n_chunks > 0
    assert {c.doc_hash for c in during.chunks if c.doc_id == EDITED} == {
        record.version.split("@")[1]}
    latest = retriever.snapshot()
    assert same_view(latest, fresh(settings))
    assert any(f"{NEW_WORD} nummer 2" in c.text for c in latest.chunks)


def test_an_index_written_before_the_log_is_read_in_full(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A generation marker without a switch number (an older index) gives no log to read."""
    writer = Index.open(settings.resolved_index_dir)
    writer._meta().delete(ids=["generation"])  # an upsert would keep the old keys
    writer._meta().add(ids=["generation"], embeddings=[[1.0]], metadatas=[{"value": "x"}])
    retriever = Retriever.from_settings(settings)
    retriever.snapshot()
    assert generation_seq(writer.generation()) is None
    reads = full_reads(retriever, monkeypatch)
    edit(corpus, settings)
    after = retriever.snapshot()
    assert reads == [1] and same_view(after, fresh(settings))
    assert generation_seq(writer.generation()) == 2  # numbered on above every record


def test_switch_numbers_rise_and_every_record_carries_its_own(
    settings: Settings, corpus: Path
) -> None:
    index = Index.open(settings.resolved_index_dir)
    first = generation_seq(index.generation())
    edit(corpus, settings)
    second = generation_seq(index.generation())
    assert first is not None and second is not None and second > first
    metadatas = index._docs().get(include=["metadatas"])["metadatas"]
    seqs = {m["doc_id"]: m[SEQ] for m in metadatas}
    assert seqs[EDITED] == second and all(s <= first for d, s in seqs.items() if d != EDITED)
    assert list(index.changes_since(first).switched) == [EDITED]
    assert generation_seq("") is None and generation_seq("abc") is None
    assert generation_seq("12.log.abc") == 12
    assert log_since("12.log.abc", "14.log.def") == 12
    assert log_since("12.log.abc", "14.other.def") is None  # another index's log
    assert log_since("12.log.abc", "12.log.def") is None and log_since("x", "1.log.a") is None


def test_an_index_rebuilt_under_the_reader_is_read_in_full(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dropped and built again, the index numbers its switches from 1 again: a reader whose
    snapshot is from before must not take the new numbers for the old log's."""
    retriever = Retriever.from_settings(settings)
    before = retriever.snapshot()
    edit(corpus, settings, 1)
    edit(corpus, settings, 2)
    retriever.snapshot()  # at switch 3 of the old log
    ingest_paths([corpus], settings, rebuild=True)
    for n in range(3, 6):
        edit(corpus, settings, n)
    assert generation_seq(Index.open(settings.resolved_index_dir).generation()) == 4
    reads = full_reads(retriever, monkeypatch)
    after = retriever.snapshot()
    assert reads == [1] and same_view(after, fresh(settings))
    assert after.documents[EDITED].version != before.documents[EDITED].version


def test_a_fresh_process_reads_only_the_log_since_its_saved_snapshot(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The saved snapshot keeps the generation it was read at: a fresh process brings it up
    to date from the change log, reading neither every record nor unchanged chunks."""
    cached = settings.replace(reader_cache=True)
    ingest_paths([corpus], cached, save_snapshot=True)
    edit(corpus, settings)  # an ingest that leaves the saved snapshot one document behind
    retriever = Retriever.from_settings(cached)
    reads = full_reads(retriever, monkeypatch)
    real_read = retriever.index.current_chunks
    asked: list[list[str]] = []

    def recording(versions: Any = None) -> Any:
        asked.append(list(versions))
        return real_read(versions)

    monkeypatch.setattr(retriever.index, "current_chunks", recording)
    after = retriever.snapshot()
    assert reads == [] and asked == [[after.documents[EDITED].version]]
    assert same_view(after, fresh(settings))
