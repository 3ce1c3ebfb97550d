"""CI gates and comparisons: ``--fail-under METRIC=VALUE`` and ``--baseline SUMMARY.json``."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import StyrdokError
from evals.metrics import METRICS, METRICS_BY_KEY


class GateError(StyrdokError):
    """A ``--fail-under`` bar or a baseline file cannot be used."""


@dataclass(frozen=True)
class Bar:
    metric: str
    value: float


def parse_bar(text: str) -> Bar:
    """``hit@5=0.8`` -> Bar. Unknown metrics and non-numbers are user errors."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep:
        raise GateError(f"--fail-under {text!r}: skriv METRIK=VÄRDE, t.ex. pass_rate=0.8")
    if key not in METRICS_BY_KEY:
        known = ", ".join(m.key for m in METRICS)
        raise GateError(f"--fail-under: okänd metrik {key!r} (kända: {known})")
    try:
        value = float(raw)
    except ValueError as exc:
        raise GateError(f"--fail-under {text!r}: {raw!r} är inte ett tal") from exc
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
    if unit == "count":
        return f"{value:g}"
    return f"{value:.3f}"


def metric_table(overall: Mapping[str, Any], baseline: Mapping[str, Any] | None = None) -> str:
    """The short end-of-run table, with the baseline and the change when given."""
    rows = []
    for m in METRICS:
        value = overall.get(m.key)
        before = baseline.get(m.key) if baseline else None
        if value is None and before is None:
            continue
        label = m.key + (" (modellbedömd)" if m.model_judged else "")
        row = [label, _fmt(value, m.unit)]
        if baseline is not None:
            row.append(_fmt(before, m.unit))
            if value is None or before is None:
                row.append("")
            else:
                delta = value - before
                better = (delta > 0) == m.higher_is_better
                mark = "" if abs(delta) < 1e-9 else (" ▲" if better else " ▼")
                shown = f"{delta:+.0f} ms" if m.unit == "ms" else f"{delta:+.3f}"
                row.append(shown + mark)
        rows.append(row)
    header = ["metrik", "värde"] + (["baslinje", "ändring"] if baseline is not None else [])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
             for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
