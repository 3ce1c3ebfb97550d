"""Answers over documents in the forms of municipal web pages (invented text, two
municipalities so that names and figures collide): goals written as headings, a key-figure
table flattened into label and value lines, areas as a series of headings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from small_corpus import assistant_over

if TYPE_CHECKING:
    from assistant.ask import Assistant

pytestmark = pytest.mark.slow

EKBY_GOALS = """Mål för mandatperioden – Ekby kommun

Fullmäktige har beslutat om kommunens mål för mandatperioden. Nämnderna bryter ner dem i egna mål.

Strategiområde 1 – växande näringsliv

Fler företag startar och stannar i kommunen.

Strategiområde 2 – trygga uppväxtvillkor

Alla barn ska ha en trygg skolgång och en meningsfull fritid.

Strategiområde 3 – klimat och natur

Kommunens verksamheter minskar sina utsläpp varje år.

Målen följs upp i delårsrapporten och planen revideras årligen inför budgeten.
"""

EKBY_FIGURES = """Ekonomiska ramar 2026 – Ekby kommun

Fullmäktige fastställde budgeten i november. Här är de viktigaste nyckeltalen.

Befolkningsantagande (antal invånare)

14 870

Beslutad skattesats, kr

22,41

Sidan uppdaterades i december.
"""

DALBY_FINANCE = """Finansiella mål – Dalby kommun

Fullmäktige antog riktlinjer för god ekonomisk hushållning i oktober 2024.

Resultatet ska räcka till investeringar

Ett överskott gör att kommande generationer inte behöver betala en högre skatt för dagens service.

Nettoinvesteringarnas andel av skatteintäkterna bör inte överstiga 8 %

Stora investeringar ökar behovet av lån och därmed räntekostnaderna.
"""

DALBY_PRESIDIUM = """Presidium – Dalby kommun

Fullmäktige väljer en ordförande och två vice ordförande. Presidiet leder sammanträdena.

Följande ledamöter utgör kommunfullmäktiges presidium under mandatperioden:

Sara Holm (C), ordförande

Olof Berg (S), förste vice ordförande

Anteckningar från presidiets möten publiceras en gång i månaden.
"""

DALBY_VALUES = """Värdegrund – Dalby kommun

Värdegrunden gäller alla som arbetar i kommunen. Den vilar på tre värderingar.

Öppenhet

Vi berättar vad vi gör och varför, och vi svarar när invånare hör av sig.

Respekt

Vi möter alla lika, oavsett vem de är.

Ansvar

Vi gör det vi har lovat och vi lär oss av våra misstag.
"""

EKBY_SOCIAL = """Socialnämnden – Ekby kommun

Socialnämnden ansvarar för äldreomsorg, stöd till personer med funktionsnedsättning och
individ- och familjeomsorg. Ledamöterna väljs av kommunfullmäktige för fyra år.

Socialnämnden sammanträder en gång i månaden, utom i juli.
"""

EKBY_DECISIONS = """Beslut i korthet från kommunfullmäktige 2 mars 2027 – Ekby kommun

Kommunfullmäktige i Ekby sammanträdde i stadshuset. Här är några av besluten.

Ny skolplan antagen

Fullmäktige antog en skolplan för åren 2027–2030 med fyra mål.

Bastu vid badplatsen

En motion om en bastu vid badplatsen bifölls. Tekniska nämnden utreder kostnaden.

Nya taxor för bygglov

Taxorna för bygglov höjs med fyra procent från den 1 maj.
"""

# Two pages of the same kind, whose sentences differ only in their dates: nothing in the text
# says whose page it is, the title does.
HOUSING = """Bostadsprogram – {name} kommun

Varje kommun ska planera för att alla kan bo i goda bostäder.

