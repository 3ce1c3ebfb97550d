"""Fetch the pages of a source: one URL, or a crawl of a site section.

A crawl stays on the start URL's host and path prefix, discovers pages through ``sitemap.xml``
and the ``Sitemap:`` lines of robots.txt as well as through links, obeys robots.txt for the
user agent ``styrdok`` (with its Crawl-delay, and a default delay between requests), and is
bounded by a page limit, a link depth, include/exclude patterns and a budget per URL pattern
that stops calendar and query-string traps. A page is named by its canonical URL; a page whose
canonical URL or content was already fetched is skipped as a duplicate.

Every request for something fetched before is conditional (ETag / Last-Modified, kept in
`SyncState`); a 304 reuses the stored links, sitemap URLs or robots.txt rules.
"""

from __future__ import annotations

import fnmatch
import itertools
import re
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

import courlan
from protego import Protego

from assistant.types import content_hash
from ingest.web.documents import page_links
from ingest.web.fetch import USER_AGENT, Fetched, Fetcher, FetchError, Politeness, check_url
from ingest.web.state import SyncState, UrlState

MAX_SITEMAPS = 20
HTML_TYPES = ("text/html", "application/xhtml+xml")
Event = Callable[[str, str, str], None]
"""event(kind, url, detail): kind is "fetch", "skip" or "page"."""


@dataclass(frozen=True)
class CrawlOptions:
    crawl: bool = False
    max_pages: int = 100
    max_depth: int = 3
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_per_pattern: int = 10


@dataclass(frozen=True)
class Page:
    """A fetched page or file (or a 304 for one), named by its canonical URL."""

    fetched: Fetched
    canonical: str
    depth: int


@dataclass
class CrawlResult:
    pages: list[Page] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # answered 404/410
    failed: set[str] = field(default_factory=set)  # could not be fetched (an error, not a rule)
    redirects: list[tuple[str, str]] = field(default_factory=list)


def normalize(url: str) -> str:
    """Without fragment, with host lower-cased, default port and query order normalised."""
    url = urldefrag(url.strip())[0]
    try:
        return str(courlan.normalize_url(url))
    except ValueError:
        return url


def url_pattern(url: str) -> str:
    """``/kalender?month=2026-05`` -> ``/kalender?month=N-N``: what a trap repeats."""
    parts = urlsplit(url)
    query = "&".join(sorted(p.split("=", 1)[0] for p in parts.query.split("&") if p))
    return re.sub(r"\d+", "N", f"{parts.netloc}{parts.path}?{query}")


