"""Staff login: server-issued sessions in an HttpOnly cookie, and a lockout for wrong passwords.

The staff tab's login is a plain form that POSTs to ``/personal/logga-in`` (works without
JavaScript); a right password gets a random session id in the cookie :data:`COOKIE`
(HttpOnly, SameSite=Strict, Secure over https), kept server-side with an idle timeout and an
absolute expiry. Every staff event checks the cookie of its own request, never client state or
Gradio's ``session_hash``. Wrong passwords are counted per client and in total and answered at
once (429 with ``Retry-After`` when locked out), never by sleeping in a worker.
"""

from __future__ import annotations

import hmac
import logging
import math
import secrets
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from assistant.settings import Settings
from ui.security import client_key

if TYPE_CHECKING:
    from ui.feedback import FeedbackStore

log = logging.getLogger("styrdok.staff")

COOKIE = "styrdok_personal"
LOGIN_PATH = "/personal/logga-in"
LOGOUT_PATH = "/personal/logga-ut"
EXPORT_PATH = "/personal/omdomen.csv"
WINDOW_S = 60.0
# In total, across clients: past this many failures a minute, one attempt per BACKOFF_S.
TOTAL_FAILURES_BEFORE_BACKOFF = 30
BACKOFF_S = 2.0


def check_password(given: str, expected: str | None) -> bool:
    if not expected:
        return False
    return hmac.compare_digest((given or "").encode("utf-8"), expected.encode("utf-8"))


