"""Perturbed variants of evaluation cases: the same facts, typed the way residents type."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from mini_collection import CASES, MakeCollection

from evals.perturb import KINDS, PREAMBLES, main, perturbed_cases, variant, with_typos
from evals.split import update_split
from evals.testset import Case, load_testset

QUESTION = "Vilka fokusområden har Åsbacka kommun för förskolan?"


def _case(case_id: str, question: str, **kwargs: object) -> Case:
    return Case(id=case_id, question=question, answerable=True, **kwargs)  # type: ignore[arg-type]


def test_a_typo_is_a_slip_in_a_long_lower_case_word_never_its_first_letter() -> None:
    for seed in range(30):
        typed = with_typos(QUESTION, random.Random(seed))
        assert typed != QUESTION
        before, after = QUESTION.split(), typed.split()
        assert len(before) == len(after)
        changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
        assert 1 <= len(changed) <= 2
        for word, slipped in changed:
            assert len(word) >= 6 and word[0].islower() and slipped[0] == word[0]
            assert abs(len(word) - len(slipped)) <= 1
    assert with_typos("Vad är det?", random.Random(1)) == "Vad är det?"  # nothing long enough


def test_the_other_kinds_change_only_how_the_question_is_typed() -> None:
    rng = random.Random(3)
    folded = "Vilka fokusomraden har Asbacka kommun for forskolan?"
    assert variant(QUESTION, "folded", rng) == folded
    assert variant(QUESTION, "lower", rng) == "vilka fokusområden har åsbacka kommun för förskolan"
    preamble = variant(QUESTION, "preamble", rng)
    assert preamble.endswith(" " + QUESTION) and preamble[: -len(QUESTION) - 1] in PREAMBLES
    with pytest.raises(ValueError, match="okänd variant"):
        variant(QUESTION, "shouting", rng)


def test_variants_keep_the_facts_and_skip_follow_ups_and_english_questions() -> None:
    cases = [
        _case("a", QUESTION, must_include=(("trygg uppväxt",),), tags=("list",)),
        _case("b", "När antogs den?", history=("Vad är Åsbackas vision?",)),
        _case("c", "What are the focus areas of Åsbacka municipality?"),
    ]
    variants = perturbed_cases(cases, seed=5)
    assert [v.id for v in variants] == [f"a~{kind}" for kind in KINDS]
    for found in variants:
        assert found.must_include == (("trygg uppväxt",),) and found.answerable
        assert found.tags == ("list", f"perturbed:{found.id.split('~')[1]}")
    assert [v.question for v in perturbed_cases(cases, seed=5)] == [
        v.question for v in variants]  # seeded: the same variants every run
    # A question without å, ä or ö reads the same folded: no variant of that kind.
    plain = perturbed_cases([_case("d", "Vilka mål har Ekby kommun?")], ["folded"])
    assert [v.question for v in plain] == ["Vilka mal har Ekby kommun?"]
    assert perturbed_cases([_case("e", "Vad kostar bussen i Ekby?")], ["folded"]) == []
    with pytest.raises(ValueError, match="okänd variant"):
        perturbed_cases(cases, ["shouting"])


def test_the_command_writes_a_test_set_of_the_splits_variants(
        make_collection: MakeCollection, tmp_path: Path) -> None:
    folder = make_collection()
    update_split(folder)
    out = tmp_path / "variants.jsonl"
    assert main(["--collection", str(folder), "--split", "all", "--out", str(out),
                 "--kinds", "folded", "lower"]) == 0
    written = load_testset(out)
    single = [c for c in CASES if "history" not in c]
    assert {c.id for c in written} <= {f"{c['id']}~{k}" for c in single for k in KINDS}
    assert all(re.search(r"~(folded|lower)$", c.id) for c in written)
    assert any(c.id.endswith("~lower") for c in written)
