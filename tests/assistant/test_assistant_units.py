import itertools
from datetime import date

from assistant.extractive import ExtractiveGenerator, select_units
from assistant.generation import Source
from assistant.refusal import check_focus
from assistant.textunits import detect_language, split_units
from assistant.types import Chunk, Hit


def _source(n: int, text: str, heading: tuple[str, ...] = (), **meta: object) -> Source:
    chunk = Chunk(chunk_id=f"c{n}", doc_id=f"doc{n}", text=text, position=0, title=f"Dok {n}",
                  heading_path=heading, **meta)
    return Source(n, Hit(chunk=chunk, score=1.0 / n, dense_score=0.9), bool(meta.get("valid_to")))


PLAN = ("Aktivitet 1. Mötesplats för unga\nVi öppnar en mötesplats för unga vuxna.\n"
        "- Nyckeltal: antal besök per vecka\n- Målvärde 2026: minst 250 besök per vecka")
GOALS = ("Kommunens visionsmål:\n- Bästa kommun att växa i\n- Livslångt lärande för alla\n"
         "- Vi skapar ett rikt liv")


def test_split_units_keeps_list_with_intro_and_table_rows() -> None:
    units = split_units("Inledning. Andra meningen.\n" + GOALS + "\nMål: 1; Målvärde: 90 %")
    assert [u.kind for u in units] == ["sentence", "sentence", "list", "row"]
    assert units[2].text.startswith("Kommunens visionsmål:\n- Bästa")


def test_list_without_intro_takes_the_heading() -> None:
    units = split_units("Kommunens fyra fokusområden\n1. Unga vuxna\n2. Vatten")
    assert units[0].text == "Kommunens fyra fokusområden:\n1. Unga vuxna\n2. Vatten"


def test_list_question_gets_the_whole_list_cited() -> None:
    text = ExtractiveGenerator().generate("Vilka är visionsmålen?", [_source(1, GOALS)], "sv")
    assert "Bästa kommun att växa i" in text and "Vi skapar ett rikt liv [1]" in text


def test_numeric_question_gets_number_and_unit() -> None:
    sources = [_source(1, "Mötesplatsen ligger centralt i Ljungby."), _source(2, PLAN)]
    text = ExtractiveGenerator().generate("Vilket målvärde har mötesplatsen?", sources, "sv")
    assert "250 besök per vecka" in text and "[2]" in text


def test_near_duplicates_are_quoted_once() -> None:
    sources = [_source(1, GOALS), _source(2, GOALS)]
    chosen = select_units("Vilka är visionsmålen?", sources)
    assert sum("Vi skapar ett rikt liv" in c.unit.text for c in chosen) == 1


def test_superseded_source_is_marked_in_the_text() -> None:
    source = _source(1, "Värdegrunden var: vi är öppna.", valid_from=date(2019, 1, 1),
                     valid_to=date(2022, 12, 31))
    text = ExtractiveGenerator().generate("Vilken värdegrund?", [source], "sv")
    assert "(gällde 2019–2022) [1]" in text


def test_english_lead_for_english_questions() -> None:
    assert detect_language("How many legend sites are there?") == "en"
    assert detect_language("Hur många sägenplatser finns det?") == "sv"
    assert ExtractiveGenerator().generate("What?", [_source(1, GOALS)], "en").startswith("This is")


MENTION = ("Till visionen finns tre visionsmål. Visionsmålen är kopplade till de globala målen. "
           "Ett antal av dem hänger ihop med visionsmålen.")
VISION = ('Vår vision är: "Tillsammans mot 2035". Ordet "tillsammans" betyder att vi samarbetar. '
          "Kommunen har ett rikt föreningsliv. Med orden \"mot 2035\" vill vi säga att målet är "
          "långsiktigt.")


def test_definition_quotes_the_sentence_that_defines_first() -> None:
    """"Vad är visionen?": the passage that says what the vision is wins over a higher-ranked
    one that only mentions it."""
    chosen = select_units("Vad är visionen?", [_source(1, MENTION), _source(2, VISION)])
    texts = [c.unit.text for c in chosen]
    assert texts[0].startswith("Vår vision är")
    assert "Kommunen har ett rikt föreningsliv." not in texts


TABLE = ("Kommunen har två finansiella mål:\n"
         "Mål: Årets resultat; Målvärde: minst 2,0 %\nMål: Soliditet; Målvärde: minst 25 %\n"
         "Resultatet blir 26 miljoner kronor.")


