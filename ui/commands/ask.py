"""``styrdok ask "fråga" [--json] [--llm NAME] [--k N] [--history-json FILE]``"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ui.options import settings_from_args


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("ask", parents=[common], help="ställ en fråga",
                                   description="Svarar på en fråga med källhänvisningar.")
    parser.add_argument("question", help="frågan")
    parser.add_argument("--json", action="store_true", help="skriv hela svaret som JSON")
    parser.add_argument("--llm", default=None,
                        help="extractive | openai | ollama | transformers (STYRDOK_LLM)")
    parser.add_argument("--llm-model", default=None,
                        help="modellnamn eller -fil (STYRDOK_LLM_MODEL)")
    parser.add_argument("--k", type=int, default=None, help="antal hämtade delar (STYRDOK_K)")
    parser.add_argument("--history-json", type=Path, default=None, metavar="FILE",
                        help="tidigare samtal: JSON-lista med [fråga, svar]-par")
    parser.set_defaults(run=run)


def _history(path: Path | None) -> list[tuple[str, str]]:
    from assistant.errors import StyrdokError

    if path is None:
        return []
    try:
        pairs = json.loads(path.read_text("utf-8"))
        return [(str(user), str(assistant)) for user, assistant in pairs]
    except (OSError, ValueError, TypeError) as exc:
        raise StyrdokError(
            f"kunde inte läsa samtalshistoriken {path}: ange en JSON-lista med [fråga, svar]-par"
        ) from exc


def run(args: argparse.Namespace) -> int:
    from assistant.ask import Assistant
    from assistant.citations import interpretation_note, live_link, source_label
    from assistant.serialize import answer_to_dict

    settings = settings_from_args(args, llm=args.llm, llm_model=args.llm_model, k=args.k)
    answer = Assistant.from_settings(settings).ask(args.question, _history(args.history_json))
    if args.json:
        print(json.dumps(answer_to_dict(answer), ensure_ascii=False, indent=2))
        return 0
    note = interpretation_note(answer)
    if note:
        print(f"({note})\n")
    print(answer.text)
    if answer.citations and not answer.refused:
        print("\nKällor:")
        for citation in answer.citations:
            link = live_link(citation.url, citation.page) if citation.source.startswith(
                ("http://", "https://")) else None
            print(f"[{citation.n}] {source_label(citation)}" + (f" <{link}>" if link else ""))
    return 0
