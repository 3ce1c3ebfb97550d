"""Plain-text loader: strict UTF-8, structure recovered by line heuristics."""

from __future__ import annotations

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
