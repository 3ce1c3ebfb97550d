"""Uploaded documents: checked by content, stored under a generated name, then ingested.

A file reaches a handler as a path that Gradio puts in the request, and the request is the
client's: `require_uploaded` accepts only a path inside Gradio's upload folder (after resolving
symlinks and ``..``) and refuses anything else before it is opened, with one message whether or
not the file exists. A file is accepted only when its bytes match its suffix (PDF header, a DOCX
zip holding ``word/document.xml``, readable text for HTML/Markdown/text), it is within the size
limit, and its stored path is generated here: ``<upload_dir>/<content hash>/<slug>.<suffix>``.
The slug keeps the original name readable (it becomes the document id) but holds only
``[a-z0-9-]``, so no name can reach outside the upload folder. Uploads are parsed in a
resource-limited worker process (`ingest.isolated`). A file that fails to ingest is deleted
again and the index keeps what it had.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import filetype

from assistant.errors import StyrdokError
from assistant.settings import Settings

if TYPE_CHECKING:
    from ingest.pipeline import IngestSummary

NOT_UPLOADED = "Filen kunde inte tas emot. Välj filen och ladda upp den igen."
ALLOWED_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt")
TEXT_SUFFIXES = frozenset({".html", ".htm", ".md", ".markdown", ".txt"})
_SLUG_MAX = 60


class UploadError(StyrdokError):
    """An upload was refused; the message says why and what to do."""


@dataclass(frozen=True)
class StoredUpload:
    path: Path
    original_name: str
    size: int


def upload_dir(settings: Settings) -> Path:
    """``settings.upload_dir`` or ``uploads/`` beside the index."""
    return Path(settings.upload_dir) if settings.upload_dir else (
        settings.resolved_index_dir / "uploads"
    )


def safe_slug(name: str) -> str:
    """A file stem reduced to lower-case ASCII letters, digits and single hyphens."""
    stem = Path(name.replace("\\", "/")).name
    for suffix in ALLOWED_SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    folded = stem.lower().translate(str.maketrans({"å": "a", "ä": "a", "ö": "o"}))
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:_SLUG_MAX].strip("-")
    return slug or "dokument"


def suffix_of(name: str) -> str:
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        allowed = ", ".join(s.lstrip(".").upper() for s in ALLOWED_SUFFIXES if s != ".htm")
        raise UploadError(
            f"Filtypen {suffix or '(ingen ändelse)'} stöds inte. Tillåtna filtyper: {allowed}."
        )
    return suffix


def check_size(size: int, max_mb: int) -> None:
    if size == 0:
        raise UploadError("Filen är tom. Välj en fil med innehåll.")
    if size > max_mb * 1024 * 1024:
        raise UploadError(
            f"Filen är för stor ({size / (1024 * 1024):.1f} MB). Största tillåtna storlek är "
            f"{max_mb} MB – dela upp dokumentet eller komprimera bilderna i det."
        )


def check_content(data: bytes, suffix: str) -> None:
    """Raise unless ``data`` really is a file of type ``suffix``."""
    if suffix == ".pdf":
        if b"%PDF-" not in data[:1024]:
            raise UploadError("Filen heter .pdf men är ingen PDF-fil (PDF-huvud saknas).")
    elif suffix == ".docx":
        if not _is_docx(data):
            raise UploadError(
                "Filen heter .docx men är inget Word-dokument (word/document.xml saknas)."
            )
    elif suffix in TEXT_SUFFIXES:
        kind = filetype.guess(data)
        if kind is not None or b"\x00" in data[:65536] or not _decodes_as_text(data):
            found = f" (innehållet ser ut att vara {kind.extension.upper()})" if kind else ""
            raise UploadError(f"Filen heter {suffix} men innehåller inte läsbar text{found}.")


def _is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _decodes_as_text(data: bytes) -> bool:
    try:
        data.decode("utf-8-sig")
        return True
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(data[:262144]).best()
    return best is not None and best.encoding not in {"utf_16", "utf_32"}


def store_upload(data: bytes, original_name: str, settings: Settings) -> StoredUpload:
    """Check ``data`` and write it under a generated name; return where it went."""
    suffix = suffix_of(original_name)
    check_size(len(data), settings.max_upload_mb)
    check_content(data, suffix)
    root = upload_dir(settings).resolve()
    folder = root / hashlib.sha256(data).hexdigest()[:16]
    target = (folder / f"{safe_slug(original_name)}{suffix}").resolve()
    if not target.is_relative_to(root):  # cannot happen with a slug; belt and braces
        raise UploadError("Ogiltigt filnamn.")
    folder.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return StoredUpload(path=target, original_name=Path(original_name).name, size=len(data))


def gradio_upload_root() -> Path:
    """The folder this app's Gradio stores uploads in (``GRADIO_TEMP_DIR``, read by Gradio)."""
    from gradio.utils import get_upload_folder

    return Path(get_upload_folder())


