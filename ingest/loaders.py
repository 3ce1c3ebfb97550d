"""Load governance documents into `Document`s: PDF, DOCX, HTML, Markdown and plain text.

One loader per format, dispatched by suffix through `LOADERS`. Each loader takes the path and
the raw bytes and returns a `Document` whose blocks keep the structure a citation needs:
headings (with level), paragraphs, whole lists and table rows, each with its heading path.
`load_document` is the entry point: it checks the file, dispatches, applies the optional sidecar
metadata file (`<name>.meta.yaml`) and raises `LoadError`, never anything else, with a short
Swedish reason a user can act on.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import charset_normalizer
import docx
import frontmatter
import lxml.html
import yaml
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from pypdf import PasswordType, PdfReader
from pypdf.errors import PyPdfError

from assistant.errors import StyrdokError
from assistant.types import Block, Document, content_hash

SIDECAR_SUFFIX = ".meta.yaml"
META_KEYS = ("doc_id", "title", "publisher", "url", "valid_from", "valid_to", "note")

_BULLET = re.compile(r"^\s*[•·▪◦●\-*–]\s+(?P<text>.*)$")
_NUMBERED = re.compile(r"^\s*(?P<n>\d{1,3})[.)]\s+(?P<text>.*)$")
_SENTENCE_END = (".", "!", "?", ":", ";", ",")


class LoadError(StyrdokError):
    """A file could not be loaded; ``reason`` is a short Swedish sentence a user can act on."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


# --------------------------------------------------------------------------- building blocks