def test_table_rows_stay_with_their_intro_and_each_row_is_a_unit() -> None:
    units = split_units(TABLE)
    assert [u.kind for u in units] == ["row", "row", "table", "sentence"]
    assert units[2].text.splitlines() == TABLE.splitlines()[:3]


def test_list_question_quotes_the_whole_table() -> None:
    text = ExtractiveGenerator().generate("Vilka finansiella mål har kommunen?",
                                          [_source(1, TABLE)], "sv")
    assert "minst 2,0 %" in text and "minst 25 %" in text


def test_a_question_for_one_value_quotes_its_row_not_the_whole_table() -> None:
    text = ExtractiveGenerator().generate("Hur hög soliditet ska kommunen ha?",
                                          [_source(1, TABLE)], "sv")
    assert "minst 25 %" in text and "två finansiella mål" not in text


def test_multi_part_answer_names_the_part_the_sources_do_not_answer() -> None:
    question = "Vem är ordförande i nämnden och när antogs planen?"
    partial = [_source(1, "Nämndens ordförande är Eva Ek. Planen gäller alla skolor.")]
    text = ExtractiveGenerator().generate(question, partial, "sv")
    assert "Eva Ek" in text and "Det framgår inte av dokumenten när planen antogs." in text
    complete = [_source(1, "Nämndens ordförande är Eva Ek. Planen antogs den 3 maj 2024.")]
    text = ExtractiveGenerator().generate(question, complete, "sv")
    assert "3 maj 2024" in text and "framgår inte" not in text and "svarar inte" not in text


def test_a_list_right_after_a_paragraph_keeps_its_last_sentence_as_intro() -> None:
    text = ("Planen gäller alla. Kommunen arbetar med två fokusområden.\n- Skog\n- Vatten\n"
            "Rubrik\n- Ett\n- Två")
    units = split_units(text)
    assert [u.text for u in units[:2]] == [
        "Planen gäller alla.", "Kommunen arbetar med två fokusområden.\n- Skog\n- Vatten"]
    assert units[2].text == "Rubrik:\n- Ett\n- Två"


def test_a_list_cut_by_the_chunker_is_continued_from_the_next_chunk() -> None:
    from assistant.textunits import continue_list

    first = "Mål\nKommunen har tre mål:\n- Skog\n- Vatten"
    assert continue_list(first, "Mål\n- Luft\nNästa stycke börjar här.", "Mål") == (
        first + "\n- Luft")
    assert continue_list("Ett stycke.", "- Luft", "Mål") == "Ett stycke."
    assert continue_list(first, "Nästa stycke.\n- Luft", "Mål") == first


def test_a_list_cut_by_the_chunker_is_begun_from_the_chunk_before() -> None:
    from assistant.textunits import list_opening

    before = "Mål\nStycket före.\nKommunen har tre mål:\n- Skog\n- Vatten"
    assert list_opening(before, "Mål\n- Luft\nNästa stycke.", "Mål") == (
        "Mål\nKommunen har tre mål:\n- Skog\n- Vatten\n- Luft\nNästa stycke.")
    rows = "Nr: 1; Mål: Skog\nNr: 2; Mål: Vatten"
    assert list_opening(rows, "Nr: 3; Mål: Luft", "") == rows + "\nNr: 3; Mål: Luft"
    assert list_opening(before, "Ett stycke.\n- Luft", "Mål") == "Ett stycke.\n- Luft"
    assert list_opening("Inget slutar i en lista.", "- Luft", "") == "- Luft"


def test_a_quotation_of_two_sentences_is_one_unit() -> None:
    text = ('Visionen lyder: "Ekby 2030 – nära till allt. Vi är 9 000 invånare." '
            "Den antogs 2020. Den gäller alla nämnder.")
    units = [u.text for u in split_units(text)]
    assert units == ['Visionen lyder: "Ekby 2030 – nära till allt. Vi är 9 000 invånare."',
                     "Den antogs 2020.", "Den gäller alla nämnder."]


def test_an_open_quotation_mark_joins_nothing() -> None:
    text = 'Han sa "hej. Sedan gick han. Det regnade.'
    assert len(split_units(text)) == 3


def test_a_short_quoted_sentence_on_its_own_line_is_not_a_heading() -> None:
    units = split_units('Visionen\n\n"Ekby 2030 – nära till allt."\n\nMer text följer här.')
    assert [(u.text, u.context) for u in units] == [
        ('"Ekby 2030 – nära till allt."', "Visionen"), ("Mer text följer här.", "Visionen")]