class StaffSessions:
    """Server-side staff sessions: random ids with an idle timeout and an absolute expiry."""

    MAX_SESSIONS = 1000

    def __init__(self, idle_s: float, max_age_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_s = idle_s
        self.max_age_s = max_age_s
        self.clock = clock
        self._sessions: dict[str, tuple[float, float]] = {}  # id -> (opened, last used)
        self._lock = threading.Lock()

    def open(self) -> str:
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            self._sessions = {k: v for k, v in self._sessions.items() if self._alive(v, now)}
            while len(self._sessions) >= self.MAX_SESSIONS:  # the oldest goes first
                del self._sessions[next(iter(self._sessions))]
            self._sessions[session_id] = (now, now)
        return session_id

    def check(self, session_id: str | None) -> bool:
        """Whether ``session_id`` is a live session; a live one counts as used now."""
        if not session_id:
            return False
        now = self.clock()
        with self._lock:
            times = self._sessions.get(session_id)
            if times is None:
                return False
            if not self._alive(times, now):
                del self._sessions[session_id]
                return False
            self._sessions[session_id] = (times[0], now)
            return True

    def close(self, session_id: str | None) -> None:
        with self._lock:
            self._sessions.pop(session_id or "", None)

    def _alive(self, times: tuple[float, float], now: float) -> bool:
        opened, used = times
        return now - used < self.idle_s and now - opened < self.max_age_s


class LoginGuard:
    """Counts wrong passwords: a client with ``max_failures`` in a minute is locked out for
    ``lockout_s``; past :data:`TOTAL_FAILURES_BEFORE_BACKOFF` a minute from all clients
    together, attempts are spaced :data:`BACKOFF_S` apart (a slower guess rate for a spread
    attack, without locking staff out)."""

    def __init__(self, max_failures: int, lockout_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.lockout_s = lockout_s
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._total: deque[float] = deque()
        self._last_attempt = -math.inf
        self._lock = threading.Lock()

    def wait_seconds(self, key: str) -> float:
        """0 if ``key`` may try a password now (the attempt is counted); else seconds to wait."""
        now = self.clock()
        with self._lock:
            locked = self._locked_until.get(key, 0.0) - now
            if locked > 0:
                return locked
            self._locked_until.pop(key, None)
            self._trim(self._total, now)
            if len(self._total) >= TOTAL_FAILURES_BEFORE_BACKOFF:
                wait = self._last_attempt + BACKOFF_S - now
                if wait > 0:
                    return wait
            self._last_attempt = now
            return 0.0

    def failed(self, key: str) -> int:
        """Record a wrong password; the client's failures within the last minute."""
        now = self.clock()
        with self._lock:
            failures = self._failures.setdefault(key, deque())
            failures.append(now)
            self._trim(failures, now)
            self._total.append(now)
            self._trim(self._total, now)
            if len(failures) >= self.max_failures:
                self._locked_until[key] = now + self.lockout_s
                failures.clear()
            if len(self._failures) > 10_000:
                self._failures = {k: v for k, v in self._failures.items() if v}
            return len(failures) or self.max_failures

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    @staticmethod
    def _trim(times: deque[float], now: float) -> None:
        while times and now - times[0] >= WINDOW_S:
            times.popleft()


class StaffAuth:
    """The sessions and the login guard of one app."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sessions = StaffSessions(settings.staff_idle_minutes * 60.0,
                                      settings.staff_session_hours * 3600.0)
        self.guard = LoginGuard(settings.login_max_failures,
                                settings.login_lockout_minutes * 60.0)

    def is_staff(self, cookies: dict[str, str] | None) -> bool:
        return self.sessions.check((cookies or {}).get(COOKIE))


def _same_origin(request: Request) -> bool:
    """A form post from another site (login CSRF) is refused; browsers send Origin on POST."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _page(status: int, title: str, text: str, headers: dict[str, str] | None = None) -> Response:
    body = (f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>'
            f"{escape(title)} – Styrdok</title></head><body><main><h1>{escape(title)}</h1>"
            f'<p>{escape(text)}</p><p><a href="/">Tillbaka till Styrdok</a></p></main>'
            "</body></html>")
    return HTMLResponse(body, status_code=status, headers=headers)


def build_staff_router(auth: StaffAuth, feedback: FeedbackStore) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    settings = auth.settings

    @router.post(LOGIN_PATH)
    async def login(request: Request) -> Response:
        if not _same_origin(request):
            return _page(403, "Inloggningen nekades", "Inloggningen måste göras från Styrdoks "
                         "egen sida.")
        key = client_key(request.scope)
        wait = auth.guard.wait_seconds(key)
        if wait > 0:
            minutes = math.ceil(wait / 60)
            text = (f"För många felaktiga lösenord. Vänta {minutes} minut"
                    f"{'er' if minutes != 1 else ''} och försök sedan igen."
                    if wait > BACKOFF_S else "Vänta några sekunder och försök igen.")
            return _page(429, "För många inloggningsförsök", text,
                         {"Retry-After": str(math.ceil(wait))})
        form = await request.form()
        password = form.get("password")
        if isinstance(password, str) and check_password(password, settings.admin_password):
            auth.guard.succeeded(key)
            response = RedirectResponse("/?personal=inloggad", status_code=303)
            response.set_cookie(
                COOKIE, auth.sessions.open(), max_age=settings.staff_session_hours * 3600,
                path="/", httponly=True, samesite="strict",
                secure=request.url.scheme == "https")
            log.info("staff login from %s", key)
            return response
        count = auth.guard.failed(key)
        log.warning("failed staff login from %s (%d in the last minute)", key, count)
        return RedirectResponse("/?personal=fel", status_code=303)

    @router.post(LOGOUT_PATH)
    async def logout(request: Request) -> Response:
        if _same_origin(request):
            auth.sessions.close(request.cookies.get(COOKIE))
        response = RedirectResponse("/?personal=utloggad", status_code=303)
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
        return response

    @router.get(EXPORT_PATH)
    def export(request: Request) -> Response:
        if not auth.is_staff(dict(request.cookies)):
            return _page(401, "Inloggning krävs", "Logga in som personal för att exportera "
                         "omdömena.")
        path = private_export(feedback)
        return FileResponse(path, media_type="text/csv; charset=utf-8", filename=path.name,
                            headers={"Cache-Control": "no-store"},
                            background=BackgroundTask(shutil.rmtree, path.parent, True))

    return router


def private_export(feedback: FeedbackStore) -> Path:
    """The feedback as CSV in a new folder only this user can read (the caller removes it)."""
    folder = Path(tempfile.mkdtemp(prefix="styrdok-export-"))  # mode 0700
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    path = folder / f"styrdok-omdomen-{stamp}.csv"
    path.touch(mode=0o600)
    try:
        feedback.export_csv(path)
        path.chmod(0o600)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return path


def staff_cookies(request: Any) -> dict[str, str]:
    """The cookies of a Gradio event's request (none for calls without one)."""
    return dict(getattr(request, "cookies", None) or {})