class _BlockBuilder:
    """Collects blocks in reading order and tracks the heading path they sit under."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._outline: list[tuple[int, str]] = []

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(text for _, text in self._outline)

    def heading(self, text: str, level: int, page: int | None = None) -> None:
        text = _one_line(text)
        if not text:
            return
        while self._outline and self._outline[-1][0] >= level:
            self._outline.pop()
        self.blocks.append(Block(text, "heading", self.path, page, level))
        self._outline.append((level, text))

    def paragraph(self, text: str, page: int | None = None) -> None:
        text = _tidy(text)
        if text:
            self.blocks.append(Block(text, "paragraph", self.path, page))

    def list_block(self, lines: Sequence[str], page: int | None = None) -> None:
        """``lines`` are rendered items ("- item", "1. item", nested ones indented)."""
        text = "\n".join(line.rstrip() for line in lines if line.strip())
        if text:
            self.blocks.append(Block(text, "list", self.path, page))

    def table(self, rows: Sequence[Sequence[str]], page: int | None = None) -> None:
        """The first row is the header; every other row becomes ``Header: value; ...``."""
        rows = [[_one_line(cell) for cell in row] for row in rows]
        rows = [row for row in rows if any(row)]
        if not rows:
            return
        header, body = rows[0], rows[1:]
        if not body:
            self.blocks.append(
                Block("; ".join(c for c in header if c), "table_row", self.path, page)
            )
        for row in body:
            cells = [
                f"{name}: {value}" if name else value
                for name, value in zip([*header, *[""] * len(row)], row, strict=False)
                if value
            ]
            if cells:
                self.blocks.append(Block("; ".join(cells), "table_row", self.path, page))

    def first_title(self) -> str | None:
        return next(
            (b.text for b in self.blocks if b.kind == "heading" and (b.level or 0) <= 1), None
        )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _tidy(text: str) -> str:
    """Collapse runs of spaces inside lines, keep intentional line breaks."""
    return "\n".join(_one_line(line) for line in text.splitlines() if line.strip())


def _list_line(text: str, number: int | None, depth: int = 0) -> str:
    marker = f"{number}." if number is not None else "-"
    return f"{'  ' * depth}{marker} {_one_line(text)}"


# --------------------------------------------------------------------------- metadata


def _parse_date(value: object, key: str, where: Path) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise LoadError(where, f"ogiltigt datum i {key}: {value!r} (använd ÅÅÅÅ-MM-DD)") from None


def _metadata(raw: Mapping[str, object], where: Path) -> dict[str, object]:
    """Known metadata keys from ``raw`` as `Document` field values; blanks are skipped."""
    fields: dict[str, object] = {}
    for key in META_KEYS:
        value = raw.get(key)
        if value is None or str(value).strip() == "":
            continue
        if key in ("valid_from", "valid_to"):
            fields[key] = _parse_date(value, key, where)
        else:
            fields[key] = str(value).strip()
    return fields


def _key_values(text: str) -> dict[str, str]:
    """``doc_id=abc; valid_from=2026-01-01`` (as found in PDF/DOCX keywords) -> dict."""
    return {k: v.strip() for k, v in re.findall(r"(\w+)\s*=\s*([^;,]*)", text or "")}


def _document(
    path: Path,
    kind: str,
    builder: _BlockBuilder,
    raw_meta: Mapping[str, object],
    *,
    fallback_title: str | None = None,
    page_count: int | None = None,
) -> Document:
    if not builder.blocks:
        raise LoadError(path, "filen innehåller ingen läsbar text")
    meta = _metadata(raw_meta, path)
    title = meta.pop("title", None) or builder.first_title() or fallback_title or path.stem
    return Document(
        doc_id=str(meta.pop("doc_id", path.stem)),
        title=str(title),
        source=str(path.resolve()),
        kind=kind,
        content_hash="",  # set by load_document (file bytes + sidecar bytes)
        blocks=tuple(builder.blocks),
        page_count=page_count,
        **meta,  # type: ignore[arg-type]
    )


def _decode_utf8(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(path, "filen är UTF-16-kodad; spara om den som UTF-8")
    if b"\x00" in data:
        raise LoadError(path, "binärfil: filen innehåller NUL-tecken och är inte text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # charset-normalizer only names the likely encoding; guessing silently would corrupt å/ä/ö.
    candidates = [match.encoding for match in charset_normalizer.from_bytes(data)]
    # Swedish Windows-1252 text is often scored as cp1250; prefer the Western code page then.
    guess = (
        "cp1252"
        if "cp1252" in candidates or "cp1250" in candidates
        else next(iter(candidates), None)
    )
    names = {"cp1252": "Windows-1252", "cp1250": "Windows-1250", "latin_1": "ISO-8859-1"}
    hint = f" (troligen {names.get(guess, guess)})" if guess else ""
    raise LoadError(path, f"filen är inte giltig UTF-8{hint}; spara om den som UTF-8")


# --------------------------------------------------------------------------- PDF


@dataclass(frozen=True)
class _Line:
    text: str
    y: float
    x: float
    size: float
    bold: bool
    page: int


def load_pdf(path: Path, data: bytes) -> Document:
    """PDF via pypdf: visual lines rebuilt from text fragments with their font size.

    Lines repeated at the top or bottom of most pages (running headers/footers) and
    "Sida X av Y" page markers are removed. Lines set larger than the body font are headings
    (one level per distinct size, largest first); without such lines, short all-bold lines and
    "2.1 Rubrik"-style numbered lines are headings. Bulleted/numbered lines form one list
    block; other lines join into paragraphs split at larger vertical gaps. Every block keeps
    its 1-based page number. Metadata: Title, and ``doc_id=...`` pairs in Keywords.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise LoadError(path, "PDF-filen är krypterad och kan inte läsas")
        pages = [_pdf_page_lines(page, number) for number, page in enumerate(reader.pages, 1)]
        info = reader.metadata or {}
        raw_meta: dict[str, object] = dict(_key_values(str(info.get("/Keywords") or "")))
        pdf_title = str(info.get("/Title") or "").strip()
    except LoadError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise LoadError(path, f"trasig PDF: {exc}") from exc
    if not any(pages):
        raise LoadError(path, "PDF-filen saknar textlager (skannad?) – OCR finns inte")
    if pdf_title and not re.match(r"(?i)(microsoft word - |untitled)|.*\.docx?$", pdf_title):
        raw_meta.setdefault("title", pdf_title)
    builder = _BlockBuilder()
    _pdf_blocks(_strip_running_lines(pages), builder)
    return _document(path, "pdf", builder, raw_meta, page_count=len(pages))


