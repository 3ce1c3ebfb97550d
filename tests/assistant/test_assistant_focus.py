"""Question analysis and focus verification on questions that are not in the evaluation set."""

import dataclasses

import pytest

from assistant.extractive import select_units
from assistant.focus import (
    analyze_question,
    answer_cue,
    comparing_words,
    indirect_question,
    quantities,
    stated_count,
)
from assistant.generation import Source
from assistant.lexical import analyze
from assistant.refusal import check_focus
from assistant.textunits import RELATION_WEIGHT, terms_match
from assistant.types import Chunk, Hit


def _types(question: str) -> list[str]:
    return [p.answer_type for p in analyze_question(question).parts]


def test_two_part_question_is_split_on_coordinated_wh_word() -> None:
    parts = analyze_question("Vad är äldreomsorgsplanen och vilka nämnder ansvarar för den?").parts
    assert [p.answer_type for p in parts] == ["definition", "entity"]
    assert parts[1].focus_terms == ("nämnd",)


def test_statement_before_the_question_is_context_not_a_part() -> None:
    analysis = analyze_question("Jag ska söka bidrag. Vilken nämnd beslutar om föreningsbidrag?")
    assert len(analysis.parts) == 1 and "bidrag" in analysis.context_terms


def test_answer_types_swedish_and_english() -> None:
    assert _types("Hur många elever går i grundskolan?") == ["count"]
    assert _types("Hur mycket kostar bygget?") == ["amount"]
    assert _types("När antogs översiktsplanen?") == ["time"]
    assert _types("Varför behövs en ny skola?") == ["reason"]
    assert _types("Vem leder socialnämnden?") == ["person"]
    assert _types("Where is the town hall, and when was it built?") == ["place", "time"]
    assert _types("Which of the five plans covers schools?") == ["pick"]


def test_focus_is_the_noun_phrase_before_the_verb() -> None:
    part = analyze_question("Vilka nya cykelvägar byggs i år?").parts[0]
    assert part.focus == ("nya", "cykelvägar")
    assert analyze_question("Vem är socialnämndens ordförande?").parts[0].focus_terms == ("ordför",)
    assert analyze_question("Hur många bor i Lund?").parts[0].focus == ("bor",)


def test_pick_one_question_records_set_size_and_present_marker() -> None:
    analysis = analyze_question("Vilket av de fem målen prioriteras i dag?")
    assert analysis.parts[0].answer_type == "pick" and analysis.parts[0].set_size == 5
    assert analysis.present


@pytest.mark.parametrize(("question", "count"), [
    ("Vilka fyra fokusområden har Ekby?", 4),
    ("Vilka är de två största projekten i planen?", 2),
    ("Which three goals does Dalby have?", 3),
    ("Vilka 5 mål gäller för nämnden?", 5),
    ("Vilka mål har Ekby?", None),
    ("Vilka mål har Ekby för de tre kommande åren?", None),
])
def test_a_set_question_says_how_many_members_when_a_number_stands_before_its_noun(
        question: str, count: int | None) -> None:
    assert stated_count(analyze_question(question).parts[0]) == count


@pytest.mark.parametrize(("question", "focus"), [
    ("Vilken kommun har högst skattesats, Ekby eller Dalby?", ("skattesats",)),
    ("Vilken av Ekby och Dalby har störst befolkningsmål?", ("befolkningsmål",)),
    ("Which municipality has the lowest tax rate, Ekby or Dalby?", ("tax", "rate")),
    ("Vilken kommun lägger mest pengar på skolan, Ekby eller Dalby?", ("pengar",)),
    ("Vilken kommun ska bygga flest bostäder, Ekby eller Dalby?", ("bostäder",)),
])
def test_which_one_has_the_most_asks_for_the_values_it_ranks(
        question: str, focus: tuple[str, ...]) -> None:
    part = analyze_question(question).parts[0]
    assert (part.answer_type, part.focus) == ("amount", focus)


def test_which_is_the_largest_asks_for_the_thing_itself() -> None:
    part = analyze_question("Vilket är det största projektet i planen?").parts[0]
    assert part.answer_type == "entity"


@pytest.mark.parametrize("question", [
    "Vad kostar simhallen numera?",
    "Vad kostar simhallen i dagsläget?",
    "Vad kostar simhallen nuförtiden?",
])
def test_a_present_time_adverb_marks_the_present_and_is_no_topic(question: str) -> None:
    analysis = analyze_question(question)
    assert analysis.present
    assert analysis.parts[0].focus == ("simhallen",) and analysis.parts[0].terms == ("simhall",)


def test_a_topic_put_first_is_what_the_pronoun_after_the_wh_word_asks_about() -> None:
    part = analyze_question("simhallen i ekby vad kostar den").parts[0]
    assert part.answer_type == "amount" and part.focus == ("simhallen",)


def test_elliptic_follow_up_part_inherits_the_topic() -> None:
    parts = analyze_question("Vilken skola byggs i Ryd, och hur mäts den?").parts
    assert "ryd" in parts[1].terms and parts[1].answer_type == "measure"


def test_quantity_cue_ignores_years() -> None:
    part = analyze_question("Hur många platser finns?").parts[0]
    assert answer_cue(part, "Det finns 40 platser.") == 1.0
    assert answer_cue(part, "Planen gäller år 2030.") == 0.0


def test_a_number_written_as_a_word_before_a_unit_of_time_is_a_quantity() -> None:
    part = analyze_question("Hur lång tid har jag på mig att svara?").parts[0]
    assert answer_cue(part, "Du svarar inom tio dagar via Mina sidor.") == 1.0
    assert answer_cue(part, "Du svarar via Mina sidor, en av tio tjänster.") == 0.0