def test_an_anaphoric_list_intro_takes_the_sentence_it_refers_to() -> None:
    text = ("Nämnden har valt tre prioriteringar för 2027. Dessa styr budgetarbetet:\n"
            "1. Läsning i lågstadiet\n2. Fler vuxna i skolan\n3. Trygga skolvägar")
    (unit,) = split_units(text)
    assert unit.kind == "list"
    assert unit.text.startswith("Nämnden har valt tre prioriteringar för 2027. Dessa styr")


def test_every_unit_of_an_entitys_document_counts_its_name() -> None:
    from assistant.unitscore import UnitScorer

    chunk = Chunk(chunk_id="c1", doc_id="ekeby-plan", position=0, title="Plan 2027",
                  text="Kommunen ska bygga 40 bostäder. Ekeby ska ha 300 företag.")
    source = Source(1, Hit(chunk=chunk, score=1.0, dense_score=0.8), entity="ekeby")
    scorer = UnitScorer("Hur många bostäder ska Ekeby bygga?", [source])
    part = scorer.analysis.parts[0]
    homes = next(u for u in scorer.units if "bostäder" in u.unit.text)
    assert scorer.coverage(part.terms, homes) == 1.0


def test_an_intro_is_continued_by_the_subsections_it_announces() -> None:
    from assistant.textunits import list_subsections

    plan = ("Verksamhetsplan 2027", "Våra mål")

    def chunk(position: int, path: tuple[str, ...], text: str) -> Chunk:
        return Chunk(chunk_id=f"c{position}", doc_id="plan", text=text, position=position,
                     title="Verksamhetsplan 2027", heading_path=path)

    chunks = [
        chunk(0, plan, "Våra mål\nNämnden har två mål för 2027. Under varje mål står dess mått:"),
        chunk(1, (*plan, "Mål 1: Fler läser"), "Mål 1: Fler läser\nMått: Lästid; Målvärde: 20"),
        chunk(2, (*plan, "Mål 1: Fler läser"), "Mått: Utlån; Målvärde: 900"),
        chunk(3, (*plan, "Mål 2: Tryggare skolgårdar"), "Mål 2: Tryggare skolgårdar\nMått: X"),
        chunk(4, ("Verksamhetsplan 2027", "Budget"), "Budget\nRamen är 10 mnkr."),
    ]
    after = {c.position: n for c, n in itertools.pairwise(chunks)}
    text = list_subsections(chunks[0], chunks[1], lambda c: after.get(c.position))
    assert text.endswith(":\n- Mål 1: Fler läser\n- Mål 2: Tryggare skolgårdar")
    (goals,) = [u for u in split_units(text, plan) if u.kind == "list"]
    assert goals.text.startswith("Under varje mål") and goals.text.endswith("skolgårdar")
    # A chunk that does not end with an intro is left as it is.
    assert list_subsections(chunks[4], None, lambda c: None) == chunks[4].text


def test_a_heading_that_states_a_goal_is_also_a_unit() -> None:
    text = ("Nettoinvesteringarnas andel av skatteintäkterna bör ej överstiga 9 %\n"
            "Höga investeringar kan öka behovet av lån.\nEkonomiska mål")
    units = split_units(text, ("Ekonomi i Ryd",))
    assert units[0].text.startswith("Nettoinvesteringarnas andel") and units[0].kind == "sentence"
    assert units[1].context == units[0].text  # still the heading of what follows it
    assert len(units) == 2  # a heading that states nothing is no unit


def test_the_title_is_not_quoted_as_a_statement() -> None:
    title = "Budgeten för nästa år är antagen av fullmäktige"
    units = split_units(f"{title}\nSkatten blir oförändrad.", (title,))
    assert [u.text for u in units] == ["Skatten blir oförändrad."]


def test_a_value_line_completes_the_label_above_it() -> None:
    text = ("Beslutad skattesats, kr\n22,15\nBefolkningsantagande\n9 400\n"
            "Årets resultat ska uppgå till minst 2 % av skatteintäkterna\n14,2 mnkr")
    units = split_units(text, ("Ekonomi i Ryd", "Nyckeltal"))
    assert [u.text for u in units] == [
        "Beslutad skattesats, kr: 22,15",
        "Befolkningsantagande: 9 400",
        "Årets resultat ska uppgå till minst 2 % av skatteintäkterna: 14,2 mnkr",
    ]
    assert {u.context for u in units} == {"Nyckeltal"}  # a label is no section heading


def test_a_value_line_without_a_label_is_no_heading() -> None:
    units = split_units("Resultatet ska vara minst 2 % av skatteintäkterna.\n2 %\nDet följs upp.")
    assert [u.context for u in units] == ["", ""]


