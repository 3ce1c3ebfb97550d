"""The refusal model's features: asked terms, unit-level coverage, the fitted probability."""

from __future__ import annotations

from assistant.refusal import FEATURES, asked_terms, stored_model, unit_coverage
from assistant.textunits import term_set
from assistant.types import Chunk


def _chunk(text: str) -> Chunk:
    return Chunk(chunk_id="c", doc_id="d", text=text, position=0, title="Dokument")


def test_a_preamble_is_not_part_of_what_is_asked() -> None:
    plain = asked_terms("Vad är visionen?")
    with_preamble = asked_terms("Jag bor på landet och har två hundar, vad är visionen?")
    assert plain == with_preamble


def test_terms_in_one_sentence_cover_more_than_terms_spread_over_a_chunk() -> None:
    terms = sorted(term_set("simhallen öppettider"))
    weights = dict.fromkeys(terms, 1.0)
    together = unit_coverage(terms, weights, [_chunk("Simhallen har nya öppettider i vår.")])
    spread = unit_coverage(
        terms, weights, [_chunk("Simhallen renoveras. Biblioteket får längre öppettider.")]
    )
    assert together == 1.0 and spread == 0.5


def _features(**values: float) -> tuple[float, ...]:
    return tuple(values[name] for name in FEATURES)


def test_strong_evidence_is_answered_and_weak_evidence_refused() -> None:
    model = stored_model()
    strong = _features(coverage=1.0, unit_coverage=1.0, dense=0.92, focus=1.0, english=0.0,
                       year_missing=0.0)
    weak = _features(coverage=0.3, unit_coverage=0.2, dense=0.83, focus=0.0, english=0.0,
                     year_missing=0.0)
    assert model.probability(strong) > model.threshold > model.probability(weak)


def test_a_year_no_passage_names_lowers_the_probability() -> None:
    model = stored_model()
    named = _features(coverage=0.9, unit_coverage=0.8, dense=0.9, focus=1.0, english=0.0,
                      year_missing=0.0)
    other_year = _features(coverage=0.9, unit_coverage=0.8, dense=0.9, focus=1.0, english=0.0,
                           year_missing=1.0)
    assert model.probability(named) > model.probability(other_year)