Bostadsprogrammet antogs av kommunfullmäktige den {date}.
"""


@pytest.fixture(scope="module")
def web_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return assistant_over(tmp_path_factory.mktemp("web-forms"), {
        "ekby-mal.txt": EKBY_GOALS, "ekby-ekonomi.txt": EKBY_FIGURES,
        "dalby-finansiella-mal.txt": DALBY_FINANCE, "dalby-presidium.txt": DALBY_PRESIDIUM,
        "dalby-vardegrund.txt": DALBY_VALUES, "ekby-socialnamnden.txt": EKBY_SOCIAL,
        "ekby-bostader.txt": HOUSING.format(name="Ekby", date="4 april 2022"),
        "dalby-bostader.txt": HOUSING.format(name="Dalby", date="9 maj 2019"),
    })


def test_a_series_of_headings_answers_a_list_question(web_assistant: Assistant) -> None:
    answer = web_assistant.ask("Vilka strategiområden har Ekby?")
    assert not answer.refused, answer.text
    for area in ("växande näringsliv", "trygga uppväxtvillkor", "klimat och natur"):
        assert area in answer.text
    assert {c.doc_id for c in answer.citations} == {"ekby-mal"}


@pytest.fixture(scope="module")
def decisions_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return assistant_over(tmp_path_factory.mktemp("decisions"), {
        "ekby-beslut.txt": EKBY_DECISIONS, "ekby-mal.txt": EKBY_GOALS,
        "dalby-presidium.txt": DALBY_PRESIDIUM,
    })


def test_a_question_about_a_whole_page_is_answered_with_its_sections(
        decisions_assistant: Assistant) -> None:
    answer = decisions_assistant.ask("Vad beslutade kommunfullmäktige i Ekby den 2 mars 2027?")
    assert not answer.refused, answer.text
    for decision in ("Ny skolplan antagen", "Bastu vid badplatsen", "Nya taxor för bygglov"):
        assert decision in answer.text
    assert {c.doc_id for c in answer.citations} == {"ekby-beslut"}


def test_the_subsections_a_count_announces_answer_a_list_question(
        web_assistant: Assistant) -> None:
    answer = web_assistant.ask("Vilka värderingar har Dalby kommun?")
    assert not answer.refused, answer.text
    for value in ("Öppenhet", "Respekt", "Ansvar"):
        assert value in answer.text
    assert {c.doc_id for c in answer.citations} == {"dalby-vardegrund"}


def test_a_goal_written_as_a_heading_is_quoted(web_assistant: Assistant) -> None:
    answer = web_assistant.ask(
        "Hur stor andel av skatteintäkterna får nettoinvesteringarna vara i Dalby?")
    assert not answer.refused, answer.text
    assert "8 %" in answer.text


@pytest.mark.parametrize("question", [
    "Vilken skattesats har Ekby?", "What is the tax rate in Ekby?"])
def test_a_flattened_key_figure_is_quoted_with_its_label(web_assistant: Assistant,
                                                         question: str) -> None:
    answer = web_assistant.ask(question)
    assert not answer.refused, answer.text
    assert "Beslutad skattesats, kr: 22,41" in answer.text


def test_a_rate_question_is_refused_when_only_the_word_occurs(web_assistant: Assistant) -> None:
    """Dalby's page speaks of a higher tax, but gives no rate; Ekby's rate is not Dalby's."""
    answer = web_assistant.ask("Vilken skattesats har Dalby?")
    assert answer.refused, answer.text
    assert "22,41" not in answer.text


def test_how_often_is_answered_by_a_frequency(web_assistant: Assistant) -> None:
    answer = web_assistant.ask("Hur ofta revideras planen i Ekby?")
    assert not answer.refused, answer.text
    assert "årligen" in answer.text


def test_how_often_another_body_meets_does_not_answer_for_the_asked_one(
        web_assistant: Assistant) -> None:
    """Ekby's committee page says when the committee meets and that the assembly elects it;
    when the assembly meets is not in the documents."""
    assert web_assistant.ask("Hur ofta sammanträder kommunfullmäktige i Ekby?").refused
    answer = web_assistant.ask("Hur ofta sammanträder socialnämnden i Ekby?")
    assert not answer.refused and "en gång i månaden" in answer.text
    answer = web_assistant.ask("How often does the social welfare committee in Ekby meet?")
    assert not answer.refused and "en gång i månaden" in answer.text


def test_members_listed_without_markers_are_quoted_whole(web_assistant: Assistant) -> None:
    answer = web_assistant.ask("Vilka ingår i kommunfullmäktiges presidium i Dalby?")
    assert not answer.refused, answer.text
    assert "Sara Holm (C), ordförande" in answer.text and "Olof Berg (S)" in answer.text


def test_a_role_of_another_body_is_not_the_answer(web_assistant: Assistant) -> None:
    """Dalby's page names the assembly's chair; the board's chair is not in the documents."""
    assert web_assistant.ask("Vem är kommunstyrelsens ordförande i Dalby?").refused
    answer = web_assistant.ask("Vem är ordförande i kommunfullmäktige i Dalby?")
    assert not answer.refused and "Sara Holm" in answer.text
    typed = web_assistant.ask("vem e ordförande i kommunfullmäktige i dalby")
    assert not typed.refused and "Sara Holm" in typed.text


def test_a_page_without_publisher_is_scoped_by_the_body_its_title_names(
        web_assistant: Assistant) -> None:
    answer = web_assistant.ask("När antogs Ekbys bostadsprogram?")
    assert not answer.refused, answer.text
    assert "4 april 2022" in answer.text and "9 maj 2019" not in answer.text
    assert {c.doc_id for c in answer.citations} == {"ekby-bostader"}
