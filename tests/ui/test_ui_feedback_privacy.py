"""Feedback and personal data: masking before storage and in exports, retention, deletion."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ui.feedback import FeedbackStore, purge_old_feedback, run_retention

PNR = "19811218-9876"  # Skatteverket's example number (valid Luhn)
SAMORDNING = "811278-9873"  # day 18 + 60
PERSONAL = f"Jag, {PNR} ({SAMORDNING}), nås på anna.svensson@ljungby.se eller 070-123 45 67."
MASKED = "Jag, [personnummer] ([personnummer]), nås på [e-post] eller [telefon]."
NOT_PERSONAL = "Ärende 811218-9875, beslut 2026-05-12 om 1 250 000 kronor (12,5 %)."
CITES = [{"n": 1, "doc_id": "vision-2035", "title": "Vision 2035",
          "passage": "Kontakt: 0470-410 00, kommun@ljungby.se"}]


def stored(path: Path) -> list[tuple[str, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT question, answer, citations, comment FROM feedback"
                            " ORDER BY id").fetchall()


def test_samordningsnummer_in_the_constant_is_valid() -> None:
    from assistant.pii import is_personnummer

    assert is_personnummer(SAMORDNING) and not is_personnummer("811218-9875")


def test_personal_data_is_masked_before_the_row_is_written(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.add(PERSONAL, f"Svar till {PNR} [1]", CITES, "down", PERSONAL)
    question, answer, citations, comment = stored(tmp_path / "fb.sqlite3")[0]
    assert question == MASKED and comment == MASKED
    assert answer == "Svar till [personnummer] [1]"
    assert json.loads(citations)[0]["passage"] == "Kontakt: [telefon], [e-post]"
    assert json.loads(citations)[0]["doc_id"] == "vision-2035"
    raw = (tmp_path / "fb.sqlite3").read_bytes()
    assert b"9876" not in raw and b"ljungby.se" not in raw and b"45 67" not in raw


def test_invalid_numbers_dates_and_amounts_are_stored_as_typed(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.add(NOT_PERSONAL, NOT_PERSONAL, [], "up", NOT_PERSONAL)
    assert stored(tmp_path / "fb.sqlite3")[0][::3] == (NOT_PERSONAL, NOT_PERSONAL)


def test_csv_export_is_masked_even_for_rows_stored_before_masking(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    FeedbackStore(path).add("fråga", "svar", [], "up")
    with sqlite3.connect(path) as conn:  # a row written by a version without masking
        conn.execute("INSERT INTO feedback (created_at, question, answer, citations, rating, "
                     "comment) VALUES (?, ?, ?, ?, 'down', ?)",
                     ("2026-11-01T10:00:00+00:00", PERSONAL, PERSONAL,
                      json.dumps(CITES), PERSONAL))
    store = FeedbackStore(path)
    text = store.to_csv()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[1]["question"] == MASKED and rows[1]["comment"] == MASKED
    assert "0470-410 00" not in text and PNR not in text


def test_rows_stored_before_masking_are_masked_when_the_store_opens(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    with sqlite3.connect(path) as conn:  # an old file: same table, never masked
        conn.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at "
                     "TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, citations "
                     "TEXT NOT NULL, rating TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '')")
        conn.execute("INSERT INTO feedback (created_at, question, answer, citations, rating, "
                     "comment) VALUES ('2026-11-01T10:00:00+00:00', ?, 'svar', 'inte json', "
                     "'up', '')", (PERSONAL,))
    FeedbackStore(path)
    assert stored(path) == [(MASKED, "svar", '"inte json"', "")]


def _aged(store: FeedbackStore, days_old: dict[str, float], now: datetime) -> None:
    for question, days in days_old.items():
        row_id = store.add(question, "svar", [], "up")
        created = (now - timedelta(days=days)).isoformat(timespec="seconds")
        with sqlite3.connect(store.path) as conn:
            conn.execute("UPDATE feedback SET created_at = ? WHERE id = ?", (created, row_id))


def test_retention_deletes_old_rows_and_keeps_new_ones(tmp_path: Path) -> None:
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    _aged(store, {"gammal": 120, "precis för gammal": 90.01, "ny": 89.9, "idag": 0}, now)
    assert purge_old_feedback(store, 90, clock=lambda: now) == 2
    assert sorted(r.question for r in store.rows()) == ["idag", "ny"]


def test_retention_runs_once_a_day_with_the_clock_of_that_day(tmp_path: Path) -> None:
    start = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    _aged(store, {"89.5 dagar": 89.5, "88.5 dagar": 88.5, "10 dagar": 10}, start)
    clock = {"now": start}
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            raise asyncio.CancelledError
        clock["now"] += timedelta(seconds=seconds)

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(run_retention(store, 90, clock=lambda: clock["now"], sleep=sleep))
    assert waits == [86400, 86400, 86400]
    assert [r.question for r in store.rows()] == ["10 dagar"]


def test_a_broken_store_does_not_stop_the_app(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    (tmp_path / "fb.sqlite3").write_bytes(b"inte en databas" * 100)
    assert purge_old_feedback(store, 90) == 0


def test_delete_all(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.add("a", "svar", [], "up")
    store.add("b", "svar", [], "down")
    assert store.delete_all() == 2
    assert store.rows() == [] and store.counts() == {"up": 0, "down": 0}
