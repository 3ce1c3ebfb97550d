"""Swedish-first lexical analysis: spelling correction against the corpus's own words."""

from __future__ import annotations

from collections import Counter

import pytest

from assistant.lexical import Vocabulary
from assistant.types import Answer

CORPUS = [
    'Vår vision är: "I Ljungby kommun formar vi framtiden tillsammans". Till visionen finns tre '
    "visionsmål.",
    "Politikerna har beslutat om tre fokusområden, bland annat berättartraditionen.",
    "Aktivitet 1. Kvällsöppen mötesplats. Målvärde 2026: minst 250 besök per vecka.",
    "Vatten är viktigt. Frågor om vatten och skolan.",
]


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary(CORPUS)


@pytest.mark.parametrize(("asked", "corrected"), [
    ("vad betyder visonen", "vad betyder visionen"),
    ("Vilka fokusomåden finns?", "Vilka fokusområden finns?"),
    ("Berättartraditonen, vad är det?", "Berättartraditionen, vad är det?"),
    ("Visonen i korthet", "Visionen i korthet"),  # capital kept
    # One slip in a short word: two letters swapped, one changed (below the similarity
    # cutoff, one keystroke away), also in a stop word.
    ("Vad betyder vsiion?", "Vad betyder vision?"),
    ("Vad sägs om vattnet i skoaln?", "Vad sägs om vattnet i skolan?"),
    ("Hur mycset vatten?", "Hur mycket vatten?"),
])
def test_misspelt_words_become_the_corpus_words_they_are_close_to(
    vocabulary: Vocabulary, asked: str, corrected: str
) -> None:
    assert vocabulary.correct(asked) == corrected


@pytest.mark.parametrize("asked", [
    "Vilket målvärdet gäller för den kvällsöppna mötesplatsen?",  # inflections, not typos
    "Vem är kommunstyrelsens ordförande?",  # not in the corpus: stays a refusable question
    "Vilka vattenfrågor finns?",  # a compound of known words
    "Hur går det för skolor 2026?",  # short words and numbers are left alone
    "What is the vision about?",
])
def test_known_forms_compounds_and_unknown_topics_are_left_alone(
    vocabulary: Vocabulary, asked: str
) -> None:
    assert vocabulary.correct(asked) == asked


def test_a_swedish_word_the_corpus_lacks_is_no_slip_of_one_it_has() -> None:
    vocabulary = Vocabulary(["Kommunen borde bygga fler bostäder.", "Det lägsta priset."])
    assert vocabulary.correct("Hur många bodde i Ekby?") == "Hur många bodde i Ekby?"
    assert vocabulary.correct("Vilken taxa är lägst?") == "Vilken taxa är lägst?"
    assert vocabulary.correct("Vad borde kommunen bygga?") == "Vad borde kommunen bygga?"


def test_a_question_typed_without_ring_or_dots_gets_them_back_in_every_word() -> None:
    """A keyboard without å, ä and ö writes "mal", "ar" and "Asbacka": in a question without
    any of them, each word that spells one known word (or stop word) that way gets them,
    also an inflection the corpus lacks; a word the corpus has as typed stays."""
    vocabulary = Vocabulary(["Nämnden i Åsbacka har tre mål för året.", "De som bor här.",
                             "Se asbacka.se."])
    assert vocabulary.correct("Vilka mal har namnden i Asbacka?") == (
        "Vilka mål har nämnden i Åsbacka?")
    assert vocabulary.correct("Vad ar namnderna i Asbacka?") == "Vad är nämnderna i Åsbacka?"
    assert vocabulary.correct("Jag bor i Asbacka.") == "Jag bor i Åsbacka."
    # A word opening a sentence is a name only when it is no Swedish word: "Bor" stays
    # the "bor" the corpus has, not "bör"; "Asbacka" opening one is still Åsbacka.
    homes = Vocabulary(["Vi bor i Åsbacka. Man bör fråga nämnden. Se asbacka.se."])
    assert homes.correct("Bor du i Asbacka?") == "Bor du i Åsbacka?"
    assert homes.correct("Asbacka, bor du dar?") == "Åsbacka, bor du där?"
    # One å, ä or ö typed: the writer has them, and "mal" is left as it is; unless that one
    # came from a rewrite of a plain question ("nar" -> "när", see written_forms).
    assert vocabulary.correct("Vilka mal har nämnden?") == "Vilka mal har nämnden?"
    assert vocabulary.correct("När har namnden mal?", plain=True) == "När har nämnden mål?"


def test_a_name_typed_without_ring_or_dots_gets_them_back_in_any_question() -> None:
    # Typed with "å" elsewhere, only names get them back ("mal" may be meant as it is).
    vocabulary = Vocabulary(["Nämnden i Åsbacka har tre mål.", "Åsbacka växer.", "Se asbacka.se."])
    assert vocabulary.correct("Hur många bor i Asbacka?") == "Hur många bor i Åsbacka?"
    assert vocabulary.correct("Vilka mal har nämnden?") == "Vilka mal har nämnden?"


