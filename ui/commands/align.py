"""``styrdok align PLAN [--json] [--out report.html] [--hide-declared]``"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ui.options import settings_from_args

if TYPE_CHECKING:
    from assistant.alignment import AlignmentReport
    from assistant.embeddings import Embedder
    from assistant.retrieval import Retriever
    from assistant.settings import Settings
    from assistant.types import Document


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "align",
        parents=[common],
        help="målkoppling: hur en plan kopplar till visionsmål, fokusområden och globala mål",
        description=(
            "Delar upp en plan i aktiviteter eller mål och visar för varje: kopplingarna som "
            "planen själv anger, föreslagna kopplingar med stöd i de indexerade dokumenten och "
            "flaggor. PLAN är en fil (PDF, DOCX, …) eller ett doc_id i indexet."
        ),
    )
    parser.add_argument("plan", metavar="PLAN", help="sökväg till planen eller ett doc_id")
    parser.add_argument("--json", action="store_true", help="skriv rapporten som JSON")
    parser.add_argument("--out", type=Path, metavar="FIL", help="skriv en HTML-rapport hit")
    parser.add_argument("--hide-declared", action="store_true",
                        help="blind granskning: visa inte planens egna kopplingar")
    parser.add_argument("--taxonomy", type=Path, metavar="YAML",
                        help="målkatalog (STYRDOK_TAXONOMY)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from assistant.alignment import align_document, load_taxonomy, report_to_dict
    from ui.align_report import render_report

    settings = settings_from_args(args, taxonomy=args.taxonomy)
    taxonomy = load_taxonomy(settings.taxonomy)
    document, retriever, embedder = resolve_plan(args.plan, settings)
    report = align_document(document, taxonomy, embedder, retriever,
                            hide_declared=args.hide_declared)
    if args.out:
        args.out.write_text(render_report(report), encoding="utf-8")
        print(f"Rapporten skrevs till {args.out}", file=sys.stderr)
    if args.json:
        print(json.dumps(report_to_dict(report), ensure_ascii=False, indent=2))
    elif not args.out:
        print(format_report(report))
    return 0


def resolve_plan(
    plan: str, settings: Settings
) -> tuple[Document, Retriever | None, Embedder]:
    """The plan as a `Document`, the retriever (None without an index) and the embedder."""
    from assistant.alignment import AlignError, indexed_document
    from assistant.embeddings import get_embedder
    from assistant.index import IndexStoreError
    from assistant.retrieval import Retriever
    from ingest.loaders import LoadError, load_document

    retriever = Retriever.from_settings(settings)
    try:
        records = retriever.documents()
    except IndexStoreError as exc:
        print(f"styrdok: obs: {exc} – förslagen bygger bara på målkatalogen.", file=sys.stderr)
        retriever, records = None, {}
    path = Path(plan)
    if not path.exists() and plan in records:
        source = Path(records[plan].source)
        if source.is_file():
            path = source
        else:
            assert retriever is not None
            return indexed_document(retriever, plan), retriever, retriever.embedder
    if not path.exists():
        raise AlignError(f"{plan} är varken en fil eller ett doc_id i indexet (se styrdok docs)")
    try:
        document = load_document(path)
    except LoadError as exc:
        raise AlignError(f"planen kunde inte läsas: {exc.reason}") from exc
    embedder = retriever.embedder if retriever else get_embedder(settings.embedder)
    return document, retriever, embedder


def format_report(report: AlignmentReport) -> str:
    names = {g.id: g.label for g in report.taxonomy.goals}
    lines = [f"Målkoppling: {report.title} ({report.doc_id})", ""]
    for item in report.activities:
        a = item.activity
        lines.append(f"{a.key}. {a.title}" + (f" (s. {a.page})" if a.page else ""))
        if not report.declared_hidden:
            for d in a.declarations:
                lines.append(f"  Anger {d.label.lower()}: {d.raw}")
        for kind in report.taxonomy.kinds:
            top = item.ranked(kind.id)[:2]
            shown = ", ".join(f"{names[s.goal_id]} ({s.score:.2f})" for s in top)
            lines.append(f"  Förslag {kind.plural.lower()}: {shown}")
        for flag in item.flags:
            lines.append(f"  ! {flag.message}")
        lines.append("")
    hits, total = report.top1_agreement()
    if total:
        lines.append(f"Högst rankade visionsmål = angivet visionsmål: {hits} av {total}.")
    return "\n".join(lines)
