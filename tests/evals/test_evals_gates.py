from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.gates import Bar, GateError, check_bars, load_baseline, metric_table, parse_bar


def test_parse_bar() -> None:
    assert parse_bar("hit@5=0.8") == Bar("hit@5", 0.8)


def test_unknown_metric_is_a_user_error() -> None:
    with pytest.raises(GateError, match="okänd metrik 'hit@7'"):
        parse_bar("hit@7=0.5")


def test_each_metric_below_its_bar_is_named() -> None:
    failures = check_bars({"hit@5": 0.7, "pass_rate": 0.9, "latency_p95_ms": 900.0},
                          [Bar("hit@5", 0.8), Bar("pass_rate", 0.8), Bar("latency_p95_ms", 500)])
    assert failures == ["hit@5 = 0.7 är under gränsen 0.8",
                        "latency_p95_ms = 900 är över gränsen 500"]


def test_baseline_table_shows_the_change(tmp_path: Path) -> None:
    path = tmp_path / "summary.json"
    path.write_text(json.dumps({"overall": {"hit@5": 0.5}}), encoding="utf-8")
    table = metric_table({"hit@5": 0.75}, load_baseline(path))
    assert "baslinje" in table and "+0.250 ▲" in table


def test_baseline_without_overall_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(GateError, match="saknar 'overall'"):
        load_baseline(path)
