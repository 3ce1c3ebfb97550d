"""One scoring of candidate answer units (assistant/unitscore.py) and the greedy selection on it
(assistant/extractive.py), on small self-written Swedish texts."""

import pytest

from assistant.extractive import LONG_WORDS, ExtractiveGenerator, select_units
from assistant.generation import Source
from assistant.types import Chunk, Hit
from assistant.unitscore import FEATURES, MODEL, Candidate, UnitScorer, best_unit_scores
from evals.scorers import answer_words


def _source(n: int, text: str, doc: str = "", title: str = "Plan", score: float = 1.0,
            dense: float = 0.8) -> Source:
    chunk = Chunk(chunk_id=f"c{n}", doc_id=doc or f"doc{n}", text=text, position=n - 1,
                  title=title)
    return Source(n, Hit(chunk=chunk, score=score, dense_score=dense))


def _score_of(scorer: UnitScorer, start: str, part: int = 0) -> float:
    row = scorer.table()[part]
    return next(row[i] for i, u in enumerate(scorer.units) if u.unit.text.startswith(start))


def _unit(scorer: UnitScorer, start: str) -> Candidate:
    """The candidate unit whose text starts with ``start``."""
    return next(u for u in scorer.units if u.unit.text.startswith(start))


def test_the_model_has_one_weight_per_feature() -> None:
    assert len(MODEL.weights) == len(FEATURES)


def test_a_unit_with_the_asked_for_date_scores_above_one_without() -> None:
    text = ("Skolplanen beskriver hur skolorna i kommunen ska arbeta med trygghet. "
            "Skolplanen antogs av kommunfullmäktige den 14 mars 2023.")
    scorer = UnitScorer("När antogs skolplanen?", [_source(1, text)])
    assert _score_of(scorer, "Skolplanen antogs") > _score_of(scorer, "Skolplanen beskriver")


def test_a_unit_with_the_asked_for_percentage_scores_above_one_without() -> None:
    text = ("Kommunen ska ha en god ekonomisk hushållning med soliditet som mål. "
            "Soliditeten ska vara minst 40 procent år 2027.")
    scorer = UnitScorer("Hur hög ska soliditeten vara?", [_source(1, text)])
    assert _score_of(scorer, "Soliditeten ska vara") > _score_of(scorer, "Kommunen ska ha")


def test_a_repeated_unit_is_quoted_once() -> None:
    text = "Badhuset i Ekeby öppnade år 2019 och har en bassäng på 25 meter."
    chosen = select_units("När öppnade badhuset?", [_source(1, text), _source(2, text)])
    assert sum(c.unit.text == text for c in chosen) == 1


def test_another_document_with_a_different_figure_is_not_a_duplicate() -> None:
    first = _source(1, "Badhuset i Ekeby har en bassäng på 25 meter.")
    second = _source(2, "Badhuset i Ekeby har en bassäng på 50 meter.", score=0.9)
    text = ExtractiveGenerator().generate("Hur lång är bassängen i badhuset?", [first, second])
    assert "25 meter" in text and "50 meter" in text


def test_each_part_of_a_multi_part_question_gets_its_unit() -> None:
    text = ("Biblioteket ligger vid torget i Ekeby. Biblioteket har många böcker för barn. "
            "Biblioteket invigdes den 2 maj 1987. Personalen ordnar sagostunder för barn.")
    answer = ExtractiveGenerator().generate(
        "Var ligger biblioteket och när invigdes det?", [_source(1, text)])
    assert "vid torget" in answer and "2 maj 1987" in answer


def test_a_part_without_its_asked_for_type_is_named() -> None:
    text = "Biblioteket ligger vid torget i Ekeby. Biblioteket har många böcker för barn."
    answer = ExtractiveGenerator().generate(
        "Var ligger biblioteket och när invigdes det?", [_source(1, text)])
    assert "vid torget" in answer and "när" in answer.split("\n\n")[-1]


