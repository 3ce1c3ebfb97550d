"""DOCX loader (python-docx). Named ``word`` so it is never mistaken for the ``docx`` package.

A DOCX is a zip of XML, so a small upload can unpack to far more than its size and hold a core
while it is parsed. Before python-docx sees it, the container is checked against the limits
below (entries, unpacked size, unpacked XML, each entry's real size); after the XML is parsed,
and before the body is walked, the paragraphs, table cells and styles are counted. Style and
numbering lookups are read once per document, so the walk stays linear in the size of the
file. The limits are far above any real governance document.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.styles import BabelFish
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from assistant.types import Document
from ingest.loaders.common import (
    BlockBuilder,
    LoadError,
    build_document,
    key_values,
    list_line,
    merge_missing,
    pop_visible_metadata,
)

MAX_ENTRIES = 2_000
MAX_UNZIPPED_BYTES = 150 * 1024 * 1024
MAX_XML_BYTES = 25 * 1024 * 1024  # parsed, that is some 400 MB of lxml tree at worst
MAX_PARAGRAPHS = 50_000
MAX_TABLE_CELLS = 50_000
MAX_STYLES = 5_000
_CHUNK = 1024 * 1024
_MB = 1024 * 1024
_TOO_BIG = "dela upp dokumentet eller spara det på nytt i Word"


def check_docx_container(path: Path, data: bytes) -> None:
    """Raise `LoadError` unless the zip unpacks to a bounded size, checked before parsing.

    The sizes a zip declares are what `zipfile` will return at most, but a forged header
    still makes it inflate everything first; so every entry is inflated here, a chunk at a
    time, and must match its declared size and checksum.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                raise LoadError(path, f"DOCX-filen innehåller för många delar ({len(entries)}, "
                                      f"högst {MAX_ENTRIES}) – {_TOO_BIG}")
            total = sum(entry.file_size for entry in entries)
            xml = sum(entry.file_size for entry in entries
                      if entry.filename.lower().endswith((".xml", ".rels")))
            if total > MAX_UNZIPPED_BYTES:
                raise LoadError(path, f"DOCX-filen packas upp till {total // _MB} MB (högst "
                                      f"{MAX_UNZIPPED_BYTES // _MB} MB) – {_TOO_BIG}")
            if xml > MAX_XML_BYTES:
                raise LoadError(path, f"DOCX-filen innehåller {xml // _MB} MB text och "
                                      f"formatering i XML (högst {MAX_XML_BYTES // _MB} MB) – "
                                      f"{_TOO_BIG}")
            for entry in entries:
                with archive.open(entry) as stream:
                    while stream.read(_CHUNK):
                        pass
    except LoadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
            OSError, ValueError, RuntimeError) as exc:
        raise LoadError(path, f"trasig DOCX: {exc}") from exc


def check_docx_counts(path: Path, document: docx.document.Document) -> None:
    """Raise `LoadError` when the parsed XML holds more parts than a real document does."""
    body = document.element.body
    counts = (
        (sum(1 for _ in body.iter(f"{_W}p")), MAX_PARAGRAPHS, "stycken"),
        (sum(1 for _ in body.iter(f"{_W}tc")), MAX_TABLE_CELLS, "tabellceller"),
        (sum(1 for _ in document.styles.element.iterchildren(f"{_W}style")), MAX_STYLES,
         "formatmallar"),
    )
    for found, limit, what in counts:
        if found > limit:
            raise LoadError(path, f"DOCX-filen har för många {what} ({found}, högst {limit}) – "
                                  f"{_TOO_BIG}")


