"""Pieces every loader shares: the error type, block building, metadata and sidecar files.

Each format module turns raw bytes into blocks with `BlockBuilder` and hands them to
`build_document`, which applies the metadata found inside the file. Everything that can go
wrong raises `LoadError` with a short Swedish reason a user can act on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

import charset_normalizer
import yaml

from assistant.errors import StyrdokError
from assistant.types import Block, Document

SIDECAR_SUFFIX = ".meta.yaml"
META_KEYS = ("doc_id", "title", "publisher", "url", "valid_from", "valid_to", "note")

BULLET = re.compile(r"^\s*[•·▪◦●\-*–]\s+(?P<text>.*)$")
NUMBERED = re.compile(r"^\s*(?P<n>\d{1,3})[.)]\s+(?P<text>.*)$")
SENTENCE_END = (".", "!", "?", ":", ";", ",")


class LoadError(StyrdokError):
    """A file could not be loaded; ``reason`` is a short Swedish sentence a user can act on."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


# --------------------------------------------------------------------------- building blocks


class BlockBuilder:
    """Collects blocks in reading order and tracks the heading path they sit under."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._outline: list[tuple[int, str]] = []

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(text for _, text in self._outline)

    def heading(self, text: str, level: int, page: int | None = None) -> None:
        text = one_line(text)
        if not text:
            return
        while self._outline and self._outline[-1][0] >= level:
            self._outline.pop()
        self.blocks.append(Block(text, "heading", self.path, page, level))
        self._outline.append((level, text))

    def paragraph(self, text: str, page: int | None = None) -> None:
        text = tidy(text)
        if text:
            self.blocks.append(Block(text, "paragraph", self.path, page))

    def list_block(self, lines: Sequence[str], page: int | None = None) -> None:
        """``lines`` are rendered items ("- item", "1. item", nested ones indented)."""
        text = "\n".join(line.rstrip() for line in lines if line.strip())
        if text:
            self.blocks.append(Block(text, "list", self.path, page))

    def table(self, rows: Sequence[Sequence[str]], page: int | None = None) -> None:
        """The first row is the header; every other row becomes ``Header: value; ...``.

        A leading row with one text across the table is its caption or title (an HTML
        ``<caption>``, which trafilatura makes a row of one cell and empty ones, or a merged
        title cell, which DOCX repeats in every cell), not its header: it becomes a paragraph
        before the rows. In two columns one text and an empty cell is a header ("Uppgift |"
        over key–value rows). Further down, a row with one text across a table of three or
        more columns heads a group of rows ("Målområde: Trygg omsorg" over its goals): it
        opens each row of its group, which it names, instead of standing as a row."""
        rows = [[one_line(cell) for cell in row] for row in rows]
        rows = [row for row in rows if any(row)]
        if not rows:
            return
        width = max(len([c for c in row if c]) for row in rows)
        while len(rows) > 1 and len({c for c in rows[0] if c}) == 1 and (
                width > 2 or (width == 2 and all(rows[0]))):
            self.paragraph(next(c for c in rows[0] if c), page)
            rows = rows[1:]
        header, body = rows[0], rows[1:]
        if not body:
            self.blocks.append(
                Block("; ".join(c for c in header if c), "table_row", self.path, page)
            )
        group = ""
        for row in body:
            if width > 2 and len({c for c in row if c}) == 1:
                group = next(c for c in row if c)
                continue
            cells = [
                f"{name}: {value}" if name else value
                for name, value in zip([*header, *[""] * len(row)], row, strict=False)
                if value
            ]
            if cells:
                text = "; ".join(cells)
                self.blocks.append(Block(f"{group} – {text}" if group else text, "table_row",
                                         self.path, page))

    def first_title(self) -> str | None:
        return next(
            (b.text for b in self.blocks if b.kind == "heading" and (b.level or 0) <= 1), None
        )


def one_line(text: str) -> str:
    return " ".join(text.split())


def tidy(text: str) -> str:
    """Collapse runs of spaces inside lines, keep intentional line breaks."""
    return "\n".join(one_line(line) for line in text.splitlines() if line.strip())


def list_line(text: str, number: int | None, depth: int = 0) -> str:
    marker = f"{number}." if number is not None else "-"
    return f"{'  ' * depth}{marker} {one_line(text)}"


def list_item(line: str) -> str | None:
    """A line starting with a bullet or "1."-style number rendered as a list item, else None."""
    bullet = BULLET.match(line)
    if bullet:
        return list_line(bullet.group("text"), None)
    numbered = NUMBERED.match(line)
    if numbered:
        return list_line(numbered.group("text"), int(numbered.group("n")))
    return None


# --------------------------------------------------------------------------- metadata


def parse_date(value: object, key: str, where: Path) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise LoadError(where, f"ogiltigt datum i {key}: {value!r} (använd ÅÅÅÅ-MM-DD)") from None


def metadata(raw: Mapping[str, object], where: Path) -> dict[str, object]:
    """Known metadata keys from ``raw`` as `Document` field values; blanks are skipped."""
    fields: dict[str, object] = {}
    for key in META_KEYS:
        value = raw.get(key)
        if value is None or str(value).strip() == "":
            continue
        if key in ("valid_from", "valid_to"):
            fields[key] = parse_date(value, key, where)
        else:
            fields[key] = str(value).strip()
    return fields


def key_values(text: str) -> dict[str, str]:
    """``doc_id=abc; valid_from=2026-01-01`` (as found in PDF/DOCX keywords) -> dict."""
    return {k: v.strip() for k, v in re.findall(r"(\w+)\s*=\s*([^;,]*)", text or "")}


# Keys recognised in a visible metadata box at the top of a document body: a superset of
# META_KEYS ("kind" and "source" are recognised so the box is removed, but are not kept).
VISIBLE_KEYS = (*META_KEYS, "kind", "source")
_VISIBLE_KEY = re.compile(
    r"(?i)(?:^|(?<=\s))("
    + "|".join(k.replace("_", "[_-]") for k in VISIBLE_KEYS)
    + r")\s*:(?=\s|$)"
)
_NOTE_LINE = re.compile(r"^[^\W\d_][\w\- ]{0,39}:\s+\S.{0,200}$")
_ONE_TOKEN = ("doc_id", "kind", "valid_from", "valid_to", "url")


def pop_visible_metadata(builder: BlockBuilder) -> dict[str, str]:
    """Remove a visible metadata box from the start of the blocks and return its values.

    The box is a run of paragraphs at the very start (before or right after the title
    heading) in which every line is ``key: value`` with a key from `VISIBLE_KEYS`, several
    pairs possibly run together on one line (as pypdf gives a boxed PDF paragraph). Only the
    run's first line may start with another ``Label: text`` (such as "Testdokument: ..."),
    which becomes the note. The run needs two known pairs, so body text that merely has a
    colon stays. Values are returned as text, for `metadata` to check.
    """
    blocks = builder.blocks
    start = 1 if blocks and blocks[0].kind == "heading" and (blocks[0].level or 0) <= 1 else 0
    pairs: list[tuple[str, str]] = []
    note_line: str | None = None
    end = start
    while end < len(blocks) and blocks[end].kind == "paragraph":
        lines = [_visible_line(line) for line in blocks[end].text.splitlines()]
        stray = [i for i, (prefix, _) in enumerate(lines) if prefix and (end, i) != (start, 0)]
        if stray or any(found is None for _, found in lines):
            break
        if lines[0][0]:  # the run's leading line: a note, if it is shaped like one
            if not _NOTE_LINE.match(lines[0][0]):
                break
            note_line = lines[0][0]
        pairs.extend(pair for _, found in lines for pair in found or ())
        end += 1
    if len(pairs) < 2:
        return {}
    del blocks[start:end]
    fields: dict[str, str] = {}
    for key, value in pairs:
        if value and key in META_KEYS:
            fields.setdefault(key, value)
    if note_line:
        fields.setdefault("note", note_line)
    return fields


def _visible_line(line: str) -> tuple[str, list[tuple[str, str]] | None]:
    """(text before the first known key, its pairs); pairs is None if a value looks wrong."""
    line = one_line(line)
    markers = list(_VISIBLE_KEY.finditer(line))
    pairs: list[tuple[str, str]] = []
    for marker, following in zip(markers, [*markers[1:], None], strict=False):
        key = marker.group(1).lower().replace("-", "_")
        value = line[marker.end() : following.start() if following else len(line)].strip()
        if key in _ONE_TOKEN and len(value.split()) > 1:
            return "", None  # prose run into a pair: this is not a clean metadata line
        if key in ("valid_from", "valid_to") and value:
            try:
                date.fromisoformat(value)
            except ValueError:
                return "", None
        pairs.append((key, value))
    prefix = line[: markers[0].start()].strip() if markers else line
    return prefix, pairs


def merge_missing(raw: dict[str, object], extra: Mapping[str, object]) -> dict[str, object]:
    """``raw`` with ``extra`` filling only the keys it lacks or leaves blank."""
    merged = dict(raw)
    for key, value in extra.items():
        if merged.get(key) is None or str(merged[key]).strip() == "":
            merged[key] = value
    return merged


def build_document(
    path: Path,
    kind: str,
    builder: BlockBuilder,
    raw_meta: Mapping[str, object],
    *,
    fallback_title: str | None = None,
    page_count: int | None = None,
) -> Document:
    if not builder.blocks:
        raise LoadError(path, "filen innehåller ingen läsbar text")
    meta = metadata(raw_meta, path)
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


def decode_utf8(path: Path, data: bytes) -> str:
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


# --------------------------------------------------------------------------- files and sidecars


def is_sidecar(path: Path) -> bool:
    """True for a metadata sidecar (``<name>.meta.yaml``), which is not a document itself."""
    return Path(path).name.endswith(SIDECAR_SUFFIX)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"filen kunde inte läsas: {exc.strerror or exc}") from exc


def read_sidecar(path: Path) -> tuple[bytes, dict[str, object]]:
    """The sidecar's bytes (part of the content hash) and its metadata; empty if absent."""
    if not path.is_file():
        return b"", {}
    data = read_bytes(path)
    raw = yaml_mapping(data.decode("utf-8", errors="replace"), path, "metadatafilen")
    unknown = sorted(set(raw) - set(META_KEYS))
    if unknown:
        allowed = ", ".join(META_KEYS)
        raise LoadError(path, f"okänd nyckel i metadatafilen: {', '.join(unknown)} ({allowed})")
    return data, metadata(raw, path)


def yaml_mapping(text: str, path: Path, what: str) -> dict[str, object]:
    try:
        loaded = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date like 2020-13-01
        raise LoadError(path, f"trasig YAML i {what}: {yaml_problem(exc)}") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise LoadError(path, f"{what} ska innehålla rader med nyckel: värde")
    return {str(k): v for k, v in loaded.items()}


def yaml_problem(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{problem} (rad {mark.line + 1})" if mark is not None else str(problem)
