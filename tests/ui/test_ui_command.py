"""``styrdok ui`` as a user starts it: before any ingest it says how to build the index."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from evals.reliability.servers import Managed, free_port, wait_http
from ui.context import AppContext

pytestmark = pytest.mark.server


def test_ui_before_any_ingest_says_how_to_build_the_index(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "ui.cli", "ui", "--index", str(tmp_path / "index"),
               "--embedder", "fake", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with Managed(command, tmp_path / "ui.log").start() as app:
        wait_http(f"{url}/v1/models", app.proc)
        asked = httpx.post(f"{url}/api/ask", json={"question": "Vad är visionen?"}, timeout=60)
    output = app.log()
    assert "Traceback" not in output, output
    assert "styrdok ingest corpus/" in output and "webbgränssnittet startar ändå" in output
    assert asked.status_code == 503 and asked.json()["error"]["code"] == "index_missing"


def test_warm_up_without_an_index_is_one_logged_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ctx = AppContext(Settings.from_env(environ={}, index_dir=tmp_path / "index", embedder="fake"))
    ctx.warm_up()
    [record] = [r for r in caplog.records if r.name == "ui.context"]
    assert "styrdok ingest" in record.getMessage() and record.exc_info is None