def test_the_headings_that_name_the_asked_noun_are_found_in_order() -> None:
    from assistant.textunits import named_headings

    title = "Mål för Ryd"
    chunks = [
        Chunk(chunk_id="c0", doc_id="d", position=0, title=title, heading_path=(title,),
              text=f"{title}\nInledning om målen.\nFokusområde: Skola"),
        Chunk(chunk_id="c1", doc_id="d", position=1, title=title,
              heading_path=(title, "Fokusområde: Skola"), text="Fokusområde: Skola\nText."),
        Chunk(chunk_id="c2", doc_id="d", position=2, title=title,
              heading_path=(title, "Fokusområde: Miljö", "Fokusområdets mått"),
              text="Fokusområdets mått\nMått följer."),
    ]
    assert named_headings(chunks, "fokusområd") == ["Fokusområde: Skola", "Fokusområde: Miljö"]
    assert named_headings(chunks, "mål") == []  # the title is not one of its own headings


def _sections(title: str, intro: str, sections: list[str]) -> list[Chunk]:
    chunks = [Chunk(chunk_id="c0", doc_id="d", position=0, title=title, heading_path=(title,),
                    text=f"{title}\n{intro}")]
    for n, heading in enumerate(sections, start=1):
        chunks.append(Chunk(chunk_id=f"c{n}", doc_id="d", position=n, title=title,
                            heading_path=(title, heading), text=f"{heading}\nText om det."))
    return chunks


def test_the_subsections_a_count_announces_are_the_set() -> None:
    from assistant.textunits import counted_headings

    chunks = _sections("Ekonomi i Ryd", "Målen består av tre viktiga aspekter.",
                       ["Resultat", "Risk", "Kontroll"])
    sections = ["Resultat", "Risk", "Kontroll"]
    assert counted_headings(chunks, "aspekt") == ("Målen består av tre viktiga aspekter.",
                                                  sections)
    assert counted_headings(chunks, "mål") == ("", [])  # no count of goals is announced
    member = _sections("Miljö i Ryd", "Miljö är ett av kommunens tre mål.", sections)
    assert counted_headings(member, "mål") == ("", [])  # one of three: the page is one


def test_a_count_in_a_heading_of_its_own_does_not_announce_its_siblings() -> None:
    from assistant.textunits import counted_headings

    chunks = _sections("Fokusområden i Ryd", "Så arbetar kommunen.",
                       ["Så togs de fram", "Våra tre fokusområden", "Uppföljning"])
    assert counted_headings(chunks, "fokusområd") == ("", [])


def test_a_numbered_heading_in_the_text_titles_what_follows_it() -> None:
    units = split_units("2. MILJÖ\nNaturen ska värnas för kommande generationer.",
                        ("Vision för Ryd", "2. MILJÖ"))
    assert [(u.kind, u.context) for u in units] == [("sentence", "2. MILJÖ")]


def test_lines_without_markers_under_an_intro_are_a_list() -> None:
    text = ("Presidiet består av följande ledamöter:\nEva Ek (S), ordförande\n"
            "Per Ås (M), vice ordförande\nUppdrag\nPresidiet planerar sammanträdena.")
    units = split_units(text, ("Presidium i Ryd",))
    assert units[0].kind == "list"
    assert units[0].text.splitlines()[1:] == ["- Eva Ek (S), ordförande",
                                              "- Per Ås (M), vice ordförande"]
    assert units[1].context == "Uppdrag"  # the line above a paragraph is its heading


def test_lines_built_alike_under_a_heading_are_a_list() -> None:
    """Without an intro sentence the names are still items, with the heading as their intro;
    read as headings they would title nothing and be lost."""
    text = ("Nämnden ansvarar för omsorgen.\nKulturnämnden\nEva Ek (S), ordförande\n"
            "Per Ås (M), vice ordförande")
    units = split_units(text, ("Kulturnämnden i Ryd",))
    assert [(u.kind, u.text) for u in units] == [
        ("sentence", "Nämnden ansvarar för omsorgen."),
        ("list", "Kulturnämnden:\n- Eva Ek (S), ordförande\n- Per Ås (M), vice ordförande")]


def test_headings_not_built_alike_stay_headings() -> None:
    units = split_units("Mål\nSkolan ska vara bra.\nUppföljning\nVi följer upp årligen.")
    assert [u.context for u in units] == ["Mål", "Uppföljning"]


def test_table_rows_under_an_intro_stay_rows() -> None:
    units = split_units("Tidplanen är:\nSteg: Start; Tid: våren\nSteg: Slut; Tid: hösten")
    assert [u.kind for u in units] == ["row", "row", "table"]