ITEMS = [
    "Trygga och jämlika uppväxtvillkor för alla barn och unga i hela kommunen",
    "En skola där varje elev når kunskapskraven och känner lust att lära",
    "Ett rikt kultur- och föreningsliv som är öppet för alla invånare",
    "Ett näringsliv som växer och skapar nya arbetstillfällen på landsbygden",
    "Goda bostäder i alla kommundelar med närhet till natur och service",
    "En hållbar energiförsörjning med förnybar el och minskade utsläpp",
    "En omsorg om äldre som ger trygghet, delaktighet och självbestämmande",
    "Säkra gång- och cykelvägar mellan skolor, arbetsplatser och bostäder",
    "Rent vatten och friska sjöar som skyddas för kommande generationer",
    "En öppen förvaltning där invånarna kan påverka och följa besluten",
    "Digitala tjänster som gör det enkelt att kontakta kommunen dygnet runt",
    "Ett aktivt arbete mot våld, kriminalitet och otrygghet i det offentliga rummet",
    "En kollektivtrafik som knyter samman tätorterna med täta och pålitliga avgångar",
    "Fler ungdomar som får sommarjobb och praktik hos kommunen och lokala företag",
    "En ekonomi i balans där varje generation bär kostnaden för sin egen service",
]


def test_a_list_question_keeps_the_whole_list_however_long() -> None:
    text = ("Fullmäktige beslutade om femton strategiska mål för perioden:\n"
            + "\n".join(f"- {item}" for item in ITEMS)
            + "\nMålen följs upp varje år i årsredovisningen.")
    answer = ExtractiveGenerator().generate("Vilka strategiska mål har fullmäktige beslutat?",
                                            [_source(1, text)])
    assert all(item in answer for item in ITEMS)
    assert answer_words(answer) > LONG_WORDS  # long, because the whole list is asked for


def test_a_question_for_one_value_gets_a_short_answer() -> None:
    sentences = [
        "Kommunen har i dag drygt 28 000 invånare enligt den senaste befolkningsprognosen.",
        "Befolkningen har ökat med omkring 300 invånare per år under det senaste decenniet.",
        "De flesta invånare bor i centralorten medan resten bor i de mindre tätorterna.",
        "Andelen invånare över 80 år väntas öka kraftigt fram till år 2035.",
        "Invånarna i kommunen är i genomsnitt nöjda med den kommunala servicen.",
        "Kommunen vill att fler invånare ska välja att flytta hit och bilda familj.",
        "Invånarnas synpunkter samlas in genom en enkät vartannat år.",
        "Antalet invånare i åldern 20 till 64 år har varit oförändrat sedan 2015.",
    ]
    sources = [_source(i, s, score=1.0 / i) for i, s in enumerate(sentences, start=1)]
    answer = ExtractiveGenerator().generate("Hur många invånare har kommunen?", sources)
    assert "28 000 invånare" in answer
    assert answer_words(answer) <= 80


def test_best_unit_scores_has_one_score_per_part_and_prefers_an_answering_source() -> None:
    answering = [_source(1, "Biblioteket ligger vid torget. Det invigdes den 2 maj 1987.")]
    unrelated = [_source(1, "Kommunen sköter vägar och parker i hela kommunen.")]
    question = "Var ligger biblioteket och när invigdes det?"
    scores = best_unit_scores(question, answering)
    assert len(scores) == 2
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores[0] > best_unit_scores(question, unrelated)[0]
    assert best_unit_scores(question, []) == (0.0, 0.0)


def test_a_year_the_question_names_is_not_the_asked_for_date() -> None:
    text = ("Den strategiska planen beskriver hur kommunen ska arbeta under perioden 2025–2027. "
            "Antagen av kommunfullmäktige 2024-06-17, § 78.")
    scorer = UnitScorer("När antogs den strategiska planen 2025–2027?", [_source(1, text)])
    part = scorer.analysis.parts[0]
    fits = {u.unit.text[:8]: scorer.type_fit(part, u) for u in scorer.units}
    assert fits == {"Den stra": 0.0, "Antagen ": 1.0}
    answer = ExtractiveGenerator().generate("När antogs den strategiska planen 2025–2027?",
                                            [_source(1, text)])
    assert "2024-06-17" in answer


def test_an_inflected_verb_matches_the_question_verb() -> None:
    text = "Strategin beskriver länets utveckling. Strategin antagen av regionfullmäktige 2024."
    scorer = UnitScorer("När antogs strategin?", [_source(1, text)])
    part = scorer.analysis.parts[0]
    missing = {u.unit.text[:20]: scorer.focus_missing(part, u) for u in scorer.units}
    assert missing == {"Strategin beskriver ": True, "Strategin antagen av": False}


