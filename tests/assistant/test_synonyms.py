"""Swedish governance synonyms (assistant/synonyms.yaml) and where matching uses them."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.lexical import analyze
from assistant.refusal import check_focus
from assistant.synonyms import SynonymsError, _groups, synonyms, with_synonyms
from assistant.types import Chunk


def _stem(word: str) -> str:
    (term,) = analyze(word)
    return term


def test_a_term_has_the_other_words_of_its_group_and_inflections_share_them() -> None:
    assert _stem("skattesats") in synonyms(_stem("kommunalskatt"))
    assert _stem("kommunalskatt") in synonyms(_stem("skattesatsen"))
    assert _stem("invånare") in synonyms(_stem("befolkningen"))
    assert _stem("entréavgift") in synonyms(_stem("inträdet"))  # residents pay "inträde"
    assert _stem("hastighet") in synonyms(_stem("farten"))  # residents ask of "farten"
    assert synonyms(_stem("cykelväg")) == ()
    # A much shorter prefix is another word, not an inflection: "fokus" is no "fokusområde".
    assert synonyms(_stem("fokus")) == ()
    assert with_synonyms({"x": ("x", "y")}) == {"x": ("x", "y")}


def test_a_synonym_of_the_asked_word_supports_the_focus() -> None:
    budget = Chunk(chunk_id="c1", doc_id="d1", position=0, title="Budget 2027",
                   text="Skattesatsen för 2027 är 21,95 kronor.")
    assert check_focus("Hur hög är kommunalskatten?", [budget], year=2027).supported
    assert not check_focus("Hur hög är arrendet?", [budget], year=2027).supported


@pytest.mark.parametrize("content", ["[not, closed", "a: mapping"])
def test_a_broken_synonym_file_is_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "synonyms.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SynonymsError, match="synonymfilen"):
        _groups(path)
