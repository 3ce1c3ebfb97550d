"""Follow-up questions rewritten into standalone questions: antecedents, ellipsis, topic carry
and the model path. The municipalities (Ekby, Lunda) are invented for these tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.antecedents import definite_plural, definite_singular
from assistant.conversation import is_followup, rewrite_followup

if TYPE_CHECKING:
    from assistant.ask import Assistant


def ask(question: str, *earlier: str | tuple[str, str]) -> str:
    history = [turn if isinstance(turn, tuple) else (turn, "") for turn in earlier]
    return rewrite_followup(question, history)


FIRST = ("Vilket visionsmål stödjer läxhjälpen för alla?", "Läxhjälpen stödjer målet ... [1]")


# --- the example and agreement --------------------------------------------------------


def test_which_of_them_picks_from_the_asked_for_plural() -> None:
    rewritten = ask("Vilket av dem är nyast?", "Vilka fokusområden har Ljungby kommun?")
    assert rewritten == "Vilket av fokusområdena är nyast (Ljungby kommun)?"


def test_singular_den_skips_a_plural_focus_for_a_singular_phrase() -> None:
    previous = "Vilka mål har tekniska nämnden i Ekby?"
    assert ask("Vem leder den?", previous) == "Vem leder tekniska nämnden i Ekby?"


def test_plural_de_takes_the_plural_focus() -> None:
    previous = "Vilka mål har tekniska nämnden i Ekby?"
    assert ask("Hur följs de upp?", previous) == "Hur följs målen upp (tekniska nämnden i Ekby)?"


def test_plural_de_that_agrees_with_no_phrase_is_the_owner_of_one() -> None:
    # "de" is not the singular "Ekbys vision" but Ekby, its people; "den" is the vision.
    assert ask("Vilka värdeord har de?", "Vad är Ekbys vision?") == "Vilka värdeord har Ekby?"
    assert ask("När antogs den?", "Vad är Ekbys vision?") == "När antogs Ekbys vision?"


def test_a_yes_no_question_offers_the_noun_it_asks_about() -> None:
    # Not the municipality the question is set in: the thing whose existence it asks about.
    previous = "Har Ekby kommun en arbetsgivarpolicy?"
    assert ask("När antogs den?", previous) == "När antogs arbetsgivarpolicyn (Ekby kommun)?"
    neuter = ask("När antogs det?", "Finns det ett bostadsprogram i Lunda?")  # "det": "ett"
    assert neuter.startswith("När antogs bostadsprogram") and "Lunda" in neuter
    english = ask("When was it adopted?", "Does Ekby have an employer policy?")
    assert english.startswith("When was the employer policy adopted")


def test_a_question_for_a_set_with_a_copula_offers_that_set() -> None:
    assert ask("Does the 2026 budget meet them?", "What are the financial goals of Ekby?") == (
        "Does the 2026 budget meet the financial goals (Ekby)?")
    assert ask("Hur följs de upp?", "Vilka är de viktigaste målen i Ekby?").startswith(
        "Hur följs de viktigaste målen upp")


def test_det_takes_a_phrase_marked_neuter_before_a_name_phrase_of_no_marked_gender() -> None:
    previous = "Vad hände med medborgarförslaget om hundrastgård i Ekby?"
    assert ask("Vem lämnade in det?", previous) == (
        "Vem lämnade in medborgarförslaget om hundrastgård i Ekby?")


def test_an_english_demonstrative_before_a_noun_is_a_determiner() -> None:
    # Its noun names the antecedent, or it is a description kept with the topic carried.
    assert ask("How are those goals measured?", "Which goals does Ekby have?") == (
        "How are the goals measured (Ekby)?")
    kept = ask("Who is responsible for that goal?", "What is the vision of Ekby?")
    assert kept == "Who is responsible for that goal (vision of Ekby)?"
    assert ask("When was that adopted?", "What is the vision of Ekby?") == (
        "When was the vision of Ekby adopted?")


def test_neuter_det_takes_a_neuter_focus() -> None:
    previous = "Vilket dokument styr kulturen i Ekby?"
    assert ask("När antogs det?", previous) == "När antogs dokumentet (kulturen i Ekby)?"


def test_neuter_det_without_a_neuter_antecedent_carries_the_topic() -> None:
    previous = "Vad säger översiktsplanen om cykelvägar?"
    assert ask("Vad kostar det?", previous) == "Vad kostar det (översiktsplanen om cykelvägar)?"


def test_a_pronoun_takes_a_noun_of_an_earlier_clause_of_the_same_question() -> None:
    # "den" is "tiden" and "driften", named before a comma in the question itself; within
    # its own clause a pronoun still takes the previous turn's antecedent.
    assert ask("Har tiden ändrats, eller är den densamma?",
               "Vilka tider gäller för fyrverkerier i Ekby?") == (
        "Har tiden ändrats, eller är den densamma (Ekby)?")
    assert ask("Och driften, vad kostar den per år?",
               "Vad kostar ombyggnaden av skolan i Ekby?") == (
        "Driften, vad kostar den per år (skolan i Ekby)?")
    assert ask("Vem i majoriteten har uttalat sig om den?",
               "När antogs den nya ägarpolicyn i Ekby?") == (
        "Vem i majoriteten har uttalat sig om den nya ägarpolicyn i Ekby?")


def test_a_determiner_with_the_antecedents_head_noun_is_replaced() -> None:
    previous = "Vilka mål har miljönämnden i Ekby?"
    assert ask("Vem är ordförande i den nämnden?", previous) == (
        "Vem är ordförande i miljönämnden i Ekby?"
    )


def test_a_description_with_som_is_not_an_anaphor() -> None:
    rewritten = ask("Hur stor budget har den nämnd som ansvarar för skolan?",
                    "Vilka nämnder finns i Ekby kommun?")
    assert rewritten.startswith("Hur stor budget har den nämnd som ansvarar för skolan")
    assert "Ekby kommun" in rewritten


def test_a_superlative_after_den_is_an_elliptic_noun_phrase() -> None:
    rewritten = ask("Vad kostar den dyraste?", "Vilka investeringar gör Ekby 2027?")
    assert rewritten == "Vad kostar den dyraste av investeringarna (Ekby, 2027)?"


def test_an_ordinal_after_det_picks_from_the_plural_with_its_adjective() -> None:
    rewritten = ask("Vad är målvärdet för det andra?", "Vilka strategiska mål har Ekbys miljöplan?")
    assert rewritten == "Vad är målvärdet för det andra av de strategiska målen (Ekbys miljöplan)?"


# --- där, possessives and persons ---------------------------------------------------------------


def test_dar_becomes_the_place_without_the_genitive() -> None:
    assert ask("Hur många bor där?", "Vad är Ekbys vision?") == "Hur många bor i Ekby?"


def test_dar_prefers_a_place_phrase_of_the_previous_question() -> None:
    previous = "Vilka nämnder får pengar i Ekbys strategiska plan?"
    assert ask("Vad står det där om skolan?", previous) == (
        "Vad står det i Ekbys strategiska plan om skolan?"
    )


def test_plural_possessive_deras_becomes_a_genitive() -> None:
    rewritten = ask("Vilka är deras målvärden?", "Vilka mål har Ekbys miljöplan?")
    assert rewritten == "Vilka är målens målvärden (Ekbys miljöplan)?"


def test_singular_possessive_dess_becomes_a_genitive() -> None:
    rewritten = ask("Vem ansvarar för dess genomförande?", "Vilken plan gäller för cykling i Ekby?")
    assert rewritten == "Vem ansvarar för planens genomförande (cykling i Ekby)?"


def test_han_hon_is_the_person_the_previous_question_described() -> None:
    rewritten = ask("Vad sa hon om budgeten?", "Vem är kommunstyrelsens ordförande i Ekby?")
    assert rewritten == "Vad sa kommunstyrelsens ordförande i Ekby om budgeten?"


def test_han_hon_takes_the_name_from_the_previous_answer_when_there_is_one() -> None:
    earlier = ("Vem leder miljönämnden?", "Så här står det:\n\nOrdförande är Sara Lind.")
    assert ask("Vad sa hon om tillsynen?", earlier) == (
        "Vad sa Sara Lind om tillsynen (miljönämnden)?"
    )


# --- ellipsis, topic carry, and questions that are not follow-ups --------------------------------


def test_a_fragment_with_a_name_swaps_the_name() -> None:
    assert ask("Och Lunda?", "Vilken skattesats har Ekby?") == "Vilken skattesats har Lunda?"
    assert ask("Och i Lunda då?", "Vem leder miljönämnden i Ekby?") == (
        "Vem leder miljönämnden i Lunda?"
    )


def test_a_verb_before_a_pronoun_is_no_name_to_swap() -> None:
    rewritten = ask("Nås det då?", "Vad är resultatmålet i Ekby?")
    assert rewritten.startswith("Nås ") and "(Nås)" not in rewritten


def test_a_fragment_keeps_the_genitive_of_the_swapped_name() -> None:
    assert ask("Och Lunda?", "Vad är Ekbys vision?") == "Vad är Lundas vision?"
    # Also before a noun in -s, which has the form of a passive verb.
    assert ask("Och Lunda?", "Vad är Ekbys skattesats?") == "Vad är Lundas skattesats?"


def test_a_year_in_a_fragment_takes_the_place_of_the_previous_one() -> None:
    previous = "Vad är skattesatsen i Ekby 2026?"
    assert ask("Och 2027?", previous) == "Vad är skattesatsen i Ekby 2027?"
    assert ask("Och i Lunda år 2027?", previous) == "Vad är skattesatsen i Lunda 2027?"
    assert ask("What about Lunda in 2027?", "What is Ekby's tax rate for 2026?") == (
        "What is Lunda's tax rate for 2027?")


def test_a_fragment_without_a_name_gets_the_previous_topic() -> None:
    assert ask("Budgeten då?", "Vilka fokusområden har Ljungby kommun?") == (
        "Budgeten (Ljungby kommun)?"
    )


def test_a_year_relative_to_the_previous_question_becomes_that_year() -> None:
    previous = "Vad är skattesatsen i Ekby 2025?"
    assert ask("Och året efter?", previous) == "Vad är skattesatsen i Ekby 2026?"
    assert ask("And the year before?", "What was the tax rate in Ekby in 2025?") == (
        "What was the tax rate in Ekby in 2024?"
    )


def test_a_relative_year_without_one_previous_year_is_left_as_written() -> None:
    assert ask("Och året efter?", "Vilka finansiella mål har Ekby för 2025–2027?").startswith(
        "Året efter ("
    )


def test_a_question_without_an_entity_keeps_the_previous_one() -> None:
    rewritten = ask("Hur många tillsynsbesök görs per år?", "Vad ansvarar miljönämnden i Ekby för?")
    assert rewritten == "Hur många tillsynsbesök görs per år (miljönämnden i Ekby)?"


def test_a_complete_question_about_its_own_entity_is_left_alone() -> None:
    question = "Vilka fokusområden har Lunda kommun?"
    assert ask(question, "Vilka fokusområden har Ljungby kommun?") == question
    question = "Vilka är Ljungby kommuns visionsmål?"
    assert ask(question, FIRST) == question


def test_without_history_the_question_is_unchanged() -> None:
    assert rewrite_followup("Och vilket nyckeltal har den?", []) == "Och vilket nyckeltal har den?"


def test_follow_up_without_content_words_repeats_the_previous_question() -> None:
    assert ask("Vad mer?", FIRST) == f"{FIRST[0]} Vad mer?"


def test_articles_and_expletive_det_are_not_anaphors() -> None:
    assert not is_followup("Vad säger den nya översiktsplanen om cykelvägar?")
    assert not is_followup("Finns det en plan för cykelvägar?")
    assert is_followup("Vad kostar det?")
    assert is_followup("Budgeten då?")
    assert is_followup("Vilket av dem är nyast?")


# --- chains ------------------------------------------------------------------------------------


def test_three_turn_chain_resolves_against_the_resolved_previous_question() -> None:
    rewritten = ask(
        "Hur mycket av den går till tillsyn?",
        "Vad gäller för miljönämnden i Ekby 2027?",
        "Vilken budget har den?",
    )
    assert rewritten == "Hur mycket av budgeten går till tillsyn (miljönämnden i Ekby, 2027)?"


def test_two_swapped_names_form_the_set_that_dem_refers_to() -> None:
    rewritten = ask("Vilken av dem är högst?", "Vilken skattesats har Ekby?", "Och Lunda?")
    assert rewritten == "Vilken av Ekby och Lunda är högst (skattesats)?"


def test_the_two_turn_subject_follow_up_still_resolves() -> None:
    expected = "Vilket nyckeltal har läxhjälpen för alla?"
    assert ask("Och vilket nyckeltal har den?", FIRST) == expected
    second = ("Och vilket nyckeltal har den?", "")
    assert "läxhjälpen" in ask("Vem ansvarar för det?", FIRST, second)


# --- English -----------------------------------------------------------------------------------


def test_english_which_of_them() -> None:
    rewritten = ask("Which of them is newest?", "Which goal areas does Ekby have?")
    assert rewritten == "Which of the goal areas is newest (Ekby)?"


def test_english_possessive_and_there() -> None:
    assert ask("What about its budget?", "What is Ekby's climate plan?") == (
        "What about Ekby's climate plan's budget?"
    )
    assert ask("How many people live there?", "What is Ekby's vision?") == (
        "How many people live in Ekby?"
    )
    assert ask("What about Lunda?", "What is Ekby's vision?") == "What is Lunda's vision?"


def test_english_it_takes_the_asked_for_phrase_and_keeps_the_topic() -> None:
    history = [("Which vision goal does the swimming school for all support?", "...")]
    rewritten = rewrite_followup("And what key figure does it have?", history)
    assert rewritten == "What key figure does the vision goal have (swimming school for all)?"


# --- morphology ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plural", "definite"),
    [("fokusområden", "fokusområdena"), ("nämnder", "nämnderna"), ("mål", "målen"),
     ("investeringar", "investeringarna"), ("strategiska mål", "de strategiska målen")],
)
def test_definite_plural(plural: str, definite: str) -> None:
    assert definite_plural(plural) == definite


def test_definite_singular_follows_gender() -> None:
    assert definite_singular("budget", "utr") == "budgeten"
    assert definite_singular("mål", "neu") == "målet"
    assert definite_singular("område", "neu") == "området"
    assert definite_singular("nya plan", "utr") == "den nya planen"
    assert definite_singular("policy", "utr") == "policyn"
    assert definite_singular("skola", "utr") == "skolan"


# --- the model path ------------------------------------------------------------------------------


def test_chat_model_rewrites_the_follow_up() -> None:
    model = FakeListChatModel(
        responses=["Fristående fråga: Vilket nyckeltal har läxhjälpen för alla?"]
    )
    rewritten = rewrite_followup("Och vilket nyckeltal har den?", [FIRST], chat_model=model)
    assert rewritten == "Vilket nyckeltal har läxhjälpen för alla?"


def test_garbage_from_the_chat_model_falls_back_to_the_heuristic() -> None:
    for reply in ["", "   \n", "Banan banan banan."]:
        model = FakeListChatModel(responses=[reply])
        rewritten = rewrite_followup("Och vilket nyckeltal har den?", [FIRST], chat_model=model)
        assert rewritten == "Vilket nyckeltal har läxhjälpen för alla?"


def test_failing_chat_model_falls_back_to_the_heuristic() -> None:
    model = FakeListChatModel(responses=[])  # raises IndexError when called
    rewritten = rewrite_followup("Och vilket nyckeltal har den?", [FIRST], chat_model=model)
    assert rewritten == "Vilket nyckeltal har läxhjälpen för alla?"


def test_person_pronoun_without_a_person_is_not_replaced() -> None:
    rewritten = ask("Vad tycker hon om budgeten?", "Vilka fokusområden har Ekby kommun?")
    assert rewritten == "Vad tycker hon om budgeten (Ekby kommun)?"


def test_a_definite_antecedent_keeps_its_article_and_adjective() -> None:
    previous = "Hur mycket kostar den nya simhallen i Ekby?"
    assert ask("När ska den vara klar?", previous) == "När ska den nya simhallen i Ekby vara klar?"


# --- in the assistant ----------------------------------------------------------------------------


@pytest.mark.slow
def test_the_follow_up_retrieves_the_previous_questions_document(assistant: Assistant) -> None:
    first = assistant.ask("Vilka fokusområden har Ljungby kommun?")
    second = assistant.ask("Vilket av dem är nyast?", history=[(first.question, first.text)])
    standalone = second.standalone_question or ""
    assert "fokusområdena" in standalone and "Ljungby kommun" in standalone
    assert "fokusomraden" in {hit.chunk.doc_id for hit in second.retrieved[:3]}


def test_an_ordinal_points_into_the_list_the_previous_answer_quoted() -> None:
    from assistant.conversation import resolve_history, with_ordinal_item

    answer = ("Så här står det i dokumenten:\n\nRyd har tre mål:\n1. Trygg uppväxt – alla barn …\n"
              "2. Fler jobb – näringslivet ska växa.\n3. Grön kommun: utsläppen ska halveras. [1]")
    assert with_ordinal_item("Vad säger det sista om klimatet?", answer) == (
        "Vad säger Grön kommun om klimatet?")
    assert with_ordinal_item("Hur mäts den andra?", answer) == "Hur mäts Fler jobb?"
    assert with_ordinal_item("Hur mäts den femte?", answer) == "Hur mäts den femte?"
    assert with_ordinal_item("Vad är det första?", "Ingen lista här.") == "Vad är det första?"
    history = [("Vilka mål har Ryds kommun?", answer)]
    assert resolve_history("Vad säger det sista om klimatet?", history).startswith(
        "Vad säger Grön kommun om klimatet (")