def _pdf_page_lines(page: object, number: int) -> list[_Line]:
    fragments: list[tuple[float, float, str, float, bool]] = []

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
    lines: list[_Line] = []
    group: list[tuple[float, float, str, float, bool]] = []
    for fragment in sorted(fragments, key=lambda f: -f[0]):
        if group and abs(group[0][0] - fragment[0]) > 2.0:
            lines.extend(_pdf_line(group, number))
            group = []
        group.append(fragment)
    if group:
        lines.extend(_pdf_line(group, number))
    return lines


def _pdf_line(group: list[tuple[float, float, str, float, bool]], page: int) -> list[_Line]:
    text, last_x = "", None
    for _, x, fragment, _, _ in sorted(group, key=lambda f: f[1]):
        # Separately positioned fragments (bullet and item, footer halves) need a space.
        gap_needed = last_x is not None and abs(x - last_x) > 1.0
        if gap_needed and text and not text[-1].isspace() and not fragment[0].isspace():
            text += " "
        text, last_x = text + fragment, x
    inked = [f for f in group if f[2].strip()]
    if not inked or not _one_line(text):
        return []
    return [
        _Line(
            text=_one_line(text),
            y=group[0][0],
            x=min(f[1] for f in inked),
            size=round(max(f[3] for f in inked) * 2) / 2,
            bold=all(f[4] for f in inked),
            page=page,
        )
    ]


_PAGE_MARKER = re.compile(r"(?i)\b(sida|page|s\.)\s*\d+\s*((av|of|/)\s*\d+)?\b")


def _strip_running_lines(pages: list[list[_Line]]) -> list[_Line]:
    """Drop running headers/footers and page markers found in the top/bottom lines of pages."""

    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text.lower())

    edges = [{key(line) for line in lines[:3] + lines[-3:]} for lines in pages]
    counts = Counter(k for keys in edges for k in keys)
    needed = max(2, math.ceil(0.6 * len(pages)))
    running = {k for k, count in counts.items() if count >= needed} if len(pages) > 1 else set()
    kept: list[_Line] = []
    for lines in pages:
        edge_ids = {id(line) for line in lines[:3] + lines[-3:]}
        for line in lines:
            if id(line) in edge_ids:
                if key(line) in running:
                    continue
                text = _one_line(_PAGE_MARKER.sub("", line.text))
                if not text or text.isdigit():
                    continue
                line = replace(line, text=text)
            kept.append(line)
    return kept


def _pdf_blocks(lines: list[_Line], builder: _BlockBuilder) -> None:
    weights: Counter[float] = Counter()
    for line in lines:
        weights[line.size] += len(line.text)
    body_size = weights.most_common(1)[0][0]
    heading_sizes = sorted({ln.size for ln in lines if ln.size >= body_size * 1.08}, reverse=True)
    levels = {size: min(rank, 6) for rank, size in enumerate(heading_sizes, 1)}
    body_left = min((ln.x for ln in lines if ln.size == body_size), default=0.0)
    line_gap = _typical_line_gap(lines, body_size)

    def heading_level(line: _Line) -> int | None:
        if levels:
            return levels.get(line.size)
        numbered = re.match(r"^(\d+(?:\.\d+)+)\.?\s+[A-ZÅÄÖ]", line.text)
        short = len(line.text) <= 80 and not line.text.endswith(_SENTENCE_END)
        if numbered and short:
            return min(numbered.group(1).count(".") + 1, 6)
        return 2 if line.bold and short else None

    kind, texts, page = "", [], None
    previous: _Line | None = None

    def flush() -> None:
        if kind == "heading":
            builder.heading(" ".join(texts), current_level, page)
        elif kind == "list":
            builder.list_block(texts, page)
        elif kind == "paragraph":
            builder.paragraph(" ".join(texts), page)

    current_level = 0
    for line in lines:
        same_page = previous is not None and previous.page == line.page
        gap = previous.y - line.y if previous is not None and same_page else math.inf
        level = heading_level(line)
        bullet, numbered = _BULLET.match(line.text), _NUMBERED.match(line.text)
        if level is not None:
            if kind == "heading" and level == current_level and gap <= line.size * 1.8:
                texts.append(line.text)
            else:
                flush()
                kind, texts, page, current_level = "heading", [line.text], line.page, level
        elif bullet or numbered:
            item = _list_line(
                (bullet or numbered).group("text"),  # type: ignore[union-attr]
                int(numbered.group("n")) if numbered and not bullet else None,
            )
            if kind == "list":
                texts.append(item)
            else:
                flush()
                kind, texts, page = "list", [item], line.page
        elif kind == "list" and line.x > body_left + 3 and gap <= line_gap * 1.6:
            texts[-1] += " " + line.text
        elif kind == "paragraph" and _pdf_continues(previous, line, gap, line_gap):
            texts.append(line.text)
        else:
            flush()
            kind, texts, page = "paragraph", [line.text], line.page
        previous = line
    flush()


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


