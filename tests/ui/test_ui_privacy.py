"""The privacy notice and page, the municipality's own page text, and what the app does while
it runs: masked logs, retention at start, deleting all feedback from the staff tab."""

from __future__ import annotations

import io
import logging
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr
import pytest
from fastapi.testclient import TestClient

from assistant.settings import Settings, SettingsError
from ui.admin import AdminHandlers
from ui.app import create_app
from ui.chat import ChatHandlers
from ui.context import AppContext
from ui.privacy import external_llm_host, llm_endpoint, load_custom_text, notice_html
from ui.staff_auth import COOKIE

EXTERNAL = {"llm": "openai", "llm_model": "gpt-4o-mini",
            "llm_base_url": "https://svc:hemligt@llm.example.se:8443/v1", "llm_api_key": "k"}


def settings_for(tmp_path: Path, **changes: Any) -> Settings:
    return Settings.from_env(environ={}, index_dir=tmp_path / "idx", embedder="fake",
                             feedback_db=tmp_path / "fb.sqlite3", **changes)


@pytest.mark.parametrize(("changes", "endpoint", "external"), [
    ({}, None, None),
    ({"llm": "transformers"}, None, None),
    ({"llm": "openai"}, "api.openai.com", "api.openai.com"),
    (EXTERNAL, "llm.example.se:8443", "llm.example.se:8443"),
    ({"llm": "ollama"}, "127.0.0.1:11434", None),
    ({"llm": "ollama", "llm_base_url": "http://localhost:11434"}, "localhost:11434", None),
    ({"llm": "ollama", "llm_base_url": "http://10.1.2.3:11434"}, "10.1.2.3:11434",
     "10.1.2.3:11434"),
    ({"llm": "openai", "llm_base_url": "http://[::1]:8000/v1"}, "[::1]:8000", None),
])
def test_where_questions_are_sent(tmp_path: Path, changes: dict[str, str], endpoint: str | None,
                                  external: str | None) -> None:
    settings = settings_for(tmp_path, **changes)
    assert llm_endpoint(settings) == endpoint
    assert external_llm_host(settings) == external


def test_notice_changes_when_an_external_llm_is_configured(tmp_path: Path) -> None:
    local = notice_html(settings_for(tmp_path))
    assert "Skriv inte personuppgifter" in local and "kommunens egen server" in local
    assert 'href="integritet"' in local and "extern" not in local
    external = notice_html(settings_for(tmp_path, **EXTERNAL))
    assert "Skriv inte personuppgifter" in external
    assert "extern språkmodell hos llm.example.se:8443" in external
    assert "kommunens egen server" not in external
    assert "hemligt" not in external and "svc" not in external  # no credentials from the URL


@pytest.fixture
def running(tmp_path: Path) -> Iterator[TestClient]:
    """The app with its lifespan run (start-up retention, log masking), a 30-day retention and
    three stored ratings: 40, 31 and 2 days old."""
    settings = settings_for(tmp_path, feedback_retention_days=30)
    app = create_app(settings)
    store = app.state.styrdok.feedback
    now = datetime.now(UTC)
    for days in (40, 31, 2):
        row_id = store.add(f"{days} dagar", "svar", [], "up")
        with sqlite3.connect(store.path) as conn:
            conn.execute("UPDATE feedback SET created_at = ? WHERE id = ?",
                         ((now - timedelta(days=days)).isoformat(timespec="seconds"), row_id))
    with TestClient(app) as client:
        yield client


def test_privacy_page_says_what_is_stored_for_how_long_and_why(running: TestClient) -> None:
    response = running.get("/integritet")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page = response.text
    assert '<html lang="sv">' in page
    assert "Vad som sparas" in page and "sparas i 30 dagar" in page and "Varför" in page
    assert "kommunens egen server" in page and "Extern språkmodell" not in page


def test_privacy_page_names_the_external_llm_host(tmp_path: Path) -> None:
    client = TestClient(create_app(settings_for(tmp_path, **EXTERNAL)))
    page = client.get("/integritet").text
    assert "Extern språkmodell" in page and "llm.example.se:8443" in page
    assert "hemligt" not in page


def test_old_feedback_is_deleted_when_the_app_starts(running: TestClient) -> None:
    store = running.app.state.styrdok.feedback  # type: ignore[attr-defined]
    assert [r.question for r in store.rows()] == ["2 dagar"]


