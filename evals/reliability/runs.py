"""The reliability scenarios: load, faults. Each returns plain figures; nothing is asserted here.

Shared by ``styrdok reliability`` (which writes ``docs/reliability.md``) and the tests in
``tests/reliability`` (which assert on the figures with shorter durations). The app and the CLI
run as separate processes, started by command.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from assistant.index import Index
from evals.reliability.servers import AppServer, ChromaServer, Managed, settings_env

QUESTIONS = (
    "Vad är Ljungby kommuns vision?",
    "Vilka fokusområden har kommunen?",
    "Vad säger planen om landsbygdsutveckling?",
    "Vilka mål har barn- och utbildningsnämnden?",
    "Vad gör kultur- och fritidsförvaltningen 2026?",
    "Vad innebär visionsmålet livslångt lärande?",
    "Hur arbetar kommunen med de globala målen?",
    "Vad är Sagobygden?",
)


def styrdok_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "ui.cli", *args]


def run_styrdok(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(styrdok_cmd(*args), capture_output=True, text=True, timeout=timeout,
                          check=False)


@dataclass
class LoadResult:
    clients: int
    duration_s: float
    requests: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    ingest_runs: int = 0
    ingest_failures: int = 0

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p95_ms(self) -> float:
        if len(self.latencies_ms) < 2:
            return self.p50_ms
        return statistics.quantiles(self.latencies_ms, n=20, method="inclusive")[18]

    @property
    def throughput(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0


def measure_load(base_url: str, clients: int, duration_s: float,
                 questions: Sequence[str] = QUESTIONS,
                 check: Callable[[dict], str | None] | None = None) -> LoadResult:
    """``clients`` threads each ask through ``POST /api/ask`` in a loop for ``duration_s``.

    A request counts as an error if it is not a 200 with an answer (``check`` may add rules).
    """
    result = LoadResult(clients=clients, duration_s=duration_s)
    lock = threading.Lock()
    stop_at = time.monotonic() + duration_s

    def client(worker: int) -> None:
        with httpx.Client(base_url=base_url, timeout=60.0) as http:
            i = worker
            while time.monotonic() < stop_at:
                question = questions[i % len(questions)]
                i += 1
                started = time.perf_counter()
                problem: str | None = None
                try:
                    response = http.post("/api/ask", json={"question": question})
                    if response.status_code != 200:
                        problem = f"HTTP {response.status_code}: {response.text[:200]}"
                    else:
                        body = response.json()
                        if not body.get("text"):
                            problem = "tomt svar"
                        elif check is not None:
                            problem = check(body)
                except httpx.HTTPError as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    result.requests += 1
                    result.latencies_ms.append(elapsed)
                    if problem:
                        result.errors += 1
                        if len(result.error_samples) < 5:
                            result.error_samples.append(problem)

    threads = [threading.Thread(target=client, args=(w,)) for w in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return result


@dataclass
class Deployment:
    """A Chroma server, an ingested corpus copy and API app processes using it."""

    workdir: Path
    corpus: Path
    chroma: ChromaServer
    apps: list[AppServer]
    embedder: str

    def ingest_args(self, *extra: str) -> list[str]:
        return ["ingest", str(self.corpus), "--chroma-url", self.chroma.url,
                "--index", str(self.workdir / "ingest-lock"), "--embedder", self.embedder,
                "--quiet", *extra]

    def errors_logged(self, chars: int = 4000) -> str:
        """The apps' logged tracebacks (the end of each), for a failing test to show why."""
        parts = [f"--- {app.log_path.name}\n{app.log()[-chars:]}" for app in self.apps
                 if "Traceback" in app.log()]
        return "\n".join(parts) or "(no traceback in the app logs)"

    def stop(self) -> None:
        for app in self.apps:
            app.stop()
        self.chroma.stop()


