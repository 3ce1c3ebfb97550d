"""Ingest: files and fetched web pages -> Document -> Chunk -> index. The only writer of the index.

`ingest_inputs` is the one path: an input names its source, says whether it changed (a content
hash, or None when an HTTP 304 says it did not) and loads itself. `ingest_paths` feeds it files;
`ingest.web.sync` feeds it fetched pages.

Incremental by content hash: a file whose bytes (and sidecar) are unchanged is not even parsed;
a changed document's chunks are replaced, reusing the stored embedding of every chunk whose
embedded text is unchanged. Sync semantics: a document whose file has disappeared from a folder
that is being ingested is removed; ``prune=True`` removes every indexed document whose file is
not among this run's inputs. A file that cannot be read, or that yields no chunk (whatever its
format), is listed in ``skipped`` with a reason and keeps its last good version in the index.

At scale: documents are embedded and stored in batches of about `FLUSH_CHUNKS` chunks, one
write of each kind per batch. A stop (Ctrl-C, SIGTERM, a crash, kill -9) loses at most the batch
under way; the next run finds every committed document unchanged and goes on from there.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.embeddings import Embedder, embedder_for
from assistant.errors import StyrdokError
from assistant.index import (
    DocRecord,
    Index,
    StoreUnavailableError,
    remove_local_store,
    version_of,
)
from assistant.retrieval import Retriever
from assistant.settings import Settings
from assistant.types import Chunk, Document, content_hash
from ingest.chunking import chunk_document
from ingest.loaders import LoadError, is_sidecar, load_document, sidecar_path

log = logging.getLogger(__name__)

FLUSH_CHUNKS = 256
"""Chunks gathered before they are embedded and stored together (at least four embedding
batches). Storage costs a round trip per write whatever its size, so documents are written in
batches; a crash or Ctrl-C loses at most the batch under way, never a committed document."""

NO_CHUNKS_REASON = (
    "dokumentet gav ingen text att söka i (bara rubriker eller inget innehåll); "
    "lägg till brödtext i filen eller ta bort den"
)

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage "files" counts inputs that are finished (stored,
unchanged or skipped) out of all inputs; stage "embed" counts the texts embedded in the batch
under way."""


class IngestError(StyrdokError):
    """The run as a whole cannot proceed (another ingest holds the lock, bad arguments)."""


class IngestInterrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM turned into it) stopped a run; ``summary`` says what was finished.

    Every document counted in the summary is committed; running the same ingest again
    resumes, skipping them as unchanged.
    """

    def __init__(self, summary: IngestSummary) -> None:
        super().__init__()
        self.summary = summary


@dataclass
class IngestSummary:
    files_read: int = 0
    documents_added: int = 0
    documents_replaced: int = 0
    documents_unchanged: int = 0
    documents_removed: int = 0
    chunks_added: int = 0
    chunks_replaced: int = 0
    chunks_removed: int = 0
    chunks_unchanged: int = 0
    texts_embedded: int = 0
    embeddings_reused: int = 0
    orphans_removed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    elapsed_s: float = 0.0
    embed_s: float = 0.0
    doc_ids: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.skipped

    def to_dict(self) -> dict[str, object]:
        data = dict(self.__dict__)
        data["skipped"] = [{"path": p, "reason": r} for p, r in self.skipped]
        data["ok"] = self.ok
        return data


def _code_fingerprint() -> str:
    """Hash of the loader and chunker source: a new parser or chunker re-processes documents."""
    here = Path(__file__).resolve().parent
    files = sorted([here / "chunking.py", *(here / "loaders").glob("*.py")])
    return content_hash(b"".join(f.read_bytes() for f in files if f.exists()))[:12]


INGEST_VERSION = _code_fingerprint()


def version_hash(digest: str) -> str:
    """What a stored document version is named by: its bytes and the code that parsed them."""
    return content_hash(f"{digest}:{INGEST_VERSION}")


def is_current(record: DocRecord, digest: str) -> bool:
    return record.content_hash == digest and record.version == version_of(
        record.doc_id, version_hash(digest)
    )


def file_content_hash(path: Path) -> str:
    """Hash of a file's bytes plus its sidecar's: what decides whether it changed."""
    data = path.read_bytes()
    sidecar = sidecar_path(path)
    if sidecar.exists():
        data += b"\0sidecar\0" + sidecar.read_bytes()
    return content_hash(data)


def discover(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[str, str]], list[Path]]:
    """Files to ingest (sorted, recursive), problems with the given paths, and folders given."""
    files: list[Path] = []
    problems: list[tuple[str, str]] = []
    folders: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            problems.append((str(path), "finns inte"))
        elif path.is_dir():
            folders.append(path.resolve())
            files += sorted(
                p
                for p in path.rglob("*")
                if (p.is_file() or p.is_symlink())
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not is_sidecar(p)
            )
        else:
            files.append(path)
    unique = list(dict.fromkeys(p.resolve() if p.exists() else p.absolute() for p in files))
    return unique, problems, folders


@contextlib.contextmanager
def _ingest_lock(settings: Settings) -> Iterator[None]:
    """One ingest at a time per local index folder."""
    folder = settings.resolved_index_dir
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "ingest.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IngestError(
                f"en annan inläsning pågår redan mot {folder}; vänta tills den är klar"
            ) from exc
        yield


def _open_index(settings: Settings, rebuild: bool) -> Index:
    """Open the index; with ``rebuild``, empty it, deleting a local one that cannot be opened."""
    location = (settings.resolved_index_dir, settings.chroma_url, settings.collection)
    try:
        index = Index.open(*location)
        if rebuild:
            index.drop()
    except StoreUnavailableError:
        if not rebuild or settings.chroma_url:
            raise
        remove_local_store(settings.resolved_index_dir)
        index = Index.open(*location)
    return index


class Input(Protocol):
    """One thing to ingest: a file, or a page fetched from the web (ingest.web).

    ``source`` names it in the index (a resolved file path or a URL). ``digest`` is the hash that
    decides whether it changed, or None when the source itself says it has not changed (HTTP 304)
    and the stored version is kept. ``load`` parses it; it raises `LoadError` only.
    """

    @property
    def source(self) -> str: ...

    def digest(self) -> str | None: ...

    def load(self) -> Document: ...


@dataclass(frozen=True)
class FileInput:
    path: Path
    loader: Callable[[Path], Document] = load_document

    @property
    def source(self) -> str:
        return str(self.path)

    def digest(self) -> str | None:
        return file_content_hash(self.path)

    def load(self) -> Document:
        return self.loader(self.path)


def ingest_paths(
    paths: Sequence[Path],
    settings: Settings,
    *,
    prune: bool = False,
    rebuild: bool = False,
    progress: Progress | None = None,
    embedder: Embedder | None = None,
    load: Callable[[Path], Document] = load_document,
    save_snapshot: bool = False,
) -> IngestSummary:
    """Bring the index in line with ``paths`` and report what happened.

    ``load`` parses one file (`load_document`; uploads pass `ingest.isolated.load_isolated`).
    ``save_snapshot``: write the readers' saved snapshot afterwards (``styrdok ingest``; an
    app process that ingests an upload leaves it to its own reader, which updates in place
    instead of holding a second snapshot).
    """
    files, problems, folders = discover(paths)

    def vanished(record: DocRecord, seen_sources: set[str]) -> bool:
        if is_web_source(record.source):
            return False  # web pages are kept in sync by `styrdok sync`, not by file runs
        source = Path(record.source)
        in_folder = any(source.is_relative_to(folder) for folder in folders)
        # The file now yields another doc_id: the old id is stale.
        renamed = record.source in seen_sources and source.exists()
        gone = in_folder and not source.exists()
        return renamed or gone or (prune and record.source not in seen_sources)

    return ingest_inputs(
        [FileInput(path, load) for path in files],
        settings,
        remove=vanished,
        problems=problems,
        rebuild=rebuild,
        progress=progress,
        embedder=embedder,
        save_snapshot=save_snapshot,
    )


def is_web_source(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def ingest_inputs(
    inputs: Sequence[Input],
    settings: Settings,
    *,
    remove: Callable[[DocRecord, set[str]], bool] | None = None,
    problems: Sequence[tuple[str, str]] = (),
    rebuild: bool = False,
    progress: Progress | None = None,
    embedder: Embedder | None = None,
    save_snapshot: bool = False,
) -> IngestSummary:
    """Ingest ``inputs``; then remove every other document for which ``remove(record,
    sources seen this run)`` is true. ``problems`` are reported as skipped. With
    ``save_snapshot`` the readers' snapshot of a local index is saved afterwards."""
    started = time.perf_counter()
    summary = IngestSummary()
    embedder = embedder or embedder_for(settings)
    summary.skipped += problems
    flush_at = max(FLUSH_CHUNKS, 4 * settings.embed_batch_size)
    with _ingest_lock(settings):
        index = _open_index(settings, rebuild)
        if index.exists():
            index.check_embedder(embedder.id)
        else:
            index.ensure(embedder.id, embedder.dim)
        index.publish_pending()
        index.trim_change_log()
        summary.orphans_removed = index.remove_orphans()
        existing = index.documents()
        by_source = {r.source: r for r in existing.values()}
        claimed: dict[str, str] = {}
        seen_sources: set[str] = set()

        def report_files(done: int) -> None:
            if progress:
                progress("files", done, len(inputs))

        pending: list[_Pending] = []
        try:
            report_files(0)
            for done, item in enumerate(inputs, start=1):
                seen_sources.add(item.source)
                prepared = _prepare(item, existing, by_source, claimed, summary)
                if prepared is not None:
                    pending.append(prepared)
                if sum(len(p.chunks) for p in pending) >= flush_at:
                    _store_pending(pending, index, embedder, settings, summary, progress)
                    pending = []
                if not pending:  # every input so far is stored, unchanged or skipped
                    report_files(done)
            _store_pending(pending, index, embedder, settings, summary, progress)
            pending = []
            report_files(len(inputs))
            _remove_unwanted(index, existing, claimed, seen_sources, remove, summary)
        except KeyboardInterrupt as exc:
            summary.elapsed_s = time.perf_counter() - started
            raise IngestInterrupted(summary) from exc
        if save_snapshot:
            _save_reader_snapshot(index, embedder, settings, summary)
    summary.elapsed_s = time.perf_counter() - started
    return summary


