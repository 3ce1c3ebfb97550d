"""Plain-text loader: strict UTF-8, structure recovered by line heuristics."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.textunits import is_value_line, same_shape
from assistant.types import Document
from ingest.loaders.common import (
    NUMBERED,
    SENTENCE_END,
    BlockBuilder,
    build_document,
    decode_utf8,
    list_item,
    list_line,
    pop_visible_metadata,
)


def load_text(path: Path, data: bytes) -> Document:
    """Plain text, decoded strictly as UTF-8 (a BOM is allowed), structured by heuristics.

    Text is split into groups at blank lines. The first line is the title (a level-1 heading)
    only when it looks like one: alone before a blank line, more text after it, short (at most
    100 characters), not a list item and not ending in . ! ? : ; , -- so a one-paragraph file
    is body text, not a title with nothing under it. A group of one short line (under 60
    characters, not ending in . ! ? : ; ,) is a level-2 heading when the next group is body
    text or a list, unless it is only a value ("23,38", "10 %": a flattened table's cell) or
    is built like the short line before it (the last of a list without markers, see
    :func:`assistant.textunits.same_shape`); two short lines in a row are kept as paragraphs
    (link texts on copied web pages look like that). Lines starting with "•", "-", "*", "–"
    or "1." are list items; consecutive items (also across blank lines) form one list block,
    and an indented line without a marker continues the previous item. A group of two or more
    lines that are all short lines in that sense, none only a value, is a list whose markers
    were lost (a copied web page: "TILLIT" / "MOD" under "… vilar på tre ord:"), not a
    paragraph that runs them together; only after body text, since the lines at the very top
    can be the metadata box.
    A group whose lines all split into the same columns at runs of two or more spaces is a
    table (:func:`_aligned_table`), its rows read "Header: value; …" as every table's are;
    a first line that does not is the paragraph that introduces the table.
    Other lines join into paragraphs. A block of ``key: value`` lines with metadata keys
    right after the title is metadata, not body text.
    """
    lines = decode_utf8(path, data).splitlines()
    groups: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            groups[-1].append(line.rstrip())
        elif groups[-1]:
            groups.append([])
    groups = [group for group in groups if group]
    builder = BlockBuilder()
    if _is_title(groups):
        builder.heading(groups[0][0], 1)
        groups = groups[1:]
    items: list[str] = []
    for index, group in enumerate(groups):
        # A table, or a line that introduces it ("Nämndmål 1: …") and then the table.
        caption = 0 if _aligned_table(group) is not None else 1
        rows = _aligned_table(group[caption:])
        if rows is not None:
            builder.list_block(items)
            items = []
            builder.paragraph(" ".join(line.strip() for line in group[:caption]))
            builder.table(rows)
            continue
        following = groups[index + 1] if index + 1 < len(groups) else None
        previous = groups[index - 1] if index else None
        if (_is_short_line(group) and not is_value_line(group[0])
                and following is not None and not _is_short_line(following)
                and not (previous and _is_short_line(previous)
                         and same_shape(group[0], previous[0]))):
            builder.list_block(items)
            items = []
            builder.heading(group[0], 2)
            continue
        if _unmarked_list(group) and any(b.kind != "heading" for b in builder.blocks):
            items.extend(list_line(line.strip(), None) for line in group)
            continue
        if _numbered_title(group):
            builder.list_block(items)
            items = []
            builder.heading(group[0].strip(), 2)
            group = group[1:]
        paragraph: list[str] = []
        for line in group:
            item = list_item(line)
            if item is not None:
                builder.paragraph(" ".join(paragraph))
                paragraph = []
                items.append(item)
            elif items and not paragraph and line[:1].isspace():
                items[-1] += " " + line.strip()
            else:
                builder.list_block(items)
                items = []
                paragraph.append(line.strip())
        builder.paragraph(" ".join(paragraph))
    builder.list_block(items)
    return build_document(path, "txt", builder, pop_visible_metadata(builder))


# A rule under a table's header: dashes or equals signs, column by column ("-----  ----").
_RULE = re.compile(r"[-=–—\s]*[-=]{3,}[-=–—\s]*")
# Cells of a line with aligned columns are apart by two or more spaces, or a tab.
_CELL_GAP = re.compile(r" {2,}|\t+")


def _aligned_table(group: list[str]) -> list[list[str]] | None:
    """The rows of a table written with aligned columns, header first ("Verksamhet    Budget
    2025    Budget 2026", then "Förskola    193,1    198,4"), or None: every line of the
    group, a rule of dashes under the header aside, splits at runs of two or more spaces (or
    a tab) into the same number of cells: at least three in a header and a row, or two in a
    header and two rows. A cell wider than its column still stands apart from the next by two
    spaces, so columns are found by the gaps, not by position."""
    lines = [line.strip() for line in group if not _RULE.fullmatch(line.strip())]
    rows = [_CELL_GAP.split(line) for line in lines]
    width = len(rows[0]) if rows else 0
    if (width < 2 or len(rows) < (2 if width >= 3 else 3)
            or any(len(row) != width for row in rows)):
        return None
    return rows


def _numbered_title(group: list[str]) -> bool:
    """A numbered short line with its text right under it, no further items ("1. DELAKTIGHET"
    / "Kommunen ska …"): the numbered sections of a web page, each a heading with its text,
    not a one-item list cut off by a paragraph."""
    line = group[0].strip()
    return (
        len(group) > 1
        and NUMBERED.match(line) is not None
        and len(line) < 60
        and not line.endswith(SENTENCE_END)
        and all(list_item(rest) is None for rest in group[1:])
    )


def _unmarked_list(group: list[str]) -> bool:
    """Two or more short lines and nothing else: a list without markers (see `load_text`).

    Lines with a ``label: value`` ("Senast uppdaterad: 3 maj 2024") are a page's facts box,
    kept as one paragraph as before."""
    return len(group) > 1 and all(
        _is_short_line([line]) and not is_value_line(line) and ": " not in line
        for line in group)


def _is_short_line(group: list[str]) -> bool:
    line = group[0].strip()
    return (
        len(group) == 1
        and len(line) < 60
        and not line.endswith(SENTENCE_END)
        and list_item(line) is None
    )


TITLE_MAX_CHARS = 100


def _is_title(groups: list[list[str]]) -> bool:
    """Whether the first line is the document's title (see `load_text`)."""
    if len(groups) < 2 or len(groups[0]) != 1:
        return False
    line = groups[0][0].strip()
    return (
        len(line) <= TITLE_MAX_CHARS
        and not line.endswith(SENTENCE_END)
        and list_item(line) is None
    )
