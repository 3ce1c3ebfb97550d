"""Search: dense (Chroma), lexical (BM25) or both, fused by relative scores (or weighted RRF)."""

from __future__ import annotations

import dataclasses
import logging
import threading
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from pathlib import Path

import numpy as np

from assistant.embeddings import Embedder, get_embedder
from assistant.index import (
    DocRecord,
    Index,
    IndexBusyError,
    StoreUnavailableError,
    log_since,
)
from assistant.postings import LexicalPostings
from assistant.readcache import SavedSnapshot, cache_path
from assistant.readcache import load as load_saved
from assistant.readcache import save as save_snapshot
from assistant.refusal import CorpusStats
from assistant.settings import Settings
from assistant.synonyms import synonyms
from assistant.types import Chunk, Hit

MODES = ("hybrid", "dense", "lexical")
# How much a synonym of a query word counts in BM25 against the word itself (chosen on the
# tune split, see docs/evals.md).
SYNONYM_WEIGHT = 0.3
ATTEMPTS = 5  # reads tried before giving up while re-ingests keep switching documents
# The saved snapshot is rewritten when more than this share of the documents (at least
# RESAVE_MIN) changed since it was saved: a fresh process then reads only that many.
RESAVE_SHARE = 0.02
RESAVE_MIN = 20
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Snapshot:
    """A consistent view of the index: the current versions, their chunks and a BM25 index.

    ``slots`` maps the BM25 index's slots to chunks (None for a slot whose chunk was replaced);
    ``chunks`` holds the same chunks in document and position order.
    """

    versions: tuple[str, ...]
    generation: str
    documents: dict[str, DocRecord]
    chunks: tuple[Chunk, ...]
    lexical: LexicalPostings
    slots: tuple[Chunk | None, ...]
    stats: CorpusStats  # term statistics for the refusal model, kept with the chunks

    def following(self, chunk: Chunk) -> Chunk | None:
        """The chunk after ``chunk`` in its document (found in :attr:`chunks`, which are in
        document and position order), or None."""
        return self._at(chunk.doc_id, chunk.position + 1)

    def preceding(self, chunk: Chunk) -> Chunk | None:
        """The chunk before ``chunk`` in its document, or None."""
        return self._at(chunk.doc_id, chunk.position - 1)

    def _at(self, doc_id: str, position: int) -> Chunk | None:
        key = (doc_id, position)
        i = bisect_left(self.chunks, key, key=_order)
        if i < len(self.chunks) and _order(self.chunks[i]) == key:
            return self.chunks[i]
        return None

    @cached_property
    def live(self) -> frozenset[str]:
        """The current versions as a set: dense hits of any other version are dropped."""
        return frozenset(self.versions)

    @classmethod
    def from_saved(cls, saved: SavedSnapshot) -> _Snapshot:
        """A snapshot as a reader saved it, with the generation it was read at: a fresh
        process reads only what the change log lists since (or, without it, every record)."""
        ordered = tuple(sorted((c for c in saved.slots if c is not None),
                               key=_order))
        versions = tuple(sorted(r.version for r in saved.documents.values()))
        return cls(versions, saved.generation, saved.documents, ordered, saved.lexical,
                   saved.slots,
                   saved.stats)

    def saved(self) -> SavedSnapshot:
        return SavedSnapshot(self.documents, self.slots, self.lexical, self.stats,
                             self.generation)

    @classmethod
    def build(cls, versions: tuple[str, ...], generation: str,
              documents: dict[str, DocRecord], chunks: Sequence[Chunk]) -> _Snapshot:
        ordered = tuple(sorted(chunks, key=_order))
        lexical = LexicalPostings.build([c.embed_text for c in ordered])
        return cls(versions, generation, documents, ordered, lexical, ordered,
                   CorpusStats.from_chunks(ordered))

    def updated(self, versions: tuple[str, ...], generation: str,
                documents: dict[str, DocRecord], added: Sequence[Chunk]) -> _Snapshot:
        """This snapshot with the documents whose version changed replaced: only their chunks
        (``added``: every chunk of the versions this one lacks) are read and indexed.

        The work is proportional to the change where it is easy: each changed document's chunks
        are found by bisection in the ordered chunks, and the unchanged runs between them are
        copied whole. Every chunk object is shared with this snapshot, so two snapshots side by
        side cost little more than one; the changed documents' slots are found by a scan of the
        slots (no map of every chunk id is kept)."""
        current = set(versions)
        gone_docs = {r.doc_id for r in self.documents.values() if r.version not in current}
        added_by_doc: dict[str, list[Chunk]] = defaultdict(list)
        for chunk in added:
            added_by_doc[chunk.doc_id].append(chunk)
        runs: list[Sequence[Chunk]] = []
        start = 0
        for doc_id in sorted(gone_docs | added_by_doc.keys()):
            low = bisect_left(self.chunks, doc_id, lo=start, key=_doc_of)
            high = bisect_right(self.chunks, doc_id, lo=low, key=_doc_of)
            runs += [self.chunks[start:low], sorted(added_by_doc.get(doc_id, ()), key=_order)]
            start = high
        runs.append(self.chunks[start:])
        ordered = tuple(chain.from_iterable(runs))
        slots = list(self.slots)
        gone = [(i, c) for i, c in enumerate(slots) if c is not None and c.doc_id in gone_docs]
        lexical = self.lexical.updated([(i, c.embed_text) for i, c in gone],
                                       [c.embed_text for c in added])
        for i, _chunk in gone:
            slots[i] = None
        slots.extend(added)
        return _Snapshot(versions, generation, documents, ordered, lexical, tuple(slots),
                         self.stats.updated([c for _i, c in gone], added))


