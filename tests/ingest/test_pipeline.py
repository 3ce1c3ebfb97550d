"""Incremental, crash-safe ingestion into a real embedded Chroma index (fake embedder: fast)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.index import EmbedderMismatchError, Index
from assistant.retrieval import Retriever
from assistant.settings import Settings
from ingest import pipeline
from ingest.pipeline import ingest_paths

if TYPE_CHECKING:
    from conftest import CopyFixtures  # tests/conftest.py

DOCS = ["fokusomraden.md", "sagobygden.md", "var-modell-2019-2022.md", "landsbygdsutveckling.html"]


@pytest.fixture
def corpus(copy_fixtures: CopyFixtures) -> Path:
    return copy_fixtures(*DOCS)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(environ={}, index_dir=tmp_path / "index", embedder="fake:64")


def chunk_counts(settings: Settings) -> dict[str, int]:
    index = Index.open(settings.resolved_index_dir)
    counts: dict[str, int] = {}
    for chunk in index.current_chunks():
        counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
    return counts


def test_first_run_indexes_every_document(corpus: Path, settings: Settings) -> None:
    summary = ingest_paths([corpus], settings)
    assert summary.ok and summary.documents_added == len(DOCS)
    assert summary.chunks_added == sum(chunk_counts(settings).values())


def test_unchanged_corpus_is_neither_parsed_nor_embedded(
    corpus: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths([corpus], settings)

    def must_not_load(path: Path) -> None:
        raise AssertionError(f"{path} was parsed again")

    monkeypatch.setattr(pipeline, "load_document", must_not_load)
    summary = ingest_paths([corpus], settings)
    assert summary.documents_unchanged == len(DOCS)
    assert summary.texts_embedded == 0 and summary.chunks_added == 0


def test_changed_document_is_replaced_and_unchanged_chunks_reuse_embeddings(
    corpus: Path, settings: Settings
) -> None:
    ingest_paths([corpus], settings)
    path = corpus / "sagobygden.md"
    path.write_text(
        path.read_text() + "\n## Nytt avsnitt\n\nSagomuseet har fått en ny utställning.\n"
    )
    summary = ingest_paths([corpus], settings)
    assert summary.documents_replaced == 1 and summary.documents_unchanged == len(DOCS) - 1
    assert summary.embeddings_reused > 0 and summary.texts_embedded >= 1
    texts = [c.text for c in Index.open(settings.resolved_index_dir).current_chunks()]
    assert any("ny utställning" in t for t in texts)


def test_file_removed_from_folder_is_removed_from_index(corpus: Path, settings: Settings) -> None:
    ingest_paths([corpus], settings)
    (corpus / "sagobygden.md").unlink()
    summary = ingest_paths([corpus], settings)
    assert summary.documents_removed == 1 and summary.chunks_removed > 0
    assert "sagobygden" not in chunk_counts(settings)


def test_prune_removes_documents_not_given(
    corpus: Path, settings: Settings, tmp_path: Path
) -> None:
    ingest_paths([corpus], settings)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(corpus / "fokusomraden.md", other / "fokusomraden.md")
    summary = ingest_paths([other], settings, prune=True)
    assert set(chunk_counts(settings)) == {"fokusomraden"}
    assert summary.documents_removed == len(DOCS) - 1


def test_without_prune_other_folders_are_kept(
    corpus: Path, settings: Settings, tmp_path: Path
) -> None:
    ingest_paths([corpus], settings)
    other = tmp_path / "other"
    other.mkdir()
    (other / "extra.md").write_text("# Extra\n\nEtt extra dokument om vattenfrågor.\n")
    ingest_paths([other], settings)
    assert set(chunk_counts(settings)) == {p.split(".")[0] for p in DOCS} | {"extra"}


def test_interrupted_run_keeps_the_previous_version_and_next_run_completes(
    corpus: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths([corpus], settings)
    before = chunk_counts(settings)
    path = corpus / "fokusomraden.md"
    path.write_text(path.read_text().replace("fyra fokusområden", "FYRA fokusområden"))

    def crash(self: Index, records: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C after the new chunks were written, before the switch

    with monkeypatch.context() as patch:
        patch.setattr(Index, "commit_documents", crash)
        with pytest.raises(KeyboardInterrupt):
            ingest_paths([corpus], settings)
    assert chunk_counts(settings) == before  # readers still see the old version, whole
    texts = " ".join(c.text for c in Index.open(settings.resolved_index_dir).current_chunks())
    assert "FYRA" not in texts

    summary = ingest_paths([corpus], settings)
    assert summary.orphans_removed > 0 and summary.documents_replaced == 1
    index = Index.open(settings.resolved_index_dir)
    assert index.chunk_count() == sum(chunk_counts(settings).values())
    assert "FYRA" in " ".join(c.text for c in index.current_chunks())


def test_broken_files_are_reported_and_good_ones_indexed(
    corpus: Path, settings: Settings, broken_folder: Path
) -> None:
    summary = ingest_paths([corpus, broken_folder], settings)
    reasons = {Path(p).name: r for p, r in summary.skipped}
    assert set(reasons) == {
        "empty.md",
        "garbage.pdf",
        "latin1.txt",
        "notes.xyz",
        "broken.docx",
        "blank.pdf",
    }
    assert "tom" in reasons["empty.md"]
    assert "OCR" in reasons["blank.pdf"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert ".xyz" in reasons["notes.xyz"]
    assert not summary.ok
    assert set(chunk_counts(settings)) == {p.split(".")[0] for p in DOCS} | {"good"}


def test_a_file_that_breaks_keeps_its_last_good_version(corpus: Path, settings: Settings) -> None:
    ingest_paths([corpus], settings)
    (corpus / "sagobygden.md").write_text("")
    summary = ingest_paths([corpus], settings)
    assert not summary.ok
    assert "sagobygden" in chunk_counts(settings)


@pytest.mark.parametrize(("name", "text"), [
    ("rubriker.md", "# Bara en rubrik\n\n## Och en till\n"),
    ("rubrik.html", "<html><body><h1>Bara en rubrik</h1></body></html>"),
])
def test_a_document_without_chunks_is_skipped_with_a_reason(
    name: str, text: str, tmp_path: Path, settings: Settings
) -> None:
    """Whatever the format, a document that yields no chunk is not "added": it is listed."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / name).write_text(text, encoding="utf-8")
    summary = ingest_paths([folder], settings)
    assert summary.documents_added == 0 and summary.doc_ids == []
    assert [(Path(p).name, r) for p, r in summary.skipped] == [(name, pipeline.NO_CHUNKS_REASON)]
    assert not summary.ok


