"""The app (UI + API) served by uvicorn on 127.0.0.1 for the API tests, over the shared index."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.settings import Settings
from evals.reliability.servers import ThreadServer


@pytest.fixture(scope="session")
def api_url(built_index: Settings) -> Iterator[str]:
    """Base URL of ``ui.app.create_app`` (the same app that serves the UI), on a free port."""
    from ui.app import create_app

    # Every test here asks from 127.0.0.1: no per-client rate limit (tested in tests/ui).
    settings = built_index.replace(feedback_db=built_index.resolved_index_dir / "feedback.db",
                                   rate_limit_per_minute=0)
    with ThreadServer(create_app(settings)) as server:
        yield server.url
