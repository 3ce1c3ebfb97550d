"""The tune/test split of a collection: made once, at random with a fixed seed, then only extended.

Thresholds and weights are chosen on ``tune`` (:func:`tune_cases`, cross-validated with
:func:`folds`); ``test`` is scored only to report. ``python -m evals.split --collection
evals/data`` writes ``split.json`` beside the cases. It keeps every existing assignment and
assigns only ids it has not seen, so adding cases never moves old ones. New ids are assigned per
stratum (single-turn or multi-turn, answerable or not): each stratum's ids are shuffled with a
generator seeded by the seed and the stratum, and enough of them go to ``test`` that the stratum
holds at least ``test_share`` test cases.

``split.json``::

    {"format": "styrdok-split/1", "seed": 20261127, "test_share": 0.4,
     "tune": ["case-id", ...], "test": ["case-id", ...]}
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import StyrdokError
from evals.collection import CollectionError, load_cases
from evals.testset import Case

SPLIT_FILE = "split.json"
FORMAT = "styrdok-split/1"
SPLITS = ("tune", "test")
DEFAULT_SEED = 20261127
DEFAULT_TEST_SHARE = 0.4
MIN_TEST_SHARE = 0.4
MAX_TEST_SHARE = 0.9
MAX_SHOWN = 10


@dataclass(frozen=True)
class Split:
    """Which cases are for tuning and which for the reported test figures."""

    seed: int
    test_share: float
    tune: frozenset[str]
    test: frozenset[str]

    def of(self, case_id: str) -> str | None:
        """``"tune"``, ``"test"`` or None for an id that is not assigned."""
        if case_id in self.tune:
            return "tune"
        if case_id in self.test:
            return "test"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "seed": self.seed, "test_share": self.test_share,
                "tune": sorted(self.tune), "test": sorted(self.test)}


def _check_share(share: float) -> float:
    if not MIN_TEST_SHARE <= share <= MAX_TEST_SHARE:
        raise CollectionError(
            f"testandelen {share:g} måste ligga mellan {MIN_TEST_SHARE:g} och {MAX_TEST_SHARE:g}"
        )
    return share


def parse_split(data: Any, path: Path) -> Split:
    """A split from decoded JSON; :class:`CollectionError` naming what is wrong."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CollectionError(f"{path} är inte en delningsfil ({FORMAT})")
    seed, share = data.get("seed"), data.get("test_share")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise CollectionError(f"{path}: 'seed' måste vara ett heltal")
    if not isinstance(share, int | float) or isinstance(share, bool):
        raise CollectionError(f"{path}: 'test_share' måste vara ett tal")
    ids: dict[str, frozenset[str]] = {}
    for name in SPLITS:
        values = data.get(name)
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise CollectionError(f"{path}: '{name}' måste vara en lista med fall-id:n")
        ids[name] = frozenset(values)
    both = sorted(ids["tune"] & ids["test"])
    if both:
        raise CollectionError(f"{path}: id:n i både tune och test: {', '.join(both[:MAX_SHOWN])}")
    try:
        _check_share(float(share))
    except CollectionError as exc:
        raise CollectionError(f"{path}: {exc}") from exc
    return Split(seed=seed, test_share=float(share), tune=ids["tune"], test=ids["test"])


