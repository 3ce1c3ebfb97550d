"""A comparison is answered only when every side is: each named entity's own sources must hold
the asked-for kind of answer, or the question is refused naming the side that lacks it."""

from __future__ import annotations

import pytest

from assistant.ask import Assistant
from assistant.scope import without_entities
from assistant.types import Hit
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


class _JointSearchMisses:
    """A retriever whose search for both names ranks Holmsta's rate out of reach (as one
    search for all sides does when another side's passages prevail)."""

    def __init__(self, inner: object, hidden: str) -> None:
        self.inner, self.hidden = inner, hidden

    def search(self, query: str, **kwargs: object) -> list[Hit]:
        hits = self.inner.search(query, **kwargs)  # type: ignore[attr-defined]
        if "Ekby" in query and "Holmsta" in query:
            hits = [h for h in hits if self.hidden not in h.chunk.text]
        return hits

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def test_each_side_is_searched_for_what_is_compared(assistant: Assistant) -> None:
    joint = assistant.retriever
    assistant.retriever = _JointSearchMisses(joint, "22,45")  # type: ignore[assignment]
    try:
        answer = assistant.ask("Vilken skattesats är högst 2025, Ekbys eller Holmstas?")
    finally:
        assistant.retriever = joint
    assert not answer.refused, answer.text
    assert "21,90" in answer.text and "22,45" in answer.text


def test_coordinated_comparatives_compare_the_noun_after_them(assistant: Assistant) -> None:
    answer = assistant.ask("Har Ekby högre eller lägre skattesats än Holmsta 2025?")
    assert not answer.refused, answer.text
    assert "21,90" in answer.text and "22,45" in answer.text
