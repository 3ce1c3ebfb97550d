"""The refusal model's features: asked terms, unit-level coverage, the fitted probability."""

from __future__ import annotations

from assistant.refusal import MODEL, asked_terms, unit_coverage
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


def test_probability_rises_with_every_feature() -> None:
    low = MODEL.probability((0.3, 0.3, 0.84, 0.0, 0.0))
    for i, value in enumerate((0.9, 0.9, 0.9, 1.0)):
        raised = [0.3, 0.3, 0.84, 0.0, 0.0]
        raised[i] = value
        assert MODEL.probability(raised) > low
    assert MODEL.probability((1.0, 1.0, 0.92, 1.0, 0.0)) > MODEL.threshold > low
