"""The refusal notice keeps the sentence that names what is missing whole."""

from __future__ import annotations

from ui import render
from ui.render import refusal_heading


def test_a_refusal_naming_what_is_missing_is_one_heading() -> None:
    text = ("Det framgår inte av dokumenten hur hög taxan i Ekby är 2026. "
            "Närmast relaterade källor: [1] Taxa 2026.")
    assert refusal_heading(text) == ("Det framgår inte av dokumenten hur hög taxan i Ekby är 2026",
                                     "Närmast relaterade källor: [1] Taxa 2026.")


def test_a_plain_refusal_keeps_the_fixed_heading() -> None:
    assert refusal_heading("Det framgår inte av dokumenten. Närmast relaterade källor: [1] X.") == (
        "Det framgår inte av dokumenten", "Närmast relaterade källor: [1] X.")
    assert refusal_heading("The documents do not answer this question.") == (
        "Det framgår inte av dokumenten", "The documents do not answer this question.")


def test_the_chat_notice_shows_the_whole_sentence_escaped() -> None:
    from assistant.types import Answer

    answer = Answer(question="q", refused=True,
                    text="Det framgår inte av dokumenten vem som är chef på <b>Ekby</b>.")
    markdown = render.chat_answer(answer)
    assert markdown.startswith("> **⚠ Det framgår inte av dokumenten vem som är chef på")
    assert "<b>" not in markdown and "&lt;b&gt;" in markdown
    assert "\n> vem" not in markdown