def _entity_source(n: int, text: str, entity: str, score: float, dense: float) -> Source:
    base = _source(n, text, doc=f"{entity}-budget", title="Budget 2026", score=score, dense=dense)
    return Source(base.n, base.hit, entity=entity)


def test_a_comparison_quotes_each_named_entity_under_its_name() -> None:
    first = _entity_source(1, "Skattesatsen i Norrvik för 2026 är 21,64 kronor. Norrvik har "
                           "en stark ekonomi och ett högt resultat.", "norrvik", 1.0, 0.9)
    second = _entity_source(2, "Kommunfullmäktige sammanträdde i november. Skatten blir "
                            "22,31 kronor.", "åsbacka", 0.2, 0.6)
    question = "Vilken av Norrvik och Åsbacka har högst skattesats 2026?"
    answer = ExtractiveGenerator().generate(question, [first, second])
    assert "21,64" in answer and "22,31" in answer
    assert answer.index("Norrvik:") < answer.index("21,64") < answer.index("Åsbacka:") \
        < answer.index("22,31")


def test_a_question_naming_one_entity_has_no_entity_headings() -> None:
    first = _entity_source(1, "Skattesatsen i Norrvik för 2026 är 21,64 kronor.", "norrvik",
                           1.0, 0.9)
    answer = ExtractiveGenerator().generate("Vad är skattesatsen i Norrvik?", [first])
    assert "21,64" in answer and "Norrvik:" not in answer


def test_the_first_statement_under_a_heading_naming_the_asked_thing_defines_it() -> None:
    text = ("Kommunen arbetar med en vision som pekar ut riktningen.\n\nVisionen\n\n"
            '"Ekby 2030 – nära till allt, mitt i naturen."\n\n'
            "Visionen följs upp varje år av kommunstyrelsen.")
    scorer = UnitScorer("Vad är Ekbys vision?", [_source(1, text)])
    part = scorer.analysis.parts[0]
    fits = {u.unit.text[:12]: scorer.type_fit(part, u) for u in scorer.units}
    assert fits == {"Kommunen arb": 0.0, '"Ekby 2030 –': 1.0, "Visionen föl": 0.0}
    answer = ExtractiveGenerator().generate("Vad är Ekbys vision?", [_source(1, text)])
    assert "nära till allt" in answer


def test_a_question_naming_two_entities_without_comparing_them_has_no_entity_headings() -> None:
    first = _entity_source(1, "Norrvik samarbetar med Åsbacka om räddningstjänsten.", "norrvik",
                           1.0, 0.9)
    second = _entity_source(2, "Åsbacka har en egen brandstation.", "åsbacka", 0.2, 0.6)
    answer = ExtractiveGenerator().generate("Hur samarbetar Norrvik med Åsbacka?",
                                            [first, second])
    assert "räddningstjänsten" in answer and "Norrvik:" not in answer


def test_a_glossary_item_says_what_the_asked_term_is() -> None:
    text = ("Ekeby kommun styrs av lagar och av styrdokument som fullmäktige och nämnderna "
            "beslutar om.\n"
            "Kommunen har tre sorters styrdokument:\n"
            "- Policy – anger kommunens hållning i en fråga.\n"
            "- Handlingsplan – listar åtgärder med ansvar och tidplan.\n"
            "- Instruktion – säger steg för steg hur en uppgift utförs på en arbetsplats.")
    question = "Vad är en instruktion enligt Ekeby kommun?"
    scorer = UnitScorer(question, [_source(1, text, title="Styrdokument")])
    glossary = next(u for u in scorer.units if u.unit.kind == "list")
    assert scorer.type_fit(scorer.analysis.parts[0], glossary) == 1.0
    assert "steg för steg" in ExtractiveGenerator().generate(
        question, [_source(1, text, title="Styrdokument")])


