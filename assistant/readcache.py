"""A reader's snapshot saved beside the index, so a fresh app process need not re-read and
re-tokenize every chunk.

A document version (``doc_id@hash``, the hash covering the ingest code's version) always has the
same chunks, so a saved snapshot stays true for every version that is still current: a fresh
process loads it, compares its versions with the index's and reads only the versions it lacks
(:meth:`assistant.retrieval.Retriever.snapshot`). The file is only ever an accelerator: one that
is missing, unreadable or from another store is ignored, and the index is read in full.

Format (no pickle): ``<key>.json`` (documents, chunks by BM25 slot, each slot's terms, corpus
word counts, the refusal model's term statistics) and ``<key>.npz`` (posting lists and chunk
lengths), written to temporary names and renamed, so a reader never loads a half-written pair;
the JSON names the npz it belongs with.
Each app host keeps its own copy (also with a Chroma server) in the index folder.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson

from assistant.index import DocRecord, chunk_from_record, chunk_to_metadata
from assistant.lexical import Vocabulary
from assistant.postings import LexicalPostings, _Posting
from assistant.refusal import CorpusStats
from assistant.types import Chunk

FORMAT = 2
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SavedSnapshot:
    """What a reader needs to resume: the documents, chunks by slot and the BM25 index."""

    documents: dict[str, DocRecord]
    slots: tuple[Chunk | None, ...]
    lexical: LexicalPostings
    stats: CorpusStats
    generation: str = ""  # the index's marker when it was read ("" when unknown)


def cache_path(folder: Path, location: str, collection: str, embedder_id: str) -> Path:
    """The cache file (without suffix) for one index of one store."""
    key = hashlib.sha256(f"{location}\0{collection}\0{embedder_id}".encode()).hexdigest()[:16]
    return Path(folder) / "reader-cache" / f"{collection}-{key}"


def save(path: Path, saved: SavedSnapshot) -> None:
    """Write ``saved`` to ``path`` (.json and .npz) atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lexical = saved.lexical
    terms = sorted(lexical.postings)
    postings = [lexical.postings[t] for t in terms]
    lengths_of = np.asarray([len(p.slots) for p in postings], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths_of)]).astype(np.int64)
    tag = uuid.uuid4().hex
    arrays = path.with_name(f"{path.name}.{tag}.npz")
    with open(arrays, "wb") as handle:
        np.savez(
            handle,
            offsets=offsets,
            slots=np.concatenate([p.slots for p in postings]) if postings
            else np.zeros(0, np.int32),
            tf=np.concatenate([p.tf for p in postings]) if postings else np.zeros(0, np.float32),
            lengths=lexical.lengths,
        )
    body = {
        "format": FORMAT,
        "arrays": arrays.name,
        "generation": saved.generation,
        "documents": [r.to_metadata() for r in saved.documents.values()],
        "chunks": [None if c is None else [c.chunk_id, c.text, chunk_to_metadata(c, "")]
                   for c in saved.slots],
        "slot_terms": [None if t is None else " ".join(t) for t in lexical.slot_terms],
        "terms": terms,
        "words": dict(lexical.word_counts),
        "stats": {"n": saved.stats.n, "df": saved.stats.df},
        "live": lexical.live,
        "total_length": lexical.total_length,
    }
    temporary = path.with_name(f"{path.name}.{tag}.json")
    temporary.write_bytes(orjson.dumps(body))
    previous = _arrays_name(path)
    os.replace(temporary, path.with_suffix(".json"))
    if previous and previous != arrays.name:
        (path.parent / previous).unlink(missing_ok=True)


def _arrays_name(path: Path) -> str | None:
    try:
        return str(orjson.loads(path.with_suffix(".json").read_bytes())["arrays"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load(path: Path) -> SavedSnapshot | None:
    """The snapshot saved at ``path``, or None when there is none or it cannot be read."""
    file = path.with_suffix(".json")
    if not file.exists():
        return None
    try:
        body = orjson.loads(file.read_bytes())
        if body.get("format") != FORMAT:
            return None
        with np.load(path.parent / Path(body["arrays"]).name, allow_pickle=False) as arrays:
            offsets, slots, tf = arrays["offsets"], arrays["slots"], arrays["tf"]
            lengths = arrays["lengths"].astype(np.float64)
        # One string object per term, shared by the posting lists and every slot's terms
        # (millions of references at 100k chunks: a copy each would cost ~50 bytes apiece).
        terms = [sys.intern(str(t)) for t in body["terms"]]
        if len(offsets) != len(terms) + 1:
            raise ValueError("posting offsets do not match the terms")
        postings = {
            term: _Posting(slots[offsets[i]:offsets[i + 1]], tf[offsets[i]:offsets[i + 1]])
            for i, term in enumerate(terms)
        }
        chunks = tuple(None if row is None else chunk_from_record(row[0], row[1], row[2])
                       for row in body["chunks"])
        slot_terms = tuple(None if t is None else tuple(map(sys.intern, t.split()))
                           for t in body["slot_terms"])
        if not len(chunks) == len(slot_terms) == len(lengths):
            raise ValueError("slot counts differ")
        words = Counter({str(w): int(c) for w, c in body["words"].items()})
        lexical = LexicalPostings(Vocabulary(words), postings, lengths, slot_terms, words,
                                  int(body["live"]), float(body["total_length"]))
        documents = {str(m["doc_id"]): DocRecord.from_metadata(m) for m in body["documents"]}
        stats = CorpusStats({str(t): int(c) for t, c in body["stats"]["df"].items()},
                            int(body["stats"]["n"]))
        return SavedSnapshot(documents, chunks, lexical, stats, str(body.get("generation", "")))
    except Exception as exc:  # noqa: BLE001 - a bad cache is ignored: the index is read in full
        log.warning("reader cache %s ignored: %s", file, exc)
        return None
