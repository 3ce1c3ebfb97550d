"""Fixtures for the evaluation tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from mini_collection import CASES, DOCS, MakeCollection, write_cases


@pytest.fixture
def make_collection(tmp_path: Path) -> MakeCollection:
    """``make_collection(cases=CASES)``: a repository-like folder ``tmp_path/repo`` with
    ``docs/`` (the corpus) and ``evals/data`` (manifest + cases); returns the collection folder."""

    def make(cases: Sequence[dict[str, Any]] = CASES, manifest: str | None = None) -> Path:
        repo = tmp_path / "repo"
        docs = repo / "docs"
        docs.mkdir(parents=True, exist_ok=True)
        for name, (publisher, title, body) in DOCS.items():
            front = (f"---\ntitle: \"{title}\"\ndoc_id: {Path(name).stem}\n"
                     f"publisher: {publisher}\n---\n")
            (docs / name).write_text(front + f"\n# {title}\n" + body, encoding="utf-8")
        folder = repo / "evals" / "data"
        write_cases(folder / "cases" / "main.jsonl", cases)
        (folder / "collection.yaml").write_text(
            manifest if manifest is not None else "root: ../..\ncorpus:\n  - docs\n",
            encoding="utf-8",
        )
        return folder

    return make
