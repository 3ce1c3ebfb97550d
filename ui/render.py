"""Turn answers, citations and documents into safe Markdown/HTML for the UI.

Everything that comes from a user or a document is escaped here, so it is shown as text and never
runs as HTML or script: ``md_text`` for the chat (Markdown) and ``html_text`` for HTML panels.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from urllib.parse import quote

from assistant.citations import interpretation_note, live_link, source_label
from assistant.types import Answer, Citation

REFUSAL_HEADING = "Det framgår inte av dokumenten"

# Markdown syntax characters (CommonMark lets a backslash escape any ASCII punctuation).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:=^\"'])")
_MARKER = re.compile(r"\\\[(\d{1,3})\\\]")
# Entities also for $ { } so that no template syntax survives into an HTML component.
_HTML_EXTRA = str.maketrans({"$": "&#36;", "{": "&#123;", "}": "&#125;", "`": "&#96;"})


def html_text(text: object) -> str:
    """``text`` as inert HTML text."""
    return html.escape(str(text), quote=True).translate(_HTML_EXTRA)


def md_text(text: str) -> str:
    """``text`` as Markdown that renders exactly as written: no markup, links or HTML."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def document_link(
    doc_id: str, page: int | None = None, *, source: str = "", url: str | None = None
) -> str:
    """Where a source opens (PDFs at ``page``): the live page for a document fetched from the
    web (its ``source`` is a URL), else the file as served by the app."""
    live = live_link(url, page) if source.startswith(("http://", "https://")) else None
    if live:
        return live
    link = f"documents/{quote(doc_id, safe='')}"
    return f"{link}#page={int(page)}" if page else link


def validity(valid_from: date | None, valid_to: date | None) -> str:
    if valid_from and valid_to:
        return f"Giltigt {valid_from.isoformat()} – {valid_to.isoformat()}"
    if valid_from:
        return f"Giltigt från {valid_from.isoformat()}"
    if valid_to:
        return f"Giltigt till {valid_to.isoformat()}"
    return "Giltighetstid anges inte"


def chat_question(question: str) -> str:
    return md_text(question)


def chat_streaming(text: str) -> str:
    return _bold_markers(md_text(text)) + " ▍"


def chat_answer(answer: Answer) -> str:
    """Markdown for an answer in the chat: text with ``[n]`` markers and a numbered source list.

    A refusal is a block quote (styled as a notice box by the app's CSS): nothing else in the
    chat can produce one, because all other text is escaped.
    """
    note = interpretation_note(answer)
    lead = f"*{md_text(note)}*\n\n" if note else ""
    return lead + _answer_body(answer)


def refusal_heading(text: str) -> tuple[str, str]:
    """(the refusal's first sentence without its period, the rest of ``text``). A sentence
    that names what is missing ("Det framgår inte av dokumenten hur hög skatten är.") stays
    whole: cut after "dokumenten" it would leave "hur hög skatten är." standing alone."""
    text = text.strip()
    if not text.lower().startswith(REFUSAL_HEADING.lower()):
        return REFUSAL_HEADING, text
    after = text[len(REFUSAL_HEADING):]
    if after.startswith(" ") and after[1:2].islower():
        end = after.find(". ")
        end = len(after.rstrip(".")) if end < 0 else end
        return REFUSAL_HEADING + after[:end], after[end + 1 :].strip()
    return REFUSAL_HEADING, after.lstrip(" .")


def _answer_body(answer: Answer) -> str:
    if answer.refused:
        heading, rest = refusal_heading(answer.text)
        lines = [f"> **⚠ {md_text(heading)}.**"]
        lines += [f"> {md_text(line)}" for line in rest.splitlines() if line.strip()]
        related = ", ".join(md_text(title) for title, _ in related_documents(answer))
        if related and not answer.citations:
            lines += [">", f"> **Närliggande dokument:** {related}"]
        return "\n".join(lines)
    body = _bold_markers(md_text(answer.text))
    if not answer.citations:
        return body
    sources = [f"**[{c.n}]** {md_text(source_label(c))}" for c in answer.citations]
    return body + "\n\n**Källor:**\n" + "\n".join(sources)


def chat_error(message: str) -> str:
    return f"> **⚠ Något gick fel**\n>\n> {md_text(message)}"


def _bold_markers(escaped: str) -> str:
    return _MARKER.sub(r"**[\1]**", escaped)


def related_documents(answer: Answer, limit: int = 3) -> list[tuple[str, str]]:
    """(title, doc_id) of the closest documents found for a question, best first."""
    seen: dict[str, str] = {}
    for hit in answer.retrieved:
        seen.setdefault(hit.chunk.doc_id, hit.chunk.title)
    for c in answer.citations:
        seen.setdefault(c.doc_id, c.title)
    return [(title, doc_id) for doc_id, title in list(seen.items())[:limit]]


def sources_html(answer: Answer | None) -> str:
    """The sources panel: each cited passage with title, heading, page, dates and a link."""
    if answer is None:
        return (
            '<div class="sd-sources sd-empty"><h2 class="sd-h2">Källor</h2>'
            "<p>Här visas de textavsnitt som svaret bygger på, med länk till dokumentet.</p></div>"
        )
    if answer.refused:
        return _refusal_html(answer)
    if not answer.citations:
        return '<div class="sd-sources"><h2 class="sd-h2">Källor</h2><p>Inga källor.</p></div>'
    cards = "".join(_citation_card(c) for c in answer.citations)
    return (
        '<div class="sd-sources"><h2 class="sd-h2">Källor till svaret</h2>'
        f'<ol class="sd-list">{cards}</ol></div>'
    )