def deploy(workdir: Path, sources: Sequence[Path], *, apps: int = 1,
           embedder: str = "fake") -> Deployment:
    """Copy ``sources`` into ``workdir/corpus``, start Chroma, ingest, start ``apps`` apps."""
    corpus = workdir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for source in sources:
        for path in sorted(Path(source).iterdir()):
            if path.is_file():
                shutil.copyfile(path, corpus / path.name)
    chroma = ChromaServer(workdir / "chroma-data", log_path=workdir / "chroma.log").start()
    deployment = Deployment(workdir, corpus, chroma, [], embedder)
    try:
        done = run_styrdok(*deployment.ingest_args())
        if done.returncode != 0:
            raise RuntimeError(f"inläsningen misslyckades: {done.stderr}")
        # The load comes from one address: the per-client rate limit would measure itself.
        env = settings_env(chroma_url=chroma.url, embedder=embedder,
                           index_dir=workdir / "app-index", llm="extractive",
                           rate_limit_per_minute=0)
        for i in range(apps):
            deployment.apps.append(AppServer(env, workdir / f"app{i}.log").start())
    except BaseException:
        deployment.stop()
        raise
    return deployment


EDITED_DOC = "vision-2035.md"


def doc_variant(original: str, n: int) -> str:
    """A changed but similar version of a document (same doc_id, different content hash)."""
    return f"{original.rstrip()}\n\nRevidering {n}: texten uppdaterades vid revision nummer {n}.\n"


class ReIngester:
    """Re-ingests an edited document in a loop in a background thread (a separate process
    per run, like an administrator would), alternating between two versions."""

    def __init__(self, deployment: Deployment, variants: Sequence[str] | None = None) -> None:
        self.deployment = deployment
        self.path = deployment.corpus / EDITED_DOC
        original = self.path.read_text(encoding="utf-8")
        self.variants = list(variants or [doc_variant(original, 1), doc_variant(original, 2)])
        self.runs = 0
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.path.write_text(self.variants[self.runs % len(self.variants)], encoding="utf-8")
            done = run_styrdok(*self.deployment.ingest_args())
            self.runs += 1
            if done.returncode != 0:
                self.failures.append(done.stderr[-500:])

    def __enter__(self) -> ReIngester:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(300)


# --------------------------------------------------------------------------- faults


@dataclass
class IndexCheck:
    documents: dict[str, int]
    stored_chunks: dict[str, int]
    total_chunks: int

    @property
    def consistent(self) -> bool:
        """Every document's current version has exactly its chunks, and nothing else exists."""
        return (self.stored_chunks == self.documents
                and self.total_chunks == sum(self.documents.values()))


def check_index(chroma_url: str | None, index_dir: Path, collection: str = "styrdok") -> IndexCheck:
    index = Index.open(index_dir, chroma_url, collection)
    docs = index.documents()
    stored: dict[str, int] = dict.fromkeys(docs, 0)
    for chunk in index.current_chunks([r.version for r in docs.values()]):
        stored[chunk.doc_id] = stored.get(chunk.doc_id, 0) + 1
    return IndexCheck({d: r.n_chunks for d, r in docs.items()}, stored, index.chunk_count())


@dataclass
class KillResult:
    documents_total: int
    documents_when_killed: int
    orphans_after_kill: int
    after_rerun: IndexCheck
    fresh: IndexCheck
    rerun_output: str

    @property
    def matches_fresh(self) -> bool:
        return self.after_rerun.documents == self.fresh.documents


