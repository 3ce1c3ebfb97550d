"""The plain-RAG baseline, the entity-mixing and answer-length metrics, and how they are shown."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.types import Answer, Chunk, Citation, Hit
from evals.baseline import PLAIN_RAG_LABEL, comparison, regressions, top_chunk_answer
from evals.gates import GateError, check_gains, metric_table, parse_bar
from evals.metrics import aggregate, summarize
from evals.report import render_html, render_markdown
from evals.results import CaseResult
from evals.scorers import answer_words, entity_mixing, score_case
from evals.testset import parse_case

PUBLISHERS = {"norrvik-vision": "Norrvik kommun", "norrvik-budget": "Norrvik kommun",
              "asbacka-vision": "Åsbacka kommun", "ljungby-fixture": None}


def hit(doc_id: str, text: str = "Text.") -> Hit:
    return Hit(chunk=Chunk(chunk_id=f"{doc_id}#0", doc_id=doc_id, text=text, position=0,
                           title=doc_id), score=1.0)


def cited(*doc_ids: str, refused: bool = False) -> Answer:
    citations = tuple(Citation(n=n, doc_id=d, title=d, passage="p", chunk_id=f"{d}#0")
                      for n, d in enumerate(doc_ids, start=1))
    return Answer(question="q", text="svar [1]", citations=citations, refused=refused)


def norrvik_case(*refs: str, answerable: bool = True) -> Any:
    return parse_case({"id": "n", "question": "q", "answerable": answerable,
                       "reference_doc_ids": list(refs or ["norrvik-vision"])})


def test_the_plain_rag_answer_is_the_first_chunk_citing_its_document() -> None:
    answer = top_chunk_answer("Vad?", [hit("a", "Första stycket."), hit("b", "Andra.")])
    assert answer.text == "Första stycket." and not answer.refused
    assert [c.doc_id for c in answer.citations] == ["a"]
    assert answer.citations[0].passage == "Första stycket."
    empty = top_chunk_answer("Vad?", [])
    assert empty.text == "" and not empty.refused and not empty.citations


def test_citing_another_publishers_document_is_entity_mixing() -> None:
    case = norrvik_case()
    assert entity_mixing(case, cited("norrvik-vision", "norrvik-budget"), PUBLISHERS) is False
    assert entity_mixing(case, cited("norrvik-vision", "asbacka-vision"), PUBLISHERS) is True
    assert entity_mixing(case, cited("asbacka-vision"), PUBLISHERS) is True


def test_a_comparison_may_cite_both_of_its_reference_publishers() -> None:
    case = norrvik_case("norrvik-vision", "asbacka-vision")
    assert entity_mixing(case, cited("norrvik-vision", "asbacka-vision"), PUBLISHERS) is False


def test_entity_mixing_is_not_judged_without_publishers_or_answers() -> None:
    assert entity_mixing(norrvik_case("ljungby-fixture"), cited("asbacka-vision"),
                         PUBLISHERS) is None
    assert entity_mixing(norrvik_case(answerable=False), cited("asbacka-vision"),
                         PUBLISHERS) is None
    assert entity_mixing(norrvik_case(), cited("asbacka-vision", refused=True),
                         PUBLISHERS) is False
    # documents without a publisher cannot be judged, so they do not count as mixing
    assert entity_mixing(norrvik_case(), cited("norrvik-vision", "ljungby-fixture"),
                         PUBLISHERS) is False


def test_answer_words_skip_citation_markers_and_punctuation() -> None:
    assert answer_words("Visionen är 35 000 invånare år 2035 [1][2]. Se 2.3 [1, 2]") == 9
    assert answer_words("") == 0


def result(case_id: str, words: int, *, refused: bool = False, mixing: bool | None = None,
           passed: bool = True) -> CaseResult:
    return CaseResult(id=case_id, question="q", persona="resident", answerable=True,
                      answer="x " * words, refused=refused, citations=[], retrieved=[],
                      passed=passed, failed_groups=[], latency_ms=1.0, fact_recall=1.0,
                      answer_words=words, entity_mixing=mixing)


def test_length_is_measured_on_answers_given_and_mixing_is_counted() -> None:
    rows = [result("a", 40, mixing=True), result("b", 60, mixing=False),
            result("c", 200, mixing=None), result("d", 5, refused=True, mixing=False)]
    overall = aggregate(rows)
    assert overall["answer_words_p50"] == 60
    assert overall["long_answer_rate"] == 1 / 3
    assert overall["entity_mixing"] == 1 and overall["entity_judged_cases"] == 3


def test_score_case_records_words_and_mixing_only_with_publishers() -> None:
    case = norrvik_case()
    answer = cited("asbacka-vision")
    assert score_case(case, answer, 1.0, publishers=PUBLISHERS).entity_mixing is True
    scored = score_case(case, answer, 1.0)
    assert scored.entity_mixing is None and scored.answer_words == 1


def test_all_facts_rate_counts_answers_with_every_group() -> None:
    rows = [result("a", 10), result("b", 10, passed=False)]
    missing = CaseResult(**{**rows[1].to_dict(), "failed_groups": [["2035"]]})
    assert aggregate([rows[0], missing])["all_facts_rate"] == 0.5
    # a forbidden string fails the case, but every fact is still there
    overall = aggregate(rows)
    assert overall["all_facts_rate"] == 1.0 and overall["answerable_pass_rate"] == 0.5


def test_below_the_baseline_on_facts_is_a_regression() -> None:
    assert regressions({"answerable_pass_rate": 0.5, "fact_recall": 0.9},
                       {"answerable_pass_rate": 0.6, "fact_recall": 0.8}) == [
                           "answerable_pass_rate"]
    assert regressions({"answerable_pass_rate": 0.6}, {"answerable_pass_rate": 0.6}) == []


def summary_with_baseline(assistant_pass: float) -> tuple[dict[str, Any], list[CaseResult]]:
    rows = [result("a", 40, passed=assistant_pass >= 1.0), result("b", 60)]
    plain = [result("a", 300), result("b", 300, passed=assistant_pass < 1.0)]
    metrics = summarize(rows)
    per_split = {"tune": {"assistant": aggregate(rows[:1]), "plain_rag": aggregate(plain[:1])},
                 "test": {"assistant": aggregate(rows[1:]), "plain_rag": aggregate(plain[1:])}}
    summary = {"mode": "full", "created": "2026-01-01T00:00:00+00:00", "testset": "evals/data",
               "settings": {"embedder": "fake"}, "elapsed_s": 1.0, "model_judged": [],
               "split": "all", "per_split": per_split, **metrics,
               "plain_rag": comparison(metrics["overall"], aggregate(plain))}  # type: ignore[arg-type]
    return summary, rows


def test_reports_show_the_baseline_beside_the_assistant() -> None:
    summary, rows = summary_with_baseline(1.0)
    md = render_markdown(summary, rows)
    assert f"| Mått | Assistenten | {PLAIN_RAG_LABEL} | Skillnad |" in md
    assert "| Godkända besvarbara fall | 100.0% | 50.0% | +50.0 %-enheter ▲ |" in md
    assert "| Svarslängd, median (ord) | 50 ord | 300 ord | -250 ord ▲ |" in md
    assert "ligger inte under" in md
    html = render_html(summary, rows)
    assert PLAIN_RAG_LABEL in html and "+50.0 %-enheter ▲" in html


def test_reports_flag_an_assistant_below_the_baseline() -> None:
    summary, rows = summary_with_baseline(0.0)
    assert summary["plain_rag"]["regressions"] == ["answerable_pass_rate"]
    assert "**Regression: assistenten ligger under Plain RAG (top-1 chunk) på godkända " \
           "besvarbara fall.**" in render_markdown(summary, rows)
    assert "| Besvarbara fall med alla fakta | 100.0% | 100.0% | +0.0 %-enheter |" in \
        render_markdown(summary, rows)
    assert '<p class="bad">Regression:' in render_html(summary, rows)


def test_reports_put_tune_beside_test() -> None:
    summary, rows = summary_with_baseline(1.0)
    md = render_markdown(summary, rows)
    assert "| Mått | tune | test | tune, plain RAG | test, plain RAG |" in md
    assert "| Fall | 1 | 1 | 1 | 1 |" in md
    assert "| Svarstid p50 | 1 ms | 1 ms | – | – |" in md  # the baseline's ranking is one chunk
    assert "<h2>Per delning</h2>" in render_html(summary, rows)


def test_terminal_table_has_a_plain_rag_column_with_the_difference() -> None:
    table = metric_table({"fact_recall": 0.9, "hit@5": 1.0}, plain_rag={"fact_recall": 0.6})
    header, _rule, *rows = table.splitlines()
    assert header.split() == ["metrik", "värde", "plain", "RAG", "skillnad"]
    assert any(r.split()[:4] == ["fact_recall", "0.900", "0.600", "+0.300"] for r in rows)


def test_terminal_table_shows_count_differences_as_whole_numbers() -> None:
    table = metric_table({"entity_mixing": 3}, plain_rag={"entity_mixing": 1})
    row = next(r for r in table.splitlines() if r.startswith("entity_mixing"))
    assert row.split() == ["entity_mixing", "3", "1", "+2", "▼"]


def test_min_gain_fails_when_the_assistant_is_not_far_enough_above_plain_rag() -> None:
    summary, _rows = summary_with_baseline(1.0)  # all_facts 1.0 vs 1.0, pass 1.0 vs 0.5
    bars = [parse_bar("answerable_pass_rate=0.25", "--min-gain"),
            parse_bar("all_facts_rate=0.25", "--min-gain"),
            parse_bar("answer_words_p50=100", "--min-gain")]  # lower is better: 300 -> 50
    assert check_gains(summary, bars) == [
        "all_facts_rate: +0 mot plain RAG, kravet är minst +0.25"]
    assert "ingen jämförelse" in check_gains({"overall": {}}, bars[:1])[0]


@pytest.mark.parametrize("text", ["fact_recall=nan", "fact_recall=inf"])
def test_a_bar_must_be_a_finite_number_and_names_its_option(text: str) -> None:
    with pytest.raises(GateError, match=r"^--min-gain .* inte ett ändligt tal"):
        parse_bar(text, "--min-gain")
