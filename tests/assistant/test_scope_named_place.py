"""A question that names no municipality but a place of one ("Dalbybadet") is answered from
the documents of the municipality whose documents name that place, not from whichever
municipality's page the search ranks first."""

from __future__ import annotations

import pytest

from assistant.ask import Assistant
from tests.assistant.conftest import assistant_over

PAGE = """<html><head><title>{title} - {site}</title></head><body>
<main><h1>{title}</h1>{body}</main></body></html>"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return assistant_over(tmp_path_factory, {
        "ekby-simhall.html": PAGE.format(
        title="Ny simhall", site="Ekby kommun", body=(
            "<p>Ekby bygger en ny simhall för simning, simskola och motionssim.</p>"
            "<p>Simhallen öppnar för morgonsim varje vardag när den står klar.</p>"
            "<p>Den gamla simhallen stänger när den nya öppnar.</p>")),
        "dalby-budget.html": PAGE.format(
        title="Budget 2026", site="Dalby kommun", body=(
            "<p>Budgeten innehåller bland annat:</p><ul>"
            "<li>12 miljoner kronor mer till äldreomsorgen,</li>"
            "<li>30 miljoner kronor för att renovera Dalbybadet, som stänger i september "
            "2026 och öppnar igen i maj 2027.</li></ul>")),
    })


def test_the_municipality_whose_documents_name_the_place_answers(assistant: Assistant) -> None:
    answer = assistant.ask("Jag simmar på Dalbybadet tre morgnar i veckan. Ska det stänga?")
    assert not answer.refused, answer.text
    assert "maj 2027" in answer.text
    assert {c.doc_id for c in answer.citations} == {"dalby-budget"}