GOALS_AND_FOLLOW_UP = (
    "Nämnden har beslutat om två verksamhetsmål för 2027:\n"
    "1. Fler elever ska läsa varje dag.\n"
    "2. Alla förskolor ska ha utegårdar med skugga.\n\n"
    "Uppföljning per år:\n"
    "- Läsdagar: 120 per år, kopplat till verksamhetsmål 1.\n"
    "- Utegårdar: 14 av 20 klara, kopplat till verksamhetsmål 2.")
CHAIN_AND_GOALS = (
    "Så hänger planerna ihop:\n"
    "- Visionen beslutas av fullmäktige.\n"
    "- Målen i budgeten beslutas av fullmäktige.\n"
    "- Nämndplanerna beslutas av nämnderna.\n"
    "- Aktiviteterna beslutas av förvaltningen.\n\n"
    "Våra mål:\n"
    "1. Fler ska flytta till Ekby.\n"
    "2. Fler elever ska klara skolan.\n"
    "3. Utsläppen ska minska.")


@pytest.mark.parametrize(("question", "text", "asked", "other", "other_fit"), [
    # The list whose intro names the asked thing is the asked set.
    ("Vilka verksamhetsmål har nämnden för 2027?", GOALS_AND_FOLLOW_UP,
     "Nämnden har beslutat", "Uppföljning per år", 0.5),
    # A question that says how many wants the list of that length.
    ("Vilka tre mål har fullmäktige i Ekby beslutat?", CHAIN_AND_GOALS,
     "Våra mål", "Så hänger planerna", 0.25),
])
def test_the_asked_set_is_the_list_that_fits_the_question(
        question: str, text: str, asked: str, other: str, other_fit: float) -> None:
    scorer = UnitScorer(question, [_source(1, text)])
    part = scorer.analysis.parts[0]
    fit = {start: next(scorer.list_fit(part, u) for u in scorer.units
                       if u.unit.kind == "list" and u.unit.text.startswith(start))
           for start in (asked, other)}
    assert fit[asked] == 1.0 and fit[other] == other_fit
    assert _score_of(scorer, asked) > _score_of(scorer, other)


def test_a_list_item_is_asked_for_by_the_focus_before_a_year_or_place_named_in_passing(
        ) -> None:
    """The item about the body asked for holds only a change; the item naming the year and
    the place ("Rydsbadet … 2027") is about something else, so the list has no answer."""
    question = "Hur mycket får kulturnämnden i Ryd 2027?"
    scorer = UnitScorer(question, [_source(1, "Budgeten innehåller bland annat:\n"
                                              "- 12 miljoner kronor mer till kulturnämnden,\n"
                                              "- 40 miljoner kronor för Rydsbadet som öppnar "
                                              "2027.")])
    listed = next(u for u in scorer.units if u.unit.kind == "list")
    assert scorer.type_fit(scorer.analysis.parts[0], listed) == 0.0


def _of(source: Source, entity: str) -> Source:
    return Source(source.n, source.hit, entity=entity)


def test_each_side_of_a_comparison_is_quoted_in_its_own_words() -> None:
    """Ekby's plan says "resultatmålet", Dalby's table "Resultat … Målvärde": Dalby's row
    holds the compound's parts and is quoted beside Ekby's sentence."""
    ekby = _of(_source(1, "Resultatmålet innebär att resultatet ska vara minst 2,0 procent.",
                       doc="ekby-budget", title="Budget"), "ekby")
    dalby = _of(_source(2, "Fullmäktige har fyra mål för planperioden:\n"
                           "1. Minst 100 nya bostäder per år.\n"
                           "2. Minst 50 nya företag per år.\n\n"
                           "Finansiellt mål: Resultat i procent av skatteintäkterna; "
                           "Målvärde: minst 1,5 %",
                        doc="dalby-plan", title="Plan", score=0.8), "dalby")
    question = "Jämför resultatmålen i Ekby och Dalby."
    scorer = UnitScorer(question, [ekby, dalby])
    assert scorer.compared == ["ekby", "dalby"]
    row = _unit(scorer, "Finansiellt mål")
    goals = next(u for u in scorer.units if u.unit.kind == "list")
    term = next(t for t in scorer.analysis.topic_terms if t.startswith("resultat"))
    assert scorer._presence[id(row)][term] == 1.0 and scorer._presence[id(goals)][term] == 0.0
    answer = ExtractiveGenerator().generate(question, [ekby, dalby])
    assert "2,0 procent" in answer and "1,5 %" in answer


