"""Crawling the local site: exactly the allowed pages plus the PDF, every skip with its reason."""

from __future__ import annotations

from web_site import Site

from assistant.index import Index
from assistant.settings import Settings
from ingest.web.crawl import CrawlOptions, in_scope, url_pattern
from ingest.web.sources import Source
from ingest.web.sync import WebReport, sync_web

SITE_OPTIONS = CrawlOptions(crawl=True, max_depth=10, max_per_pattern=3)
ALLOWED = [
    "/site/",
    "/site/regler",
    "/site/taxa",
    "/site/ny-plan",
    "/site/plan.pdf",
    "/site/kalender?month=2026-01",
    "/site/kalender?month=2026-02",
    "/site/kalender?month=2026-03",
]


def crawl(site: Site, settings: Settings, options: CrawlOptions = SITE_OPTIONS) -> WebReport:
    return sync_web(
        [Source(site.url("/site/"), options)], settings, delay=0, sleep=lambda _s: None
    )


def indexed_sources(settings: Settings) -> set[str]:
    index = Index.open(settings.resolved_index_dir, None, settings.collection)
    return {record.source for record in index.documents().values()}


def reasons(report: WebReport, site: Site) -> dict[str, str]:
    return {
        r.url.removeprefix(site.base): r.reason
        for r in report.results
        if r.status in ("skipped", "failed")
    }


def test_crawl_indexes_exactly_the_allowed_pages_and_the_pdf(
    site: Site, web_settings: Settings
) -> None:
    crawl(site, web_settings)
    assert indexed_sources(web_settings) == {site.url(path) for path in ALLOWED}


SKIPS = {
    "/site/privat/personal": "robots.txt tillåter inte styrdok att hämta sidan",
    "/site/kopia": "samma innehåll som {base}/site/regler",
    "/site/taxa?utskrift=1": "samma sida som {base}/site/taxa",
    "/site/borta": "sidan finns inte (HTTP 404)",
    "/site/trog": "servern svarade inte inom 1 sekunder (tidsgräns)",
    "/site/arkiv.zip": "filtypen application/zip kan inte läsas",
    "/site/kalender?month=2026-04": "fler än 3 adresser med samma mönster",
}


def test_crawl_reports_each_skip_with_its_reason(site: Site, web_settings: Settings) -> None:
    skipped = reasons(crawl(site, web_settings), site)
    expected = {path: reason.format(base=site.base) for path, reason in SKIPS.items()}
    assert {path: skipped.get(path, "")[: len(r)] for path, r in expected.items()} == expected
    assert set(skipped) == set(expected)


def test_disallowed_page_is_never_requested(site: Site, web_settings: Settings) -> None:
    crawl(site, web_settings)
    assert site.requested("/site/privat/personal") == 0
    assert site.requested("/annat/sida") == 0  # outside the path prefix
    assert site.requested("/robots.txt") == 1


def test_redirect_is_recorded_and_the_target_indexed(site: Site, web_settings: Settings) -> None:
    report = crawl(site, web_settings)
    assert (site.url("/site/gammal-plan"), site.url("/site/ny-plan")) in report.redirects
    assert site.url("/site/ny-plan") in indexed_sources(web_settings)


def test_page_found_only_in_the_sitemap_is_crawled(site: Site, web_settings: Settings) -> None:
    site.pages["/site/bara-i-kartan"] = site.pages["/site/ny-plan"][0], b"<p>Bara i kartan.</p>"
    content_type, sitemap = site.pages["/sitemap.xml"]
    extra = f"<url><loc>{site.url('/site/bara-i-kartan')}</loc></url></urlset>".encode()
    site.pages["/sitemap.xml"] = content_type, sitemap.replace(b"</urlset>", extra)
    crawl(site, web_settings)
    assert site.url("/site/bara-i-kartan") in indexed_sources(web_settings)


def test_crawl_delay_from_robots_is_obeyed(site: Site, web_settings: Settings) -> None:
    waits: list[float] = []
    sync_web(
        [Source(site.url("/site/"), CrawlOptions(crawl=True, max_pages=4))],
        web_settings,
        delay=0,
        sleep=waits.append,
    )
    assert waits and all(0 < wait <= 0.1 for wait in waits)


