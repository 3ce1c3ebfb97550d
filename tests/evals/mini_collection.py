"""A small evaluation collection written by a test: two municipalities whose figures collide.

The ``make_collection`` fixture (tests/evals/conftest.py) writes it under ``tmp_path``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

DOCS = {
    "norrvik-vision.md": ("Norrvik kommun", "Norrviks vision 2040", """
## Visionen

Norrvik kommun vill växa till 20 000 invånare år 2040. Visionen antogs av
kommunfullmäktige den 12 juni 2023.

## Skattesats

Skattesatsen i Norrvik är 21,45 kronor år 2026.
"""),
    "asbacka-vision.md": ("Åsbacka kommun", "Åsbackas vision 2035", """
## Visionen

Åsbacka kommun vill växa till 12 500 invånare år 2035. Visionen antogs av
kommunfullmäktige den 3 mars 2021.

## Fokusområden

Kommunen har tre fokusområden: trygg uppväxt, hållbar natur och starkt näringsliv.
"""),
}


def case(case_id: str, question: str, *, answerable: bool = True,
         must: Sequence[Sequence[str]] = (), refs: Sequence[str] = (),
         history: Sequence[str] = (), tags: Sequence[str] = ()) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": case_id, "question": question, "answerable": answerable,
        "must_include": [list(g) for g in must], "reference_doc_ids": list(refs),
        "tags": list(tags),
    }
    if history:
        data["history"] = list(history)
    return data


CASES = [
    case("c-01", "Hur många invånare vill Norrvik kommun ha år 2040?", must=[["20 000"]],
         refs=["norrvik-vision"]),
    case("c-02", "Vilken skattesats har Norrvik?", must=[["21,45"]], refs=["norrvik-vision"]),
    case("c-03", "Vilka fokusområden har Åsbacka kommun?", must=[["trygg uppväxt"]],
         refs=["asbacka-vision"]),
    case("c-04", "När antogs Åsbackas vision?", must=[["3 mars 2021"]],
         refs=["asbacka-vision"]),
    case("c-05", "Vilken skattesats har Åsbacka?", answerable=False),
    case("c-06", "När antogs den?", must=[["12 juni 2023"]], refs=["norrvik-vision"],
         history=["Vad är Norrviks vision?"]),
    case("c-07", "Vem är kommunstyrelsens ordförande i Tallmo?", answerable=False),
    case("c-08", "Vilket år ska Åsbacka ha 12 500 invånare?", must=[["2035"]],
         refs=["asbacka-vision"]),
]

MakeCollection = Callable[..., Path]


def write_cases(path: Path, cases: Sequence[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases),
                    encoding="utf-8")
    return path
