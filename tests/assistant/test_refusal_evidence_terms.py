"""Refusal evidence: closed-class words and superlatives are not asked terms; a year no passage
names."""

from __future__ import annotations

import pytest

from assistant.focus import without_function_words
from assistant.refusal import (
    FEATURES,
    CorpusStats,
    Evidence,
    RefusalModel,
    measure_evidence,
    year_missing,
    years_named,
)
from assistant.textunits import content_terms
from assistant.types import Chunk, Hit


def _chunk(text: str, title: str = "Mål och budget", heading: tuple[str, ...] = ()) -> Chunk:
    return Chunk(chunk_id=text[:10], doc_id="d", position=0, title=title, text=text,
                 heading_path=heading)


def test_closed_class_words_are_not_asked_terms() -> None:
    question = "Vilka andra beslut fattade nämnden enligt sitt protokoll?"
    kept = without_function_words(content_terms(question), question)
    assert {"beslut", "nämnd", "protokoll"} <= set(kept)
    assert not {"andr", "enl", "sitt"} & set(kept)


def test_chat_spellings_and_discourse_particles_are_not_asked_terms() -> None:
    # A resident writes as they speak: "nån", "lite", "faktiskt" and "ju" name no topic, and a
    # passage that answers about the bastu never says them.
    question = "Hej! Finns det nån bastu i Ryd, jag undrar lite faktiskt, den e ju stängd?"
    kept = without_function_words(content_terms(question), question)
    assert {"bastu", "ryd", "stäng"} <= set(kept)
    assert not {"hej", "nån", "lit", "faktisk", "ju", "e"} & set(kept)
    question = "Har nämnden ens tagit upp bastun? Inte heller i år?"
    assert not {"ens", "hell"} & set(without_function_words(content_terms(question), question))
    question = "har bastun i Ryd stängt elr"  # "elr": eller, as chat writes it
    assert "elr" not in without_function_words(content_terms(question), question)


def test_words_that_say_how_many_or_how_varied_are_not_asked_terms() -> None:
    # "olika alternativ" asks for the alternatives; no passage calls them "olika".
    question = "Vilka olika alternativ har nämnden utrett för flera skolor?"
    kept = without_function_words(content_terms(question), question)
    assert {"alternativ", "skol"} <= set(kept)
    assert not {"olik", "fler"} & set(kept)


def test_words_that_place_a_year_relative_to_now_are_not_asked_terms() -> None:
    # Documents write "2025", not "förra året".
    question = "Hur många vattenläckor hade Ryd förra året och vad är målet nästa år?"
    kept = without_function_words(content_terms(question), question)
    assert {"vattenläck", "ryd", "mål"} <= set(kept)
    assert not {"förr", "året", "näst"} & set(kept)


def test_the_pro_verb_gora_is_not_an_asked_term() -> None:
    # "gjort" stands for whatever was done; the protocol says "beslutade" or "utreder".
    question = "Har nämnden i Ryd gjort något åt bristen på fritidsgårdar?"
    kept = without_function_words(content_terms(question), question)
    assert {"nämnd", "ryd", "brist", "fritidsgård"} <= set(kept)
    assert "gjort" not in kept


def test_the_unit_of_a_relative_time_is_not_an_asked_term() -> None:
    # "nästa år" is a time relative to now; "nästa möte" is a meeting.
    question = "Får hemtjänsten mer pengar nästa år, och när är nästa möte?"
    kept = without_function_words(content_terms(question), question)
    assert {"hemtjänst", "peng", "möt"} <= set(kept)
    assert not {"näst", "år"} & set(kept)


def test_a_superlative_is_not_an_asked_term() -> None:
    question = "Vilken av kommunerna har lägst avgift och den största simhallen?"
    kept = without_function_words(content_terms(question), question)
    assert {"avgift", "simhall"} <= set(kept)
    assert not {"lägst", "störst"} & set(kept)
    fee = "Vad ska kosta mest?"  # "kosta" is no superlative, "mest" is
    assert without_function_words(content_terms(fee), fee) == ["kost"]


def test_a_stem_a_content_word_also_gives_is_kept() -> None:
    # "lär" is an auxiliary, "lära" a verb with the same stem: the verb is a topic word.
    question = "Vad ska eleverna lära sig?"
    assert "lär" in without_function_words(content_terms(question), question)


def test_a_question_of_function_words_only_keeps_its_terms() -> None:
    assert without_function_words(["andr"], "andra") == ["andr"]


