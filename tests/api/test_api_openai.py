"""The OpenAI-compatible API, driven by the official ``openai`` client over real HTTP."""

from __future__ import annotations

import re

import openai
import pytest

QUESTION = "Vad är Ljungby kommuns vision?"


@pytest.fixture(scope="module")
def client(api_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{api_url}/v1", api_key="ingen-nyckel", max_retries=0)


def _markers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def test_models_lists_styrdok(client: openai.OpenAI) -> None:
    """`GET /v1/models` through the client lists exactly the model id ``styrdok``."""
    assert [m.id for m in client.models.list()] == ["styrdok"]


def test_chat_completion_keeps_citations(client: openai.OpenAI) -> None:
    """A plain completion: every inline [n] has a "Källor:" line and a structured citation."""
    completion = client.chat.completions.create(
        model="styrdok",
        messages=[{"role": "system", "content": "Du är hjälpsam."},
                  {"role": "user", "content": QUESTION}],
    )
    text = completion.choices[0].message.content or ""
    extra = completion.model_extra["styrdok"]
    numbers = {c["n"] for c in extra["citations"]}
    assert extra["refused"] is False and numbers
    answer_part, _, sources_part = text.partition("\n\nKällor:\n")
    assert _markers(answer_part) == numbers
    assert {int(n) for n in re.findall(r"^\[(\d+)\]", sources_part, re.M)} == numbers


def test_streamed_completion_equals_plain_one(client: openai.OpenAI) -> None:
    """Streaming the same question yields the same text (nothing lost or renumbered) and the
    citations arrive in the last chunk."""
    plain = client.chat.completions.create(
        model="styrdok", messages=[{"role": "user", "content": QUESTION}])
    stream = client.chat.completions.create(
        model="styrdok", messages=[{"role": "user", "content": QUESTION}], stream=True)
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["styrdok"]["citations"] == plain.model_extra["styrdok"][
        "citations"]


def test_earlier_turns_are_history(client: openai.OpenAI) -> None:
    """A follow-up with earlier user/assistant turns is answered with sources, not refused."""
    completion = client.chat.completions.create(
        model="styrdok",
        messages=[
            {"role": "user", "content": "Vilka visionsmål har Ljungby kommun?"},
            {"role": "assistant", "content": "Bästa kommun att växa i [1]."},
            {"role": "user", "content": "Och vad innebär livslångt lärande för alla?"},
        ],
    )
    assert completion.model_extra["styrdok"]["citations"]


def test_bad_request_is_a_swedish_error(client: openai.OpenAI) -> None:
    """An empty question reaches the client as a 400 whose message is Swedish."""
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="styrdok",
                                       messages=[{"role": "user", "content": "   "}])
    assert "Frågan är tom" in str(caught.value)
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="styrdok",
                                       messages=[{"role": "assistant", "content": "Hej"}])
    assert "sista meddelandet" in str(caught.value)
