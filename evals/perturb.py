"""Perturbed variants of a collection's cases: how well the answers hold when a question is
typed the way residents type it, not the way the case was written.

A case that passes only as written shows a rule fitted to its wording. Each variant keeps the
case's facts, documents and answerability, and changes only how the question is typed:

* ``typos``: one or two slips (a letter dropped, doubled, changed, or two swapped) in words of
  six letters or more that are not names;
* ``folded``: typed on a keyboard without å, ä and ö ("Vilka mal har namnden?");
* ``lower``: all lower case, without the closing question mark;
* ``preamble``: a sentence about the asker before the question (no names in it).

Only single-turn Swedish cases get variants (a follow-up's wording is tied to its history; an
English question has no å, ä or ö to lose). The variants are a test set of their own, with
ids ``<case id>~<kind>`` and the tag ``perturbed:<kind>``; run it beside its split::

    python -m evals.perturb --collection evals/data --split tune --out /tmp/tune-perturbed.jsonl
    styrdok eval --testset /tmp/tune-perturbed.jsonl --corpus tests/fixtures/corpus corpus \\
        evals/data/corpus --out /tmp/perturbed

Variants of ``tune`` cases may guide a rule as ``tune`` does; variants of ``test`` cases are
for reporting only. The slips are drawn from a seeded generator, so a run is repeatable.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from evals.testset import Case

KINDS = ("typos", "folded", "lower", "preamble")
DEFAULT_SEED = 20261207
MIN_SLIP_WORD = 6  # letters; a slip in a shorter word often spells another real word
_FOLD = str.maketrans("åäöÅÄÖ", "aaoAAO")
_SLIP_WORD = re.compile(rf"\b[a-zåäö][^\W\d_]{{{MIN_SLIP_WORD - 1},}}\b")
_NEAR_LETTERS = "aeiouylnrstk"
#: What residents write about themselves before they ask (invented; no place or person names).
PREAMBLES = (
    "Hej! Jag har bott här i snart tio år och försöker förstå hur kommunen fungerar.",
    "Hej, jag är ny på jobbet och min chef bad mig kolla upp en sak.",
    "Vi diskuterade det här på fikat i dag och ingen visste svaret.",
    "Jag pluggar samhällskunskap och skriver en uppgift om kommunal styrning.",
    "Tack för en bra tjänst! En fråga bara.",
    "Jag är pensionär och läser lokaltidningen varje morgon, men där stod inget om det.",
)


def _slip(word: str, rng: random.Random) -> str:
    """``word`` with one slip of the hand, never in its first letter."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "swap", "double", "change"))
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    others = [c for c in _NEAR_LETTERS if c != word[i]]
    return word[:i] + rng.choice(others) + word[i + 1:]


def with_typos(question: str, rng: random.Random) -> str:
    """``question`` with a slip in one or two of its longer lower-case words; unchanged when
    it has none."""
    found = list(_SLIP_WORD.finditer(question))
    if not found:
        return question
    chosen = rng.sample(found, min(len(found), rng.choice((1, 2))))
    for match in sorted(chosen, key=lambda m: -m.start()):
        question = question[: match.start()] + _slip(match.group(0), rng) + question[match.end():]
    return question


def variant(question: str, kind: str, rng: random.Random) -> str:
    """``question`` typed the ``kind`` way (see the module docstring)."""
    if kind == "typos":
        return with_typos(question, rng)
    if kind == "folded":
        return question.translate(_FOLD)
    if kind == "lower":
        return question.lower().rstrip(" ?!.")
    if kind == "preamble":
        return f"{rng.choice(PREAMBLES)} {question}"
    raise ValueError(f"okänd variant {kind!r} (välj {', '.join(KINDS)})")


def perturbed_cases(cases: Iterable[Case], kinds: Sequence[str] = KINDS,
                    seed: int = DEFAULT_SEED) -> list[Case]:
    """The variants of ``cases`` (single-turn Swedish ones) of each of ``kinds``; a variant
    that would read as the case does is left out."""
    from assistant.language import language

    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"okänd variant {unknown[0]!r} (välj {', '.join(KINDS)})")
    rng = random.Random(seed)
    out: list[Case] = []
    for case in cases:
        if case.history or language(case.question) != "sv":
            continue
        for kind in kinds:
            question = variant(case.question, kind, rng)
            if question != case.question:
                out.append(replace(case, id=f"{case.id}~{kind}", question=question,
                                   tags=(*case.tags, f"perturbed:{kind}")))
    return out


def case_record(case: Case) -> dict[str, object]:
    """``case`` as a line of a test-set file (see docs/evals.md)."""
    record: dict[str, object] = {
        "id": case.id, "question": case.question, "answerable": case.answerable,
        "persona": case.persona, "reference_answer": case.reference_answer,
        "must_include": [list(group) for group in case.must_include],
        "must_not_include": list(case.must_not_include),
        "reference_doc_ids": list(case.reference_doc_ids), "tags": list(case.tags),
    }
    return record


def main(argv: Sequence[str] | None = None) -> int:
    from evals.collection import load_cases
    from evals.split import split_cases

    parser = argparse.ArgumentParser(
        prog="python -m evals.perturb",
        description="Skriver varianter av en samlings testfall (stavfel, utan å/ä/ö, gemener, "
                    "inledning) som en egen testmängd i JSONL-format.")
    parser.add_argument("--collection", type=Path, required=True, metavar="DIR")
    parser.add_argument("--split", choices=["tune", "test", "all"], default="tune")
    parser.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, required=True, metavar="FILE")
    args = parser.parse_args(argv)
    cases, _files = load_cases(args.collection)
    chosen, _which = split_cases(args.collection, cases, args.split)
    variants = perturbed_cases(chosen, args.kinds, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        for case in variants:
            handle.write(json.dumps(case_record(case), ensure_ascii=False) + "\n")
    print(f"{len(variants)} varianter av {len(chosen)} fall ({args.split}) -> {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