def test_a_document_that_loses_its_text_keeps_its_last_good_version(
    corpus: Path, settings: Settings
) -> None:
    ingest_paths([corpus], settings)
    (corpus / "sagobygden.md").write_text("# Sagobygden\n", encoding="utf-8")
    summary = ingest_paths([corpus], settings)
    assert [Path(p).name for p, _ in summary.skipped] == ["sagobygden.md"]
    assert chunk_counts(settings)["sagobygden"] > 0


def test_one_paragraph_text_file_is_one_chunk(tmp_path: Path, settings: Settings) -> None:
    folder = tmp_path / "svar"
    folder.mkdir()
    text = "Lagstadgad handläggningstid är 10 veckor, med möjlig förlängning till 20 veckor."
    (folder / "a.txt").write_text(text + "\n", encoding="utf-8")
    summary = ingest_paths([folder], settings)
    assert summary.ok and (summary.documents_added, summary.chunks_added) == (1, 1)
    [chunk] = Index.open(settings.resolved_index_dir).current_chunks()
    assert chunk.text == text


def test_duplicate_doc_id_in_one_run_is_reported(corpus: Path, settings: Settings) -> None:
    shutil.copy(corpus / "sagobygden.md", corpus / "sagobygden-kopia.md")
    summary = ingest_paths([corpus], settings)
    assert any("används redan" in reason for _, reason in summary.skipped)


def test_querying_with_another_embedder_is_refused(corpus: Path, settings: Settings) -> None:
    ingest_paths([corpus], settings)
    other = settings.replace(embedder="fake:32")
    with pytest.raises(EmbedderMismatchError, match="--rebuild"):
        Retriever.from_settings(other).search("vatten")
    summary = ingest_paths([corpus], other, rebuild=True)
    assert summary.documents_added == len(DOCS)
    assert Retriever.from_settings(other).search("vatten")


@pytest.fixture
def broken_folder(tmp_path: Path) -> Path:
    from pypdf import PdfWriter

    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "good.md").write_text("# Bra\n\nEtt fungerande dokument.\n")
    (folder / "empty.md").write_text("")
    (folder / "garbage.pdf").write_bytes(b"%PDF-1.7\n this is not a pdf at all")
    (folder / "latin1.txt").write_bytes("Visionsmål för år 2035 – växa".encode("cp1252"))
    (folder / "notes.xyz").write_text("okänd filtyp")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(folder / "blank.pdf", "wb") as handle:
        writer.write(handle)
    return folder


def test_new_parser_code_reprocesses_documents_without_stale_chunks(
    corpus: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths([corpus], settings)
    monkeypatch.setattr(pipeline, "INGEST_VERSION", "a-newer-parser")
    summary = ingest_paths([corpus], settings)
    assert summary.documents_replaced == len(DOCS)
    index = Index.open(settings.resolved_index_dir)
    assert index.chunk_count() == sum(chunk_counts(settings).values())
    assert ingest_paths([corpus], settings).documents_unchanged == len(DOCS)


def test_rebuild_mends_a_corrupted_local_index(corpus: Path, settings: Settings) -> None:
    ingest_paths([corpus], settings)
    store = settings.resolved_index_dir / "chroma" / "chroma.sqlite3"
    store.write_bytes(b"this is not a database" * 100)
    summary = ingest_paths([corpus], settings, rebuild=True)
    assert summary.ok and summary.documents_added == len(DOCS)
    assert set(chunk_counts(settings)) == {p.split(".")[0] for p in DOCS}
