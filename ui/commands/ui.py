"""``styrdok ui [--host 127.0.0.1] [--port 7860]``: serve the web app with uvicorn."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ui.options import settings_from_args

if TYPE_CHECKING:
    from assistant.settings import Settings


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "ui",
        parents=[common],
        help="starta webbgränssnittet",
        description="Startar webbappen (chatt, källor, personalflik och HTTP-API).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="adress att lyssna på")
    parser.add_argument("--port", type=int, default=7860, help="port att lyssna på")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from ui.app import create_app

    settings = settings_from_args(args)
    ready = _index_ready(settings)
    app = create_app(settings, warm_up=ready)
    print(f"styrdok: webbgränssnittet finns på http://{args.host}:{args.port}/", flush=True)
    # X-Forwarded-For/-Proto are believed only from these: limits apply per real client, and
    # the staff cookie is marked Secure when the proxy terminates TLS.
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning",
                proxy_headers=True, forwarded_allow_ips=settings.trusted_proxies)
    return 0


def _index_ready(settings: Settings) -> bool:
    """Whether there is an index to warm up; if not, say in one line how to build it."""
    from assistant.errors import StyrdokError
    from assistant.index import Index

    try:
        index = Index.open(settings.resolved_index_dir, settings.chroma_url, settings.collection)
        if index.exists():
            return True
        where = settings.chroma_url or settings.resolved_index_dir
        problem = (f"det finns inget dokumentindex i {where} ännu. Bygg det med "
                   "`styrdok ingest corpus/` (samma --index/--chroma-url);")
    except StyrdokError as exc:
        problem = f"{str(exc).rstrip('.')};"
    print(f"styrdok: {problem} webbgränssnittet startar ändå och svarar när indexet finns.",
          file=sys.stderr, flush=True)
    return False