def load_docx(path: Path, data: bytes) -> Document:
    """DOCX via python-docx, body walked in document order (paragraphs and tables interleaved).

    Headings come from the styles "Title"/"Rubrik" (level 0) and "Heading N"/"Rubrik N";
    consecutive list paragraphs (List/Liststycke styles or Word numbering) form one list block,
    numbered when the style or numbering format says so; each table row becomes one block
    carrying the first row as its header. Metadata: core properties identifier (doc_id),
    title and ``key=value`` pairs in keywords; a visible ``key: value`` block at the top of the
    body fills what those leave open and is not body text.
    """
    check_docx_container(path, data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile):
        raise LoadError(path, "trasig DOCX: filen är inte ett giltigt Word-dokument") from None
    except (KeyError, ValueError, etree.LxmlError) as exc:
        raise LoadError(path, f"trasig DOCX: {exc}") from exc
    check_docx_counts(path, document)
    styles = _StyleNames.of(document)
    numbering = _Numbering.of(document)
    properties = document.core_properties
    raw_meta: dict[str, object] = dict(key_values(properties.keywords or ""))
    if properties.identifier:
        raw_meta["doc_id"] = properties.identifier
    if properties.title:
        raw_meta["title"] = properties.title

    builder = BlockBuilder()
    items: list[str] = []
    counters: Counter[int] = Counter()
    pages = _Pages.of(document.element.body)
    list_page: int | None = None

    def flush_list() -> None:
        builder.list_block(items, page=list_page)
        items.clear()
        counters.clear()

    for part in document.iter_inner_content():
        if isinstance(part, Table):
            flush_list()
            builder.table(_docx_rows(part), page=pages.enter(part._tbl))
            continue
        page = pages.enter(part._p)
        text = part.text
        style = styles.name_of(part)
        level = _docx_heading_level(style)
        list_info = _docx_list_info(part, style, numbering)
        if level is not None:
            flush_list()
            builder.heading(text, level, page=page)
        elif list_info is not None and text.strip():
            depth, ordered = list_info
            if not items:
                list_page = page
            counters[depth] += 1
            for deeper in [d for d in counters if d > depth]:
                del counters[deeper]
            items.append(list_line(text, counters[depth] if ordered else None, depth))
        elif text.strip():
            flush_list()
            builder.paragraph(text, page=page)
    flush_list()
    raw_meta = merge_missing(raw_meta, pop_visible_metadata(builder))
    return build_document(path, "docx", builder, raw_meta,
                          page_count=pages.page if pages.known else None)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class _Pages:
    """Page numbers of a DOCX body, from the page breaks the file records.

    A DOCX has no fixed pages; Word writes ``lastRenderedPageBreak`` where its last layout
    broke the pages, and those are used when present (they include the explicit breaks).
    Otherwise explicit breaks count: ``<w:br w:type="page"/>`` and "page break before" on a
    paragraph. With neither, pages are unknown (None), never guessed.
    """

    def __init__(self, rendered: bool, known: bool) -> None:
        self.rendered = rendered
        self.known = known
        self.page = 1

    @classmethod
    def of(cls, body: etree._Element) -> _Pages:
        rendered = next(body.iter(f"{_W}lastRenderedPageBreak"), None) is not None
        explicit = any(br.get(f"{_W}type") == "page" for br in body.iter(f"{_W}br")) or (
            next(body.iter(f"{_W}pageBreakBefore"), None) is not None
        )
        return cls(rendered, rendered or explicit)

    def enter(self, element: etree._Element) -> int | None:
        """The page ``element`` (a paragraph or table) starts on; moves past its breaks."""
        if not self.known:
            return None
        if not self.rendered:
            before = element.find(f"{_W}pPr/{_W}pageBreakBefore")
            if before is not None and before.get(f"{_W}val", "true") not in ("0", "false"):
                self.page += 1
        start: int | None = None
        for node in element.iter(f"{_W}t", f"{_W}br", f"{_W}lastRenderedPageBreak"):
            if node.tag == f"{_W}t":
                if start is None and (node.text or "").strip():
                    start = self.page
            elif self._breaks(node):
                self.page += 1
        return start if start is not None else self.page

    def _breaks(self, node: etree._Element) -> bool:
        if self.rendered:
            return node.tag == f"{_W}lastRenderedPageBreak"
        return node.tag == f"{_W}br" and node.get(f"{_W}type") == "page"


def _docx_heading_level(style: str) -> int | None:
    if re.fullmatch(r"(?i)title|rubrik", style):
        return 0
    match = re.fullmatch(r"(?i)(?:heading|rubrik)\s*(\d)", style)
    return int(match.group(1)) if match else None


