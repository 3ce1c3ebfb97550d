"""The FastAPI app: document route, health check, Swedish page shell, named Gradio endpoints."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.settings import Settings
from ui.app import create_app


@pytest.fixture(scope="module")
def client(built_index: Settings, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    settings = built_index.replace(feedback_db=tmp_path_factory.mktemp("fb") / "fb.sqlite3")
    return TestClient(create_app(settings))


@pytest.mark.parametrize("doc_id", ["finns-inte", "..%2F..%2F..%2Fetc%2Fpasswd",
                                    "../../etc/passwd", "%2Fetc%2Fpasswd"])
def test_document_route_refuses_ids_not_in_the_index(client: TestClient, doc_id: str) -> None:
    response = client.get(f"/documents/{doc_id}")
    assert response.status_code == 404
    assert "root:" not in response.text


def test_pdf_is_served_inline_as_pdf(client: TestClient, fixture_corpus: Path) -> None:
    response = client.get("/documents/verksamhetsplan-2026-kultur-fritid")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    pdf = fixture_corpus / "verksamhetsplan-2026-kultur-fritid.pdf"
    assert response.content == pdf.read_bytes()


def test_html_document_is_sandboxed_so_its_scripts_never_run(client: TestClient) -> None:
    response = client.get("/documents/landsbygdsutveckling")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"].startswith("sandbox")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_markdown_document_is_served_as_plain_text(client: TestClient) -> None:
    response = client.get("/documents/vision-2035")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "35 000" in response.text


def test_healthz_reports_the_document_count(client: TestClient, built_doc_ids: list[str]) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "documents": len(built_doc_ids)}


def test_page_is_swedish_and_has_no_staff_tab_without_password(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<html\n\tlang="sv"' in page.text or 'lang="sv"' in page.text[:200]
    config = client.get("/config").json()
    labels = [c.get("props", {}).get("label") for c in config["components"]]
    assert "Din fråga" in labels and "Lösenord" not in labels


def test_named_gradio_endpoints_are_published(client: TestClient) -> None:
    endpoints = client.get("/gradio_api/info").json()["named_endpoints"]
    assert {"/fraga", "/omdome_upp", "/omdome_ned", "/ny_konversation"} <= set(endpoints)
