"""PDF loader: visual lines rebuilt from pypdf text fragments, then grouped into blocks."""

from __future__ import annotations

import io
import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException
from pypdf import PasswordType, PdfReader
from pypdf.errors import PyPdfError

from assistant.types import Document
from ingest.loaders.common import (
    SENTENCE_END,
    BlockBuilder,
    LoadError,
    build_document,
    key_values,
    list_item,
    merge_missing,
    one_line,
    pop_visible_metadata,
)

MAX_PAGES = 2_000  # counted before any page is read; pypdf bounds each stream it inflates

_PAGE_MARKER = re.compile(r"(?i)\b(sida|page|s\.)\s*\d+\s*((av|of|/)\s*\d+)?\b")

_Fragment = tuple[float, float, str, float, bool]  # y, x, text, font size, bold


@dataclass(frozen=True)
class _Line:
    text: str
    y: float
    x: float
    size: float
    bold: bool
    page: int
    table: tuple[tuple[str, ...], ...] = ()  # a ruled table's rows, in place of the text


@dataclass(frozen=True)
class _Table:
    """A table drawn with ruling lines: its box (PDF user space, y upwards) and its rows."""

    left: float
    right: float
    top: float
    bottom: float
    rows: tuple[tuple[str, ...], ...]

    def holds(self, x: float, y: float) -> bool:
        return self.left - 1 <= x <= self.right + 1 and self.bottom - 1 <= y <= self.top + 1


