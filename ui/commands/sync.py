"""``styrdok sync SOURCES.yaml``: bring the index up to date with web sources."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ui.options import settings_from_args

if TYPE_CHECKING:
    from ingest.web.sync import WebReport


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "sync",
        parents=[common],
        help="håll indexet i takt med webbkällor (sources.yaml)",
        description=(
            "Hämtar webbadresserna i källfilen (villkorligt: oförändrade sidor kostar en "
            "förfrågan och bäddas inte in), ersätter ändrade sidor och tar bort sidor som svarat "
            "404/410 vid flera synkningar i rad. Kör den schemalagt, se docs/web.md."
        ),
    )
    parser.add_argument("sources", type=Path, metavar="SOURCES.yaml", help="källfilen")
    add_web_flags(parser)
    parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    parser.add_argument("--quiet", action="store_true", help="bara sammanfattningen")
    parser.set_defaults(run=run)


def add_web_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("webb")
    group.add_argument(
        "--allow-private",
        action="store_true",
        default=None,
        help="tillåt interna adresser (127.0.0.1, 10.x, 192.168.x …) "
        "(STYRDOK_WEB_ALLOW_PRIVATE)",
    )
    group.add_argument(
        "--timeout", type=float, metavar="S", help="tidsgräns per förfrågan (STYRDOK_WEB_TIMEOUT)"
    )


def run(args: argparse.Namespace) -> int:
    from ingest.web.sources import load_sources
    from ingest.web.sync import sync_web

    settings = settings_from_args(
        args, web_allow_private=args.allow_private, web_timeout=args.timeout
    )
    sources = load_sources(args.sources)
    report = sync_web(
        sources.sources,
        settings,
        missing_after=sources.missing_after,
        delay=settings.web_delay if sources.delay is None else sources.delay,
        on_event=None if args.quiet or args.json else print_event,
        save_snapshot=True,
    )
    print_report(report, as_json=args.json)
    return 0 if report.ok else 1


def print_event(kind: str, url: str, detail: str) -> None:
    if kind == "fetch":
        print(f"Hämtar {url}", file=sys.stderr, flush=True)


def print_report(report: WebReport, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_web_report(report))


def format_web_report(report: WebReport) -> str:
    from ingest.web.sync import STATUS_LABELS

    summary = report.summary
    lines = [
        f"Förfrågningar: {report.requests} (villkorliga: {report.conditional_requests}, "
        f"oförändrade enligt servern: {report.not_modified})",
        f"Dokument: {summary.documents_added} nya, {summary.documents_replaced} ändrade, "
        f"{summary.documents_unchanged} oförändrade, {summary.documents_removed} borttagna",
        f"Inbäddade texter: {summary.texts_embedded} (återanvända: {summary.embeddings_reused})",
    ]
    if report.redirects:
        lines.append("Omdirigeringar:")
        lines += [f"  {a} -> {b}" for a, b in report.redirects]
    for status, label in STATUS_LABELS.items():
        rows = [r for r in report.results if r.status == status]
        if rows:
            lines.append(f"{label.capitalize()} ({len(rows)}):")
            lines += [f"  {r.url}" + (f": {r.reason}" if r.reason else "") for r in rows]
    return "\n".join(lines)
