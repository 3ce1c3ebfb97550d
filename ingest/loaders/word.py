"""DOCX loader (python-docx). Named ``word`` so it is never mistaken for the ``docx`` package."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
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


def load_docx(path: Path, data: bytes) -> Document:
    """DOCX via python-docx, body walked in document order (paragraphs and tables interleaved).

    Headings come from the styles "Title"/"Rubrik" (level 0) and "Heading N"/"Rubrik N";
    consecutive list paragraphs (List/Liststycke styles or Word numbering) form one list block,
    numbered when the style or numbering format says so; each table row becomes one block
    carrying the first row as its header. Metadata: core properties identifier (doc_id),
    title and ``key=value`` pairs in keywords; a visible ``key: value`` block at the top of the
    body fills what those leave open and is not body text.
    """
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile):
        raise LoadError(path, "trasig DOCX: filen är inte ett giltigt Word-dokument") from None
    except (KeyError, ValueError, etree.LxmlError) as exc:
        raise LoadError(path, f"trasig DOCX: {exc}") from exc
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
        style = part.style.name if part.style is not None else ""
        level = _docx_heading_level(style)
        list_info = _docx_list_info(part, style)
        if level is not None:
            flush_list()
            builder.heading(part.text, level, page=page)
        elif list_info is not None and part.text.strip():
            depth, ordered = list_info
            if not items:
                list_page = page
            counters[depth] += 1
            for deeper in [d for d in counters if d > depth]:
                del counters[deeper]
            items.append(list_line(part.text, counters[depth] if ordered else None, depth))
        elif part.text.strip():
            flush_list()
            builder.paragraph(part.text, page=page)
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


def _docx_list_info(paragraph: Paragraph, style: str) -> tuple[int, bool] | None:
    """(depth, ordered) for a list paragraph, None for any other paragraph."""
    ppr = paragraph._p.pPr
    num_pr = ppr.numPr if ppr is not None else None
    if num_pr is None and not re.match(r"(?i)list|lista|liststycke", style):
        return None
    depth = int(num_pr.ilvl.val) if num_pr is not None and num_pr.ilvl is not None else 0
    ordered = bool(re.search(r"(?i)number|numrer", style))
    if num_pr is not None and num_pr.numId is not None:
        ordered = ordered or _docx_number_format(paragraph, num_pr.numId.val, depth) == "decimal"
    return depth, ordered


def _docx_number_format(paragraph: Paragraph, num_id: int, depth: int) -> str | None:
    try:
        numbering = paragraph.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return None
    formats = numbering.xpath(
        f'w:abstractNum[@w:abstractNumId=string(../w:num[@w:numId="{num_id}"]'
        f'/w:abstractNumId/@w:val)]/w:lvl[@w:ilvl="{depth}"]/w:numFmt/@w:val'
    )
    return str(formats[0]) if formats else None


def _docx_rows(table: Table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells, previous = [], None
        for cell in row.cells:
            if cell._tc is previous:  # a merged cell is repeated once per grid column
                continue
            previous = cell._tc
            cells.append(cell.text)
        rows.append(cells)
    return rows
