"""Answer feedback in SQLite: the question, the answer, its citations, a rating and a comment.

One connection per operation, so the store can be shared by the request threads of the app.
Personal data (personnummer, e-mail addresses, phone numbers) is masked before a row is written
(:func:`assistant.pii.mask_personal_data`), rows stored by older versions are masked when the
store is opened, and :func:`run_retention` deletes rows older than the retention period.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from assistant.errors import StyrdokError
from assistant.pii import mask_json_strings, mask_personal_data
from assistant.settings import Settings

log = logging.getLogger(__name__)

Rating = Literal["up", "down"]
RATINGS: tuple[str, ...] = ("up", "down")
MAX_COMMENT_CHARS = 2000
CSV_COLUMNS = ("id", "created_at", "rating", "comment", "question", "answer", "citations")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT ''
)
"""
# PRAGMA user_version 1: every stored row has been masked.
_MASKED_VERSION = 1


class FeedbackError(StyrdokError):
    """Feedback that cannot be stored (unknown rating, nothing to rate)."""


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    created_at: str
    question: str
    answer: str
    citations: list[dict[str, Any]]
    rating: str
    comment: str


def feedback_path(settings: Settings) -> Path:
    """``settings.feedback_db`` or ``feedback.sqlite3`` beside the index."""
    if settings.feedback_db:
        return Path(settings.feedback_db)
    return settings.resolved_index_dir / "feedback.sqlite3"


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute(_SCHEMA)
            if conn.execute("PRAGMA user_version").fetchone()[0] < _MASKED_VERSION:
                self._mask_stored_rows(conn)
                conn.execute(f"PRAGMA user_version = {_MASKED_VERSION}")

    @classmethod
    def from_settings(cls, settings: Settings) -> FeedbackStore:
        return cls(feedback_path(settings))

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as conn, conn:
            yield conn

    def add(
        self,
        question: str,
        answer: str,
        citations: Sequence[dict[str, Any]],
        rating: str,
        comment: str = "",
    ) -> int:
        """Store one rating and return its row id."""
        if rating not in RATINGS:
            raise FeedbackError(f"okänt omdöme {rating!r}: välj upp eller ned")
        if not question.strip():
            raise FeedbackError("Det finns inget svar att ge omdöme om ännu.")
        created = datetime.now(UTC).isoformat(timespec="seconds")
        masked = _masked(question, answer, list(citations),
                         (comment or "").strip()[:MAX_COMMENT_CHARS])
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO feedback (created_at, question, answer, citations, comment, rating)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (created, *masked, rating),
            )
            return int(cursor.lastrowid or 0)

    def _mask_stored_rows(self, conn: sqlite3.Connection) -> None:
        found = conn.execute("SELECT id, question, answer, citations, comment FROM feedback")
        for row_id, question, answer, citations, comment in found.fetchall():
            try:
                cited = json.loads(citations)
            except ValueError:  # kept, masked as text, rather than lost
                cited = citations
            masked = _masked(question, answer, cited, comment)
            conn.execute("UPDATE feedback SET question = ?, answer = ?, citations = ?, "
                         "comment = ? WHERE id = ?", (*masked, row_id))

    def delete_older_than(self, days: int, now: datetime | None = None) -> int:
        """Delete feedback stored more than ``days`` days before ``now``; return how many."""
        cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
        with self._connect() as conn:
            cursor = conn.execute("DELETE FROM feedback WHERE created_at < ?",
                                  (cutoff.astimezone(UTC).isoformat(timespec="seconds"),))
            return cursor.rowcount

    def delete_all(self) -> int:
        """Delete every stored rating; return how many."""
        with self._connect() as conn:
            return conn.execute("DELETE FROM feedback").rowcount

    def rows(self, limit: int | None = None) -> list[FeedbackRow]:
        """Newest first."""
        sql = "SELECT id, created_at, question, answer, citations, rating, comment FROM feedback"
        sql += " ORDER BY id DESC"
        params: tuple[int, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (limit,)
        with self._connect() as conn:
            found = conn.execute(sql, params).fetchall()
        return [
            FeedbackRow(id=r[0], created_at=r[1], question=r[2], answer=r[3],
                        citations=json.loads(r[4]), rating=r[5], comment=r[6])
            for r in found
        ]

    def counts(self) -> dict[str, int]:
        with self._connect() as conn:
            found = conn.execute("SELECT rating, COUNT(*) FROM feedback GROUP BY rating")
            counts = dict.fromkeys(RATINGS, 0)
            counts.update({rating: n for rating, n in found})
        return counts

    def to_csv(self) -> str:
        """All feedback as CSV (UTF-8 text, oldest first), safe to open in a spreadsheet."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for row in reversed(self.rows()):
            # Masked again: a file copied in from elsewhere may hold unmasked rows.
            question, answer, citations, comment = _masked(
                row.question, row.answer, row.citations, row.comment)
            writer.writerow([
                row.id, row.created_at, row.rating, _cell(comment), _cell(question),
                _cell(answer), _cell(citations),
            ])
        return out.getvalue()

    def export_csv(self, path: Path) -> Path:
        # BOM so that Excel, which Swedish municipalities use, reads å, ä and ö correctly.
        Path(path).write_text("\ufeff" + self.to_csv(), encoding="utf-8", newline="")
        return Path(path)


def _cell(text: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): text starting with = + - @ is quoted."""
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _masked(question: str, answer: str, citations: Any,
            comment: str) -> tuple[str, str, str, str]:
    """Question, answer, citations (as JSON) and comment with personal data masked."""
    return (mask_personal_data(question), mask_personal_data(answer),
            json.dumps(mask_json_strings(citations), ensure_ascii=False),
            mask_personal_data(comment))


DAY_SECONDS = 24 * 60 * 60


def _utc_now() -> datetime:
    return datetime.now(UTC)


def purge_old_feedback(store: FeedbackStore, days: int,
                       clock: Callable[[], datetime] = _utc_now) -> int:
    """Delete feedback older than ``days``; a failure is logged (the app goes on), never raised."""
    try:
        deleted = store.delete_older_than(days, clock())
    except sqlite3.Error:
        log.exception("could not delete old feedback from %s", store.path)
        return 0
    if deleted:
        log.info("deleted %d ratings older than %d days", deleted, days)
    return deleted


async def run_retention(
    store: FeedbackStore,
    days: int,
    *,
    clock: Callable[[], datetime] = _utc_now,
    sleep: Callable[[float], Awaitable[object]] | None = None,
) -> None:
    """Once a day, delete feedback older than ``days``, until cancelled."""
    import asyncio

    wait = sleep or asyncio.sleep
    while True:
        await wait(DAY_SECONDS)
        await asyncio.to_thread(purge_old_feedback, store, days, clock)
