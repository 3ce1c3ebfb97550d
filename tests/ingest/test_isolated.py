"""Parsing in the resource-limited worker process: same documents, bounded CPU and memory."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from ingest.isolated import ParseLimits, load_isolated
from ingest.loaders import LoadError, load_document

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _many_paragraphs(path: Path, count: int) -> Path:
    """A DOCX of ``count`` short paragraphs (within the loader's limits up to 50,000)."""
    template = io.BytesIO()
    docx.Document().save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                z.writestr(item.filename, source.read(item.filename))
                continue
            with z.open(item.filename, "w") as stream:
                stream.write(f"<w:document {W}><w:body>".encode())
                for start in range(0, count, 1000):
                    stream.write(b"".join(b"<w:p><w:r><w:t>Stycke %d</w:t></w:r></w:p>" % i
                                          for i in range(start, min(count, start + 1000))))
                stream.write(b"</w:body></w:document>")
    path.write_bytes(out.getvalue())
    return path


def _reason(path: Path, limits: ParseLimits) -> str:
    with pytest.raises(LoadError) as caught:
        load_isolated(path, limits)
    return caught.value.reason


def test_worker_returns_the_same_document_as_loading_in_process(fixture_corpus: Path) -> None:
    for name in ("namndplan-2026-barn-utbildning.docx", "verksamhetsplan-2026-kultur-fritid.pdf",
                 "vision-2035.md"):
        path = fixture_corpus / name
        assert load_isolated(path, ParseLimits()) == load_document(path)


def test_worker_passes_on_the_loaders_reason(tmp_path: Path) -> None:
    fake = tmp_path / "plan.pdf"
    fake.write_bytes(b"%PDF-1.7\nnot really a pdf")
    assert _reason(fake, ParseLimits()).startswith("trasig PDF")


def test_worker_is_stopped_by_its_cpu_limit(tmp_path: Path) -> None:
    path = _many_paragraphs(tmp_path / "lang.docx", 45_000)  # several CPU seconds to walk
    reason = _reason(path, ParseLimits(cpu_seconds=1))
    assert reason.startswith("tolkningen tog för mycket processortid (mer än 1 sekunder)")


def test_worker_is_stopped_by_its_memory_limit(tmp_path: Path) -> None:
    path = _many_paragraphs(tmp_path / "stor.docx", 260_000)  # 10 MB of XML: 300 MB of tree
    reason = _reason(path, ParseLimits(memory_mb=128))
    assert reason.startswith("tolkningen behövde för mycket minne (mer än 128 MB)")
