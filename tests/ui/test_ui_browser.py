"""End to end in a real headless Chromium (Debian's), driven by Playwright.

Screenshots go to ``test-artifacts/`` in the repository (git-ignored).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.settings import Settings
from ingest.pipeline import ingest_paths

if TYPE_CHECKING:
    from conftest import StartApp  # tests/ui/conftest.py
    from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Plain text keeps markup as text (the Markdown/HTML loaders drop tags), so it reaches the page.
EVIL_DOC = (
    "Hundrastgårdar\n\nHundrastgården vid Lagasjön är öppen dygnet runt "
    "<script>alert('xss')</script> för alla hundar <img src=x onerror=\"alert('img')\">.\n\n"
    "Parkering finns vid grinden.\n"
)

# axe-core's WCAG 2.1 A/AA rules (the Swedish public-sector requirement), run in the page.
AXE_RUN = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} – ` +
    v.nodes.slice(0, 3).map(n => n.html.slice(0, 120)).join(' | '));
}"""

# No skip when Chromium is missing: `make test` installs Debian's chromium, and a browser test
# that silently skips would prove nothing.
pytestmark = [pytest.mark.browser]


@pytest.fixture
def artifacts(repo_dir: Path) -> Path:
    folder = repo_dir / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _page(browser: Browser, dialogs: list[str]) -> Page:
    page = browser.new_page(viewport={"width": 1366, "height": 1000}, locale="sv-SE")
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # The app's Content-Security-Policy must not block anything the page itself needs.
    page.on("console", lambda m: dialogs.append(m.text)
            if "Content Security Policy" in m.text else None)
    return page


def axe_violations(page: Page) -> list[str]:
    """WCAG 2.1 AA violations axe-core finds in the page as it is now."""
    import axe_playwright_python  # only for the axe-core build it bundles

    # Audit the settled page: colours caught mid-transition are not what a reader sees.
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running' || "
                           "a.effect.getComputedTiming().iterations === Infinity)")
    page.add_script_tag(path=str(Path(axe_playwright_python.__file__).parent / "axe.min.js"))
    return list(page.evaluate(AXE_RUN))


def test_resident_asks_opens_source_and_gives_feedback(
    built_index: Settings, built_doc_ids: list[str], run_app: StartApp, browser: Browser,
    artifacts: Path, tmp_path: Path
) -> None:
    db = tmp_path / "feedback.sqlite3"
    app = run_app(built_index.replace(feedback_db=db))
    dialogs: list[str] = []
    page = _page(browser, dialogs)
    page.goto(app.url)
    question_box = page.get_by_label("Din fråga")
    question_box.wait_for()
    assert page.evaluate("document.documentElement.lang") == "sv"
    page.get_by_text(f"Dokument som assistenten känner till ({len(built_doc_ids)} st)").click()
    assert page.locator(".sd-doclist li").count() == len(built_doc_ids)
    # Gradio adds the app's stylesheet after the page shows; audit the styled page.
    page.wait_for_function(
        "getComputedStyle(document.querySelector('.sd-docs summary')).fontWeight === '600'")
    assert axe_violations(page) == []
    page.screenshot(path=artifacts / "ui-1-start.png", full_page=True)

    # One click on an example asks it; the answer streams in with numbered citations.
    page.get_by_role("button", name="Vilka visionsmål har kommunen?").click()
    page.locator("#sd-sources .sd-card").first.wait_for(timeout=180_000)
    chat = page.locator("#sd-chat")
    assert "Bästa kommun att växa i" in chat.inner_text()
    assert chat.locator("strong", has_text="[1]").count() >= 1
    card = page.locator("#sd-sources .sd-card").first
    assert "[1]" in card.inner_text() and "Giltighet" in card.inner_text()
    page.wait_for_selector("#sd-down:not([disabled])")  # the answer is complete
    assert axe_violations(page) == []
    page.screenshot(path=artifacts / "ui-2-answer.png", full_page=True)

    # The cited source opens in a new tab, served by the app.
    with page.expect_popup() as popup_info:
        card.get_by_role("link").click()
    source = popup_info.value
    source.wait_for_load_state()
    assert "/documents/" in source.url
    assert "visionsmål" in source.content().lower()
    source.screenshot(path=artifacts / "ui-3-source.png")
    source.close()

    # Feedback with a comment lands in the SQLite file.
    page.get_by_label("Kommentar (frivillig)").fill("Bra med källor")
    page.get_by_role("button", name="Ja, svaret hjälpte").click()
    page.get_by_text("Tack!").wait_for()
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT question, rating, comment, citations FROM feedback").fetchall()
    assert [r[:3] for r in rows] == [("Vilka visionsmål har kommunen?", "up", "Bra med källor")]
    assert '"doc_id"' in rows[0][3]
    page.screenshot(path=artifacts / "ui-4-feedback.png", full_page=True)

    # Keyboard: type, Enter to ask; focus is visible on the next control.
    question_box.focus()
    page.keyboard.type('<img src=x onerror="alert(1)"> <script>alert(2)</script> Vem är '
                       "kommunstyrelsens ordförande?")
    page.keyboard.press("Enter")
    page.locator("#sd-sources .sd-refusal").wait_for(timeout=120_000)
    assert "<script>alert(2)</script>" in chat.inner_text()
    assert chat.locator("img[src=x], script").count() == 0
    question_box.focus()
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert float(outline.removesuffix("px")) >= 2
    assert dialogs == []
    # The chat log now scrolls: it and the cited passages must be reachable by keyboard.
    assert axe_violations(page) == []
    page.screenshot(path=artifacts / "ui-5-refusal.png", full_page=True)


