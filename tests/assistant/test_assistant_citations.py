from collections.abc import Iterator, Sequence
from types import SimpleNamespace

import pytest

from assistant.ask import Assistant, QuestionError, clean_question
from assistant.citations import cite
from assistant.generation import Source
from assistant.settings import Settings
from assistant.types import Chunk, Hit


def _sources() -> list[Source]:
    return [
        Source(n, Hit(Chunk(f"c{n}", f"doc{n}", text, 0, f"Titel {n}"), 1.0, dense_score=0.95))
        for n, text in [(1, "Målvärdet är 250 besök."), (2, "Visionen gäller 2035.")]
    ]


def test_markers_to_unknown_sources_are_removed_and_rest_renumbered() -> None:
    text, citations = cite("Visionen gäller 2035 [2]. Målet är 250 besök [7][1].", _sources())
    assert text == "Visionen gäller 2035 [1]. Målet är 250 besök [2]."
    assert [(c.n, c.doc_id) for c in citations] == [(1, "doc2"), (2, "doc1")]
    assert citations[1].passage == "Målvärdet är 250 besök."


class _FakeRetriever:
    def __init__(self, sources: list[Source]) -> None:
        self.hits = [s.hit for s in sources]

    def search(self, query: str, **_: object) -> list[Hit]:
        return list(self.hits)

    def snapshot(self) -> SimpleNamespace:
        return SimpleNamespace(versions=("v",), chunks=tuple(h.chunk for h in self.hits))


class _Uncited:
    name = "fake-llm"

    def generate(self, question: str, sources: Sequence[Source], language: str) -> str:
        return "Målvärdet är 250 besök [9]."

    def stream(self, question: str, sources: Sequence[Source], language: str) -> Iterator[str]:
        yield self.generate(question, sources, language)


def test_llm_answer_citing_nothing_valid_is_refused_and_flagged() -> None:
    settings = Settings.from_env(environ={}, retrieval="dense", refusal_threshold=-10.0)
    answer = Assistant(_FakeRetriever(_sources()), _Uncited(), settings).ask("Vilket målvärde?")
    assert answer.refused and "uncited" in answer.flags
    assert "framgår inte" in answer.text


@pytest.mark.parametrize("bad", ["", "   \n\t", "x" * 2001, 42, None])
def test_bad_questions_raise_question_error(bad: object) -> None:
    with pytest.raises(QuestionError):
        clean_question(bad, 2000)


def test_control_characters_are_stripped() -> None:
    assert clean_question("Vad\x00 är\x07 visionen?\n", 2000) == "Vad är visionen?"