def test_a_third_partys_document_naming_both_entities_first_is_no_comparison() -> None:
    """"Hur snabb ska bussen mellan Ekby och Dalby bli, jämfört med idag?" asks about the
    region's bus line when the region's plan ranks first: no side per municipality."""
    question = "Hur snabb ska bussen mellan Ekby och Dalby bli, jämfört med idag?"
    region = _of(_source(1, "Restiden med buss mellan Ekby och Dalby ska vara högst 30 "
                            "minuter, jämfört med 45 minuter i dag.", doc="ryd"), "ryd")
    ekby = _of(_source(2, "Ekby ska växa med 200 invånare per år.", doc="ekby", score=0.5),
               "ekby")
    dalby = _of(_source(3, "Dalby ska ha fler företag.", doc="dalby", score=0.4), "dalby")
    assert UnitScorer(question, [region, ekby, dalby]).compared == []
    region_second = _of(_source(1, region.hit.chunk.text, doc="ryd", score=0.3), "ryd")
    assert UnitScorer(question, [region_second, ekby, dalby]).compared == ["ekby", "dalby"]
    answer = ExtractiveGenerator().generate(question, [region, ekby, dalby])
    assert "30 minuter" in answer and "200 invånare" not in answer


def test_the_other_side_of_a_comparison_is_quoted_with_the_same_kind_of_unit() -> None:
    """A sentence with a figure for one side is set against a sentence with a figure for the
    other, not against a list that happens to hold numbers."""
    from assistant.extractive import choose_units

    ekby = _of(_source(1, "Skattesatsen i Ekby är 22,10 kronor.", doc="ekby"), "ekby")
    dalby = _of(_source(2, "Skattesatsen och budgeten i Dalby i korthet:\n"
                           "- skattesatsen höjs med 20 öre\n- 12 nya lärare anställs\n"
                           "- 5 miljoner kronor går till vägar\n\n"
                           "Dalby sänker inte skatten. Skattesatsen blir 21,95 kronor.",
                        doc="dalby", score=0.9), "dalby")
    scorer = UnitScorer("Jämför skattesatsen i Ekby och Dalby.", [ekby, dalby])
    chosen, _ = choose_units(scorer, fill=1.0)  # the part's unit and the other side's only
    assert [c.unit.text for c in chosen] == ["Skattesatsen i Ekby är 22,10 kronor.",
                                             "Skattesatsen blir 21,95 kronor."]


def test_a_why_answer_brings_the_sentence_that_explains_it() -> None:
    text = ("Fullmäktige beslutade att bygga en ny simhall i Ekby. Den gamla simhallen från 1968 "
            "stängs när den nya öppnar. Simhallen har fuktskador i taket och en renovering "
            "skulle kosta mer än en ny hall. Bygget börjar i maj.")
    answer = ExtractiveGenerator().generate("Varför stängs den gamla simhallen i Ekby?",
                                            [_source(1, text)])
    assert "stängs när den nya öppnar" in answer and "fuktskador" in answer


def test_a_definition_is_quoted_with_what_it_goes_on_to_say() -> None:
    text = ("Budgetplanen är fullmäktiges styrning av Ekby för tre år. Den innehåller mål och "
            "ramar. Budgetplanen utgår från visionen. Den revideras varje höst.\n"
            "Nämnderna lämnar sina underlag i april.")
    answer = ExtractiveGenerator().generate("Vad är Ekbys budgetplan?", [_source(1, text)])
    assert "tre år" in answer and "revideras varje höst" in answer
    assert "i april" not in answer


def test_what_is_x_quotes_the_paragraph_a_heading_x_opens_with() -> None:
    """A vision page describes what a vision is, and states its vision under "Visionen"."""
    about = _source(1, "Vision 2040\nVisionen är den långsiktiga bilden av vart Ekby vill nå. "
                       "Den gäller för hela kommunen.", doc="ekby-vision", title="Vision 2040")
    chunk = Chunk(chunk_id="c2", doc_id="ekby-vision", position=1, title="Vision 2040",
                  heading_path=("Vision 2040", "Visionen"),
                  text="Visionen\nEkby – där skogen möter sjön. Vi är 9 000 invånare år 2040.\n"
                       "I dag bor drygt 8 000 personer i kommunen.")
    statement = Source(2, Hit(chunk=chunk, score=0.9, dense_score=0.8))
    answer = ExtractiveGenerator().generate("Vad är Ekbys vision?", [about, statement])
    assert "där skogen möter sjön" in answer and "9 000 invånare år 2040" in answer
    assert "8 000 personer" not in answer


