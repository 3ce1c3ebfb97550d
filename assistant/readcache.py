"""A reader's snapshot saved beside the index, so a fresh app process need not re-read and
re-tokenize every chunk.

A document version (``doc_id@hash``, the hash covering the ingest code's version) always has the
same chunks, so a saved snapshot stays true for every version that is still current: a fresh
process loads it, compares its versions with the index's and reads only the versions it lacks
(:meth:`assistant.retrieval.Retriever.snapshot`). The file is only ever an accelerator: one that
is missing, unreadable or from another store is ignored, and the index is read in full.

Format (no pickle): ``<key>.json`` (documents, the terms, the distinct metadata values, corpus
word counts, the refusal model's term statistics) and ``<key>.npz`` (posting lists, chunk
lengths, each slot's terms as term numbers, and the chunks by BM25 slot as columns: ids and
texts packed in UTF-8 buffers, metadata as codes into the distinct values), written to
temporary names and renamed, so a reader never loads a half-written pair;
the JSON names the npz it belongs with.
Each app host keeps its own copy (also with a Chroma server) in the index folder.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import logging
import os
import sys
import uuid
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from assistant.index import DocRecord, chunk_from_record, chunk_to_metadata
from assistant.lexical import Vocabulary
from assistant.postings import LexicalPostings, _Posting
from assistant.refusal import CorpusStats
from assistant.types import Chunk

FORMAT = 3
# A chunk's metadata as chunk_to_metadata writes it: text fields are stored as codes into one
# table of distinct values (titles, sources and dates repeat for every chunk of a document),
# numbers as they are.
_TEXT_FIELDS = ("doc_id", "title", "heading_path", "source", "url", "kind", "valid_from",
                "valid_to", "doc_hash")
_NUMBER_FIELDS = ("position", "page", "page_end")
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


def _packed(texts: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """``texts`` as one UTF-8 buffer and the offsets of each text in it (written one by one:
    a list of every encoded text would hold them all twice)."""
    buffer = io.BytesIO()
    ends = array("q", [0])
    for text in texts:
        ends.append(ends[-1] + buffer.write(text.encode("utf-8")))
    return np.frombuffer(buffer.getbuffer(), dtype=np.uint8), np.asarray(ends, dtype=np.int64)


def _unpacked(buffer: np.ndarray, offsets: np.ndarray) -> list[str]:
    data = buffer.tobytes()
    bounds = offsets.tolist()
    return [data[a:b].decode("utf-8") for a, b in itertools.pairwise(bounds)]


def _chunk_columns(slots: Sequence[Chunk | None]) -> tuple[dict[str, np.ndarray], list[str]]:
    """The chunks of ``slots`` as columns (no Python object per chunk in the file): present
    flags, ids and texts packed, metadata as codes and numbers."""
    present = [c for c in slots if c is not None]
    values: dict[str, int] = {}
    codes = np.zeros((len(present), len(_TEXT_FIELDS)), dtype=np.int32)
    numbers = np.zeros((len(present), len(_NUMBER_FIELDS)), dtype=np.int64)
    for row, chunk in enumerate(present):
        meta = chunk_to_metadata(chunk, "")
        for col, name in enumerate(_TEXT_FIELDS):
            codes[row, col] = values.setdefault(str(meta[name]), len(values))
        for col, name in enumerate(_NUMBER_FIELDS):
            numbers[row, col] = int(meta[name])
    ids, id_offsets = _packed(c.chunk_id for c in present)
    texts, text_offsets = _packed(c.text for c in present)
    columns = {
        "chunk_present": np.asarray([c is not None for c in slots], dtype=bool),
        "chunk_ids": ids, "chunk_id_offsets": id_offsets,
        "chunk_texts": texts, "chunk_text_offsets": text_offsets,
        "chunk_codes": codes, "chunk_numbers": numbers,
    }
    return columns, list(values)


def _chunks_from(arrays: Any, values: Sequence[str]) -> tuple[Chunk | None, ...]:
    present = arrays["chunk_present"]
    ids = _unpacked(arrays["chunk_ids"], arrays["chunk_id_offsets"])
    texts = _unpacked(arrays["chunk_texts"], arrays["chunk_text_offsets"])
    codes, numbers = arrays["chunk_codes"].tolist(), arrays["chunk_numbers"].tolist()
    if not len(ids) == len(texts) == len(codes) == len(numbers) == int(present.sum()):
        raise ValueError("chunk columns differ in length")
    chunks: list[Chunk | None] = []
    rows = iter(range(len(ids)))
    for here in present.tolist():
        if not here:
            chunks.append(None)
            continue
        row = next(rows)
        meta: dict[str, Any] = {name: values[code]
                                for name, code in zip(_TEXT_FIELDS, codes[row], strict=True)}
        meta.update(zip(_NUMBER_FIELDS, numbers[row], strict=True))
        chunks.append(chunk_from_record(ids[row], texts[row], meta))
    return tuple(chunks)


def _slot_term_columns(lexical: LexicalPostings, term_ids: dict[str, int]) -> dict[str, Any]:
    """Each slot's terms as term numbers in one array (None slots flagged)."""
    present = np.asarray([t is not None for t in lexical.slot_terms], dtype=bool)
    lists = [[term_ids[t] for t in terms] for terms in lexical.slot_terms if terms is not None]
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in lists], out=offsets[1:])
    flat = np.fromiter((i for x in lists for i in x), dtype=np.int32, count=int(offsets[-1]))
    return {"terms_present": present, "slot_term_ids": flat, "slot_term_offsets": offsets}


