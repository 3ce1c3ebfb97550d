"""The assistant on the held-out ``test`` split of the evaluation collection, beside the plain RAG.

A regression gate, not the quality target: the floors sit a little below what the assistant
measured on ``test`` when they were set (README, "Evaluation"), and the figures the issue asks
for (all facts ≥ 0.85, refusals ≥ 0.90) are reported there, not asserted here. Nothing in the
assistant is chosen on ``test``; these tests only read it. The 30 shared cases are part of the
collection and split like the others.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.settings import Settings
from evals.runner import run_collection

# Floors for the `test` split (measured 2026-11-27, after round 4 of the answerer: all facts
# 0.705, plain RAG 0.518, refused 0.895 (17 of 19), reference cited 0.955, 0 forbidden strings,
# 0 answers mixing entities, median 68 words; after round 7: all facts 0.688, refused 0.947,
# reference cited 0.929 (104 of 112), median 62 words; after round 8, on 444 cases: all facts
# 0.693 (104 of 150), refused 0.833 (25 of 30), reference cited 0.947). Rounds 8 and 9 added
# harder cases each time, so the figures are not comparable across rounds. Round 9 (603 cases;
# test: 195 answerable, 47 unanswerable): all facts 0.636 (124 of 195; round 8's code on the
# same cases 0.610), refused 0.787 (37 of 47; round 8's code 0.830), reference cited 0.938,
# 2 forbidden strings (round 8's code 1: the new cases have distractors), 0 answers mixing
# entities, median 63 words, plain RAG 0.487; docs/evals.md. Round 10 (same 603 cases): all
# facts 0.667 (130 of 195; round 9's code 0.636), refused 0.830 (39 of 47; round 9's code
# 0.787), reference cited 0.944, 1 forbidden string, 0 answers mixing entities, median 64
# words, plain RAG 0.487. Round 11 (same cases): all facts 0.692 (135 of 195), refused 0.851
# (40 of 47), reference cited 0.949, 1 forbidden string, 0 answers mixing entities, median 63
# words, plain RAG 0.482. Round 12 (same cases): all facts 0.708 (138 of 195), refused 0.872
# (41 of 47), reference cited 0.969, 1 forbidden string, 0 answers mixing entities, median 64
# words, plain RAG 0.482. Round 13 (same cases): all facts 0.723 (141 of 195), refused 0.872
# (41 of 47), reference cited 0.969, 1 forbidden string, 0 answers mixing entities, median 64
# words, plain RAG 0.482. Round 14 added 140 fresh cases and eight documents of two new
# municipalities (743 cases; test: 233 answerable, 66 unanswerable): all facts 0.695 (162 of
# 233; round 13's code on the same cases 0.717), refused 0.803 (53 of 66; round 13's code
# 0.788), reference cited 0.974, 2 forbidden strings, 1 answer mixing entities (a new case:
# a regional plan's bus line quoted beside a municipality's budget news; round 13's code the
# same), median 66 words, plain RAG 0.468. Round 15 added 90 fresh cases and eight documents
# of two more municipalities (833 cases; test: 262 answerable, 74 unanswerable): all facts
# 0.710 (186 of 262; round 14's code on the same cases 0.698), refused 0.784 (58 of 74; round
# 14's code 0.797), reference cited 0.973, 2 forbidden strings, 2 answers mixing entities (the
# one above and a new case's follow-up; round 14's code the same), median 68 words, plain RAG
# 0.489 (its chunks changed: table captions are no longer read as headers). Round 16 added
# 90 fresh cases and eight documents of two more municipalities (923 cases; test: 289
# answerable, 82 unanswerable): all facts 0.675 (195 of 289; round 15's code on the same
# cases 0.689), refused 0.768 (63 of 82; round 15's code 0.756), reference cited 0.962,
# 2 forbidden strings, 2 answers mixing entities (the same two), median 68 words, plain RAG
# 0.481. Round 17 added 90 fresh cases and eight documents of two more municipalities, the
# first PDFs among them (1013 cases; test: 318 answerable, 89 unanswerable): all facts 0.645
# (205 of 318; round 16's code on the same cases 0.642), refused 0.787 (70 of 89; round 16's
# code the same), reference cited 0.947, 2 forbidden strings, 3 answers mixing entities (a
# new case's among them; round 16's code the same), median 71 words, plain RAG 0.472. Round 18
# added 90 fresh cases and eight documents of two more municipalities (1103 cases; test: 342
# answerable, 101 unanswerable): all facts 0.623 (213 of 342; round 17's code the same),
# refused 0.772 (78 of 101; round 17's code 0.782), reference cited 0.939,
# 4 forbidden strings, 6 answers mixing entities (round 17's code 4 and 5: the new cases
# bring unscoped questions that another municipality's documents answer), median 73 words,
# plain RAG 0.485. Each floor sits about four cases
# under the figure and the forbidden-string ceiling one above it: the bundled embedder's floats
# differ a little between CPUs, and one answer's citation was seen to flip between two
# machines of the same kind running the same code.
FLOORS = {
    "all_facts_rate": 0.60,
    "refusal_accuracy": 0.70,
    "citation_hit_rate": 0.92,
}
CEILINGS = {
    "must_not_include_violations": 5,
    "entity_mixing": 7,
    "answer_words_p50": 80,
}
MIN_GAIN_OVER_PLAIN_RAG = 0.10


@pytest.fixture(scope="module")
def test_split(repo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("eval-test-split")
    settings = Settings.from_env(environ={}, index_dir=out / "unused", today="2026-11-27")
    _results, summary = run_collection(repo_dir / "evals" / "data", "test", out / "report",
                                       settings, cache_dir=out / "cache")
    return summary


@pytest.mark.slow
def test_the_assistant_holds_its_floors_on_the_test_split(test_split: dict[str, Any]) -> None:
    overall = test_split["overall"]
    low = {k: overall[k] for k, floor in FLOORS.items() if overall[k] < floor}
    high = {k: overall[k] for k, ceiling in CEILINGS.items() if overall[k] > ceiling}
    assert not low and not high, f"under golvet: {low}; över taket: {high}"


@pytest.mark.slow
def test_the_assistant_adds_to_the_plain_rag_baseline(test_split: dict[str, Any]) -> None:
    plain = test_split["plain_rag"]
    gain = plain["difference"]["all_facts_rate"]
    assert plain["regressions"] == [], plain["regressions"]
    assert gain >= MIN_GAIN_OVER_PLAIN_RAG, f"bara {gain:+.3f} över plain RAG"
