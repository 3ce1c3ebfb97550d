from collections.abc import Iterator, Sequence
from datetime import date
from types import SimpleNamespace

import pytest

from assistant.ask import Assistant, QuestionError, clean_question, without_markup
from assistant.citations import cite, source_label
from assistant.generation import Source
from assistant.settings import Settings
from assistant.types import Answer, Chunk, Citation, Hit


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
        return SimpleNamespace(versions=("v",), chunks=tuple(h.chunk for h in self.hits),
                               documents={})

    def correct(self, text: str, plain: bool | None = None) -> str:
        return text


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


def test_one_source_label_for_chat_cli_refusals_and_api() -> None:
    """Every surface names a source the same way, superseded documents with their years."""
    from ui.api_models import CitationOut, sources_text
    from ui.render import chat_answer, md_text

    old = Citation(n=1, doc_id="vp", title="Verksamhetsplan 2020", passage="p", chunk_id="c",
                   heading="Fritid > Bad", page=7, superseded=True,
                   valid_from=date(2019, 1, 1), valid_to=date(2022, 12, 31))
    label = "Verksamhetsplan 2020 – Bad, s. 7 (gällde 2019–2022)"
    assert source_label(old) == label
    assert source_label(CitationOut.of(old)) == label
    assert sources_text([CitationOut.of(old)]) == f"Källor:\n[1] {label}"
    answer = Answer(question="q", text="Badet [1].", citations=(old,))
    assert f"**[1]** {md_text(label)}" in chat_answer(answer)
    same = Citation(n=2, doc_id="v", title="Vision och mål", passage="p", chunk_id="c2",
                    heading="Vision och mål")
    assert source_label(same) == "Vision och mål"


def test_markup_is_left_out_of_what_is_analysed() -> None:
    question = '<img src=x onerror="alert(1)"> <script>alert(2)</script> Vem leder <b>nämnden</b>?'
    assert clean_question(question, 2000) == question  # shown back as asked, escaped
    assert without_markup(question) == "Vem leder nämnden ?"
    assert without_markup("Gäller målet om andelen < 5 % och > 3 %?") == (
        "Gäller målet om andelen < 5 % och > 3 %?")
    assert without_markup("<script>alert(1)</script>") == ""


class _Recording(_Uncited):
    def __init__(self) -> None:
        self.questions: list[str] = []

    def generate(self, question: str, sources: Sequence[Source], language: str) -> str:
        self.questions.append(question)
        return super().generate(question, sources, language)


def test_markup_is_not_analysed_but_the_answer_carries_the_question_as_asked() -> None:
    settings = Settings.from_env(environ={}, retrieval="dense", refusal_threshold=-10.0)
    generator = _Recording()
    assistant = Assistant(_FakeRetriever(_sources()), generator, settings)
    asked = "<script>alert(1)</script> Vilket målvärde?"
    answer = assistant.ask(asked)
    assert answer.question == asked
    assert generator.questions and all("script" not in q for q in generator.questions)
    with pytest.raises(QuestionError, match="bara HTML-kod"):
        assistant.ask("<b></b><script>alert(1)</script>")
