"""Bring the index up to date with web sources: fetch (conditionally), ingest, remove the gone.

`sync_web` is what both ``styrdok ingest URL...`` and ``styrdok sync sources.yaml`` call. It
crawls every source with one `Crawler`, hands the fetched pages to the ordinary ingest pipeline
(`ingest.pipeline.ingest_inputs`: same loaders, chunker, embedder reuse and atomic replacement
as files) and removes a page only after ``missing_after`` syncs in a row answered 404/410 (a
timeout or a 5xx never counts). The sync state is saved beside the index afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.embeddings import Embedder
from assistant.settings import Settings
from assistant.types import Document, content_hash
from ingest.isolated import ParseLimits
from ingest.pipeline import (
    IngestSummary,
    Progress,
    indexed_sources,
    ingest_inputs,
    is_current,
    is_up_to_date,
)
from ingest.web.crawl import Crawler, CrawlResult, Event, Page
from ingest.web.documents import load_fetched
from ingest.web.fetch import Fetcher, Politeness
from ingest.web.sources import Source
from ingest.web.state import SyncState

STATUS_LABELS = {
    "indexed": "inläst",
    "unchanged": "oförändrad",
    "skipped": "hoppades över",
    "failed": "kunde inte läsas",
    "missing": "saknas",
    "removed": "borttagen",
}


@dataclass(frozen=True)
class WebInput:
    """A fetched page as a pipeline input (`ingest.pipeline.Input`)."""

    page: Page
    limits: ParseLimits | None = None

    @property
    def source(self) -> str:
        return self.page.canonical

    def digest(self) -> str | None:
        if self.page.fetched.not_modified:
            return None
        return content_hash(self.page.canonical.encode() + b"\0" + self.page.fetched.body)

    def load(self) -> Document:
        return load_fetched(self.page.fetched, self.page.canonical, self.limits)


@dataclass(frozen=True)
class UrlResult:
    url: str
    status: str  # a key of STATUS_LABELS; "skipped" by a rule, "failed" by an error
    reason: str = ""


@dataclass
class WebReport:
    summary: IngestSummary
    results: list[UrlResult] = field(default_factory=list)
    redirects: list[tuple[str, str]] = field(default_factory=list)
    requests: int = 0
    conditional_requests: int = 0
    not_modified: int = 0

    @property
    def ok(self) -> bool:
        return not any(r.status == "failed" for r in self.results)

    def to_dict(self) -> dict[str, object]:
        return {
            "summary": self.summary.to_dict(),
            "results": [r.__dict__ for r in self.results],
            "redirects": [{"from": a, "to": b} for a, b in self.redirects],
            "requests": self.requests,
            "conditional_requests": self.conditional_requests,
            "not_modified": self.not_modified,
            "ok": self.ok,
        }


def sync_web(
    sources: Sequence[Source],
    settings: Settings,
    *,
    missing_after: int = 3,
    delay: float = 1.0,
    on_event: Event | None = None,
    progress: Progress | None = None,
    embedder: Embedder | None = None,
    fetcher: Fetcher | None = None,
    sleep: Callable[[float], None] | None = None,
    save_snapshot: bool = False,
) -> WebReport:
    """Fetch ``sources``, ingest what changed and report every URL's outcome.

    ``save_snapshot``: write the readers' saved snapshot afterwards, as ``styrdok ingest``
    does (the CLI; the staff tab runs in an app process, whose own reader keeps it)."""
    state = SyncState.load(settings.resolved_index_dir)
    indexed = {src for src, record in indexed_sources(settings).items() if is_up_to_date(record)}
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(
        timeout=settings.web_timeout,
        max_bytes=settings.web_max_mb * 1_000_000,
        allow_private=settings.web_allow_private,
    )
    politeness = Politeness(delay) if sleep is None else Politeness(delay, sleep=sleep)
    crawler = Crawler(fetcher, politeness, state, indexed=indexed, on_event=on_event)
    crawled = CrawlResult()
    try:
        for source in sources:
            crawler.run(source.url, source.options, crawled)
    finally:
        if own_fetcher:
            fetcher.close()

    removable = _count_missing(crawled, state, missing_after)
    limits = ParseLimits.from_settings(settings)
    inputs = [WebInput(page, limits) for page in crawled.pages]
    before = indexed_sources(settings)
    summary = ingest_inputs(
        inputs,
        settings,
        remove=lambda record, _seen: record.source in removable,
        progress=progress,
        embedder=embedder,
        save_snapshot=save_snapshot,
    )
    report = WebReport(
        summary,
        redirects=crawled.redirects,
        requests=fetcher.requests,
        conditional_requests=fetcher.conditional_requests,
        not_modified=sum(1 for p in crawled.pages if p.fetched.not_modified),
    )
    failed = dict(summary.skipped)
    for page in crawled.pages:
        entry = state.urls[page.fetched.url]
        reason = failed.get(page.canonical)
        if reason is not None:  # the index keeps the last good version, if there is one
            entry.skipped = reason
            report.results.append(UrlResult(page.fetched.url, "failed", reason))
            continue
        entry.indexed, entry.skipped = True, ""
        old = before.get(page.canonical)
        digest = WebInput(page).digest()
        unchanged = digest is None or (old is not None and is_current(old, digest))
        report.results.append(UrlResult(page.fetched.url, "unchanged" if unchanged else "indexed"))
    gone = set(crawled.gone)
    for url, reason in crawled.skipped:
        entry = state.urls.get(url)
        if url in gone and entry is not None and entry.indexed:
            if entry.canonical in removable:
                report.results.append(UrlResult(url, "removed", reason))
                del state.urls[url]
            else:
                report.results.append(UrlResult(
                    url, "missing", f"{reason}; tas bort efter {missing_after} synkningar i rad "
                    f"(nu {entry.missing})"
                ))
        else:
            status = "failed" if url in crawled.failed else "skipped"
            report.results.append(UrlResult(url, status, reason))
    state.save()
    return report


def _count_missing(crawled: CrawlResult, state: SyncState, missing_after: int) -> set[str]:
    """Count a 404/410 for every indexed URL that answered one; the canonical URLs to remove."""
    removable: set[str] = set()
    for url in crawled.gone:
        entry = state.urls.get(url)
        if entry is None or not entry.indexed:
            continue
        entry.missing += 1
        if entry.missing >= missing_after:
            removable.add(entry.canonical)
    return removable