def read_split(path: Path) -> Split | None:
    """The split stored at ``path``; None when there is no file yet."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise CollectionError(f"{path} är inte UTF-8") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CollectionError(f"{path} är inte giltig JSON: {exc.msg} (rad {exc.lineno})") from exc
    return parse_split(data, Path(path))


def stratum(case: Case) -> str:
    """The group a case is split within, so both splits get each kind of case."""
    turns = "multi-turn" if case.history else "single-turn"
    return f"{turns}/{'answerable' if case.answerable else 'unanswerable'}"


def assign(cases: Sequence[Case], existing: Split | None, *, seed: int = DEFAULT_SEED,
           test_share: float = DEFAULT_TEST_SHARE) -> Split:
    """``existing`` extended with every unassigned case (its own seed and share win)."""
    if existing is not None:
        seed, test_share = existing.seed, existing.test_share
    _check_share(test_share)
    tune = set(existing.tune) if existing else set()
    test = set(existing.test) if existing else set()
    groups: dict[str, list[Case]] = {}
    for case in cases:
        groups.setdefault(stratum(case), []).append(case)
    for key in sorted(groups):
        members = groups[key]
        new = sorted(c.id for c in members if c.id not in tune and c.id not in test)
        if not new:
            continue
        random.Random(f"{seed}:{key}").shuffle(new)
        in_test = sum(c.id in test for c in members)
        wanted = math.ceil(test_share * len(members)) - in_test
        take = min(max(wanted, 0), len(new))
        test.update(new[:take])
        tune.update(new[take:])
    return Split(seed=seed, test_share=test_share, tune=frozenset(tune), test=frozenset(test))


def write_split(path: Path, split: Split) -> None:
    Path(path).write_text(json.dumps(split.to_dict(), ensure_ascii=False, indent=1) + "\n",
                          encoding="utf-8")


def update_split(folder: Path, *, seed: int = DEFAULT_SEED,
                 test_share: float = DEFAULT_TEST_SHARE) -> tuple[Split, dict[str, list[str]]]:
    """Assign the collection's new cases and write ``split.json``; returns (split, new ids).

    Only the case files are read: the split does not depend on the documents.
    """
    cases, _files = load_cases(folder)
    path = Path(folder) / SPLIT_FILE
    existing = read_split(path)
    split = assign(cases, existing, seed=seed, test_share=test_share)
    before = existing or Split(seed, test_share, frozenset(), frozenset())
    added = {name: sorted(getattr(split, name) - getattr(before, name)) for name in SPLITS}
    write_split(path, split)
    return split, added


def _unassigned_error(folder: Path, ids: Iterable[str]) -> CollectionError:
    ids = sorted(ids)
    shown = ", ".join(ids[:MAX_SHOWN]) + (f" … och {len(ids) - MAX_SHOWN} till"
                                          if len(ids) > MAX_SHOWN else "")
    return CollectionError(
        f"{len(ids)} fall i {folder} saknar plats i delningen ({shown}); kör "
        f"'python -m evals.split --collection {folder}' och checka in {SPLIT_FILE}"
    )


def split_cases(
    folder: Path, cases: Sequence[Case], name: str
) -> tuple[list[Case], dict[str, str]]:
    """The cases of split ``name`` (``tune``, ``test`` or ``all``) and each case's split, from
    ``folder/split.json``. Every case must be assigned: a run never leaves out a case silently.
    """
    if name not in (*SPLITS, "all"):
        raise CollectionError(f"okänd delning {name!r} (välj tune, test eller all)")
    split = read_split(Path(folder) / SPLIT_FILE)
    if split is None:
        raise CollectionError(
            f"samlingen {folder} har ingen {SPLIT_FILE}; skapa den med "
            f"'python -m evals.split --collection {folder}'"
        )
    which = {c.id: split.of(c.id) for c in cases}
    missing = [case_id for case_id, where in which.items() if where is None]
    if missing:
        raise _unassigned_error(Path(folder), missing)
    chosen = [c for c in cases if name == "all" or which[c.id] == name]
    return chosen, {case_id: str(where) for case_id, where in which.items()}


def tune_cases(folder: Path) -> list[Case]:
    """The ``tune`` cases of a collection: the only cases a threshold may be chosen on."""
    cases, _files = load_cases(folder)
    chosen, _which = split_cases(folder, cases, "tune")
    return chosen


def folds(cases: Sequence[Case], k: int = 5, *, seed: int = DEFAULT_SEED
          ) -> list[tuple[list[Case], list[Case]]]:
    """``k`` (fit, held-out) pairs for cross-validating a choice made on ``tune`` cases.

    Each case is held out exactly once; every stratum is dealt round-robin after a seeded
    shuffle, so each fold holds its share of each kind of case.
    """
    if not 2 <= k <= len(cases):
        raise CollectionError(f"korsvalidering behöver 2–{len(cases)} delar, inte {k}")
    fold_of: dict[str, int] = {}
    groups: dict[str, list[str]] = {}
    for case in cases:
        groups.setdefault(stratum(case), []).append(case.id)
    offset = 0
    for key in sorted(groups):
        ids = sorted(groups[key])
        random.Random(f"{seed}:folds:{key}").shuffle(ids)
        for position, case_id in enumerate(ids, start=offset):
            fold_of[case_id] = position % k
        offset += len(ids)
    return [([c for c in cases if fold_of[c.id] != n], [c for c in cases if fold_of[c.id] == n])
            for n in range(k)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evals.split",
        description=(
            "Dela en samlings testfall i tune och test (befintliga id:n behåller sin plats)."
        ),
    )
    parser.add_argument("--collection", type=Path, default=Path("evals/data"), metavar="DIR",
                        help="samlingsmappen (standard: evals/data)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help="frö för en ny delning (en befintlig behåller sitt)")
    parser.add_argument("--test-share", type=float, default=DEFAULT_TEST_SHARE,
                        help="andel testfall i en ny delning (minst 0.4)")
    args = parser.parse_args(argv)
    try:
        split, added = update_split(args.collection, seed=args.seed, test_share=args.test_share)
    except StyrdokError as exc:
        print(f"evals.split: {exc}", file=sys.stderr)
        return 1
    total = len(split.tune) + len(split.test)
    print(f"{args.collection / SPLIT_FILE}: {len(split.tune)} tune, {len(split.test)} test "
          f"({len(split.test) / total:.0%} test, frö {split.seed}); nya: "
          f"{len(added['tune'])} tune, {len(added['test'])} test")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
