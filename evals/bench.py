"""``styrdok bench``: ingest throughput, search/ask latency, memory and index size by corpus size.

Each size runs in a fresh process (unless ``isolate=False``) so its peak memory is its own. Run
by hand; never a timed test.
"""

from __future__ import annotations

import math
import random
import resource
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from evals.metrics import percentile

MODES = ("dense", "lexical", "hybrid")
SECTIONS_PER_DOC = 10


def _dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _latencies(fn: Callable[[str], object], questions: Sequence[str]) -> dict[str, float | None]:
    fn(questions[0])  # warm-up: model load, BM25 build
    times = []
    for question in questions:
        began = time.perf_counter()
        fn(question)
        times.append((time.perf_counter() - began) * 1000)
    return {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95), "n": len(times)}


def bench_size(
    chunks: int, *, embedder: str, work_dir: Path, searches: int = 50, asks: int = 10,
    seed: int = 0, keep: bool = False,
) -> dict[str, Any]:
    """Build a synthetic corpus of about ``chunks`` chunks, ingest it and time it."""
    from assistant.ask import Assistant
    from assistant.llm import build_generator
    from assistant.retrieval import Retriever
    from assistant.settings import Settings
    from evals.synthetic import make_documents, make_question, write_corpus
    from ingest.pipeline import ingest_paths

    docs = make_documents(math.ceil(chunks / SECTIONS_PER_DOC), sections=SECTIONS_PER_DOC,
                          seed=seed)
    base = Path(work_dir) / f"size-{chunks}"
    shutil.rmtree(base, ignore_errors=True)
    corpus = write_corpus(docs, base / "corpus")
    settings = Settings.from_env(environ={}, index_dir=base / "index", embedder=embedder)
    build_generator(settings)  # fail before the long ingest if the generator cannot load
    summary = ingest_paths([corpus], settings)
    rng = random.Random(seed)
    questions = [str(make_question(d, i, i)["question"])
                 for i, d in enumerate(rng.choices(docs, k=max(searches, asks)))]

    retriever = Retriever.from_settings(settings)
    began = time.perf_counter()
    retriever.snapshot()
    lexical_build_s = time.perf_counter() - began
    search = {mode: _latencies(lambda q, m=mode: retriever.search(q, mode=m),
                               questions[:searches]) for mode in MODES}
    ask = {}
    for mode in MODES:
        assistant = Assistant.from_settings(settings.replace(retrieval=mode))
        ask[mode] = _latencies(assistant.ask, questions[:asks])
    result = {
        "target_chunks": chunks,
        "documents": len(docs),
        "chunks": summary.chunks_added,
        "embedder": embedder,
        "ingest_s": summary.elapsed_s,
        "embed_s": summary.embed_s,
        "other_s": summary.elapsed_s - summary.embed_s,
        "chunks_per_s": summary.chunks_added / summary.elapsed_s if summary.elapsed_s else None,
        "embed_share": summary.embed_s / summary.elapsed_s if summary.elapsed_s else None,
        "lexical_build_s": lexical_build_s,
        "index_mb": _dir_size_mb(base / "index"),
        "peak_rss_mb": _peak_rss_mb(),
        "search": search,
        "ask": ask,
    }
    if not keep:
        shutil.rmtree(base, ignore_errors=True)
    return result


def run_bench(
    sizes: Sequence[int], *, embedder: str, work_dir: Path, isolate: bool = True,
    searches: int = 50, asks: int = 10, report: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Every size in turn, each in its own process when ``isolate``."""
    rows = []
    for size in sizes:
        if report:
            report(f"Mäter {size} chunkar ({embedder}) …")
        kwargs = {"embedder": embedder, "work_dir": work_dir, "searches": searches, "asks": asks}
        if isolate:
            with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
                row = pool.submit(bench_size, size, **kwargs).result()
        else:
            row = bench_size(size, **kwargs)
        rows.append(row)
        if report:
            report(f"  klart: {row['chunks']} chunkar på {row['ingest_s']:.1f} s")
    return rows


def _ms(pair: dict[str, Any]) -> str:
    return f"{pair['p50_ms']:.1f} / {pair['p95_ms']:.1f}"


def format_table(rows: Sequence[dict[str, Any]], markdown: bool = False) -> str:
    """Metrics as rows, corpus sizes as columns."""
    lines: list[tuple[str, list[str]]] = [
        ("Dokument", [str(r["documents"]) for r in rows]),
        ("Embedder", [r["embedder"] for r in rows]),
        ("Inläsning totalt (s)", [f"{r['ingest_s']:.1f}" for r in rows]),
        ("  varav inbäddning (s)", [f"{r['embed_s']:.1f} ({r['embed_share']:.0%})" for r in rows]),
        ("  övrigt: läsning, chunkning, lagring (s)", [f"{r['other_s']:.1f}" for r in rows]),
        ("Genomströmning (chunkar/s)", [f"{r['chunks_per_s']:.3g}" for r in rows]),
        ("BM25-index byggs vid första sökningen (s)",
         [f"{r['lexical_build_s']:.2f}" for r in rows]),
        *[(f"search {m} p50 / p95 (ms)", [_ms(r["search"][m]) for r in rows]) for m in MODES],
        *[(f"ask {m} p50 / p95 (ms)", [_ms(r["ask"][m]) for r in rows]) for m in MODES],
        ("Högsta minnesanvändning, RSS (MB)", [f"{r['peak_rss_mb']:.0f}" for r in rows]),
        ("Indexstorlek på disk (MB)", [f"{r['index_mb']:.1f}" for r in rows]),
    ]
    header = ["Chunkar", *[str(r["chunks"]) for r in rows]]
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|---" + "|---:" * len(rows) + "|"]
        out += ["| " + " | ".join([name.strip(), *cells]) + " |" for name, cells in lines]
        return "\n".join(out)
    width = max(len(name) for name, _ in lines)
    cols = [max(len(header[i + 1]), *(len(c[i]) for _, c in lines)) for i in range(len(rows))]
    out = [header[0].ljust(width) + "  " + "  ".join(h.rjust(w) for h, w in
                                                     zip(header[1:], cols, strict=True))]
    out += [name.ljust(width) + "  " + "  ".join(c.rjust(w) for c, w in
                                                 zip(cells, cols, strict=True))
            for name, cells in lines]
    return "\n".join(out)