def test_the_sections_of_a_page_are_the_headings_under_its_title() -> None:
    from assistant.textunits import page_sections

    chunks = _sections("Beslut i korthet från fullmäktige 3 mars 2027", "Här är besluten.",
                       ["Ny skolplan antagen", "Bastu vid badet", "Ny skolplan antagen"])
    assert page_sections(chunks) == ["Ny skolplan antagen", "Bastu vid badet"]


def test_a_question_about_a_whole_page_is_told_from_one_about_part_of_it() -> None:
    from assistant.ask import _asks_about_a_page, _names_the_page
    from assistant.focus import analyze_question

    page = _sections("Beslut i korthet från fullmäktige 3 mars 2027", "Här är besluten.",
                     ["Ny skolplan antagen", "Bastu vid badet"])[0]

    def about_page(question: str) -> bool:
        return any(_asks_about_a_page(p) and _names_the_page(p, page, "Ryds kommun")
                   for p in analyze_question(question).parts)

    assert about_page("Vad beslutade fullmäktige i Ryd den 3 mars 2027?")
    assert not about_page("Vad kostar bastun vid badet?")  # a part of the page
    assert not about_page("Vad beslutade fullmäktige om bastun?")  # bastun: not the title
    assert not about_page("När beslutade fullmäktige i Ryd?")  # a value is asked


def _version(n: int, title: str, text: str, valid_to: date | None = None) -> Source:
    chunk = Chunk(chunk_id=f"c{n}", doc_id=f"doc{n}", text=text, position=0, title=title,
                  valid_to=valid_to)
    return Source(n, Hit(chunk=chunk, score=1.0 / n, dense_score=0.9), valid_to is not None)


def test_a_comparison_of_a_plan_with_its_former_version_quotes_each_under_its_title() -> None:
    new = _version(1, "Badplan 2026–2029", "Planen gäller 2026–2029. Antalet badgäster i Ryd "
                   "ska öka till 550 per dag. Bastun får nya bänkar.")
    old = _version(2, "Badplan 2022–2025", "Bastun i Ryd ska vara öppen hela året. Antalet "
                   "badgäster i Ryd ska öka till 400 per dag.", valid_to=date(2025, 12, 31))
    text = ExtractiveGenerator().generate(
        "Skiljer sig målet för antalet badgäster mellan den nya och den gamla badplanen?",
        [new, old])
    assert "550" in text and "400" in text
    assert text.index("Badplan 2026–2029:") < text.index("550") < text.index("Badplan 2022–2025:")


def test_a_suspended_compound_stands_for_the_compound_it_shortens() -> None:
    from assistant.textunits import TermMatcher

    texts = ["Ny sim- och sporthall i Ekby.", "Sporten och hallen."]
    terms = TermMatcher(texts).terms(texts[0])
    assert {"simhall", "sporthall"} <= terms
    # The question's word is found in the title that writes it suspended.
    question = "Hur mycket kostar simhallen i Ekby?"
    hall = Chunk(chunk_id="c1", doc_id="d1", position=0, title="Ny sim- och sporthall i Ekby",
                 text="Hallen ska kosta 90 miljoner kronor.")
    assert check_focus(question, [hall]).supported


def test_one_dash_line_after_a_paragraph_is_a_quotation_not_a_list() -> None:
    news = "Regionen har ett mål om 70 procent.\n- Vi prioriterar vården, säger Eva Ek.\nSlut."
    assert [(u.kind, u.text) for u in split_units(news)] == [
        ("sentence", "Regionen har ett mål om 70 procent."),
        ("sentence", "Vi prioriterar vården, säger Eva Ek."),
        ("sentence", "Slut."),
    ]
    # Two items after a paragraph, or one after a line ending in ":", are a list.
    two = split_units("Kommunen har två fokusområden.\n- Trygghet\n- Skola")
    assert [u.kind for u in two] == ["list"]
    one = split_units("Kommunen har ett fokusområde:\n- Trygghet")
    assert [u.kind for u in one] == ["list"]


def test_a_paragraph_label_is_the_context_of_its_later_sentences() -> None:
    text = ("Fritidsgårdar: 12,1 mnkr. Ökningen på 0,8 mnkr beror främst på längre "
            "öppettider.\nBiblioteket får oförändrad ram. Det har fyra filialer.")
    units = split_units(text, ("Ramar 2026",))
    context = {u.text: u.context for u in units}
    assert context["Ökningen på 0,8 mnkr beror främst på längre öppettider."] == (
        "Ramar 2026 – Fritidsgårdar")
    assert context["Det har fyra filialer."] == "Ramar 2026"
