"""The ``styrdok`` command: parse flags, build settings, call one function, print.

Each subcommand lives in its own module that exposes ``register(subparsers, common)`` and keeps
heavy imports inside the function that runs it, so ``styrdok --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from assistant.errors import StyrdokError
from assistant.settings import SettingsError
from ui.options import common_parser

COMMANDS: dict[str, str] = {
    "ingest": "ui.commands.ingest",
    "search": "ui.commands.search",
    "docs": "ui.commands.docs",
    "remove": "ui.commands.docs",
    "config": "ui.commands.config",
    "align": "ui.commands.align",
    "ask": "ui.commands.ask",
    "ui": "ui.commands.ui",
    "eval": "ui.commands.eval",
    "bench": "ui.commands.bench",
    "sync": "ui.commands.sync",
    "reliability": "ui.commands.reliability",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="styrdok",
        description="styrdok – frågor och svar om kommunens styrdokument, med källor.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="KOMMANDO", required=True)
    common = common_parser()
    for module_name in dict.fromkeys(COMMANDS.values()):
        importlib.import_module(module_name).register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except SettingsError as exc:
        print(f"styrdok: fel inställning: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nstyrdok: avbrutet.", file=sys.stderr)
        return 130
    except StyrdokError as exc:
        print(f"styrdok: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
