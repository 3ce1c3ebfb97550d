"""The report: suggestions cite passages, flags, coverage, and the HTML page."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.alignment import AlignmentReport, align_document, load_taxonomy
from assistant.retrieval import Retriever
from assistant.settings import Settings
from ingest.loaders import load_document
from ui.align_report import colour, contrast, render_report


@pytest.fixture(scope="module")
def pdf_report(built_index: Settings, fixture_corpus: Path) -> AlignmentReport:
    retriever = Retriever.from_settings(built_index)
    document = load_document(fixture_corpus / "verksamhetsplan-2026-kultur-fritid.pdf")
    return align_document(document, load_taxonomy(), retriever.embedder, retriever)


@pytest.mark.slow
def test_align_suggestions_cite_other_documents(pdf_report: AlignmentReport) -> None:
    for item in pdf_report.activities:
        top = item.top("visionsmal")
        assert top is not None and top.passage is not None
        assert top.passage.doc_id not in {"verksamhetsplan-2026-kultur-fritid",
                                          "namndplan-2026-barn-utbildning"}
        assert top.passage.text and top.passage.title
        shares = [s.score for s in item.ranked("visionsmal")]
        assert abs(sum(shares) - 1) < 1e-3 and shares == sorted(shares, reverse=True)


@pytest.mark.slow
def test_align_coverage_counts_declaring_activities(pdf_report: AlignmentReport) -> None:
    by_goal = {c.goal_id: c for c in pdf_report.coverage}
    assert by_goal["rikt-liv"].declared == ("Aktivitet 6", "Aktivitet 7", "Aktivitet 8")
    assert by_goal["naringsliv"].declared == ("Aktivitet 2",)
    assert by_goal["naringsliv"].level == "få"
    assert [f.target for _, f in by_goal["naringsliv"].key_figures] == ["15 företag"]


@pytest.mark.slow
def test_align_flags_activity_without_declared_link(pdf_report: AlignmentReport) -> None:
    item = pdf_report.activities[1]
    bare = replace(item.activity, declarations=())
    from assistant.alignment.report import NO_DECLARED, flag_activity

    flags = flag_activity(bare, item.suggestions, pdf_report.taxonomy, {"visionsmal"})
    assert NO_DECLARED in {f.code for f in flags}


@pytest.mark.slow
def test_align_html_has_table_heatmap_and_escapes(pdf_report: AlignmentReport) -> None:
    first = pdf_report.activities[0]
    evil = replace(first, activity=replace(first.activity, title="<script>alert(1)</script>"))
    report = replace(pdf_report, activities=(evil, *pdf_report.activities[1:]))
    html = render_report(report)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<table class='acts'>" in html and "<table class='heat'>" in html
    assert html.count("<td class='cell'") == 8 * len(report.taxonomy.goals)
    assert "Näringsliv" in html and "15 företag" in html
    assert re.search(r"background:#[0-9a-f]{6}", html)


def test_heatmap_text_meets_wcag_aa_contrast_on_every_shade() -> None:
    """Every cell's text keeps 4.5:1 against its shade (axe found 3.2:1 on mid blues)."""
    def rgb(hex_colour: str) -> tuple[int, ...]:
        return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))

    ratios = [contrast(*(rgb(c) for c in colour(v / 100))) for v in range(101)]
    assert min(ratios) >= 4.5
    assert contrast((255, 255, 255), (0, 0, 0)) == pytest.approx(21)
    assert contrast((0x4D, 0x96, 0xC9), (255, 255, 255)) == pytest.approx(3.22, abs=0.01)
