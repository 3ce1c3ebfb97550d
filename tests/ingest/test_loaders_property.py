"""Property: whatever the format, a non-empty document yields chunks that hold all its words.

Hypothesis writes documents of sections (an optional heading, then paragraphs of Swedish-letter
words) as .txt, .md, .html, .docx and .pdf files, loads each with ``load_document`` and chunks
it with ``chunk_document``. Every word written must be found in the chunks; a document with no
chunk at all is the bug this guards against (a one-paragraph text file once became a title with
nothing under it).
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.chunking import chunk_document
from ingest.loaders import LOADERS, load_document

Section = tuple[str | None, list[str]]  # heading (or none), paragraphs

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäö", min_size=1, max_size=12)


def _words(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.lists(WORD, min_size=min_size, max_size=max_size).map(" ".join)


SECTIONS = st.lists(
    st.tuples(st.none() | _words(1, 6), st.lists(_words(1, 30), min_size=1, max_size=3)),
    min_size=1,
    max_size=3,
)


def _write_txt(path: Path, sections: list[Section]) -> None:
    groups = [g for heading, paragraphs in sections for g in ([heading] if heading else [])
              + paragraphs]
    path.write_text("\n\n".join(groups) + "\n", encoding="utf-8")


def _write_md(path: Path, sections: list[Section]) -> None:
    parts = [p for heading, paragraphs in sections
             for p in ([f"## {heading}"] if heading else []) + paragraphs]
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def _write_html(path: Path, sections: list[Section]) -> None:
    body = "".join(
        (f"<h2>{html.escape(heading)}</h2>" if heading else "")
        + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
        for heading, paragraphs in sections
    )
    path.write_text(f"<!DOCTYPE html><html lang=\"sv\"><body><main>{body}</main></body></html>",
                    encoding="utf-8")


def _write_docx(path: Path, sections: list[Section]) -> None:
    import docx

    document = docx.Document()
    for heading, paragraphs in sections:
        if heading:
            document.add_heading(heading, level=2)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())


def _write_pdf(path: Path, sections: list[Section]) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    for heading, paragraphs in sections:
        if heading:
            pdf.set_font("helvetica", "B", 16)
            pdf.multi_cell(0, 9, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", "", 11)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
    path.write_bytes(bytes(pdf.output()))


WRITERS: dict[str, Callable[[Path, list[Section]], None]] = {
    ".txt": _write_txt,
    ".md": _write_md,
    ".html": _write_html,
    ".docx": _write_docx,
    ".pdf": _write_pdf,
}


def test_every_loader_format_is_covered() -> None:
    """A new loader format must be added to this property test."""
    aliases = {".htm": ".html", ".markdown": ".md"}
    assert {aliases.get(suffix, suffix) for suffix in LOADERS} == set(WRITERS)


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_every_word_of_a_document_lands_in_a_chunk(suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"dokument{suffix}"

    @settings(max_examples=15, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(SECTIONS)
    def check(sections: list[Section]) -> None:
        WRITERS[suffix](path, sections)
        written = " ".join(f"{h or ''} {' '.join(ps)}" for h, ps in sections)
        chunks = chunk_document(load_document(path))
        assert chunks, f"no chunk from {path.name}"
        found = set(re.findall(r"\w+", " ".join(c.text for c in chunks).lower()))
        assert set(re.findall(r"\w+", written)) <= found

    check()


def test_one_paragraph_text_file_is_body_text_not_a_title(tmp_path: Path) -> None:
    path = tmp_path / "svar.txt"
    text = "Lagstadgad handläggningstid är 10 veckor, med möjlig förlängning till 20 veckor."
    path.write_text(text + "\n", encoding="utf-8")
    [chunk] = chunk_document(load_document(path))
    assert chunk.text == text


@pytest.mark.parametrize(("text", "title"), [
    ("Rubrik\n\nText här.\n", "Rubrik"),
    ("Kort mening utan rubrik.\n\nText här.\n", "fil"),  # sentence punctuation: not a title
    ("Rubrik\nText direkt under.\n", "fil"),  # no blank line after it: a paragraph
    ("- punkt ett\n\nText här.\n", "fil"),  # a list item is never a title
])
def test_text_first_line_is_a_title_only_when_it_looks_like_one(
    tmp_path: Path, text: str, title: str
) -> None:
    path = tmp_path / "fil.txt"
    path.write_text(text, encoding="utf-8")
    doc = load_document(path)
    assert doc.title == title
    assert set(re.findall(r"\w+", text)) <= set(re.findall(r"\w+", doc.text))
