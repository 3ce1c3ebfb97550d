"""Reads that race a re-ingest (fake embedder, embedded Chroma): the switch is forced to happen
at the worst moment, deterministically, instead of hoping a load test hits it.

Chroma 1.x answers a query or get that races a delete with the deleted records' ids but no text
or metadata (seen against a real ``chroma run``: 21 such rows in 9,180 reads while another
client replaced 25-chunk versions in a loop). These tests hand the retriever exactly such rows.
"""

from __future__ import annotations

import dataclasses
import gc
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from assistant.index import Index, IndexBusyError, StoreUnavailableError, _live_rows
from assistant.lexical import Vocabulary, _stemmer
from assistant.retrieval import ATTEMPTS, Retriever
from assistant.settings import Settings
from ingest.pipeline import ingest_paths

if TYPE_CHECKING:
    from conftest import CopyFixtures  # tests/conftest.py

EDITED = "sagobygden.md"
NEW_WORD = "Sammanfogningsklausul"  # a word only the edited version contains


@pytest.fixture
def corpus(copy_fixtures: CopyFixtures) -> Path:
    return copy_fixtures("fokusomraden.md", EDITED, "var-modell-2019-2022.md")


@pytest.fixture
def settings(tmp_path: Path, corpus: Path) -> Settings:
    settings = Settings.from_env(environ={}, index_dir=tmp_path / "index", embedder="fake:64")
    ingest_paths([corpus], settings)
    return settings


class Reingest:
    """Rewrites the edited document and re-ingests it: each call is one version switch."""

    def __init__(self, corpus: Path, settings: Settings) -> None:
        self.path = corpus / EDITED
        self.original = self.path.read_text(encoding="utf-8")
        self.settings = settings
        self.runs = 0

    def __call__(self) -> None:
        self.runs += 1
        self.path.write_text(
            f"{self.original}\n\n{NEW_WORD} nummer {self.runs} gäller från revisionen.\n",
            encoding="utf-8",
        )
        ingest_paths([self.path.parent], self.settings)


class RacingCollection:
    """A chunk collection whose reads race a re-ingest the way Chroma's do."""

    def __init__(self, real: Any, during_query: Callable[[], None] | None = None,
                 fail_query: bool = False) -> None:
        self.real = real
        self.during_query = during_query
        self.fail_query = fail_query
        self.queries = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def query(self, **kwargs: Any) -> dict[str, Any]:
        self.queries += 1
        got = self.real.query(**kwargs)
        if self.during_query is not None:
            self.during_query()
        if self.fail_query:
            self.fail_query = False
            raise RuntimeError("Error executing plan: Error finding id")
        for key, value in (("ids", "vanished"), ("documents", None), ("metadatas", None),
                           ("distances", 0.0)):
            got[key][0].append(value)
        return got

    def get(self, **kwargs: Any) -> dict[str, Any]:
        got = self.real.get(**kwargs)
        got["ids"].append("vanished")
        for key in ("documents", "metadatas"):
            if got.get(key) is not None:
                got[key].append(None)
        return got


def race(retriever: Retriever, collection: RacingCollection, monkeypatch: pytest.MonkeyPatch
         ) -> RacingCollection:
    real = retriever.index._chunks()
    collection.real = real
    monkeypatch.setattr(retriever.index, "_chunks", lambda create_for=None: collection)
    return collection


