"""A comparison is answered only when every side is: each named entity's own sources must hold
the asked-for kind of answer, or the question is refused naming the side that lacks it."""

from __future__ import annotations

import pytest

from assistant.ask import Assistant
from assistant.scope import without_entities
from tests.assistant.conftest import assistant_over

PAGE = """<html><head><title>Budget 2025 - {site}</title></head><body>
<main><h1>Budget 2025</h1>
<p>Kommunfullmäktige i {name} antog budgeten för 2025 i november.</p>
<p>{rate}</p>
<p>Resultatet ska vara minst {share} procent av skatteintäkterna.</p></main>
</body></html>"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return assistant_over(tmp_path_factory, {
        f"{name.lower()}-budget.html": PAGE.format(site=f"{name} kommun", name=name, rate=rate,
                                                   share=share)
        for name, rate, share in (
            ("Ekby", "Skattesatsen för 2025 är 21,90 kronor per hundralapp.", "2"),
            ("Holmsta", "Skattesatsen för 2025 är 22,45 kronor per hundralapp.", "1,5"),
            ("Dalby", "Budgeten bygger på att befolkningen växer med 100 personer per år.", "1"),
        )})


def test_a_comparison_both_sides_answer_is_answered(assistant: Assistant) -> None:
    answer = assistant.ask("Vilken skattesats har Ekby och Holmsta 2025, och vilken är högst?")
    assert not answer.refused, answer.text
    assert "21,90" in answer.text and "22,45" in answer.text


def test_a_comparison_one_side_cannot_answer_is_refused_naming_it(assistant: Assistant) -> None:
    answer = assistant.ask("Vilken skattesats är högst 2025, Ekbys eller Dalbys?")
    assert answer.refused, answer.text
    assert "Dalby" in answer.text and "21,90" not in answer.text


def test_without_entities_leaves_what_is_asked_of_the_one_left() -> None:
    assert without_entities("Har Ekby eller Dalbys nämnd högst skatt?", {"dalby"}) == (
        "Har Ekby eller nämnd högst skatt?")
