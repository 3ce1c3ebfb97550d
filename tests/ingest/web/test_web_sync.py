"""`styrdok sync`: conditional requests, replaced pages, pages removed after N syncs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from web_site import Site, html

from assistant.index import Index
from assistant.settings import Settings
from ingest.web.sources import SourcesError, load_sources
from ingest.web.state import STATE_FILE
from ui.cli import main


def write_sources(tmp_path: Path, site: Site, missing_after: int = 3) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"missing_after: {missing_after}\n"
        "delay: 0\n"
        "sources:\n"
        f"  - url: {site.url('/site/')}\n"
        "    crawl: true\n"
        "    max_per_pattern: 2\n"
        '    exclude: ["*/borta", "*/trog", "*/arkiv.zip", "*/kopia", "*utskrift*"]\n',
        encoding="utf-8",
    )
    return path


def sync(
    sources: Path, settings: Settings, capsys: pytest.CaptureFixture[str], *flags: str
) -> tuple[int, str]:
    code = main(["sync", str(sources), "--index", str(settings.index_dir), "--embedder", "fake",
                 "--allow-private", "--timeout", "1", *flags])
    return code, capsys.readouterr().out


def sync_json(sources: Path, settings: Settings, capsys: pytest.CaptureFixture[str]) -> dict:
    code, out = sync(sources, settings, capsys, "--json")
    assert code == 0, out
    return json.loads(out)


def documents(settings: Settings) -> dict[str, object]:
    index = Index.open(settings.resolved_index_dir, None, settings.collection)
    return {record.source: record for record in index.documents().values()}


def test_second_sync_makes_only_conditional_requests_and_embeds_nothing(
    site: Site, web_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = write_sources(tmp_path, site)
    first = sync_json(sources, web_settings, capsys)
    assert first["summary"]["texts_embedded"] > 0
    site.log.clear()
    code, out = sync(sources, web_settings, capsys)
    assert code == 0
    assert site.log and all(conditional for _path, conditional in site.log), site.log
    requests = len(site.log)
    assert f"Förfrågningar: {requests} (villkorliga: {requests}, " in out
    assert "Inbäddade texter: 0 (återanvända: 0)" in out
    assert "0 nya, 0 ändrade, 7 oförändrade, 0 borttagna" in out


def test_changed_page_is_replaced(
    site: Site, web_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = write_sources(tmp_path, site)
    sync_json(sources, web_settings, capsys)
    site.pages["/site/regler"] = "text/html", html(
        "Regler för föreningsbidrag", "<p>Nytt från 2027: bidraget söks i e-tjänsten.</p>"
    )
    report = sync_json(sources, web_settings, capsys)
    assert report["summary"]["documents_replaced"] == 1
    assert report["summary"]["documents_unchanged"] == 6
    changed = [r for r in report["results"] if r["status"] == "indexed"]
    assert [r["url"] for r in changed] == [site.url("/site/regler")]
    from assistant.retrieval import Retriever

    hits = Retriever.from_settings(web_settings).search("e-tjänsten 2027", k=1, mode="lexical")
    assert hits[0].chunk.source == site.url("/site/regler")
    assert "e-tjänsten" in hits[0].chunk.text


def test_removed_page_leaves_after_the_configured_number_of_syncs(
    site: Site, web_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = write_sources(tmp_path, site, missing_after=3)
    sync_json(sources, web_settings, capsys)
    del site.pages["/site/taxa"]
    taxa = site.url("/site/taxa")
    for attempt in (1, 2):
        report = sync_json(sources, web_settings, capsys)
        assert taxa in documents(web_settings)
        missing = {r["url"]: r["reason"] for r in report["results"] if r["status"] == "missing"}
        assert missing[taxa].endswith(f"(nu {attempt})")
    report = sync_json(sources, web_settings, capsys)
    assert taxa not in documents(web_settings)
    assert report["summary"]["documents_removed"] == 1
    assert {"url": taxa, "status": "removed", "reason": "sidan finns inte (HTTP 404)"} in (
        report["results"]
    )


def test_server_error_does_not_count_as_missing(
    site: Site, web_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = write_sources(tmp_path, site, missing_after=2)
    sync_json(sources, web_settings, capsys)
    taxa = site.pages.pop("/site/taxa")
    sync_json(sources, web_settings, capsys)  # 404: 1 of 2
    site.broken.add("/site/taxa")  # 503
    sync(sources, web_settings, capsys)
    assert site.url("/site/taxa") in documents(web_settings)
    site.broken.clear()
    site.pages["/site/taxa"] = taxa  # back again: the count starts over
    sync_json(sources, web_settings, capsys)
    del site.pages["/site/taxa"]
    sync_json(sources, web_settings, capsys)
    assert site.url("/site/taxa") in documents(web_settings)


def test_sync_state_is_kept_beside_the_index(
    site: Site, web_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sync_json(write_sources(tmp_path, site), web_settings, capsys)
    state = json.loads((web_settings.resolved_index_dir / STATE_FILE).read_text())
    entry = state["urls"][site.url("/site/regler")]
    assert entry["etag"] and entry["last_modified"] and entry["indexed"]


def test_web_metadata_is_stored(
    site: Site, web_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sync_json(write_sources(tmp_path, site), web_settings, capsys)
    record = documents(web_settings)[site.url("/site/taxa")]
    assert (record.url, record.title, record.publisher) == (
        site.url("/site/taxa"), "Taxa för lokalhyra", "Exempelby kommun"
    )
    assert record.last_modified == "Wed, 11 Mar 2026 08:00:00 GMT"
    assert record.fetched_at[:2] == "20"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("sources: []\n", "listan 'sources:' är tom"),
        ("urls: [a]\n", "filen ska ha en lista 'sources:'"),
        ("sources:\n  - url: https://a.se\n    djup: 3\n", "okänd nyckel djup"),
        ("sources:\n  - url: https://a.se\n    max_pages: -1\n", "max_pages ska vara ett heltal"),
        ("sources: [\n", "trasig YAML"),
    ],
)
def test_bad_sources_file(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesError, match=problem):
        load_sources(path)


def test_sync_saves_the_readers_snapshot_so_a_fresh_app_reads_no_chunks(
    site: Site, web_settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from assistant.retrieval import Retriever

    sync_json(write_sources(tmp_path, site), web_settings, capsys)
    retriever = Retriever.from_settings(web_settings)
    path = retriever.cache_file()
    assert path is not None and path.with_suffix(".json").exists()
    read: list[object] = []
    monkeypatch.setattr(retriever.index, "current_chunks",
                        lambda versions=None: read.append(versions) or [])
    snapshot = retriever.snapshot()
    assert read == []  # saved at the index's generation: nothing to read
    assert set(snapshot.documents) == set(Index.open(web_settings.resolved_index_dir)
                                          .documents())
    assert {r.source for r in snapshot.documents.values()} >= {site.url("/site/regler")}
