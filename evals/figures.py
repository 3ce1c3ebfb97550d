"""Metric values as readers see them, and the comparison tables both reports show: the
assistant beside the plain-RAG baseline, and the tune split beside the test split."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evals.baseline import COMPARED, PLAIN_RAG_LABEL
from evals.metrics import METRICS, METRICS_BY_KEY


def fmt(key: str, value: Any) -> str:
    if value is None:
        return "–"
    unit = METRICS_BY_KEY[key].unit if key in METRICS_BY_KEY else "count"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "words":
        return f"{value:.0f} ord"
    if unit == "count":
        return f"{value:g}"
    return f"{value:.1%}"


def fmt_delta(key: str, value: Any) -> str:
    """A difference with its unit and ▲ (better) or ▼ (worse)."""
    if value is None:
        return "–"
    metric = METRICS_BY_KEY.get(key)
    unit = metric.unit if metric else "count"
    if unit == "ratio":
        shown = f"{value * 100:+.1f} %-enheter"
    elif unit == "ms":
        shown = f"{value:+.0f} ms"
    elif unit == "words":
        shown = f"{value:+.0f} ord"
    else:
        shown = f"{value:+g}"
    if abs(value) < 1e-9 or metric is None:
        return shown
    return shown + (" ▲" if (value > 0) == metric.higher_is_better else " ▼")


def comparison_rows(summary: Mapping[str, Any]) -> list[tuple[str, str, str, str]]:
    """(label, assistant, plain RAG, difference) for every compared metric with a value."""
    plain = summary.get("plain_rag")
    if not plain:
        return []
    rows = []
    for key in COMPARED:
        mine, theirs = summary["overall"].get(key), plain["overall"].get(key)
        if mine is None and theirs is None:
            continue
        rows.append((METRICS_BY_KEY[key].label, fmt(key, mine), fmt(key, theirs),
                     fmt_delta(key, plain["difference"].get(key))))
    return rows


def regression_note(summary: Mapping[str, Any]) -> str | None:
    """The regression sentence (None without a baseline)."""
    plain = summary.get("plain_rag")
    if not plain:
        return None
    if plain["regressions"]:
        names = ", ".join(METRICS_BY_KEY[k].label.lower() for k in plain["regressions"])
        return f"Regression: assistenten ligger under {PLAIN_RAG_LABEL} på {names}."
    return f"Assistenten ligger inte under {PLAIN_RAG_LABEL} på fakta."


def split_rows(summary: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the per-split table (tune beside test), empty without splits.

    The baseline's columns show only the answer metrics: its ranking is a single chunk.
    """
    per_split = summary.get("per_split") or {}
    if not per_split:
        return [], []
    columns = [(name, who) for who in ("assistant", "plain_rag") for name in per_split
               if who in per_split[name]]
    header = ["Mått"] + [name + ("" if who == "assistant" else ", plain RAG")
                         for name, who in columns]
    rows = [["Fall"] + [f"{per_split[name][who]['cases']}" for name, who in columns]]
    for metric in METRICS:
        values = [per_split[name][who].get(metric.key)
                  if who == "assistant" or metric.key in COMPARED else None
                  for name, who in columns]
        if all(v is None for v in values):
            continue
        rows.append([metric.label] + [fmt(metric.key, v) for v in values])
    return header, rows


MODE_METRICS = ("hit@1", "hit@5", "mrr@10", "ndcg@10")


def mode_rows(summary: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the search-mode table (``styrdok eval --compare-modes``): hybrid,
    dense and lexical retrieval side by side, per split when there are splits; the configured
    mode is marked "(vald)". Empty when the modes were not compared."""
    groups = summary.get("retrieval_modes") or {}
    if not groups:
        return [], []
    chosen = (summary.get("settings") or {}).get("retrieval")
    columns = [(group, mode) for group in groups for mode in groups[group]]
    header = ["Mått"] + [
        mode + (" (vald)" if mode == chosen else "") + ("" if len(groups) == 1 else f", {group}")
        for group, mode in columns
    ]
    rows = [["Besvarbara fall"] + [f"{groups[g][m]['cases']}" for g, m in columns]]
    rows += [[METRICS_BY_KEY[key].label] + [fmt(key, groups[g][m].get(key)) for g, m in columns]
             for key in MODE_METRICS]
    return header, rows
