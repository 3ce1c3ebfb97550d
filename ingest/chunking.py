"""Structure-aware chunking: a `Document`'s blocks -> retrievable `Chunk`s.

A chunk never spans two sections (blocks with different heading paths). The one exception is a
heading with no body of its own, which is carried into its first child's chunk, so
"## Mål" directly followed by "### Mål 1" yields one chunk under "Mål > Mål 1". A heading that
has neither body nor children is dropped. Within a section, consecutive blocks are merged up to
``target_tokens``; lists and table rows stay whole, and only a block that alone exceeds
``max_tokens`` is split: a list at item boundaries, other text at sentence boundaries.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assistant.language import sentences
from assistant.types import Block, Chunk, Document, content_hash

_TOKEN = re.compile(r"\w+|[^\w\s]")


def estimate_tokens(text: str) -> int:
    """Approximate subword tokens: words and punctuation marks, times 1.3.

    Multilingual embedding tokenizers split Swedish compounds into about 1.3 pieces per word;
    this needs no tokenizer and is stable, which matters more here than exactness.
    """
    return math.ceil(len(_TOKEN.findall(text)) * 1.3)


@dataclass(frozen=True)
class _Piece:
    """A block, or a part of an oversized block, ready to be packed into a chunk."""

    text: str
    tokens: int
    page: int | None
    is_heading: bool = False


def chunk_document(
    doc: Document, *, target_tokens: int = 200, max_tokens: int = 380
) -> list[Chunk]:
    """Split ``doc`` into chunks that follow its sections; deterministic for the same input."""
    chunks: list[Chunk] = []
    for path, blocks in _sections(doc.blocks):
        pieces = [piece for block in blocks for piece in _pieces(block, target_tokens, max_tokens)]
        for group in _pack(pieces, target_tokens, max_tokens):
            chunks.append(_chunk(doc, len(chunks), path, group))
    return chunks


def _section_key(block: Block) -> tuple[str, ...]:
    """The section a block belongs to; a heading opens the section named by itself."""
    return (*block.heading_path, block.text) if block.kind == "heading" else block.heading_path


def _sections(blocks: Sequence[Block]) -> Iterator[tuple[tuple[str, ...], list[Block]]]:
    runs: list[tuple[tuple[str, ...], list[Block]]] = []
    for block in blocks:
        key = _section_key(block)
        if runs and runs[-1][0] == key:
            runs[-1][1].append(block)
        else:
            runs.append((key, [block]))
    carried: list[Block] = []
    for index, (key, run) in enumerate(runs):
        has_body = any(block.kind != "heading" for block in run)
        if not has_body:
            following = runs[index + 1][0] if index + 1 < len(runs) else ()
            carried = [h for h in (*carried, *run) if _is_ancestor(_section_key(h), following)]
            continue
        yield key, [*carried, *run]
        carried = []


def _is_ancestor(key: tuple[str, ...], other: tuple[str, ...]) -> bool:
    return len(other) > len(key) and other[: len(key)] == key


def _pieces(block: Block, target_tokens: int, max_tokens: int) -> list[_Piece]:
    tokens = estimate_tokens(block.text)
    if tokens <= max_tokens or block.kind == "heading":
        return [_Piece(block.text, tokens, block.page, block.kind == "heading")]
    separator = "\n" if block.kind == "list" else " "
    if block.kind == "list":
        units = [item for item in block.text.split("\n") if item.strip()]
    elif block.kind == "table_row":
        units = block.text.split("; ")
        separator = "; "
    else:
        units = sentences(block.text)
    parts: list[str] = []
    for unit in units:
        parts.extend(
            [unit] if estimate_tokens(unit) <= max_tokens else _split_words(unit, max_tokens)
        )
    packed = _pack_texts(parts, target_tokens, separator)
    return [_Piece(text, estimate_tokens(text), block.page) for text in packed]


def _split_words(text: str, max_tokens: int) -> list[str]:
    """Last resort for a single sentence or item longer than ``max_tokens``."""
    words, parts, current = text.split(), [], []
    for word in words:
        if current and estimate_tokens(" ".join([*current, word])) > max_tokens:
            parts.append(" ".join(current))
            current = []
        current.append(word)
    if current:
        parts.append(" ".join(current))
    return parts


def _pack_texts(units: list[str], target_tokens: int, separator: str) -> list[str]:
    packed: list[str] = []
    current: list[str] = []
    for unit in units:
        if current and estimate_tokens(separator.join([*current, unit])) > target_tokens:
            packed.append(separator.join(current))
            current = []
        current.append(unit)
    if current:
        packed.append(separator.join(current))
    return packed


def _pack(pieces: list[_Piece], target_tokens: int, max_tokens: int) -> list[list[_Piece]]:
    """Greedy packing up to ``target_tokens``; a lone heading may take its body up to max."""
    groups: list[list[_Piece]] = []
    current: list[_Piece] = []
    size = 0
    for piece in pieces:
        only_headings = bool(current) and all(p.is_heading for p in current)
        fits = size + piece.tokens <= target_tokens
        if current and not fits and not (only_headings and size + piece.tokens <= max_tokens):
            groups.append(current)
            current, size = [], 0
        current.append(piece)
        size += piece.tokens
    if current:
        groups.append(current)
    return groups


def _chunk(doc: Document, position: int, path: tuple[str, ...], pieces: list[_Piece]) -> Chunk:
    pages = [piece.page for piece in pieces if piece.page is not None]
    return Chunk(
        chunk_id=content_hash(f"{doc.doc_id}\n{doc.content_hash}\n{position}")[:32],
        doc_id=doc.doc_id,
        text="\n".join(piece.text for piece in pieces),
        position=position,
        title=doc.title,
        heading_path=path,
        page=pages[0] if pages else None,
        page_end=pages[-1] if pages else None,
        source=doc.source,
        url=doc.url,
        kind=doc.kind,
        valid_from=doc.valid_from,
        valid_to=doc.valid_to,
        doc_hash=doc.content_hash,
    )