def test_default_delay_when_robots_asks_for_less(site: Site, web_settings: Settings) -> None:
    waits: list[float] = []
    sync_web(
        [Source(site.url("/site/"), CrawlOptions(crawl=True, max_pages=4))],
        web_settings,
        delay=5.0,
        sleep=waits.append,
    )
    assert waits and all(wait > 4 for wait in waits)


def test_max_pages(site: Site, web_settings: Settings) -> None:
    report = crawl(site, web_settings, CrawlOptions(crawl=True, max_pages=3))
    assert len(indexed_sources(web_settings)) == 3
    assert reasons(report, site)["/site/"].startswith("gränsen på 3 sidor nåddes")


def test_max_depth(site: Site, web_settings: Settings) -> None:
    report = crawl(site, web_settings, CrawlOptions(crawl=True, max_depth=1))
    assert site.url("/site/kalender?month=2026-01") in indexed_sources(web_settings)
    assert reasons(report, site)["/site/kalender?month=2026-02"] == (
        "fler än 1 länkar från startsidan (max djup)"
    )


def test_include_and_exclude_patterns(site: Site, web_settings: Settings) -> None:
    options = CrawlOptions(crawl=True, include=("*/site/*",), exclude=("*kalender*", "*.pdf"))
    report = crawl(site, web_settings, options)
    sources = indexed_sources(web_settings)
    assert site.url("/site/regler") in sources
    assert not any("kalender" in s or s.endswith(".pdf") for s in sources)
    assert reasons(report, site)["/site/plan.pdf"] == "utesluten av ett exclude-mönster"


def test_single_url_is_fetched_without_crawling(site: Site, web_settings: Settings) -> None:
    sync_web([Source(site.url("/site/plan.pdf"))], web_settings, delay=0)
    assert indexed_sources(web_settings) == {site.url("/site/plan.pdf")}
    assert site.requested("/site/regler") == 0


def test_url_pattern_groups_calendar_months() -> None:
    assert url_pattern("https://a.se/kalender?month=2026-05") == url_pattern(
        "https://a.se/kalender?month=2031-12"
    )
    assert url_pattern("https://a.se/a") != url_pattern("https://a.se/b")


def test_scope_is_the_start_path() -> None:
    start = "https://www.ljungby.se/sv/styrdokument"
    assert in_scope("https://www.ljungby.se/sv/styrdokument/plan.pdf", start)
    assert not in_scope("https://www.ljungby.se/sv/styrdokument-gamla", start)
    assert not in_scope("https://www.ljungby.se/sv/nyheter", start)
    assert not in_scope("https://ljungby.se/sv/styrdokument/plan", start)  # another host
    assert in_scope("https://www.ljungby.se/sv/taxa", "https://www.ljungby.se/sv/index.html")


def test_site_whose_robots_txt_fails_is_not_crawled(site: Site, web_settings: Settings) -> None:
    site.broken.add("/robots.txt")
    report = crawl(site, web_settings)
    assert reasons(report, site)["/site/"].startswith(
        "robots.txt kunde inte hämtas (serverfel (HTTP 503)"
    )
    assert site.requested("/site/") == 0


def test_gzipped_sitemap_from_robots_txt(site: Site, web_settings: Settings) -> None:
    import gzip

    site.pages["/site/i-gz-kartan"] = "text/html", b"<p>Bara i den packade kartan.</p>"
    xml = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           f"<url><loc>{site.url('/site/i-gz-kartan')}</loc></url></urlset>")
    site.pages["/karta.xml.gz"] = "application/gzip", gzip.compress(xml.encode())
    content_type, robots = site.pages["/robots.txt"]
    extra = f"Sitemap: {site.base}/karta.xml.gz\n".encode()
    site.pages["/robots.txt"] = content_type, robots + extra
    crawl(site, web_settings)
    assert site.url("/site/i-gz-kartan") in indexed_sources(web_settings)
