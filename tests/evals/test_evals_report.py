from __future__ import annotations

from evals.metrics import summarize
from evals.report import render_html, render_markdown
from evals.results import CaseResult


def results() -> list[CaseResult]:
    bad = CaseResult(id="c<1>", question="Vad <b>gäller</b>?", persona="staff", answerable=True,
                     answer="Svar med <script>alert(1)</script>", refused=False, citations=[],
                     retrieved=[{"doc_id": "doc-a", "chunk_id": "doc-a#0", "score": 1.0}],
                     passed=False, failed_groups=[["2035"]], latency_ms=120.0,
                     must_include=[["35 000"], ["2035"]], reference_doc_ids=["doc-b"],
                     ranking={"hit@1": 0.0, "hit@5": 0.0}, fact_recall=0.5)
    good = CaseResult(id="c2", question="Bra?", persona="resident", answerable=True, answer="ja",
                      refused=False, citations=[], retrieved=[], passed=True, failed_groups=[],
                      latency_ms=80.0, ranking={"hit@1": 1.0, "hit@5": 1.0}, fact_recall=1.0)
    return [bad, good]


def summary() -> dict:
    return {"mode": "full", "created": "2026-01-01T00:00:00+00:00", "testset": "t.jsonl",
            "settings": {"embedder": "fake"}, "elapsed_s": 1.0, "model_judged": [],
            **summarize(results())}


def test_html_escapes_case_text_and_has_charts() -> None:
    html = render_html(summary(), results())
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert html.count("<svg") == 2
    assert "Misslyckade fall (1)" in html and "Sammanfattning" in html


def test_markdown_lists_failed_case_with_expected_facts() -> None:
    md = render_markdown(summary(), results())
    assert "## Misslyckade fall (1)" in md
    assert "✓ 35 000, ✗ 2035" in md
    assert "- **Hämtade dokument (i ordning):** doc-a" in md
