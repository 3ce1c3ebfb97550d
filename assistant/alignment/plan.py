"""Split a plan (a loaded `Document`) into its activities or goals, with what each declares.

An activity is a numbered heading ("Aktivitet 3. …", "Mål 2 …") and the blocks under it, or,
in a plan without such headings, a table row with an activity or goal column. Inside an activity,
lines "Visionsmål: …" / "Fokusområde: …" / "Globala mål: …" are declarations (the labels come
from the taxonomy), "Nyckeltal:/Indikator:" and "Målvärde …:" are key figures, the rest is the
activity's own text. A table row that names an activity's number ("Mål: 1; Indikator: …")
adds a key figure to that activity.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from assistant.alignment.taxonomy import AlignError, Taxonomy, fold
from assistant.types import Block, Chunk, Document

ACTIVITY_LABELS = ("Aktivitet", "Åtgärd", "Insats", "Uppdrag", "Delmål", "Nämndmål", "Mål")
ACTIVITY_HEADING = re.compile(
    rf"^(?P<label>{'|'.join(ACTIVITY_LABELS)})\s+(?P<n>\d{{1,3}})(?!\d)\s*[.:)–-]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
_FIELD_LINE = re.compile(r"^\s*(?:[-•*]\s+)?(?P<field>[^:]{2,40}?)\s*:\s*(?P<value>.+?)\s*$")
_INDICATOR = re.compile(r"^(nyckeltal|indikator|mått|resultatmått)$", re.IGNORECASE)
_TARGET = re.compile(r"^((målvärde|målnivå)(\s+\d{4})?|mål\s+\d{4})$", re.IGNORECASE)
_NUMBER_COLUMN = re.compile(r"^(mål|aktivitet|nr|nummer|åtgärd)$", re.IGNORECASE)


@dataclass(frozen=True)
class KeyFigure:
    """A key figure (nyckeltal/indikator) and its target value (målvärde), as written."""

    indicator: str
    target: str = ""
    page: int | None = None
    from_table: bool = False


@dataclass(frozen=True)
class Declaration:
    """A link the plan itself declares: the value exactly as written and the goals it names."""

    kind: str
    label: str
    raw: str
    goal_ids: tuple[str, ...] = ()
    explicit_none: bool = False
    inherited: bool = False
    page: int | None = None


@dataclass(frozen=True)
class Activity:
    key: str
    title: str
    text: str
    number: int | None = None
    heading_path: tuple[str, ...] = ()
    page: int | None = None
    declarations: tuple[Declaration, ...] = ()
    key_figures: tuple[KeyFigure, ...] = ()
    lines: tuple[str, ...] = field(default=(), repr=False)

    def declared(self, kind: str) -> tuple[str, ...]:
        """Goal ids declared for ``kind``, the first-named (primary) first, no repeats."""
        ids = [g for d in self.declarations if d.kind == kind for g in d.goal_ids]
        return tuple(dict.fromkeys(ids))

    @property
    def matcher_text(self) -> str:
        """What the matcher sees: title, own text and key figures, never the declarations."""
        figures = " ".join(f.indicator for f in self.key_figures)
        return " ".join(part for part in (self.title, self.text, figures) if part)


def split_plan(document: Document, taxonomy: Taxonomy) -> list[Activity]:
    """The activities or goals of ``document``, in reading order; `AlignError` if none."""
    activities = _heading_activities(document.blocks, taxonomy)
    rows = [b for b in document.blocks if b.kind == "table_row"]
    if activities:
        activities = _attach_table_figures(activities, rows)
    else:
        activities = _table_activities(rows, taxonomy)
    if not activities:
        raise AlignError(
            f"hittade inga aktiviteter eller mål i {document.title or document.doc_id}: planen "
            "behöver numrerade rubriker som 'Aktivitet 1. …' eller 'Mål 1 …', eller en tabell "
            "med en kolumn 'Aktivitet' eller 'Mål'"
        )
    return activities


def _heading_activities(blocks: Sequence[Block], taxonomy: Taxonomy) -> list[Activity]:
    starts = [
        i for i, b in enumerate(blocks) if b.kind == "heading" and ACTIVITY_HEADING.match(b.text)
    ]
    activities = []
    for n, start in enumerate(starts):
        head = blocks[start]
        end = starts[n + 1] if n + 1 < len(starts) else len(blocks)
        body = []
        for block in blocks[start + 1 : end]:
            if block.kind == "heading" and (block.level or 9) <= (head.level or 9):
                break
            if block.kind != "table_row":
                body.append(block)
        activities.append(_activity(head, body, taxonomy))
    return activities


def _activity(head: Block, body: Sequence[Block], taxonomy: Taxonomy) -> Activity:
    match = ACTIVITY_HEADING.match(head.text)
    assert match is not None
    number = int(match["n"])
    key = f"{match['label'].capitalize()} {number}"
    lines = [
        line.strip()
        for block in body
        for line in block.text.splitlines()
        if line.strip() and block.kind != "heading"
    ]
    pages = [b.page for b in (head, *body) if b.page is not None]
    declarations, figures, text = _read_lines(lines, taxonomy, pages[0] if pages else None)
    inherited = _inherited(head.heading_path, {d.kind for d in declarations}, taxonomy)
    return Activity(
        key=key,
        title=match["title"].strip() or head.text,
        text=" ".join(text),
        number=number,
        heading_path=head.heading_path,
        page=pages[0] if pages else None,
        declarations=(*declarations, *inherited),
        key_figures=tuple(figures),
        lines=tuple(lines),
    )


def _read_lines(
    lines: Sequence[str], taxonomy: Taxonomy, page: int | None
) -> tuple[list[Declaration], list[KeyFigure], list[str]]:
    declarations: list[Declaration] = []
    figures: list[KeyFigure] = []
    text: list[str] = []
    for line in lines:
        match = _FIELD_LINE.match(line)
        label = match["field"].strip() if match else ""
        kind = taxonomy.kind_for_field(label) if match else None
        if match and kind is not None:
            declarations.append(declaration(taxonomy, kind.id, label, match["value"], page))
        elif match and _INDICATOR.match(label):
            figures.append(KeyFigure(match["value"], page=page))
        elif match and _TARGET.match(label) and figures and not figures[-1].target:
            figures[-1] = replace(figures[-1], target=match["value"])
        elif match and _TARGET.match(label):
            figures.append(KeyFigure("", target=match["value"], page=page))
        else:
            text.append(line.removeprefix("- ").strip())
    return declarations, figures, text


def declaration(
    taxonomy: Taxonomy,
    kind: str,
    label: str,
    value: str,
    page: int | None = None,
    inherited: bool = False,
) -> Declaration:
    goals = taxonomy.resolve(kind, value)
    return Declaration(
        kind=kind,
        label=label,
        raw=value,
        goal_ids=tuple(g.id for g in goals),
        explicit_none=not goals and taxonomy.is_none(value),
        inherited=inherited,
        page=page,
    )


def _inherited(
    heading_path: Sequence[str], declared_kinds: set[str], taxonomy: Taxonomy
) -> list[Declaration]:
    """Declarations made by section headings ("Visionsmål: X") for kinds not declared inside."""
    found = []
    for heading in heading_path:
        match = _FIELD_LINE.match(heading)
        kind = taxonomy.kind_for_field(match["field"]) if match else None
        if match and kind is not None and kind.id not in declared_kinds:
            found.append(
                declaration(
                    taxonomy, kind.id, match["field"].strip(), match["value"], inherited=True
                )
            )
    return found


def parse_row(text: str) -> dict[str, str]:
    """A table row rendered as ``Header: value; Header: value`` back into a mapping."""
    cells: dict[str, str] = {}
    for part in text.split("; "):
        header, sep, value = part.partition(": ")
        if sep:
            cells[header.strip()] = value.strip()
    return cells


def _attach_table_figures(activities: list[Activity], rows: Sequence[Block]) -> list[Activity]:
    by_number = {a.number: i for i, a in enumerate(activities) if a.number is not None}
    activities = list(activities)
    for row in rows:
        cells = parse_row(row.text)
        number = next((_int(v) for h, v in cells.items() if _NUMBER_COLUMN.match(h)), None)
        indicator = next((v for h, v in cells.items() if _INDICATOR.match(h)), "")
        target = next((v for h, v in cells.items() if _TARGET.match(h)), "")
        if number in by_number and (indicator or target):
            i = by_number[number]
            figure = KeyFigure(indicator, target, row.page, from_table=True)
            activities[i] = replace(activities[i], key_figures=(*activities[i].key_figures, figure))
    return activities


def _table_activities(rows: Sequence[Block], taxonomy: Taxonomy) -> list[Activity]:
    """Activities from table rows when the plan has no numbered headings."""
    activities = []
    for n, row in enumerate(rows, start=1):
        cells = parse_row(row.text)
        name = next(
            (
                v
                for h, v in cells.items()
                if fold(h) in {"aktivitet", "mål", "åtgärd"} and _int(v) is None
            ),
            "",
        )
        if not name:
            continue
        lines = [f"{h}: {v}" for h, v in cells.items() if v != name]
        declarations, figures, text = _read_lines(lines, taxonomy, row.page)
        activities.append(
            Activity(
                key=f"Rad {n}",
                title=name,
                text=" ".join(text),
                number=None,
                heading_path=row.heading_path,
                page=row.page,
                declarations=tuple(declarations),
                key_figures=tuple(figures),
                lines=tuple(lines),
            )
        )
    return activities


def _int(value: str) -> int | None:
    value = value.strip().rstrip(".")
    return int(value) if value.isdigit() else None


def document_from_chunks(chunks: Sequence[Chunk]) -> Document:
    """A stand-in `Document` rebuilt from indexed chunks, for a plan whose file is gone."""
    if not chunks:
        raise AlignError("dokumentet har inga delar i indexet")
    ordered = sorted(chunks, key=lambda c: c.position)
    blocks: list[Block] = []
    seen: set[tuple[str, ...]] = set()
    for chunk in ordered:
        path = chunk.heading_path
        for depth in range(1, len(path) + 1):
            if path[:depth] not in seen:
                seen.add(path[:depth])
                blocks.append(
                    Block(path[depth - 1], "heading", path[: depth - 1], chunk.page, depth)
                )
        for part in chunk.text.split("\n\n"):
            part = part.strip()
            if part and part not in path:
                kind = "list" if part.startswith("- ") else "paragraph"
                blocks.append(Block(part, kind, path, chunk.page))
    first = ordered[0]
    return Document(
        doc_id=first.doc_id,
        title=first.title,
        source=first.source,
        kind=first.kind,
        content_hash=first.doc_hash,
        blocks=tuple(blocks),
    )
