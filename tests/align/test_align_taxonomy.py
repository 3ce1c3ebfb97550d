"""The taxonomy file: shipped content, resolving declared spellings, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.alignment import AlignError, load_taxonomy


def test_align_shipped_taxonomy_has_ljungby_goals() -> None:
    taxonomy = load_taxonomy()
    assert [g.name for g in taxonomy.goals_of("visionsmal")] == [
        "Bästa kommun att växa i", "Livslångt lärande för alla", "Vi skapar ett rikt liv"]
    assert len(taxonomy.goals_of("fokusomrade")) == 4
    assert [g.number for g in taxonomy.goals_of("globalt_mal")] == list(range(1, 18))
    assert all(g.description for g in taxonomy.goals)


def test_align_resolve_aliases_numbers_and_order() -> None:
    taxonomy = load_taxonomy()
    assert [g.id for g in taxonomy.resolve("fokusomrade", "Öka attraktiviten mot gruppen unga "
                                           "vuxna och etablera lockande levnadsmiljöer")] == [
        "unga-vuxna"]
    assert [g.id for g in taxonomy.resolve("globalt_mal", "mål 4 och 11")] == ["gm04", "gm11"]
    assert taxonomy.is_none("inget särskilt")
    assert not taxonomy.resolve("visionsmal", "Något helt annat")


def test_align_custom_taxonomy_swaps_without_code(tmp_path: Path) -> None:
    path = tmp_path / "tax.yaml"
    path.write_text(
        "municipality: Exempelstad\nkinds:\n  - {id: vm, label: Inriktning, fields: [Inriktning]}\n"
        "goals:\n  - {id: gron, kind: vm, name: Grön stad, description: Parker och natur.}\n",
        encoding="utf-8")
    taxonomy = load_taxonomy(path)
    assert taxonomy.kind_for_field("inriktning").id == "vm"
    assert [g.id for g in taxonomy.resolve("vm", "Grön stad")] == ["gron"]


@pytest.mark.parametrize("text", ["goals: [", "kinds: []\ngoals: []\n",
                                  "kinds:\n  - {id: a, label: A}\ngoals:\n  - {id: x, kind: b, "
                                  "name: X}\n"])
def test_align_bad_taxonomy_is_a_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AlignError, match="taxonomifilen"):
        load_taxonomy(path)
