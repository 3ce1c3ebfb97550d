"""Multi-turn cases: the ``history`` field and how the runner plays it through the assistant."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.ask import Assistant
from assistant.settings import Settings
from evals.runner import run_eval
from evals.testset import MAX_HISTORY_TURNS, TestsetError, case_to_dict, parse_case, parse_testset

BASE = {"id": "m-1", "question": "När antogs den?", "answerable": True,
        "reference_doc_ids": ["norrvik-vision"]}


def test_history_is_read_in_order_and_written_back() -> None:
    case = parse_case({**BASE, "history": ["Vad är visionen?", "Vem antog den?"]})
    assert case.history == ("Vad är visionen?", "Vem antog den?")
    assert parse_case(case_to_dict(case)) == case


def test_a_case_without_history_has_none_and_writes_none() -> None:
    case = parse_case(BASE)
    assert case.history == () and "history" not in case_to_dict(case)


@pytest.mark.parametrize(("history", "reason"), [
    ("Vad är visionen?", "'history' måste vara en lista"),
    (["Vad är visionen?", "  "], "'history' måste vara en lista med icke-tomma strängar"),
    ([1], "'history' måste vara en lista"),
    (["x"] * (MAX_HISTORY_TURNS + 1), "högst 10 tillåts"),
    (["x" * 2001], "'history' fråga 1 är för lång"),
])
def test_bad_history_is_reported_on_its_line(history: Any, reason: str) -> None:
    good = json.dumps(BASE)
    bad = json.dumps({**BASE, "id": "m-2", "history": history})
    with pytest.raises(TestsetError) as err:
        parse_testset(f"{good}\n{bad}\n")
    assert err.value.problems[0][0] == 2 and reason in err.value.problems[0][1]


def _testset(tmp_path: Path, *cases: dict[str, Any]) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases),
                    encoding="utf-8")
    return path


def test_runner_asks_earlier_turns_first_with_the_assistants_own_answers(
    make_collection: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_collection()
    calls: list[tuple[str, tuple[tuple[str, str], ...], str]] = []
    original = Assistant.ask

    def recording_ask(self: Assistant, question: str, history: Any = ()) -> Any:
        answer = original(self, question, history)
        calls.append((question, tuple(history), answer.text))
        return answer

    monkeypatch.setattr(Assistant, "ask", recording_ask)
    testset = _testset(tmp_path, {**BASE, "history": ["Vad är Norrviks vision?",
                                                      "Hur många invånare?"]})
    settings = Settings.from_env(environ={}, embedder="fake")
    results, _summary = run_eval(testset, [folder.parents[1] / "docs"], tmp_path / "out",
                                 settings, cache_dir=tmp_path / "cache")
    first, second, last = calls
    assert (first[0], first[1]) == ("Vad är Norrviks vision?", ())
    assert (second[0], second[1]) == ("Hur många invånare?",
                                      (("Vad är Norrviks vision?", first[2]),))
    assert last[0] == "När antogs den?"
    assert last[1] == (("Vad är Norrviks vision?", first[2]), ("Hur många invånare?", second[2]))
    assert results[0].history == ["Vad är Norrviks vision?", "Hur många invånare?"]
    row = json.loads((tmp_path / "out" / "results.jsonl").read_text(encoding="utf-8"))
    assert row["history"] == results[0].history and row["answer"] == last[2]


def test_a_failing_earlier_turn_is_the_cases_error(make_collection: Any, tmp_path: Path) -> None:
    folder = make_collection()
    testset = _testset(tmp_path, {**BASE, "history": ["Vad är visionen för Norrvik? " * 3]})
    settings = Settings.from_env(environ={}, embedder="fake", max_question_chars=40)
    results, summary = run_eval(testset, [folder.parents[1] / "docs"], tmp_path / "out",
                                settings, cache_dir=tmp_path / "cache")
    assert results[0].error is not None and results[0].error.startswith("tidigare fråga 1")
    assert results[0].passed is False and summary["overall"]["errors"] == 1