def test_a_decision_without_a_date_is_dated_by_the_meeting_it_is_reported_from() -> None:
    chunk = Chunk(chunk_id="c1", doc_id="kf", position=1,
                  title="Beslut från kommunfullmäktige 3 mars 2027",
                  heading_path=("Beslut från kommunfullmäktige 3 mars 2027", "Ny skolplan"),
                  text="Ny skolplan\nFullmäktige antog en ny skolplan för Ekeby (§ 12). "
                       "Planen gäller alla skolor.")
    source = Source(1, Hit(chunk=chunk, score=1.0, dense_score=0.8))
    answer = ExtractiveGenerator().generate("När antogs skolplanen i Ekeby?", [source])
    assert "Fullmäktige antog en ny skolplan" in answer
    assert "(Beslut från kommunfullmäktige 3 mars 2027)" in answer
    # A unit that dates itself is quoted as it is.
    dated = Chunk(chunk_id="c2", doc_id="plan", position=0, title="Skolplan",
                  text="Skolplanen antogs den 3 mars 2027.")
    plain = ExtractiveGenerator().generate(
        "När antogs skolplanen?", [Source(1, Hit(chunk=dated, score=1.0, dense_score=0.8))])
    assert "Skolplanen antogs den 3 mars 2027. [1]" in plain


def test_a_sentence_about_the_named_thing_by_its_noun_counts_as_naming_it() -> None:
    named = _source(1, "Bland årets aktiviteter finns bygget av förskolan Lärkbacken i Ryd.",
                    doc="plan")
    dated = _source(3, "Driften av den nya förskolan startar i januari 2027.", doc="plan",
                    score=0.5)
    # Another document's preschool, ranked above: only the name tells the two apart.
    other = _source(2, "Driften av den nya förskolan startar i mars 2028.", doc="annan")
    scorer = UnitScorer("När startar förskolan Lärkbacken?", [named, other, dated])
    assert _score_of(scorer, "Driften av den nya förskolan startar i januari") > _score_of(
        scorer, "Driften av den nya förskolan startar i mars")


def test_a_noun_a_document_gives_two_names_refers_to_neither() -> None:
    text = ("Kommunen bygger förskolan Lärkbacken och förskolan Tallåsen. "
            "Den nya förskolan öppnar i januari 2027.")
    scorer = UnitScorer("När öppnar förskolan Lärkbacken?", [_source(1, text, doc="plan")])
    unit = _unit(scorer, "Den nya")
    assert not scorer.matcher.terms("Lärkbacken") & unit.context_terms


def test_a_list_has_the_asked_value_only_in_the_item_about_what_is_asked() -> None:
    listed = _source(1, "Budgeten innehåller bland annat:\n"
                        "- 12 miljoner kronor till förskolan Lärkbacken,\n"
                        "- 30 miljoner kronor till badhuset, som öppnar igen i maj 2027.")
    scorer = UnitScorer("När öppnar förskolan Lärkbacken?", [listed])
    part = scorer.analysis.parts[0]
    assert scorer.type_fit(part, scorer.units[0]) == 0.0
    scorer = UnitScorer("När öppnar badhuset?", [listed])
    assert scorer.type_fit(scorer.analysis.parts[0], scorer.units[0]) == 1.0


def test_a_byline_naming_only_the_publisher_is_no_unit() -> None:
    page = Source(1, Hit(chunk=Chunk(chunk_id="c1", doc_id="budget", position=0,
                                     title="Budget 2027",
                                     text="Ryds kommun. Antagen av fullmäktige den 3 juni 2026."),
                         score=1.0, dense_score=0.8), entity="ryd")
    scorer = UnitScorer("När antogs budgeten i Ryd?", [page])
    assert [u.unit.text for u in scorer.units] == ["Antagen av fullmäktige den 3 juni 2026."]


