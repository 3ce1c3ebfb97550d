"""Fetch one URL safely: http(s) only, no internal addresses, bounded size and time.

Every request, and every redirect hop, is checked before it is sent: the scheme must be http or
https and every address the host name resolves to must be public (not loopback, private,
link-local, reserved or multicast) unless private addresses are explicitly allowed. Redirects
are followed by hand so that each hop is checked and recorded, and a loop is recognised. The
body is read as a stream and abandoned as soon as it passes the size limit. Every failure
raises `FetchError` with a Swedish reason naming what went wrong.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx

from assistant.errors import StyrdokError

USER_AGENT = "styrdok"
"""The robots.txt user agent; the User-Agent header starts with it."""
USER_AGENT_HEADER = "styrdok/0.1 (+https://github.com/styrdok; governance documents)"
MAX_REDIRECTS = 10

Resolver = Callable[[str], list[str]]


class FetchError(StyrdokError):
    """A URL could not be fetched; ``reason`` is a short Swedish sentence."""

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status

    @property
    def gone(self) -> bool:
        """The server says the page does not exist (404/410): it may have been removed."""
        return self.status in (404, 410)


@dataclass(frozen=True)
class Fetched:
    """One fetched URL: the final response after redirects, or a 304 Not Modified."""

    url: str
    final_url: str
    status: int
    content_type: str = ""
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    redirects: tuple[str, ...] = ()
    fetched_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def resolve_host(host: str) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def check_url(url: str, *, allow_private: bool, resolver: Resolver = resolve_host) -> None:
    """Raise `FetchError` unless ``url`` is http(s) to a host with only public addresses."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        raise FetchError(url, "file:-adresser är inte tillåtna; ange en http- eller https-adress")
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "adressen saknar http:// eller https://"
        raise FetchError(url, f"bara http- och https-adresser kan hämtas ({shown})")
    host = parts.hostname
    if not host:
        raise FetchError(url, "adressen saknar värdnamn")
    if parts.username or parts.password:
        raise FetchError(url, "adresser med användarnamn eller lösenord tillåts inte")
    try:
        addresses = resolver(host)
    except (OSError, UnicodeError) as exc:
        raise FetchError(url, f"värden {host} kunde inte slås upp (finns den?)") from exc
    if not addresses:
        raise FetchError(url, f"värden {host} kunde inte slås upp (finns den?)")
    if allow_private:
        return
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise FetchError(
                url,
                f"adressen pekar på ett internt nät ({ip}); sådana adresser hämtas bara när "
                "interna adresser uttryckligen tillåts (--allow-private)",
            )


class Fetcher:
    """An httpx client with the checks above; use as a context manager or call `close`."""

    def __init__(
        self,
        *,
        timeout: float = 20.0,
        max_bytes: int = 25 * 1024 * 1024,
        allow_private: bool = False,
        resolver: Resolver = resolve_host,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        self.resolver = resolver
        self.requests = 0
        self.conditional_requests = 0
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT_HEADER, "Accept-Encoding": "gzip, deflate"},
            transport=transport,
            trust_env=False,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET ``url`` following redirects; conditional when a validator is given.

        Raises `FetchError` for every failure, including HTTP 4xx/5xx (``status`` is set).
        """
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        chain: list[str] = []
        current = url
        while True:
            check_url(current, allow_private=self.allow_private, resolver=self.resolver)
            response_or_next = self._request(url, current, headers)
            if isinstance(response_or_next, Fetched):
                return Fetched(
                    url=url,
                    final_url=current,
                    status=response_or_next.status,
                    content_type=response_or_next.content_type,
                    body=response_or_next.body,
                    etag=response_or_next.etag,
                    last_modified=response_or_next.last_modified,
                    redirects=tuple(chain),
                )
            chain.append(current)
            if response_or_next in chain:
                raise FetchError(url, f"omdirigeringsslinga: {' -> '.join([*chain, current])}")
            if len(chain) > MAX_REDIRECTS:
                raise FetchError(url, f"för många omdirigeringar (fler än {MAX_REDIRECTS})")
            current = response_or_next

    def _request(self, url: str, current: str, headers: Mapping[str, str]) -> Fetched | str:
        """The response for ``current``, or the next URL when it redirects."""
        self.requests += 1
        self.conditional_requests += 1 if headers else 0
        try:
            with self._client.stream("GET", current, headers=dict(headers)) as response:
                if response.status_code in (301, 302, 303, 307, 308):
                    location = response.headers.get("location", "")
                    if not location:
                        raise FetchError(url, "servern omdirigerade utan att ange vart")
                    return urljoin(current, location.strip())
                if response.status_code == 304:
                    return Fetched(url, current, 304, **_validators(response))
                _check_status(url, response.status_code)
                content_type = response.headers.get("content-type", "").split(";")[0]
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(url, self._too_big())
                body = bytearray()
                for piece in response.iter_bytes():
                    body += piece
                    if len(body) > self.max_bytes:
                        raise FetchError(url, self._too_big())
                return Fetched(
                    url, current, response.status_code, content_type.strip().lower(),
                    bytes(body), **_validators(response),
                )
        except httpx.TimeoutException as exc:
            raise FetchError(
                url, f"servern svarade inte inom {self.timeout:g} sekunder (tidsgräns)"
            ) from exc
        except httpx.ConnectError as exc:
            if _is_tls_error(exc):
                raise FetchError(
                    url, f"TLS-fel: säker anslutning kunde inte upprättas ({_first_line(exc)})"
                ) from exc
            raise FetchError(url, f"servern kunde inte nås ({_first_line(exc)})") from exc
        except httpx.HTTPError as exc:
            if _is_tls_error(exc):
                raise FetchError(url, f"TLS-fel: {_first_line(exc)}") from exc
            raise FetchError(url, f"hämtningen misslyckades: {_first_line(exc)}") from exc

    def _too_big(self) -> str:
        return f"filen är större än gränsen {self.max_bytes / 1_000_000:g} MB"


def _validators(response: httpx.Response) -> dict[str, str | None]:
    return {
        "etag": response.headers.get("etag"),
        "last_modified": response.headers.get("last-modified"),
    }


def _check_status(url: str, status: int) -> None:
    if status < 400:
        return
    if status in (404, 410):
        raise FetchError(url, f"sidan finns inte (HTTP {status})", status=status)
    if status in (401, 403):
        raise FetchError(url, f"åtkomst nekad (HTTP {status})", status=status)
    if status == 429:
        raise FetchError(url, "servern ber oss vänta (HTTP 429); försök igen senare", status=429)
    if status >= 500:
        raise FetchError(
            url, f"serverfel (HTTP {status}); försök igen senare", status=status
        )
    raise FetchError(url, f"servern svarade med HTTP {status}", status=status)


def _is_tls_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "SSL" in str(seen) or "CERTIFICATE" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class Politeness:
    """Waits between requests to the same host: the larger of the default and Crawl-delay."""

    def __init__(
        self,
        default_delay: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.default_delay = default_delay
        self.delays: dict[str, float] = {}
        self._last: dict[str, float] = {}
        self._clock = clock
        self._sleep = sleep

    def set_crawl_delay(self, host: str, delay: float | None) -> None:
        if delay is not None:
            self.delays[host] = min(float(delay), 60.0)  # a hostile robots.txt cannot stall us

    def wait(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        delay = max(self.default_delay, self.delays.get(host, 0.0))
        last = self._last.get(host)
        if last is not None and delay > 0:
            remaining = last + delay - self._clock()
            if remaining > 0:
                self._sleep(remaining)
        self._last[host] = self._clock()
