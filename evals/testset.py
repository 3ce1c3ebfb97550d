"""The test-set format: one JSON object per line, validated with line numbers.

A case::

    {"id": "dev-001", "question": "...", "persona": "resident", "answerable": true,
     "reference_answer": "...", "must_include": [["35 000", "35000"], ["2035"]],
     "must_not_include": [], "reference_doc_ids": ["vision-2035"], "tags": ["vision"]}

``must_include`` is a list of groups; a group is satisfied when the answer contains any one of
its alternatives (case- and whitespace-insensitive). A multi-turn case adds ``history``: the
earlier user turns, in order; the runner asks them first and then ``question``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import StyrdokError

PERSONAS = ("resident", "staff", "evaluator")
REQUIRED = ("id", "question", "answerable")
KNOWN = (
    "id", "question", "persona", "answerable", "reference_answer", "must_include",
    "must_not_include", "reference_doc_ids", "tags", "history",
)
MAX_REPORTED = 20
MAX_HISTORY_TURNS = 10
MAX_TURN_CHARS = 2000


class TestsetError(StyrdokError):
    """The test-set file cannot be used; the message lists each bad line and why."""

    __test__ = False  # not a pytest test class

    def __init__(self, path: Path, problems: list[tuple[int, str]]) -> None:
        self.path = path
        self.problems = problems
        shown = [f"  rad {line}: {reason}" for line, reason in problems[:MAX_REPORTED]]
        if len(problems) > MAX_REPORTED:
            shown.append(f"  … och {len(problems) - MAX_REPORTED} fel till")
        super().__init__(
            f"testmängden {path} har fel – rätta dem innan körningen kan starta:\n"
            + "\n".join(shown)
        )


@dataclass(frozen=True)
class Case:
    """One evaluation case."""

    __test__ = False

    id: str
    question: str
    answerable: bool
    persona: str = "resident"
    reference_answer: str = ""
    must_include: tuple[tuple[str, ...], ...] = ()
    must_not_include: tuple[str, ...] = ()
    reference_doc_ids: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    line: int = 0


def _string_list(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(s, str) and s.strip() for s in value):
        raise ValueError(f"'{name}' måste vara en lista med icke-tomma strängar")
    return tuple(value)


def _history(value: Any) -> tuple[str, ...]:
    """The earlier user turns: a bounded list of non-empty strings of bounded length."""
    turns = _string_list(value, "history")
    if len(turns) > MAX_HISTORY_TURNS:
        raise ValueError(
            f"'history' har {len(turns)} tidigare frågor; högst {MAX_HISTORY_TURNS} tillåts"
        )
    for number, turn in enumerate(turns, start=1):
        if len(turn) > MAX_TURN_CHARS:
            raise ValueError(
                f"'history' fråga {number} är för lång ({len(turn)} tecken, högst "
                f"{MAX_TURN_CHARS})"
            )
    return turns


def parse_case(data: Any, line: int = 0) -> Case:
    """One case from a decoded JSON value; ``ValueError`` (Swedish reason) if it is malformed."""
    if not isinstance(data, dict):
        raise ValueError("raden är inte ett JSON-objekt")
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise ValueError(f"fält saknas: {', '.join(missing)}")
    unknown = [key for key in data if key not in KNOWN]
    if unknown:
        raise ValueError(f"okänt fält: {', '.join(unknown)} (tillåtna: {', '.join(KNOWN)})")
    for key in ("id", "question"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise ValueError(f"'{key}' måste vara en icke-tom sträng")
    if not isinstance(data["answerable"], bool):
        raise ValueError("'answerable' måste vara true eller false")
    persona = data.get("persona", "resident")
    if persona not in PERSONAS:
        raise ValueError(f"'persona' måste vara en av {', '.join(PERSONAS)} (inte {persona!r})")
    reference_answer = data.get("reference_answer", "")
    if not isinstance(reference_answer, str):
        raise ValueError("'reference_answer' måste vara en sträng")
    groups_raw = data.get("must_include", [])
    if not isinstance(groups_raw, list):
        raise ValueError("'must_include' måste vara en lista med grupper (listor av strängar)")
    groups = []
    for number, group in enumerate(groups_raw, start=1):
        if isinstance(group, str):
            raise ValueError(
                f"'must_include' grupp {number} är en sträng; skriv den som en lista: [{group!r}]"
            )
        if not group:
            raise ValueError(f"'must_include' grupp {number} är tom")
        groups.append(_string_list(group, f"must_include grupp {number}"))
    doc_ids = _string_list(data.get("reference_doc_ids", []), "reference_doc_ids")
    if data["answerable"] and not doc_ids:
        raise ValueError("ett besvarbart fall behöver minst ett 'reference_doc_ids'")
    return Case(
        id=data["id"].strip(),
        question=data["question"],
        answerable=data["answerable"],
        persona=persona,
        reference_answer=reference_answer,
        must_include=tuple(groups),
        must_not_include=_string_list(data.get("must_not_include", []), "must_not_include"),
        reference_doc_ids=doc_ids,
        tags=_string_list(data.get("tags", []), "tags"),
        history=_history(data.get("history", [])),
        line=line,
    )


def parse_testset(text: str, path: Path = Path("<testset>")) -> list[Case]:
    """All cases in ``text``; raises :class:`TestsetError` listing every malformed line."""
    cases: list[Case] = []
    problems: list[tuple[int, str]] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            case = parse_case(json.loads(raw), number)
        except json.JSONDecodeError as exc:
            problems.append((number, f"ogiltig JSON: {exc.msg} (tecken {exc.colno})"))
            continue
        except ValueError as exc:
            problems.append((number, str(exc)))
            continue
        if case.id in first_line:
            problems.append((number, f"id {case.id!r} finns redan på rad {first_line[case.id]}"))
            continue
        first_line[case.id] = number
        cases.append(case)
    if not cases and not problems:
        problems.append((1, "filen innehåller inga testfall"))
    if problems:
        raise TestsetError(path, problems)
    return cases


def load_testset(path: Path) -> list[Case]:
    """Read and validate a JSONL test set."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise TestsetError(path, [(0, "filen finns inte")]) from exc
    except UnicodeDecodeError as exc:
        raise TestsetError(path, [(0, f"filen är inte UTF-8 ({exc.reason})")]) from exc
    return parse_testset(text, path)


def case_to_dict(case: Case) -> dict[str, Any]:
    """The case in the JSONL format (inverse of :func:`parse_case`)."""
    data: dict[str, Any] = {
        "id": case.id,
        "question": case.question,
        "persona": case.persona,
        "answerable": case.answerable,
        "reference_answer": case.reference_answer,
        "must_include": [list(g) for g in case.must_include],
        "must_not_include": list(case.must_not_include),
        "reference_doc_ids": list(case.reference_doc_ids),
        "tags": list(case.tags),
    }
    if case.history:
        data["history"] = list(case.history)
    return data
