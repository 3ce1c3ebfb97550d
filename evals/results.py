"""One case's measured result: what the scorers produce and the metrics aggregate.

Its own module so that ``evals.scorers`` (which builds results) and ``evals.metrics`` (which
aggregates them, and whose ranking math the scorers use) both import it and not each other.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CaseResult:
    """Everything measured for one case; one line of results.jsonl."""

    id: str
    question: str
    persona: str
    answerable: bool
    answer: str
    refused: bool | None
    citations: list[dict[str, Any]]
    retrieved: list[dict[str, Any]]
    passed: bool | None
    failed_groups: list[list[str]]
    latency_ms: float | None
    tags: list[str] = field(default_factory=list)
    reference_doc_ids: list[str] = field(default_factory=list)
    must_include: list[list[str]] = field(default_factory=list)
    must_not_include: list[str] = field(default_factory=list)
    reference_answer: str = ""
    fact_recall: float | None = None
    violations: list[str] = field(default_factory=list)
    ranking: dict[str, float] = field(default_factory=dict)
    citation_precision: float | None = None
    citation_recall: float | None = None
    cites_reference: bool | None = None
    faithfulness: float | None = None
    error: str | None = None
    history: list[str] = field(default_factory=list)
    answer_words: int | None = None
    entity_mixing: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CaseResult:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})
