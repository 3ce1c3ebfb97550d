"""Start and stop the processes a multi-user deployment consists of, on 127.0.0.1.

Used by the reliability run (``styrdok reliability``) and the tests: a Chroma server
(``chroma run``), API app processes (uvicorn) and an in-thread server for an app object.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]


class ServerError(RuntimeError):
    """A helper process did not start."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def venv_bin(name: str) -> str:
    """A console script installed beside this Python (the project venv), else from PATH."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise ServerError(f"{name} finns inte installerat")
    return found


def wait_http(url: str, proc: subprocess.Popen[bytes] | None, timeout: float = 120.0) -> None:
    """Poll ``url`` until it answers 200 (or the process dies, or ``timeout`` passes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise ServerError(f"processen avslutades (kod {proc.returncode}) innan {url} svarade")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise ServerError(f"{url} svarade inte inom {timeout:.0f} s")


class Managed:
    """A subprocess with a log file, stopped on exit."""

    def __init__(self, cmd: list[str], log_path: Path, env: Mapping[str, str] | None = None,
                 cwd: Path | None = None) -> None:
        self.cmd = cmd
        self.log_path = log_path
        self.env = {**os.environ, **(env or {})}
        self.cwd = cwd or REPO
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Managed:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as the process
        self.proc = subprocess.Popen(self.cmd, stdout=handle, stderr=subprocess.STDOUT,
                                     env=self.env, cwd=self.cwd, start_new_session=True)
        handle.close()
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> Managed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ChromaServer(Managed):
    """``chroma run --host 127.0.0.1 --port PORT --path DIR``."""

    def __init__(self, path: Path, port: int | None = None, log_path: Path | None = None) -> None:
        self.port = port or free_port()
        self.path = path
        super().__init__(
            [venv_bin("chroma"), "run", "--host", "127.0.0.1", "--port", str(self.port),
             "--path", str(path)],
            log_path or path.parent / f"chroma-{self.port}.log",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ChromaServer:
        super().start()
        wait_http(f"{self.url}/api/v2/heartbeat", self.proc, timeout=60)
        return self


class AppServer(Managed):
    """An API app process: ``uvicorn --factory ui.api:app_from_env`` configured by env."""

    def __init__(self, env: Mapping[str, str], log_path: Path, port: int | None = None,
                 factory: str = "ui.api:app_from_env") -> None:
        self.port = port or free_port()
        super().__init__(
            [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "warning"],
            log_path, env,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AppServer:
        super().start()
        wait_http(f"{self.url}/v1/models", self.proc, timeout=120)
        return self


class ThreadServer:
    """Serve an ASGI app object with uvicorn in a background thread (same process)."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        import uvicorn

        self.port = port or free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ThreadServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise ServerError("uvicorn startade inte")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)


def settings_env(**values: object) -> dict[str, str]:
    """``STYRDOK_*`` variables for a child process."""
    return {f"STYRDOK_{k.upper()}": str(v) for k, v in values.items() if v is not None}
