"""Issue 14's HTTP attacks, run against the full app (UI + API) as a process on 127.0.0.1.

Returns plain figures (nothing is asserted here): ``styrdok reliability`` writes them as the
"Attacks" section of ``docs/reliability.md`` and ``tests/reliability`` asserts on them. Clients
are told apart by ``X-Forwarded-For``, which uvicorn believes from 127.0.0.1 (the default
trusted proxy), as it would from a reverse proxy.
"""

from __future__ import annotations

import json
import secrets
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from evals.reliability.servers import AppServer, settings_env

#: What the probe measured before the fixes (issue 14), shown beside today's figures.
BEFORE = {
    "body": "30 MB `POST /api/ask`: 400 after ~11 s; `/healthz` waited as long",
    "history": "40 × 20,000 characters of history: 16 s (a normal question 0.25 s)",
    "parallel": "10 such requests in parallel: a normal question waited 17 s",
    "session": "the `session_hash` alone removed documents",
    "login": "50 wrong passwords in 31 s, the right one still worked; 40 wrong attempts made a "
             "real login wait 19 s",
    "headers": "no CSP, nosniff or frame protection; any Origin echoed with credentials",
}
COOKIE = "styrdok_personal"  # the app's staff cookie (ui.staff_auth.COOKIE)
QUESTION = "Vad är Sagobygden?"


def client_headers(n: int) -> dict[str, str]:
    """Headers of simulated client number ``n`` (its own address)."""
    return {"X-Forwarded-For": f"198.18.{n // 250}.{n % 250 + 1}"}


def send_body(base_url: str, path: str, size: int, chunked: bool) -> tuple[str, float]:
    """POST ``size`` bytes to ``path`` over a raw socket: the response's status line and the
    seconds until it arrived. The body keeps flowing until the server hangs up."""
    port = int(base_url.rstrip("/").rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                 f"\r\n{framing}\r\n\r\n".encode())
    piece = b"x" * 65536

    def pump() -> None:
        sent = 0
        try:
            while sent < size:
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                sent += len(piece)
        except OSError:  # the server answered and hung up
            pass

    start = time.monotonic()
    sender = threading.Thread(target=pump, daemon=True)
    sender.start()
    received = b""
    while b"\r\n" not in received:
        data = sock.recv(4096)
        if not data:
            break
        received += data
    elapsed = time.monotonic() - start
    sock.close()
    sender.join(10)
    return received.split(b"\r\n", 1)[0].decode(errors="replace"), elapsed


def gradio_call(http: httpx.Client, api_name: str, data: list[Any], session_hash: str) -> Any:
    """Call a Gradio event as the page does (``/queue/join`` by ``fn_index``, then the event
    stream), private events too: the output data, or ``{"error": ...}``."""
    config = http.get("/config").json()
    fn_index = next(i for i, d in enumerate(config["dependencies"])
                    if d.get("api_name") == api_name)
    joined = http.post("/gradio_api/queue/join", json={
        "data": data, "event_data": None, "fn_index": fn_index, "session_hash": session_hash,
        "trigger_id": config["dependencies"][fn_index]["targets"][0][0]})
    joined.raise_for_status()
    event_id = joined.json()["event_id"]
    with http.stream("GET", "/gradio_api/queue/data",
                     params={"session_hash": session_hash}) as stream:
        for line in stream.iter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("event_id") == event_id and message["msg"] == "process_completed":
                output = message.get("output", {})
                return output["data"] if message.get("success") else output
    raise RuntimeError("the Gradio event never completed")


@dataclass
class AttackResult:
    body_status: str = ""
    body_s: float = 0.0
    body_chunked_status: str = ""
    body_chunked_s: float = 0.0
    health_max_s: float = 0.0
    huge_history_status: int = 0
    huge_history_s: float = 0.0
    capped_history_s: float = 0.0
    normal_s: float = 0.0
    parallel_normal_s: float = 0.0
    rate_ok_before_429: int = 0
    rate_retry_after: str = ""
    session_hash_refused: bool = False
    staff_removed: bool = False
    wrong_logins: list[int] = field(default_factory=list)
    locked_retry_after: str = ""
    staff_login_status: int = 0
    staff_login_attempts: int = 0
    staff_login_s: float = 0.0
    missing_headers: list[str] = field(default_factory=list)
    evil_origin_echoed: bool = True
    allowed_origin_echoed: bool = False


