from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from evals.testset import TestsetError, load_testset, parse_testset
from ui.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _script(name: str) -> ModuleType:
    """A script beside the fixtures (tests/fixtures is data, not a package)."""
    spec = importlib.util.spec_from_file_location(f"fixtures_{name}", FIXTURES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_fixtures = _script("make_fixtures")
validate_testset = _script("validate_testset")

GOOD = {"id": "t-1", "question": "Vad är visionen?", "persona": "resident", "answerable": True,
        "reference_answer": "35 000 invånare", "must_include": [["35 000"]],
        "must_not_include": [], "reference_doc_ids": ["vision-2035"], "tags": ["vision"]}


def lines(*objects: object) -> str:
    return "\n".join(o if isinstance(o, str) else json.dumps(o) for o in objects) + "\n"


def test_shared_testset_loads(testset_path: Path) -> None:
    cases = load_testset(testset_path)
    lines = [json.loads(line) for line in testset_path.read_text(encoding="utf-8").splitlines()]
    assert [c.id for c in cases] == [line["id"] for line in lines]
    assert any(not c.answerable for c in cases) and any(c.answerable for c in cases)


def test_shared_testset_matches_the_fixture_corpus(
    testset_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every case's reference documents exist and hold its required facts."""
    assert validate_testset.main([str(testset_path)]) == 0, capsys.readouterr().out


def test_fixture_corpus_passes_its_own_checks(capsys: pytest.CaptureFixture[str]) -> None:
    """Headers, doc_ids, word counts, PDF pages and DOCX headings of tests/fixtures/corpus."""
    assert make_fixtures.check_all() == [], capsys.readouterr().out


def test_invalid_json_is_reported_with_its_line_number() -> None:
    with pytest.raises(TestsetError) as err:
        parse_testset(lines(GOOD, '{"id": "t-2", "question": '))
    assert err.value.problems[0][0] == 2
    assert "rad 2: ogiltig JSON" in str(err.value)


def test_every_bad_line_is_listed() -> None:
    bad_group = {**GOOD, "id": "t-2", "must_include": ["35 000"]}
    no_docs = {**GOOD, "id": "t-3", "reference_doc_ids": []}
    with pytest.raises(TestsetError) as err:
        parse_testset(lines(GOOD, bad_group, no_docs, {**GOOD, "persona": "mayor"}))
    assert [line for line, _ in err.value.problems] == [2, 3, 4]
    assert "skriv den som en lista" in err.value.problems[0][1]


def test_duplicate_id_names_the_first_line() -> None:
    with pytest.raises(TestsetError, match="finns redan på rad 1"):
        parse_testset(lines(GOOD, GOOD))


def test_unknown_field_is_rejected() -> None:
    with pytest.raises(TestsetError, match="okänt fält: must_includ"):
        parse_testset(lines({**GOOD, "must_includ": []}))


def test_cli_does_not_start_on_a_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                             ) -> None:
    testset = tmp_path / "bad.jsonl"
    testset.write_text(lines(GOOD, {**GOOD, "id": "t-2", "answerable": "ja"}), encoding="utf-8")
    out = tmp_path / "out"
    code = main(["eval", "--testset", str(testset), "--corpus", str(tmp_path), "--out", str(out),
                 "--embedder", "fake"])
    assert code == 1
    assert "rad 2: 'answerable' måste vara true eller false" in capsys.readouterr().err
    assert not out.exists()