def _order(chunk: Chunk) -> tuple[str, int]:
    return chunk.doc_id, chunk.position


def _doc_of(chunk: Chunk) -> str:
    return chunk.doc_id


def _short_documents(documents: dict[str, DocRecord], chunks: Sequence[Chunk]) -> list[str]:
    """Documents with fewer chunks read than their record says they have."""
    found: Counter[str] = Counter(c.doc_id for c in chunks)
    return [d for d, r in documents.items() if found[d] < r.n_chunks]


def _busy() -> IndexBusyError:
    return IndexBusyError(
        f"dokumenten byttes ut under {ATTEMPTS} sökförsök i rad (en inläsning pågår); "
        "försök igen om en stund"
    )


def weighted_rrf(rankings: Sequence[tuple[Sequence[str], float]], k: int = 60) -> dict[str, float]:
    """Weighted reciprocal rank fusion: sum of ``weight / (k + rank)`` over the rankings."""
    fused: dict[str, float] = defaultdict(float)
    for ranking, weight in rankings:
        for rank, key in enumerate(ranking, start=1):
            fused[key] += weight / (k + rank)
    return dict(fused)


def relative_score_fusion(
    rankings: Sequence[tuple[dict[str, float], float]],
) -> dict[str, float]:
    """Weighted sum of min-max normalised scores (a list's best is 1, its worst 0).

    Unlike rank fusion it keeps how *much* better a hit is: a chunk that BM25 scores far above
    the rest (a rare exact term) is not pulled level with chunks both rankings find mediocre.
    """
    fused: dict[str, float] = defaultdict(float)
    for scores, weight in rankings:
        if not scores:
            continue
        low, high = min(scores.values()), max(scores.values())
        span = high - low
        for key, score in scores.items():
            fused[key] += weight * ((score - low) / span if span > 0 else 1.0)
    return dict(fused)


def limit_per_document(hits: Sequence[Hit], per_doc: int) -> list[Hit]:
    """Keep at most ``per_doc`` hits per document (0 keeps everything), order preserved."""
    if per_doc <= 0:
        return list(hits)
    seen: dict[str, int] = defaultdict(int)
    kept = []
    for hit in hits:
        if seen[hit.chunk.doc_id] < per_doc:
            seen[hit.chunk.doc_id] += 1
            kept.append(hit)
    return kept