def _save_reader_snapshot(index: Index, embedder: Embedder, settings: Settings,
                          summary: IngestSummary) -> None:
    """Write the readers' saved snapshot (:mod:`assistant.readcache`) beside a local index
    this run changed (or that has none yet), still under the ingest lock: the next app
    process then loads it and reads no chunks. It starts from the saved snapshot, so only the
    documents this run changed are read. With a Chroma server the ingest may run on another
    host than the app processes, whose index folders it cannot reach: there the first app
    process on each host reads every chunk and saves its own copy.

    Only an accelerator: a failure is logged and the ingest still succeeds (readers then read
    what they lack from the index)."""
    if not settings.reader_cache or settings.chroma_url:
        return
    changed = (summary.documents_added or summary.documents_replaced
               or summary.documents_removed or summary.orphans_removed)
    retriever = Retriever(index, embedder, settings)
    path = retriever.cache_file()
    if not changed and path is not None and path.with_suffix(".json").exists():
        return
    try:
        retriever.save_now()
    except Exception as exc:  # noqa: BLE001 - the index itself is complete and consistent
        log.warning("reader snapshot not saved after the ingest: %s", exc)


def indexed_sources(settings: Settings) -> dict[str, DocRecord]:
    """Current documents by source (read-only; empty when there is no index yet)."""
    try:
        index = Index.open(settings.resolved_index_dir, settings.chroma_url, settings.collection)
        if not index.exists():
            return {}
        return {r.source: r for r in index.documents().values()}
    except StoreUnavailableError:
        return {}


def is_up_to_date(record: DocRecord) -> bool:
    """The stored version was parsed by the current loaders and chunker."""
    return is_current(record, record.content_hash)


@dataclass
class _Pending:
    """A parsed, chunked document waiting for its embeddings and its commit."""

    document: Document
    chunks: list[Chunk]
    previous: DocRecord | None
    hashes: list[str]
    vectors: dict[int, np.ndarray] = field(default_factory=dict)
    todo: list[int] = field(default_factory=list)


def _prepare(
    item: Input,
    existing: dict[str, DocRecord],
    by_source: dict[str, DocRecord],
    claimed: dict[str, str],
    summary: IngestSummary,
) -> _Pending | None:
    """Parse and chunk a new or changed input; None when it is unchanged or cannot be read."""
    source = item.source
    try:
        digest = item.digest()
    except OSError as exc:
        summary.skipped.append((source, f"filen kunde inte läsas: {exc.strerror or exc}"))
        return None
    summary.files_read += 1
    old = by_source.get(source)
    if digest is None:  # the source says it has not changed (HTTP 304)
        if old is not None and old.doc_id not in claimed:
            claimed[old.doc_id] = source
            summary.documents_unchanged += 1
            summary.chunks_unchanged += old.n_chunks
            summary.doc_ids.append(old.doc_id)
        else:
            summary.skipped.append((source, "oförändrad enligt servern men saknas i indexet"))
        return None
    if old is not None and is_current(old, digest) and old.doc_id not in claimed:
        claimed[old.doc_id] = source
        summary.documents_unchanged += 1
        summary.chunks_unchanged += old.n_chunks
        summary.doc_ids.append(old.doc_id)
        return None
    try:
        document = item.load()
    except LoadError as exc:
        summary.skipped.append((source, exc.reason))
        return None
    # One definition of "changed": the bytes hashed above, whatever the loader computed.
    document = dataclasses.replace(document, content_hash=digest)
    if document.doc_id in claimed:
        summary.skipped.append(
            (source, f"doc_id {document.doc_id!r} används redan av {claimed[document.doc_id]}")
        )
        return None
    # Chunks are named by the version hash, so re-chunking the same bytes never reuses old ids.
    chunks = chunk_document(dataclasses.replace(document, content_hash=version_hash(digest)))
    if not chunks:  # the one rule for every format: nothing searchable is never "added"
        summary.skipped.append((source, NO_CHUNKS_REASON))
        return None
    claimed[document.doc_id] = source
    summary.doc_ids.append(document.doc_id)
    previous = existing.get(document.doc_id)
    if previous is not None and is_current(previous, digest):
        summary.documents_unchanged += 1
        summary.chunks_unchanged += previous.n_chunks
        return None
    hashes = [content_hash(c.embed_text) for c in chunks]
    return _Pending(document, chunks, previous, hashes)