def test_log_lines_are_masked_while_the_app_runs(tmp_path: Path) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with TestClient(create_app(settings_for(tmp_path))):
            logging.getLogger("ui.test").warning("fråga: ring 070-123 45 67, pnr 811218-9876")
    finally:
        root.removeHandler(handler)
    assert stream.getvalue().strip() == "fråga: ring [telefon], pnr [personnummer]"


class _FailingAssistant:
    def stream(self, question: str, history: object) -> Iterator[str]:
        raise RuntimeError(f"modellen föll på frågan {question!r}")


def test_a_failed_answer_logs_no_question_text_at_the_default_level(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ctx = AppContext(settings_for(tmp_path))
    ctx._assistant = _FailingAssistant()  # type: ignore[assignment]
    question = "Får min granne Anna Berg bygga ett plank?"
    with caplog.at_level(logging.WARNING):
        outputs = list(ChatHandlers(ctx).respond(question, []))
    assert "Tjänsten kunde inte svara" in str(outputs[-1][0])
    assert "answering failed: RuntimeError" in caplog.text
    assert "Anna Berg" not in caplog.text and "plank" not in caplog.text
    with caplog.at_level(logging.DEBUG):  # the whole traceback, for an operator who asks
        list(ChatHandlers(ctx).respond(question, []))
    assert "Anna Berg" in caplog.text


def test_staff_delete_all_feedback_needs_login_and_confirmation(tmp_path: Path) -> None:
    handlers = AdminHandlers(AppContext(settings_for(tmp_path, admin_password="lösen")))
    handlers.ctx.feedback.add("fråga", "svar", [], "up")
    anonymous = SimpleNamespace(cookies={}, query_params={})
    staff = SimpleNamespace(cookies={COOKIE: handlers.ctx.staff.sessions.open()}, query_params={})
    with pytest.raises(gr.Error):
        handlers.delete_feedback(True, anonymous)
    note, confirmed = handlers.delete_feedback(False, staff)
    assert "Kryssa i rutan" in note and confirmed is False
    assert len(handlers.ctx.feedback.rows()) == 1
    note, confirmed = handlers.delete_feedback(True, staff)
    assert note == "Raderade alla omdömen (1 st)." and confirmed is False
    assert handlers.ctx.feedback.rows() == []


def test_municipality_markdown_page_replaces_the_text_and_is_sanitised(tmp_path: Path) -> None:
    page = tmp_path / "integritet.md"
    page.write_text("# Ljungby kommuns integritetspolicy\n\nVi sparar omdömen i 30 dagar. "
                    "<script>alert(1)</script> [länk](javascript:alert(2))\n", encoding="utf-8")
    settings = settings_for(tmp_path, privacy_page=page, **EXTERNAL)
    html = TestClient(create_app(settings)).get("/integritet").text
    assert "<h1>Ljungby kommuns integritetspolicy</h1>" in html
    assert "Vad som sparas" not in html  # the built-in text is replaced
    assert "<script" not in html and "&lt;script&gt;alert(1)" in html  # shown as text
    assert 'href="javascript' not in html
    assert "llm.example.se:8443" in html  # the external model is always named


def test_municipality_html_page_keeps_only_safe_markup(tmp_path: Path) -> None:
    page = tmp_path / "integritet.html"
    page.write_text("<html><head><title>Gammal titel</title><style>p{}</style></head><body>"
                    "<h1 onclick=\"alert(1)\">Integritet</h1><p>Text <img src=\"https://spår."
                    "example/x.gif\"><iframe src=\"https://x\"></iframe></p></body></html>",
                    encoding="utf-8")
    text = load_custom_text(settings_for(tmp_path, privacy_page=page))
    assert text == "<h1>Integritet</h1><p>Text </p>"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("saknas.md", None, "finns inte"),
    ("sida.pdf", b"%PDF", "HTML- eller Markdown-fil"),
    ("sida.md", "å".encode("latin-1"), "UTF-8"),
    ("sida.html", b"<script>bara skript</script>", "ingen text"),
    ("stor.md", b"x" * (600 * 1024), "för stor"),
])
def test_unusable_page_file_stops_the_start_with_a_clear_message(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SettingsError, match=message):
        create_app(settings_for(tmp_path, privacy_page=path))
