"""Ingest at scale: documents are stored in batches, and a run stopped part way (Ctrl-C, a
crash, kill -9) resumes without redoing the documents it finished."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.embeddings import HashingEmbedder
from assistant.index import Index
from assistant.settings import Settings
from ingest import pipeline
from ingest.pipeline import IngestInterrupted, ingest_paths

N_FILES = 40
BATCH_CHUNKS = 6  # small storage batches, so a run of N_FILES has several


class CountingEmbedder(HashingEmbedder):
    """The fake embedder, counting every text it embeds."""

    def __init__(self) -> None:
        super().__init__(64)
        self.texts: list[str] = []

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += texts
        return super().embed_passages(texts)


def write_files(folder: Path, n: int = N_FILES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(n):
        sections = "\n\n".join(
            f"## Avsnitt {part}\n\nDokument {number} avsnitt {part}: kommunen ska arbeta med "
            f"mål {number * 10 + part} om vatten, skola och kultur i hela kommunen."
            for part in range(1 + number % 3)
        )
        (folder / f"dokument-{number:03d}.md").write_text(
            f"# Dokument {number}\n\n{sections}\n", encoding="utf-8"
        )
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(
        environ={}, index_dir=tmp_path / "index", embedder="fake:64", embed_batch_size=1
    )


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "FLUSH_CHUNKS", BATCH_CHUNKS)


def assert_consistent(settings: Settings) -> dict[str, int]:
    """Every chunk stored belongs to a current document, and every document has its chunks."""
    index = Index.open(settings.resolved_index_dir)
    records = index.documents()
    chunks = index.current_chunks()
    assert index.chunk_count() == len(chunks) == sum(r.n_chunks for r in records.values())
    per_doc = {doc_id: 0 for doc_id in records}
    for chunk in chunks:
        per_doc[chunk.doc_id] += 1
    assert per_doc == {doc_id: r.n_chunks for doc_id, r in records.items()}
    return per_doc


def test_documents_are_stored_in_batches_not_one_by_one(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_files(tmp_path / "docs")
    calls: list[int] = []
    commit = Index.commit_documents

    def counting_commit(self: Index, records: Sequence[object]) -> None:
        calls.append(len(records))
        commit(self, records)  # type: ignore[arg-type]

    monkeypatch.setattr(Index, "commit_documents", counting_commit)
    summary = ingest_paths([folder], settings)
    assert summary.documents_added == N_FILES and sum(calls) == N_FILES
    assert len(calls) < N_FILES / 4  # every batch holds several documents
    assert len(assert_consistent(settings)) == N_FILES


@pytest.mark.parametrize("stage", ["files", "embed"])
@pytest.mark.usefixtures("small_batches")
def test_ctrl_c_part_way_then_the_next_run_embeds_only_unfinished_documents(
    stage: str, tmp_path: Path, settings: Settings
) -> None:
    folder = write_files(tmp_path / "docs")
    finished_reported: list[int] = []
    batches = 0

    def stop_part_way(reported: str, done: int, total: int) -> None:
        nonlocal batches
        if reported == "files":
            finished_reported.append(done)
            if stage == "files" and done >= N_FILES // 2:
                raise KeyboardInterrupt
        elif done == 0:
            batches += 1
        elif stage == "embed" and batches == 4:  # inside the fourth batch, mid-embedding
            raise KeyboardInterrupt

    with pytest.raises(IngestInterrupted) as stopped:
        ingest_paths([folder], settings, progress=stop_part_way)
    committed = Index.open(settings.resolved_index_dir).documents()
    # Nothing the run reported finished is lost: a stop loses at most the batch under way.
    assert stopped.value.summary.documents_added == len(committed) == finished_reported[-1]
    assert 0 < len(committed) < N_FILES
    assert_consistent(settings)

    embedder = CountingEmbedder()
    summary = ingest_paths([folder], settings, embedder=embedder)
    assert summary.documents_unchanged == len(committed)
    assert summary.documents_added == N_FILES - len(committed)
    per_doc = assert_consistent(settings)
    assert len(per_doc) == N_FILES
    unfinished = sum(n for doc_id, n in per_doc.items() if doc_id not in committed)
    assert summary.texts_embedded == len(embedder.texts) == unfinished


CHILD = """
import os, signal, sys
from pathlib import Path
from assistant.index import Index
from assistant.settings import Settings
from ingest import pipeline
from ingest.pipeline import ingest_paths

folder, index_dir, where, batch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
pipeline.FLUSH_CHUNKS = batch
settings = Settings.from_env(environ={}, index_dir=Path(index_dir), embedder="fake:64",
                             embed_batch_size=1)
commits = 0
real_commit = Index.commit_documents

def commit(self, records):
    global commits
    commits += 1
    if where == "commit" and commits == 3:  # new chunks written, records not yet switched
        os.kill(os.getpid(), signal.SIGKILL)
    real_commit(self, records)

def progress(stage, done, total):
    if where == "files" and stage == "files" and done >= total // 2:
        print(done, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

Index.commit_documents = commit
ingest_paths([Path(folder)], settings, progress=progress)
"""


@pytest.mark.parametrize("where", ["files", "commit"])
def test_kill_9_part_way_then_the_next_run_finishes_without_redoing_work(
    where: str, tmp_path: Path, settings: Settings
) -> None:
    folder = write_files(tmp_path / "docs")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get(
        "PYTHONPATH", "")])}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), str(settings.resolved_index_dir), where,
         str(BATCH_CHUNKS)],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    index = Index.open(settings.resolved_index_dir)
    committed = index.documents()
    assert 0 < len(committed) < N_FILES
    if where == "files":
        assert len(committed) == int(child.stdout.split()[-1])  # all it reported finished
    else:
        assert index.chunk_count() > sum(r.n_chunks for r in committed.values())  # leftovers

    embedder = CountingEmbedder()
    summary = ingest_paths([folder], settings, embedder=embedder)
    assert (summary.orphans_removed > 0) == (where == "commit")
    assert summary.documents_unchanged == len(committed)
    per_doc = assert_consistent(settings)
    assert len(per_doc) == N_FILES
    assert summary.texts_embedded == len(embedder.texts) == sum(
        n for doc_id, n in per_doc.items() if doc_id not in committed
    )
