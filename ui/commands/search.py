"""``styrdok search "fråga" [--k N] [--mode hybrid|dense|lexical] [--json]``"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from ui.options import settings_from_args

if TYPE_CHECKING:
    from assistant.types import Hit


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "search",
        parents=[common],
        help="sök i indexet",
        description="Visar de bästa träffarna för en fråga.",
    )
    parser.add_argument("query", help="frågan")
    parser.add_argument("--k", type=int, default=None, help="antal träffar (STYRDOK_K)")
    parser.add_argument(
        "--mode",
        choices=["hybrid", "dense", "lexical"],
        default=None,
        help="sökläge (STYRDOK_RETRIEVAL)",
    )
    parser.add_argument(
        "--per-doc",
        type=int,
        default=None,
        help="högst så många träffar per dokument, 0 = ingen gräns",
    )
    parser.add_argument("--json", action="store_true", help="skriv träffarna som JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from assistant.retrieval import Retriever

    settings = settings_from_args(args, k=args.k, retrieval=args.mode, per_doc=args.per_doc)
    hits = Retriever.from_settings(settings).search(args.query)
    if args.json:
        print(json.dumps([hit_to_dict(h) for h in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print("Inga träffar.")
    for rank, hit in enumerate(hits, start=1):
        chunk = hit.chunk
        where = " > ".join(filter(None, [chunk.title, chunk.heading]))
        page = f", s. {chunk.page}" if chunk.page else ""
        print(f"{rank}. [{chunk.doc_id}] {where}{page}  (poäng {hit.score:.4f})")
        print("   " + chunk.text.replace("\n", "\n   ")[:400])
    return 0


def hit_to_dict(hit: Hit) -> dict[str, object]:
    chunk = hit.chunk
    return {
        "doc_id": chunk.doc_id,
        "chunk_id": chunk.chunk_id,
        "title": chunk.title,
        "heading_path": list(chunk.heading_path),
        "page": chunk.page,
        "score": hit.score,
        "dense_score": hit.dense_score,
        "lexical_score": hit.lexical_score,
        "text": chunk.text,
    }
