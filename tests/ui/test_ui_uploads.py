"""Upload checks: type by content, size limit, generated names, failed ingests change nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from assistant.index import Index
from assistant.settings import Settings
from ingest.pipeline import ingest_paths
from ui.uploads import (
    UploadError,
    check_content,
    ingest_upload,
    safe_slug,
    store_upload,
    upload_dir,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(environ={}, index_dir=tmp_path / "idx", embedder="fake",
                             max_upload_mb=1)


def _docs(settings: Settings) -> dict[str, str]:
    index = Index.open(settings.resolved_index_dir, None, settings.collection)
    return {doc_id: r.version for doc_id, r in index.documents().items()}


def test_real_fixture_files_pass_the_content_check(fixture_corpus: Path) -> None:
    checked = set()
    for path in sorted(fixture_corpus.iterdir()):
        if not path.name.endswith(".meta.yaml"):
            check_content(path.read_bytes(), path.suffix.lower())
            checked.add(path.suffix.lower())
    assert {".pdf", ".docx", ".html", ".md"} <= checked


@pytest.mark.parametrize(("data", "name"), [
    (b"just text, not a pdf", "plan.pdf"),
    (PNG, "anteckningar.txt"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "sida.html"),
    (b"PK\x03\x04 not really a zip", "plan.docx"),
])
def test_content_that_does_not_match_the_name_is_refused(
    data: bytes, name: str, settings: Settings
) -> None:
    with pytest.raises(UploadError, match="men"):
        store_upload(data, name, settings)
    assert not upload_dir(settings).exists() or not any(upload_dir(settings).rglob("*.*"))


def test_a_zip_without_word_document_is_not_a_docx(settings: Settings) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hej")
    with pytest.raises(UploadError, match="Word"):
        store_upload(buffer.getvalue(), "plan.docx", settings)


def test_unsupported_suffix_and_empty_file_are_refused(settings: Settings) -> None:
    with pytest.raises(UploadError, match="stöds inte"):
        store_upload(b"MZ...", "program.exe", settings)
    with pytest.raises(UploadError, match="tom"):
        store_upload(b"", "tom.txt", settings)


def test_oversized_upload_gets_a_clear_swedish_message(settings: Settings) -> None:
    with pytest.raises(UploadError, match=r"för stor \(1\.5 MB\).*högst|för stor.*1 MB"):
        store_upload(b"a" * (3 * 512 * 1024), "stor.txt", settings)


def test_traversal_names_are_stored_inside_the_upload_folder(settings: Settings) -> None:
    for name in ("../../../etc/passwd.md", "..\\..\\evil.md", "/abs/path/x.md", "...md"):
        stored = store_upload(b"# Rubrik\n\nText.", name, settings)
        root = upload_dir(settings).resolve()
        assert stored.path.resolve().is_relative_to(root)
        assert stored.path.parent.parent == root
        assert stored.path.name in {"passwd.md", "evil.md", "x.md", "dokument.md"}


def test_slug_is_ascii_and_readable() -> None:
    assert safe_slug("Nämndplan 2026 – Barn & utbildning.docx") == "namndplan-2026-barn-utbildning"
    assert safe_slug("<script>.md") == "script"


def test_a_good_upload_is_indexed(settings: Settings) -> None:
    stored = store_upload("# Parkering\n\nBoendeparkering kostar 300 kronor per månad.\n"
                          .encode(), "Parkeringsregler.md", settings)
    summary = ingest_upload(stored, settings)
    assert summary.doc_ids == ["parkeringsregler"]
    assert "parkeringsregler" in _docs(settings)


def test_a_failed_ingest_leaves_the_index_as_it_was(
    settings: Settings, fixture_corpus: Path
) -> None:
    ingest_paths([fixture_corpus / "sagobygden.md"], settings)
    before = _docs(settings)
    broken = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without xref or pages"
    stored = store_upload(broken, "trasig.pdf", settings)
    with pytest.raises(UploadError, match="oförändrat"):
        ingest_upload(stored, settings)
    assert _docs(settings) == before
    assert not stored.path.exists()