def load_pdf(path: Path, data: bytes) -> Document:
    """PDF via pypdf: visual lines rebuilt from text fragments with their font size.

    Lines repeated at the top or bottom of most pages (running headers/footers) and
    "Sida X av Y" page markers are removed. Lines set larger than the body font are headings
    (one level per distinct size, largest first); without such lines, short all-bold lines and
    "2.1 Rubrik"-style numbered lines are headings. Bulleted/numbered lines form one list
    block; other lines join into paragraphs split at larger vertical gaps. Every block keeps
    its 1-based page number. A table drawn with ruling lines is read cell by cell
    (:func:`_ruled_tables`) and becomes one row per table row with its header; a word
    hyphenated at a line end is rejoined (:func:`_joined_lines`). Metadata: Title, and
    ``doc_id=...`` pairs in Keywords; a visible ``key: value`` box at the top of page 1 fills
    what those leave open and is not body text.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise LoadError(path, "PDF-filen är krypterad och kan inte läsas")
        if len(reader.pages) > MAX_PAGES:
            raise LoadError(path, f"PDF-filen har för många sidor ({len(reader.pages)}, högst "
                                  f"{MAX_PAGES}) – dela upp dokumentet")
        # pypdf reads every page first, within its bounds on what a stream may inflate to;
        # only a PDF it has read is handed to pdfplumber for its ruled tables.
        fragments = [_pdf_fragments(page) for page in reader.pages]
        tables = _ruled_tables(data, reader)
        pages = [_pdf_page_lines(found, number, tables.get(number, []))
                 for number, found in enumerate(fragments, 1)]
        info = reader.metadata or {}
        raw_meta: dict[str, object] = dict(key_values(str(info.get("/Keywords") or "")))
        pdf_title = str(info.get("/Title") or "").strip()
    except LoadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise LoadError(path, f"trasig PDF: {exc}") from exc
    if not any(pages):
        raise LoadError(path, "PDF-filen saknar textlager (skannad?) – OCR finns inte")
    if pdf_title and not re.match(r"(?i)(microsoft word - |untitled)|.*\.docx?$", pdf_title):
        raw_meta.setdefault("title", pdf_title)
    builder = BlockBuilder()
    _pdf_blocks(_strip_running_lines(pages), builder)
    raw_meta = merge_missing(raw_meta, pop_visible_metadata(builder))
    return build_document(path, "pdf", builder, raw_meta, page_count=len(pages))


def _ruled_tables(data: bytes, reader: PdfReader) -> dict[int, list[_Table]]:
    """The tables drawn with ruling lines, by page number: their cells found by pdfplumber
    from the lines (a cell's wrapped text stays in its cell, which the visual lines lose:
    "Minst 120 nya bostäder ska | 97 bostäder …" on one line, the rest on the next). A
    box of one column or one row is a framed paragraph, not a table. A PDF pdfplumber cannot
    read keeps its text as lines."""
    found: dict[int, list[_Table]] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, (page, ours) in enumerate(zip(pdf.pages, reader.pages, strict=True), 1):
                top = float(ours.mediabox.top)
                for table in page.find_tables():
                    rows = tuple(tuple(_cell_text(cell) for cell in row) for row in table.extract())
                    if len(rows) < 2 or max(sum(bool(c) for c in row) for row in rows) < 2:
                        continue
                    x0, y0, x1, y1 = table.bbox
                    found.setdefault(number, []).append(
                        _Table(float(x0), float(x1), top - float(y0), top - float(y1), rows))
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError, TypeError,
            IndexError, AttributeError):
        return {}
    return found


def _cell_text(cell: str | None) -> str:
    return one_line(_joined_lines((cell or "").splitlines()))


def _pdf_fragments(page: object) -> list[_Fragment]:
    fragments: list[_Fragment] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict | None, size: float) -> None:
        text = text.replace("\n", " ")
        if not text:
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
        bold = bool(re.search(r"(?i)bold|black|heavy", str((font or {}).get("/BaseFont", ""))))
        fragments.append((y, x, text, size * (scale or 1.0), bold))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return fragments


def _pdf_page_lines(fragments: list[_Fragment], number: int,
                    tables: Sequence[_Table] = ()) -> list[_Line]:
    """The page's visual lines, top to bottom; a ruled table is one line holding its rows,
    at its top, in place of the text inside it."""
    lines: list[_Line] = [
        _Line("", table.top, table.left, 0.0, False, number, table.rows) for table in tables]
    group: list[_Fragment] = []
    kept = [f for f in fragments if not any(table.holds(f[1], f[0]) for table in tables)]
    for fragment in sorted(kept, key=lambda f: -f[0]):
        if group and abs(group[0][0] - fragment[0]) > 2.0:
            lines.extend(_pdf_line(group, number))
            group = []
        group.append(fragment)
    if group:
        lines.extend(_pdf_line(group, number))
    return sorted(lines, key=lambda line: -line.y)


def _pdf_line(group: list[_Fragment], page: int) -> list[_Line]:
    text, last_x = "", None
    for _, x, fragment, _, _ in sorted(group, key=lambda f: f[1]):
        # Separately positioned fragments (bullet and item, footer halves) need a space.
        gap_needed = last_x is not None and abs(x - last_x) > 1.0
        if gap_needed and text and not text[-1].isspace() and not fragment[0].isspace():
            text += " "
        text, last_x = text + fragment, x
    inked = [f for f in group if f[2].strip()]
    if not inked or not one_line(text):
        return []
    return [
        _Line(
            text=one_line(text),
            y=group[0][0],
            x=min(f[1] for f in inked),
            size=round(max(f[3] for f in inked) * 2) / 2,
            bold=all(f[4] for f in inked),
            page=page,
        )
    ]


def _strip_running_lines(pages: list[list[_Line]]) -> list[_Line]:
    """Drop running headers/footers and page markers found in the top/bottom lines of pages."""

    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text.lower())

    edges = [{key(line) for line in lines[:3] + lines[-3:] if not line.table} for lines in pages]
    counts = Counter(k for keys in edges for k in keys)
    needed = max(2, math.ceil(0.6 * len(pages)))
    running = {k for k, count in counts.items() if count >= needed} if len(pages) > 1 else set()
    kept: list[_Line] = []
    for lines in pages:
        edge_ids = {id(line) for line in lines[:3] + lines[-3:]}
        for line in lines:
            if id(line) in edge_ids and not line.table:
                if key(line) in running:
                    continue
                text = one_line(_PAGE_MARKER.sub("", line.text))
                if not text or text.isdigit():
                    continue
                line = replace(line, text=text)
            kept.append(line)
    return kept


def _pdf_blocks(lines: list[_Line], builder: BlockBuilder) -> None:
    weights: Counter[float] = Counter()
    for line in lines:
        if not line.table:
            weights[line.size] += len(line.text)
    body_size = weights.most_common(1)[0][0] if weights else 0.0  # only tables: no body
    heading_sizes = sorted({ln.size for ln in lines if ln.size >= body_size * 1.08}, reverse=True)
    levels = {size: min(rank, 6) for rank, size in enumerate(heading_sizes, 1)}
    body_left = min((ln.x for ln in lines if ln.size == body_size), default=0.0)
    line_gap = _typical_line_gap(lines, body_size)

    def heading_level(line: _Line) -> int | None:
        if levels:
            return levels.get(line.size)
        numbered = re.match(r"^(\d+(?:\.\d+)+)\.?\s+[A-ZÅÄÖ]", line.text)
        short = len(line.text) <= 80 and not line.text.endswith(SENTENCE_END)
        if numbered and short:
            return min(numbered.group(1).count(".") + 1, 6)
        return 2 if line.bold and short else None

    kind, texts, page = "", [], None
    previous: _Line | None = None

    def flush() -> None:
        if kind == "heading":
            builder.heading(_joined_lines(texts), current_level, page)
        elif kind == "list":
            builder.list_block(texts, page)
        elif kind == "paragraph":
            builder.paragraph(_joined_lines(texts), page)

    current_level = 0
    for line in lines:
        if line.table:
            flush()
            builder.table(line.table, line.page)
            kind, texts, previous = "", [], None
            continue
        same_page = previous is not None and previous.page == line.page
        gap = previous.y - line.y if previous is not None and same_page else math.inf
        level = heading_level(line)
        item = list_item(line.text)
        if level is not None:
            if kind == "heading" and level == current_level and gap <= line.size * 1.8:
                texts.append(line.text)
            else:
                flush()
                kind, texts, page, current_level = "heading", [line.text], line.page, level
        elif item is not None:
            if kind == "list":
                texts.append(item)
            else:
                flush()
                kind, texts, page = "list", [item], line.page
        elif kind == "list" and line.x > body_left + 3 and gap <= line_gap * 1.6:
            texts[-1] = _joined_lines([texts[-1], line.text])
        elif kind == "paragraph" and _pdf_continues(previous, line, gap, line_gap):
            texts.append(line.text)
        else:
            flush()
            kind, texts, page = "paragraph", [line.text], line.page
        previous = line
    flush()


# A word broken at a line end: at least three letters, a hyphen, and the rest of the word on
# the next line ("realisations-" / "vinsten"). Not a suspended compound part ("barn- och
# utbildningsnämnden", "kultur- eller"), and not a hyphen that belongs to the word: after a
# short or capitalised part ("e-tjänst", "IT-stöd") or before a capital ("Ekby-Dalby").
_BROKEN_WORD = re.compile(r"(?<![\w-])([A-ZÅÄÖa-zåäö][a-zåäö]{2,})-$")
_SUSPENDED = re.compile(r"(?i)^(och|eller|samt|resp\.?|respektive|till|som|and|or)\b")


def _joined_lines(lines: Sequence[str]) -> str:
    """Visual lines joined into running text; a word hyphenated across a line end is
    rejoined ("realisations-" + "vinsten" → "realisationsvinsten"), a hyphen that belongs
    to the word stays without the line's space ("e-" + "tjänsten" → "e-tjänsten")."""
    text = ""
    for line in lines:
        line = line.strip()
        if not text:
            text = line
        elif (text.endswith("-") and text[-2:-1].isalnum() and line[:1].isalpha()
              and not _SUSPENDED.match(line)):
            broken = _BROKEN_WORD.search(text)
            text = (text[:-1] if broken and line[:1].islower() else text) + line
        else:
            text = f"{text} {line}"
    return text


def _typical_line_gap(lines: list[_Line], body_size: float) -> float:
    """The smallest recurring distance between consecutive body lines: plain line spacing."""
    gaps = Counter(
        round(a.y - b.y, 1)
        for a, b in itertools.pairwise(lines)
        if a.page == b.page and a.size == b.size == body_size and 0 < a.y - b.y < body_size * 3
    )
    recurring = [gap for gap, count in gaps.items() if count >= 2]
    return min(recurring) if recurring else body_size * 1.2


def _pdf_continues(previous: _Line | None, line: _Line, gap: float, line_gap: float) -> bool:
    if previous is None or abs(previous.size - line.size) > 0.5:
        return False
    if previous.page != line.page:  # a paragraph running over a page break
        return not previous.text.endswith((".", "!", "?", ":")) and line.text[:1].islower()
    return gap <= line_gap * 1.3
