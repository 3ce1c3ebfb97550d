"""Follow-up forms resolved against the previous turn (assistant/conversation.py heuristic).

Invented municipalities and questions; each test is one form of reference.
"""

from __future__ import annotations

import pytest

from assistant.conversation import resolve_history


def _resolve(*turns: str) -> str:
    return resolve_history(turns[-1], [(t, "") for t in turns[:-1]])


@pytest.mark.parametrize(("follow_up", "expected"), [
    ("Vilket av dem är nyast?", "Vilket av fokusområdena är nyast"),
    ("Vilken av dessa är viktigast?", "Vilken av fokusområdena är viktigast"),
    ("Vilka av dem gäller skolan?", "Vilka av fokusområdena gäller skolan"),
])
def test_which_of_them_picks_from_the_asked_for_things_not_the_municipality(
    follow_up: str, expected: str
) -> None:
    resolved = _resolve("Vilka fokusområden har Ekby kommun?", follow_up)
    assert resolved.startswith(expected)
    assert "av Ekby" not in resolved and "Ekby kommun" in resolved


def test_english_which_of_them_picks_from_the_asked_for_things() -> None:
    resolved = _resolve("Which focus areas does Lunda have?", "Which of them is newest?")
    assert resolved.startswith("Which of the focus areas is newest")


def test_den_before_a_year_is_a_pronoun() -> None:
    resolved = _resolve("Vilken budget har tekniska nämnden i Ekby 2026?", "Hur stor var den 2025?")
    assert resolved.startswith("Hur stor var budgeten 2025")
    assert "tekniska nämnden i Ekby" in resolved


def test_det_takes_the_neuter_focus() -> None:
    resolved = _resolve("Vilket mål har Lunda för resultatet?", "När antogs det?")
    assert resolved.startswith("När antogs målet")


def test_den_takes_the_common_gender_phrase() -> None:
    resolved = _resolve("Var ligger den nya simhallen i Ekby?", "När öppnar den?")
    assert resolved == "När öppnar den nya simhallen i Ekby?"


def test_dar_becomes_the_place() -> None:
    assert _resolve("Vad är Lundas vision?", "Och hur många bor där i dag?") == (
        "Hur många bor i Lunda i dag?")


def test_dar_is_dropped_when_the_antecedent_already_names_the_place() -> None:
    resolved = _resolve("Vem är ordförande i kommunstyrelsen i Ekby?", "Vad gör hon där?")
    assert resolved.count("i Ekby") == 1 and "där" not in resolved


def test_english_it_is_the_thing_asked_about_and_there_the_place() -> None:
    resolved = _resolve("What is the tax rate in Lunda?", "And who decides it there?")
    assert resolved == "Who decides the tax rate in Lunda?"


def test_english_there_becomes_the_place() -> None:
    resolved = _resolve("What is Ekby municipality's vision?",
                        "And how many people live there now?")
    assert resolved == "How many people live in Ekby now?"


def test_da_after_a_fragment_swaps_the_name() -> None:
    resolved = _resolve("Vem är ordförande i socialnämnden i Ekby?", "Och i Lunda då?")
    assert resolved == "Vem är ordförande i socialnämnden i Lunda?"


def test_da_after_a_when_question_is_that_time() -> None:
    resolved = _resolve("När antogs avfallsplanen i Lunda?", "Vem var ordförande i nämnden då?")
    assert resolved == "Vem var ordförande i nämnden när avfallsplanen i Lunda antogs?"


def test_da_after_another_question_is_only_a_particle() -> None:
    resolved = _resolve("Vad handlar Ekbys vision om?", "Hur många invånare ska Ekby ha då?")
    assert "när" not in resolved and resolved.startswith("Hur många invånare ska Ekby ha")
