"""``styrdok ingest PATH|URL... [--prune] [--rebuild] [--crawl ...]``"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from ui.options import settings_from_args

if TYPE_CHECKING:
    from ingest.pipeline import IngestSummary


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "ingest",
        parents=[common],
        help="läs in dokument i indexet",
        description=(
            "Läser in PDF, DOCX, HTML, Markdown och text, från filer eller webbadresser. "
            "Oförändrade filer hoppas över. En fil som försvunnit ur en inläst mapp tas bort "
            "ur indexet; med --prune tas alla dokument bort vars fil inte finns bland "
            "argumenten (webbsidor påverkas inte). En webbadress hämtas som den är; med "
            "--crawl läses hela webbplatsavsnittet under adressen."
        ),
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH|URL", help="filer, mappar eller http(s)-adresser"
    )
    parser.add_argument(
        "--prune", action="store_true", help="ta bort dokument som inte finns bland PATH"
    )
    parser.add_argument("--rebuild", action="store_true", help="bygg om indexet från början")
    parser.add_argument("--json", action="store_true", help="skriv sammanfattningen som JSON")
    parser.add_argument("--quiet", action="store_true", help="ingen förloppsindikator")
    parser.add_argument(
        "--device", metavar="ENHET",
        help="där en st:-modell räknar: cpu, cuda, cuda:N eller mps (STYRDOK_DEVICE)",
    )
    parser.add_argument(
        "--embed-batch-size", type=int, metavar="N",
        help="texter per inbäddningsomgång, t.ex. 256 på ett grafikkort "
        "(STYRDOK_EMBED_BATCH_SIZE)",
    )
    add_crawl_flags(parser)
    parser.set_defaults(run=run)


def add_crawl_flags(parser: argparse.ArgumentParser) -> None:
    from ui.commands.sync import add_web_flags

    add_web_flags(parser)
    group = parser.add_argument_group("genomsökning (--crawl)")
    group.add_argument(
        "--crawl", action="store_true", help="följ länkar och webbplatskarta under adressen"
    )
    group.add_argument("--max-pages", type=int, default=100, metavar="N", help="högst N sidor")
    group.add_argument(
        "--max-depth", type=int, default=3, metavar="N", help="högst N länkar från startsidan"
    )
    group.add_argument(
        "--include", action="append", default=[], metavar="MÖNSTER",
        help='hämta bara adresser som matchar, t.ex. "*/styrdokument/*" (kan upprepas)',
    )
    group.add_argument(
        "--exclude", action="append", default=[], metavar="MÖNSTER",
        help='hoppa över adresser som matchar, t.ex. "*/nyheter/*" (kan upprepas)',
    )
    group.add_argument(
        "--delay", type=float, metavar="S",
        help="sekunder mellan förfrågningar till samma webbplats, minst (STYRDOK_WEB_DELAY)",
    )


def is_url(arg: str) -> bool:
    """Anything with a scheme (``https://``, ``file:``) is a URL, not a path."""
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", arg) is not None and not Path(arg).exists()


def run(args: argparse.Namespace) -> int:
    urls = [arg for arg in args.paths if is_url(arg)]
    paths = [Path(arg) for arg in args.paths if not is_url(arg)]
    if urls and paths and args.json:
        print("styrdok: med --json går det inte att blanda filer och webbadresser i samma "
              "körning; kör dem var för sig", file=sys.stderr)
        return 2
    status = run_paths(args, paths) if paths or not urls else 0
    if urls:
        status = max(status, run_urls(args, urls))
    return status


def run_urls(args: argparse.Namespace, urls: list[str]) -> int:
    from ingest.web.crawl import CrawlOptions
    from ingest.web.sources import Source
    from ingest.web.sync import sync_web
    from ui.commands.sync import print_event, print_report

    settings = settings_from_args(
        args, web_allow_private=args.allow_private, web_timeout=args.timeout, web_delay=args.delay
    )
    options = CrawlOptions(
        crawl=args.crawl,
        max_pages=args.max_pages,
        max_depth=args.max_depth,
        include=tuple(args.include),
        exclude=tuple(args.exclude),
    )
    report = sync_web(
        [Source(url, options) for url in urls],
        settings,
        delay=settings.web_delay,
        on_event=None if args.quiet or args.json else print_event,
        save_snapshot=True,
    )
    print_report(report, as_json=args.json)
    return 0 if report.ok else 1


def run_paths(args: argparse.Namespace, paths: list[Path]) -> int:
    from ingest.pipeline import IngestInterrupted, ingest_paths
    from ui.ingest_progress import IngestProgress

    settings = settings_from_args(
        args, device=args.device, embed_batch_size=args.embed_batch_size
    )
    bar = None if args.quiet else IngestProgress(sys.stderr)
    try:
        with _sigterm_as_interrupt():
            summary = ingest_paths(
                paths, settings, prune=args.prune, rebuild=args.rebuild, progress=bar,
                save_snapshot=True,
            )
    except IngestInterrupted as stop:
        if bar:
            bar.close()
        print(interrupted_message(stop.summary), file=sys.stderr)
        return 130
    if bar:
        bar.close()
    if args.json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_summary(summary))
    return 0 if summary.ok else 1


def interrupted_message(summary: IngestSummary) -> str:
    finished = summary.documents_added + summary.documents_replaced
    return (
        f"\nAvbrutet. {finished} dokument hann läsas in i den här körningen och finns i "
        f"indexet ({summary.documents_unchanged} var redan klara). Övriga har kvar sin "
        "tidigare version. Kör samma kommando igen för att fortsätta; klara dokument läses "
        "inte in igen."
    )


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``, a service manager stopping us) ends the run like Ctrl-C."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def format_summary(summary: IngestSummary) -> str:
    lines = [
        f"Filer lästa: {summary.files_read}",
        f"Dokument: {summary.documents_added} nya, {summary.documents_replaced} ändrade, "
        f"{summary.documents_unchanged} oförändrade, {summary.documents_removed} borttagna",
        f"Delar (chunks): {summary.chunks_added} tillagda, {summary.chunks_replaced} ersatta, "
        f"{summary.chunks_removed} borttagna, {summary.chunks_unchanged} oförändrade",
        f"Inbäddade texter: {summary.texts_embedded} (återanvända: {summary.embeddings_reused})",
        f"Tid: {summary.elapsed_s:.1f} s (varav inbäddning {summary.embed_s:.1f} s)",
    ]
    if summary.orphans_removed:
        lines.append(f"Rester från en avbruten körning städades bort: {summary.orphans_removed}")
    if summary.skipped:
        lines.append(f"Hoppade över {len(summary.skipped)} fil(er):")
        lines += [f"  {path}: {reason}" for path, reason in summary.skipped]
    return "\n".join(lines)