def _docx_list_info(
    paragraph: Paragraph, style: str, numbering: _Numbering
) -> tuple[int, bool] | None:
    """(depth, ordered) for a list paragraph, None for any other paragraph."""
    ppr = paragraph._p.pPr
    num_pr = ppr.numPr if ppr is not None else None
    if num_pr is None and not re.match(r"(?i)list|lista|liststycke", style):
        return None
    depth = int(num_pr.ilvl.val) if num_pr is not None and num_pr.ilvl is not None else 0
    ordered = bool(re.search(r"(?i)number|numrer", style))
    if num_pr is not None and num_pr.numId is not None:
        ordered = ordered or numbering.format_of(num_pr.numId.val, depth) == "decimal"
    return depth, ordered


class _StyleNames:
    """Paragraph style names by style id, read once per document.

    python-docx finds a paragraph's style with an XPath over every style, which makes a file
    with thousands of styles and paragraphs quadratic. Same answers: the first style with the
    id, else the default paragraph style, named as python-docx names it.
    """

    def __init__(self, names: dict[str, str], default: str) -> None:
        self.names = names
        self.default = default

    @classmethod
    def of(cls, document: docx.document.Document) -> _StyleNames:
        names: dict[str, str] = {}
        taken: set[str] = set()  # the first style with an id wins, whatever its type
        default = ""
        for element in document.styles.element.iterchildren(f"{_W}style"):
            style_id = element.get(f"{_W}styleId")
            first = style_id is not None and style_id not in taken
            if style_id is not None:
                taken.add(style_id)
            if element.get(f"{_W}type") != "paragraph":
                continue
            name_element = element.find(f"{_W}name")
            raw = name_element.get(f"{_W}val") if name_element is not None else None
            name = BabelFish.internal2ui(raw) if raw is not None else ""
            if first and style_id is not None:
                names[style_id] = name
            if element.get(f"{_W}default") in ("1", "true", "on"):
                default = name  # the last default style counts, as in python-docx
        return cls(names, default)

    def name_of(self, paragraph: Paragraph) -> str:
        ppr = paragraph._p.pPr
        style_id = ppr.style if ppr is not None else None
        return self.names.get(style_id, self.default) if style_id else self.default


class _Numbering:
    """The number format of every (numId, level) in the numbering part, read once."""

    def __init__(self, formats: dict[tuple[str, str], str]) -> None:
        self.formats = formats

    @classmethod
    def of(cls, document: docx.document.Document) -> _Numbering:
        try:
            element = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return cls({})
        abstract: dict[str, dict[str, str]] = {}
        for node in element.iterchildren(f"{_W}abstractNum"):
            levels = abstract.setdefault(node.get(f"{_W}abstractNumId", ""), {})
            for level in node.iterchildren(f"{_W}lvl"):
                fmt = level.find(f"{_W}numFmt")
                if fmt is not None and fmt.get(f"{_W}val") is not None:
                    levels.setdefault(level.get(f"{_W}ilvl", ""), fmt.get(f"{_W}val"))
        formats: dict[tuple[str, str], str] = {}
        for node in element.iterchildren(f"{_W}num"):
            ref = node.find(f"{_W}abstractNumId")
            target = abstract.get(ref.get(f"{_W}val", "") if ref is not None else "", {})
            for ilvl, fmt in target.items():
                formats.setdefault((node.get(f"{_W}numId", ""), ilvl), fmt)
        return cls(formats)

    def format_of(self, num_id: int, depth: int) -> str | None:
        return self.formats.get((str(num_id), str(depth)))


def _docx_rows(table: Table) -> list[list[str]]:
    """Cell texts row by row: a cell spanning columns once, a vertically merged cell's text in
    every row it spans.

    Read from the XML in one pass: python-docx's ``row.cells`` walks up the table for every
    merged cell and repeats a cell once per spanned column, which a crafted table turns into
    minutes of CPU.
    """
    rows: list[list[str]] = []
    above: dict[int, str] = {}  # grid column -> text of the cell there in the previous row
    for tr in table._tbl.tr_lst:
        cells: list[str] = []
        here: dict[int, str] = {}
        offset = tr.grid_before
        for tc in tr.tc_lst:
            own = _Cell(tc, table).text if tc.vMerge != "continue" else None
            text = own if own is not None else above.get(offset, _Cell(tc, table).text)
            here[offset] = text
            cells.append(text)
            offset += tc.grid_span
        rows.append(cells)
        above = here
    return rows
