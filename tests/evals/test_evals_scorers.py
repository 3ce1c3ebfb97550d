from __future__ import annotations

from assistant.types import Answer, Chunk, Citation, Hit
from evals.scorers import (
    citation_precision,
    citation_recall,
    cites_reference,
    fact_recall,
    failed_groups,
    passed,
    ranking_scores,
    score_case,
    violations,
)
from evals.testset import Case

CASE = Case(id="c1", question="Vad är visionen?", answerable=True,
            must_include=(("35 000", "35000"), ("2035",)), must_not_include=("kakor",),
            reference_doc_ids=("vision-2035", "vision-och-mal"))


def hit(doc_id: str, n: int = 0) -> Hit:
    chunk = Chunk(chunk_id=f"{doc_id}#{n}", doc_id=doc_id, text="…", position=n, title=doc_id)
    return Hit(chunk=chunk, score=1.0 / (n + 1))


def cite(n: int, doc_id: str) -> Citation:
    return Citation(n=n, doc_id=doc_id, title=doc_id, passage="…", chunk_id=f"{doc_id}#0")


def answer(text: str, cited: tuple[str, ...] = (), retrieved: tuple[str, ...] = (),
           refused: bool = False) -> Answer:
    return Answer(question=CASE.question, text=text, refused=refused,
                  citations=tuple(cite(i, d) for i, d in enumerate(cited, start=1)),
                  retrieved=tuple(hit(d, i) for i, d in enumerate(retrieved)))


def test_groups_match_case_and_whitespace_insensitively() -> None:
    assert passed(CASE, answer("Visionen: 35\u00a0000  invånare år 2035 [1]."))


def test_missing_group_is_reported() -> None:
    assert failed_groups(CASE, answer("35000 invånare")) == [["2035"]]
    assert fact_recall(CASE, answer("35000 invånare")) == 0.5


def test_must_not_include_is_a_violation() -> None:
    result = answer("35 000 år 2035. Vi använder KAKOR.")
    assert violations(CASE, result) == ["kakor"]
    assert not passed(CASE, result)


def test_citation_precision_and_recall() -> None:
    result = answer("…", cited=("vision-2035", "globala-malen", "vision-2035"))
    assert citation_precision(CASE, result) == 0.5
    assert citation_recall(CASE, result) == 0.5
    assert cites_reference(CASE, result) is True


def test_nothing_cited_has_no_precision_and_zero_recall() -> None:
    assert citation_precision(CASE, answer("…")) is None
    assert citation_recall(CASE, answer("…")) == 0.0


def test_ranking_is_deduplicated_by_document() -> None:
    scores = ranking_scores(CASE, answer("", retrieved=("a", "a", "a", "vision-och-mal")))
    assert scores["hit@1"] == 0.0 and scores["hit@3"] == 1.0
    assert scores["mrr@10"] == 0.5


def test_unanswerable_case_has_no_ranking_or_citation_scores() -> None:
    case = Case(id="u", question="Vad kostar det?", answerable=False,
                must_include=(("framgår inte",),), tags=("unanswerable",))
    result = score_case(case, answer("Det framgår inte av dokumenten.", refused=True), 12.0)
    assert result.passed and result.refused
    assert result.ranking == {} and result.cites_reference is None


def test_retrieval_only_result_has_no_pass_verdict() -> None:
    result = score_case(CASE, answer("", retrieved=("vision-2035",)), 3.0, generated=False)
    assert result.passed is None and result.ranking["hit@1"] == 1.0


def test_result_lists_citations_and_retrieved_documents() -> None:
    result = score_case(CASE, answer("35 000 2035", cited=("vision-2035",),
                                     retrieved=("vision-2035",)), 5.0)
    assert result.citations[0] == {"n": 1, "doc_id": "vision-2035", "title": "vision-2035",
                                   "page": None, "heading": "", "passage": "…"}
    assert result.retrieved[0]["chunk_id"] == "vision-2035#0"
