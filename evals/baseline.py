"""The plain-RAG baseline every evaluation reports beside the assistant.

What a tutorial RAG shows: the first chunk of a hybrid search over the same index, printed as
the answer, citing its document, never refusing. It sees the question alone (no history, no
spelling correction). Scored with the same scorers as the assistant, it shows what the
assistant's answering adds; an assistant below it on facts is a regression.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from assistant.citations import make_citation
from assistant.generation import Source
from assistant.settings import Settings
from assistant.types import Answer, Hit
from evals.results import CaseResult
from evals.scorers import score_case
from evals.testset import Case

PLAIN_RAG_LABEL = "Plain RAG (top-1 chunk)"
PLAIN_RAG_MODE = "hybrid"
SEARCH_BATCH = 64
# Answer metrics the report compares; ranking and latency belong to the retriever, not here.
COMPARED = ("all_facts_rate", "answerable_pass_rate", "fact_recall", "pass_rate",
            "must_not_include_violations", "citation_hit_rate", "citation_precision",
            "refusal_accuracy", "false_refusal_rate", "entity_mixing", "answer_words_p50",
            "long_answer_rate")
# "Facts": the assistant must not score below the baseline on these.
FACT_METRICS = ("all_facts_rate", "answerable_pass_rate", "fact_recall")


def top_chunk_answer(question: str, hits: Sequence[Hit]) -> Answer:
    """The first hit's text as the answer, citing that chunk; an empty answer without hits."""
    if not hits:
        return Answer(question=question, text="", generator="plain-rag")
    first = hits[0]
    return Answer(question=question, text=first.chunk.text,
                  citations=(make_citation(1, Source(1, first), []),),
                  retrieved=(first,), generator="plain-rag")


def run_plain_rag(
    cases: Sequence[Case],
    settings: Settings,
    *,
    publishers: Mapping[str, str | None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[CaseResult]:
    """Score the plain-RAG answer of every case (query embeddings in batches)."""
    from assistant.retrieval import Retriever

    retriever = Retriever.from_settings(settings)
    results: list[CaseResult] = []
    for start in range(0, len(cases), SEARCH_BATCH):
        batch = cases[start : start + SEARCH_BATCH]
        began = time.perf_counter()
        found = retriever.search_many([c.question for c in batch], k=1, mode=PLAIN_RAG_MODE)
        per_case_ms = (time.perf_counter() - began) * 1000 / len(batch)
        for case, hits in zip(batch, found, strict=True):
            answer = top_chunk_answer(case.question, hits)
            results.append(score_case(case, answer, per_case_ms, publishers=publishers))
        if progress:
            progress(len(results), len(cases))
    return results


def regressions(assistant: Mapping[str, Any], plain_rag: Mapping[str, Any]) -> list[str]:
    """The fact metrics on which the assistant scores below the plain-RAG baseline."""
    return [
        key for key in FACT_METRICS
        if assistant.get(key) is not None and plain_rag.get(key) is not None
        and assistant[key] < plain_rag[key] - 1e-9
    ]


def comparison(assistant: Mapping[str, Any], plain_rag: Mapping[str, Any]) -> dict[str, Any]:
    """The baseline's figures for the summary: its metrics, the differences and regressions."""
    difference = {
        key: assistant[key] - plain_rag[key]
        for key in COMPARED
        if assistant.get(key) is not None and plain_rag.get(key) is not None
    }
    return {"label": PLAIN_RAG_LABEL, "mode": PLAIN_RAG_MODE, "overall": dict(plain_rag),
            "difference": difference, "regressions": regressions(assistant, plain_rag)}