def test_a_faq_entry_answers_what_its_heading_asks() -> None:
    # The unit under a question heading need not repeat the question's words: "svara" stands
    # in the heading, the figure in the answer below it. A heading that only names a topic
    # does not make a figure under it about what is asked.
    question = "Hur lång tid har jag på mig att svara på erbjudandet?"
    answer = "Du ska tacka ja eller nej inom 10 dagar via Mina sidor."
    faq = Chunk(chunk_id="c1", doc_id="d1", text=answer, position=0, title="Vanliga frågor",
                heading_path=("Kö", "Hur lång tid har jag på mig att svara på ett erbjudande?"))
    assert check_focus(question, [faq], year=2026).supported
    topic = dataclasses.replace(faq, heading_path=("Kö", "Svar på erbjudande om plats"))
    assert not check_focus(question, [topic], year=2026).supported


def test_a_figure_of_change_answers_only_a_question_about_change() -> None:
    level = analyze_question("Hur mycket får kulturnämnden i Ryd 2027?").parts[0]
    assert answer_cue(level, "12 miljoner kronor mer till kulturnämnden.") == 0.0
    assert answer_cue(level, "Ramen höjs med 12 miljoner kronor.") == 0.0
    assert answer_cue(level, "Ram 2027, mnkr: 240,5; Förändring, mnkr: +12,0") == 1.0
    # "fler" counts the libraries, not a change of the 5 millions.
    assert answer_cue(level, "5 miljoner går till fler bibliotek.") == 1.0
    change = analyze_question("Hur mycket mer får kulturnämnden i Ryd 2027?").parts[0]
    assert answer_cue(change, "12 miljoner kronor mer till kulturnämnden.") == 1.0
    raised = analyze_question("How much did Ryd raise taxes?").parts[0]
    assert answer_cue(raised, "Skatten höjs med 30 öre.") == 1.0


def test_a_number_word_answers_how_many_only_of_the_noun_it_counts() -> None:
    part = analyze_question("Hur många ledamöter har nämnden i Ryd?").parts[0]
    assert answer_cue(part, "Nämnden består av nio ordinarie ledamöter.") == 0.5
    assert answer_cue(part, "Nämnden arbetar inom fyra områden med sina ledamöter.") == 0.0
    english = analyze_question("How many members does the committee in Ryd have?").parts[0]
    from assistant.glossary import english_focus

    swedish = english_focus(english, {})
    assert answer_cue(english, "Nämnden består av nio ledamöter.", swedish) == 0.5


def test_indirect_question_for_the_refusal_sentence() -> None:
    part = analyze_question("Hur stor budget har tekniska nämnden för 2027?").parts[0]
    assert indirect_question(part) == "hur stor budget tekniska nämnden har för 2027"
    person = analyze_question("Vem är rektor på Lagaskolan?").parts[0]
    assert indirect_question(person) == "vem som är rektor på Lagaskolan"


def _chunk(n: int, text: str, title: str = "Plan") -> Chunk:
    return Chunk(chunk_id=f"c{n}", doc_id=f"d{n}", text=text, position=0, title=title)


PLAN = _chunk(1, "Kommunen ska bygga en ny skola. Målet är 40 000 invånare år 2040.")


def test_focus_absent_from_sources_is_not_supported() -> None:
    check = check_focus("Vem är skolans rektor?", [PLAN], year=2026)
    assert not check.supported and check.missing == "vem som är skolans rektor"


def test_count_needs_number_with_the_counted_thing_and_present_time() -> None:
    question = "Hur många invånare har kommunen idag?"
    assert not check_focus(question, [PLAN], year=2026).supported
    now = _chunk(2, "I dag har kommunen 28 000 invånare.")
    assert check_focus(question, [now], year=2026).supported
    # A row with the latest known figure beside the target has what holds now.
    row = _chunk(3, "Indikator: Invånare; Utgångsläge 2024: 27 500; Målvärde 2030: 30 000")
    assert check_focus(question, [row], year=2026).supported
    target = _chunk(4, "Indikator: Invånare; Målvärde 2030: 30 000")
    assert not check_focus(question, [target], year=2026).supported


def test_the_verb_after_hur_mycket_says_which_amount_of_its_subject() -> None:
    # "kostar" is how the asker says it; the document says "investeringen på …".
    cost = analyze_question("Hur mycket kostar nya sporthallen i Ekby?").parts[0]
    assert cost.focus_terms == ("sporthall",) and cost.verb == ("kost",)
    hall = _chunk(2, "Investeringen i sporthallen är beräknad till 90 miljoner kronor.")
    assert check_focus("Hur mycket kostar nya sporthallen i Ekby?", [hall]).supported
    # With no subject after it the verb is what is asked.
    assert analyze_question("Hur mycket tjänar man?").parts[0].focus_terms == ("tjän",)


def test_a_compound_the_title_names_is_named_in_the_unit_by_its_last_part() -> None:
    question = "Hur mycket kostar sporthallen i Ekby?"
    hall = _chunk(2, "Hallen ska kosta 90 miljoner kronor.", title="Ny sporthall i Ekby")
    assert check_focus(question, [hall]).supported
    other = _chunk(3, "Hallen ska kosta 90 miljoner kronor.", title="Ny simhall i Ekby")
    assert not check_focus(question, [other]).supported
    # Under a heading alone the figure is not said of the hall.
    heading = _chunk(4, "Budgeten är 90 miljoner kronor.", title="Ny sporthall i Ekby")
    assert not check_focus(question, [heading]).supported