# --------------------------------------------------------------------------- DOCX


def load_docx(path: Path, data: bytes) -> Document:
    """DOCX via python-docx, body walked in document order (paragraphs and tables interleaved).

    Headings come from the styles "Title"/"Rubrik" (level 0) and "Heading N"/"Rubrik N";
    consecutive list paragraphs (List/Liststycke styles or Word numbering) form one list block,
    numbered when the style or numbering format says so; each table row becomes one block
    carrying the first row as its header. Metadata: core properties identifier (doc_id),
    title and ``key=value`` pairs in keywords.
    """
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile):
        raise LoadError(path, "trasig DOCX: filen är inte ett giltigt Word-dokument") from None
    except (KeyError, ValueError, etree.LxmlError) as exc:
        raise LoadError(path, f"trasig DOCX: {exc}") from exc
    properties = document.core_properties
    raw_meta: dict[str, object] = dict(_key_values(properties.keywords or ""))
    if properties.identifier:
        raw_meta["doc_id"] = properties.identifier
    if properties.title:
        raw_meta["title"] = properties.title

    builder = _BlockBuilder()
    items: list[str] = []
    counters: Counter[int] = Counter()

    def flush_list() -> None:
        builder.list_block(items)
        items.clear()
        counters.clear()

    for part in document.iter_inner_content():
        if isinstance(part, Table):
            flush_list()
            builder.table(_docx_rows(part))
            continue
        style = part.style.name if part.style is not None else ""
        level = _docx_heading_level(style)
        list_info = _docx_list_info(part, style)
        if level is not None:
            flush_list()
            builder.heading(part.text, level)
        elif list_info is not None and part.text.strip():
            depth, ordered = list_info
            counters[depth] += 1
            for deeper in [d for d in counters if d > depth]:
                del counters[deeper]
            items.append(_list_line(part.text, counters[depth] if ordered else None, depth))
        elif part.text.strip():
            flush_list()
            builder.paragraph(part.text)
    flush_list()
    return _document(path, "docx", builder, raw_meta)


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


# --------------------------------------------------------------------------- HTML

_HTML_DROP = (
    "//script|//style|//noscript|//template|//form|//nav|//aside|//footer|//iframe|//svg"
    "|//button|//select|//input|//dialog|//header[not(ancestor::main or ancestor::article)]"
    "|//*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='dialog'"
    " or @role='alertdialog' or @role='search' or @role='complementary']"
    "|//*[@aria-hidden='true' or @hidden]"
)
_HTML_BOILERPLATE_CLASS = re.compile(
    r"(?:^|[\s_-])(cookie|consent|gdpr|skip|breadcrumb|share|print|social)", re.IGNORECASE
)
_HTML_INLINE = {
    "a", "abbr", "b", "br", "cite", "code", "em", "i", "img", "mark", "q", "s", "small",
    "span", "strong", "sub", "sup", "time", "u", "label", "data", "del", "ins", "kbd", "var",
}  # fmt: skip


