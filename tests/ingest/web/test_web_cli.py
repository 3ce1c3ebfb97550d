"""`styrdok ingest URL...`: pages and files from the web; bad URLs reported one by one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from web_site import Site

from assistant.ask import Assistant
from assistant.settings import Settings
from ui.cli import main
from ui.render import sources_html


def ingest(settings: Settings, *args: str) -> int:
    return main(["ingest", *args, "--index", str(settings.index_dir), "--embedder", "fake",
                 "--timeout", "1", "--delay", "0", "--json"])


def test_bad_urls_reported_one_by_one_while_the_rest_goes_on(
    site: Site, web_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code = ingest(
        web_settings, "--allow-private",
        site.url("/site/regler"), site.url("/fel"), site.url("/loop/a"), site.url("/site/trog"),
        site.url("/site/arkiv.zip"), site.url("/site/privat/personal"), "file:///etc/passwd",
    )
    report = json.loads(capsys.readouterr().out)
    outcome = {r["url"].removeprefix(site.base): (r["status"], r["reason"])
               for r in report["results"]}
    assert code == 1
    assert outcome["/site/regler"] == ("indexed", "")
    assert outcome["/fel"] == ("failed", "serverfel (HTTP 503); försök igen senare")
    assert outcome["/loop/a"][1].startswith("omdirigeringsslinga")
    assert outcome["/site/trog"][1] == "servern svarade inte inom 1 sekunder (tidsgräns)"
    assert outcome["/site/arkiv.zip"][1].startswith("filtypen application/zip kan inte läsas")
    assert outcome["/site/privat/personal"] == (
        "skipped", "robots.txt tillåter inte styrdok att hämta sidan"
    )
    assert outcome["file:///etc/passwd"][1].startswith("file:-adresser är inte tillåtna")


def test_internal_address_refused_without_allow_private(
    site: Site, web_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    code = ingest(web_settings.replace(web_allow_private=False), site.url("/site/regler"))
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert "internt nät (127.0.0.1)" in report["results"][0]["reason"]
    assert site.log == []


def test_type_comes_from_the_response_not_the_url(
    site: Site, web_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    site.pages["/site/beslut.html"] = "application/pdf", site.pages["/site/plan.pdf"][1]
    assert ingest(web_settings, "--allow-private", site.url("/site/beslut.html")) == 0
    capsys.readouterr()
    (record,) = Assistant.from_settings(web_settings).retriever.documents().values()
    assert (record.kind, record.page_count) == ("pdf", 4)


def test_answer_from_the_pdf_cites_its_url_and_page(
    site: Site, web_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ingest(web_settings, "--allow-private", "--crawl", site.url("/site/")) == 1
    capsys.readouterr()
    answer = Assistant.from_settings(web_settings).ask("Vem erbjuds avgiftsfri simskola?")
    cited = [c for c in answer.citations if c.url == site.url("/site/plan.pdf")]
    assert cited and cited[0].page == 3
    assert f'href="{site.url("/site/plan.pdf")}#page=3"' in sources_html(answer)


def test_files_and_urls_in_one_run(
    site: Site, web_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = tmp_path / "anteckning.md"
    note.write_text("# Anteckning\n\nFullmäktige sammanträder i Ljungby.\n", encoding="utf-8")
    code = main(["ingest", str(note), site.url("/site/regler"), "--allow-private", "--delay", "0",
                 "--index", str(web_settings.index_dir), "--embedder", "fake"])
    out = capsys.readouterr().out
    assert code == 0, out
    records = Assistant.from_settings(web_settings).retriever.documents().values()
    sources = {record.source for record in records}
    assert sources == {str(note.resolve()), site.url("/site/regler")}


def test_pruning_files_leaves_web_pages_alone(
    site: Site, web_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ingest(web_settings, "--allow-private", site.url("/site/regler")) == 0
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "plan.md").write_text("# Plan\n\nPlanen gäller 2026.\n", encoding="utf-8")
    assert main(["ingest", str(folder), "--prune", "--index", str(web_settings.index_dir),
                 "--embedder", "fake"]) == 0
    capsys.readouterr()
    records = Assistant.from_settings(web_settings).retriever.documents().values()
    assert site.url("/site/regler") in {record.source for record in records}
