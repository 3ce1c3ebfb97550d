"""Answer feedback in SQLite: the question, the answer, its citations, a rating and a comment.

One connection per operation, so the store can be shared by the request threads of the app.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from assistant.errors import StyrdokError
from assistant.settings import Settings

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
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO feedback (created_at, question, answer, citations, rating, comment)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (created, question, answer, json.dumps(list(citations), ensure_ascii=False),
                 rating, (comment or "").strip()[:MAX_COMMENT_CHARS]),
            )
            return int(cursor.lastrowid or 0)

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
            writer.writerow([
                row.id, row.created_at, row.rating, _cell(row.comment), _cell(row.question),
                _cell(row.answer), _cell(json.dumps(row.citations, ensure_ascii=False)),
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
