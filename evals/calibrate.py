"""Choose the refusal threshold from the evaluation set: ``python -m evals.calibrate``.

Builds (or reuses) an index of ``tests/fixtures/corpus`` + ``corpus/``, measures the evidence
(:func:`assistant.refusal.measure_evidence`) of every case in ``evals/data/cases/shared.jsonl``,
prints it for answerable vs unanswerable cases, and the threshold that classifies the most cases
correctly (ties: the midpoint of the widest gap). The evidence gate comes after the focus check
(:func:`assistant.refusal.check_focus`), so only cases the focus check lets through are used;
if it already refuses every unanswerable case, the unanswerable cases scoring below every
answerable one are used instead (the gate then sits in the gap between the two). Usage::

    python -m evals.calibrate [--index DIR] [--testset FILE] [--corpus DIR ...]
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def best_threshold(
    answerable: Sequence[float], unanswerable: Sequence[float]
) -> tuple[float, float]:
    """(threshold, accuracy): refuse below the threshold; midpoints between sorted scores."""
    scores = sorted(set(answerable) | set(unanswerable))
    candidates = (
        [scores[0] - 0.01]
        + [(a + b) / 2 for a, b in itertools.pairwise(scores)]
        + [scores[-1] + 0.01]
    )
    total = len(answerable) + len(unanswerable)

    def accuracy(t: float) -> float:
        return (sum(s >= t for s in answerable) + sum(s < t for s in unanswerable)) / total

    def margin(t: float) -> float:
        return min(abs(s - t) for s in scores)

    best = max(candidates, key=lambda t: (accuracy(t), margin(t)))
    return best, accuracy(best)


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.ask import Assistant
    from assistant.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/styrdok-calibrate-index"))
    parser.add_argument(
        "--testset", type=Path, default=REPO / "evals" / "data" / "cases" / "shared.jsonl"
    )
    parser.add_argument(
        "--corpus", type=Path, nargs="+",
        default=[REPO / "tests" / "fixtures" / "corpus", REPO / "corpus"],
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env(environ={}, index_dir=args.index)
    if not (args.index / "chroma.sqlite3").exists() and not any(args.index.glob("*")):
        from ingest.pipeline import ingest_paths

        ingest_paths(args.corpus, settings)
    assistant = Assistant.from_settings(settings)
    cases = [json.loads(line) for line in args.testset.read_text("utf-8").splitlines() if line]
    groups: dict[bool, list[float]] = {True: [], False: []}
    all_unanswerable: list[float] = []
    for case in cases:
        question = case["question"]
        ev, focus = assistant.decision(question)
        if not case["answerable"]:
            all_unanswerable.append(ev.score)
        if focus.supported:  # the evidence gate only sees what the focus check let through
            groups[bool(case["answerable"])].append(ev.score)
        print(
            f"{case['id']} answerable={case['answerable']!s:5} score={ev.score:6.3f} "
            f"dense={ev.dense:.3f} coverage={ev.coverage:.2f} missing={list(ev.missing)} "
            f"focus={'ok' if focus.supported else 'REFUSED: ' + focus.missing}"
        )
    if not groups[False]:
        # The focus check caught every unanswerable case; the evidence gate still guards
        # against off-topic questions, so place it in the widest gap between the answerable
        # cases and the unanswerable ones that score below all of them.
        lowest = min(groups[True])
        groups[False] = [s for s in all_unanswerable if s < lowest]
    threshold, acc = best_threshold(groups[True], groups[False])
    print(f"answerable:   min {min(groups[True]):.3f}  scores {sorted(groups[True])[:5]} ...")
    print(f"unanswerable: scores {sorted(groups[False])} (after the focus check)")
    print(f"best threshold {threshold:.3f}  accuracy {acc:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
