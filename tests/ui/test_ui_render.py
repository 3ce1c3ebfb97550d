"""Escaping: questions, answers and document text render as text, never as HTML."""

from __future__ import annotations

from datetime import date

from markdown_it import MarkdownIt

from assistant.types import Answer, Chunk, Citation, Hit
from ui import render

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3)) **b**'


def _md(text: str) -> str:
    return MarkdownIt("commonmark").render(text)


def _citation(passage: str = "Text", **kw: object) -> Citation:
    base = {"n": 1, "doc_id": "vision-2035", "title": "Vision 2035", "passage": passage,
            "chunk_id": "c1", "heading": "Mål", "page": 3,
            "valid_from": date(2026, 1, 1), "valid_to": date(2026, 12, 31)}
    base.update(kw)
    return Citation(**base)  # type: ignore[arg-type]


def test_markdown_escaping_shows_markup_literally() -> None:
    html = _md(render.md_text(EVIL))
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<strong>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_escaping_neutralises_tags_and_template_syntax() -> None:
    out = render.html_text(EVIL + " ${alert(4)} {{value}}")
    assert "<" not in out and ">" not in out and "${" not in out and "{{" not in out


def test_answer_keeps_numbered_markers_and_lists_sources() -> None:
    answer = Answer(question="q", text="Visionen <b>gäller</b> [1].", citations=(_citation(),))
    html = _md(render.chat_answer(answer))
    assert "<strong>[1]</strong>" in html
    assert "&lt;b&gt;gäller&lt;/b&gt;" in html
    assert "Källor:" in html and "Vision 2035 – Mål, s. 3" in html


def test_refusal_is_a_distinct_notice_with_related_documents() -> None:
    chunk = Chunk(chunk_id="c9", doc_id="sagobygden", text="t", position=0, title="Sagobygden")
    answer = Answer(question="q", text="Det framgår inte av dokumenten.", refused=True,
                    retrieved=(Hit(chunk=chunk, score=0.1),))
    assert _md(render.chat_answer(answer)).startswith("<blockquote>")
    panel = render.sources_html(answer)
    assert 'class="sd-refusal"' in panel and "Det framgår inte av dokumenten" in panel
    assert 'href="documents/sagobygden"' in panel


def test_sources_panel_shows_title_heading_page_dates_and_link() -> None:
    panel = render.sources_html(Answer(question="q", text="t [1]", citations=(_citation(EVIL),)))
    assert "Vision 2035" in panel and "Avsnitt: Mål" in panel and "Sida 3" in panel
    assert "Giltigt 2026-01-01 – 2026-12-31" in panel
    assert 'href="documents/vision-2035#page=3"' in panel
    assert "<script" not in panel and "<img" not in panel and "&lt;script&gt;" in panel


def test_document_links_quote_the_id() -> None:
    assert render.document_link("a/../b c") == "documents/a%2F..%2Fb%20c"


def test_a_corrected_question_is_shown_above_the_answer() -> None:
    answer = Answer(question="vad betyder visonen", text="Visionen <i>är</i> [1].",
                    citations=(_citation(),), standalone_question="vad betyder visionen")
    html = _md(render.chat_answer(answer))
    assert html.startswith("<p><em>Tolkad som: ”vad betyder visionen”</em></p>")
    english = Answer(question="What does the visoin mean?", text="The vision [1].",
                     citations=(_citation(),), standalone_question="What does the vision mean?")
    assert "Interpreted as: ”What does the vision mean?”" in _md(render.chat_answer(english))