def test_a_missing_preposition_does_not_lower_coverage() -> None:
    chunk = _chunk("Nämnden fattade beslut om nya riktlinjer för bygglov.")
    stats = CorpusStats.from_chunks([chunk, _chunk("Kommunen har en vision.")])
    neutral = RefusalModel(0.0, (0.0,) * len(FEATURES), 0.5)
    evidence = measure_evidence("Vilka beslut fattade nämnden enligt protokollet om bygglov?",
                                [Hit(chunk=chunk, score=1.0, dense_score=0.9)], stats,
                                model=neutral)
    assert "enl" not in evidence.missing
    assert any(t.startswith("protokoll") for t in evidence.missing)


def _measured(question: str, passage: str, elsewhere: str) -> Evidence:
    """The evidence of ``passage`` for ``question`` in a corpus that also holds ``elsewhere``
    (scored by a model that weighs nothing: only the features matter)."""
    chunk = _chunk(passage)
    stats = CorpusStats.from_chunks([chunk, _chunk(elsewhere)])
    neutral = RefusalModel(0.0, (0.0,) * len(FEATURES), 0.5)
    return measure_evidence(question, [Hit(chunk=chunk, score=1.0, dense_score=0.9)], stats,
                            model=neutral)


def test_a_story_word_no_document_uses_is_no_gap_but_an_asked_one_is() -> None:
    passage, elsewhere = "Bastun i Ryd öppnar igen i mars.", "Kommunen har en vision."
    story = _measured("Mina skidpjäxor är trasiga och bastun i Ryd är stängd. När öppnar den?",
                      passage, elsewhere)
    assert story.coverage == pytest.approx(1.0)
    asked = _measured("När öppnar bastun i Ryd för skidpjäxor?", passage, elsewhere)
    assert asked.coverage < 0.8 and any(t.startswith("skidpjäx") for t in asked.missing)


def test_a_story_word_the_documents_use_elsewhere_is_no_gap_either() -> None:
    # "barn", "skidor" and "vinter" occur in the corpus, not in the passage: the asker's
    # circumstances are not what the passage must repeat, the question's own words are.
    passage, elsewhere = "Bastun i Ryd öppnar igen i mars.", "Barn åker skidor på vintern."
    story = _measured("Mina barn åker skidor varje vinter och bastun i Ryd är stängd. När öppnar "
                      "den?", passage, elsewhere)
    assert story.coverage == pytest.approx(1.0)
    assert story.unit_coverage == pytest.approx(1.0)
    asked = _measured("När öppnar bastun för barn i Ryd på vintern?", passage, elsewhere)
    assert asked.coverage < 0.9 and asked.unit_coverage < 0.9


def test_a_story_is_no_option_when_the_question_asks_nothing_of_its_own() -> None:
    # "Vad händer?" names nothing: what the story says is all it asks about, so one shared word
    # ("jobbet") does not make a passage about it.
    evidence = _measured("Jag cyklar till jobbet förbi skolan varje dag. Vad händer?",
                         "Jobbet med biblioteket i Ryd börjar 2027.",
                         "Cykelvägar och skolor byggs varje år.")
    assert evidence.coverage < 0.5


def test_a_name_in_the_story_is_what_the_question_is_about() -> None:
    # "Rydsbadet" is where the asker swims: a passage about another bath does not answer.
    named = _measured("Jag badar på Rydsbadet varje lördag. Blir det stängt?",
                      "Badhuset i Dalby stänger när den nya hallen öppnar.",
                      "Rydsbadet har öppet på morgnarna.")
    assert any(t.startswith("rydsbad") for t in named.missing)
    assert named.coverage < 0.6


def test_an_entity_typed_in_lower_case_is_a_name_as_when_capitalised() -> None:
    """"jag bor i ryd …. till hur mycket": the municipality the documents are about is a name
    however it is typed, so the rest of the story stays optional in both spellings."""
    chunk = _chunk("Friskvårdsbidraget höjs till 3 000 kronor.")
    stats = CorpusStats.from_chunks([chunk, _chunk("Fikarummet renoveras.")])
    neutral = RefusalModel(0.0, (0.0,) * len(FEATURES), 0.5)
    found = []
    for question in ("Jag är lärare i Ryd och hörde i fikarummet att friskvårdsbidraget ska "
                     "höjas. Till hur mycket?",
                     "jag är lärare i ryd och hörde i fikarummet att friskvårdsbidraget ska "
                     "höjas. till hur mycket"):
        evidence = measure_evidence(question, [Hit(chunk=chunk, score=1.0, dense_score=0.9)],
                                    stats, model=neutral, about={"d": "ryd"})
        found.append((evidence.coverage, evidence.unit_coverage))
    assert found[0] == found[1]
    assert found[1][0] > 0.9