def test_rows_deleted_under_a_query_are_dropped_and_the_search_read_again(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dense query returns the old version's rows half-deleted while a re-ingest switches the
    document: no crash, no empty rows, and the answer comes from the new version."""
    retriever = Retriever.from_settings(settings)
    retriever.snapshot()
    reingest = Reingest(corpus, settings)
    switch_once = [reingest]
    collection = race(retriever, RacingCollection(
        None, during_query=lambda: switch_once and switch_once.pop()()), monkeypatch)
    hits = retriever.search(f"{NEW_WORD} sagobygden", k=5, mode="hybrid")
    assert reingest.runs == 1 and collection.queries == 2
    current = Index.open(settings.resolved_index_dir).documents()[EDITED.removesuffix(".md")]
    assert hits[0].chunk.doc_id == current.doc_id and NEW_WORD in hits[0].chunk.text
    assert all(h.chunk.text and h.chunk.chunk_id != "vanished" for h in hits)


def test_a_query_that_fails_during_a_switch_is_read_again(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = Retriever.from_settings(settings)
    retriever.snapshot()
    reingest = Reingest(corpus, settings)
    switch_once = [reingest]
    race(retriever, RacingCollection(
        None, during_query=lambda: switch_once and switch_once.pop()(), fail_query=True),
        monkeypatch)
    hits = retriever.search(NEW_WORD, k=3, mode="dense")
    assert hits and reingest.runs == 1


def test_a_query_that_fails_without_a_switch_is_an_outage(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a switch a failing query is asked once more, then a failing store says so."""
    retriever = Retriever.from_settings(settings)
    retriever.snapshot()
    calls: list[int] = []

    def failing(*args: object, **kwargs: object) -> object:
        calls.append(1)
        raise StoreUnavailableError("Error finding id")

    monkeypatch.setattr(retriever.index, "dense_query", failing)
    with pytest.raises(StoreUnavailableError, match="Error finding id"):
        retriever.search("sagobygden", mode="dense")
    assert len(calls) == 2


def test_a_snapshot_read_across_a_switch_is_read_again(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The document list is read, then a re-ingest deletes the old chunks before they are read:
    the snapshot must not keep the edited document without its chunks."""
    # Without the snapshot the ingest saved, the first read is of every chunk.
    retriever = Retriever.from_settings(settings.replace(reader_cache=False))
    reingest = Reingest(corpus, settings)
    real_read = retriever.index.current_chunks
    calls: list[int] = []

    def read_after_a_switch(versions: Any = None) -> Any:
        calls.append(1)
        if len(calls) == 1:
            reingest()
        return real_read(versions)

    monkeypatch.setattr(retriever.index, "current_chunks", read_after_a_switch)
    snapshot = retriever.snapshot()
    edited = snapshot.documents[EDITED.removesuffix(".md")]
    assert len(calls) == 2
    assert sum(c.doc_id == edited.doc_id for c in snapshot.chunks) == edited.n_chunks > 0
    hits = retriever.search(NEW_WORD, k=3, mode="lexical")
    assert hits and hits[0].chunk.doc_id == edited.doc_id


def test_endless_switching_gives_up_with_a_clear_error(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = Retriever.from_settings(settings)
    retriever.snapshot()
    reingest = Reingest(corpus, settings)
    race(retriever, RacingCollection(None, during_query=reingest), monkeypatch)
    with pytest.raises(IndexBusyError, match="försök igen"):
        retriever.search("sagobygden", mode="dense")
    assert reingest.runs == ATTEMPTS


def test_live_rows_drop_records_deleted_mid_read() -> None:
    rows = _live_rows(["a", "b", "c"], ["text a", None, "text c"], [{"x": 1}, None, None])
    assert rows == [("a", "text a", {"x": 1})]
    assert _live_rows(["a"], None, None) == []


def test_each_thread_stems_with_its_own_stemmer() -> None:
    """PyStemmer's stemmer keeps state and must not be called from two threads at once."""
    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(_stemmer()))
    thread.start()
    thread.join()
    assert _stemmer() is _stemmer() and seen[0] is not _stemmer()


def test_a_replaced_vocabulary_is_freed() -> None:
    """Every re-ingest builds a new snapshot vocabulary; the old one must not stay cached."""
    vocabulary = Vocabulary(["vattenfrågor och vatten", "frågor om skolan"])
    assert vocabulary.split("vattenfrågor")
    ref = weakref.ref(vocabulary)
    del vocabulary
    gc.collect()
    assert ref() is None


def _stale_copies(retriever: Retriever, vector: Any, count: int) -> list[str]:
    """``count`` chunks of a version no document record points to (what an interrupted ingest
    leaves), each embedded a hair from ``vector`` so they crowd the top of an unfiltered query.
    (Not exactly at it: an old version's chunks differ, and the approximate index's graph over
    many identical vectors is built differently from run to run, so that a deeper query was
    seen to come back short of the live rows in one full test run.)"""
    live = retriever.snapshot().chunks[0]
    stale = [dataclasses.replace(live, chunk_id=f"stale-{i}", position=1000 + i,
                                 doc_hash="stale", text=f"{live.text} (gammal version {i})")
             for i in range(count)]
    noise = np.random.default_rng(7).normal(0.0, 1e-3, (count, len(vector)))
    vectors = np.tile(vector, (count, 1)) + noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    retriever.index.add_chunks(stale, vectors, [f"h{i}" for i in range(count)])
    return [c.chunk_id for c in stale]


def test_stale_rows_from_the_unfiltered_dense_query_are_dropped(settings: Settings) -> None:
    retriever = Retriever.from_settings(settings)
    vector = retriever.embedder.embed_queries(["sagobygden"])[0]
    stale = set(_stale_copies(retriever, vector, 3))
    hits = retriever.search("sagobygden", k=5, mode="dense", query_vector=vector)
    assert len(hits) == 5 and not stale & {h.chunk.chunk_id for h in hits}
    assert all(h.chunk.doc_hash != "stale" for h in hits)


def test_a_dense_query_crowded_by_stale_rows_reads_deeper_and_still_returns_k(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = Retriever.from_settings(settings)
    vector = retriever.embedder.embed_queries(["sagobygden"])[0]
    live_chunks = len(retriever.snapshot().chunks)
    _stale_copies(retriever, vector, 150)
    collection = race(retriever, RacingCollection(None), monkeypatch)
    hits = retriever.search("sagobygden", k=5, mode="dense", query_vector=vector, per_doc=0)
    assert collection.queries >= 2  # the first, over-fetched query held only stale rows
    assert len(hits) == min(5, live_chunks)
    assert all(h.chunk.doc_hash != "stale" and h.chunk.chunk_id != "vanished" for h in hits)


def test_a_re_ingest_reads_only_the_changed_document_and_matches_a_fresh_snapshot(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = Retriever.from_settings(settings)
    before = retriever.snapshot()
    Reingest(corpus, settings)()
    real_read = retriever.index.current_chunks
    asked: list[list[str]] = []

    def recording_read(versions: Any = None) -> Any:
        asked.append(list(versions))
        return real_read(versions)

    monkeypatch.setattr(retriever.index, "current_chunks", recording_read)
    after = retriever.snapshot()
    edited = after.documents[EDITED.removesuffix(".md")]
    assert asked == [[edited.version]]
    fresh = Retriever.from_settings(settings.replace(reader_cache=False)).snapshot()
    assert after.chunks == fresh.chunks and after.versions == fresh.versions != before.versions
    # The update shares the unchanged chunk objects; its slots hold exactly its chunks.
    kept = {c.chunk_id: c for c in before.chunks if c.doc_id != edited.doc_id}
    assert kept and all(kept[c.chunk_id] is c for c in after.chunks if c.chunk_id in kept)
    assert sorted(c.chunk_id for c in after.slots if c) == sorted(c.chunk_id for c in fresh.chunks)
    assert len(after.lexical.vocabulary.words) == len(fresh.lexical.vocabulary.words)
    for query in (NEW_WORD, "sagobygden", "fokusområden", "modell"):
        got = [(after.slots[i].chunk_id, round(s, 6)) for i, s in after.lexical.search(query, 10)]
        want = [(fresh.slots[i].chunk_id, round(s, 6)) for i, s in fresh.lexical.search(query, 10)]
        assert sorted(got) == sorted(want), query
    hits = retriever.search(NEW_WORD, k=3, mode="lexical")
    assert hits and NEW_WORD in hits[0].chunk.text


def test_the_assistants_corpus_statistics_follow_a_re_ingest(
    settings: Settings, corpus: Path
) -> None:
    from assistant.ask import Assistant
    from assistant.refusal import CorpusStats

    assistant = Assistant.from_settings(settings)
    before = assistant.corpus_stats()
    Reingest(corpus, settings)()
    after = assistant.corpus_stats()
    assert after == CorpusStats.from_chunks(assistant.retriever.snapshot().chunks) != before
    assert after.df.get("sammanfogningsklausul", 0) == 1 and before.df.get(
        "sammanfogningsklausul", 0) == 0


def test_a_query_that_fails_once_without_a_switch_is_asked_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server connection that fails once under load is not an outage: the query is repeated
    once (and a store that keeps failing still raises, see the test above)."""
    retriever = Retriever.from_settings(settings)
    retriever.snapshot()
    real_query = retriever.index.dense_query
    calls: list[int] = []

    def flaky(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise StoreUnavailableError("ReadError: [Errno 9] Bad file descriptor")
        return real_query(*args, **kwargs)

    monkeypatch.setattr(retriever.index, "dense_query", flaky)
    assert retriever.search("sagobygden", k=3, mode="dense")
    assert len(calls) == 2


def test_a_dense_query_never_counts_the_collection_and_stops_where_it_runs_out(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A count costs a scan that grows with the collection (14 ms at 100k chunks): the query
    asks for more rows than there are and stops when fewer come back."""
    retriever = Retriever.from_settings(settings)
    vector = retriever.embedder.embed_queries(["sagobygden"])[0]
    live_chunks = len(retriever.snapshot().chunks)
    _stale_copies(retriever, vector, 40)
    real = retriever.index._chunks()
    queries: list[int] = []

    class Uncounted:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def count(self) -> int:
            raise AssertionError("the dense query counted the collection")

        def query(self, **kwargs: Any) -> Any:
            queries.append(kwargs["n_results"])
            return real.query(**kwargs)

    monkeypatch.setattr(retriever.index, "_chunks", Uncounted)
    hits = retriever.search("sagobygden", k=live_chunks + 100, mode="dense",
                            query_vector=vector, per_doc=0)
    assert len(hits) == live_chunks  # every live chunk, none of the 40 stale ones
    assert all(h.chunk.doc_hash != "stale" for h in hits)
    assert queries and queries[-1] > live_chunks + 40  # it stopped because the rows ran out


class ReversedCollection(RacingCollection):
    """A collection that returns equally distant rows in the opposite order (as Chroma may
    from one process to the next)."""

    def query(self, **kwargs: Any) -> dict[str, Any]:
        got = self.real.query(**kwargs)
        for key in ("ids", "documents", "metadatas", "distances"):
            got[key][0] = list(reversed(got[key][0]))
        got["distances"][0] = [0.5] * len(got["distances"][0])
        return got


def test_equally_distant_rows_come_back_in_one_order(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = Retriever.from_settings(settings)
    vector = retriever.embedder.embed_queries(["sagobygden"])[0]
    race(retriever, ReversedCollection(None), monkeypatch)
    hits = retriever.index.dense_query(vector, 4, retriever.snapshot().live)
    ids = [chunk.chunk_id for chunk, _ in hits]
    assert len(ids) == 4 and ids == sorted(ids)


def test_the_ann_search_is_broad_enough_to_give_the_same_rows_every_time(tmp_path: Path) -> None:
    """Chroma's default search breadth (100) is below what a query asks for; an index is made
    with :data:`SEARCH_EF` and one made before with less is raised when opened."""
    from assistant.index import SEARCH_EF, Index, make_client

    index = Index.open(tmp_path / "new")
    assert index._chunks(create_for=("e", 3)).configuration_json["hnsw"]["ef_search"] == SEARCH_EF
    old = make_client(tmp_path / "old", None)
    old.get_or_create_collection("styrdok_chunks", configuration={"hnsw": {"space": "cosine"}},
                                 embedding_function=None)
    made = old.get_collection("styrdok_chunks", embedding_function=None)
    assert made.configuration_json["hnsw"]["ef_search"] < SEARCH_EF
    opened = Index.open(tmp_path / "old")._chunks()
    assert opened.configuration_json["hnsw"]["ef_search"] == SEARCH_EF
