"""``styrdok bench``: ingest throughput, search/ask latency, memory and index size by corpus size.

Each size runs in a fresh process, and the index is served by other fresh processes (unless
``isolate=False``), so ready times and peak memory are an app's own: the very first start (no
saved snapshot, as on a host of a Chroma server), the first start after ``styrdok ingest`` of a
local index (which saves the snapshot), then a serving process that starts from the saved
snapshot: its time to the first answer, search and ask latency, the first answer after one
document is re-ingested, and its peak RSS.
Run by hand; never a timed test.
"""

from __future__ import annotations

import math
import random
import resource
import shutil
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
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


def _first_start(settings: Any, question: str) -> dict[str, float]:
    """An app's very first start on the index (no saved snapshot): time to the first answer,
    peak memory; it leaves its snapshot saved for the next start."""
    from assistant.ask import Assistant
    from assistant.llm import build_generator
    from assistant.retrieval import Retriever

    shutil.rmtree(settings.resolved_index_dir / "reader-cache", ignore_errors=True)
    generator = build_generator(settings)
    began = time.perf_counter()
    retriever = Retriever.from_settings(settings)
    Assistant(retriever, generator, settings).ask(question)
    ready = time.perf_counter() - began
    retriever.wait_for_save()
    return {"first_start_s": ready, "first_start_rss_mb": _peak_rss_mb()}


def _start_after_ingest(settings: Any, question: str) -> dict[str, float]:
    """The first app start after an ingest of the local index, which saved the snapshot."""
    from assistant.ask import Assistant
    from assistant.llm import build_generator
    from assistant.retrieval import Retriever

    generator = build_generator(settings)
    began = time.perf_counter()
    retriever = Retriever.from_settings(settings)
    Assistant(retriever, generator, settings).ask(question)
    return {"after_ingest_s": time.perf_counter() - began,
            "after_ingest_rss_mb": _peak_rss_mb()}


def _in_process(isolate: bool, fn: Callable[..., Any], *args: Any) -> Any:
    if not isolate:
        return fn(*args)
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


def _serve(settings: Any, questions: Sequence[str], changed: Path, searches: int, asks: int,
           isolate: bool = True) -> dict[str, Any]:
    """What one app process serving the index measures: ready time, latencies, the reader's
    work after one document changes, and its own peak memory (run it in a fresh process)."""
    from assistant.ask import Assistant
    from assistant.llm import build_generator
    from assistant.retrieval import Retriever
    from ingest.pipeline import ingest_paths

    generator = build_generator(settings)
    # Ready: from opening the index to the first answer (the snapshot with its BM25 index,
    # and what the assistant keeps per corpus version), with the snapshot an earlier process
    # saved.
    began = time.perf_counter()
    retriever = Retriever.from_settings(settings)
    Assistant(retriever, generator, settings).ask(questions[0])
    ready_s = time.perf_counter() - began
    search = {mode: _latencies(lambda q, m=mode: retriever.search(q, mode=m),
                               questions[:searches]) for mode in MODES}
    ask = {}
    for mode in MODES:
        retriever.settings = settings.replace(retrieval=mode)
        assistant = Assistant(retriever, generator, retriever.settings)
        ask[mode] = _latencies(assistant.ask, questions[:asks])
    # One document changes, re-ingested by another process (a writer's memory and time are
    # not the reader's).
    text = changed.read_text(encoding="utf-8")
    changed.write_text(f"{text}\n\nTillägg {time.time_ns()}: revisionen gäller från i år.\n",
                       encoding="utf-8")
    _in_process(isolate, ingest_paths, [changed], settings)
    # The whole first answer after the change: the snapshot and everything the assistant
    # keeps per corpus version are brought up to date in it (one question's own time included).
    began = time.perf_counter()
    assistant.ask(questions[0])
    update_s = time.perf_counter() - began
    return {"ready_s": ready_s, "update_s": update_s, "search": search, "ask": ask,
            "peak_rss_mb": _peak_rss_mb()}