def test_a_word_typed_plain_is_the_one_word_it_spells_though_it_also_splits_into_parts(
) -> None:
    """Typed with "ä" elsewhere, "ordforande" still is "ordförande": no Swedish word is
    spelt so, the corpus has one word that it spells without å, ä and ö, and its reading as
    "ord" + "for…" (parts the corpus also knows) is no reason to keep the slip."""
    vocabulary = Vocabulary(["Ordförande i nämnden är Eva Ek.", "Ett ord om vården.",
                             "Det gäller forandet av båtar."])
    assert vocabulary.correct("vem är ordforande i nämnden?") == "vem är ordförande i nämnden?"


def test_a_known_word_typed_plain_is_its_far_commoner_spelling_with_them() -> None:
    # Chunk counts, as the index keeps them: "asby" only from a web address, "mal" used
    # often enough in its own right to stay.
    vocabulary = Vocabulary(Counter({"åsby": 40, "asby": 2, "mål": 30, "mal": 12}))
    assert vocabulary.correct("vem leder asby") == "vem leder åsby"
    assert vocabulary.correct("vilka mal har asby") == "vilka mal har åsby"


def test_a_doubled_letter_is_a_slip_even_where_the_word_splits_into_known_parts() -> None:
    """"fritidssgården" splits into "fritids" + "gården", both known, yet is "fritidsgården"
    typed with one "s" too many; a real compound with a double letter stays."""
    vocabulary = Vocabulary(["Fritidsgården i Ekby har öppet fyra kvällar.", "Fritids och gården.",
                             "Bostadsstöd och bostäder."])
    assert vocabulary.split("fritidssgården")  # it splits, so only this rule corrects it
    assert vocabulary.correct("När öppnar fritidssgården?") == "När öppnar fritidsgården?"
    assert vocabulary.correct("Vem får bostadsstöd?") == "Vem får bostadsstöd?"


def test_interpreted_as_only_when_the_question_changed() -> None:
    asked = Answer(question="vad betyder visonen", text="",
                   standalone_question="vad betyder visionen")
    same = Answer(question="Vad är visionen? ", text="", standalone_question="vad är visionen?")
    assert asked.interpreted_as == "vad betyder visionen"
    assert same.interpreted_as is None and Answer(question="q", text="").interpreted_as is None


def test_a_name_is_one_term_not_split_into_parts() -> None:
    """"Lindsjö" is a name, not a lime tree and a lake: split, it would count three times."""
    vocabulary = Vocabulary(["Lindsjö kommun", "En lind vid en sjö.", "Lindsjö växer."])
    assert {"lind", "sjö"} <= set(vocabulary.terms("Vad gör Lindsjö?"))
    named = vocabulary.terms("Vad gör Lindsjö?", whole={"lindsjö"})
    assert "lindsjö" in named and not {"lind", "sjö"} & set(named)


def test_inflections_are_the_known_stems_a_term_only_inflects() -> None:
    vocabulary = Vocabulary(["Skattesatsen höjs.", "Skattesatser jämförs.", "Skattesatsmodellen."])
    found = vocabulary.inflections("skattesat")
    assert found and all(t.startswith("skattesat") for t in found)
    assert not any(t.startswith("skattesatsmodell") for t in found)


def test_a_compound_written_apart_is_joined_when_the_corpus_writes_it_as_one() -> None:
    vocabulary = Vocabulary(["Kulturskolan i Ryd har 300 elever.", "Skattesatsen är 22 kronor."])
    assert vocabulary.correct("Vad kostar kultur skolan?") == "Vad kostar kulturskolan?"
    assert vocabulary.correct("vad är skatte satsen i Ryd") == "vad är skattesatsen i Ryd"
    # Words the corpus does not write as one, and function words, stay apart.
    assert vocabulary.correct("Vad kostar en ny skola?") == "Vad kostar en ny skola?"


def test_two_words_whose_join_stems_to_the_first_one_stay_apart() -> None:
    """The stemmer cuts "årenligt" to "åren", a word the corpus knows: that is no compound,
    while "skatte satsen" stems into its second word."""
    vocabulary = Vocabulary(["Under åren 2026–2028 höjs skattesatsen."])
    assert vocabulary.correct("Nås målen i år enligt prognosen?") == (
        "Nås målen i år enligt prognosen?")
    assert vocabulary.correct("skatte satsen") == "skattesatsen"


def test_a_word_typed_without_a_ring_or_dots_is_the_one_word_it_spells() -> None:
    vocabulary = Vocabulary(["Badhuset öppnar i maj.", "Förskolan Blåklinten växer."])
    assert vocabulary.correct("När oppnar forskolan Blaklinten?") == (
        "När öppnar förskolan Blåklinten?")


def test_an_unknown_form_is_searched_as_its_known_base() -> None:
    # "bostadsprogrammet" also splits into known words ("bostad", "programmet"); its base is
    # what the corpus calls the same thing.
    vocabulary = Vocabulary(["Bostadsprogram 2024–2030 antogs. Programmet gäller varje bostad."])
    assert vocabulary.base("bostadsprogrammet") == "bostadsprogram"
    assert "bostadsprogram" in vocabulary.terms("När antogs bostadsprogrammet?", repair=True)
    # More than a kept ending apart is another word, not a form of it.
    assert vocabulary.base("bostadsprogramledare") == ""
