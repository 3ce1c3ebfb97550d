"""Issue 14's HTTP findings, reproduced against a real app on 127.0.0.1 (uvicorn, as deployed).

Clients are told apart by ``X-Forwarded-For``: uvicorn believes it from 127.0.0.1, the
default trusted proxy, exactly as it would from a reverse proxy in front of the app.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from assistant.settings import Settings
from evals.reliability.attacks import gradio_call, send_body
from ingest.pipeline import ingest_paths
from ui.staff_auth import COOKIE

if TYPE_CHECKING:
    from conftest import RunningApp, StartApp  # tests/ui/conftest.py

pytestmark = [pytest.mark.server]
PASSWORD = "personal-2026"
ATTACKER = {"X-Forwarded-For": "203.0.113.7"}
STAFF = {"X-Forwarded-For": "198.51.100.20"}


@pytest.fixture
def settings(tmp_path: Path, fixture_corpus: Path) -> Settings:
    settings = Settings.from_env(environ={}, index_dir=tmp_path / "idx", embedder="fake",
                                 admin_password=PASSWORD, feedback_db=tmp_path / "fb.sqlite3",
                                 today="2026-11-26")
    ingest_paths([fixture_corpus / "sagobygden.md", fixture_corpus / "vision-2035.md"], settings)
    return settings


def client(app: RunningApp, headers: dict[str, str] | None = None) -> httpx.Client:
    return httpx.Client(base_url=app.url, headers=headers or {}, timeout=60)


def login(app: RunningApp, headers: dict[str, str]) -> httpx.Client:
    staff = client(app, headers)
    response = staff.post("/personal/logga-in", data={"password": PASSWORD})
    assert response.status_code == 303 and response.headers["location"] == "/?personal=inloggad"
    assert COOKIE in staff.cookies
    return staff


# --------------------------------------------------------------------------- finding 2


def timed_health(app: RunningApp) -> tuple[int, float]:
    start = time.monotonic()
    status = httpx.get(app.url + "healthz", timeout=30).status_code
    return status, time.monotonic() - start


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_30_mb_body_is_refused_at_once_and_healthz_keeps_answering(
    settings: Settings, run_app: StartApp, chunked: bool
) -> None:
    app = run_app(settings)
    assert timed_health(app)[0] == 200  # opens the index, so the timing below is the server's
    result: dict[str, tuple[str, float]] = {}
    big = threading.Thread(target=lambda: result.update(
        ask=send_body(app.url, "/api/ask", 30 * 1024 * 1024, chunked)))
    big.start()
    health = [timed_health(app) for _ in range(3)]
    big.join(60)
    status, elapsed = result["ask"]
    assert status.startswith("HTTP/1.1 413"), status
    # The bounds (it took 11 s, and /healthz waited as long).
    assert elapsed < 1.0
    assert all(code == 200 and seconds < 1.0 for code, seconds in health), health


def test_a_ui_route_body_is_bounded_too(settings: Settings, run_app: StartApp) -> None:
    app = run_app(settings)
    status, _ = send_body(app.url, "/gradio_api/queue/join", 5 * 1024 * 1024, chunked=False)
    assert status.startswith("HTTP/1.1 413"), status


# --------------------------------------------------------------------------- finding 6


def test_history_is_capped_and_questions_are_rate_limited_per_client(
    settings: Settings, run_app: StartApp
) -> None:
    app = run_app(settings.replace(rate_limit_per_minute=1, rate_limit_burst=2))
    attacker, other = client(app, ATTACKER), client(app, {"X-Forwarded-For": "192.0.2.44"})
    # The finding's request: 40 history messages of 20,000 characters (800 kB) each.
    huge = [{"role": "user" if i % 2 == 0 else "assistant", "content": "å" * 20_000}
            for i in range(40)]
    response = attacker.post("/api/ask", json={"question": "Vad är visionen?", "history": huge})
    assert response.status_code == 413
    turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": "Hej"} for i in range(22)]
    response = attacker.post("/api/ask", json={"question": "Vad är visionen?", "history": turns})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "history_too_long"
    long = [{"role": "user", "content": "a" * 15_000}, {"role": "assistant", "content": "b" * 6000}]
    response = attacker.post("/api/ask", json={"question": "Vad är visionen?", "history": long})
    assert response.json()["error"]["code"] == "history_too_long"

    # The two refused histories used up the attacker's burst (the body refused for its size
    # never got that far): the next question, on any endpoint, waits.
    response = attacker.post("/api/ask", json={"question": "Vad är visionen?"})
    assert response.status_code == 429 and int(response.headers["retry-after"]) >= 1
    assert "många frågor" in response.json()["error"]["message"]
    response = attacker.post("/v1/chat/completions",
                             json={"messages": [{"role": "user", "content": "Vad är visionen?"}]})
    assert response.status_code == 429
    assert other.post("/api/ask", json={"question": "Vad är visionen?"}).status_code == 200


def test_the_chat_event_shares_the_rate_limit(settings: Settings, run_app: StartApp) -> None:
    from gradio_client import Client

    app = run_app(settings.replace(rate_limit_per_minute=1, rate_limit_burst=1))
    chat_client = Client(app.url, verbose=False, headers=ATTACKER)
    chat, *_ = chat_client.predict("Vad är visionen?", api_name="/fraga")
    assert "många frågor" not in json.dumps(chat[-1], ensure_ascii=False)
    chat, *_ = chat_client.predict("Vad är visionen?", api_name="/fraga")
    assert "många frågor" in json.dumps(chat[-1], ensure_ascii=False)
    assert client(app, ATTACKER).post("/api/ask", json={"question": "Hej?"}).status_code == 429


# --------------------------------------------------------------------------- findings 3, 4


def test_a_stolen_session_hash_without_the_cookie_cannot_remove_a_document(
    settings: Settings, run_app: StartApp
) -> None:
    app = run_app(settings)
    staff = login(app, STAFF)
    session_hash = uuid.uuid4().hex[:11]
    # As on the page: the tab's overview fills the document choices of this session.
    gradio_call(staff, "overview", [], session_hash)
    done = gradio_call(staff, "remove", ["sagobygden"], session_hash)
    assert "Tog bort sagobygden" in json.dumps(done, ensure_ascii=False)

    # The attacker saw the session_hash in a proxy log; the staff session is still live.
    for cookies in ({}, {COOKIE: "gissat-varde"}):
        attacker = client(app, ATTACKER)
        attacker.cookies.update(cookies)
        refused = gradio_call(attacker, "remove", ["vision-2035"], session_hash)
        assert "Logga in igen" in str(refused.get("error")), refused
    health = httpx.get(app.url + "healthz").json()
    assert health["documents"] == 1  # vision-2035 is still there


def test_the_11th_wrong_login_is_locked_out_and_staff_still_get_in(
    settings: Settings, run_app: StartApp
) -> None:
    app = run_app(settings)
    attacker = client(app, ATTACKER)
    for _ in range(10):
        response = attacker.post("/personal/logga-in", data={"password": "gissning"})
        assert response.status_code == 303 and response.headers["location"] == "/?personal=fel"
    locked = attacker.post("/personal/logga-in", data={"password": "gissning"})
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 60
    assert "För många" in locked.text
    # Locked out means locked out: not even the right password gets the attacker in.
    assert attacker.post("/personal/logga-in", data={"password": PASSWORD}).status_code == 429
    assert COOKIE not in attacker.cookies
    staff = login(app, STAFF)
    assert staff.get("/personal/omdomen.csv").status_code == 200


def test_login_from_another_site_is_refused_and_logout_ends_the_session(
    settings: Settings, run_app: StartApp
) -> None:
    app = run_app(settings)
    forged = client(app, STAFF).post("/personal/logga-in", data={"password": PASSWORD},
                                     headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403
    staff = login(app, STAFF)
    cookie = staff.cookies[COOKIE]
    assert staff.post("/personal/logga-ut").status_code == 303
    replay = client(app, STAFF)
    replay.cookies.set(COOKIE, cookie)
    assert replay.get("/personal/omdomen.csv").status_code == 401


def test_the_feedback_export_needs_the_session_and_leaves_no_file(
    settings: Settings, run_app: StartApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    app = run_app(settings)
    assert client(app, ATTACKER).get("/personal/omdomen.csv").status_code == 401
    staff = login(app, STAFF)
    response = staff.get("/personal/omdomen.csv")
    assert response.status_code == 200 and response.text.lstrip("\ufeff").startswith("id,")
    assert response.headers["cache-control"] == "no-store"
    deadline = time.monotonic() + 10
    while any(temp.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(temp.iterdir())


# --------------------------------------------------------------------------- finding 7


def test_security_headers_on_the_page_the_api_and_documents(
    settings: Settings, run_app: StartApp
) -> None:
    app = run_app(settings)
    http = client(app)
    responses = [http.get("/"), http.post("/api/ask", json={"question": ""}),
                 http.get("/healthz"), http.get("/config")]
    for response in responses:
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], response.url
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
    document = http.get("/documents/sagobygden")
    csp = document.headers["content-security-policy"]
    assert csp.startswith("sandbox") and "frame-ancestors 'none'" in csp


@pytest.mark.parametrize("allowed", ["", "https://www.ljungby.se"])
def test_cors_echoes_only_allow_listed_origins(
    settings: Settings, run_app: StartApp, allowed: str
) -> None:
    app = run_app(settings.replace(cors_origins=allowed or None))
    http = client(app, {"Host": "styrdok.ljungby.se"})  # not localhost: Gradio's layer echoed
    for path in ("/config", "/healthz", "/gradio_api/info"):
        response = http.get(path, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in response.headers, path
        assert "access-control-allow-credentials" not in response.headers, path
    preflight = http.options("/api/ask", headers={
        "Origin": "https://www.ljungby.se", "Access-Control-Request-Method": "POST"})
    echoed = preflight.headers.get("access-control-allow-origin")
    assert echoed == (allowed or None)
    evil = http.options("/api/ask", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in evil.headers