def require_uploaded(path: str | Path | None, root: Path | None = None) -> Path:
    """``path`` resolved, if it lies inside the upload folder ``root``; else `UploadError`.

    Nothing is opened or stat'ed before the check, and the message is the same for a file that
    exists and one that does not, so the answer tells nothing about the server's files.
    """
    root = (root if root is not None else gradio_upload_root()).resolve()
    if not path or "\0" in str(path):
        raise UploadError(NOT_UPLOADED)
    resolved = Path(path).resolve()
    if resolved == root or not resolved.is_relative_to(root):
        raise UploadError(NOT_UPLOADED)
    return resolved


def read_upload(path: str | Path | None, original_name: str | None, settings: Settings,
                root: Path | None = None) -> tuple[bytes, str]:
    """The checked bytes and name of a file a user uploaded through Gradio.

    Refused unless it lies in the upload folder, has an allowed suffix, is within the size
    limit and its content matches its suffix.
    """
    resolved = require_uploaded(path, root)
    name = Path(original_name or resolved.name).name
    suffix = suffix_of(name)
    try:
        check_size(resolved.stat().st_size, settings.max_upload_mb)
        data = resolved.read_bytes()
    except OSError as exc:
        raise UploadError("Filen kunde inte läsas. Ladda upp den igen.") from exc
    check_size(len(data), settings.max_upload_mb)
    check_content(data, suffix)
    return data, name


def store_upload_file(path: Path, original_name: str | None, settings: Settings,
                      root: Path | None = None) -> StoredUpload:
    """Like :func:`store_upload` for a file Gradio received (see :func:`read_upload`)."""
    data, name = read_upload(path, original_name, settings, root)
    return store_upload(data, name, settings)


def discard(stored: StoredUpload, settings: Settings) -> None:
    """Remove a stored upload (its whole generated folder) after a failed ingest."""
    root = upload_dir(settings).resolve()
    folder = stored.path.parent
    if folder.resolve().is_relative_to(root) and folder.resolve() != root:
        shutil.rmtree(folder, ignore_errors=True)


def ingest_upload(
    stored: StoredUpload,
    settings: Settings,
    progress: Callable[[str, int, int], None] | None = None,
) -> IngestSummary:
    """Ingest one stored upload; on failure delete it and raise :class:`UploadError`.

    The pipeline replaces a document only after its new chunks are written, and skips a file it
    cannot read, so a failure here leaves the index exactly as it was.
    """
    from ingest.isolated import ParseLimits, load_isolated
    from ingest.pipeline import ingest_paths

    load = functools.partial(load_isolated, limits=ParseLimits.from_settings(settings))
    try:
        summary = ingest_paths([stored.path], settings, progress=progress, load=load)
    except StyrdokError:
        discard(stored, settings)
        raise
    except Exception as exc:
        discard(stored, settings)
        raise UploadError(
            f"Inläsningen av {stored.original_name} misslyckades ({type(exc).__name__}); "
            "indexet är oförändrat."
        ) from exc
    if summary.skipped:
        discard(stored, settings)
        reasons = "; ".join(reason for _, reason in summary.skipped)
        raise UploadError(
            f"{stored.original_name} kunde inte läsas in: {reasons}. Indexet är oförändrat."
        )
    return summary
