"""A snapshot updated for changed documents equals one built from scratch over the same
documents, whatever mix of replaced, removed and added documents the update carries."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.index import DocRecord
from assistant.refusal import CorpusStats
from assistant.retrieval import _Snapshot
from assistant.types import Chunk

WORDS = ("taxa", "avgift", "skola", "vatten", "plan", "mål", "bygglov", "snöröjning")


def _document(doc_id: str, revision: int, sections: int) -> tuple[DocRecord, list[Chunk]]:
    version = f"{doc_id}@r{revision}"
    chunks = [Chunk(chunk_id=f"{version}#{i}", doc_id=doc_id, position=i, title=doc_id,
                    doc_hash=f"r{revision}",
                    text=f"{WORDS[(i + revision) % len(WORDS)]} {doc_id} avsnitt {i} "
                         f"{WORDS[(i * 3 + revision) % len(WORDS)]}")
              for i in range(sections)]
    record = DocRecord(doc_id=doc_id, version=version, content_hash=f"r{revision}",
                       title=doc_id, source=f"{doc_id}.md", kind="riktlinje",
                       n_chunks=sections)
    return record, chunks


def _snapshot_of(state: dict[str, tuple[int, int]]) -> tuple[dict[str, DocRecord],
                                                                list[Chunk]]:
    documents: dict[str, DocRecord] = {}
    chunks: list[Chunk] = []
    for doc_id in sorted(state):
        record, own = _document(doc_id, *state[doc_id])
        documents[doc_id] = record
        chunks += own
    return documents, chunks


# doc id -> (revision, sections): None removes the document
_STATE = st.dictionaries(st.sampled_from([f"d{i:02d}" for i in range(12)]),
                         st.tuples(st.integers(0, 3), st.integers(1, 4)), min_size=1)
_CHANGE = st.dictionaries(st.sampled_from([f"d{i:02d}" for i in range(14)]),
                          st.none() | st.tuples(st.integers(4, 6), st.integers(1, 4)))


@settings(max_examples=60, deadline=None)
@given(before=_STATE, changes=st.lists(_CHANGE, min_size=1, max_size=3))
def test_updates_equal_a_fresh_build(before: dict[str, tuple[int, int]],
                                     changes: list[dict[str, tuple[int, int] | None]]) -> None:
    documents, chunks = _snapshot_of(before)
    snapshot = _Snapshot.build(tuple(sorted(r.version for r in documents.values())), "1",
                               documents, chunks)
    state = dict(before)
    for step, change in enumerate(changes, start=2):
        for doc_id, new in change.items():
            if new is None:
                state.pop(doc_id, None)
            else:
                state[doc_id] = (new[0] + step * 10, new[1])  # always a new version
        documents, chunks = _snapshot_of(state)
        versions = tuple(sorted(r.version for r in documents.values()))
        added = [c for c in chunks if c.doc_id in change and state.get(c.doc_id)]
        snapshot = snapshot.updated(versions, str(step), documents, added)
    want = _Snapshot.build(tuple(sorted(r.version for r in documents.values())), "x",
                           documents, chunks)
    assert snapshot.chunks == want.chunks
    assert {c.chunk_id: c for c in snapshot.slots if c is not None} == {
        c.chunk_id: c for c in want.chunks}
    assert sum(c is not None for c in snapshot.slots) == len(want.chunks)
    assert snapshot.stats == CorpusStats.from_chunks(want.chunks)
    for word in (*WORDS, "avsnitt"):
        got = sorted((snapshot.slots[i].chunk_id, round(s, 6))  # type: ignore[union-attr]
                     for i, s in snapshot.lexical.search(word, 100))
        expected = sorted((want.slots[i].chunk_id, round(s, 6))  # type: ignore[union-attr]
                          for i, s in want.lexical.search(word, 100))
        assert got == expected, word