def test_a_reference_number_is_no_amount() -> None:
    assert quantities("Ordföranden Eva Ek svarade (§ 12, bilaga 2, dnr 2026/14).") == []
    question = "Hur mycket tjänar kommunstyrelsens ordförande i Ekby?"
    cited = _chunk(2, "Frågan besvarades av kommunstyrelsens ordförande Eva Ek (§ 101).")
    assert not check_focus(question, [cited]).supported


def test_who_does_something_is_answered_by_a_person_a_role_or_another_body() -> None:
    question = "Vem leder kultur- och fritidsnämnden i Ekby?"
    task = _chunk(2, "Kultur- och fritidsnämnden får i uppdrag att utreda en ny fritidsgård.")
    assert not check_focus(question, [task]).supported
    budget = _chunk(3, "Nämnd: Kultur- och fritidsnämnden; Budget 2026 (mnkr): 27,5\n"
                       "Nämnd: Tekniska nämnden; Budget 2026 (mnkr): 40,1")
    assert not check_focus(question, [budget]).supported  # bodies as rows do nothing
    chair = _chunk(4, "Kultur- och fritidsnämndens ordförande är Eva Ek (S).")
    assert check_focus(question, [chair]).supported
    body = _chunk(5, "Tekniska nämnden ansvarar för bygget av den nya fritidsgården.")
    assert check_focus("Vem ansvarar för bygget av fritidsgården?", [body]).supported


def test_a_figure_of_a_past_year_is_the_latest_known_for_the_present() -> None:
    question = "Hur många invånare har kommunen idag?"
    latest = _chunk(2, "Den 31 december 2024 hade kommunen 28 000 invånare.")
    assert check_focus(question, [latest], year=2026).supported
    target = _chunk(3, "Kommunen ska ha 32 000 invånare år 2035.")
    assert not check_focus(question, [target], year=2026).supported
    # The year after a figure and its noun dates the figure; another year of the same
    # sentence dates something else (the plan that quotes the target).
    quoted = _chunk(4, "Nämndplanen för 2026 bidrar till visionen om 32 000 invånare år 2035.")
    assert not check_focus(question, [quoted], year=2026).supported
    counted = _chunk(5, "Kommunen hade 28 000 invånare 2025 och siktar på tillväxt till 2035.")
    assert check_focus(question, [counted], year=2026).supported


def test_the_head_of_a_compound_names_what_the_compound_is() -> None:
    # An "entréavgift" is an "avgift": Swedish compounds are what their last part is.
    fee = _chunk(2, "Entréavgiften till Ekvallsbadet är 60 kronor för vuxna.")
    assert check_focus("Hur stor är avgiften för badet?", [fee], year=2026).supported
    assert terms_match("avgift", "entréavgift") and terms_match("nämnd", "socialnämnd")
    # A short ending is no head: a "förskola" is no "skola".
    assert not terms_match("skol", "förskol")


def test_inflections_that_drop_an_unstressed_e_match() -> None:
    # "cyklar" and "cykel", "egna" and "egen": the stemmer keeps the forms apart.
    for asked, written in [("cyklar", "cykeln"), ("reglerna", "regel"), ("egna", "egen"),
                           ("livsmedlen", "livsmedel"), ("enkla", "enkelt")]:
        (a,), (b,) = analyze(asked), analyze(written)
        assert a != b and terms_match(a, b), (asked, written)
    (a,), (b,) = analyze("regler"), analyze("region")
    assert not terms_match(a, b)


def test_a_figure_for_another_year_does_not_answer_for_the_asked_year() -> None:
    question = "Hur många invånare ska kommunen ha år 2030?"
    assert not check_focus(question, [PLAN], year=2026).supported  # 40 000 is for 2040
    assert check_focus("Hur många invånare ska kommunen ha år 2040?", [PLAN],
                       year=2026).supported
    dated = _chunk(2, "Målet är 35 000 invånare.", title="Vision 2030")
    assert check_focus(question, [dated], year=2026).supported  # dated by its title
    compared = _chunk(3, "Målet är 35 000 invånare, 5 000 fler än 2025.", title="Plan 2030")
    assert check_focus(question, [compared], year=2026).supported
    # A figure without a year of its own is dated by its title: "Vision 2040" is not 2030.
    later = _chunk(4, "Målet är 45 000 invånare.", title="Vision 2040")
    assert not check_focus(question, [later], year=2026).supported


def test_pick_one_needs_a_singled_out_member() -> None:
    goals = _chunk(3, "Skolplanen hör till de globala målen.")
    question = "Vilket av de 17 globala målen hör skolplanen till?"
    assert not check_focus(question, [goals], year=2026).supported
    named = _chunk(4, "Skolplanen hör till globala mål 4 om utbildning.")
    assert check_focus(question, [named], year=2026).supported


def test_pick_one_does_not_need_the_words_that_place_it_in_time() -> None:
    """"i år" and "enligt" are no topic the singled-out row must name: the row that
    answers "klarar inte i år" says "Prognos 2026 … Nej"."""
    report = Chunk(chunk_id="r1", doc_id="r", position=0, title="Delårsrapport 2026 – Ekby",
                   text="Ekby har tre finansiella mål. Prognosen visar att två av dem nås.\n\n"
                        "Finansiellt mål: Resultat; Målvärde: minst 2 %; Prognos 2026: 2,5 %; "
                        "Uppfylls: Ja\nFinansiellt mål: Soliditet; Målvärde: minst 30 %; "
                        "Prognos 2026: 25 %; Uppfylls: Nej")
    question = "Vilka av de finansiella målen klarar Ekby inte i år enligt prognosen?"
    assert check_focus(question, [report], year=2026).supported


