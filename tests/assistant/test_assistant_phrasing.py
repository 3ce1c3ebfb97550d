"""Swedish indirect questions for the refusal sentence (assistant/phrasing.py).

The table is written for this module: invented places (Ekby, Lunda, Strömsvik, Bergå) and
question forms of every kind, none taken from the evaluation collection.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.focus import analyze_question
from assistant.focus import indirect_question as part_indirect
from assistant.phrasing import indirect_question

TABLE = [
    # wh-phrase is the subject: "som"
    ("Vem är ordförande i miljönämnden i Ekby?", "vem som är ordförande i miljönämnden i Ekby"),
    ("Vem leder byggnadsnämnden?", "vem som leder byggnadsnämnden"),
    ("Vem ansvarar för skolskjutsarna i Lunda?", "vem som ansvarar för skolskjutsarna i Lunda"),
    ("Vad händer med stadsbiblioteket?", "vad som händer med stadsbiblioteket"),
    ("Vad menas med social hållbarhet?", "vad som menas med social hållbarhet"),
    ("Vilka sitter i krisledningsnämnden?", "vilka som sitter i krisledningsnämnden"),
    ("Vilka regler gäller för föreningsbidrag?", "vilka regler som gäller för föreningsbidrag"),
    ("Hur många arbetar inom hemtjänsten?", "hur många som arbetar inom hemtjänsten"),
    ("Hur många barn går i förskola i Bergå?", "hur många barn som går i förskola i Bergå"),
    ("Vilka nya gång- och cykelvägar byggs i år?",
     "vilka nya gång- och cykelvägar som byggs i år"),
    ("Hur många lägenheter ska byggas till 2030?",
     "hur många lägenheter som ska byggas till 2030"),
    ("Vilket av dem är äldst?", "vilket av dem som är äldst"),
    ("Vem av dem föreslog sänkt skatt?", "vem av dem som föreslog sänkt skatt"),
    # a subject follows the verb: it moves before the verb
    ("Hur hög är räntan på lånen?", "hur hög räntan är på lånen"),
    ("Hur stor är investeringsbudgeten för 2027?", "hur stor investeringsbudgeten är för 2027"),
    ("Hur hög är skattesatsen i Strömsvik 2026?", "hur hög skattesatsen i Strömsvik är 2026"),
    ("Hur många platser har den nya förskolan?", "hur många platser den nya förskolan har"),
    ("Hur många anställda har Lunda kommun?", "hur många anställda Lunda kommun har"),
    ("Hur mycket kostar renoveringen av badhuset?",
     "hur mycket renoveringen kostar av badhuset"),
    ("Hur stor ram får socialnämnden 2026?", "hur stor ram socialnämnden får 2026"),
    ("Vilka mål har miljö- och byggnadsnämnden i Ekby?",
     "vilka mål miljö- och byggnadsnämnden i Ekby har"),
    ("Vilka nyckeltal följer barn- och utbildningsnämnden upp?",
     "vilka nyckeltal barn- och utbildningsnämnden följer upp"),
    ("Vilket resultatmål har Strömsvik för 2026?", "vilket resultatmål Strömsvik har för 2026"),
    ("Vilken vision har Bergås kommunfullmäktige antagit?",
     "vilken vision Bergås kommunfullmäktige har antagit"),
    ("Vilka beslut tog regionfullmäktige i juni?", "vilka beslut regionfullmäktige tog i juni"),
    ("Vad har Lunda kommun för mål för klimatet?", "vad Lunda kommun har för mål för klimatet"),
    ("Vad kostar parkeringstillståndet?", "vad parkeringstillståndet kostar"),
    ("Vad är en detaljplan?", "vad en detaljplan är"),
    ("Vad innebär tillitsbaserad styrning?", ""),
    ("Vad innebär planen?", "vad planen innebär"),
    ("Vad säger kulturplanen om bibliotek?", "vad kulturplanen säger om bibliotek"),
    ("Vad ska kommunen göra för äldre?", "vad kommunen ska göra för äldre"),
    ("Vem kan vi vända oss till?", "vem vi kan vända oss till"),
    # adverbial wh-words: never "som"
    ("När antogs avfallsplanen?", "när avfallsplanen antogs"),
    ("När ska den nya sporthallen vara klar?", "när den nya sporthallen ska vara klar"),
    ("När tas årsredovisningen upp i fullmäktige?",
     "när årsredovisningen tas upp i fullmäktige"),
    ("Var ligger återvinningscentralen?", "var återvinningscentralen ligger"),
    ("Varför höjs inte taxan?", "varför taxan inte höjs"),
    ("Varför behövs ett nytt reningsverk?", "varför ett nytt reningsverk behövs"),
    ("Hur mäts nöjdheten?", "hur nöjdheten mäts"),
    ("Hur arbetar skolan med trygghet?", "hur skolan arbetar med trygghet"),
    ("Hur länge gäller bostadsprogrammet?", "hur länge bostadsprogrammet gäller"),
    ("Hur ofta följs målen upp?", "hur ofta målen följs upp"),
    ("Hur hänger budgeten ihop med visionen?", "hur budgeten hänger ihop med visionen"),
    ("Vilket år började planen gälla?", "vilket år planen började gälla"),
    ("I vilken stadsdel ligger den nya skolan?", "i vilken stadsdel den nya skolan ligger"),
    ("Med hur många röster antogs Ekbys budget?", "med hur många röster Ekbys budget antogs"),
    ("Hur många förskolor finns det i Bergå?", "hur många förskolor det finns i Bergå"),
    ("Vilken entreprenör ska bygga hallen?", "vilken entreprenör som ska bygga hallen"),
    ("När ska sim- och sporthallen i Ekby invigas?",
     "när sim- och sporthallen i Ekby ska invigas"),
    ("Vad ska den nya skolan i Lunda innehålla?", "vad den nya skolan i Lunda ska innehålla"),
    ("Hur mycket får socialnämnden i budget 2026?", "hur mycket socialnämnden får i budget 2026"),
    ("När antogs den regionala strategin?", "när den regionala strategin antogs"),
    ("Vilka är de största investeringarna i Lundas budget?",
     "vilka de största investeringarna i Lundas budget är"),
    ("Hur mycket kostar entrén till badet?", "hur mycket entrén kostar till badet"),
    ("Vilken VA-taxa gäller i Ekby?", "vilken VA-taxa som gäller i Ekby"),
    ("Vad heter ordföranden?", "vad ordföranden heter"),
    # cannot be sure: no sentence
    ("Hur ändras taxan och avgiften i Ekby?", ""),
    ("Vad visar prognosen och når kommunen målet?", ""),
    ("Vilken indikator?", ""),
    ("Vilka typer av planer använder Lunda?", ""),
    ("Hur stor ram har den nämnd som ansvarar för skolan?", ""),
    ("Vad kostar den största?", ""),
    ("Vilket av de fem målen är målet Trygg uppväxt i Ekby kopplat till?", ""),
    ("Vilka, enligt planen, ska prioriteras?", ""),
    ("Vad, enligt planen?", ""),
    ("Which goals does Ekby have?", ""),
    ("Kommunen har en plan.", ""),
    ("Vilka planer antar Ekby?", "vilka planer Ekby antar"),
    ("Vilka planer antar Ekby samordnat?", ""),
    ("Hur hög som är taxan?", ""),
]


@pytest.mark.parametrize(("question", "expected"), TABLE)
def test_indirect_question_table(question: str, expected: str) -> None:
    assert indirect_question(question) == expected


def test_the_table_covers_every_swedish_wh_word() -> None:
    firsts = {re.findall(r"\w+", q.lower())[0] for q, _ in TABLE}
    assert {"vem", "vad", "vilka", "vilken", "vilket", "när", "var", "varför", "hur"} <= firsts
    assert sum(1 for _, e in TABLE if e) >= 40


def test_part_of_a_pick_question_falls_back_to_det_galler() -> None:
    part = analyze_question(
        "Vilket av de fem målen är målet Trygg uppväxt i Ekby kopplat till?").parts[0]
    assert part_indirect(part) == "vilket av de fem målen det gäller"


def test_each_part_of_a_two_part_question_is_phrased() -> None:
    parts = analyze_question("När antogs planen och vem är ordförande i nämnden?").parts
    assert [part_indirect(p) for p in parts] == ["när planen antogs",
                                                 "vem som är ordförande i nämnden"]


# --- property: words are only moved, never lost or invented ---------------------------------

_NOUNS = ["budgeten", "planen", "målet", "skatten", "nämnden", "kommunen", "visionen",
          "fokusområden", "elever", "platser", "mål", "taxa", "ram", "investeringar"]
_NAMES = ["Ekby", "Lunda", "Bergå kommun", "Region Nord", "Ekbys", "Strömsvik"]
_VERBS = ["är", "har", "finns", "gäller", "antogs", "ligger", "kostar", "ska", "kan", "bor",
          "fattade", "använder", "följs", "byggs", "prioriterar", "hänger", "blev"]
_FILLERS = ["i", "för", "på", "om", "med", "av", "och", "det", "den", "de", "inte", "upp",
            "ihop", "nya", "tekniska", "2026", "2025–2027", "kultur-", "barn-", "som", "att",
            "vara", "ha", "klar", "främst", "vilka", "hur", "många", "vem", "vad", "när", "var"]
_WH = ["Vem", "Vad", "Vilka", "Vilken", "Vilket", "När", "Var", "Varför", "Hur", "Hur många",
       "Hur stor", "Hur hög", "Vilka andra", "Vilket av", "I vilken", "Med hur många"]
_WORD = st.sampled_from(_NOUNS + _NAMES + _VERBS + _FILLERS)
_QUESTION = st.builds(
    lambda wh, body: f"{wh} {' '.join(body)}?",
    st.sampled_from(_WH),
    st.lists(_WORD, min_size=1, max_size=9),
)


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[^\W_]+(?:[-–][^\W_]+)*-?", text)]


def _compounds_whole(question: str, built: str) -> bool:
    """Every "X- och Y" of the question stands whole in ``built``."""
    return all(m.group(0) in built
               for m in re.finditer(r"\w+- (?:och|eller) \w+", question))


@settings(max_examples=400, deadline=None)
@given(_QUESTION)
def test_indirect_question_only_reorders_words(question: str) -> None:
    built = indirect_question(question)
    if not built:
        return
    extra = Counter(_words(built)) - Counter(_words(question))
    missing = Counter(_words(question)) - Counter(_words(built))
    assert not missing, (question, built)
    assert not extra or extra == Counter(["som"]), (question, built)
    assert _compounds_whole(question, built), (question, built)
    assert not re.search(r"\w- (?!och |eller )", built + " "), (question, built)


_ADVERBIAL_WH = ["När", "Var", "Varför", "Hur", "Hur länge", "I vilken takt"]
_VERB = ["antogs", "gäller", "ligger", "ändrades", "följs", "prioriteras", "hänger"]
_SUBJECT = ["planen", "den nya planen", "kultur- och fritidsnämnden", "Ekby kommun",
            "kommunens budget", "tekniska nämnden", "Lundas vision", "det", "målen"]
_REST = ["", "2025", "i år", "för skolan", "inom tre år", "upp", "med visionen"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_ADVERBIAL_WH), st.sampled_from(_VERB), st.sampled_from(_SUBJECT),
       st.sampled_from(_REST))
def test_an_adverbial_question_puts_the_subject_before_the_verb(
    wh: str, verb: str, subject: str, rest: str
) -> None:
    question = " ".join(w for w in (wh, verb, subject, rest) if w) + "?"
    expected = " ".join(w for w in (wh[0].lower() + wh[1:], subject, verb, rest) if w)
    assert indirect_question(question) == expected


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["kultur-", "barn-", "sim-", "miljö-"]), st.sampled_from(_WH),
       st.sampled_from(_VERBS), st.sampled_from(["nämnden", "hallen", "planen"]),
       st.lists(_WORD, max_size=4))
def test_a_suspended_compound_is_never_torn_apart(
    first: str, wh: str, verb: str, head: str, tail: list[str]
) -> None:
    question = f"{wh} {verb} {first} och {first[:-1]}{head} {' '.join(tail)}?"
    built = indirect_question(question)
    assert not built or f"{first} och {first[:-1]}{head}" in built, (question, built)


def test_refusal_text_is_in_the_language_of_the_question() -> None:
    from assistant.refusal import refusal_text
    from assistant.types import Citation

    related = [Citation(n=1, doc_id="d", title="Budget 2026", passage="…", chunk_id="c")]
    english = refusal_text("en", related)
    assert english.startswith("The documents do not answer this question.")
    assert "framgår" not in english and "Närmast" not in english
    swedish = refusal_text("sv", related, indirect_question("Hur hög är taxan i Ekby?"))
    assert swedish.startswith("Det framgår inte av dokumenten hur hög taxan i Ekby är.")
    assert "Närmast relaterade källor: [1] Budget 2026" in swedish