def diversify(pool: Sequence[Hit], k: int, per_doc: int, *, top_extra: int = 0) -> list[Hit]:
    """The best ``k`` of ``pool`` with at most ``per_doc`` per document, plus more of the best
    document when it fills its quota.

    The cap keeps the sources diverse, but when the best-matching document fills its quota, the
    passage answering one part of the question may be its next chunk. Then up to ``top_extra``
    of the top document's chunks that rank within ``k`` without the cap follow the capped hits.
    """
    hits = limit_per_document(pool, per_doc)[:k]
    if not hits or per_doc <= 0 or top_extra <= 0:
        return hits
    top_doc = hits[0].chunk.doc_id
    if sum(h.chunk.doc_id == top_doc for h in hits) < per_doc:
        return hits
    have = {h.chunk.chunk_id for h in hits}
    more = [h for h in pool[:k] if h.chunk.doc_id == top_doc and h.chunk.chunk_id not in have]
    return hits + more[:top_extra]


class Retriever:
    """Reads one index. Thread-safe; the BM25 index is updated only for documents that change."""

    def __init__(self, index: Index, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self._snapshot: _Snapshot | None = None
        self._lock = threading.Lock()
        self._checked_embedder = False
        self._saved_versions: frozenset[str] | None = None  # saved, or being saved
        self._written_versions: frozenset[str] | None = None  # what the file holds
        self._saving = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Retriever:
        index = Index.open(settings.resolved_index_dir, settings.chroma_url, settings.collection)
        return cls(index, get_embedder(settings.embedder), settings)

    def documents(self) -> dict[str, DocRecord]:
        return self.snapshot().documents

    def snapshot(self) -> _Snapshot:
        """The current snapshot, refreshed if any document changed since the last call.

        A snapshot is only kept when every document's chunks were all read: a re-ingest that
        deletes a version while we read it leaves a document short, and then we read again.
        """
        if not self._checked_embedder:
            self.index.check_embedder(self.embedder.id)
            self._checked_embedder = True
        for _attempt in range(ATTEMPTS):
            if self._snapshot is None:
                self._start_from_saved()
            generation = self.index.generation()
            cached = self._snapshot
            if cached is not None and generation and cached.generation == generation:
                return cached
            documents = self._current_documents(cached, generation)
            versions = tuple(sorted(r.version for r in documents.values()))
            with self._lock:
                current = self._snapshot
                if current is not None and current.versions == versions:
                    if current.generation != generation:
                        current = dataclasses.replace(current, generation=generation)
                        self._snapshot = current
                    return current
                # Only the versions the current snapshot lacks are read (all of them at first).
                known = set(current.versions) if current is not None else set()
                new_versions = [v for v in versions if v not in known]
                chunks = self.index.current_chunks(new_versions)
                short = _short_documents(
                    {d: r for d, r in documents.items() if r.version not in known}, chunks)
                if short and self._changed_since_read(generation, versions):
                    continue
                if short:
                    log.warning("index %s: documents lack chunks: %s",
                                self.index.location, ", ".join(short))
                self._snapshot = (
                    _Snapshot.build(versions, generation, documents, chunks) if current is None
                    else current.updated(versions, generation, documents, chunks))
                self._save_if_stale(self._snapshot)
                return self._snapshot
        raise _busy()

    def _current_documents(self, cached: _Snapshot | None, generation: str
                           ) -> dict[str, DocRecord]:
        """Every current document record (read after ``generation``), by doc_id.

        From ``cached`` and the change log when the log reaches back to it: only the records
        switched and the documents removed since are read, so one changed document costs a
        reader the same at 10,000 documents as at 10. The result is checked against the number
        of records; whatever the log cannot vouch for (an index written before the log, a
        log trimmed past the reader, an index rebuilt since, a marker that did not move
        forward) is answered by reading every record.
        """
        since = log_since(cached.generation, generation) if cached is not None else None
        if cached is not None and since is not None:
            changes = self.index.changes_since(since)
            documents = {d: r for d, r in cached.documents.items() if d not in changes.removed}
            documents.update(changes.switched)
            if len(documents) == self.index.document_count():
                return dict(sorted(documents.items()))
            log.info("index %s: the change log does not reach back to switch %d; reading "
                     "every document record", self.index.location, since)
        return self.index.documents()

    def cache_file(self) -> Path | None:
        """Where this index's snapshot is saved (without suffix); None with the cache off."""
        return self._cache_file()

    def _cache_file(self) -> Path | None:
        if not self.settings.reader_cache:
            return None
        return cache_path(self.settings.resolved_index_dir, self.index.location,
                          self.index.name, self.embedder.id)

    def _start_from_saved(self) -> None:
        """Take the snapshot an earlier process saved as this reader's first, if there is one:
        it is brought up to date like any snapshot (by the change log since its generation)."""
        with self._lock:
            if self._snapshot is None:
                self._snapshot = self._load_saved()

    def _load_saved(self) -> _Snapshot | None:
        """The snapshot an earlier process saved (see :mod:`assistant.readcache`), if any."""
        path = self._cache_file()
        saved = load_saved(path) if path is not None else None
        if saved is None:
            return None
        snapshot = _Snapshot.from_saved(saved)
        self._saved_versions = self._written_versions = snapshot.live
        return snapshot

    def _save_if_stale(self, snapshot: _Snapshot) -> None:
        """Save ``snapshot`` in the background when the saved one lags by more than
        :data:`RESAVE_SHARE` of the documents (or there is none), so a fresh process has
        little to read. Readers never wait for it."""
        path = self._cache_file()
        if path is None:
            return
        saved = self._saved_versions
        if saved is not None:
            lag = len(saved ^ snapshot.live)
            if lag <= max(RESAVE_MIN, RESAVE_SHARE * len(snapshot.versions)):
                return
        if not self._saving.acquire(blocking=False):
            return
        self._saved_versions = snapshot.live

        def write() -> None:
            try:
                save_snapshot(path, snapshot.saved())
                self._written_versions = snapshot.live
            except Exception as exc:  # noqa: BLE001 - only an accelerator: log and go on
                log.warning("reader cache %s not saved: %s", path, exc)
            finally:
                self._saving.release()

        threading.Thread(target=write, name="styrdok-reader-cache", daemon=True).start()

    def save_now(self) -> bool:
        """Bring the snapshot up to date and save it before returning, unless the saved file
        already holds exactly the current versions. The ingest that changed a local index
        calls this, so the next app process loads the snapshot instead of reading every
        chunk. False when the cache is off or nothing needed writing."""
        path = self._cache_file()
        if path is None:
            return False
        snapshot = self.snapshot()
        with self._saving:  # after any background save
            if self._written_versions == snapshot.live:
                return False
            save_snapshot(path, snapshot.saved())
            self._saved_versions = self._written_versions = snapshot.live
        return True

    def wait_for_save(self) -> None:
        """Block until a background save of the snapshot has finished (tests, the bench)."""
        with self._saving:
            pass

    def correct(self, text: str, plain: bool | None = None) -> str:
        """``text`` with misspelt words replaced by the corpus words they are very close to
        (``plain``: see :meth:`assistant.lexical.Vocabulary.correct`)."""
        return self.snapshot().lexical.vocabulary.correct(text, plain)

    def _changed_since(self, snap: _Snapshot) -> bool:
        """Did a document switch version after ``snap`` was taken?"""
        return self._changed_since_read(snap.generation, snap.versions)

    def _changed_since_read(self, generation: str, versions: tuple[str, ...]) -> bool:
        if generation:
            return self.index.generation() != generation
        return tuple(sorted(r.version for r in self.index.documents().values())) != versions

    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        mode: str | None = None,
        per_doc: int | None = None,
        query_vector: np.ndarray | None = None,
        names: Collection[str] = (),
    ) -> list[Hit]:
        """The best ``k`` chunks for ``query``. ``names``: lower-case words of the names the
        query mentions (a municipality's), each one word in the lexical search: split, "Lindsjö"
        would count three times ("lind", "sjö") and favour the passages that repeat it."""
        k = k or self.settings.k
        mode = mode or self.settings.retrieval
        per_doc = self.settings.per_doc if per_doc is None else per_doc
        if mode not in MODES:
            raise ValueError(f"okänt sökläge {mode!r}: välj {', '.join(MODES)}")
        if not query.strip():
            return []
        # The candidate depth depends on the configured k, not the requested one: relative
        # score fusion normalises over the candidates, so asking for more hits must not
        # reorder the first ones.
        depth = max(4 * self.settings.k, 40, k)
        transient_retried = False
        for _attempt in range(ATTEMPTS):
            snap = self.snapshot()
            dense: list[tuple[Chunk, float]] = []
            if mode in ("hybrid", "dense"):
                if query_vector is None:
                    query_vector = self.embedder.embed_queries([query])[0]
                try:
                    dense = self.index.dense_query(query_vector, depth, snap.live)
                except StoreUnavailableError:
                    # Chroma may fail a query that races a delete; that is not an outage. A
                    # server's connection can also fail once under load: ask once more.
                    if self._changed_since(snap) or not transient_retried:
                        transient_retried = True
                        continue
                    raise
                # A re-ingest may have switched versions while we queried: read again.
                if self._changed_since(snap):
                    continue
            lexical: list[tuple[Chunk, float]] = []
            if mode in ("hybrid", "lexical"):
                lexical = [(chunk, s) for i, s in snap.lexical.search(
                               query, depth, synonyms, SYNONYM_WEIGHT, names)
                           if (chunk := snap.slots[i]) is not None]
            hits = self._fuse(dense, lexical, mode)
            return limit_per_document(hits, per_doc)[:k]
        raise _busy()

    def search_many(
        self,
        queries: Sequence[str],
        *,
        k: int | None = None,
        mode: str | None = None,
        per_doc: int | None = None,
    ) -> list[list[Hit]]:
        """Search many queries, embedding them in one batch."""
        mode = mode or self.settings.retrieval
        vectors: Sequence[np.ndarray | None] = [None] * len(queries)
        if mode in ("hybrid", "dense") and queries:
            vectors = list(self.embedder.embed_queries(list(queries)))
        return [
            self.search(q, k=k, mode=mode, per_doc=per_doc, query_vector=v)
            for q, v in zip(queries, vectors, strict=True)
        ]

    def _fuse(
        self,
        dense: list[tuple[Chunk, float]],
        lexical: list[tuple[Chunk, float]],
        mode: str,
    ) -> list[Hit]:
        by_id: dict[str, Chunk] = {}
        dense_info: dict[str, tuple[int, float]] = {}
        lexical_info: dict[str, tuple[int, float]] = {}
        for rank, (chunk, score) in enumerate(dense, start=1):
            by_id[chunk.chunk_id] = chunk
            dense_info[chunk.chunk_id] = (rank, score)
        for rank, (chunk, score) in enumerate(lexical, start=1):
            by_id.setdefault(chunk.chunk_id, chunk)
            lexical_info[chunk.chunk_id] = (rank, score)
        if mode == "dense":
            scores = {cid: s for cid, (_, s) in dense_info.items()}
        elif mode == "lexical":
            scores = {cid: s for cid, (_, s) in lexical_info.items()}
        elif self.settings.fusion == "relative":
            scores = relative_score_fusion(
                [
                    ({cid: s for cid, (_, s) in dense_info.items()}, self.settings.dense_weight),
                    ({cid: s for cid, (_, s) in lexical_info.items()},
                     self.settings.lexical_weight),
                ]
            )
        else:
            scores = weighted_rrf(
                [
                    ([c.chunk_id for c, _ in dense], self.settings.dense_weight),
                    ([c.chunk_id for c, _ in lexical], self.settings.lexical_weight),
                ],
                k=self.settings.rrf_k,
            )
        ordered = sorted(scores, key=lambda cid: (-scores[cid], cid))
        return [
            Hit(
                chunk=by_id[cid],
                score=scores[cid],
                dense_score=dense_info.get(cid, (None, None))[1],
                lexical_score=lexical_info.get(cid, (None, None))[1],
                dense_rank=dense_info.get(cid, (None, None))[0],
                lexical_rank=lexical_info.get(cid, (None, None))[0],
            )
            for cid in ordered
        ]