def test_staff_upload_is_indexed_and_its_markup_shows_as_text(
    fixture_corpus: Path, run_app: StartApp, browser: Browser, artifacts: Path, tmp_path: Path
) -> None:
    settings = Settings.from_env(environ={}, index_dir=tmp_path / "idx", embedder="fake",
                                 admin_password="personal-2026", today="2026-11-26")
    ingest_paths([fixture_corpus / "sagobygden.md", fixture_corpus / "vision-2035.md"], settings)
    upload = tmp_path / "Hundrastgårdar.txt"
    upload.write_text(EVIL_DOC, encoding="utf-8")
    app = run_app(settings)
    dialogs: list[str] = []
    page = _page(browser, dialogs)
    page.goto(app.url)
    page.get_by_role("tab", name="För personal").click()
    page.get_by_label("Lösenord").fill("fel")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Fel lösenord").wait_for()
    page.get_by_label("Lösenord").fill("personal-2026")
    page.get_by_role("button", name="Logga in").click()
    # The login is a form post: the session lives in an HttpOnly cookie the page cannot read.
    page.get_by_role("button", name="Logga ut").wait_for()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["styrdok_personal"]["httpOnly"]
    assert cookies["styrdok_personal"]["sameSite"] == "Strict"
    assert page.evaluate("document.cookie") == ""
    page.locator("#sd-upload input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Läs in i indexet").click()
    page.get_by_text("inläst som hundrastgardar").wait_for(timeout=60_000)
    page.get_by_role("cell", name="hundrastgardar").wait_for()
    assert axe_violations(page) == []
    page.screenshot(path=artifacts / "ui-6-staff.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Exportera omdömen som CSV").click()
    assert download.value.suggested_filename.startswith("styrdok-omdomen-")

    page.get_by_role("tab", name="Fråga dokumenten").click()
    page.get_by_label("Din fråga").fill("Är hundrastgården vid Lagasjön öppen dygnet runt?")
    page.keyboard.press("Enter")
    # Answered or refused, the closest passage is shown, with its markup as plain text.
    page.locator("#sd-sources .sd-card").first.wait_for(timeout=60_000)
    sources = page.locator("#sd-sources")
    assert "Hundrastgårdar" in sources.inner_text() or "hundrastgardar" in sources.inner_html()
    assert "<script>alert('xss')</script>" in sources.inner_text()
    assert sources.locator("script, img").count() == 0
    assert dialogs == []
    page.screenshot(path=artifacts / "ui-7-uploaded-answer.png", full_page=True)

    page.get_by_role("tab", name="För personal").click()
    page.get_by_role("button", name="Logga ut").click()
    page.get_by_text("Du är utloggad.").wait_for()
    assert page.get_by_role("button", name="Läs in i indexet").is_hidden()
    assert axe_violations(page) == []


def test_malkoppling_tab_shows_table_and_heatmap(
    built_index: Settings, run_app: StartApp, browser: Browser, artifacts: Path, tmp_path: Path
) -> None:
    app = run_app(built_index.replace(feedback_db=tmp_path / "feedback.sqlite3"))
    page = _page(browser, [])
    page.goto(app.url)
    page.get_by_role("tab", name="Målkoppling").click()
    page.get_by_label("Indexerad plan").click()
    page.get_by_role("option", name="Verksamhetsplan 2026", exact=False).first.click()
    page.get_by_role("button", name="Visa målkoppling").click()
    heat = page.locator("table.heat")
    heat.wait_for(timeout=120_000)
    assert page.locator("table.acts tbody tr").count() == 8
    assert heat.locator("td.cell").count() > 0
    assert axe_violations(page) == []
    page.screenshot(path=artifacts / "ui-8-malkoppling.png", full_page=True)


def test_privacy_notice_and_page_name_the_external_llm(
    fixture_corpus: Path, run_app: StartApp, browser: Browser, artifacts: Path, tmp_path: Path
) -> None:
    # An external LLM is configured but never contacted: no question is asked.
    settings = Settings.from_env(
        environ={}, index_dir=tmp_path / "idx", embedder="fake", today="2026-11-26",
        llm="openai", llm_model="gpt-4o-mini", llm_api_key="k",
        llm_base_url="https://llm.example.se/v1", feedback_retention_days=60)
    ingest_paths([fixture_corpus / "vision-2035.md"], settings)
    app = run_app(settings)
    dialogs: list[str] = []
    page = _page(browser, dialogs)
    page.goto(app.url)
    notice = page.locator("#sd-privacy-notice")
    notice.wait_for()
    assert "Skriv inte personuppgifter" in notice.inner_text()
    assert "extern språkmodell hos llm.example.se" in notice.inner_text()
    page.wait_for_function(
        "getComputedStyle(document.querySelector('.sd-docs summary')).fontWeight === '600'")
    assert axe_violations(page) == []
    page.screenshot(path=artifacts / "ui-9-privacy-notice.png", full_page=True)

    with page.expect_popup() as popup_info:
        notice.get_by_role("link", name="Så hanterar vi dina uppgifter").click()
    privacy = popup_info.value
    privacy.wait_for_load_state()
    assert privacy.url == app.url + "integritet"
    assert privacy.evaluate("document.documentElement.lang") == "sv"
    text = privacy.locator("main").inner_text()
    assert "Omdömen sparas i 60 dagar" in text and "llm.example.se" in text
    privacy.screenshot(path=artifacts / "ui-10-privacy-page.png", full_page=True)
    # The page's policy forbids every script, axe-core's too: audit it in a page that may.
    audit = browser.new_page(viewport={"width": 1366, "height": 1000}, locale="sv-SE",
                             bypass_csp=True)
    audit.goto(privacy.url)
    assert axe_violations(audit) == []
    audit.close()
    privacy.get_by_role("link", name="Tillbaka till frågorna").click()
    privacy.get_by_label("Din fråga").wait_for()
    assert dialogs == []
