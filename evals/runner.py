"""Run a test set against the assistant: build (or reuse) an index, score every case, write files.

The index for a corpus is cached by content hash under a cache folder, so re-running an eval on
unchanged documents with the same embedder skips ingest entirely. Every full run also scores the
plain-RAG baseline (evals/baseline.py) on the same cases and index.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import StyrdokError
from assistant.settings import Settings
from assistant.types import Answer, content_hash
from evals.baseline import comparison, run_plain_rag
from evals.metrics import METRICS, aggregate, summarize
from evals.results import CaseResult
from evals.scorers import score_case
from evals.testset import Case, load_testset

if TYPE_CHECKING:
    import numpy as np

    from assistant.ask import Assistant
    from assistant.retrieval import Retriever

Progress = Callable[[int, int], None]
"""progress(done, total) over the cases."""

RETRIEVAL_K = 10
SEARCH_BATCH = 64
INDEX_MARKER = "eval-index.json"


class EvalError(StyrdokError):
    """The evaluation cannot run (missing corpus, failed ingest)."""


def corpus_hash(corpus_dirs: Sequence[Path], embedder: str) -> str:
    """Hash of every file's relative path and bytes, the embedder and the parser/chunker code."""
    from ingest.pipeline import INGEST_VERSION, discover, file_content_hash

    parts = [f"embedder={embedder}", f"ingest={INGEST_VERSION}"]
    for folder in corpus_dirs:
        folder = Path(folder)
        if not folder.exists():
            raise EvalError(f"korpusmappen {folder} finns inte")
        files, _problems, _folders = discover([folder])
        base = folder.resolve() if folder.is_dir() else folder.resolve().parent
        for path in files:
            rel = path.relative_to(base) if path.is_relative_to(base) else path
            parts.append(f"{folder.name}/{rel}:{file_content_hash(path)}")
    return content_hash("\n".join(parts))


def default_cache_dir(out_dir: Path) -> Path:
    return Path(out_dir).resolve().parent / ".styrdok-eval-cache"


