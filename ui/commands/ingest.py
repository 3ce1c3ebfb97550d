"""``styrdok ingest PATH... [--prune] [--rebuild]``"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
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
            "Läser in PDF, DOCX, HTML, Markdown och text. Oförändrade filer hoppas över. "
            "En fil som försvunnit ur en inläst mapp tas bort ur indexet; med --prune tas "
            "alla dokument bort vars fil inte finns bland argumenten."
        ),
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="filer eller mappar")
    parser.add_argument(
        "--prune", action="store_true", help="ta bort dokument som inte finns bland PATH"
    )
    parser.add_argument("--rebuild", action="store_true", help="bygg om indexet från början")
    parser.add_argument("--json", action="store_true", help="skriv sammanfattningen som JSON")
    parser.add_argument("--quiet", action="store_true", help="ingen förloppsindikator")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ingest.pipeline import ingest_paths

    settings = settings_from_args(args)
    bar = _ProgressBar(enabled=not args.quiet and sys.stderr.isatty())
    try:
        summary = ingest_paths(
            args.paths, settings, prune=args.prune, rebuild=args.rebuild, progress=bar
        )
    except KeyboardInterrupt:
        bar.close()
        print(
            "\nAvbrutet. Dokument som hann bli klara finns i indexet; övriga har kvar sin "
            "tidigare version. Kör samma kommando igen för att slutföra.",
            file=sys.stderr,
        )
        return 130
    bar.close()
    if args.json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_summary(summary))
    return 0 if summary.ok else 1


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


class _ProgressBar:
    """tqdm bars for the file and embedding stages, created on first use."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bars: dict[str, object] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None:
            label = "Filer" if stage == "files" else "Inbäddning"
            bar = tqdm(total=total, desc=label, unit="st", leave=stage == "files", file=sys.stderr)
            self._bars[stage] = bar
        bar.total = total
        bar.n = done
        bar.refresh()
        if stage == "embed" and done >= total:
            bar.close()
            del self._bars[stage]

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()
