"""``styrdok docs`` lists the indexed documents; ``styrdok remove DOC_ID`` removes one."""

from __future__ import annotations

import argparse
import json

from ui.options import settings_from_args


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    listing = subparsers.add_parser("docs", parents=[common], help="lista indexerade dokument")
    listing.add_argument("--json", action="store_true", help="skriv listan som JSON")
    listing.set_defaults(run=run_docs)
    remove = subparsers.add_parser("remove", parents=[common], help="ta bort ett dokument")
    remove.add_argument("doc_ids", nargs="+", metavar="DOC_ID")
    remove.set_defaults(run=run_remove)


def run_docs(args: argparse.Namespace) -> int:
    from assistant.index import Index

    settings = settings_from_args(args)
    index = Index.open(settings.resolved_index_dir, settings.chroma_url, settings.collection)
    records = index.documents()
    if args.json:
        rows = [
            {
                **r.to_metadata(),
                "valid_from": r.valid_from and r.valid_from.isoformat(),
                "valid_to": r.valid_to and r.valid_to.isoformat(),
            }
            for r in records.values()
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not records:
        print("Indexet är tomt.")
    for record in records.values():
        validity = ""
        if record.valid_from or record.valid_to:
            validity = f"  giltigt {record.valid_from or '…'}–{record.valid_to or '…'}"
        print(f"{record.doc_id}: {record.title} ({record.kind}, {record.n_chunks} delar){validity}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from assistant.index import Index

    settings = settings_from_args(args)
    index = Index.open(settings.resolved_index_dir, settings.chroma_url, settings.collection)
    known = index.documents()
    status = 0
    for doc_id in args.doc_ids:
        if doc_id not in known:
            print(f"styrdok: inget dokument med doc_id {doc_id!r} i indexet")
            status = 1
            continue
        removed = index.remove_document(doc_id)
        print(f"Tog bort {doc_id} ({removed} delar).")
    return status