def _gunzip(body: bytes, limit: int) -> bytes:
    """A ``sitemap.xml.gz`` body unpacked, never beyond ``limit`` bytes (a gzip bomb stops)."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    try:
        return zlib.decompressobj(wbits=47).decompress(body, limit)
    except zlib.error:
        return b""


def in_scope(url: str, start: str) -> bool:
    """Same host as ``start``, under its path: ``/a/b`` and ``/a/b/`` cover ``/a/b/...``; a
    file-like last part (``/a/index.html``) covers its folder ``/a/...``."""
    here, there = urlsplit(url), urlsplit(start)
    if here.scheme not in ("http", "https") or here.netloc.lower() != there.netloc.lower():
        return False
    path = there.path or "/"
    if not path.endswith("/"):
        last = path.rsplit("/", 1)[-1]
        path = path.rsplit("/", 1)[0] + "/" if "." in last else path + "/"
    return here.path.startswith(path) or here.path == there.path


class Crawler:
    """Fetches sources with one fetcher, one politeness clock and one sync state."""

    def __init__(
        self,
        fetcher: Fetcher,
        politeness: Politeness,
        state: SyncState,
        *,
        indexed: set[str],
        on_event: Event | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.politeness = politeness
        self.state = state
        self.indexed = indexed  # canonical URLs whose current version is in the index
        self.on_event = on_event or (lambda kind, url, detail: None)
        self._robots: dict[str, Protego | None] = {}
        self._seen: set[str] = set()
        self._identities: dict[str, str] = {}  # canonical URL -> URL it was fetched from
        self._bodies: dict[str, str] = {}  # body hash -> canonical URL

    def run(self, start: str, options: CrawlOptions, result: CrawlResult) -> None:
        start = normalize(start)
        try:  # a URL that may not be fetched at all is reported as itself, not via robots.txt
            check_url(start, allow_private=self.fetcher.allow_private,
                      resolver=self.fetcher.resolver)
        except FetchError as exc:
            result.failed.add(start)
            self._skip(result, start, exc.reason)
            return
        robots = self._robots_for(start, result)
        if robots is None:
            return
        queue: deque[tuple[str, int]] = deque([(start, 0)])
        if options.crawl:
            queue += ((url, 1) for url in self._sitemap_urls(start, robots, result))
        # Pages fetched before are checked again even when nothing links to them any more.
        queue += ((url, 1) for url, entry in self.state.urls.items()
                  if entry.indexed and url != start and in_scope(url, start) and options.crawl)
        patterns: dict[str, int] = {}
        fetched = 0
        not_fetched = 0
        while queue:
            url, depth = queue.popleft()
            url = normalize(url)
            if url in self._seen or (url != start and not in_scope(url, start)):
                continue
            self._seen.add(url)
            reason = self._excluded(url, start, options, patterns)
            if reason:
                self._skip(result, url, reason)
                continue
            if not robots.can_fetch(url, USER_AGENT):
                self._skip(result, url, "robots.txt tillåter inte styrdok att hämta sidan")
                continue
            if fetched >= options.max_pages:
                not_fetched += 1
                continue
            fetched += 1
            page = self._fetch_page(url, start, depth, result)
            if page is None:
                continue
            entry = self.state.urls.get(url)
            if options.crawl and entry is not None and entry.content_type in HTML_TYPES:
                for link in entry.links:
                    if depth + 1 > options.max_depth:
                        normal = normalize(link)
                        if normal not in self._seen and in_scope(normal, start):
                            self._seen.add(normal)
                            self._skip(result, normal, f"fler än {options.max_depth} länkar "
                                       "från startsidan (max djup)")
                    else:
                        queue.append((link, depth + 1))
        if not_fetched:
            self._skip(result, start, f"gränsen på {options.max_pages} sidor nåddes; "
                       f"{not_fetched} adress(er) till hämtades inte")

    # ------------------------------------------------------------------ one page

    def _fetch_page(self, url: str, start: str, depth: int, result: CrawlResult) -> Page | None:
        self.on_event("fetch", url, "")
        try:
            fetched, entry = self._get(url)
        except FetchError as exc:
            if exc.gone:
                result.gone.append(url)
            result.failed.add(url)
            self._skip(result, url, exc.reason)
            return None
        hops = [*fetched.redirects, fetched.final_url]
        result.redirects += list(itertools.pairwise(hops))
        final = normalize(fetched.final_url)
        if fetched.redirects:
            if not in_scope(final, start):
                self._skip(result, url, f"omdirigerades utanför webbplatsen (till {final})")
                return None
            if final in self._seen and final in self._identities.values():
                self._skip(result, url, f"omdirigerar till {final}, som redan är hämtad")
                return None
            self._seen.add(final)
        if fetched.not_modified and entry.skipped:
            self._skip(result, url, f"{entry.skipped} (oförändrad sedan förra hämtningen)")
            return None
        canonical = entry.canonical or final
        if duplicate := self._identities.get(canonical):
            entry.skipped = f"samma sida som {duplicate} (kanonisk adress {canonical})"
            self._skip(result, url, entry.skipped)
            return None
        if same := self._bodies.get(entry.body_hash):
            entry.skipped = f"samma innehåll som {same}"
            self._skip(result, url, entry.skipped)
            return None
        self._bodies[entry.body_hash] = url
        self._identities[canonical] = url
        page = Page(fetched, canonical, depth)
        result.pages.append(page)
        self.on_event("page", url, "oförändrad" if fetched.not_modified else "hämtad")
        return page

    def _get(self, url: str) -> tuple[Fetched, UrlState]:
        """Fetch ``url`` (conditionally when its document is indexed) and update its state."""
        entry = self.state.urls.get(url)
        # Validators only when a 304 can be acted on: the page is indexed and current, or it
        # was skipped for a reason that a 304 keeps true.
        known = entry is not None and (
            (entry.indexed and entry.canonical in self.indexed) or bool(entry.skipped)
        )
        self.politeness.wait(url)
        fetched = self.fetcher.get(
            url,
            etag=entry.etag if known and entry else None,
            last_modified=entry.last_modified if known and entry else None,
        )
        if fetched.not_modified and entry is not None:
            entry.missing = 0
            return fetched, entry
        links = page_links(fetched)
        canonical = normalize(fetched.final_url)
        if links.canonical and urlsplit(links.canonical).netloc == urlsplit(canonical).netloc:
            canonical = normalize(links.canonical)
        new = UrlState(
            canonical=canonical,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            fetched_at=fetched.fetched_at,
            content_type=fetched.content_type,
            links=list(links.links),
            body_hash=content_hash(fetched.body),
            indexed=entry.indexed if entry is not None else False,
        )
        self.state.urls[url] = new
        return fetched, new

    def _excluded(
        self, url: str, start: str, options: CrawlOptions, patterns: dict[str, int]
    ) -> str:
        if url == start:
            return ""
        if options.include and not any(fnmatch.fnmatch(url, p) for p in options.include):
            return "matchar inget av include-mönstren"
        if any(fnmatch.fnmatch(url, p) for p in options.exclude):
            return "utesluten av ett exclude-mönster"
        key = url_pattern(url)
        patterns[key] = patterns.get(key, 0) + 1
        if patterns[key] > options.max_per_pattern:
            return (f"fler än {options.max_per_pattern} adresser med samma mönster "
                    "(trolig kalender- eller frågesträngsfälla)")
        return ""

    def _skip(self, result: CrawlResult, url: str, reason: str) -> None:
        result.skipped.append((url, reason))
        self.on_event("skip", url, reason)

    # ------------------------------------------------------------------ robots and sitemaps

    def _robots_for(self, start: str, result: CrawlResult) -> Protego | None:
        """The robots.txt rules of ``start``'s host; None when the site cannot be crawled."""
        parts = urlsplit(start)
        host = parts.netloc.lower()
        if host in self._robots:
            return self._robots[host]
        url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        try:
            fetched, entry = self._get_meta(url)
            text = entry.text if fetched.not_modified else fetched.body.decode("utf-8", "replace")
            entry.text = text
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                text = ""  # no robots.txt: everything is allowed
            else:
                result.failed.add(start)
                self._skip(result, start, f"robots.txt kunde inte hämtas ({exc.reason}); "
                           "webbplatsen hoppas över")
                self._robots[host] = None
                return None
        robots = Protego.parse(text)
        self.politeness.set_crawl_delay(host, robots.crawl_delay(USER_AGENT))
        self._robots[host] = robots
        return robots

    def _sitemap_urls(self, start: str, robots: Protego, result: CrawlResult) -> list[str]:
        from usp.objects.sitemap import AbstractIndexSitemap, InvalidSitemap
        from usp.tree import sitemap_from_str

        parts = urlsplit(start)
        default = f"{parts.scheme}://{parts.netloc}/sitemap.xml"
        todo = deque(dict.fromkeys([*robots.sitemaps, default]))
        pages: list[str] = []
        done: set[str] = set()
        while todo and len(done) < MAX_SITEMAPS:
            url = todo.popleft()
            if url in done or urlsplit(url).netloc.lower() != parts.netloc.lower():
                continue
            done.add(url)
            try:
                fetched, entry = self._get_meta(url)
            except FetchError as exc:
                if not (exc.gone and url == default):  # most sites have no sitemap.xml
                    result.failed.add(url)
                    self._skip(result, url, f"webbplatskartan kunde inte hämtas: {exc.reason}")
                continue
            if not fetched.not_modified:
                body = _gunzip(fetched.body, self.fetcher.max_bytes)
                tree = sitemap_from_str(body.decode("utf-8", "replace"))
                entry.links = [page.url for page in tree.all_pages()]
                if isinstance(tree, AbstractIndexSitemap):
                    entry.links += [f"sitemap:{s.url}" for s in tree.sub_sitemaps
                                    if isinstance(s, InvalidSitemap)]
            for link in entry.links:
                if link.startswith("sitemap:"):
                    todo.append(link.removeprefix("sitemap:"))
                else:
                    pages.append(link)
        return pages

    def _get_meta(self, url: str) -> tuple[Fetched, UrlState]:
        """robots.txt or a sitemap: conditional when fetched before, state kept per URL."""
        entry = self.state.urls.get(url)
        self.politeness.wait(url)
        fetched = self.fetcher.get(
            url,
            etag=entry.etag if entry else None,
            last_modified=entry.last_modified if entry else None,
        )
        if fetched.not_modified and entry is not None:
            return fetched, entry
        entry = UrlState(
            canonical=url, etag=fetched.etag, last_modified=fetched.last_modified,
            fetched_at=fetched.fetched_at, content_type=fetched.content_type,
        )
        self.state.urls[url] = entry
        return fetched, entry