def _source(n: int, text: str, title: str, score: float) -> Source:
    chunk = Chunk(chunk_id=f"s{n}", doc_id=f"doc{n}", text=text, position=0, title=title)
    return Source(n, Hit(chunk=chunk, score=score, dense_score=0.9))


def test_every_part_gets_a_unit_and_anaphoric_sentence_follows() -> None:
    sources = [
        _source(1, "Parken ligger vid sjön. Den invigdes 1998.", "Stadsparken", 2.0),
        _source(2, "Parken sköts av tekniska förvaltningen.", "Skötsel av parker", 1.0),
    ]
    chosen = select_units("Var ligger parken, och vem sköter parken?", sources)
    texts = [c.unit.text for c in chosen]
    assert "Parken ligger vid sjön." in texts and "Den invigdes 1998." in texts
    assert "Parken sköts av tekniska förvaltningen." in texts


@pytest.mark.parametrize(("question", "focus", "indirect"), [
    ("hur många invånare vill kommunen ha", ("invånare",),
     "hur många invånare kommunen vill ha"),
    ("Hur många invånare ska Ljungby ha år 2035?", ("invånare",),
     "hur många invånare Ljungby ska ha år 2035"),
    ("Hur många elever ska erbjudas prao?", ("elever",),
     "hur många elever som ska erbjudas prao"),
    ("Vilka mål bör förvaltningen prioritera?", ("mål",),
     "vilka mål förvaltningen bör prioritera"),
    ("Hur många bor i kommunen?", ("bor",), "hur många som bor i kommunen"),
])
def test_modal_verbs_end_the_focus_and_order_the_refusal_sentence(
    question: str, focus: tuple[str, ...], indirect: str
) -> None:
    part = analyze_question(question).parts[0]
    assert part.focus == focus
    assert indirect_question(part) == indirect


def test_relation_words_are_neither_focus_nor_weighty() -> None:
    from assistant.textunits import RELATION_WEIGHT, term_weight

    part = analyze_question("Hur hänger verksamhetsplanerna ihop med visionen?").parts[0]
    assert part.focus == ("verksamhetsplanerna",)
    assert term_weight("ihop") == term_weight("häng") == RELATION_WEIGHT
    assert term_weight("verksamhetsplan") == 1.0


def test_words_that_compare_two_things_weigh_little_and_are_no_focus() -> None:
    from assistant.textunits import RELATION_WEIGHT, term_weight

    part = analyze_question("Vad är skillnaden mellan en policy och en riktlinje?").parts[0]
    assert "skillnaden" not in part.focus
    assert term_weight("skilln") == term_weight("skilj") == RELATION_WEIGHT
    assert term_weight("jämför") == RELATION_WEIGHT  # "Jämför målen i Ekby och Dalby."


@pytest.mark.parametrize(("question", "focus", "verb"), [
    ("Vem leder socialnämnden i Ryd?", ("socialnämnd",), ("led",)),
    ("Vad kostar simskolan?", ("simskolan",), ()),
    ("Vilka indikatorer använder kultur- och fritidsnämnden?", ("indikator",), ("använd",)),
    ("Hur många bostäder byggs i Ryd?", ("bostäd",), ("bygg",)),
    ("Hur många bor i Ryd?", ("bor",), ()),
    ("Vad ska hända med biblioteket?", ("bibliotek",), ("händ",)),
    # a strong verb's past has no -de/-te; a cleft asks what the plain question asks
    ("Vem skrev under avtalet i Ryd?", ("avtal",), ("skrev",)),
    ("Vem är det som leder socialnämnden?", ("socialnämnd",), ("led",)),
    # the main verb after an auxiliary and its subject; a yes/no question's first verb
    ("När ska planen för 2027 klubbas?", ("plan",), ("klubb",)),
    ("Hur ska nämnden i Ryd klara sitt sparkrav?", ("nämnd",), ("klar",)),
    ("Kan vi söka bidraget?", (), ("sök",)),
    ("Klarar nämnden målet i år?", (), ("klar",)),
])
def test_the_finite_verb_is_not_the_focus_and_weighs_like_a_relation(
    question: str, focus: tuple[str, ...], verb: tuple[str, ...]
) -> None:
    from assistant.textunits import RELATION_WEIGHT

    analysis = analyze_question(question)
    part = analysis.parts[0]
    assert part.focus_terms == focus and part.verb == verb
    assert all(analysis.term_weight(t) == RELATION_WEIGHT for t in verb)
    assert all(analysis.term_weight(t) == 1.0 for t in focus)


def test_a_person_is_found_under_another_word_for_the_verb() -> None:
    chair = _chunk(5, "Socialnämndens ordförande Eva Lind ansvarar politiskt för planen.")
    assert check_focus("Vem leder socialnämnden?", [chair], year=2026).supported
    assert analyze_question("Vad kostar simskolan?").parts[0].answer_type == "amount"


def test_a_superlative_ranks_the_focus_and_is_not_required() -> None:
    part = analyze_question("Vilka är de största investeringarna i planen?").parts[0]
    assert part.focus_terms == ("investering",)
    follow_up = analyze_question("Vad kostar den största av investeringarna (Ryd, 2026)?")
    assert follow_up.parts[0].focus == ("investeringarna",)


