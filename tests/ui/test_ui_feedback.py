"""The SQLite feedback store."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest

from assistant.settings import Settings
from ui.feedback import FeedbackError, FeedbackStore, feedback_path

CITES = [{"n": 1, "doc_id": "vision-2035", "title": "Vision 2035", "page": None}]


def test_rating_is_stored_with_question_answer_and_citations(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    row_id = store.add("Vad är visionen?", "35 000 invånare [1]", CITES, "up", " bra ")
    with sqlite3.connect(tmp_path / "fb.sqlite3") as conn:
        row = conn.execute("SELECT question, answer, citations, rating, comment FROM feedback "
                           "WHERE id = ?", (row_id,)).fetchone()
    assert row[:2] == ("Vad är visionen?", "35 000 invånare [1]")
    assert '"doc_id": "vision-2035"' in row[2]
    assert row[3:] == ("up", "bra")


def test_rows_are_newest_first_and_counted(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.add("a", "svar a", [], "up")
    store.add("b", "svar b", CITES, "down", "saknade datum")
    rows = store.rows()
    assert [r.question for r in rows] == ["b", "a"]
    assert rows[0].citations == CITES
    assert store.counts() == {"up": 1, "down": 1}


def test_unknown_rating_and_empty_question_are_refused(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    with pytest.raises(FeedbackError):
        store.add("fråga", "svar", [], "meh")
    with pytest.raises(FeedbackError):
        store.add("  ", "svar", [], "up")
    assert store.rows() == []


def test_csv_export_has_every_row_and_neutralises_formulas(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.add("Vad gäller för år 2026?", "Svar med å, ä, ö [1]", CITES, "up")
    store.add("=HYPERLINK(\"http://x\")", "svar", [], "down", "@SUM(A1)")
    path = store.export_csv(tmp_path / "out.csv")
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["rating"] for r in rows] == ["up", "down"]
    assert rows[0]["answer"] == "Svar med å, ä, ö [1]"
    assert rows[1]["question"].startswith("'=") and rows[1]["comment"] == "'@SUM(A1)"


def test_default_path_is_beside_the_index_and_configurable(tmp_path: Path) -> None:
    settings = Settings.from_env(environ={}, index_dir=tmp_path / "idx")
    assert feedback_path(settings) == tmp_path / "idx" / "feedback.sqlite3"
    custom = settings.replace(feedback_db=tmp_path / "egen.sqlite3")
    assert feedback_path(custom) == tmp_path / "egen.sqlite3"