def load_html(path: Path, data: bytes) -> Document:
    """HTML via lxml: main content only, walked into blocks.

    Scripts, styles, forms, navigation, site header/footer, asides, dialogs (cookie/consent
    banners) and elements whose class/id names cookies, consent, skip links, breadcrumbs or
    share/print tools are dropped; ``<main>``, else ``[role=main]``, else ``<article>``, else
    ``<body>`` is walked. h1–h6, paragraphs, lists (nested items indented) and tables (first
    row as header) become blocks; loose text in containers becomes paragraphs. Metadata: a YAML
    front matter block in an HTML comment, ``<meta name=doc_id|title|publisher|valid_from|
    valid_to|note>``, canonical link; title falls back to the first h1, then ``<title>`` without
    its " - Site name" suffix.
    """
    try:
        # UTF-8 first: without a charset declaration lxml would assume Latin-1.
        markup: str | bytes = data.decode("utf-8-sig")
        markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup)  # lxml rejects str with one
    except UnicodeDecodeError:
        markup = data
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise LoadError(path, f"trasig HTML: {exc}") from exc
    raw_meta = _html_metadata(root, path)
    page_title = _one_line(root.findtext(".//title") or "")
    page_title = re.sub(r"\s+[-–—|]\s+[^-–—|]+$", "", page_title) or page_title

    doomed = root.xpath(_HTML_DROP)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag not in ("html", "body", "main", "article"):
            names = f"{element.get('class', '')} {element.get('id', '')}"
            if _HTML_BOILERPLATE_CLASS.search(names):
                doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    container = next(
        iter(root.xpath("//main | //*[@role='main']") or root.xpath("//article")), None
    )
    builder = _BlockBuilder()
    _html_walk(container if container is not None else root, builder)
    return _document(path, "html", builder, raw_meta, fallback_title=page_title or None)


def _html_metadata(root: lxml.html.HtmlElement, path: Path) -> dict[str, object]:
    raw: dict[str, object] = {}
    comments = [*root.itersiblings(preceding=True), *root.iter(etree.Comment)]
    for comment in comments:
        match = isinstance(comment, etree._Comment) and re.match(
            r"\s*---\s*\n(.*?)\n---\s*$", comment.text or "", re.DOTALL
        )
        if match:
            raw.update(_yaml_mapping(match.group(1), path, "front matter i HTML-kommentaren"))
            break
    for meta in root.xpath("//meta[@name and @content]"):
        raw.setdefault(meta.get("name").strip().lower(), meta.get("content"))
    canonical = root.xpath("//link[@rel='canonical']/@href | //meta[@property='og:url']/@content")
    if canonical:
        raw.setdefault("url", str(canonical[0]))
    return {k: v for k, v in raw.items() if k in META_KEYS}


def _html_walk(element: lxml.html.HtmlElement, builder: _BlockBuilder) -> None:
    loose: list[str] = [element.text or ""]

    def flush_loose() -> None:
        builder.paragraph(_one_line(" ".join(loose)))
        loose.clear()

    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if not tag:
            pass  # comments and processing instructions
        elif tag in _HTML_INLINE:
            loose.append("\n" if tag == "br" else child.text_content())
        else:
            flush_loose()
            if re.fullmatch(r"h[1-6]", tag):
                builder.heading(child.text_content(), int(tag[1]))
            elif tag == "p":
                builder.paragraph(_one_line(child.text_content()))
            elif tag in ("ul", "ol"):
                builder.list_block(_html_list_lines(child))
            elif tag == "table":
                rows = child.xpath("./thead/tr | ./tbody/tr | ./tr | ./tfoot/tr")
                builder.table([[c.text_content() for c in r.xpath("./th | ./td")] for r in rows])
            elif tag == "pre":
                builder.paragraph(child.text_content())
            else:
                _html_walk(child, builder)
        loose.append(child.tail or "")
    flush_loose()