def _refusal_html(answer: Answer) -> str:
    """A notice box, then the closest passages (or documents) so the user can read on."""
    if answer.citations:
        cards = "".join(_citation_card(c) for c in answer.citations)
        related = (
            f'<h3 class="sd-h3">Närmast relaterade avsnitt</h3><ol class="sd-list">{cards}</ol>'
        )
    else:
        origins = {h.chunk.doc_id: (h.chunk.source, h.chunk.url) for h in answer.retrieved}
        items = "".join(
            f'<li><a href="{html_text(_doc_link(doc_id, origins))}" target="_blank" '
            'rel="noopener">'
            f'{html_text(title)}<span class="sd-sr"> (öppnas i ny flik)</span></a></li>'
            for title, doc_id in related_documents(answer)
        )
        related = (
            f'<h3 class="sd-h3">Närliggande dokument</h3><ul class="sd-related">{items}</ul>'
            if items else ""
        )
    return (
        '<div class="sd-sources"><div class="sd-refusal" role="note">'
        f'<h2 class="sd-h2">⚠ {REFUSAL_HEADING}</h2>'
        "<p>Assistenten svarar bara utifrån de inlästa dokumenten och hittade inget svar på "
        "frågan där. Kontakta kommunen om du inte hittar det du söker.</p></div>"
        f"{related}</div>"
    )


def _doc_link(doc_id: str, origins: dict[str, tuple[str, str | None]]) -> str:
    source, url = origins.get(doc_id, ("", None))
    return document_link(doc_id, source=source, url=url)


def _citation_card(c: Citation) -> str:
    meta = []
    if c.heading:
        meta.append(f"Avsnitt: {html_text(c.heading)}")
    if c.page:
        meta.append(f"Sida {int(c.page)}")
    meta.append(html_text(validity(c.valid_from, c.valid_to)))
    badge = (
        ' <span class="sd-badge">Ersatt av nyare dokument</span>' if c.superseded else ""
    )
    page_text = f" på sidan {int(c.page)}" if c.page else ""
    return (
        f'<li class="sd-card" id="kalla-{int(c.n)}">'
        f'<div class="sd-card-head"><span class="sd-n" aria-hidden="true">[{int(c.n)}]</span> '
        f'<span class="sd-sr">Källa {int(c.n)}: </span>'
        f'<strong class="sd-title">{html_text(c.title)}</strong>{badge}</div>'
        f'<div class="sd-meta">{" · ".join(meta)}</div>'
        # Focusable: a long passage scrolls, and keyboard users must be able to scroll it too.
        f'<blockquote class="sd-passage" tabindex="0">{html_text(c.passage)}</blockquote>'
        f'<a class="sd-open" '
        f'href="{html_text(document_link(c.doc_id, c.page, source=c.source, url=c.url))}" '
        f'target="_blank" rel="noopener">Öppna dokumentet{page_text}'
        '<span class="sd-sr"> (öppnas i ny flik)</span></a></li>'
    )


def _dates(record: Any) -> str:
    """"giltigt … – …, inläst …", leaving out what is not known."""
    parts = []
    if record.valid_from or record.valid_to:
        parts.append(validity(record.valid_from, record.valid_to).lower())
    if record.ingested_at:
        parts.append(f"inläst {str(record.ingested_at)[:10]}")
    return ", ".join(parts) or "datum anges inte"


def intro_html(documents: Iterable[Any]) -> str:
    """What the assistant knows: the indexed documents (DocRecord-like) with their dates."""
    records = sorted(documents, key=lambda r: str(r.title).lower())
    rows = "".join(
        f'<li><a href="{html_text(document_link(r.doc_id, source=r.source, url=r.url))}" '
        'target="_blank" rel="noopener">'
        f"{html_text(r.title)}</a> <span class=\"sd-dates\">({html_text(_dates(r))})</span></li>"
        for r in records
    )
    listing = f'<ul class="sd-doclist">{rows}</ul>' if rows else (
        "<p>Inga dokument är inlästa ännu.</p>"
    )
    return (
        '<div class="sd-intro">'
        "<p>Ställ en fråga om Ljungby kommuns styrdokument – vision, mål, planer och "
        "riktlinjer. Assistenten svarar <strong>bara utifrån dokumenten nedan</strong> och visar "
        "alltid varifrån svaret kommer. Står svaret inte i dokumenten säger den det.</p>"
        f'<details class="sd-docs"><summary>Dokument som assistenten känner till '
        f"({len(records)} st)</summary>{listing}</details></div>"
    )


def table_html(headers: Sequence[str], rows: Iterable[Sequence[object]], caption: str) -> str:
    """A plain, escaped HTML table (admin lists)."""
    head = "".join(f'<th scope="col">{html_text(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html_text(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return (
        f'<div class="sd-table-wrap"><table class="sd-table"><caption>{html_text(caption)}'
        f"</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def citation_dicts(citations: Sequence[Citation]) -> list[dict[str, Any]]:
    """Citations as plain JSON-able dicts (for the feedback store)."""
    return [
        {"n": c.n, "doc_id": c.doc_id, "title": c.title, "heading": c.heading, "page": c.page,
         "chunk_id": c.chunk_id, "passage": c.passage}
        for c in citations
    ]
