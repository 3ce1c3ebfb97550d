"""Fixtures for the web-source tests: the site (see web_site.py) on a threaded local server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from web_site import TIMEOUT, Site, handler, site_pages

from assistant.settings import Settings


@pytest.fixture
def site() -> Iterator[Site]:
    # Threaded, so that the slow page does not hold up the requests after it.
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        base = server.url_for("").rstrip("/")
        served = Site(base, site_pages(base))
        server.expect_request(re.compile(".*")).respond_with_handler(handler(served))
        yield served
    finally:
        server.clear()
        server.stop()


@pytest.fixture
def web_settings(tmp_path: Path) -> Settings:
    return Settings(
        index_dir=tmp_path / "index", embedder="fake", web_allow_private=True, web_timeout=TIMEOUT
    )