def test_the_other_side_is_quoted_with_a_figure_in_the_same_measure() -> None:
    """Of two about equally good sentences with numbers, the one measured like the first
    side's figure (kronor) is set against it, not a date with a paragraph number."""
    from assistant.extractive import choose_units
    from assistant.focus import measure_words

    assert measure_words("Skatten blir 22,10 kronor 2026, § 12, 35 %.") == {"kronor", "procent"}
    ekby = _of(_source(1, "Ekby höjer skattesatsen till 22,10 kronor inför 2026.", doc="ekby"),
               "ekby")
    kronor = ("Dalby höjer skattesatsen till 21,95 kronor per hundra kronor beskattningsbar "
              "inkomst.")
    dalby = _of(_source(2, f"Dalby höjer skattesatsen, beslut den 17 november, § 164. {kronor}",
                        doc="dalby", score=0.9), "dalby")
    scorer = UnitScorer("Har Ekby eller Dalby höjt skattesatsen mest inför 2026?", [ekby, dalby])
    assert _score_of(scorer, "Dalby höjer skattesatsen, beslut") > _score_of(scorer, kronor)
    chosen, _ = choose_units(scorer, fill=1.0)
    assert kronor in [c.unit.text for c in chosen]


def test_every_side_is_quoted_after_a_long_list_for_the_other() -> None:
    """Ekby's goals come as one long list; Dalby's figure is still quoted beside it."""
    goals = "\n".join(
        f"{n}. Mål {n} om {topic} ska följas upp varje år med indikatorer som nämnden redovisar "
        f"för fullmäktige i årsredovisningen och i delårsrapporten under hösten."
        for n, topic in enumerate(["bostäder", "företag", "klimat", "trygghet", "kultur", "vatten",
                                   "andelen behöriga elever, minst 88 procent"], start=1))
    ekby = _of(_source(1, f"Fullmäktiges mål i Ekby:\n{goals}", doc="ekby"), "ekby")
    dalby = _of(_source(2, "Andelen behöriga elever i Dalby ska vara minst 90 procent.",
                        doc="dalby", score=0.8), "dalby")
    answer = ExtractiveGenerator().generate(
        "Vilken av Ekby och Dalby har högst mål för andelen behöriga elever?", [ekby, dalby])
    assert "88 procent" in answer and "90 procent" in answer


def test_a_target_stated_as_a_figure_for_a_later_year_answers_for_the_target() -> None:
    """Ekby's vision names "befolkningsmålet" only in a sentence without a figure; its target
    is "Vi är 9 000 invånare år 2035"."""
    ekby = _of(_source(1, "Befolkningsmålet är ett sätt att säkra välfärden när befolkningen "
                          "åldras. "
                          "Vi är 9 000 invånare år 2035.", doc="ekby-vision", title="Vision"),
               "ekby")
    dalby = _of(_source(2, "För att nå målet om 12 000 invånare år 2040 behövs fler bostäder.",
                        doc="dalby-vision", title="Vision", score=0.8), "dalby")
    question = "Vilken kommun har störst befolkningsmål, Ekby eller Dalby?"
    now, later = UnitScorer(question, [ekby, dalby], year=2026), UnitScorer(
        question, [ekby, dalby], year=2036)
    vision = _unit(now, "Vi är")
    assert not now.focus_missing(now.analysis.parts[0], vision)
    assert _score_of(now, "Vi är") > _score_of(later, "Vi är")
    answer = ExtractiveGenerator(today="2026-11-27").generate(question, [ekby, dalby])
    assert "9 000" in answer and "12 000" in answer, answer


def test_a_compound_is_not_named_by_its_parts_in_two_items_of_a_list() -> None:
    goals = _source(1, "Befolkningsmålet är ett av fyra mål; befolkningen åldras.\n\n"
                       "Kommunens mål:\n- Fler bostäder.\n- Alla invånare ska känna sig trygga.")
    target = _source(2, "Målet är att antalet invånare ska öka till 9 000.", score=0.8)
    scorer = UnitScorer("Hur stort är befolkningsmålet?", [goals, target])
    part = scorer.analysis.parts[0]
    listed = next(u for u in scorer.units if u.unit.kind == "list")
    stated = _unit(scorer, "Målet är")
    assert scorer.focus_missing(part, listed) and not scorer.focus_missing(part, stated)


