"""A small municipal web site for the web-source tests, served on 127.0.0.1.

Every response carries an ETag and a Last-Modified header and answers a matching conditional
request with 304; every request is logged with whether it was conditional. Pages can be changed
or removed during a test (``site.pages``).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from werkzeug import Request, Response

PAGES = Path(__file__).parent / "pages"
LAST_MODIFIED = "Wed, 11 Mar 2026 08:00:00 GMT"
SLOW_SECONDS = 3.0
TIMEOUT = 1.0
BIG = 300_000  # bytes: more than the size limit the bad-input tests set


def html(title: str, body: str, head: str = "") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{title} - '
        f"Exempelby kommun</title>{head}</head><body><header><nav><a href='/site/'>Start</a>"
        f"</nav></header><main><h1>{title}</h1>{body}</main>"
        "<footer><p>Exempelby kommun, Storgatan 1. Telefon 0123-456 00.</p></footer>"
        "</body></html>"
    ).encode()


@dataclass
class Site:
    base: str
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    log: list[tuple[str, bool]] = field(default_factory=list)  # (path?query, conditional)
    broken: set[str] = field(default_factory=set)  # paths that answer 503

    def url(self, path: str) -> str:
        return self.base + path

    def requested(self, path: str) -> int:
        return sum(1 for p, _ in self.log if p == path)


def calendar(month: int) -> bytes:
    year, mon = 2026 + (month - 1) // 12, (month - 1) % 12 + 1
    nxt = month + 1
    nyear, nmon = 2026 + (nxt - 1) // 12, (nxt - 1) % 12 + 1
    return html(
        f"Kalender {year}-{mon:02d}",
        f"<p>Inga sammanträden är planerade i månad {year}-{mon:02d} enligt kalendern.</p>"
        f'<p><a href="/site/kalender?month={nyear}-{nmon:02d}">Nästa månad</a></p>',
    )


def site_pages(base: str) -> dict[str, tuple[str, bytes]]:
    rules = html(
        "Regler för föreningsbidrag",
        "<p>Föreningar med minst tio medlemmar i åldern 7–20 år kan få aktivitetsstöd.</p>"
        "<h2>Ansökan</h2><p>Ansökan om aktivitetsstöd lämnas senast den 25 augusti.</p>",
    )
    return {
        "/robots.txt": (
            "text/plain",
            f"User-agent: *\nDisallow: /site/privat/\nCrawl-delay: 0.1\n\n"
            f"Sitemap: {base}/sitemap.xml\n".encode(),
        ),
        "/sitemap.xml": (
            "application/xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{base}/site/</loc></url>"
                f"<url><loc>{base}/site/taxa</loc></url>"
                f"<url><loc>{base}/site/plan.pdf</loc></url>"
                f"<url><loc>{base}/site/privat/personal</loc></url>"
                "</urlset>"
            ).encode(),
        ),
        "/site/": (
            "text/html",
            html(
                "Styrdokument",
                "<p>Här finns kommunens styrdokument: regler, taxor och planer.</p><ul>"
                '<li><a href="/site/regler">Regler för föreningsbidrag</a></li>'
                '<li><a href="/site/kopia">Regler (kopia)</a></li>'
                '<li><a href="/site/taxa?utskrift=1">Taxa, utskriftsvänlig</a></li>'
                '<li><a href="/site/gammal-plan">Gammal plan</a></li>'
                '<li><a href="/site/borta">Borttagen sida</a></li>'
                '<li><a href="/site/trog">Långsam sida</a></li>'
                '<li><a href="/site/plan.pdf">Verksamhetsplan 2026 (PDF)</a></li>'
                '<li><a href="/site/arkiv.zip">Arkiv (zip)</a></li>'
                '<li><a href="/site/kalender?month=2026-01">Kalender</a></li>'
                '<li><a href="/site/privat/personal">Personal</a></li>'
                '<li><a href="http://example.org/">Extern länk</a></li>'
                '<li><a href="/annat/sida">Utanför avsnittet</a></li></ul>',
            ),
        ),
        "/site/regler": ("text/html", rules),
        "/site/kopia": ("text/html", rules),
        "/site/taxa": (
            "text/html",
            html(
                "Taxa för lokalhyra",
                "<table><tr><th>Lokal</th><th>Pris</th></tr>"
                "<tr><td>Idrottshall</td><td>200 kronor per timme</td></tr>"
                "<tr><td>Samlingssal</td><td>150 kronor per timme</td></tr></table>",
                head=f'<link rel="canonical" href="{base}/site/taxa">',
            ),
        ),
        "/site/ny-plan": (
            "text/html",
            html("Ny plan", "<p>Den nya planen för kulturarvet gäller från 2026.</p>"),
        ),
        "/site/plan.pdf": ("application/pdf", (PAGES / "plan.pdf").read_bytes()),
        "/site/arkiv.zip": ("application/zip", b"PK\x03\x04" + b"\x00" * 200),
        "/site/privat/personal": (
            "text/html",
            html("Personal", "<p>Hemlig personalsida.</p>"),
        ),
        "/annat/sida": ("text/html", html("Annat", "<p>Utanför avsnittet.</p>")),
    }


def handler(site: Site) -> Callable[[Request], Response]:
    def handle(request: Request) -> Response:
        path = request.path + (f"?{request.query_string.decode()}" if request.query_string else "")
        conditional = bool(request.headers.get("If-None-Match")
                           or request.headers.get("If-Modified-Since"))
        site.log.append((path, conditional))
        if request.path == "/site/gammal-plan":
            return Response(status=301, headers={"Location": "/site/ny-plan"})
        if request.path in ("/loop/a", "/loop/b"):
            other = "/loop/b" if request.path == "/loop/a" else "/loop/a"
            return Response(status=302, headers={"Location": other})
        if request.path == "/fel" or request.path in site.broken:
            return Response("Tekniskt fel", status=503)
        if request.path == "/stor":
            return Response(b"<p>" + b"x" * BIG + b"</p>", content_type="text/html")
        if request.path == "/site/trog":
            time.sleep(SLOW_SECONDS)
            return Response(html("Långsam", "<p>Sent.</p>"), content_type="text/html")
        if request.path == "/site/kalender":
            match = re.fullmatch(r"(\d{4})-(\d{2})", request.args.get("month", ""))
            if not match:
                return Response("saknas", status=404)
            month = (int(match.group(1)) - 2026) * 12 + int(match.group(2))
            content_type, body = "text/html", calendar(month)
        elif path in site.pages:
            content_type, body = site.pages[path]
        elif request.path in site.pages and request.path != "/site/":
            content_type, body = site.pages[request.path]
        else:
            return Response("Sidan finns inte", status=404)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers=headers)
        return Response(body, content_type=content_type, headers=headers)

    return handle