def _html_list_lines(element: lxml.html.HtmlElement, depth: int = 0) -> list[str]:
    ordered = element.tag.lower() == "ol"
    number = int(element.get("start", "1")) if (element.get("start") or "").isdigit() else 1
    lines: list[str] = []
    for item in element.xpath("./li"):
        own, nested = [item.text or ""], []
        for child in item:
            if isinstance(child.tag, str) and child.tag.lower() in ("ul", "ol"):
                nested.extend(_html_list_lines(child, depth + 1))
            elif isinstance(child.tag, str):
                own.append(child.text_content())
            own.append(child.tail or "")
        lines.append(_list_line(" ".join(own), number if ordered else None, depth))
        lines.extend(nested)
        number += 1
    return lines


# --------------------------------------------------------------------------- Markdown


def load_markdown(path: Path, data: bytes) -> Document:
    """Markdown: python-frontmatter for metadata, markdown-it-py (CommonMark + tables) for
    structure. Headings, paragraphs, bullet/ordered lists (nested items indented), tables
    (header row on every row) and code blocks become blocks; HTML blocks and comments are
    dropped, inline markup is reduced to its text."""
    text = _decode_utf8(path, data)
    try:
        post = frontmatter.loads(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date like 2020-13-01
        raise LoadError(path, f"trasig front matter (YAML): {_yaml_problem(exc)}") from exc
    builder = _BlockBuilder()
    tree = SyntaxTreeNode(MarkdownIt("commonmark").enable("table").parse(post.content))
    _markdown_walk(tree.children, builder)
    return _document(path, "md", builder, dict(post.metadata))


def _markdown_walk(nodes: Sequence[SyntaxTreeNode], builder: _BlockBuilder) -> None:
    for node in nodes:
        if node.type == "heading":
            builder.heading(_markdown_inline(node), int(node.tag[1]))
        elif node.type == "paragraph":
            builder.paragraph(_markdown_inline(node))
        elif node.type in ("bullet_list", "ordered_list"):
            builder.list_block(_markdown_list_lines(node))
        elif node.type == "table":
            rows = [tr for section in node.children for tr in section.children]
            builder.table([[_markdown_inline(cell) for cell in tr.children] for tr in rows])
        elif node.type in ("fence", "code_block"):
            builder.paragraph(node.content)
        elif node.type == "blockquote":
            _markdown_walk(node.children, builder)


def _markdown_inline(node: SyntaxTreeNode) -> str:
    parts = []
    for child in node.children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type != "html_inline":
            parts.append(_markdown_inline(child))
    return "".join(parts)


def _markdown_list_lines(node: SyntaxTreeNode, depth: int = 0) -> list[str]:
    ordered = node.type == "ordered_list"
    number = int(node.attrs.get("start", 1)) if ordered else None
    lines: list[str] = []
    for item in node.children:
        own = [_markdown_inline(c) for c in item.children if c.type == "paragraph"]
        lines.append(_list_line(" ".join(own), number, depth))
        for child in item.children:
            if child.type in ("bullet_list", "ordered_list"):
                lines.extend(_markdown_list_lines(child, depth + 1))
        number = number + 1 if number is not None else None
    return lines


# --------------------------------------------------------------------------- plain text


def load_text(path: Path, data: bytes) -> Document:
    """Plain text, decoded strictly as UTF-8 (a BOM is allowed), structured by heuristics.

    Text is split into groups at blank lines. The first non-empty line is the title (a level-1
    heading). A group of one short line (under 60 characters, not ending in . ! ? : ; ,) is a
    level-2 heading when the next group is body text or a list; two short lines in a row are
    kept as paragraphs (link texts on copied web pages look like that). Lines starting with
    "•", "-", "*", "–" or "1." are list items; consecutive items (also across blank lines)
    form one list block, and an indented line without a marker continues the previous item.
    Other lines join into paragraphs.
    """
    lines = _decode_utf8(path, data).splitlines()
    groups: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            groups[-1].append(line.rstrip())
        elif groups[-1]:
            groups.append([])
    groups = [group for group in groups if group]
    builder = _BlockBuilder()
    if groups:
        builder.heading(groups[0][0], 1)
        groups[0] = groups[0][1:]
        groups = [group for group in groups if group]
    items: list[str] = []
    for index, group in enumerate(groups):
        following = groups[index + 1] if index + 1 < len(groups) else None
        if _is_short_line(group) and following is not None and not _is_short_line(following):
            builder.list_block(items)
            items = []
            builder.heading(group[0], 2)
            continue
        paragraph: list[str] = []
        for line in group:
            marker = _BULLET.match(line) or _NUMBERED.match(line)
            if marker:
                builder.paragraph(" ".join(paragraph))
                paragraph = []
                number = marker.groupdict().get("n")
                items.append(_list_line(marker.group("text"), int(number) if number else None))
            elif items and not paragraph and line[:1].isspace():
                items[-1] += " " + line.strip()
            else:
                builder.list_block(items)
                items = []
                paragraph.append(line.strip())
        builder.paragraph(" ".join(paragraph))
    builder.list_block(items)
    return _document(path, "txt", builder, {})


def _is_short_line(group: list[str]) -> bool:
    line = group[0].strip()
    return (
        len(group) == 1
        and len(line) < 60
        and not line.endswith(_SENTENCE_END)
        and not (_BULLET.match(line) or _NUMBERED.match(line))
    )


# --------------------------------------------------------------------------- entry point

Loader = Callable[[Path, bytes], Document]

LOADERS: dict[str, Loader] = {
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".html": load_html,
    ".htm": load_html,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
}
SUPPORTED_SUFFIXES = frozenset(LOADERS)


def is_sidecar(path: Path) -> bool:
    """True for a metadata sidecar (``<name>.meta.yaml``), which is not a document itself."""
    return Path(path).name.endswith(SIDECAR_SUFFIX)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def load_document(path: Path) -> Document:
    """Load one file into a `Document`, applying its sidecar metadata if there is one.

    Raises `LoadError` (and nothing else) when the file cannot be used.
    """
    path = Path(path)
    if path.is_symlink() and not path.exists():
        raise LoadError(path, "länken pekar på en fil som inte finns")
    if not path.exists():
        raise LoadError(path, "filen finns inte")
    if path.is_dir():
        raise LoadError(path, "sökvägen är en mapp, inte en fil")
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        suffix = path.suffix or "(ingen filändelse)"
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise LoadError(path, f"filtypen {suffix} stöds inte (stöds: {supported})")
    data = _read_bytes(path)
    if not data.strip():
        raise LoadError(path, "tom fil")
    sidecar_bytes, sidecar_meta = _read_sidecar(sidecar_path(path))
    try:
        document = loader(path, data)
    except LoadError:
        raise
    except Exception as exc:  # the contract is LoadError only, whatever a parser throws
        raise LoadError(path, f"filen kunde inte tolkas: {type(exc).__name__}: {exc}") from exc
    return replace(document, content_hash=content_hash(data + sidecar_bytes), **sidecar_meta)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"filen kunde inte läsas: {exc.strerror or exc}") from exc


def _read_sidecar(path: Path) -> tuple[bytes, dict[str, object]]:
    if not path.is_file():
        return b"", {}
    data = _read_bytes(path)
    raw = _yaml_mapping(data.decode("utf-8", errors="replace"), path, "metadatafilen")
    unknown = sorted(set(raw) - set(META_KEYS))
    if unknown:
        allowed = ", ".join(META_KEYS)
        raise LoadError(path, f"okänd nyckel i metadatafilen: {', '.join(unknown)} ({allowed})")
    return data, _metadata(raw, path)


def _yaml_mapping(text: str, path: Path, what: str) -> dict[str, object]:
    try:
        loaded = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date like 2020-13-01
        raise LoadError(path, f"trasig YAML i {what}: {_yaml_problem(exc)}") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise LoadError(path, f"{what} ska innehålla rader med nyckel: värde")
    return {str(k): v for k, v in loaded.items()}


def _yaml_problem(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{problem} (rad {mark.line + 1})" if mark is not None else str(problem)
