"""A running app on 127.0.0.1 (uvicorn in a thread), started and stopped by the test."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
import uvicorn

from assistant.settings import Settings
from evals.reliability.servers import free_port


class RunningApp:
    def __init__(self, settings: Settings) -> None:
        from ui.app import create_app

        self.settings = settings
        self.port = free_port()
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=self.port,
                                log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> RunningApp:
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the app did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


StartApp = Callable[[Settings], RunningApp]


@pytest.fixture
def run_app() -> Iterator[StartApp]:
    started: list[RunningApp] = []

    def start(settings: Settings) -> RunningApp:
        app = RunningApp(settings).start()
        started.append(app)
        return app

    yield start
    for app in started:
        app.stop()
