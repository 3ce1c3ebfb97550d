"""The collection manifest and the tune/test split."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mini_collection import CASES, case, write_cases

from assistant.errors import StyrdokError
from evals.collection import CollectionError, load_collection
from evals.split import (
    SPLIT_FILE,
    Split,
    assign,
    folds,
    main,
    read_split,
    split_cases,
    stratum,
    tune_cases,
    update_split,
)
from evals.testset import TestsetError, parse_case


def many(n: int, prefix: str = "x", **kwargs: Any) -> list[Any]:
    refs = ["doc"] if kwargs.get("answerable", True) else []
    return [parse_case(case(f"{prefix}-{i:03d}", f"Fråga {i}?", refs=refs, **kwargs))
            for i in range(n)]


def test_each_kind_of_case_gets_at_least_the_test_share() -> None:
    cases = many(23) + many(7, "u", answerable=False) + many(5, "m", history=["Förra?"])
    split = assign(cases, None, seed=1, test_share=0.4)
    for kind in {stratum(c) for c in cases}:
        members = [c.id for c in cases if stratum(c) == kind]
        in_test = sum(i in split.test for i in members)
        assert in_test / len(members) >= 0.4 and in_test < len(members)
    assert split.tune | split.test == {c.id for c in cases} and not split.tune & split.test


def test_the_split_is_reproducible_from_its_seed() -> None:
    cases = many(40)
    assert assign(cases, None, seed=5) == assign(cases, None, seed=5)
    assert assign(cases, None, seed=5).test != assign(cases, None, seed=6).test


def test_adding_cases_never_moves_old_ones() -> None:
    old = assign(many(30), None, seed=3)
    grown = assign(many(50), old, seed=99)  # the stored seed wins over the argument
    assert old.test <= grown.test and old.tune <= grown.tune
    assert grown.seed == 3 and len(grown.test) >= 0.4 * 50


def test_a_test_share_below_forty_percent_is_refused() -> None:
    with pytest.raises(CollectionError, match=r"mellan 0\.4 och 0\.9"):
        assign(many(10), None, test_share=0.2)


def test_update_split_writes_the_file_and_reports_new_ids(make_collection: Any) -> None:
    folder = make_collection()
    split, added = update_split(folder, seed=11)
    stored = json.loads((folder / SPLIT_FILE).read_text(encoding="utf-8"))
    assert stored["seed"] == 11 and sorted(stored["test"]) == sorted(split.test)
    assert sorted(added["tune"] + added["test"]) == sorted(c["id"] for c in CASES)
    write_cases(folder / "cases" / "more.jsonl", [case("c-99", "Ny fråga?", refs=["x"])])
    again, added = update_split(folder, seed=11)
    assert added["tune"] + added["test"] == ["c-99"]
    assert split.test <= again.test and split.tune <= again.tune


def test_split_cases_selects_one_split_or_all(make_collection: Any) -> None:
    folder = make_collection()
    split, _ = update_split(folder)
    cases = load_collection(folder).cases
    test, which = split_cases(folder, cases, "test")
    assert {c.id for c in test} == split.test
    assert {c.id for c in split_cases(folder, cases, "all")[0]} == split.test | split.tune
    assert which == {i: ("test" if i in split.test else "tune") for i in which}
    assert {c.id for c in tune_cases(folder)} == split.tune


def test_an_unassigned_case_stops_the_run_and_names_the_command(make_collection: Any) -> None:
    folder = make_collection()
    update_split(folder)
    write_cases(folder / "cases" / "more.jsonl", [case("c-99", "Ny fråga?", refs=["x"])])
    with pytest.raises(CollectionError, match=r"1 fall .* saknar plats i delningen \(c-99\)"):
        split_cases(folder, load_collection(folder).cases, "tune")


def test_a_collection_without_split_file_says_how_to_make_one(make_collection: Any) -> None:
    with pytest.raises(CollectionError, match=r"python -m evals\.split"):
        tune_cases(make_collection())


def test_a_corrupt_split_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / SPLIT_FILE
    path.write_text(json.dumps({"format": "styrdok-split/1", "seed": 1, "test_share": 0.4,
                                "tune": ["a"], "test": ["a"]}), encoding="utf-8")
    with pytest.raises(CollectionError, match="både tune och test: a"):
        read_split(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CollectionError, match="inte giltig JSON"):
        read_split(path)
    assert read_split(tmp_path / "none.json") is None


def test_splitting_needs_the_cases_but_not_the_documents(make_collection: Any) -> None:
    folder = make_collection(manifest="root: ../..\ncorpus:\n  - not-written-yet\n")
    split, _ = update_split(folder)
    assert {c.id for c in tune_cases(folder)} == split.tune
    with pytest.raises(CollectionError, match="not-written-yet finns inte"):
        load_collection(folder)


def test_split_round_trips_through_its_file(make_collection: Any) -> None:
    folder = make_collection()
    split, _ = update_split(folder, seed=4)
    assert read_split(folder / SPLIT_FILE) == split
    assert isinstance(split, Split) and split.of("nope") is None


def test_manifest_names_the_corpus_relative_to_the_root(make_collection: Any) -> None:
    folder = make_collection()
    collection = load_collection(folder)
    assert collection.corpus_dirs == ((folder.parents[1] / "docs").resolve(),)
    assert len(collection.cases) == len(CASES)


@pytest.mark.parametrize(("manifest", "message"), [
    ("root: ../..\ncorpus:\n  - /etc\n", "måste vara relativ"),
    ("root: ../..\ncorpus:\n  - docs/../../..\n", "får inte innehålla '..'"),
    ("root: ../..\ncorpus:\n  - saknas\n", "finns inte"),
    ("root: ../..\ncorpus: []\n", "minst en mapp"),
    ("root: ../..\ncorpus: [docs]\nextra: 1\n", "okänd nyckel extra"),
    ("- bara\n- en lista\n", "måste innehålla nycklarna"),
    ("corpus: [docs\n", "inte giltig YAML"),
])
def test_a_bad_manifest_is_refused_with_the_reason(make_collection: Any, manifest: str,
                                                   message: str) -> None:
    with pytest.raises(CollectionError, match=message):
        load_collection(make_collection(manifest=manifest))


def test_a_missing_manifest_is_named(make_collection: Any) -> None:
    folder = make_collection()
    (folder / "collection.yaml").unlink()
    with pytest.raises(CollectionError, match=r"saknar collection\.yaml"):
        load_collection(folder)


def test_an_id_in_two_case_files_names_the_first_file(make_collection: Any) -> None:
    folder = make_collection()
    write_cases(folder / "cases" / "zz.jsonl", [CASES[0]])
    with pytest.raises(TestsetError, match=r"finns redan i main\.jsonl rad 1"):
        load_collection(folder)


def test_the_split_command_prints_the_counts(make_collection: Any,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_collection()
    assert main(["--collection", str(folder)]) == 0
    split = read_split(folder / SPLIT_FILE)
    assert split is not None
    assert f"{len(split.tune)} tune, {len(split.test)} test" in capsys.readouterr().out


def test_the_split_command_reports_errors_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--collection", str(tmp_path / "none")]) == 1
    assert "finns inte" in capsys.readouterr().err
    assert issubclass(CollectionError, StyrdokError)


def test_a_collection_without_case_files_is_named(make_collection: Any) -> None:
    folder = make_collection()
    (folder / "cases" / "main.jsonl").unlink()
    with pytest.raises(CollectionError, match="har inga testfall"):
        load_collection(folder)


def test_folds_hold_each_case_out_once_with_every_kind_spread() -> None:
    cases = many(20) + many(5, "u", answerable=False)
    pairs = folds(cases, 5, seed=2)
    held = [c.id for _fit, out in pairs for c in out]
    assert sorted(held) == sorted(c.id for c in cases)
    for fit, out in pairs:
        assert len(out) == 5 and not {c.id for c in fit} & {c.id for c in out}
        assert sum(not c.answerable for c in out) == 1
    assert folds(cases, 5, seed=2) == pairs


def test_folds_need_at_least_two_parts() -> None:
    with pytest.raises(CollectionError, match="2–3 delar"):
        folds(many(3), 1)