def test_a_relative_pronoun_in_a_stated_sentence_asks_nothing() -> None:
    analysis = analyze_question(
        "Jag har bott i Ryd i tio år, vilket har varit fint. Hur många förskolor har Ryd?")
    assert [p.answer_type for p in analysis.parts] == ["count"]
    asked = analyze_question("Vad är visionen. Och vilka är målen?")
    assert [p.answer_type for p in asked.parts] == ["definition", "entity"]


def test_of_coordinated_compounds_the_last_is_the_head() -> None:
    part = analyze_question("Vilka mål har kultur- och fritidsnämnden?").parts[0]
    assert part.focus == ("mål",)
    part = analyze_question("När öppnar nya sim- och sporthallen?").parts[0]
    assert "sporthallen" in part.focus and "sim" not in part.focus


def test_what_are_asks_for_the_set_and_a_possessor_is_not_the_focus() -> None:
    part = analyze_question("What are Ryd's vision's goal areas?").parts[0]
    assert part.answer_type == "entity" and part.focus == ("goal", "areas")
    assert analyze_question("What is Ryd's vision?").parts[0].answer_type == "definition"


def test_an_english_list_question_quotes_the_list_its_swedish_intro_names() -> None:
    text = ("Kommunens medarbetare ska vara:\n- tillgängliga,\n- pålitliga.\n\n"
            "Visionen konkretiseras i tre målområden:\n1. Trygghet\n2. Utbildning\n3. Klimat")
    chosen = select_units("What are the goal areas of Ryd?", [_source(1, text, "Ryd 2030", 1.0)])
    assert any("1. Trygghet" in c.unit.text for c in chosen)
    assert not any("pålitliga" in c.unit.text for c in chosen)


def test_how_often_asks_for_a_frequency() -> None:
    part = analyze_question("Hur ofta följs planen för Ekby upp?").parts[0]
    assert part.answer_type == "frequency"
    assert answer_cue(part, "Planen följs upp och revideras årligen.") == 1.0
    assert answer_cue(part, "Planen följs upp två gånger per år.") == 1.0
    assert answer_cue(part, "Planen antogs av fullmäktige 2024.") == 0.0


@pytest.mark.parametrize("question", [
    "Vilken skattesats har Dalby?", "Vad är skattesatsen i Dalby?",
    "Vilket belopp får föreningen?", "What is the tax rate in Dalby?",
    "Vad är prognosen för Dalbys resultat?", "Vad var utfallet för 2025?",
    "Vilken soliditet har Dalby?", "What is the forecast for the surplus?",
])
def test_a_quantity_noun_asks_for_an_amount(question: str) -> None:
    assert _types(question) == ["amount"]


@pytest.mark.parametrize(("question", "kind"), [
    ("Vad är en skattesats?", "definition"),  # what such a thing is, not its value
    ("Vad är ett program?", "definition"),
    ("Vilka avgifter finns i Dalby?", "entity"),  # the kinds, a list
    ("Vilken nämnd ansvarar för skolan?", "entity"),
])
def test_other_nouns_keep_their_answer_type(question: str, kind: str) -> None:
    assert _types(question) == [kind]


def test_a_quantity_question_is_not_answered_by_a_sentence_without_a_value() -> None:
    chunk = Chunk(chunk_id="c1", doc_id="d1", text=(
        "Resultatet ska räcka så att nästa generation inte får en högre skatt."),
        position=0, title="Finansiella mål i Dalby")
    check = check_focus("Vilken skattesats har Dalby?", [chunk])
    assert not check.supported


@pytest.mark.parametrize(("question", "name"), [
    ("Vem är kommunstyrelsens ordförande i Dalby?", True),
    ("Vem är socialdirektör i Ryd?", True),
    ("Who is the chair of the council in Ryd?", True),
    ("Vem driver projektet i Ryd?", False),  # who does something: a body will do
])
def test_a_question_for_a_role_asks_for_a_name(question: str, name: bool) -> None:
    from assistant.focus import asks_for_name

    assert asks_for_name(analyze_question(question).parts[0]) is name


@pytest.mark.parametrize(("text", "named"), [
    ("Kommunstyrelsens ordförande är Eva Ek (S).", True),
    ("Gun-Britt Lind, ordförande", True),
    ("På Sagomuseet finns sägnerna.", False),  # a sentence's first word and a place
    ("Socialdirektören fördelar uppdraget.", False),
    ("Kommunalrådet är också kommunstyrelsens ordförande.", False),
])
def test_a_person_is_named(text: str, named: bool) -> None:
    from assistant.focus import names_person

    assert names_person(text) is named


def test_a_role_question_is_not_supported_by_the_role_alone_or_another_bodys_names() -> None:
    def supported(question: str, text: str) -> bool:
        chunk = Chunk(chunk_id="c", doc_id="d", text=text, position=0, title="Politik i Ryd")
        return check_focus(question, [chunk]).supported

    assert not supported("Vem är socialdirektör i Ryd?", "Socialdirektören fördelar uppdraget.")
    assert supported("Vem är socialdirektör i Ryd?", "Socialdirektör är Eva Ek.")
    assembly = "Fullmäktiges ordförande är Eva Ek (S)."
    assert not supported("Vem är kommunstyrelsens ordförande i Ryd?", assembly)
    assert supported("Vem är fullmäktiges ordförande i Ryd?", assembly)


def test_which_years_asks_for_a_time() -> None:
    assert _types("Vilka år gäller programmet i Ryd?") == ["time"]
    assert _types("What years does the programme cover?") == ["time"]


