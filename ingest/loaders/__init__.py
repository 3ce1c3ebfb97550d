"""Load governance documents into `Document`s: PDF, DOCX, HTML, Markdown and plain text.

One loader per format (``pdf``, ``word``, ``webpage``, ``markdown``, ``text``), dispatched by
suffix through `LOADERS`. Each loader takes the path and the raw bytes and returns a `Document`
whose blocks keep the structure a citation needs: headings (with level), paragraphs, whole
lists and table rows, each with its heading path. `load_document` is the entry point: it checks
the file, dispatches, applies the optional sidecar metadata file (`<name>.meta.yaml`) and raises
`LoadError`, never anything else, with a short Swedish reason a user can act on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from assistant.types import Document, content_hash
from ingest.loaders.common import (
    META_KEYS,
    SIDECAR_SUFFIX,
    LoadError,
    is_sidecar,
    read_bytes,
    read_sidecar,
    sidecar_path,
)
from ingest.loaders.markdown import load_markdown
from ingest.loaders.pdf import load_pdf
from ingest.loaders.text import load_text
from ingest.loaders.webpage import load_html
from ingest.loaders.word import load_docx

__all__ = [
    "LOADERS",
    "META_KEYS",
    "SIDECAR_SUFFIX",
    "SUPPORTED_SUFFIXES",
    "LoadError",
    "Loader",
    "is_sidecar",
    "load_document",
    "load_docx",
    "load_html",
    "load_markdown",
    "load_pdf",
    "load_text",
    "sidecar_path",
]

Loader = Callable[[Path, bytes], Document]

LOADERS: dict[str, Loader] = {
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".html": load_html,
    ".htm": load_html,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
}
SUPPORTED_SUFFIXES = frozenset(LOADERS)


def load_document(path: Path) -> Document:
    """Load one file into a `Document`, applying its sidecar metadata if there is one.

    Raises `LoadError` (and nothing else) when the file cannot be used.
    """
    path = Path(path)
    if path.is_symlink() and not path.exists():
        raise LoadError(path, "länken pekar på en fil som inte finns")
    if not path.exists():
        raise LoadError(path, "filen finns inte")
    if path.is_dir():
        raise LoadError(path, "sökvägen är en mapp, inte en fil")
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        suffix = path.suffix or "(ingen filändelse)"
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise LoadError(path, f"filtypen {suffix} stöds inte (stöds: {supported})")
    data = read_bytes(path)
    if not data.strip():
        raise LoadError(path, "tom fil")
    sidecar_bytes, sidecar_meta = read_sidecar(sidecar_path(path))
    try:
        document = loader(path, data)
    except LoadError:
        raise
    except Exception as exc:  # the contract is LoadError only, whatever a parser throws
        raise LoadError(path, f"filen kunde inte tolkas: {type(exc).__name__}: {exc}") from exc
    return replace(document, content_hash=content_hash(data + sidecar_bytes), **sidecar_meta)
