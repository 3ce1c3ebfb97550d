"""The staff tab's handlers: password, upload and index, remove, re-index, feedback export."""

from __future__ import annotations

import csv
from pathlib import Path

import gradio as gr
import pytest

from assistant.settings import Settings
from ingest.pipeline import ingest_paths
from ui.admin import AdminHandlers, check_password
from ui.app import AppContext


@pytest.fixture
def handlers(tmp_path: Path, fixture_corpus: Path) -> AdminHandlers:
    settings = Settings.from_env(environ={}, index_dir=tmp_path / "idx", embedder="fake",
                                 admin_password="rätt lösen", max_upload_mb=1)
    ingest_paths([fixture_corpus / "sagobygden.md"], settings)
    return AdminHandlers(AppContext(settings))


def test_password_check() -> None:
    assert check_password("rätt lösen", "rätt lösen")
    assert not check_password("fel", "rätt lösen")
    assert not check_password("", None)


def test_login_with_the_wrong_password_keeps_the_tab_closed(handlers: AdminHandlers) -> None:
    authed, *_rest, message, _ = handlers.login("fel")
    assert authed is False and "Fel lösenord" in message
    assert handlers.login("rätt lösen")[0] is True


def test_every_action_requires_login(handlers: AdminHandlers, tmp_path: Path) -> None:
    with pytest.raises(gr.Error):
        handlers.upload([str(tmp_path / "x.md")], False)
    with pytest.raises(gr.Error):
        handlers.remove("sagobygden", False)
    with pytest.raises(gr.Error):
        handlers.export(False)
    assert "sagobygden" in handlers.ctx.documents()


@pytest.fixture
def gradio_uploads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Gradio's upload folder for the test: handlers read files only from there."""
    folder = tmp_path / "gradio"
    folder.mkdir()
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(folder))
    return folder


def test_upload_remove_and_export(handlers: AdminHandlers, gradio_uploads: Path) -> None:
    good = gradio_uploads / "Taxor 2026.md"
    good.write_text("# Taxor\n\nBygglov kostar 5 000 kronor.\n", encoding="utf-8")
    bad = gradio_uploads / "falsk.pdf"
    bad.write_text("inte en pdf", encoding="utf-8")
    note = handlers.upload([str(good), str(bad)], True)
    assert "taxor-2026" in note.replace("\\", "") and "ingen PDF" in note
    assert set(handlers.ctx.documents()) == {"sagobygden", "taxor-2026"}
    table = handlers.overview(True)[0]
    assert "Taxor" in table and "sagobygden" in table

    assert "Tog bort" in handlers.remove("sagobygden", True)
    assert set(handlers.ctx.documents()) == {"taxor-2026"}
    assert "Klart" in handlers.reindex(True)

    handlers.ctx.feedback.add("Vad kostar bygglov?", "5 000 kronor [1]", [], "up", "bra")
    exported = Path(handlers.export(True)["value"])
    rows = list(csv.DictReader(exported.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0]["question"] == "Vad kostar bygglov?" and rows[0]["rating"] == "up"


def test_upload_of_a_path_outside_gradios_folder_is_refused_unread(
    handlers: AdminHandlers, gradio_uploads: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "hemlig.md"
    secret.write_text("# Hemlig\n\nHemligt innehåll.\n", encoding="utf-8")
    notes = [handlers.upload([str(path)], True)
             for path in (secret, tmp_path / "saknas.md", gradio_uploads / ".." / "hemlig.md")]
    assert all("Filen kunde inte tas emot" in note for note in notes)
    assert notes[0] == notes[1].replace("saknas", "hemlig")  # no "does not exist" oracle
    assert set(handlers.ctx.documents()) == {"sagobygden"}
