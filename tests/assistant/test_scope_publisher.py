"""Pages whose text never names their municipality: the site's name scopes and supports them.

Real municipal pages say "Skattesatsen för 2025 är …" under a title "Budget - Ekby kommun": the
municipality is in the site's name only. A question that names it must be answered from its
page (not refused for a name no passage holds), and never from the other municipality's page.
"""

from __future__ import annotations

import pytest

from assistant.ask import Assistant
from tests.assistant.conftest import assistant_over

PAGE = """<html><head><title>Budget och skattesats - {site}</title></head><body>
<nav><a href="/">Startsida</a> <a href="/politik">Kommun och politik</a></nav>
<main><h1>Budget och skattesats</h1>
<p>Kommunfullmäktige antog budgeten för 2025 i november.</p>
<p>Skattesatsen för 2025 är {rate} kronor per hundralapp.</p>
<p>Resultatet ska vara minst {share} procent av skatteintäkterna.</p></main>
<footer>{site}, Storgatan 1</footer></body></html>"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return assistant_over(tmp_path_factory, {
        "ekby-budget.html": PAGE.format(site="Ekby kommun", rate="21,90", share="2"),
        "holmsta-budget.html": PAGE.format(site="Holmsta kommun", rate="22,45", share="1,5"),
    })


@pytest.mark.parametrize(("place", "rate", "other"), [("Ekby", "21,90", "22,45"),
                                                      ("Holmsta", "22,45", "21,90")])
def test_a_question_naming_the_site_is_answered_from_its_page_only(
    assistant: Assistant, place: str, rate: str, other: str
) -> None:
    answer = assistant.ask(f"Vad är skattesatsen i {place} 2025?")
    assert not answer.refused, answer.text
    assert rate in answer.text and other not in answer.text
    assert {c.doc_id for c in answer.citations} == {f"{place.lower()}-budget"}
