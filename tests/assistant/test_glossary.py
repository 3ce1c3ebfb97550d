"""English questions over Swedish documents: the glossary's Swedish search words."""

from __future__ import annotations

from assistant.glossary import lookup, swedish_terms, with_swedish_terms


def test_longest_phrase_wins_and_plurals_are_tolerated() -> None:
    assert lookup(["vision", "goals", "and", "focus", "areas"]) == [
        (("vision", "goals"), ("visionsmål",)), (("and",), ()),
        (("focus", "areas"), ("fokusområden",)),
    ]
    assert swedish_terms("Which key figures and target values are used?") == [
        "nyckeltal", "målvärde"]


def test_question_gets_its_swedish_words_in_parentheses() -> None:
    assert with_swedish_terms("What are the focus areas?") == (
        "What are the focus areas? (fokusområden)")
    assert with_swedish_terms("What is Ljungby's vision?") == "What is Ljungby's vision?"
    assert with_swedish_terms("Who is the mayor?") == "Who is the mayor?"
    assert with_swedish_terms("Who looks after old people?") == (
        "Who looks after old people? (äldre)")
    assert with_swedish_terms("Which projects were the largest?") == (
        "Which projects were the largest? (projekt projekten)")


def test_the_names_of_local_government_bodies_and_the_budget_are_translated() -> None:
    assert swedish_terms("Who chairs the municipal executive board?") == [
        "ordförande", "kommunstyrelsen"]
    assert swedish_terms("What is the municipal tax rate?") == ["kommunalskatt", "skattesats"]
    assert swedish_terms("What does the social welfare committee cost?") == [
        "socialnämnden", "kostar", "kostnad", "avgift"]


def test_the_members_and_meetings_of_a_body_are_translated() -> None:
    assert swedish_terms("How many members does the council have?") == [
        "ledamöter", "ledamot", "kommun"]
    assert swedish_terms("How often does the committee meet?") == ["nämnd", "sammanträder"]


def test_a_public_consultation_is_a_medborgardialog() -> None:
    # What municipalities call asking residents' views; a "remiss" asks other authorities.
    assert swedish_terms("How do public consultations work?")[:1] == ["medborgardialog"]


def test_translated_english_words_are_known() -> None:
    """"tax" is translated, so its stem (also that of the Swedish "taxa") is not looked for
    in the documents; a word the glossary lacks is."""
    from assistant.glossary import translated_terms

    assert {"tax", "rat"} <= translated_terms("What is the tax rate in Dalby?")
    assert "dalby" not in translated_terms("What is the tax rate in Dalby?")
    assert "vision" not in translated_terms("What is the vision?")  # Swedish writes it so


def test_hyphenated_glossary_words_are_found_as_written_or_split() -> None:
    assert swedish_terms("Are the buses fossil-free?") == ["buss", "bussar", "fossilfri"]
    assert swedish_terms("Are the buses fossil free?") == ["buss", "bussar", "fossilfri"]


def test_english_focus_takes_a_glossary_phrase_that_runs_past_it() -> None:
    """The focus ends inside "greenhouse gas emissions": its Swedish words still stand for it,
    and a word the glossary lacks ("mayor") stays itself, so it is not taken as found."""
    from assistant.focus import analyze_question
    from assistant.glossary import english_focus

    part = analyze_question("By how much will Ryd reduce greenhouse gas emissions by 2030?"
                            ).parts[0]
    alts: dict[str, tuple[str, ...]] = {}
    focus = english_focus(part, alts)
    assert "greenhous" not in focus and any("växthus" in t for t in focus)
    mayor = analyze_question("Who is the mayor of Ryd?").parts[0]
    assert "mayor" in english_focus(mayor, {})


def test_english_focus_requires_the_head_noun_not_an_unknown_modifier() -> None:
    """"new" and "shiny" narrow what is asked; the head noun ("sauna") is what a passage must
    name. A possessor ending in s' ("Lindsjös'") is no part of the focus."""
    from assistant.focus import analyze_question
    from assistant.glossary import english_focus

    part = analyze_question("How many new shiny saunas is Ryd planning?").parts[0]
    assert english_focus(part, {}) == ["saun"]  # the stem of "saunas"
    owned = analyze_question("How much will Lindsjös' new sauna cost?").parts[0]
    assert "lindsjö" not in " ".join(owned.focus)
    # A modifier the glossary knows is not required either: a passage names the school.
    school = analyze_question("How much does the municipal music school in Ryd cost?").parts[0]
    assert english_focus(school, {}) == ["kulturskol"]


def test_several_swedish_words_for_one_english_word_are_one_group() -> None:
    from assistant.glossary import alternative_groups

    assert alternative_groups("What does the swimming school cost?") == [
        ("kost", "kostn", "avgift")]
    assert alternative_groups("Who is the chair?") == []  # one Swedish word: no choice


def test_a_phrase_is_read_before_its_words() -> None:
    searched = with_swedish_terms("Who is in charge of the library?")
    assert "ansvarar" in searched and "avgift" not in searched  # not the charge one pays
    assert "avgift" in with_swedish_terms("Is there a charge for the library?")


def test_everyday_words_for_services_and_money_are_translated() -> None:
    # Residents ask about services in their own words, not the documents' terms.
    assert swedish_terms("Is the rubbish collection fee going up?")[:2] == [
        "sophämtning", "avfallshämtning"]
    assert "hemtjänst" in swedish_terms("Who decides about home help for my mother?")
    assert "simhall" in swedish_terms("Is there an indoor pool for swimming lessons?")
    assert "överskott" in swedish_terms("Will the council make a profit this year?")


def test_a_contracted_wh_word_is_no_part_of_the_english_focus() -> None:
    from assistant.focus import analyze_question
    from assistant.language import english_written_out

    part = analyze_question(english_written_out("What's Ryd's sauna fee?")).parts[0]
    assert "s" not in part.focus and part.focus[-1] == "fee"


def test_everyday_words_for_services_and_what_documents_state_are_translated() -> None:
    """Residents ask about charging points and care homes, and whether something opens or is
    ready: words the documents write in Swedish."""
    assert "laddpunkter" in swedish_terms("How many public charging points are planned?")
    assert "öppnar" in swedish_terms("When does the new preschool open?")
    assert "särskilt" in swedish_terms("How long is the wait for a care home?")


def test_times_of_day_and_everyday_service_words_have_swedish_words() -> None:
    # Opening hours and care outside office hours are asked in everyday English.
    assert with_swedish_terms("Is there care in the evenings or at night?") == (
        "Is there care in the evenings or at night? (vård omsorg kväll kvällar natt nätter)")
    assert "behovsanalys" in with_swedish_terms("When is the needs analysis due?")
