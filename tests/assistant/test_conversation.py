"""Follow-up questions rewritten into standalone questions: heuristic and model paths."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.conversation import is_followup, rewrite_followup, salient_phrase

FIRST = ("Vilket visionsmål stödjer simskolan för alla?", "Simskolan stödjer målet ... [1]")


def test_two_turn_follow_up_becomes_standalone() -> None:
    rewritten = rewrite_followup("Och vilket nyckeltal har den?", [FIRST])
    assert rewritten == "Vilket nyckeltal har simskolan för alla?"


def test_non_follow_up_is_returned_unchanged() -> None:
    question = "Vilka är Ljungby kommuns visionsmål?"
    assert rewrite_followup(question, [FIRST]) == question


def test_without_history_the_question_is_unchanged() -> None:
    assert rewrite_followup("Och vilket nyckeltal har den?", []) == "Och vilket nyckeltal har den?"


def test_english_follow_up_gets_the_previous_subject() -> None:
    history = [("Which vision goal does the swimming school for all support?", "...")]
    rewritten = rewrite_followup("And what key figure does it have?", history)
    assert rewritten == "What key figure does the swimming school for all have?"


def test_follow_up_of_a_follow_up_resolves_through_the_chain() -> None:
    history = [FIRST, ("Och vilket nyckeltal har den?", "...")]
    assert "simskolan" in rewrite_followup("Vem ansvarar för det?", history)


def test_follow_up_without_content_words_repeats_the_previous_question() -> None:
    assert rewrite_followup("Vad mer?", [FIRST]) == f"{FIRST[0]} Vad mer?"


def test_article_den_is_not_taken_for_a_pronoun() -> None:
    assert not is_followup("Vad säger den nya översiktsplanen om cykelvägar?")
    assert not is_followup("Finns det en plan för cykelvägar?")
    assert is_followup("Vad kostar det?")
    assert is_followup("Budgeten då?")


def test_salient_phrase_is_the_subject_after_the_verb() -> None:
    assert salient_phrase("Hur många invånare har Ljungby?") == "Ljungby"
    assert (
        salient_phrase("Vad säger översiktsplanen om cykelvägar?")
        == "översiktsplanen om cykelvägar"
    )


def test_chat_model_rewrites_the_follow_up() -> None:
    model = FakeListChatModel(
        responses=["Fristående fråga: Vilket nyckeltal har simskolan för alla?"]
    )
    rewritten = rewrite_followup("Och vilket nyckeltal har den?", [FIRST], chat_model=model)
    assert rewritten == "Vilket nyckeltal har simskolan för alla?"


def test_garbage_from_the_chat_model_falls_back_to_the_heuristic() -> None:
    for reply in ["", "   \n", "Banan banan banan."]:
        model = FakeListChatModel(responses=[reply])
        rewritten = rewrite_followup("Och vilket nyckeltal har den?", [FIRST], chat_model=model)
        assert rewritten == "Vilket nyckeltal har simskolan för alla?"


def test_failing_chat_model_falls_back_to_the_heuristic() -> None:
    model = FakeListChatModel(responses=[])  # raises IndexError when called
    rewritten = rewrite_followup("Och vilket nyckeltal har den?", [FIRST], chat_model=model)
    assert rewritten == "Vilket nyckeltal har simskolan för alla?"
