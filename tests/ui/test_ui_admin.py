"""The staff tab's handlers: the session cookie, upload and index, remove, re-index."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr
import pytest

from assistant.settings import Settings
from ingest.pipeline import ingest_paths
from ui.admin import AdminHandlers, check_password
from ui.context import AppContext
from ui.staff_auth import COOKIE


@pytest.fixture
def handlers(tmp_path: Path, fixture_corpus: Path) -> AdminHandlers:
    settings = Settings.from_env(environ={}, index_dir=tmp_path / "idx", embedder="fake",
                                 admin_password="rätt lösen", max_upload_mb=1)
    ingest_paths([fixture_corpus / "sagobygden.md"], settings)
    return AdminHandlers(AppContext(settings))


def request(cookies: dict[str, str] | None = None, **query: str) -> Any:
    """What the handlers read of a Gradio request: its cookies and query parameters."""
    return SimpleNamespace(cookies=cookies or {}, query_params=query)


@pytest.fixture
def staff(handlers: AdminHandlers) -> Any:
    return request({COOKIE: handlers.ctx.staff.sessions.open()})


def test_password_check() -> None:
    assert check_password("rätt lösen", "rätt lösen")
    assert not check_password("fel", "rätt lösen")
    assert not check_password("", None)


def test_the_page_shows_login_or_tools_by_the_session_cookie(handlers: AdminHandlers,
                                                            staff: Any) -> None:
    login, tools, note, _tabs = handlers.page(request(personal="fel"))
    assert login["visible"] and not tools["visible"] and "Fel lösenord" in note
    login, tools, note, _tabs = handlers.page(staff)
    assert not login["visible"] and tools["visible"] and note == ""
    # A cookie the server never issued (or one that expired) is not a login.
    _login, tools, note, _tabs = handlers.page(request({COOKIE: "gissat"}))
    assert not tools["visible"] and "Logga in igen" in note


def test_every_action_requires_a_live_session(handlers: AdminHandlers, tmp_path: Path,
                                             staff: Any) -> None:
    for anonymous in (None, request(), request({COOKIE: "gissat"})):
        with pytest.raises(gr.Error):
            handlers.upload([str(tmp_path / "x.md")], anonymous)
        with pytest.raises(gr.Error):
            handlers.remove("sagobygden", anonymous)
        with pytest.raises(gr.Error):
            handlers.reindex(anonymous)
        assert handlers.overview(anonymous)[0] == ""
    assert "sagobygden" in handlers.ctx.documents()
    handlers.ctx.staff.sessions.close(staff.cookies[COOKIE])
    with pytest.raises(gr.Error):
        handlers.remove("sagobygden", staff)


@pytest.fixture
def gradio_uploads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Gradio's upload folder for the test: handlers read files only from there."""
    folder = tmp_path / "gradio"
    folder.mkdir()
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(folder))
    return folder


def test_upload_remove_and_reindex(handlers: AdminHandlers, gradio_uploads: Path,
                                   staff: Any) -> None:
    good = gradio_uploads / "Taxor 2026.md"
    good.write_text("# Taxor\n\nBygglov kostar 5 000 kronor.\n", encoding="utf-8")
    bad = gradio_uploads / "falsk.pdf"
    bad.write_text("inte en pdf", encoding="utf-8")
    note = handlers.upload([str(good), str(bad)], staff)
    assert "taxor-2026" in note.replace("\\", "") and "ingen PDF" in note
    assert set(handlers.ctx.documents()) == {"sagobygden", "taxor-2026"}
    table = handlers.overview(staff)[0]
    assert "Taxor" in table and "sagobygden" in table

    assert "Tog bort" in handlers.remove("sagobygden", staff)
    assert set(handlers.ctx.documents()) == {"taxor-2026"}
    assert "Klart" in handlers.reindex(staff)


def test_upload_of_a_path_outside_gradios_folder_is_refused_unread(
    handlers: AdminHandlers, gradio_uploads: Path, tmp_path: Path, staff: Any
) -> None:
    secret = tmp_path / "hemlig.md"
    secret.write_text("# Hemlig\n\nHemligt innehåll.\n", encoding="utf-8")
    notes = [handlers.upload([str(path)], staff)
             for path in (secret, tmp_path / "saknas.md", gradio_uploads / ".." / "hemlig.md")]
    assert all("Filen kunde inte tas emot" in note for note in notes)
    assert notes[0] == notes[1].replace("saknas", "hemlig")  # no "does not exist" oracle
    assert set(handlers.ctx.documents()) == {"sagobygden"}
