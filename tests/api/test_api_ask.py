"""``/api/ask`` and ``/api/ask/stream`` over real HTTP: answers, streaming, validation, schema."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.index import IndexBusyError, StoreUnavailableError
from ui.api import build_router

QUESTION = "Vilka mål har barn- och utbildningsnämnden?"


def _events(body: str) -> list[tuple[str, dict]]:
    events = []
    for block in body.strip().split("\n\n"):
        name, data = block.split("\n", 1)
        events.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    return events


def test_ask_returns_answer_with_citations(api_url: str) -> None:
    """A question returns JSON text whose [n] markers all have a citation with a passage."""
    response = httpx.post(f"{api_url}/api/ask", json={"question": QUESTION}, timeout=60)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert not body["refused"] and body["citations"] and body["retrieved"]
    for citation in body["citations"]:
        assert f"[{citation['n']}]" in body["text"] and citation["passage"]
    assert body["interpreted_as"] is None


def test_a_misspelt_question_says_how_it_was_read(api_url: str) -> None:
    body = httpx.post(f"{api_url}/api/ask", json={"question": "vad betyder visonen"},
                      timeout=60).json()
    assert not body["refused"] and body["interpreted_as"] == "vad betyder visionen"


def test_stream_deltas_add_up_to_the_answer(api_url: str) -> None:
    """The SSE deltas concatenate to exactly the final answer, which equals /api/ask's."""
    plain = httpx.post(f"{api_url}/api/ask", json={"question": QUESTION}, timeout=60).json()
    response = httpx.post(f"{api_url}/api/ask/stream", json={"question": QUESTION}, timeout=60)
    assert response.headers["content-type"].startswith("text/event-stream")
    events = _events(response.text)
    assert events[-1][0] == "answer"
    deltas = "".join(data["text"] for name, data in events if name == "delta")
    assert deltas == events[-1][1]["text"] == plain["text"]
    assert events[-1][1]["citations"] == plain["citations"]


def test_history_as_messages(api_url: str) -> None:
    """History given as role/content messages is used to rewrite a follow-up question."""
    body = httpx.post(f"{api_url}/api/ask", timeout=60, json={
        "question": "Och vilka indikatorer har den?",
        "history": [{"role": "user", "content": QUESTION},
                    {"role": "assistant", "content": "Barn och elever är delaktiga [1]."}],
    }).json()
    assert body["standalone_question"] != "Och vilka indikatorer har den?"


BAD = [
    ({}, 422, "`question` saknas"),
    ({"question": ""}, 400, "Frågan är tom"),
    ({"question": " \n\t "}, 400, "Frågan är tom"),
    ({"question": "x" * 2001}, 400, "för lång"),
    ({"question": 42}, 422, "fel typ"),
    ({"question": "hej\x00\x1b[31m"}, 400, "kontrolltecken"),
    ({"question": "a", "history": "nej"}, 422, "fel typ"),
    ({"question": "a", "history": [{"role": "system", "content": "x"}]}, 422, "otillåtet"),
    ({"question": "a", "history": [{"role": "assistant", "content": "x"}]}, 400, "Historiken"),
    ({"question": "a", "history": [{"role": "user", "content": "y" * 20_001}]}, 400, "för lång"),
]


@pytest.mark.parametrize(("payload", "status", "phrase"), BAD)
def test_bad_requests_get_swedish_4xx(api_url: str, payload: dict, status: int,
                                      phrase: str) -> None:
    """Each malformed request gets its 4xx and a Swedish message; the service keeps serving."""
    response = httpx.post(f"{api_url}/api/ask", json=payload, timeout=60)
    assert response.status_code == status
    assert phrase in response.json()["error"]["message"]


@pytest.mark.parametrize("raw", [b'{"question": "\xff\xfe fr\xe5ga"}', b'{"question": ',
                                 b'{"question": "\\ud800"}'])
def test_undecodable_bodies_are_rejected(api_url: str, raw: bytes) -> None:
    """Non-UTF-8 bytes, truncated JSON and lone surrogates give a 4xx JSON error, then the
    next normal request is still answered."""
    response = httpx.post(f"{api_url}/api/ask", content=raw, timeout=60,
                          headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["message"]
    assert httpx.post(f"{api_url}/api/ask", json={"question": QUESTION},
                      timeout=60).status_code == 200


def test_openapi_documents_the_api(api_url: str) -> None:
    """The OpenAPI description lists every route and the request/answer models."""
    schema = httpx.get(f"{api_url}/openapi.json", timeout=60).json()
    for path in ("/api/ask", "/api/ask/stream", "/v1/chat/completions", "/v1/models"):
        assert path in schema["paths"]
    models = schema["components"]["schemas"]
    assert {"AskRequest", "AnswerOut", "CitationOut", "ChatRequest", "ErrorResponse"} <= set(
        models)
    assert "question" in models["AskRequest"]["required"]


class _DownAssistant:
    settings = None

    def ask(self, question: str, history: object = ()) -> object:
        raise StoreUnavailableError("Chroma-servern på http://127.0.0.1:1 svarar inte")

    def stream(self, question: str, history: object = ()) -> object:
        raise StoreUnavailableError("Chroma-servern på http://127.0.0.1:1 svarar inte")


@pytest.mark.parametrize("path", ["/api/ask", "/api/ask/stream"])
def test_unreachable_index_is_503(path: str) -> None:
    """An unreachable store gives 503 + Retry-After and a Swedish message, before streaming."""
    app = FastAPI()
    app.include_router(build_router(_DownAssistant))
    response = TestClient(app).post(path, json={"question": "Vad är visionen?"})
    assert response.status_code == 503 and response.headers["retry-after"]
    assert "når inte dokumentindexet" in response.json()["error"]["message"]


class _BusyAssistant(_DownAssistant):
    def ask(self, question: str, history: object = ()) -> object:
        raise IndexBusyError("dokumenten byttes ut under 5 sökförsök i rad; försök igen")


def test_index_switching_under_every_read_is_503_busy() -> None:
    """Re-ingests that outpace every read attempt are a temporary state, not a server fault."""
    app = FastAPI()
    app.include_router(build_router(_BusyAssistant))
    response = TestClient(app).post("/api/ask", json={"question": "Vad är visionen?"})
    assert response.status_code == 503 and response.headers["retry-after"]
    assert response.json()["error"]["code"] == "index_busy"
    assert "uppdateras just nu" in response.json()["error"]["message"]