def test_fixed_adverbials_and_reporting_verbs_are_not_asked_terms() -> None:
    # "i så fall", "över huvud taget": the nouns in them name nothing; "sa att", "läste att"
    # say how the asker heard of it.
    for question, absent in [
        ("Ska bastun i Ryd stänga, och varför i så fall?", {"fall"}),
        ("Gör nämnden nåt åt bastun över huvud taget?", {"huvud", "tag"}),
        ("Ärligt talat, min granne sa att bastun stänger. Stämmer det?", {"ärl", "tal", "sa"}),
        ("Jag läste att bastun stänger, och hörde att den rivs. Stämmer det?", {"läst", "hörd"}),
    ]:
        kept = without_function_words(content_terms(question), question)
        assert "bastun" in kept and not absent & set(kept), question


def test_a_period_names_each_of_its_years() -> None:
    assert years_named("Strategisk plan 2025–2027") == {2025, 2026, 2027}
    assert years_named("Budget 2026-2028 och 2030") == {2026, 2027, 2028, 2030}
    assert years_named("Antagen 1998, reviderad 2024") == {1998, 2024}


@pytest.mark.parametrize(("question", "missing"), [
    ("Vilken skattesats gäller 2019?", True),  # only other years are named
    ("Vilken skattesats gäller 2026?", False),  # the period of the title names it
    ("Vilken skattesats gäller?", False),  # no year asked
])
def test_a_year_no_chunk_names_is_missing(question: str, missing: bool) -> None:
    chunks = [_chunk("Skattesatsen är 21,62 kronor.", title="Budget 2025–2027"),
              _chunk("Resultatet 2024 blev 2 procent.", heading=("Utfall",))]
    assert year_missing(question, chunks) is missing


def test_the_year_feature_is_measured_on_the_top_chunks() -> None:
    chunk = _chunk("Skattesatsen för 2026 är 21,62 kronor.")
    stats = CorpusStats.from_chunks([chunk])
    neutral = RefusalModel(0.0, (0.0,) * len(FEATURES), 0.5)
    hits = [Hit(chunk=chunk, score=1.0, dense_score=0.9)]
    other = measure_evidence("Vilken skattesats hade kommunen 2019?", hits, stats, model=neutral)
    same = measure_evidence("Vilken skattesats har kommunen 2026?", hits, stats, model=neutral)
    assert other.year_missing and not same.year_missing
    index = FEATURES.index("year_missing")
    assert other.features[index] == 1.0 and same.features[index] == 0.0


def _missing(question: str, text: str) -> tuple[str, ...]:
    chunk = _chunk(text, title="Nyheter från fullmäktige – Ryd")
    stats = CorpusStats.from_chunks([chunk, _chunk("Kommunen har en ny vision.")])
    neutral = RefusalModel(0.0, (0.0,) * len(FEATURES), 0.5)
    return measure_evidence(question, [Hit(chunk=chunk, score=1.0, dense_score=0.9)], stats,
                            model=neutral).missing


def test_a_word_asking_for_the_latest_one_is_not_missing_when_absent() -> None:
    text = "Taxorna fastställdes för att gälla från 1 januari."
    assert _missing("Från när gäller de nya taxorna?", text) == ()
    assert _missing("Från när gäller de nya parkeringstaxorna?", text)  # a topic word is


def test_a_short_word_matches_its_inflected_and_genitive_forms() -> None:
    assert _missing("När antogs Ryds nya policy?", "Fullmäktige antog en ny policy i mars.") == ()
    assert _missing("Vad hände med nämndens begäran?", "Nämndens begäran avslogs.") == ()


def test_a_verb_matches_the_noun_made_of_it_also_as_a_compounds_head() -> None:
    from assistant.refusal import close_terms

    assert close_terms("styr", "verksamhetsstyrning")
    assert close_terms("följ", "uppföljning")
    assert not close_terms("styr", "styrelse")
    assert _missing("Hur följs målen upp i Ryd?", "Uppföljningen av målen görs i maj.") == ()