def kill_ingest_halfway(workdir: Path, sources: Sequence[Path], copies: int = 12,
                        embedder: str = "fake") -> KillResult:
    """``kill -9`` an ingest after its first documents are committed, then run it again."""
    corpus = workdir / "big-corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for copy in range(copies):
        for source in sources:
            for path in sorted(Path(source).glob("*.md")):
                text = path.read_text(encoding="utf-8").replace("doc_id: ", f"doc_id: k{copy}-", 1)
                (corpus / f"k{copy:02d}-{path.name}").write_text(text, encoding="utf-8")
    total = len(list(corpus.iterdir()))
    with ChromaServer(workdir / "kill-chroma", log_path=workdir / "kill-chroma.log") as chroma:
        chroma.start()
        lock_dir = workdir / "kill-lock"
        args = ["ingest", str(corpus), "--chroma-url", chroma.url, "--index", str(lock_dir),
                "--embedder", embedder, "--quiet"]
        ingest = Managed(styrdok_cmd(*args), workdir / "killed-ingest.log").start()
        index = Index.open(lock_dir, chroma.url)
        seen = 0
        while ingest.proc is not None and ingest.proc.poll() is None:
            try:
                seen = len(index.documents()) if index.exists() else 0
            except Exception:  # noqa: BLE001 - collections may be half-created
                seen = 0
            if seen >= 3:
                break
            time.sleep(0.02)
        ingest.kill9()
        killed_at = len(index.documents())
        orphans = index.chunk_count() - sum(r.n_chunks for r in index.documents().values())
        rerun = run_styrdok(*args)
        after = check_index(chroma.url, lock_dir)
        fresh_args = [*args, "--collection", "fresh"]
        run_styrdok(*fresh_args)
        fresh = check_index(chroma.url, lock_dir, "fresh")
    return KillResult(total, killed_at, orphans, after, fresh, rerun.stdout + rerun.stderr)


@dataclass
class OutageResult:
    before: int
    during: int
    during_message: str
    app_alive: bool
    after: int
    after_attempts: int


def chroma_outage(deployment: Deployment) -> OutageResult:
    """Stop the Chroma server under a running app, ask, restart it, ask until it answers."""
    app = deployment.apps[0]
    question = {"question": QUESTIONS[0]}
    before = httpx.post(f"{app.url}/api/ask", json=question, timeout=60).status_code
    deployment.chroma.stop()
    during = httpx.post(f"{app.url}/api/ask", json=question, timeout=60)
    alive = app.proc is not None and app.proc.poll() is None
    deployment.chroma.start()
    attempts, after = 0, 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        attempts += 1
        after = httpx.post(f"{app.url}/api/ask", json=question, timeout=60).status_code
        if after == 200:
            break
        time.sleep(0.5)
    return OutageResult(before, during.status_code, during.json()["error"]["message"], alive,
                        after, attempts)


@dataclass
class CorruptionResult:
    search_exit: int
    search_message: str
    api_status: int
    api_message: str
    rebuild_exit: int
    rebuild_message: str
    after_rebuild_exit: int
    delete_and_ingest_exit: int
    after_delete_exit: int


def corrupt_local_index(workdir: Path, corpus: Path, embedder: str = "fake") -> CorruptionResult:
    """Overwrite ``chroma.sqlite3`` with garbage; see what the CLI and API say; rebuild."""
    index = workdir / "corrupt-index"
    common = ["--index", str(index), "--embedder", embedder]
    run_styrdok("ingest", str(corpus), *common, "--quiet")
    (index / "chroma" / "chroma.sqlite3").write_bytes(b"this is not a database\0" * 512)
    search = run_styrdok("search", QUESTIONS[0], *common)
    env = settings_env(index_dir=index, embedder=embedder, llm="extractive")
    with AppServer(env, workdir / "corrupt-app.log").start() as app:
        response = httpx.post(f"{app.url}/api/ask", json={"question": QUESTIONS[0]}, timeout=60)
    rebuild = run_styrdok("ingest", str(corpus), *common, "--rebuild", "--quiet")
    after_rebuild = run_styrdok("search", QUESTIONS[0], *common)
    shutil.rmtree(index)
    again = run_styrdok("ingest", str(corpus), *common, "--quiet")
    after_delete = run_styrdok("search", QUESTIONS[0], *common)
    return CorruptionResult(
        search.returncode, search.stderr.strip(), response.status_code,
        response.json().get("error", {}).get("message", ""), rebuild.returncode,
        (rebuild.stderr or rebuild.stdout).strip(), after_rebuild.returncode,
        again.returncode, after_delete.returncode,
    )
