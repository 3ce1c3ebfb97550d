"""Citations: check the ``[n]`` markers of an answer and turn its sources into ``Citation``s.

Every generator's output goes through :func:`cite`: markers that point to no source are removed,
the cited sources are renumbered 1..m in order of first appearance, and each citation carries the
exact passage that supports it (the source unit, see :mod:`assistant.textunits`, that best
matches the text the marker closes). An answer left with no valid marker gets no citations; the
caller (``assistant.ask``) then refuses with the ``uncited`` flag rather than showing it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from assistant.generation import Source
from assistant.textunits import detect_language, split_units, term_set
from assistant.types import Answer, Chunk, Citation

MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_NOTE = re.compile(r"\s*\(gällde [^)]*\)")


def is_superseded(chunk: Chunk, today: date) -> bool:
    """A document is superseded once its ``valid_to`` date has passed."""
    return chunk.valid_to is not None and chunk.valid_to < today


def validity_label(valid_from: date | str | None, valid_to: date | str | None) -> str:
    """``gällde 2019–2022`` (superseded span by year); ISO date strings are accepted too."""
    start, end = _as_date(valid_from), _as_date(valid_to)
    if start and end and start.year != end.year:
        return f"gällde {start.year}–{end.year}"
    if end:
        return f"gällde till {end.isoformat()}"
    return ""


class Citable(Protocol):
    """What :func:`source_label` reads: a :class:`Citation` or the API's ``CitationOut``."""

    title: str
    heading: str
    page: int | None
    superseded: bool
    valid_from: date | str | None
    valid_to: date | str | None


def source_label(citation: Citable) -> str:
    """How every surface names a source (chat, CLI, refusals, the API's "Källor:" list).

    ``Verksamhetsplan 2026 – Simskola, s. 3``: the title, the innermost section unless the title
    already says it, the page, and ``(gällde 2019–2022)`` when the document is superseded.
    """
    text = citation.title
    heading = citation.heading.split(" > ")[-1] if citation.heading else ""
    if heading and heading.casefold() not in citation.title.casefold():
        text += f" – {heading}"
    if citation.page:
        text += f", s. {citation.page}"
    if citation.superseded:
        text += f" ({validity_label(citation.valid_from, citation.valid_to)})"
    return text


def live_link(url: str | None, page: int | None = None) -> str | None:
    """The web address a source opens at: ``url``, with ``#page=N`` for a page of a PDF."""
    if not url or not url.startswith(("http://", "https://")):
        return None
    base = url.split("#", 1)[0]
    return f"{base}#page={int(page)}" if page else base


def interpretation_note(answer: Answer) -> str:
    """``Tolkad som: "…"`` (``Interpreted as`` for English questions), or "" when the question
    was answered as asked."""
    used = answer.interpreted_as
    if not used:
        return ""
    label = "Interpreted as" if detect_language(answer.question) == "en" else "Tolkad som"
    return f"{label}: \u201d{used}\u201d"


def _as_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value) if value else None


def _segments(text: str) -> list[tuple[int, str]]:
    """(source number, text the marker closes) for every marker occurrence, in order."""
    found = []
    start = 0
    for match in MARKER.finditer(text):
        segment = text[start : match.start()]
        segment = segment.split("\n\n")[-1]  # drop a lead paragraph before the first claim
        for number in match.group(1).split(","):
            found.append((int(number), segment.strip()))
        start = match.end()
    return found


def _passage(chunk: Chunk, claims: Sequence[str]) -> str:
    """The source units that best support ``claims`` (each claim its best-overlapping unit)."""
    units = split_units(chunk.text, chunk.heading_path)
    if not units:
        return chunk.text
    picked: list[str] = []
    for claim in claims:
        claim_terms = term_set(_NOTE.sub("", claim))
        best = max(
            units,
            key=lambda u: (
                len(claim_terms & term_set(u.text)) / (len(claim_terms | term_set(u.text)) or 1)
            ),
        )
        if best.text not in picked:
            picked.append(best.text)
    return "\n".join(picked)


def make_citation(n: int, source: Source, claims: Sequence[str]) -> Citation:
    chunk = source.hit.chunk
    return Citation(
        n=n,
        doc_id=chunk.doc_id,
        title=chunk.title,
        passage=_passage(chunk, claims) if claims else chunk.text,
        chunk_id=chunk.chunk_id,
        heading=chunk.heading,
        page=chunk.page,
        source=chunk.source,
        url=chunk.url,
        valid_from=chunk.valid_from,
        valid_to=chunk.valid_to,
        superseded=source.superseded,
    )


def cite(text: str, sources: Sequence[Source]) -> tuple[str, tuple[Citation, ...]]:
    """Remove markers to unknown sources, renumber the rest 1..m, build the citations."""
    by_n = {source.n: source for source in sources}
    renumber: dict[int, int] = {}
    for number, _segment in _segments(text):
        if number in by_n and number not in renumber:
            renumber[number] = len(renumber) + 1

    def replace(match: re.Match[str]) -> str:
        kept = [renumber[int(x)] for x in match.group(1).split(",") if int(x) in renumber]
        return "".join(f"[{k}]" for k in dict.fromkeys(kept))

    new_text = MARKER.sub(replace, text)
    new_text = re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", new_text)).strip()
    claims: dict[int, list[str]] = {}
    for number, segment in _segments(text):
        if number in renumber and segment:
            claims.setdefault(number, []).append(segment)
    citations = tuple(
        make_citation(new, by_n[old], claims.get(old, []))
        for old, new in sorted(renumber.items(), key=lambda item: item[1])
    )
    return new_text, citations


def related_citations(sources: Sequence[Source], limit: int = 3) -> tuple[Citation, ...]:
    """The first ``limit`` distinct documents among ``sources``, numbered 1..limit."""
    seen: dict[str, Source] = {}
    for source in sources:
        seen.setdefault(source.hit.chunk.doc_id, source)
        if len(seen) == limit:
            break
    return tuple(make_citation(i, s, []) for i, s in enumerate(seen.values(), start=1))