def test_a_percent_sign_says_procent() -> None:
    from assistant.textunits import term_set

    assert "procent" in term_set("Utsläppen ska minska med 25% till 2030.")
    chunk = Chunk(chunk_id="c", doc_id="d", position=0, title="Miljöprogram för Ryd",
                  text="Utsläppen ska minska med 25% jämfört med 2019.")
    assert check_focus("Hur många procent ska utsläppen i Ryd minska?", [chunk]).supported


def test_the_askers_story_before_a_question_that_refers_back_weighs_little() -> None:
    from assistant.textunits import RELATION_WEIGHT

    analysis = analyze_question("Min granne sa att det blev bråk om bastun på fullmäktige i Ryd. "
                                "Hur röstade de?")
    assert {"grann", "bråk", "bastun"} <= set(analysis.parts[0].terms)  # what "de" refers to
    assert analysis.term_weight("grann") == analysis.term_weight("bråk") == RELATION_WEIGHT
    # What follows the question, such as the Swedish words an English one is searched with,
    # is no story of the asker's.
    english = analyze_question("What is the fee for the sauna? (avgift bastu)")
    assert english.term_weight("avgift") == 1.0


@pytest.mark.parametrize(("question", "focus"), [
    ("Hur lång tid tar det att få en plats i kön?", ("plats",)),
    ("Hur länge gäller riktlinjen?", ("riktlinjen",)),  # not "gäller"
])
def test_how_long_asks_for_an_amount_and_its_verb_is_no_focus(
        question: str, focus: tuple[str, ...]) -> None:
    part = analyze_question(question).parts[0]
    assert part.answer_type == "amount" and part.focus == focus


def test_english_modals_and_determiners_are_no_focus() -> None:
    part = analyze_question("How many meetings must each committee hold per year?").parts[0]
    assert part.focus == ("meetings",)


def test_an_english_progressive_verb_ends_the_focus_a_gerund_modifier_does_not() -> None:
    promise = analyze_question("What is the board planning to do about parking?").parts[0]
    assert promise.focus == ("board",) and promise.verb == ("planning",)
    points = analyze_question("How many public charging points are planned?").parts[0]
    assert points.focus == ("public", "charging", "points")


def test_a_role_is_not_found_in_a_word_that_only_opens_like_it() -> None:
    question = "Vem är kommundirektör i Ryd?"
    # "Kommunstyrelsens" is split into "kommun" and "styrelse", words the text has on their own.
    board = _chunk(6, "Kommunstyrelsens ordförande är Eva Ek. Styrelsen leder kommunen.")
    assert not check_focus(question, [board], year=2026).supported
    director = _chunk(7, "Kommundirektören Per Ås leder förvaltningen.")
    assert check_focus(question, [director], year=2026).supported


def test_money_asked_for_is_found_as_kronor() -> None:
    budget = _chunk(8, "Skolan i Ryd får 12 miljoner kronor 2027.")
    assert check_focus("Hur mycket pengar får skolan i Ryd 2027?", [budget], year=2026).supported


@pytest.mark.parametrize(("question", "required"), [
    ("Vilka andra beslut fattade nämnden i Ryd?", ("beslut",)),
    ("Hur mycket kostar nya bastun i Ryd?", ("bastun",)),
    ("Vilken kommun har mest ambitiösa mål för bostäder?", ("mål",)),
    ("Vilka olika alternativ har nämnden utrett för skolan i Ryd?", ("alternativ",)),
])
def test_a_modifier_that_refers_ranks_or_asks_for_the_latest_is_not_required(
    question: str, required: tuple[str, ...]
) -> None:
    assert analyze_question(question).parts[0].focus_terms == required


def test_how_many_live_somewhere_is_answered_by_its_inhabitants() -> None:
    # "Hur många bor/bodde …" counts the verb; documents give the number of "invånare".
    counted = _chunk(2, "Ryd hade 4 200 invånare den 31 december 2024.")
    assert check_focus("Hur många bodde i Ryd vid årsskiftet?", [counted], year=2026).supported
    assert check_focus("Hur många bor i Ryd?", [counted], year=2026).supported


def test_words_that_compare_weigh_like_relation_words() -> None:
    # Documents give each side's value, not "längre": the comparing word relates, the
    # nouns name what is compared.
    analysis = analyze_question("Är väntetiden längre i Ekby än i Dalby?")
    (longer,), (wait,) = analyze("längre"), analyze("väntetiden")
    assert analysis.term_weight(longer) == RELATION_WEIGHT
    assert analysis.term_weight(wait) == 1.0
    assert comparing_words("Vem har mest ambitiösa mål, Ekby eller Dalby?") == [
        "mest", "ambitiösa"]
    assert comparing_words("Är avgiften billigare än i Dalby?") == ["billigare"]
    # A noun in -are is no comparative; "mer" makes no noun after it one.
    assert comparing_words("Har Ekby fler invånare än Dalby?") == ["fler"]
    assert comparing_words("Hur många invånare har Ekby än så länge?") == []
    assert comparing_words("Får skolan mer pengar?") == ["mer"]
    assert comparing_words("Har Ekby höjt skatten mest inför 2026?") == ["mest"]
    # "för äldre" is for the elderly, not older
    assert comparing_words("Vilka insatser finns för äldre i Ekby?") == []


def test_a_date_near_the_same_place_name_is_not_the_asked_date() -> None:
    # "När antogs budgeten i Ekby?" asks for the budget's date; a sentence that only shares
    # the place name has a date of something else.
    vision = _chunk(4, "Visionen beskriver hur Ekby ska vara år 2040. I Ekby finns tre skolor.")
    assert not check_focus("När antogs budgeten i Ekby?", [vision], year=2026).supported
    budget = _chunk(5, "Budgeten för Ekby antogs av fullmäktige den 20 november 2025.")
    assert check_focus("När antogs budgeten i Ekby?", [budget], year=2026).supported


