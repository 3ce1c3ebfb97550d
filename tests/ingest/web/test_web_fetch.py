"""The fetcher: each kind of bad input fails with its own Swedish reason, by URL."""

from __future__ import annotations

import socket

import httpx
import pytest
from web_site import BIG, TIMEOUT, Site

from ingest.web.fetch import Fetcher, FetchError, check_url


def fetch_error(site: Site, path: str, **kwargs: object) -> FetchError:
    options = {"allow_private": True, "timeout": TIMEOUT, **kwargs}
    with Fetcher(**options) as fetcher, pytest.raises(FetchError) as caught:  # type: ignore[arg-type]
        fetcher.get(site.url(path))
    return caught.value


def test_fetches_a_page_with_its_validators(site: Site) -> None:
    with Fetcher(allow_private=True) as fetcher:
        fetched = fetcher.get(site.url("/site/regler"))
    assert (fetched.status, fetched.content_type) == (200, "text/html")
    assert fetched.etag and fetched.last_modified
    assert "aktivitetsstöd".encode() in fetched.body


def test_conditional_request_gets_not_modified(site: Site) -> None:
    with Fetcher(allow_private=True) as fetcher:
        first = fetcher.get(site.url("/site/regler"))
        again = fetcher.get(site.url("/site/regler"), etag=first.etag)
    assert again.not_modified and again.body == b""
    assert fetcher.conditional_requests == 1


def test_redirect_is_followed_and_recorded(site: Site) -> None:
    with Fetcher(allow_private=True) as fetcher:
        fetched = fetcher.get(site.url("/site/gammal-plan"))
    assert fetched.final_url == site.url("/site/ny-plan")
    assert fetched.redirects == (site.url("/site/gammal-plan"),)


def test_redirect_loop(site: Site) -> None:
    assert fetch_error(site, "/loop/a").reason.startswith("omdirigeringsslinga")


def test_not_found_is_gone(site: Site) -> None:
    error = fetch_error(site, "/site/borta")
    assert (error.gone, error.reason) == (True, "sidan finns inte (HTTP 404)")


def test_server_error_is_not_gone(site: Site) -> None:
    error = fetch_error(site, "/fel")
    assert not error.gone
    assert error.reason == "serverfel (HTTP 503); försök igen senare"


def test_slow_server_times_out(site: Site) -> None:
    error = fetch_error(site, "/site/trog")
    assert error.reason == "servern svarade inte inom 1 sekunder (tidsgräns)"


def test_size_limit(site: Site) -> None:
    error = fetch_error(site, "/stor", max_bytes=BIG // 2)
    assert error.reason.startswith("filen är större än gränsen")


def test_size_limit_while_streaming_without_a_length() -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=iter([b"x" * 1000] * 100))  # no Content-Length

    transport = httpx.MockTransport(endless)
    fetcher = Fetcher(max_bytes=5000, transport=transport, resolver=lambda h: ["93.184.216.34"])
    with fetcher, pytest.raises(FetchError, match="större än gränsen"):
        fetcher.get("https://www.exempel.se/stor")


def test_unreachable_host() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with Fetcher(allow_private=True, timeout=TIMEOUT) as fetcher, pytest.raises(FetchError) as e:
        fetcher.get(f"http://127.0.0.1:{port}/")
    assert e.value.reason.startswith("servern kunde inte nås")


def test_unknown_host() -> None:
    def no_such_host(host: str) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(FetchError, match="kunde inte slås upp"):
        check_url("https://finns-inte.exempel/", allow_private=False, resolver=no_such_host)


def test_tls_error(site: Site) -> None:
    https = site.url("/site/regler").replace("http://", "https://")
    with Fetcher(allow_private=True, timeout=TIMEOUT) as fetcher, pytest.raises(FetchError) as e:
        fetcher.get(https)
    assert e.value.reason.startswith("TLS-fel")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "file:-adresser är inte tillåtna"),
        ("ftp://ftp.exempel.se/plan.pdf", "bara http- och https-adresser kan hämtas (ftp:)"),
        ("javascript:alert(1)", "bara http- och https-adresser kan hämtas (javascript:)"),
        ("www.ljungby.se/plan", "bara http- och https-adresser kan hämtas"),
    ],
)
def test_only_http_urls(url: str, reason: str) -> None:
    with pytest.raises(FetchError) as caught:
        check_url(url, allow_private=True)
    assert caught.value.reason.startswith(reason)


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("intern.exempel.se", "10.1.2.3"),
        ("router.exempel.se", "192.168.0.1"),
        ("metadata.exempel.se", "169.254.169.254"),
        ("v6.exempel.se", "::1"),
    ],
)
def test_internal_addresses_refused_unless_allowed(host: str, address: str) -> None:
    url = f"http://{host}/"
    with pytest.raises(FetchError, match="internt nät"):
        check_url(url, allow_private=False, resolver=lambda h: [address])
    check_url(url, allow_private=True, resolver=lambda h: [address])


def test_loopback_server_refused_by_default(site: Site) -> None:
    error = fetch_error(site, "/site/regler", allow_private=False)
    assert "internt nät (127.0.0.1)" in error.reason
    assert site.requested("/site/regler") == 0


def test_every_redirect_hop_is_checked() -> None:
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://intern.exempel.se/admin"})

    addresses = {"www.exempel.se": ["93.184.216.34"], "intern.exempel.se": ["10.0.0.8"]}
    transport = httpx.MockTransport(handler)
    fetcher = Fetcher(transport=transport, resolver=addresses.__getitem__)
    with fetcher, pytest.raises(FetchError, match="internt nät"):
        fetcher.get("https://www.exempel.se/")
    assert asked == ["https://www.exempel.se/"]
