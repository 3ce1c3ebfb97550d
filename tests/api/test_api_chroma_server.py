"""Scale-out: ingest, search and ask through a real ``chroma run`` server; two app processes
share it and stay consistent while a third process re-ingests a document in a loop."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from evals.reliability.runs import (
    EDITED_DOC,
    Deployment,
    ReIngester,
    deploy,
    doc_variant,
    run_styrdok,
)
from ingest.chunking import chunk_document
from ingest.loaders import load_document
from ingest.pipeline import file_content_hash, version_hash

pytestmark = pytest.mark.server
QUESTION = "Varför vill Ljungby kommun bli 35 000 invånare år 2035?"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, fixture_corpus: Path,
               vision_page: Path) -> Iterator[Deployment]:
    deployed = deploy(tmp_path_factory.mktemp("scale"), [fixture_corpus, vision_page.parent],
                      apps=2, embedder="fake")
    yield deployed
    deployed.stop()


def _chunk_ids_by_version(path: Path, text: str) -> dict[str, set[str]]:
    path.write_text(text, encoding="utf-8")
    digest = version_hash(file_content_hash(path))
    doc = dataclasses.replace(load_document(path), content_hash=digest)
    return {f"{doc.doc_id}@{doc.content_hash}": {c.chunk_id for c in chunk_document(doc)}}


def test_cli_and_api_work_through_the_server(deployment: Deployment) -> None:
    """The fixture corpus was ingested through --chroma-url; the CLI searches it and both app
    processes give the same cited answer (nothing stored locally by the apps)."""
    found = run_styrdok("search", QUESTION, "--chroma-url", deployment.chroma.url,
                        "--embedder", "fake", "--index", str(deployment.workdir / "cli"),
                        "--json")
    assert found.returncode == 0, found.stderr
    assert "vision-2035" in {hit["doc_id"] for hit in json.loads(found.stdout)}
    answers = [httpx.post(f"{app.url}/api/ask", json={"question": QUESTION}, timeout=60).json()
               for app in deployment.apps]
    assert answers[0]["citations"] and answers[0]["text"] == answers[1]["text"]
    assert answers[0]["citations"] == answers[1]["citations"]
    assert not (deployment.workdir / "app-index" / "chroma").exists()


def test_readers_see_one_version_while_a_third_process_reingests(deployment: Deployment) -> None:
    """Two app processes are asked about a document while another process rewrites and
    re-ingests it in a loop. Every answer must contain that document (no gap) and all its
    retrieved chunks must be exactly chunks of one known version (no mix)."""
    path = deployment.corpus / EDITED_DOC
    original = path.read_text(encoding="utf-8")
    scratch = deployment.workdir / "scratch" / EDITED_DOC
    scratch.parent.mkdir()
    variants = [doc_variant(original, 1), doc_variant(original, 2)]
    known: dict[str, set[str]] = {}
    for text in [original, *variants]:
        known |= _chunk_ids_by_version(scratch, text)
    problems: list[str] = []
    seen_versions: set[str] = set()
    answers = 0
    stop = threading.Event()

    def reader(url: str) -> None:
        nonlocal answers
        with httpx.Client(base_url=url, timeout=60) as http:
            while not stop.is_set():
                response = http.post("/api/ask", json={"question": QUESTION})
                if response.status_code != 200:
                    problems.append(f"HTTP {response.status_code}: {response.text[:300]}")
                    continue
                body = response.json()
                mine = [r for r in body.get("retrieved", []) if r["doc_id"] == "vision-2035"]
                versions = {r["version"] for r in mine}
                answers += 1
                if len(versions) != 1:
                    problems.append(f"versions {versions} in one answer")
                    continue
                version = versions.pop()
                seen_versions.add(version)
                if version not in known or not {r["chunk_id"] for r in mine} <= known[version]:
                    problems.append(f"chunks not of one known version: {version}")

    readers = [threading.Thread(target=reader, args=(app.url,)) for app in deployment.apps * 2]
    with ReIngester(deployment, variants) as ingester:
        for thread in readers:
            thread.start()
        deadline = time.monotonic() + 180
        while ingester.runs < 4 and time.monotonic() < deadline:
            time.sleep(0.5)
        stop.set()
        for thread in readers:
            thread.join(60)
    assert ingester.runs >= 4 and not ingester.failures
    assert answers > 0 and problems == [], (problems[:5], deployment.errors_logged())
    assert len(seen_versions) >= 2  # readers really saw the document change
