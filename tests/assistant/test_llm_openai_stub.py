"""The OpenAI-compatible path over the wire, against a stub server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from assistant.generation import GeneratorError, Source
from assistant.llm import build_generator
from assistant.settings import Settings
from assistant.types import Chunk, Hit

REPLY = "Ljungby ska vara en attraktiv plats [1]."


class StubHandler(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, Any]]] = []

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StubHandler.requests.append(
            {"path": self.path, "auth": self.headers["Authorization"], **body}
        )
        if self.path != "/v1/chat/completions":
            self.send_error(404)
            return
        if body.get("stream"):
            self._stream(body["model"])
        else:
            self._json(body["model"])

    def _json(self, model: str) -> None:
        payload = json.dumps(
            {
                "id": "c1",
                "object": "chat.completion",
                "created": 0,
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": REPLY},
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _stream(self, model: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        pieces = [REPLY[:10], REPLY[10:25], REPLY[25:]]
        for i, piece in enumerate(pieces):
            delta = {"content": piece} if i else {"role": "assistant", "content": piece}
            chunk = {
                "id": "c1",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
            }
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        done = {
            "id": "c1",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": model,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        self.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
        self.wfile.flush()


@pytest.fixture()
def stub_url() -> Iterator[str]:
    StubHandler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def source() -> Source:
    chunk = Chunk(
        chunk_id="c1",
        doc_id="d1",
        text="Ljungby ska vara attraktiv.",
        position=0,
        title="Vision och mål",
    )
    return Source(n=1, hit=Hit(chunk=chunk, score=1.0))


def openai_settings(url: str) -> Settings:
    return Settings.from_env(
        environ={"OPENAI_API_KEY": "sk-test"},
        llm="openai",
        llm_model="stub-model",
        llm_base_url=url,
    )


def test_generate_over_the_wire_returns_the_completion(stub_url: str) -> None:
    generator = build_generator(openai_settings(stub_url))
    assert generator.generate("Vad är visionen?", [source()], "sv") == REPLY
    request = StubHandler.requests[0]
    assert request["model"] == "stub-model" and request["auth"] == "Bearer sk-test"
    roles = [m["role"] for m in request["messages"]]
    assert roles == ["system", "user"]
    assert "[1] Vision och mål" in request["messages"][1]["content"]


def test_stream_over_the_wire_yields_the_deltas(stub_url: str) -> None:
    generator = build_generator(openai_settings(stub_url))
    pieces = list(generator.stream("Vad är visionen?", [source()], "sv"))
    assert "".join(pieces) == REPLY and len(pieces) >= 3
    assert StubHandler.requests[0]["stream"] is True


def test_unreachable_endpoint_is_a_generator_error(stub_url: str) -> None:
    url = stub_url.replace("/v1", "/wrong")
    generator = build_generator(openai_settings(url))
    with pytest.raises(GeneratorError, match="kunde inte svara"):
        generator.generate("Vad är visionen?", [source()], "sv")