def _store_pending(
    pending: list[_Pending],
    index: Index,
    embedder: Embedder,
    settings: Settings,
    summary: IngestSummary,
    progress: Progress | None,
) -> None:
    """Embed the pending documents' new texts in shared batches, then store them together.

    Chunks whose embedded text did not change keep their stored embedding (one read for the
    batch). All new chunks are written before any document record switches, and the records
    switch before old chunks go (`Index.commit_documents`), so a reader never sees a mix or a
    gap, and a crash loses at most this batch.
    """
    if not pending:
        return
    reusable = index.stored_embeddings([p.document.doc_id for p in pending if p.previous])
    for item in pending:
        stored = reusable.get(item.document.doc_id, {})
        item.vectors = {i: stored[h] for i, h in enumerate(item.hashes) if h in stored}
        item.todo = [i for i in range(len(item.chunks)) if i not in item.vectors]
    work = [(item, i) for item in pending for i in item.todo]
    embed_started = time.perf_counter()
    size = settings.embed_batch_size
    if progress:
        progress("embed", 0, len(work))
    for start in range(0, len(work), size):
        batch = work[start : start + size]
        texts = [item.chunks[i].embed_text for item, i in batch]
        for (item, i), vector in zip(batch, embedder.embed_passages(texts), strict=True):
            item.vectors[i] = vector
        if progress:
            progress("embed", start + len(batch), len(work))
    summary.embed_s += time.perf_counter() - embed_started

    chunks = [c for item in pending for c in item.chunks]
    hashes = [h for item in pending for h in item.hashes]
    vectors = np.stack([item.vectors[i] for item in pending for i in range(len(item.chunks))])
    index.add_chunks(chunks, vectors, hashes)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    index.commit_documents([_record(item.document, len(item.chunks), now) for item in pending])
    for item in pending:
        summary.texts_embedded += len(item.todo)
        summary.embeddings_reused += len(item.chunks) - len(item.todo)
        if item.previous is None:
            summary.documents_added += 1
            summary.chunks_added += len(item.chunks)
        else:
            summary.documents_replaced += 1
            summary.chunks_replaced += len(item.chunks)


def _record(document: Document, n_chunks: int, ingested_at: str) -> DocRecord:
    return DocRecord(
        doc_id=document.doc_id,
        version=version_of(document.doc_id, version_hash(document.content_hash)),
        content_hash=document.content_hash,
        title=document.title,
        source=document.source,
        kind=document.kind,
        n_chunks=n_chunks,
        url=document.url,
        publisher=document.publisher,
        note=document.note,
        valid_from=document.valid_from,
        valid_to=document.valid_to,
        page_count=document.page_count,
        ingested_at=ingested_at,
        fetched_at=document.fetched_at or "",
        last_modified=document.last_modified or "",
    )


def _remove_unwanted(
    index: Index,
    existing: dict[str, DocRecord],
    claimed: dict[str, str],
    seen_sources: set[str],
    remove: Callable[[DocRecord, set[str]], bool] | None,
    summary: IngestSummary,
) -> None:
    failed_this_run = {source for source, _ in summary.skipped}
    for record in existing.values():
        if record.doc_id in claimed or remove is None:
            continue
        if record.source in failed_this_run:
            continue  # keep the last good version of a source that could not be read now
        if remove(record, seen_sources):
            summary.chunks_removed += index.remove_document(record.doc_id)
            summary.documents_removed += 1
