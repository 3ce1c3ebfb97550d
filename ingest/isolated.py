"""Parse an untrusted file in a separate process with CPU, memory and wall-clock limits.

An uploaded file is hostile until it has been parsed: a crafted DOCX or PDF can hold a core or
fill the memory for minutes while other users wait. The loaders refuse what they can recognise
before parsing (unpacked size, counts of pages, paragraphs, styles); this module bounds whatever
is left. `load_isolated` runs `load_document` in a fresh interpreter
(``python -m ingest.isolated``, started with fork+exec by `subprocess`, so it is safe from a
threaded server and never re-imports the server's main module) that sets ``RLIMIT_CPU`` and
``RLIMIT_AS`` on itself before it reads the file; the parent kills it when the wall-clock limit
passes. The document comes back as JSON, not pickle, so the parent never runs what the child
sends. Every way it can fail is a `LoadError` with a Swedish reason, like any unreadable file.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import signal
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from assistant.types import Block, Document
from ingest.loaders import LoadError, load_document

log = logging.getLogger(__name__)

MAX_WORKERS = 2  # parse processes at a time per server; more callers wait for a free one
_SLOTS = threading.BoundedSemaphore(MAX_WORKERS)
_ROOT = Path(__file__).resolve().parent.parent  # where ``-m ingest.isolated`` is found
_ADVICE = "filen kan vara skadad eller gjord för att överbelasta servern"


@dataclass(frozen=True)
class ParseLimits:
    cpu_seconds: int = 30
    memory_mb: int = 1024

    @property
    def wall_seconds(self) -> float:
        """Generous beside the CPU limit: the child also starts Python and may wait for a core."""
        return 2.0 * self.cpu_seconds + 15.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ParseLimits:
        return cls(cpu_seconds=settings.parse_cpu_seconds, memory_mb=settings.parse_memory_mb)


def load_isolated(path: Path, limits: ParseLimits) -> Document:
    """`load_document(path)` in a resource-limited child process; raises `LoadError` only."""
    path = Path(path).absolute()
    command = [sys.executable, "-m", "ingest.isolated", "--cpu-seconds",
               str(limits.cpu_seconds), "--memory-mb", str(limits.memory_mb), str(path)]
    with _SLOTS:
        try:
            child = subprocess.Popen(command, cwd=_ROOT, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError as exc:
            log.exception("could not start a parse process")
            raise LoadError(path, "filen kunde inte tolkas: tolkningsprocessen kunde inte "
                                  "startas (serverfel, försök igen senare)") from exc
        try:
            output, _ = child.communicate(timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            log.warning("parse of %s killed after %.0f s", path, limits.wall_seconds)
            raise LoadError(path, f"tolkningen tog för lång tid (mer än "
                                  f"{limits.wall_seconds:.0f} sekunder) – {_ADVICE}") from None
    return _answer(path, child.returncode, output, limits)


def _answer(path: Path, returncode: int, output: bytes, limits: ParseLimits) -> Document:
    """The document the child sent, or the `LoadError` for how it failed."""
    try:
        message = json.loads(output) if output else {}
    except ValueError:
        message = {}
    if "document" in message:
        return decode_document(message["document"])
    if "error" in message:
        raise LoadError(path, str(message["error"]))
    if message.get("memory") or returncode == -signal.SIGSEGV:
        log.warning("parse of %s ran out of memory (exit code %s)", path, returncode)
        raise LoadError(path, f"tolkningen behövde för mycket minne (mer än "
                              f"{limits.memory_mb} MB) – {_ADVICE}")
    log.warning("parse of %s ended with exit code %s", path, returncode)
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise LoadError(path, f"tolkningen tog för mycket processortid (mer än "
                              f"{limits.cpu_seconds} sekunder) – {_ADVICE}")
    raise LoadError(path, f"tolkningen avbröts oväntat (felkod {returncode}) – {_ADVICE}")


def encode_document(document: Document) -> dict[str, Any]:
    data = asdict(document)
    for key in ("valid_from", "valid_to"):
        data[key] = data[key].isoformat() if data[key] else None
    return data


def decode_document(data: dict[str, Any]) -> Document:
    blocks = tuple(
        Block(**{**block, "heading_path": tuple(block["heading_path"])})
        for block in data["blocks"]
    )
    dates = {key: date.fromisoformat(data[key]) if data[key] else None
             for key in ("valid_from", "valid_to")}
    return Document(**{**data, "blocks": blocks, **dates})


def main(argv: list[str] | None = None) -> int:
    """The child: limit this process, parse one file, write one JSON object to stdout."""
    parser = argparse.ArgumentParser(prog="python -m ingest.isolated")
    parser.add_argument("--cpu-seconds", type=int, required=True)
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    # Only the answer goes to the real stdout; anything a library prints goes to stderr.
    answer = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _limit_self(args.cpu_seconds, args.memory_mb)
    try:
        try:
            message: dict[str, Any] = {"document": encode_document(load_document(args.path))}
        except LoadError as exc:
            # lxml reports a failed allocation as a syntax error ("unknown error").
            message = {"memory": True} if _memory_exhausted(args.memory_mb) else {
                "error": exc.reason}
        text = json.dumps(message, ensure_ascii=False)
    except MemoryError:
        text = '{"memory": true}'
    answer.write(text)
    answer.close()
    return 0


def _memory_exhausted(memory_mb: int) -> bool:
    """Whether this process came close to its address-space limit (peak resident memory)."""
    return _peak_rss_bytes() >= 0.8 * memory_mb * 1024 * 1024


def _peak_rss_bytes() -> int:
    """This process image's peak resident memory. Linux's ``ru_maxrss`` survives ``exec``: in a
    child forked from a large server it reports the server's size, so ``VmHWM`` is read first."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux


def _limit_self(cpu_seconds: int, memory_mb: int) -> None:
    cpu = max(1, cpu_seconds)
    _set(resource.RLIMIT_CORE, 0)  # a killed parser leaves no core file of the upload behind
    _set(resource.RLIMIT_CPU, cpu, cpu + 2)  # SIGXCPU at the soft limit, SIGKILL at the hard
    _set(resource.RLIMIT_AS, max(64, memory_mb) * 1024 * 1024)


def _set(which: int, soft: int, hard: int | None = None) -> None:
    _, current_hard = resource.getrlimit(which)
    hard = soft if hard is None else hard
    if current_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, current_hard), min(hard, current_hard)
    resource.setrlimit(which, (soft, hard))


if __name__ == "__main__":
    sys.exit(main())
