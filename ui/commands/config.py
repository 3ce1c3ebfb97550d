"""``styrdok config`` shows the effective settings; ``--markdown`` prints the reference table."""

from __future__ import annotations

import argparse
import dataclasses

from ui.options import settings_from_args


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("config", parents=[common], help="visa inställningarna")
    parser.add_argument(
        "--markdown", action="store_true", help="skriv referenstabellen över alla inställningar"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from assistant.settings import settings_markdown

    if args.markdown:
        print(settings_markdown(), end="")
        return 0
    settings = settings_from_args(args)
    for field in dataclasses.fields(settings):
        value = getattr(settings, field.name)
        if field.name in {"llm_api_key", "admin_password"} and value:
            value = "***"
        print(f"{field.name} = {value}")
    print(f"(index: {settings.resolved_index_dir})")
    return 0