def test_what_a_rate_comes_to_asks_for_its_value() -> None:
    # "Vad blir skatten" asks for a figure, as "vad är skattesatsen" does.
    assert _types("Vad blir kommunalskatten i Ekby 2026?") == ["amount"]
    assert _types("Vad blev resultatet?") == ["amount"]
    # "för 2027" is the year, not "vad … för" (what kind of)
    assert _types("Vad blir kommunalskatten i Ekby för 2027?") == ["amount"]
    news = _chunk(6, "Kommunalskatten i Dalby är 21,90 kronor. Ekby har en ny vision.")
    ekby = _chunk(7, "Ekby sänker inte skatten, skriver kommunen i budgeten.")
    assert not check_focus("Vad blir kommunalskatten i Ekby 2026?", [ekby], year=2026).supported
    assert check_focus("Vad blir kommunalskatten i Dalby?", [news], year=2026).supported


def test_the_first_part_of_a_compound_is_not_the_compound() -> None:
    # "kommunala bolag" says nothing about "kommunalskatten"; a question word with an ending
    # the stemmer kept is still the text's word, and a question word finds its compounds.
    (tax,), (municipal,) = analyze("kommunalskatt"), analyze("kommunala")
    assert not terms_match(tax, municipal)
    assert terms_match("målvärdet", "målvärd") and terms_match("förskol", "förskoleplat")
    board = _chunk(8, "Riktlinjen gäller för alla nämnder och kommunala bolag från 2024.")
    assert not check_focus("Hur hög kommunalskatt betalar man i Ekby?", [board],
                           year=2026).supported


def test_what_a_role_holder_is_called_asks_for_a_person_of_the_named_body() -> None:
    assert _types("Vad heter ordföranden i socialnämnden?") == ["person"]
    assert _types("Vad heter planen?") == ["other"]
    board = _chunk(9, "Kommunstyrelsens ordförande är Eva Lund.")
    # The body is named before the part that refers to it with "där".
    question = "Jag vill kontakta socialnämnden i Ekby. Vad heter ordföranden där?"
    assert not check_focus(question, [board], year=2026).supported
    social = _chunk(10, "Socialnämndens ordförande är Nils Berg.")
    assert check_focus(question, [social], year=2026).supported


def test_a_count_in_the_story_is_no_focus_of_a_yes_no_question_without_one() -> None:
    # "två kvällar" is the asker's habit; the question is whether the slope closes.
    story = analyze_question("Jag åker skidor två kvällar per vecka. Ska backen läggas ner 2027?")
    assert story.parts[0].answer_type == "verify" and story.parts[0].focus_terms == ()
    # A doubted count is about the thing counted before it.
    doubted = analyze_question("Kommunen har tre visionsmål. Stämmer det att de är fem?")
    assert doubted.parts[0].focus_terms == tuple(analyze("visionsmål"))


def test_the_preamble_ends_where_a_part_asks_inside_a_sentence() -> None:
    # The first part "när blir den klar" is followed by a comma in the question, not by "?".
    analysis = analyze_question("Jag cyklar till jobbet varje dag. Jag läste om en ny cykelväg "
                                "– när blir den klar, och hur lång blir den?")
    assert analysis.parts[0].text.startswith("när blir den klar")
    assert analysis.only_in_preamble(analyze("jobbet")[0])
    assert not analysis.only_in_preamble(analyze("klar")[0])


def test_a_yes_no_comparison_asks_for_the_compared_value() -> None:
    # "Är skatten högre i Ekby än i Dalby?" is answered by each side's rate, not a yes.
    for question, noun in [("Är skatten högre i Ekby än i Dalby?", "skatten"),
                           ("Har nämnden större budget i Ekby än i Dalby?", "budget")]:
        (part,) = analyze_question(question).parts
        assert (part.answer_type, part.focus) == ("amount", (noun,))
    assert _types("Har Ekby en vision?") == ["verify"]
    plans = _chunk(11, "Skatten i Ekby beslutas av fullmäktige i november.")
    assert not check_focus("Är skatten högre i Ekby än i Dalby?", [plans], year=2026).supported


def test_a_compound_the_sources_write_whole_is_also_named_by_its_parts() -> None:
    question = "Hur stort är befolkningsmålet i Ekby?"
    whole = _chunk(2, "Befolkningsmålet är ett av fyra mål; befolkningen åldras.")
    assert not check_focus(question, [whole], year=2026).supported
    # "invånare" is a synonym of "befolkning"; "målet om" the compound's last part.
    parts = _chunk(3, "För att nå målet om 9 000 invånare behövs fler bostäder.")
    assert check_focus(question, [whole, parts], year=2026).supported
    # A figure for a later year is the target, though the sentence does not say "mål".
    vision = _chunk(4, "Vi är 9 000 invånare år 2035.")
    assert check_focus(question, [whole, vision], year=2026).supported
    assert not check_focus(question, [whole, vision], year=2036).supported


