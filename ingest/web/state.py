"""Sync state beside the index: validators, links and 404 counts per fetched URL.

Stored as JSON (``web-sync.json`` in the index folder) and written atomically (a temporary file
renamed over the old one), so a crash leaves the previous state, never half of one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.errors import StyrdokError

STATE_FILE = "web-sync.json"
STATE_VERSION = 1


class StateError(StyrdokError):
    """The sync state file exists but cannot be used."""


@dataclass
class UrlState:
    """What the last successful fetch of one URL left behind."""

    canonical: str = ""
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: str = ""
    content_type: str = ""
    links: list[str] = field(default_factory=list)  # page links, or a sitemap's page URLs
    text: str = ""  # robots.txt body, so a 304 can reuse its rules
    missing: int = 0  # consecutive syncs answered 404/410
    indexed: bool = False  # a document in the index came from this URL
    body_hash: str = ""  # recognises the same content under another URL after a 304
    skipped: str = ""  # why the last version was not indexed; reused after a 304


@dataclass
class SyncState:
    path: Path
    urls: dict[str, UrlState] = field(default_factory=dict)

    @classmethod
    def load(cls, index_dir: Path) -> SyncState:
        path = Path(index_dir) / STATE_FILE
        if not path.exists():
            return cls(path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            urls = {url: UrlState(**entry) for url, entry in raw.get("urls", {}).items()}
        except (OSError, ValueError, TypeError) as exc:
            raise StateError(
                f"synkfilen {path} kan inte läsas ({exc}); ta bort den så hämtas allt på nytt"
            ) from exc
        return cls(path, urls)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "version": STATE_VERSION,
            "urls": {url: asdict(entry) for url, entry in sorted(self.urls.items())},
        }
        handle, tmp = tempfile.mkstemp(prefix=".web-sync-", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(payload, out, ensure_ascii=False, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