def prepare_index(
    corpus_dirs: Sequence[Path],
    settings: Settings,
    cache_dir: Path,
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[Settings, dict[str, Any]]:
    """Settings pointing at an index of ``corpus_dirs``, built unless a cached one exists."""
    from ingest.pipeline import ingest_paths

    digest = corpus_hash(corpus_dirs, settings.embedder)
    index_dir = Path(cache_dir) / digest[:16]
    indexed = settings.replace(index_dir=index_dir, chroma_url=None)
    marker = index_dir / INDEX_MARKER
    if marker.exists():
        info = json.loads(marker.read_text(encoding="utf-8"))
        info["reused"] = True
        return indexed, info
    summary = ingest_paths([Path(p) for p in corpus_dirs], indexed, rebuild=True,
                           progress=progress)
    if not summary.doc_ids:
        raise EvalError(
            "inga dokument kunde läsas in från korpusen: "
            + "; ".join(f"{p}: {r}" for p, r in summary.skipped[:5])
        )
    info = {
        "corpus_hash": digest,
        "index_dir": str(index_dir),
        "documents": len(summary.doc_ids),
        "chunks": summary.chunks_added,
        "skipped": [{"path": p, "reason": r} for p, r in summary.skipped],
        "ingest_s": round(summary.elapsed_s, 2),
        "embed_s": round(summary.embed_s, 2),
    }
    marker.write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    info["reused"] = False
    return indexed, info


def _faithfulness_judge(settings: Settings) -> Callable[[Answer], float | None] | None:
    """The model judge (``assistant.llm.judge_faithfulness``) when an LLM is configured."""
    if settings.llm == "extractive":
        return None
    try:
        from assistant import llm
    except ImportError:
        return None
    judge = getattr(llm, "judge_faithfulness", None)
    if judge is None:
        return None
    chat_model = llm.build_chat_model(settings)

    def run(answer: Answer) -> float | None:
        if answer.refused or not answer.citations:
            return None
        return judge(chat_model, answer.text, [c.passage for c in answer.citations])

    return run


def search_results(
    cases: Sequence[Case], retriever: Retriever, *, mode: str | None = None,
    vectors: Sequence[np.ndarray] | None = None, progress: Progress | None = None,
) -> list[CaseResult]:
    """Score the retrieval of every case: its first :data:`RETRIEVAL_K` documents (one chunk
    each) from ``retriever`` in ``mode``. ``vectors`` are the questions' query embeddings, when
    they are already computed (one per case); otherwise they are embedded in batches."""
    if vectors is not None and len(vectors) != len(cases):
        raise ValueError("one query vector per case")
    results: list[CaseResult] = []
    for start in range(0, len(cases), SEARCH_BATCH):
        batch = cases[start : start + SEARCH_BATCH]
        began = time.perf_counter()
        if vectors is None:
            hits = retriever.search_many([c.question for c in batch], k=RETRIEVAL_K, mode=mode,
                                         per_doc=1)
        else:
            hits = [retriever.search(c.question, k=RETRIEVAL_K, mode=mode, per_doc=1,
                                     query_vector=v)
                    for c, v in zip(batch, vectors[start : start + SEARCH_BATCH], strict=True)]
        per_case_ms = (time.perf_counter() - began) * 1000 / len(batch)
        for case, found in zip(batch, hits, strict=True):
            answer = Answer(question=case.question, text="", retrieved=tuple(found))
            results.append(score_case(case, answer, per_case_ms, generated=False))
        if progress:
            progress(len(results), len(cases))
    return results


def run_retrieval(
    cases: Sequence[Case], settings: Settings, *, progress: Progress | None = None
) -> list[CaseResult]:
    """Score retrieval alone; query embeddings are computed in batches."""
    from assistant.retrieval import Retriever

    retriever = Retriever.from_settings(settings)
    retriever.snapshot()  # build the BM25 index before timing
    return search_results(cases, retriever, progress=progress)


def compare_modes(cases: Sequence[Case], settings: Settings) -> dict[str, list[CaseResult]]:
    """Retrieval alone in every search mode (``MODES``: hybrid, dense, lexical) on the same
    cases and index, each question embedded once for all modes."""
    from assistant.retrieval import MODES, Retriever

    retriever = Retriever.from_settings(settings)
    retriever.snapshot()
    vectors = embed_questions(retriever, cases)
    return {mode: search_results(cases, retriever, mode=mode, vectors=vectors) for mode in MODES}


def embed_questions(retriever: Retriever, cases: Sequence[Case]) -> list[np.ndarray]:
    """Every case's query embedding, :data:`SEARCH_BATCH` questions at a time."""
    vectors: list[np.ndarray] = []
    for start in range(0, len(cases), SEARCH_BATCH):
        batch = cases[start : start + SEARCH_BATCH]
        vectors.extend(retriever.embedder.embed_queries([c.question for c in batch]))
    return vectors


RANKING_KEYS = ("hit@1", "hit@3", "hit@5", "mrr@10", "ndcg@10")


def mode_figures(
    by_mode: dict[str, list[CaseResult]], split: str | None = None,
    split_of: dict[str, str] | None = None,
) -> dict[str, dict[str, dict[str, Any]]]:
    """group -> mode -> ranking metrics (and the answerable cases they cover). The groups are the
    splits (tune beside test) when a whole collection ran, else one group named by the split or
    ``all``."""
    groups: dict[str, dict[str, dict[str, Any]]] = {}
    names = (sorted(set(split_of.values()), key=lambda n: (n != "tune", n))
             if split_of and split == "all" else [split or "all"])
    for name in names:
        entry: dict[str, dict[str, Any]] = {}
        for mode, results in by_mode.items():
            mine = [r for r in results
                    if len(names) == 1 or (split_of or {}).get(r.id) == name]
            if not mine:
                continue
            figures = aggregate(mine)
            entry[mode] = {"cases": figures["answerable_cases"],
                           **{k: figures[k] for k in RANKING_KEYS}}
        if entry:
            groups[name] = entry
    return groups


def index_publishers(settings: Settings) -> dict[str, str | None]:
    """doc_id -> publisher of every indexed document (for the entity-mixing check)."""
    from assistant.retrieval import Retriever

    return {d: r.publisher for d, r in Retriever.from_settings(settings).documents().items()}


def ask_case(assistant: Assistant, case: Case) -> tuple[Answer, float]:
    """Play the case's earlier turns, then ask its question: (answer, ms of the last ask).

    Each earlier turn is asked with the conversation so far, the assistant's own answers as the
    assistant turns, exactly as the chat passes history.
    """
    history: list[tuple[str, str]] = []
    for number, turn in enumerate(case.history, start=1):
        try:
            reply = assistant.ask(turn, history=tuple(history))
        except StyrdokError as exc:
            raise EvalError(f"tidigare fråga {number} ({turn[:60]!r}): {exc}") from exc
        history.append((turn, reply.text))
    began = time.perf_counter()
    answer = assistant.ask(case.question, history=tuple(history))
    return answer, (time.perf_counter() - began) * 1000


def run_assistant(
    cases: Sequence[Case], settings: Settings, *, progress: Progress | None = None,
    publishers: dict[str, str | None] | None = None,
) -> list[CaseResult]:
    """Ask the assistant every question (after its history) and score the answers."""
    from assistant.ask import Assistant

    assistant = Assistant.from_settings(settings)
    judge = _faithfulness_judge(settings)
    results: list[CaseResult] = []
    for done, case in enumerate(cases, start=1):
        error, latency_ms = None, None
        try:
            answer, latency_ms = ask_case(assistant, case)
        except StyrdokError as exc:
            answer, error = Answer(question=case.question, text=""), str(exc)
        faithfulness = judge(answer) if judge and error is None else None
        results.append(score_case(case, answer, latency_ms, faithfulness=faithfulness,
                                  error=error, publishers=publishers))
        if progress:
            progress(done, len(cases))
    return results


def split_figures(
    results: Sequence[CaseResult], plain_rag: Sequence[CaseResult], split_of: dict[str, str]
) -> dict[str, Any]:
    """Per split: the assistant's and the baseline's overall metrics."""
    figures: dict[str, Any] = {}
    for name in sorted(set(split_of.values()), key=lambda n: (n != "tune", n)):
        mine = [r for r in results if split_of.get(r.id) == name]
        if not mine:
            continue
        entry: dict[str, Any] = {"assistant": aggregate(mine)}
        if plain_rag:
            entry["plain_rag"] = aggregate([r for r in plain_rag if split_of.get(r.id) == name])
        figures[name] = entry
    return figures


def build_summary(
    results: Sequence[CaseResult], settings: Settings, *, mode: str, testset: Path | None,
    index_info: dict[str, Any] | None, elapsed_s: float,
    plain_rag: Sequence[CaseResult] = (), split: str | None = None,
    split_of: dict[str, str] | None = None,
    retrieval_modes: dict[str, dict[str, dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    metrics = summarize(results)
    judged = metrics["overall"].get("faithfulness") is not None  # type: ignore[union-attr]
    extra: dict[str, Any] = {}
    if plain_rag:
        extra["plain_rag"] = comparison(metrics["overall"], aggregate(plain_rag))  # type: ignore[arg-type]
    if split is not None:
        extra["split"] = split
    if split_of and split == "all":
        extra["per_split"] = split_figures(results, plain_rag, split_of)
    if retrieval_modes:
        extra["retrieval_modes"] = retrieval_modes
    return {
        "format": "styrdok-eval/1",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": mode,
        "testset": str(testset) if testset else None,
        "index": index_info,
        "settings": {
            "embedder": settings.embedder, "retrieval": settings.retrieval, "k": settings.k,
            "per_doc": settings.per_doc, "llm": settings.llm, "llm_model": settings.llm_model,
            "fusion": settings.fusion, "dense_weight": settings.dense_weight,
            "lexical_weight": settings.lexical_weight, "rrf_k": settings.rrf_k,
        },
        "elapsed_s": round(elapsed_s, 2),
        "model_judged": ["faithfulness"] if judged else [],
        "metric_info": {
            m.key: {"label": m.label, "higher_is_better": m.higher_is_better, "unit": m.unit,
                    "model_judged": m.model_judged}
            for m in METRICS
        },
        **metrics,
        **extra,
    }


def _jsonl(results: Sequence[CaseResult]) -> str:
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in results)


def write_outputs(out_dir: Path, results: Sequence[CaseResult], summary: dict[str, Any],
                  plain_rag: Sequence[CaseResult] = ()) -> dict[str, Path]:
    """results.jsonl, summary.json, report.md and report.html in ``out_dir`` (and
    plain-rag-results.jsonl when the baseline ran)."""
    from evals.report import render_html, render_markdown

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / name for name in
             ("results.jsonl", "summary.json", "report.md", "report.html")}
    paths["results.jsonl"].write_text(_jsonl(results), encoding="utf-8")
    if plain_rag:
        paths["plain-rag-results.jsonl"] = out_dir / "plain-rag-results.jsonl"
        paths["plain-rag-results.jsonl"].write_text(_jsonl(plain_rag), encoding="utf-8")
    paths["summary.json"].write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n",
                                     encoding="utf-8")
    paths["report.md"].write_text(render_markdown(summary, results), encoding="utf-8")
    paths["report.html"].write_text(render_html(summary, results), encoding="utf-8")
    return paths


def evaluate(
    cases: Sequence[Case],
    corpus_dirs: Sequence[Path],
    out_dir: Path,
    settings: Settings,
    *,
    testset: Path | None = None,
    split: str | None = None,
    split_of: dict[str, str] | None = None,
    retrieval_only: bool = False,
    compare: bool = False,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    ingest_progress: Callable[[str, int, int], None] | None = None,
) -> tuple[list[CaseResult], dict[str, Any]]:
    """Index, run the assistant (and the plain-RAG baseline), score and write the outputs;
    ``compare`` adds the retrieval figures of every search mode side by side."""
    began = time.perf_counter()
    indexed, info = prepare_index(corpus_dirs, settings, cache_dir or default_cache_dir(out_dir),
                                  progress=ingest_progress)
    plain_rag: list[CaseResult] = []
    if retrieval_only:
        results = run_retrieval(cases, indexed, progress=progress)
    else:
        publishers = index_publishers(indexed)
        results = run_assistant(cases, indexed, progress=progress, publishers=publishers)
        plain_rag = run_plain_rag(cases, indexed, publishers=publishers)
    modes = mode_figures(compare_modes(cases, indexed), split, split_of) if compare else None
    summary = build_summary(results, indexed, mode="retrieval-only" if retrieval_only else "full",
                            testset=testset, index_info=info,
                            elapsed_s=time.perf_counter() - began, plain_rag=plain_rag,
                            split=split, split_of=split_of, retrieval_modes=modes)
    write_outputs(out_dir, results, summary, plain_rag)
    return results, summary


def run_eval(
    testset: Path,
    corpus_dirs: Sequence[Path],
    out_dir: Path,
    settings: Settings,
    *,
    retrieval_only: bool = False,
    compare: bool = False,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    ingest_progress: Callable[[str, int, int], None] | None = None,
) -> tuple[list[CaseResult], dict[str, Any]]:
    """The whole evaluation of one test-set file: validate it first, then index, run, score."""
    cases = load_testset(testset)  # a broken file stops us before any work
    return evaluate(cases, corpus_dirs, out_dir, settings, testset=Path(testset),
                    retrieval_only=retrieval_only, compare=compare, cache_dir=cache_dir,
                    progress=progress, ingest_progress=ingest_progress)


def run_collection(
    folder: Path,
    split: str,
    out_dir: Path,
    settings: Settings,
    *,
    corpus_dirs: Sequence[Path] | None = None,
    retrieval_only: bool = False,
    compare: bool = False,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
    ingest_progress: Callable[[str, int, int], None] | None = None,
) -> tuple[list[CaseResult], dict[str, Any]]:
    """Evaluate split ``split`` (tune, test or all) of a collection, over its manifest's corpus
    folders unless ``corpus_dirs`` is given."""
    from evals.collection import load_collection
    from evals.split import split_cases

    collection = load_collection(folder)
    cases, split_of = split_cases(collection.folder, collection.cases, split)
    if not cases:
        raise EvalError(f"delningen {split!r} av {folder} har inga fall")
    return evaluate(cases, corpus_dirs or collection.corpus_dirs, out_dir, settings,
                    testset=Path(folder), split=split, split_of=split_of,
                    retrieval_only=retrieval_only, compare=compare, cache_dir=cache_dir,
                    progress=progress, ingest_progress=ingest_progress)