def test_money_and_shares_count_nothing_but_money_and_shares() -> None:
    count = analyze_question("Hur många anställda har Ekby?").parts[0]
    assert answer_cue(count, "Ekby har 1 200 anställda.") == 1.0
    assert answer_cue(count, "Budgeten ger 4 miljoner kronor till fler anställda.") == 0.0
    assert answer_cue(count, "Andelen nöjda anställda ska vara 88 procent.") == 0.0
    money = analyze_question("Hur många kronor kostar kortet i Ekby?").parts[0]
    assert answer_cue(money, "Kortet kostar 200 kronor.") == 1.0
    grant = _chunk(2, "Budgeten ger 4 miljoner kronor till fler anställda i hemtjänsten.")
    assert not check_focus("Hur många anställda har Ekby?", [grant], year=2026).supported


def test_the_intro_of_a_list_announces_how_many_items_it_has() -> None:
    from assistant.focus import announced_count

    assert announced_count("Nämnden har beslutat om tre nämndmål för 2026:") == 3
    assert announced_count("Kommunen har 4 fokusområden:") == 4
    assert announced_count("Följande indikatorer följer upp målen:") is None


def test_a_figure_is_dated_by_the_years_its_sentence_names_before_its_title() -> None:
    question = "Vad blir skattesatsen i Ekby för 2027?"
    budget = _chunk(2, "Skattesatsen för 2026 är 21,50 kronor.",
                    title="Budget 2026 med plan för 2027–2028")
    assert not check_focus(question, [budget], year=2026).supported
    # "från och med 2025" holds for the later years the document covers.
    raised = _chunk(3, "Skattesatsen höjs till 21,50 kronor från och med 2025.",
                    title="Finansiella mål 2025–2027")
    assert check_focus(question, [raised], year=2026).supported
    assert check_focus(question, [_chunk(4, "Skattesatsen är 21,50 kronor.",
                                         title="Budget 2027")], year=2026).supported


def test_of_statements_only_the_last_with_a_topic_is_the_request() -> None:
    """An imperative after the asker's story ("Jämför …") is what is asked; the story is
    context, and a closing "Tack!" is no request."""
    analysis = analyze_question("Hej! Jag har bott i Ekby i tio år och undrar över en sak. "
                                "Jämför skattesatsen i Ekby och Dalby. Tack!")
    assert [p.text for p in analysis.parts] == ["Jämför skattesatsen i Ekby och Dalby."]
    assert analysis.only_in_preamble("bott") and not analysis.only_in_preamble("skattesats")
    single = analyze_question("Skattesatsen i Ekby 2027.")
    assert [p.text for p in single.parts] == ["Skattesatsen i Ekby 2027."]


def test_a_bracketed_phrase_where_the_focus_stands_is_the_focus() -> None:
    # A follow-up rewritten with its topic in brackets: the bracket names what is ranked.
    part = analyze_question("Vilken av Ekby och Dalby är lägst (skattesats)?").parts[0]
    assert part.focus == ("skattesats",)


@pytest.mark.parametrize("question", [
    "What were the most important events in Ryd in 2025?",
    "Vilka är de mest ambitiösa målen i Ryd?",
])
def test_the_word_that_makes_a_superlative_is_not_required(question: str) -> None:
    # "most important events": documents list the events, seldom calling them "most" anything.
    terms = analyze_question(question).parts[0].focus_terms
    assert terms and not {"most", "mest"} & set(terms), terms


def test_what_something_costs_is_a_sum_of_money() -> None:
    cost = analyze_question("Hur många barn får plats på förskolan och vad kostar den?").parts[1]
    assert answer_cue(cost, "Förskolan får plats för 60 barn.") == 0.0
    assert answer_cue(cost, "Bygget beräknas kosta 38 miljoner kronor.") == 1.0


def test_a_cost_may_stand_under_the_heading_that_names_the_thing() -> None:
    question = "Hur mycket kostar förskolan i Dalby?"
    sum_of_money = "Bygget beräknas kosta 38 miljoner kronor."
    under = Chunk(chunk_id="c1", doc_id="d1", text=sum_of_money, position=0, title="Beslut",
                  heading_path=("Ny förskola i Dalby",))
    assert check_focus(question, [under]).supported
    other = Chunk(chunk_id="c2", doc_id="d2", text=sum_of_money, position=0, title="Beslut",
                  heading_path=("Ny simhall i Dalby",))
    assert not check_focus(question, [other]).supported


def test_a_reason_verb_may_take_an_adverb_before_its_preposition() -> None:
    why = analyze_question("Varför ökar ramen för fritidsgårdarna?").parts[0]
    assert answer_cue(why, "Ökningen beror främst på längre öppettider.") == 1.0
    assert answer_cue(why, "Ökningen förklaras till stor del av fler besökare.") == 1.0
    assert answer_cue(why, "Fritidsgårdarna har längre öppettider.") == 0.0


def test_a_determiner_marks_an_adjective_not_the_main_verb() -> None:
    assert analyze_question("Ska den gamla skolan rivas?").parts[0].verb == ("riv",)


@pytest.mark.parametrize(("question", "focus"), [
    ("What happened with the budget in Ryd?", ("budget",)),
    ("What happens next with the plan?", ("plan",)),
])
def test_english_verbs_of_events_and_relative_time_are_no_focus(
    question: str, focus: tuple[str, ...]
) -> None:
    assert analyze_question(question).parts[0].focus_terms == focus


@pytest.mark.parametrize("question", ["Vad är Ekbys skattesats 2026?", "Vad är Borås skattesats?"])
def test_a_names_genitive_is_no_focus(question: str) -> None:
    """A name in -s before a noun owns it: the noun is asked for, not the name (nor is the
    noun, ending in -s, read as a passive verb)."""
    part = analyze_question(question).parts[0]
    assert part.focus_terms == ("skattesat",) and part.answer_type == "amount"
