"""CI gates and comparisons: ``--fail-under METRIC=VALUE`` and ``--baseline SUMMARY.json``."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import StyrdokError
from evals.metrics import METRICS, METRICS_BY_KEY, Metric


class GateError(StyrdokError):
    """A ``--fail-under`` bar or a baseline file cannot be used."""


@dataclass(frozen=True)
class Bar:
    metric: str
    value: float


def parse_bar(text: str, option: str = "--fail-under") -> Bar:
    """``hit@5=0.8`` -> Bar. Unknown metrics and non-numbers are user errors (naming ``option``)."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep:
        raise GateError(f"{option} {text!r}: skriv METRIK=VÄRDE, t.ex. pass_rate=0.8")
    if key not in METRICS_BY_KEY:
        known = ", ".join(m.key for m in METRICS)
        raise GateError(f"{option}: okänd metrik {key!r} (kända: {known})")
    try:
        value = float(raw)
    except ValueError as exc:
        raise GateError(f"{option} {text!r}: {raw!r} är inte ett tal") from exc
    if not math.isfinite(value):
        raise GateError(f"{option} {text!r}: {raw!r} är inte ett ändligt tal")
    return Bar(key, value)


def check_bars(overall: Mapping[str, Any], bars: Sequence[Bar]) -> list[str]:
    """One Swedish message per metric that misses its bar.

    For metrics where lower is better (latency, violations, false refusals) the bar is a
    ceiling: the gate fails when the value is above it.
    """
    failures = []
    for bar in bars:
        metric = METRICS_BY_KEY[bar.metric]
        value = overall.get(bar.metric)
        if value is None:
            failures.append(f"{bar.metric}: inget värde i den här körningen (gräns {bar.value:g})")
        elif metric.higher_is_better and value < bar.value:
            failures.append(f"{bar.metric} = {value:.4g} är under gränsen {bar.value:g}")
        elif not metric.higher_is_better and value > bar.value:
            failures.append(f"{bar.metric} = {value:.4g} är över gränsen {bar.value:g}")
    return failures


def check_gains(summary: Mapping[str, Any], bars: Sequence[Bar]) -> list[str]:
    """One Swedish message per metric on which the assistant is not at least ``bar.value``
    better than the plain-RAG baseline (``--min-gain``; "better" follows the metric's
    direction)."""
    plain = summary.get("plain_rag")
    failures = []
    for bar in bars:
        metric = METRICS_BY_KEY[bar.metric]
        mine = summary["overall"].get(bar.metric)
        theirs = plain["overall"].get(bar.metric) if plain else None
        if mine is None or theirs is None:
            failures.append(f"{bar.metric}: ingen jämförelse med plain RAG i den här körningen "
                            f"(krav +{bar.value:g})")
            continue
        gain = mine - theirs if metric.higher_is_better else theirs - mine
        if gain < bar.value - 1e-9:
            failures.append(f"{bar.metric}: {gain:+.4g} mot plain RAG, kravet är minst "
                            f"+{bar.value:g}")
    return failures


def load_baseline(path: Path) -> dict[str, Any]:
    """The overall metrics of an earlier run's summary.json."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise GateError(f"baslinjen {path} finns inte") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise GateError(f"baslinjen {path} är inte en giltig summary.json: {exc}") from exc
    overall = data.get("overall") if isinstance(data, dict) else None
    if not isinstance(overall, dict):
        raise GateError(f"baslinjen {path} saknar 'overall' – ange en summary.json från eval")
    return overall


def _fmt(value: Any, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit in ("count", "words"):
        return f"{value:g}"
    return f"{value:.3f}"


def _delta(value: Any, before: Any, metric: Metric) -> str:
    if value is None or before is None:
        return ""
    delta = value - before
    better = (delta > 0) == metric.higher_is_better
    mark = "" if abs(delta) < 1e-9 else (" ▲" if better else " ▼")
    if metric.unit == "ms":
        shown = f"{delta:+.0f} ms"
    elif metric.unit in ("count", "words"):
        shown = f"{delta:+g}"
    else:
        shown = f"{delta:+.3f}"
    return shown + mark


def metric_table(
    overall: Mapping[str, Any],
    baseline: Mapping[str, Any] | None = None,
    plain_rag: Mapping[str, Any] | None = None,
) -> str:
    """The short end-of-run table: each metric, then beside it the plain-RAG baseline's value
    and the difference (when given), and an earlier run's value and the change (when given)."""
    compared: list[tuple[str, str, Mapping[str, Any]]] = []
    if plain_rag is not None:
        compared.append(("plain RAG", "skillnad", plain_rag))
    if baseline is not None:
        compared.append(("baslinje", "ändring", baseline))
    rows = []
    for m in METRICS:
        value = overall.get(m.key)
        others = [other.get(m.key) for _name, _change, other in compared]
        if value is None and all(v is None for v in others):
            continue
        row = [m.key + (" (modellbedömd)" if m.model_judged else ""), _fmt(value, m.unit)]
        for before in others:
            row += [_fmt(before, m.unit), _delta(value, before, m)]
        rows.append(row)
    header = ["metrik", "värde"] + [cell for name, change, _ in compared for cell in (name, change)]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
             for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