def run_attacks(workdir: Path, corpus_files: list[Path]) -> AttackResult:
    """Start the app on an index of ``corpus_files`` (embedder ``fake``) and attack it."""
    from assistant.settings import Settings
    from ingest.pipeline import ingest_paths

    workdir.mkdir(parents=True, exist_ok=True)
    index = workdir / "index"
    ingest_paths(corpus_files, Settings.from_env(environ={}, index_dir=index, embedder="fake"))
    password = secrets.token_urlsafe(12)
    env = settings_env(index_dir=index, embedder="fake", llm="extractive",
                       admin_password=password, feedback_db=workdir / "feedback.sqlite3",
                       cors_origins="https://www.ljungby.se")
    result = AttackResult()
    with AppServer(env, workdir / "app.log", factory="ui.app:app_from_env").start() as app:
        url = app.url
        _bodies(url, result)
        _history(url, result)
        _rate(url, result)
        _staff(url, password, [p.stem for p in corpus_files], result)
        _headers(url, result)
    return result


def _timed(call: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.monotonic()
    value = call(*args, **kwargs)
    return value, time.monotonic() - start


def _bodies(url: str, result: AttackResult) -> None:
    httpx.get(url + "/healthz", timeout=60)
    health: list[float] = []
    size = 30 * 1024 * 1024
    for chunked in (False, True):
        with ThreadPoolExecutor(1) as pool:
            big = pool.submit(send_body, url, "/api/ask", size, chunked)
            health += [_timed(httpx.get, url + "/healthz", timeout=60)[1] for _ in range(3)]
            status, seconds = big.result(timeout=120)
        if chunked:
            result.body_chunked_status, result.body_chunked_s = status, seconds
        else:
            result.body_status, result.body_s = status, seconds
    result.health_max_s = max(health)


def _ask(url: str, n: int, history: list[dict[str, str]] | None = None) -> httpx.Response:
    return httpx.post(url + "/api/ask", json={"question": QUESTION, "history": history or []},
                      headers=client_headers(n), timeout=120)


def _history(url: str, result: AttackResult) -> None:
    _ask(url, 1)  # warm-up
    huge = [{"role": "user" if i % 2 == 0 else "assistant", "content": "å" * 20_000}
            for i in range(40)]
    response, result.huge_history_s = _timed(_ask, url, 2, huge)
    result.huge_history_status = response.status_code
    # The most history the caps allow: 10 turns, 20,000 characters together.
    capped = [{"role": "user" if i % 2 == 0 else "assistant",
               "content": f"Vad säger dokumenten om ämne {i}? " + "ord " * 240}
              for i in range(20)]
    result.capped_history_s = _timed(_ask, url, 3, capped)[1]
    result.normal_s = _timed(_ask, url, 4)[1]
    with ThreadPoolExecutor(10) as pool:
        heavy = [pool.submit(_ask, url, 10 + i, capped) for i in range(10)]
        time.sleep(0.2)
        result.parallel_normal_s = _timed(_ask, url, 5)[1]
        for future in heavy:
            future.result()


def _rate(url: str, result: AttackResult) -> None:
    for _ in range(100):
        response = _ask(url, 100)
        if response.status_code == 429:
            result.rate_retry_after = response.headers.get("retry-after", "")
            return
        result.rate_ok_before_429 += 1


def _staff(url: str, password: str, doc_ids: list[str], result: AttackResult) -> None:
    staff = httpx.Client(base_url=url, headers=client_headers(200), timeout=120)
    login = staff.post("/personal/logga-in", data={"password": password})
    session_hash = uuid.uuid4().hex[:11]
    gradio_call(staff, "overview", [], session_hash)
    removed = gradio_call(staff, "remove", [doc_ids[0]], session_hash)
    result.staff_removed = login.status_code == 303 and "Tog bort" in json.dumps(removed)
    attacker = httpx.Client(base_url=url, headers=client_headers(201), timeout=120)
    refused = gradio_call(attacker, "remove", [doc_ids[1]], session_hash)
    result.session_hash_refused = isinstance(refused, dict) and "error" in refused

    for _ in range(11):
        wrong = attacker.post("/personal/logga-in", data={"password": "gissning"})
        result.wrong_logins.append(wrong.status_code)
        result.locked_retry_after = wrong.headers.get("retry-after", "")
    with ThreadPoolExecutor(4) as pool:  # 40 wrong attempts from four clients meanwhile
        for n in range(40):
            pool.submit(httpx.post, url + "/personal/logga-in", data={"password": "x"},
                        headers=client_headers(300 + n % 4), timeout=60)
        other = httpx.Client(base_url=url, headers=client_headers(202), timeout=120)
        start = time.monotonic()
        for _ in range(10):  # staff do what the page tells them: wait Retry-After, try again
            result.staff_login_attempts += 1
            response = other.post("/personal/logga-in", data={"password": password})
            if response.status_code != 429:
                break
            time.sleep(float(response.headers.get("retry-after", "1")))
        result.staff_login_s = time.monotonic() - start
    result.staff_login_status = response.status_code


def _headers(url: str, result: AttackResult) -> None:
    wanted = ("content-security-policy", "x-content-type-options", "x-frame-options",
              "referrer-policy")
    for response in (httpx.get(url + "/"), _ask(url, 400)):
        result.missing_headers += [f"{response.request.url.path}: {h}" for h in wanted
                                   if h not in response.headers]
    hostile = httpx.get(url + "/config", headers={"Host": "styrdok.example.se",
                                                  "Origin": "https://evil.example"})
    result.evil_origin_echoed = "access-control-allow-origin" in hostile.headers
    allowed = httpx.options(url + "/api/ask", headers={
        "Origin": "https://www.ljungby.se", "Access-Control-Request-Method": "POST"})
    result.allowed_origin_echoed = (
        allowed.headers.get("access-control-allow-origin") == "https://www.ljungby.se")


def attack_section(r: AttackResult) -> list[str]:
    """The "Attacks" section of the report."""
    ok = "**yes**"
    stamp = f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
    rows = [
        ("Large body", BEFORE["body"],
         f"{r.body_status.split(' ', 1)[-1]} after {r.body_s:.2f} s (chunked: "
         f"{r.body_chunked_status.split(' ', 1)[-1]} after {r.body_chunked_s:.2f} s); "
         f"`/healthz` meanwhile at most {r.health_max_s:.2f} s"),
        ("Long history", BEFORE["history"],
         f"HTTP {r.huge_history_status} after {r.huge_history_s:.2f} s; the most the caps allow "
         f"(10 turns, 20,000 characters) {r.capped_history_s:.2f} s, a normal question "
         f"{r.normal_s:.2f} s"),
        ("Parallel heavy requests", BEFORE["parallel"],
         f"a normal question {r.parallel_normal_s:.2f} s while 10 capped-history requests ran"),
        ("Rate limit", "none",
         f"{r.rate_ok_before_429} questions from one client, then 429 "
         f"(`Retry-After: {r.rate_retry_after}`)"),
        ("Stolen `session_hash`", BEFORE["session"],
         f"staff with cookie removed a document: {ok if r.staff_removed else 'no'}; the same "
         f"`session_hash` without the cookie refused: "
         f"{ok if r.session_hash_refused else '**NO**'}"),
        ("Password guessing", BEFORE["login"],
         f"wrong passwords answered {', '.join(map(str, r.wrong_logins))} (303 = \"fel "
         f"lösenord\", 429 = locked out, `Retry-After: {r.locked_retry_after}`); with 40 wrong "
         f"attempts from four other clients meanwhile, staff logged in (HTTP "
         f"{r.staff_login_status}) in {r.staff_login_s:.2f} s, {r.staff_login_attempts} "
         "attempt(s)"),
        ("Headers and CORS", BEFORE["headers"],
         ("CSP, nosniff, X-Frame-Options, Referrer-Policy present"
          if not r.missing_headers else "missing: " + ", ".join(r.missing_headers))
         + f"; hostile Origin echoed: {'**yes**' if r.evil_origin_echoed else 'no'}; "
         f"allow-listed origin echoed: {'yes' if r.allowed_origin_echoed else '**no**'}"),
    ]
    return ["## Attacks (issue 14)", "",
            "The HTTP attacks of the security probe, repeated against the full app (UI and "
            "API, one uvicorn process, embedder `fake`) with the default limits; clients are "
            "told apart by `X-Forwarded-For` from the trusted local proxy address. Threat model "
            f"and settings: [security.md](security.md). Run on {stamp} UTC (`styrdok "
            "reliability --only attacks` repeats only this section).", "",
            "| Attack | Before (issue 14) | Now |", "|---|---|---|",
            *[f"| {name} | {before} | {now} |" for name, before, now in rows], ""]


def replace_section(report: str, section: list[str]) -> str:
    """``report`` with its "## Attacks" section replaced by ``section`` (appended if absent)."""
    lines = report.rstrip("\n").split("\n")
    title = section[0]
    if title in lines:
        start = lines.index(title)
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
                   len(lines))
        lines[start:end] = section
    else:
        lines += ["", *section]
    return "\n".join(lines).rstrip("\n") + "\n"
