"""Fetched pages and files are parsed like uploads: in the limited worker process."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ingest.isolated import ParseLimits
from ingest.loaders import LoadError
from ingest.web.documents import load_fetched
from ingest.web.fetch import Fetched

PAGES = Path(__file__).parent / "pages"
URL = "https://www.exempel.se/politik/"


def _fetched(name: str, content_type: str) -> Fetched:
    body = (PAGES / name).read_bytes()
    return Fetched(url=URL + name, final_url=URL + name, status=200, content_type=content_type,
                   body=body, fetched_at="2026-11-27T10:00:00+00:00")


@pytest.mark.parametrize(("name", "content_type"), [
    ("vision-sida.html", "text/html"),
    ("plan.pdf", "application/pdf"),
])
def test_the_worker_gives_the_same_document(name: str, content_type: str) -> None:
    fetched = _fetched(name, content_type)
    in_process = load_fetched(fetched, URL + name)
    isolated = load_fetched(fetched, URL + name, ParseLimits())
    # The pipeline sets content_hash from the fetched bytes; everything else must agree.
    assert dataclasses.replace(isolated, content_hash="") == dataclasses.replace(
        in_process, content_hash="")
    assert isolated.source == URL + name and isolated.blocks


def test_a_failure_in_the_worker_names_the_url() -> None:
    fetched = Fetched(url=URL + "trasig.pdf", final_url=URL + "trasig.pdf", status=200,
                      content_type="application/pdf", body=b"%PDF-1.7 inte en riktig pdf")
    with pytest.raises(LoadError) as caught:
        load_fetched(fetched, URL + "trasig.pdf", ParseLimits())
    assert "exempel.se/politik/trasig.pdf" in str(caught.value)
    assert caught.value.reason.startswith("trasig PDF"), caught.value.reason
