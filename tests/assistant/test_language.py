"""Text processing in one place: sentences, language, fuzzy matching, word classes."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant import language as lang
from assistant.language import closest, language, sentences, stopwords

ASSISTANT = Path(lang.__file__).parent


# --- sentences ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Nämnden ansvarar bl.a. för förskolan, t.ex. öppna förskolor. Budgeten ökar.",
     ["Nämnden ansvarar bl.a. för förskolan, t.ex. öppna förskolor.", "Budgeten ökar."]),
    ("Planen gäller fr.o.m. 1 jan. 2025 och ersätter den gamla. Den följs upp årligen.",
     ["Planen gäller fr.o.m. 1 jan. 2025 och ersätter den gamla.", "Den följs upp årligen."]),
    ("Sammanträdet börjar kl. 18.30 i sal nr. 4. Det beräknas ta ca. 2 timmar.",
     ["Sammanträdet börjar kl. 18.30 i sal nr. 4.", "Det beräknas ta ca. 2 timmar."]),
    ("Enligt 5 kap. 3 § kommunallagen beslutar fullmäktige. Nämnden verkställer.",
     ["Enligt 5 kap. 3 § kommunallagen beslutar fullmäktige.", "Nämnden verkställer."]),
    ("Målet är 42 500 invånare år 2040. Skattesatsen är 21,35 procent.",
     ["Målet är 42 500 invånare år 2040.", "Skattesatsen är 21,35 procent."]),
])
def test_abbreviations_numbers_and_paragraph_signs_do_not_end_a_sentence(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


def test_list_closing_abbreviation_before_a_capital_ends_the_sentence() -> None:
    text = "Bidraget gäller idrott, kultur m.m. Ansökan görs senast i mars."
    assert sentences(text) == ["Bidraget gäller idrott, kultur m.m.", "Ansökan görs senast i mars."]


def test_an_unknown_abbreviation_before_a_lower_case_word_does_not_end_a_sentence() -> None:
    assert sentences("Ansvaret delas av kommun resp. region. Avtalet är nytt.") == [
        "Ansvaret delas av kommun resp. region.", "Avtalet är nytt."
    ]


def test_an_enumerator_opens_its_sentence() -> None:
    assert sentences("1. Trygg uppväxt för alla. 2. Ett hållbart näringsliv.") == [
        "1. Trygg uppväxt för alla.", "2. Ett hållbart näringsliv."
    ]


def test_quotes_and_question_marks() -> None:
    text = 'Visionen lyder: "Vi växer tillsammans." Vad betyder det? Det förklaras nedan!'
    assert sentences(text) == [
        'Visionen lyder: "Vi växer tillsammans."', "Vad betyder det?", "Det förklaras nedan!"
    ]


def test_a_question_mark_ends_a_sentence_even_before_lower_case() -> None:
    assert sentences("vad är visionen? och hur mäts den?") == [
        "vad är visionen?", "och hur mäts den?"
    ]


@pytest.mark.parametrize("text", ["", "   \n ", "\t"])
def test_empty_text_has_no_sentences(text: str) -> None:
    assert sentences(text) == []


def test_nothing_but_space_is_lost_from_long_hostile_text() -> None:
    word = "Beslut fattas. " * 5000 + "x" * 30_000 + " slut."
    found = sentences(word)
    assert "".join(found).replace(" ", "") == word.replace(" ", "")
    assert found[0] == "Beslut fattas." and found[-1].endswith("slut.")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(
    [*"abcåäöABCÅÄÖ .!?…\n\t\"'()§%0123-:;,\u00a0\u200b\x00", "t.ex. ", "m.m. ", "1. "]
), max_size=80).map("".join))
def test_any_text_keeps_all_but_space_in_stripped_non_empty_sentences(text: str) -> None:
    found = sentences(text)
    assert "".join("".join(found).split()) == "".join(text.split())
    assert all(s and s == s.strip() for s in found)


def test_the_pipeline_is_rebuilt_when_new_words_fill_its_vocabulary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sentences("Förberedelse. Klart.")
    first = lang._pipeline
    assert first is not None
    monkeypatch.setattr(lang, "MAX_VOCABULARY", len(first.vocab.strings) + 5)
    words = " ".join(f"ordet{i}x" for i in range(20))
    assert sentences(f"Nya ord: {words}. Slut.") == [f"Nya ord: {words}.", "Slut."]
    assert lang._pipeline is None
    assert sentences("Sedan fungerar det igen. Som förut.") == [
        "Sedan fungerar det igen.", "Som förut."
    ]
    assert lang._pipeline is not None and lang._pipeline is not first


def test_sentences_from_many_threads_agree() -> None:
    text = "Kommunen växer. Skolan byggs ut bl.a. i centrum. Nämnden beslutar i maj."
    results: list[list[str]] = []

    def work(i: int) -> None:
        results.append(sentences(f"{text} Punkt {i}."))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and all(r[:3] == sentences(text) for r in results)


# --- language -------------------------------------------------------------------------------


@pytest.mark.parametrize("question", [
    "How many legend sites are there?",
    "Who chairs the social committee in Norrby?",
    "What does the plan say about förskolor?",
    "Who is the chair of kommunstyrelsen?",
    "wat is teh vison of the municipality",  # misspelt English
    "When was the budget adopted, and what is the tax rate?",
    # the Swedish search words an English question is given are not the asker's words
    "What will Ryd's tax rate be in 2027? (skattesats)",
])
def test_english_questions_are_english(question: str) -> None:
    assert language(question) == "en"


@pytest.mark.parametrize("question", [
    "Hur många sägenplatser finns det?",
    "Vem är ordförande i barn- och utbildningsnämnden?",
    "vad ar visonen",  # misspelt Swedish without å/ä/ö
    "Vilken skattesats har Norrby kommun 2025?",
    "Finns det en policy för social media?",
    "Jag heter Anna. Vad är visionen?",
    # names typed in lower case are no English words
    "är kommunalskatten högre i hallmo än i myrby",
])
def test_swedish_questions_are_swedish(question: str) -> None:
    assert language(question) == "sv"


@pytest.mark.parametrize("text", ["", "?", "Norrby", "Vision 2030?", "ok", "Ljungby Kommun"])
def test_short_or_nameless_text_falls_back_to_swedish(text: str) -> None:
    assert language(text) == "sv"


# --- fuzzy matching -------------------------------------------------------------------------


def test_closest_takes_a_close_word_and_refuses_a_far_one() -> None:
    choices = ["visionen", "vision", "visionsmål", "budget"]
    assert closest("visonen", choices) == "visionen"
    assert closest("budgte", choices) is None  # two letters swapped is too far at this length
    assert closest("skola", choices) is None
    assert closest("visonen", []) is None


def test_closest_cutoff_is_a_share_of_similarity() -> None:
    assert closest("abcdefghij", ["abcdefghiX"], cutoff=0.85) == "abcdefghiX"  # 0.9
    assert closest("abcdefghij", ["abcdefgXYZ"], cutoff=0.85) is None  # 0.7


def test_closest_ties_go_to_the_earliest_choice() -> None:
    assert closest("kommun", ["kommuna", "kommunb"]) == "kommuna"


# --- word classes ---------------------------------------------------------------------------


def test_stop_words_are_swedish_and_english_function_words_are_not_swedish() -> None:
    assert {"och", "att", "som"} <= stopwords()
    assert {"the", "what", "does", "many"} <= lang.english_function_words()
    assert not lang.english_function_words() & stopwords()


def _literal_words(value: ast.expr) -> list[str]:
    """The words of a literal word collection: ``{"a", "b"}``, ``frozenset([...])``,
    ``words("a b")``, ``"a b".split()``; [] for anything else."""
    if isinstance(value, ast.Call):
        func = value.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Constant):
            return str(func.value.value).split() if func.attr == "split" else []
        return _literal_words(value.args[0]) if len(value.args) == 1 else []
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value.split()
    if isinstance(value, ast.Set | ast.List | ast.Tuple):
        items = [e.value for e in value.elts if isinstance(e, ast.Constant)]
        return [w for w in items if isinstance(w, str)] if len(items) == len(value.elts) else []
    return []


def _function_word_sets(path: Path) -> list[str]:
    """Names bound in ``path`` to a literal collection of three or more words, most of them
    stop words or English function words: a word list that belongs in assistant/language.py."""
    function_words = stopwords() | lang.english_function_words()
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
            continue
        words = _literal_words(node.value)
        mostly_function = sum(w.lower() in function_words for w in words) * 2 >= len(words)
        if len(words) >= 3 and all(w.isalpha() for w in words) and mostly_function:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found.extend(ast.unparse(t) for t in targets)
    return found


def test_word_classes_and_text_libraries_are_used_from_language_py_only() -> None:
    for path in sorted(ASSISTANT.rglob("*.py")):
        if path.name == "language.py":
            continue
        source = path.read_text(encoding="utf-8")
        assert "bm25s.stopwords" not in source, path
        assert "import difflib" not in source, path
        assert _function_word_sets(path) == [], path


def test_the_word_list_finder_finds_function_word_lists(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        '_EN = frozenset(["the", "is", "what", "of"])\n'
        '_SV = words("och är vad som")\n'
        'NOUNS = {"kommun", "region", "nämnd"}\n'
        "X = 3\n",
        encoding="utf-8",
    )
    assert _function_word_sets(module) == ["_EN", "_SV"]


@pytest.mark.slow
def test_sentences_do_not_load_torch_but_torch_still_imports_afterwards() -> None:
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from assistant.language import sentences\n"
        "assert sentences('Ett. Två.') == ['Ett.', 'Två.']\n"
        "print('torch' in sys.modules)\n"
        "import torch\n"
        "print(torch.tensor([1]).item())\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, cwd=ASSISTANT.parent)
    assert done.stdout.split() == ["False", "1"]


@pytest.mark.parametrize(("typed", "written"), [
    ("vad e visionen", "vad är visionen"),
    ("va e målen?", "vad är målen?"),
    ("Vem e ordförande i nämnden?", "Vem är ordförande i nämnden?"),
    ("hur lång e kön?", "hur lång är kön?"),
    ("badet i Ryd o simhallen", "badet i Ryd och simhallen"),
    ("Vad gäller för O-ringen?", "Vad gäller för O-ringen?"),
    ("vilka mål e viktigast", "vilka mål är viktigast"),
    ("Hur går det för e-tjänsten?", "Hur går det för e-tjänsten?"),
    ("Vad kostar e-legitimation?", "Vad kostar e-legitimation?"),
    ("Va?", "Va?"),
    ("hur manga bor i Ryd", "hur många bor i Ryd"),
    ("Nar ar mötet?", "När är mötet?"),
    ("Var ligger skolan?", "Var ligger skolan?"),  # "var" is a question word itself
    ("hur mkt kostar bastun", "hur mycket kostar bastun"),
    ("Hur många niondeklassare i Ryd är behöriga?", "Hur många elever i årskurs 9 i Ryd är "
     "behöriga?"),
    ("Får sjätteklassarna prao?", "Får eleverna i årskurs 6 prao?"),
])
def test_chat_spellings_of_question_words_are_written_out(typed: str, written: str) -> None:
    from assistant.language import written_forms

    assert written_forms(typed) == written


def test_typed_questions_break_after_a_period_before_a_lower_case_word() -> None:
    from assistant.language import typed_sentences

    assert typed_sentences("bor i Ryd sen i vintras. har kommunen nån simhall?") == [
        "bor i Ryd sen i vintras.", "har kommunen nån simhall?"]
    # Abbreviations keep their sentence together.
    assert typed_sentences("Vad kostar t.ex. bastun inkl. moms?") == [
        "Vad kostar t.ex. bastun inkl. moms?"]


@pytest.mark.parametrize(("typed", "written"), [
    ("What's the tax rate in Ryd?", "What is the tax rate in Ryd?"),
    ("Who's in charge of Ryd's schools?", "Who is in charge of Ryd's schools?"),
    ("Why isn't the pool open? They're closing it.",
     "Why is not the pool open? They are closing it."),
    ("Ekby's plan", "Ekby's plan"),  # a possessive stays
])
def test_english_contractions_are_written_out(typed: str, written: str) -> None:
    from assistant.language import english_written_out

    assert english_written_out(typed) == written


# --- Swedish word forms -----------------------------------------------------------------------


@pytest.mark.parametrize("word", ["bodde", "vem", "är", "ökade", "utveckling", "vård"])
def test_swedish_word_knows_forms_from_the_whole_alphabet(word: str) -> None:
    # The table's strings include escapes ("roll-on\/roll-off"); reading past one must not
    # shift which quotes pair up, losing every word after it.
    assert lang.swedish_word(word)


@pytest.mark.parametrize("word", ["omsorgsnamnden", "vsiion", "ordforande"])
def test_misspellings_are_no_swedish_words(word: str) -> None:
    assert not lang.swedish_word(word)


def test_periods_are_pairs_of_years_a_plausible_span_apart() -> None:
    assert lang.periods("Plan 2025–2027 och program 2019-2022") == {(2025, 2027), (2019, 2022)}
    assert lang.periods("jämfört 1990–2045, år 2026") == set()  # two unrelated years


@pytest.mark.parametrize(("word", "verb"), [
    ("skrev", True), ("gick", True), ("antog", True), ("föreslog", True), ("utsåg", True),
    ("beslutade", True), ("leder", True),
    ("bad", False), ("dialog", False), ("katalog", False), ("vara", False), ("kommuns", False),
])
def test_a_strong_verbs_past_looks_like_a_finite_verb(word: str, verb: bool) -> None:
    assert lang.verb_like(word) is verb
