"""Staff tab, web part: the handler refuses strangers and internal addresses."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

from assistant.settings import Settings
from ui.web_tab import WebHandlers


def handlers(tmp_path: Path, *, authed: bool) -> WebHandlers:
    settings = Settings(index_dir=tmp_path / "idx", embedder="fake", web_delay=0.0)
    return WebHandlers(SimpleNamespace(settings=settings), lambda _request: authed)  # type: ignore[arg-type]


def test_not_logged_in_is_refused(tmp_path: Path) -> None:
    with pytest.raises(gr.Error):
        list(handlers(tmp_path, authed=False).add("https://www.ljungby.se/", False, 10, None))  # type: ignore[arg-type]


def test_internal_address_is_refused_with_its_reason(tmp_path: Path) -> None:
    steps = list(handlers(tmp_path, authed=True).add("http://127.0.0.1:9/", False, 10, None))  # type: ignore[arg-type]
    status, results = steps[-1]
    assert "Klart, men några adresser kunde inte läsas." in status
    assert "internt nät (127.0.0.1)" in results


@pytest.mark.parametrize(
    ("url", "pages", "message"),
    [("", 10, "Ange en webbadress"), ("https://www.ljungby.se/", 0, "Högst antal sidor ska vara")],
)
def test_bad_form_input(tmp_path: Path, url: str, pages: int, message: str) -> None:
    steps = list(handlers(tmp_path, authed=True).add(url, False, pages, None))  # type: ignore[arg-type]
    assert message in steps[-1][0]
