"""HTTP protections around the whole app: body limits, per-client rate limits, headers, CORS.

``install(app, settings, limiter)`` adds them to a FastAPI app (the UI app and the API-only
app). All of them answer at once on the event loop: nothing here reads a body it will refuse,
sleeps or holds a worker.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware

from assistant.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The question endpoints whose requests share the per-client rate limit with the chat.
RATE_LIMITED_PATHS = frozenset({"/api/ask", "/api/ask/stream", "/v1/chat/completions"})
GRADIO_UPLOAD_PATH = "/gradio_api/upload"
UI_BODY_LIMIT = 1024 * 1024  # the page's own events: a question, a click, file references

# Gradio's page needs inline scripts and styles (its config and the app's own helpers are
# inline), eval (gr.HTML renders its templates with it), blob: workers and data: images;
# nothing is loaded from another site. The browser tests fail on any CSP violation.
APP_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "media-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# FastAPI's interactive API pages load Swagger UI / ReDoc from a CDN.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
    "https://cdn.redoc.ly; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})


def client_key(scope: Scope) -> str:
    """The client's address (uvicorn has already applied trusted proxies' X-Forwarded-For)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def error_body(message: str, code: str) -> bytes:
    """The API's error JSON (``{"error": {...}}``), used for every refusal here."""
    return json.dumps({"error": {"message": message, "type": "invalid_request_error",
                                 "code": code, "param": None}}, ensure_ascii=False).encode()


async def send_error(send: Send, status: int, message: str, code: str,
                     headers: dict[str, str] | None = None) -> None:
    body = error_body(message, code)
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
           (b"connection", b"close")]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


# --------------------------------------------------------------------------- body size


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes its limit (FastAPI re-raises
    HTTPExceptions from body parsing unchanged, so it is not turned into a 400)."""

    def __init__(self) -> None:
        super().__init__(413, "Begäran är för stor.")


def body_limit_for(settings: Settings) -> Callable[[str], int]:
    """Largest body in bytes per path: uploads get the upload size, the rest little."""
    api = settings.api_max_body_kb * 1024
    upload = max(1, settings.max_upload_mb) * 4 * 1024 * 1024 + 64 * 1024  # + multipart parts

    def limit(path: str) -> int:
        if path.startswith(("/api/", "/v1/", "/personal/")):
            return api
        if path.rstrip("/") == GRADIO_UPLOAD_PATH:
            return upload
        return max(api, UI_BODY_LIMIT)

    return limit


class BodyLimitMiddleware:
    """Refuses a body over the path's limit: by Content-Length before reading anything, and by
    counting the bytes of a body sent without one (chunked)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._refuse(send, limit)
            return
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:  # whatever the app made of the cut-off body, the answer is 413
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._refuse(send, limit)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        size = f"{limit // 1024} kB" if limit < 1024 * 1024 else f"{limit // (1024 * 1024)} MB"
        await send_error(send, 413, f"Begäran är för stor: högst {size} tas emot. Korta ned "
                         "frågan eller historiken, eller ladda upp en mindre fil.",
                         "body_too_large")


# --------------------------------------------------------------------------- rate limit


class RateLimiter:
    """A token bucket per client: ``burst`` questions at once, then ``per_minute`` a minute.

    ``per_minute == 0`` switches it off. Thread-safe (the chat's events run in threads).
    """

    MAX_CLIENTS = 10_000

    def __init__(self, per_minute: int, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(max(1, burst))
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        return cls(settings.rate_limit_per_minute, settings.rate_limit_burst)

    def wait_seconds(self, key: str) -> float:
        """0 and one question counted if ``key`` may ask now; else the seconds until it may."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > self.MAX_CLIENTS:
                self._forget_idle(now)
            return 0.0

    def _forget_idle(self, now: float) -> None:
        full = [k for k, (tokens, then) in self._buckets.items()
                if tokens + (now - then) * self.rate >= self.burst]
        for key in full:
            del self._buckets[key]


def rate_limit_message(wait: float) -> str:
    return (f"Du har ställt många frågor på kort tid. Vänta {math.ceil(wait)} sekunder och "
            "försök igen.")


class RateLimitMiddleware:
    """Answers 429 (with Retry-After) to question requests over the client's rate."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope.get("method") == "POST"
                and scope.get("path", "").rstrip("/") in RATE_LIMITED_PATHS):
            wait = self.limiter.wait_seconds(client_key(scope))
            if wait > 0:
                await send_error(send, 429, rate_limit_message(wait), "rate_limited",
                                 {"Retry-After": str(math.ceil(wait))})
                return
        await self.app(scope, receive, send)


def recent_history(pairs: list[tuple[str, str]], max_turns: int,
                   max_chars: int) -> list[tuple[str, str]]:
    """The latest turns of a conversation the server keeps (the chat's), within both caps:
    at most ``max_turns`` turns and ``max_chars`` characters together."""
    kept: list[tuple[str, str]] = []
    total = 0
    for user, answer in reversed(pairs[-max_turns:] if max_turns else []):
        total += len(user) + len(answer)
        if total > max_chars:
            break
        kept.append((user, answer))
    return kept[::-1]


# --------------------------------------------------------------------------- headers


class SecurityHeadersMiddleware:
    """CSP (no framing), nosniff, X-Frame-Options and Referrer-Policy on every response.

    A response with its own CSP (the sandboxed source documents) keeps it, with framing
    forbidden added.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope.get("path") in DOCS_PATHS else APP_CSP

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                own = headers.get("content-security-policy")
                if own is None:
                    headers["Content-Security-Policy"] = csp
                elif "frame-ancestors" not in own:
                    headers["Content-Security-Policy"] = own + "; frame-ancestors 'none'"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
            await send(message)

        await self.app(scope, receive, with_headers)


def install(app: Any, settings: Settings, limiter: RateLimiter) -> None:
    """Add the protections to ``app`` (outermost first: headers, CORS, body size, rate).

    Starlette's CORSMiddleware with an explicit allow-list (empty by default) also makes
    Gradio's own CORS layer stand aside, which would otherwise echo any Origin, with
    credentials, whenever the Host is not localhost.
    """
    app.add_middleware(RateLimitMiddleware, limiter=limiter)
    app.add_middleware(BodyLimitMiddleware, limit_for=body_limit_for(settings))
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origin_list,
                       allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type", "Authorization"],
                       allow_credentials=False, max_age=600)
    app.add_middleware(SecurityHeadersMiddleware)