def test_closed_class_words_do_not_choose_the_unit() -> None:
    # "nästa år" must not favour a list that says "per år" over the sentence on the money.
    goals = _source(1, "Kommunens mål:\n- Fler ska bo i Ekby, minst 100 nya invånare per år.\n"
                       "- Brukarna ska vara nöjda med hemtjänsten.")
    money = _source(2, "Budgeten ger hemtjänsten 4 miljoner kronor mer.", score=0.8)
    scorer = UnitScorer("Får hemtjänsten i Ekby mer pengar nästa år?", [goals, money])
    assert "år" not in scorer.weight and "hemtjänst" in scorer.weight
    assert _score_of(scorer, "Budgeten ger") > _score_of(scorer, "Kommunens mål")


def test_a_why_part_prefers_the_unit_that_gives_a_reason() -> None:
    taxes = _source(1, "Taxan för vatten och avlopp höjs med 8 procent 2026. "
                       "Taxan för vatten och avlopp höjs för att finansiera ett nytt reningsverk.")
    scorer = UnitScorer("Varför höjs taxan för vatten och avlopp?", [taxes])
    assert _score_of(scorer, "Taxan för vatten och avlopp höjs för") > _score_of(
        scorer, "Taxan för vatten och avlopp höjs med")


def test_a_sentence_that_lists_the_asked_set_after_a_colon_is_that_list() -> None:
    values = _source(1, "Så tolkar vi orden i visionen:\n- Öppen betyder att alla är välkomna.\n"
                        "- Grön betyder att vi värnar naturen.\n\n"
                        "Medarbetarna i Ekby har en värdegrund med tre ord: respekt, engagemang "
                        "och ansvar.\n\n"
                        "Strategin gäller alla aktörer i länet: kommunerna, näringslivet och "
                        "högskolan.")
    scorer = UnitScorer("Vilka ord har Ekby i sin värdegrund?", [values])
    part = scorer.analysis.parts[0]
    inline = _unit(scorer, "Medarbetarna")
    other = _unit(scorer, "Strategin")
    assert scorer.features(part, inline)[FEATURES.index("list_fit")] == 1.0
    assert scorer.features(part, other)[FEATURES.index("list_fit")] == 0.0
    assert _score_of(scorer, "Medarbetarna") > _score_of(scorer, "Så tolkar")


def test_of_two_lists_that_name_the_set_the_one_announcing_its_number_is_the_set() -> None:
    plan = _source(1, "Nämnden har beslutat om tre nämndmål för 2026:\n"
                      "1. Ökad måluppfyllelse i grundskolan.\n2. En trygg skolmiljö.\n"
                      "3. God tillgång till förskola.\n\n"
                      "Följande indikatorer följer upp nämndmålen:\n"
                      "- Andel behöriga elever i årskurs 9: 88 procent.\n"
                      "- Andel trygga elever: 92 procent.\n"
                      "- Andel med plats på önskat datum: 100 procent.\n"
                      "- Sjukfrånvaro bland medarbetarna: 6,5 procent.")
    scorer = UnitScorer("Vilka nämndmål har barn- och utbildningsnämnden i Ekby?", [plan])
    part = scorer.analysis.parts[0]
    goals = _unit(scorer, "Nämnden har")
    indicators = _unit(scorer, "Följande")
    assert scorer.list_fit(part, goals) == 1.0
    assert scorer.list_fit(part, indicators) < 1.0
    assert _score_of(scorer, "Nämnden har") > _score_of(scorer, "Följande")


def test_a_part_that_names_three_items_asks_for_the_whole_set() -> None:
    from assistant.focus import Part, analyze_question
    from assistant.unitscore import asks_for_list

    def part(question: str) -> Part:
        return analyze_question(question).parts[0]

    assert asks_for_list(part("Hur fördelas budgeten i Ryd på förskola, grundskola och "
                              "gymnasium?"))
    assert asks_for_list(part("Vilka mål har nämnden?"))
    assert not asks_for_list(part("Hur stor är budgeten för förskola och grundskola?"))