def test_a_compound_is_found_where_both_parts_are() -> None:
    stats = CorpusStats.from_chunks([
        _chunk("Prognosen i delårsrapporten visar ett överskott."),
        _chunk("Budgeten för klimatet och budgeten för skolan beslutas i juni."),
        _chunk("Skolbudgeten i Dalby är klar."),
    ])
    assert stats.parts("delårsprogno") == ("delårs", "progno")
    assert stats.parts("prognos") == ()  # too short to be two words
    # Known whole in one document, written as parts in another: the parts still count.
    assert stats.parts("skolbudget") == ("skol", "budget")
    text = "Prognosen i delårsrapporten visar ett överskott."
    assert _missing("Vad visar delårsprognosen?", text) == ()
    # "klimatbudget" splits too, but no passage has both parts.
    assert stats.parts("klimatbudget") == ("klimat", "budget")
    assert _missing("Vad är klimatbudgeten?", "Budgeten beslutas i juni.") == ("klimatbudget",)


def test_the_swedish_words_of_one_english_word_are_alternatives() -> None:
    """"cost" is "kostar", "kostnad" or "avgift": a passage with one of them lacks nothing."""
    from assistant.glossary import with_swedish_terms

    text = "Avgiften för simskolan i Ryd är 400 kronor."
    chunk = _chunk(text, title="Simskola – Ryd")
    stats = CorpusStats.from_chunks([chunk, _chunk("Kostnaden för bygget steg.")])
    neutral = RefusalModel(0.0, (0.0,) * len(FEATURES), 0.5)
    question = with_swedish_terms("What does the swimming school cost in Ryd?")
    evidence = measure_evidence(question, [Hit(chunk=chunk, score=1.0, dense_score=0.9)],
                                stats, "en", model=neutral)
    assert evidence.missing == ()
    assert evidence.coverage == 1.0


def test_verbs_that_ask_for_a_kind_of_answer_are_not_asked_terms() -> None:
    # "Jämför målen …" asks for the goals, which a passage names without saying "jämför".
    for question in ("Jämför resultatmålen i Ekby och Dalby.", "Explain the goals of Ryd."):
        kept = without_function_words(content_terms(question), question)
        assert not {"jämför", "explain"} & set(kept), kept
        assert kept


def test_a_comparisons_unit_need_not_name_the_other_side() -> None:
    """"Jämför skattesatsen i Ekby och Dalby": each side is answered by its own document's
    unit, which names its own municipality (as its publisher) and never the other one."""
    ekby = Chunk(chunk_id="e", doc_id="ekby", position=0, title="Budget 2027",
                 text="Skattesatsen är 21,62 kronor.")
    dalby = Chunk(chunk_id="d", doc_id="dalby", position=0, title="Budget 2027",
                  text="Skattesatsen är 22,10 kronor.")
    stats = CorpusStats.from_chunks([ekby, dalby, _chunk("Kommunen har en vision.")])
    neutral = RefusalModel(0.0, (0.0,) * len(FEATURES), 0.5)
    hits = [Hit(chunk=ekby, score=1.0, dense_score=0.9), Hit(chunk=dalby, score=0.9,
                                                            dense_score=0.9)]
    about = {"ekby": "Ekby", "dalby": "Dalby"}
    question = "Jämför skattesatsen i Ekby och Dalby."
    whole = measure_evidence(question, hits, stats, model=neutral, about=about)
    sides = measure_evidence(question, hits, stats, model=neutral, about=about,
                             compared=("Ekby", "Dalby"))
    assert sides.unit_coverage > whole.unit_coverage
    assert sides.coverage == whole.coverage


def test_an_everyday_word_a_passage_lacks_weighs_less_than_a_term_of_the_documents() -> None:
    # "gång" is an everyday word (the fee page says "per tillfälle"); "skattesats" is the
    # documents' own term. Both are missing from the passage and equally rare in the corpus,
    # so only their use in everyday Swedish tells them apart.
    passage, elsewhere = "Hyran för matsalen är 160 kronor.", "Ett tillfälle i taget."
    everyday = _measured("Vad kostar matsalen per gång?", passage, elsewhere)
    rare = _measured("Vad kostar matsalen per skattesats?", passage, elsewhere)
    assert "gång" in everyday.missing and "skattesat" in rare.missing
    assert everyday.coverage > rare.coverage
    assert everyday.unit_coverage > rare.unit_coverage


def test_specificity_falls_with_how_common_a_word_is_in_swedish() -> None:
    from assistant.language import EVERYDAY_FLOOR, specificity

    assert specificity("skattesats") == 1.0
    assert specificity("bostadsförsörjningsprogrammet") == 1.0  # unknown to the word list
    assert EVERYDAY_FLOOR <= specificity("gång") < specificity("sommaren") < 1.0
    assert specificity("och") == EVERYDAY_FLOOR
