"""Turn a fetched response into a `Document` with the existing loaders, chosen by content type.

The type comes from the response's Content-Type (sniffed from the bytes only when the server
says nothing useful), never from the URL. The document is named by its canonical URL: that is
its ``source`` (identity in the index) and its ``url`` (what citations link to).
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import filetype
import lxml.html
from lxml import etree

from assistant.types import Document, content_hash
from ingest.isolated import ParseLimits, load_isolated
from ingest.loaders import LOADERS, LoadError
from ingest.web.fetch import Fetched

CONTENT_TYPES: dict[str, str] = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/x-markdown": ".md",
}
_GENERIC = {"", "application/octet-stream", "binary/octet-stream", "application/x-download"}
_SNIFFED = {"application/pdf": ".pdf", "application/zip": ".docx"}


def suffix_for(fetched: Fetched) -> str:
    """The loader suffix for the response; `LoadError` for a type no loader reads."""
    content_type = fetched.content_type
    if content_type in CONTENT_TYPES:
        return CONTENT_TYPES[content_type]
    if content_type in _GENERIC:
        kind = filetype.guess(fetched.body)
        if kind is not None and kind.mime in _SNIFFED:
            return _SNIFFED[kind.mime]
        if kind is not None and kind.mime in CONTENT_TYPES:
            return CONTENT_TYPES[kind.mime]
        head = fetched.body[:512].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html")):
            return ".html"
    shown = content_type or "okänd typ"
    raise LoadError(
        fetched.url, f"filtypen {shown} kan inte läsas (stöds: HTML, PDF, DOCX, text, Markdown)"
    )


def web_doc_id(url: str) -> str:
    """A readable, stable id for a URL: host and path as a slug plus a short hash."""
    parts = urlsplit(url)
    host = re.sub(r"^www\.", "", parts.hostname or "")
    slug = re.sub(r"[^a-z0-9åäö]+", "-", f"{host} {unquote(parts.path)}".lower()).strip("-")
    return f"{slug[:60].rstrip('-')}-{content_hash(url)[:8]}"


def load_fetched(
    fetched: Fetched, canonical: str, limits: ParseLimits | None = None
) -> Document:
    """Parse a fetched body into a `Document` named by ``canonical``; raises `LoadError` only.

    With ``limits`` the body is parsed like an upload, in a worker process with CPU and memory
    limits (`ingest.isolated`): a web server is as untrusted as a file from the public.
    """
    suffix = suffix_for(fetched)
    name = web_doc_id(canonical)
    try:
        document = _parse(Path(name + suffix), fetched.body, limits)
    except LoadError as exc:
        raise LoadError(fetched.url, exc.reason) from exc
    except Exception as exc:  # the contract is LoadError only, whatever a parser throws
        raise LoadError(fetched.url, f"filen kunde inte tolkas: {type(exc).__name__}") from exc
    title = document.title
    if title == name:  # no title inside the file: the last part of the URL reads better
        title = unquote(urlsplit(canonical).path.rstrip("/").rsplit("/", 1)[-1]) or canonical
    return dataclasses.replace(
        document,
        title=title,
        source=canonical,
        url=canonical,
        publisher=document.publisher or urlsplit(canonical).hostname,  # HTML: its site name
        fetched_at=fetched.fetched_at,
        last_modified=fetched.last_modified,
    )


def _parse(path: Path, body: bytes, limits: ParseLimits | None) -> Document:
    if limits is None:
        return LOADERS[path.suffix](path, body)
    with tempfile.TemporaryDirectory(prefix="styrdok-web-") as folder:
        file = Path(folder) / path.name
        file.write_bytes(body)
        return load_isolated(file, limits)


@dataclass(frozen=True)
class PageLinks:
    canonical: str | None
    links: tuple[str, ...]


def page_links(fetched: Fetched) -> PageLinks:
    """The canonical URL and the absolute http(s) links of an HTML response."""
    root = _html_root(fetched)
    if root is None:
        return PageLinks(None, ())
    base = fetched.final_url
    declared_base = root.xpath("//base/@href")
    if declared_base:
        base = urljoin(base, str(declared_base[0]).strip())
    canonical = None
    found = root.xpath("//link[@rel='canonical']/@href")
    if found and str(found[0]).strip():
        canonical = urljoin(fetched.final_url, str(found[0]).strip())
    links: list[str] = []
    if "nofollow" in " ".join(root.xpath("//meta[@name='robots']/@content")).lower():
        return PageLinks(canonical, ())
    for href in root.xpath("//a[@href]/@href | //area[@href]/@href"):
        url = urljoin(base, str(href).strip())
        if urlsplit(url).scheme in ("http", "https"):
            links.append(url)
    return PageLinks(canonical, tuple(dict.fromkeys(links)))


def _html_root(fetched: Fetched) -> lxml.html.HtmlElement | None:
    if CONTENT_TYPES.get(fetched.content_type) != ".html" or not fetched.body.strip():
        return None
    try:
        return lxml.html.document_fromstring(fetched.body)
    except (etree.ParserError, ValueError):
        return None
