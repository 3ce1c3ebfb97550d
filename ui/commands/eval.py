"""``styrdok eval --testset FILE --corpus DIR [DIR...] --out DIR [...]``"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ui.options import settings_from_args


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "eval", parents=[common], help="utvärdera svarskvaliteten mot en testmängd",
        description=(
            "Bygger (eller återanvänder) ett index av korpusen, kör varje testfall och skriver "
            "results.jsonl, summary.json, report.md och report.html i --out."
        ),
    )
    parser.add_argument("--testset", type=Path, required=True, metavar="FILE",
                        help="testmängd i JSONL-format (se docs/evals.md)")
    parser.add_argument("--corpus", type=Path, nargs="+", required=True, metavar="DIR",
                        help="korpusmappar att indexera")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="utdatamapp")
    parser.add_argument("--retrieval-only", action="store_true",
                        help="mät bara sökningen (inga svar genereras)")
    parser.add_argument("--llm", metavar="NAME",
                        help="extractive | openai | ollama | transformers (STYRDOK_LLM)")
    parser.add_argument("--llm-model", metavar="NAME", help="modellnamn (STYRDOK_LLM_MODEL)")
    parser.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default=None,
                        help="sökläge (STYRDOK_RETRIEVAL)")
    parser.add_argument("--baseline", type=Path, metavar="SUMMARY.json",
                        help="jämför med en tidigare körnings summary.json")
    parser.add_argument("--fail-under", nargs="+", default=[], metavar="METRIK=VÄRDE",
                        help="avsluta med fel om en metrik missar sin gräns (t.ex. hit@5=0.8)")
    parser.add_argument("--cache", type=Path, metavar="DIR",
                        help="mapp för cachade index (standard: .styrdok-eval-cache bredvid --out)")
    parser.add_argument("--quiet", action="store_true", help="ingen förloppsindikator")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from evals.gates import check_bars, load_baseline, metric_table, parse_bar
    from evals.runner import run_eval
    from evals.testset import load_testset

    bars = [parse_bar(text) for text in args.fail_under]
    baseline = load_baseline(args.baseline) if args.baseline else None
    load_testset(args.testset)  # report a broken file before anything else happens
    settings = settings_from_args(args, llm=args.llm, llm_model=args.llm_model,
                                  retrieval=args.mode)
    show = not args.quiet and sys.stderr.isatty()
    bar = _Bar(show, "Testfall")
    ingest_bar = _Bar(show, "Inläsning")
    try:
        _results, summary = run_eval(
            args.testset, args.corpus, args.out, settings, retrieval_only=args.retrieval_only,
            cache_dir=args.cache, progress=bar, ingest_progress=ingest_bar.stage,
        )
    finally:
        bar.close()
        ingest_bar.close()
    overall = summary["overall"]
    index = summary.get("index") or {}
    reused = "återanvänt" if index.get("reused") else "byggt"
    print(f"Index ({reused}): {index.get('index_dir')}")
    print(f"{overall['cases']} fall på {summary['elapsed_s']} s. "
          f"Rapport: {args.out / 'report.html'}")
    if summary.get("model_judged"):
        print("Obs: 'faithfulness' är modellbedömd, inte deterministisk.")
    print()
    print(metric_table(overall, baseline))
    failures = check_bars(overall, bars)
    if failures:
        print("\nUnder gränsen:", file=sys.stderr)
        for message in failures:
            print(f"  {message}", file=sys.stderr)
        return 1
    return 0


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