def _slot_terms_from(arrays: Any, terms: Sequence[str]) -> tuple[tuple[str, ...] | None, ...]:
    present = arrays["terms_present"].tolist()
    flat, offsets = arrays["slot_term_ids"].tolist(), arrays["slot_term_offsets"].tolist()
    if len(offsets) != sum(present) + 1:
        raise ValueError("slot term offsets do not match the slots")
    out: list[tuple[str, ...] | None] = []
    row = 0
    for here in present:
        if here:
            out.append(tuple([terms[i] for i in flat[offsets[row]:offsets[row + 1]]]))
            row += 1
        else:
            out.append(None)
    return tuple(out)


def save(path: Path, saved: SavedSnapshot) -> None:
    """Write ``saved`` to ``path`` (.json and .npz) atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lexical = saved.lexical
    terms = sorted(lexical.postings | {t: None for ts in lexical.slot_terms if ts for t in ts})
    term_ids = {t: i for i, t in enumerate(terms)}
    with_postings = [t for t in terms if t in lexical.postings]
    postings = [lexical.postings[t] for t in with_postings]
    lengths_of = np.asarray([len(p.slots) for p in postings], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths_of)]).astype(np.int64)
    chunk_columns, values = _chunk_columns(saved.slots)
    tag = uuid.uuid4().hex
    arrays = path.with_name(f"{path.name}.{tag}.npz")
    with open(arrays, "wb") as handle:
        np.savez(
            handle,
            posting_terms=np.asarray([term_ids[t] for t in with_postings], dtype=np.int32),
            offsets=offsets,
            slots=np.concatenate([p.slots for p in postings]) if postings
            else np.zeros(0, np.int32),
            tf=np.concatenate([p.tf for p in postings]) if postings else np.zeros(0, np.float32),
            lengths=lexical.lengths,
            **_slot_term_columns(lexical, term_ids),
            **chunk_columns,
        )
    body = {
        "format": FORMAT,
        "arrays": arrays.name,
        "generation": saved.generation,
        "documents": [r.to_metadata() for r in saved.documents.values()],
        "values": values,
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
        # One string object per term, shared by the posting lists and every slot's terms
        # (millions of references at 100k chunks: a copy each would cost ~50 bytes apiece).
        terms = [sys.intern(str(t)) for t in body["terms"]]
        with np.load(path.parent / Path(body["arrays"]).name, allow_pickle=False) as arrays:
            offsets, slots, tf = arrays["offsets"], arrays["slots"], arrays["tf"]
            posting_terms = arrays["posting_terms"].tolist()
            lengths = arrays["lengths"].astype(np.float64)
            slot_terms = _slot_terms_from(arrays, terms)
            chunks = _chunks_from(arrays, [str(v) for v in body["values"]])
        if len(offsets) != len(posting_terms) + 1:
            raise ValueError("posting offsets do not match the terms")
        postings = {
            terms[t]: _Posting(slots[offsets[i]:offsets[i + 1]], tf[offsets[i]:offsets[i + 1]])
            for i, t in enumerate(posting_terms)
        }
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