def bench_size(
    chunks: int, *, embedder: str, work_dir: Path, searches: int = 50, asks: int = 10,
    seed: int = 0, keep: bool = False, reuse: bool = False, isolate: bool = True,
) -> dict[str, Any]:
    """Build a synthetic corpus of about ``chunks`` chunks, ingest it and time it.

    With ``reuse``, an index a previous run left in ``work_dir`` (``keep``) is served again
    without ingesting (the ingest figures are then missing). The serving is measured in a
    fresh process when ``isolate``, so its ready time and peak memory are an app's.
    """
    from assistant.llm import build_generator
    from assistant.settings import Settings
    from evals.synthetic import make_documents, make_question, write_corpus
    from ingest.pipeline import ingest_paths

    docs = make_documents(math.ceil(chunks / SECTIONS_PER_DOC), sections=SECTIONS_PER_DOC,
                          seed=seed)
    base = Path(work_dir) / f"size-{chunks}"
    settings = Settings.from_env(environ={}, index_dir=base / "index", embedder=embedder)
    reused = reuse and (base / "index").is_dir() and (base / "corpus").is_dir()
    summary = None
    ingest_rss = None
    if not reused:
        shutil.rmtree(base, ignore_errors=True)
        corpus = write_corpus(docs, base / "corpus")
        build_generator(settings)  # fail before the long ingest if the generator cannot load
        summary = ingest_paths([corpus], settings)
        ingest_rss = _peak_rss_mb()
    rng = random.Random(seed)
    questions = [str(make_question(d, i, i)["question"])
                 for i, d in enumerate(rng.choices(docs, k=max(searches, asks)))]
    changed = base / "corpus" / f"{docs[len(docs) // 2].doc_id}.md"
    first = _in_process(isolate, _first_start, settings, questions[0])
    # An ingest run (nothing changed when the index is reused: the snapshot file is missing,
    # so the ingest writes it, as after a real change), then a fresh app.
    shutil.rmtree(settings.resolved_index_dir / "reader-cache", ignore_errors=True)
    _in_process(isolate, partial(ingest_paths, save_snapshot=True), [base / "corpus"], settings)
    first.update(_in_process(isolate, _start_after_ingest, settings, questions[0]))
    served = _in_process(isolate, _serve, settings, questions, changed, searches, asks, isolate)
    result = {
        "target_chunks": chunks,
        "documents": len(docs),
        "chunks": summary.chunks_added if summary else _chunk_count(settings),
        "embedder": embedder,
        "reused_index": reused,
        "ingest_s": summary.elapsed_s if summary else None,
        "embed_s": summary.embed_s if summary else None,
        "other_s": summary.elapsed_s - summary.embed_s if summary else None,
        "chunks_per_s": (summary.chunks_added / summary.elapsed_s
                         if summary and summary.elapsed_s else None),
        "embed_share": summary.embed_s / summary.elapsed_s if summary and summary.elapsed_s
        else None,
        "ingest_peak_rss_mb": ingest_rss,
        "index_mb": _dir_size_mb(base / "index"),
        **first,
        **served,
    }
    if not keep:
        shutil.rmtree(base, ignore_errors=True)
    return result


def _chunk_count(settings: Any) -> int:
    from assistant.index import Index

    return Index.open(settings.resolved_index_dir, settings.chroma_url,
                      settings.collection).chunk_count()


def run_bench(
    sizes: Sequence[int], *, embedder: str, work_dir: Path, isolate: bool = True,
    searches: int = 50, asks: int = 10, report: Callable[[str], None] | None = None,
    keep: bool = False, reuse: bool = False,
) -> list[dict[str, Any]]:
    """Every size in turn, each in its own process when ``isolate``."""
    rows = []
    for size in sizes:
        if report:
            report(f"Mäter {size} chunkar ({embedder}) …")
        kwargs = {"embedder": embedder, "work_dir": work_dir, "searches": searches, "asks": asks,
                  "keep": keep, "reuse": reuse, "isolate": isolate}
        if isolate:
            with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
                row = pool.submit(bench_size, size, **kwargs).result()
        else:
            row = bench_size(size, **kwargs)
        rows.append(row)
        if report:
            took = "återanvänt index" if row["reused_index"] else f"{row['ingest_s']:.1f} s"
            report(f"  klart: {row['chunks']} chunkar ({took})")
    return rows


def _ms(pair: dict[str, Any]) -> str:
    return f"{pair['p50_ms']:.1f} / {pair['p95_ms']:.1f}"


def _num(value: float | None, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def format_table(rows: Sequence[dict[str, Any]], markdown: bool = False) -> str:
    """Metrics as rows, corpus sizes as columns."""
    lines: list[tuple[str, list[str]]] = [
        ("Dokument", [str(r["documents"]) for r in rows]),
        ("Embedder", [r["embedder"] for r in rows]),
        ("Inläsning totalt (s)", [_num(r["ingest_s"], ".1f") for r in rows]),
        ("  varav inbäddning (s)",
         [f"{_num(r['embed_s'], '.1f')} ({_num(r['embed_share'], '.0%')})" for r in rows]),
        ("  övrigt: läsning, chunkning, lagring (s)", [_num(r["other_s"], ".1f") for r in rows]),
        ("Genomströmning (chunkar/s)", [_num(r["chunks_per_s"], ".3g") for r in rows]),
        ("Första start utan sparad ögonblicksbild: till första svaret (s)",
         [f"{r['first_start_s']:.2f}" for r in rows]),
        ("  dess högsta minnesanvändning (MB)", [f"{r['first_start_rss_mb']:.0f}" for r in rows]),
        ("Första start efter inläsning (lokalt index): till första svaret (s)",
         [f"{r['after_ingest_s']:.2f}" for r in rows]),
        ("  dess högsta minnesanvändning (MB)",
         [f"{r['after_ingest_rss_mb']:.0f}" for r in rows]),
        ("Redo: ny process till första svaret (s)", [f"{r['ready_s']:.2f}" for r in rows]),
        ("Första svaret efter ett ändrat dokument (s)",
         [f"{r['update_s']:.2f}" for r in rows]),
        *[(f"search {m} p50 / p95 (ms)", [_ms(r["search"][m]) for r in rows]) for m in MODES],
        *[(f"ask {m} p50 / p95 (ms)", [_ms(r["ask"][m]) for r in rows]) for m in MODES],
        ("Högsta minnesanvändning, appens process (MB)",
         [f"{r['peak_rss_mb']:.0f}" for r in rows]),
        ("Högsta minnesanvändning, inläsningen (MB)",
         [_num(r["ingest_peak_rss_mb"], ".0f") for r in rows]),
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
