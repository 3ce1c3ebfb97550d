"""``styrdok ui [--host 127.0.0.1] [--port 7860]``: serve the web app with uvicorn."""

from __future__ import annotations

import argparse

from ui.options import settings_from_args


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
    app = create_app(settings, warm_up=True)
    print(f"styrdok: webbgränssnittet finns på http://{args.host}:{args.port}/", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
