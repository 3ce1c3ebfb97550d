"""Staff tab, add-a-site flow in a real headless Chromium, against a site on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytest_httpserver import HTTPServer
from test_ui_browser import _page, artifacts, axe_violations, browser  # noqa: F401 - fixtures
from werkzeug import Request, Response

from assistant.settings import Settings

if TYPE_CHECKING:
    from conftest import StartApp  # tests/ui/conftest.py
    from playwright.sync_api import Browser

pytestmark = [pytest.mark.browser]

PAGES = {
    "/robots.txt": ("text/plain", "User-agent: *\nDisallow: /kommun/intern\n"),
    "/kommun/": ("text/html", "<html><head><title>Styrdokument</title></head><body><main>"
                 "<h1>Styrdokument</h1><p>Kommunens styrdokument finns samlade här.</p>"
                 '<a href="/kommun/avfallsplan">Avfallsplan</a> '
                 '<a href="/kommun/intern">Intern sida</a></main></body></html>'),
    "/kommun/avfallsplan": ("text/html", "<html><head><title>Avfallsplan</title></head><body>"
                            "<main><h1>Avfallsplan 2026</h1><p>Matavfall sorteras i bruna "
                            "påsar i hela kommunen från 2026.</p></main></body></html>"),
}


@pytest.fixture
def small_site() -> Iterator[str]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()

    def handle(request: Request) -> Response:
        if request.path not in PAGES:
            return Response("finns inte", status=404)
        content_type, body = PAGES[request.path]
        return Response(body, content_type=content_type)

    server.expect_request(re.compile(".*")).respond_with_handler(handle)
    yield server.url_for("/kommun/")
    server.clear()
    server.stop()


def test_staff_adds_a_site_and_sees_the_result(
    small_site: str, run_app: StartApp, browser: Browser, artifacts: Path, tmp_path: Path  # noqa: F811
) -> None:
    settings = Settings.from_env(
        environ={}, index_dir=tmp_path / "idx", embedder="fake", admin_password="personal-2026",
        web_allow_private=True, web_delay=0.0, web_timeout=5.0,
    )
    app = run_app(settings)
    dialogs: list[str] = []
    page = _page(browser, dialogs)
    page.goto(app.url)
    page.get_by_role("tab", name="För personal").click()
    page.get_by_label("Lösenord").fill("personal-2026")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_label("Webbadress").fill(small_site)
    page.get_by_label("Hela avsnittet under adressen (följ länkar)").check()
    page.get_by_role("button", name="Hämta och läs in").click()
    results = page.locator("#sd-web-results table")
    results.wait_for(timeout=60_000)
    text = results.inner_text()
    assert f"{small_site}avfallsplan\tinläst" in text
    assert "robots.txt tillåter inte styrdok att hämta sidan" in text
    assert "Klart." in page.locator("#sd-web-status").inner_text()
    page.get_by_role("cell", name="Avfallsplan 2026").wait_for()  # in the documents table
    assert axe_violations(page) == []
    assert dialogs == []
    page.screenshot(path=artifacts / "ui-8-staff-web.png", full_page=True)
