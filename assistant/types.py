"""Core data types shared by every part of styrdok.

All are frozen dataclasses: change one by copying (``dataclasses.replace``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list", "table_row"]


def content_hash(data: bytes | str) -> str:
    """Hex SHA-256 of ``data`` (text is hashed as UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Block:
    """One structural unit of a loaded document, in reading order.

    ``heading_path`` is the chain of headings the block sits under (outermost first), not
    including the block itself when it is a heading. A ``list`` block holds a whole list, one
    item per line starting with ``- ``. A ``table_row`` block holds one row rendered as
    ``Header: value; Header: value`` so it stays readable on its own.
    """

    text: str
    kind: BlockKind = "paragraph"
    heading_path: tuple[str, ...] = ()
    page: int | None = None
    level: int | None = None


@dataclass(frozen=True)
class Document:
    """A loaded source document: its metadata and its blocks."""

    doc_id: str
    title: str
    source: str
    kind: str
    content_hash: str
    blocks: tuple[Block, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    publisher: str | None = None
    url: str | None = None
    note: str | None = None
    page_count: int | None = None
    fetched_at: str | None = None
    last_modified: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of a document, carrying everything a citation needs."""

    chunk_id: str
    doc_id: str
    text: str
    position: int
    title: str
    heading_path: tuple[str, ...] = ()
    page: int | None = None
    page_end: int | None = None
    source: str = ""
    url: str | None = None
    kind: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    doc_hash: str = ""

    @property
    def section_path(self) -> tuple[str, ...]:
        """The heading path without a leading heading that only repeats the document title."""
        path = self.heading_path
        while path and path[0].strip() == self.title.strip():
            path = path[1:]
        return path

    @property
    def heading(self) -> str:
        return " > ".join(self.section_path)

    @property
    def embed_text(self) -> str:
        """Text that is embedded and indexed: title and heading path give the chunk context."""
        context = " > ".join((self.title, *self.section_path))
        return f"{context}\n{self.text}"


@dataclass(frozen=True)
class Hit:
    """A chunk found by a search, with the evidence behind its rank."""

    chunk: Chunk
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None
    dense_rank: int | None = None
    lexical_rank: int | None = None


@dataclass(frozen=True)
class Citation:
    """A numbered source under an answer, with the exact supporting passage."""

    n: int
    doc_id: str
    title: str
    passage: str
    chunk_id: str
    heading: str = ""
    page: int | None = None
    source: str = ""
    url: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    superseded: bool = False


@dataclass(frozen=True)
class Answer:
    """What the assistant returns for one question."""

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    retrieved: tuple[Hit, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    standalone_question: str | None = None
    generator: str = "extractive"
    flags: tuple[str, ...] = ()

    @property
    def interpreted_as(self) -> str | None:
        """The question as answered, when that differs from the one asked (a follow-up made
        standalone, or misspelt words corrected), so the reader can check it; else None."""
        asked, used = self.question.strip(), (self.standalone_question or "").strip()
        return used if used and used.casefold() != asked.casefold() else None
