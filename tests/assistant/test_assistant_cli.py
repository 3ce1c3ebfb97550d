"""`styrdok ask`: text output with sources, --json, and no heavy imports for extractive."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from assistant.settings import Settings

pytestmark = pytest.mark.slow


def _run(built_index: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    code = ("import sys, ui.cli; rc = ui.cli.main(sys.argv[1:]); "
            "heavy = {'torch', 'transformers', 'gradio', 'sentence_transformers'} "
            "& set(sys.modules); "
            "print('HEAVY', sorted(heavy), file=sys.stderr); sys.exit(rc)")
    return subprocess.run(
        [sys.executable, "-c", code, "ask", *args, "--index", str(built_index.index_dir)],
        capture_output=True, text=True, timeout=300, check=False,
        env={"STYRDOK_TODAY": "2026-11-26", "PATH": "/usr/bin:/bin"},
    )


def test_ask_prints_answer_and_numbered_sources(built_index: Settings) -> None:
    done = _run(built_index, "Vilka är Ljungby kommuns visionsmål?")
    assert done.returncode == 0, done.stderr
    assert "Livslångt lärande för alla" in done.stdout
    assert "Källor:\n[1] Vision och mål" in done.stdout
    assert "HEAVY []" in done.stderr


def test_ask_json_prints_the_whole_answer(built_index: Settings) -> None:
    done = _run(built_index, "Vad är Ljungby kommuns vision?", "--json")
    data = json.loads(done.stdout)
    assert data["refused"] is False and data["citations"][0]["n"] == 1
    assert {"text", "retrieved", "timings", "standalone_question"} <= set(data)
