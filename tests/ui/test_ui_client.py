"""The chat flow through gradio_client against the running app."""

from __future__ import annotations

import sqlite3
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from gradio_client import Client

from assistant.settings import Settings

if TYPE_CHECKING:
    from conftest import StartApp  # tests/ui/conftest.py


def _text(message: dict) -> str:
    """A chat message's text (Gradio 6 returns content as a list of typed parts)."""
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content)


@pytest.mark.server
def test_ask_open_source_and_rate_through_gradio_client(
    built_index: Settings, run_app: StartApp, tmp_path: Path
) -> None:
    app = run_app(built_index.replace(feedback_db=tmp_path / "fb.sqlite3"))
    client = Client(app.url, verbose=False)

    chat, sources, box, *_ = client.predict("Vilka visionsmål har kommunen?", api_name="/fraga")
    answer = _text(chat[-1])
    assert "**[1]**" in answer and "Källor:" in answer
    assert "Bästa kommun att växa i" in answer.replace("\\", "")
    assert 'class="sd-card"' in sources and box == ""

    link = sources.split('class="sd-open" href="', 1)[1].split('"', 1)[0].split("#")[0]
    with urllib.request.urlopen(app.url + link) as response:
        assert response.status == 200 and response.read()

    note, comment = client.predict("Tydligt svar", api_name="/omdome_upp")
    assert note.startswith("Tack") and comment == ""
    with sqlite3.connect(tmp_path / "fb.sqlite3") as conn:
        rows = conn.execute("SELECT question, rating, comment, citations FROM feedback").fetchall()
    assert len(rows) == 1
    question, rating, comment, citations = rows[0]
    assert (question, rating, comment) == ("Vilka visionsmål har kommunen?", "up", "Tydligt svar")
    assert '"n": 1' in citations


@pytest.mark.server
def test_markup_in_a_question_comes_back_escaped(
    built_index: Settings, run_app: StartApp, tmp_path: Path
) -> None:
    app = run_app(built_index.replace(feedback_db=tmp_path / "fb.sqlite3"))
    client = Client(app.url, verbose=False)
    chat, *_ = client.predict("<script>alert(1)</script> Vad är visionen?", api_name="/fraga")
    assert "<script>" not in _text(chat[0])
    assert "&lt;script&gt;" in _text(chat[0])
