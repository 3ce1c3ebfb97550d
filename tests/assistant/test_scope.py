"""Entity scoping: the documents' entities come from their metadata and text, never from code."""

from __future__ import annotations

from assistant.scope import EntityIndex, entity_name, name_words
from assistant.types import Chunk, Hit


def _chunk(doc_id: str, text: str, title: str = "Dokument") -> Chunk:
    return Chunk(chunk_id=f"{doc_id}-0", doc_id=doc_id, text=text, position=0, title=title)


def _hit(doc_id: str) -> Hit:
    return Hit(chunk=_chunk(doc_id, "text"), score=1.0)


PUBLISHERS = {"a": "Norrvik kommun", "b": "Region Sydmark", "c": None, "d": None}
CHUNKS = [
    _chunk("c", "Norrvik ska växa. Norrviks invånare tycker till. Sydmark nämns en gång."),
    _chunk("d", "De globala målen gäller alla."),
]
INDEX = EntityIndex.build(PUBLISHERS, CHUNKS)


def test_entity_name_drops_the_kind_of_body() -> None:
    assert entity_name("Region Sydmark") == "sydmark"
    assert entity_name("Norrvik kommun") == "norrvik"
    assert entity_name(None) is None


def test_a_document_without_publisher_takes_the_entity_it_mentions_most() -> None:
    assert INDEX.doc_entity["c"] == "norrvik"
    assert INDEX.doc_entity["d"] is None


def test_question_names_an_entity_by_name_or_genitive_in_any_case() -> None:
    assert INDEX.named("Vad är skatten i Norrvik?") == {"norrvik"}
    assert INDEX.named("vad är norrviks vision") == {"norrvik"}
    assert INDEX.named("Jämför Norrvik och Region Sydmark") == {"norrvik", "sydmark"}
    assert INDEX.named("Vad är visionen?") == frozenset()


def test_a_misspelt_name_names_the_entity_closest_to_it() -> None:
    index = EntityIndex.build({"a": "Lindsjö kommun", "b": "Lindås kommun"}, [])
    assert index.named("Vem leder socialnämnden i Linsjö?") == {"lindsjö"}
    assert index.named("Vad säger linsjös plan?") == {"lindsjö"}
    assert index.named("Vad är skatten i Lindås?") == {"lindås"}
    assert index.named("Jämför Lindås och Lindsjo") == {"lindås", "lindsjö"}
    assert index.named("Vad planteras vid lindar?") == frozenset()


def test_a_place_whose_name_starts_with_the_entity_is_not_the_entity() -> None:
    assert INDEX.named("När öppnar Norrviksbadet?") == frozenset()


def test_unknown_body_is_found_and_determiners_are_not_names() -> None:
    assert INDEX.unknown("Vad är skatten i Växjö kommun?") == "Växjö kommun"
    assert INDEX.unknown("Vem leder Region Skåne?") == "Region Skåne"
    assert INDEX.unknown("Vilken kommun har högst skatt?") is None
    assert INDEX.unknown("Vad gör Norrvik kommun?") is None


def test_within_keeps_the_named_entity_and_documents_about_none() -> None:
    hits = [_hit("b"), _hit("a"), _hit("d"), _hit("c")]
    kept = INDEX.within(hits, frozenset({"norrvik"}))
    assert [h.chunk.doc_id for h in kept] == ["a", "d", "c"]


def test_within_two_entities_keeps_another_entitys_document_naming_both() -> None:
    index = EntityIndex.build({"e": "Ekby kommun", "f": "Dalby kommun", "r": "Region Sydmark",
                               "s": "Region Sydmark"}, [])
    route = Hit(chunk=_chunk("r", "Bussen mellan Ekby och Dalby ska gå på 35 minuter."),
                score=1.0)
    other = Hit(chunk=_chunk("s", "Bussen till Ekby går varje timme."), score=0.9)
    hits = [route, other, _hit("e"), _hit("f")]
    kept = index.within(hits, frozenset({"ekby", "dalby"}))
    assert [h.chunk.doc_id for h in kept] == ["r", "e", "f"]
    assert [h.chunk.doc_id for h in index.within(hits, frozenset({"ekby"}))] == ["e"]


def test_single_keeps_the_first_entity_only() -> None:
    hits = [_hit("d"), _hit("b"), _hit("a"), _hit("c")]
    assert [h.chunk.doc_id for h in INDEX.single(hits)] == ["d", "b"]


def _version(doc_id: str, title: str) -> Hit:
    return Hit(chunk=_chunk(doc_id, "text", title=title), score=1.0)


OLD = _version("old", "Kultur- och fritidsplan 2022–2025")
NEW = _version("new", "Kultur- och fritidsplan 2026–2029")
OTHER = _version("other", "Vår modell 2019–2022")


def test_a_replaced_version_is_dropped_unless_the_question_asks_for_it() -> None:
    from assistant.scope import current_versions

    hits = [OLD, NEW, OTHER]
    ended = {"old", "other"}
    ids = lambda found: [h.chunk.doc_id for h in found]  # noqa: E731
    assert ids(current_versions(hits, "Vad säger planen om bibliotek?", ended)) == [
        "new", "other"]
    assert ids(current_versions(hits, "Vad sade den förra planen?", ended)) == [
        "old", "new", "other"]
    assert ids(current_versions(hits, "Hur många lån hade biblioteket 2023?", ended)) == [
        "old", "new", "other"]
    # The period of one version's title names that version: the others go, old or new.
    assert ids(current_versions(hits, "Vem skrev planen för 2026–2029?", ended)) == [
        "new", "other"]
    assert ids(current_versions(hits, "Vad stod i planen 2022-2025?", ended)) == [
        "old", "other"]


def test_balanced_gives_every_compared_entity_its_share() -> None:
    index = EntityIndex({"a1": "norrvik", "a2": "norrvik", "a3": "norrvik", "a4": "norrvik",
                         "b1": "sydmark", "n": None})
    hits = [_hit("a1"), _hit("a2"), _hit("n"), _hit("a3"), _hit("a4"), _hit("b1")]
    both = frozenset({"norrvik", "sydmark"})
    kept = index.balanced(hits, both, k=4, per_doc=1)
    assert [h.chunk.doc_id for h in kept] == ["a1", "a2", "n", "b1"]
    assert index.short_of(hits[:5], both, k=4)
    assert not index.short_of(hits, frozenset({"norrvik"}), k=4)


def test_a_third_partys_document_naming_every_compared_entity_first_leads_the_search() -> None:
    """A region's plan for "bussen mellan Ekby och Dalby" ranked first: the question is about
    it, not a comparison of the two municipalities' own documents; ranked lower, or from one
    of the compared municipalities, it leads nothing."""
    index = EntityIndex({"e1": "ekby", "e2": "ekby", "d1": "dalby", "r": "ryd"})
    chunks = {"r": "Bussen mellan Ekby och Dalby ska ta 30 minuter.",
              "e2": "Ekby samarbetar med Dalby om bussen."}

    def hits(*docs: str) -> list[Hit]:
        return [Hit(chunk=_chunk(doc, chunks.get(doc, "text")), score=1.0) for doc in docs]

    both = frozenset({"ekby", "dalby"})
    assert index.led_by_third_party(hits("r", "e1", "d1"), both)
    assert not index.led_by_third_party(hits("e1", "r", "d1"), both)
    assert not index.led_by_third_party(hits("e2", "e1", "d1"), both)
    assert not index.led_by_third_party(hits("r", "e1"), frozenset({"ekby"}))


def test_a_comparison_is_told_from_a_question_that_names_several_entities() -> None:
    from assistant.scope import is_comparison

    assert is_comparison("Vilken av Norrvik och Ekby har högst skattesats?")
    assert is_comparison("Jämför resultatmålen i Norrvik och Ekby.")
    assert is_comparison("Vad har Norrvik och Ekby gemensamt?")
    assert is_comparison("Which of Norrvik and Ekby has the higher tax?")
    assert not is_comparison("Hur samarbetar Norrvik med Ekby och Sjöby?")
    assert not is_comparison("Hur hänger Norrvik ihop med grannkommunen Ekby?")
    # Any superlative ranks what it names.
    assert is_comparison("Vilken kommun har tuffast klimatmål, Ryd eller Ekby?")
    assert not is_comparison("Vad beslutade Ryd och Ekby den sista mars?")


def _titled(doc_id: str, title: str) -> Hit:
    return Hit(chunk=_chunk(doc_id, "Nämndens ordförande är N.N.", title=title), score=1.0)


def test_a_named_committee_drops_the_plans_of_other_committees() -> None:
    from assistant.bodies import committees
    from assistant.scope import within_committees

    hits = [
        _titled("soc", "Verksamhetsplan 2027 – socialnämnden, Ekeby kommun"),
        _titled("bun", "Nämndplan 2027 – barn- och utbildningsnämnden"),
        _titled("tek", "Tekniska nämndens plan 2027"),
        _titled("budget", "Budget 2027 med nämndmål för alla nämnder"),
    ]
    assert committees("Barn- och utbildningsnämndens plan") == {"barnochutbildningsnämnd"}
    assert committees("Nämndplan och nämndmål") == frozenset()
    kept = within_committees(hits, "Vem är ordförande i utbildningsnämnden?")
    assert [h.chunk.doc_id for h in kept] == ["bun", "budget"]
    kept = within_committees(hits, "Vad har tekniska nämnden för mål?")
    assert [h.chunk.doc_id for h in kept] == ["tek", "budget"]
    assert within_committees(hits, "Vem är ordförande?") == hits


def test_a_named_place_keeps_the_documents_that_mention_it() -> None:
    from assistant.scope import proper_names, within_names

    hits = [
        Hit(chunk=_chunk("ekby-plan", "Skattesatsen är 21,90 kronor.", title="Plan – Ekby"),
            score=1.0),
        Hit(chunk=_chunk("dalby-vision", "Dalby ska växa till 9 000 invånare.",
                         title="Vision 2040"), score=0.9),
        Hit(chunk=_chunk("dalby-vision", "Skolan ska vara i toppklass.", title="Vision 2040"),
            score=0.8),
    ]
    kept = within_names(hits, "Vad blir skatten i Dalby 2026?", frozenset())
    assert [h.chunk.doc_id for h in kept] == ["dalby-vision", "dalby-vision"]
    # A name no hit mentions, an entity scoped by its publisher and a preamble change nothing.
    assert within_names(hits, "Vad blir skatten i Grönby?", frozenset()) == hits
    assert within_names(hits, "Vad blir skatten i Dalby?", frozenset({"dalby"})) == hits
    assert proper_names("Hej! Jag heter Dalby. Vad är visionen?") == []


def test_a_place_the_preamble_names_is_what_the_question_is_about() -> None:
    from assistant.scope import proper_names, within_names

    hits = [
        Hit(chunk=_chunk("ekby", "Badhuset i Ekby stänger när hallen öppnar."), score=1.0),
        Hit(chunk=_chunk("ryd", "Rydsbadet håller stängt under renoveringen."), score=0.9),
    ]
    question = "Jag badar på Rydsbadet varje lördag. Blir det stängt under renoveringen?"
    assert proper_names(question) == ["rydsbadet"]
    assert [h.chunk.doc_id for h in within_names(hits, question, frozenset())] == ["ryd"]
    # The asker's own name is no place ("heter", not "i"/"på"/"vid").
    assert proper_names("Jag heter Dalby och bor i Rydby. Vad är visionen?") == ["rydby"]


def test_governing_bodies_are_named_by_their_kind() -> None:
    from assistant.bodies import governing_bodies, other_body

    assert governing_bodies("Vem är kommunstyrelsens ordförande?") == {"kommunstyrelse"}
    assert governing_bodies("Barn- och utbildningsnämndens presidium") == {
        "barnochutbildningsnämnd"}
    asked = governing_bodies("ordförande i kommunfullmäktige")
    assert not other_body(asked, "Fullmäktiges ordförande är Eva Ek.")
    assert other_body(asked, "Kommunstyrelsens ordförande är Per Ås.")
    assert not other_body(asked, "Ordförande är Per Ås.")  # names no body


def test_a_document_without_publisher_takes_the_body_its_title_names() -> None:
    index = EntityIndex.build({"p": None, "q": None, "r": None}, [
        _chunk("p", "Programmet antogs i mars.", title="Bostadsprogram – Ekby kommun"),
        _chunk("q", "Planen gäller 2025–2028.", title="Miljöplan för Dalby kommun 2025–2028"),
        _chunk("r", "Text.", title="Visionsmål: Bästa kommun att växa i"),  # a phrase
    ])
    assert index.doc_entity == {"p": "ekby", "q": "dalby", "r": None}
    assert index.named("När antogs Ekbys bostadsprogram?") == {"ekby"}
    # A question about Ekby is not answered from Dalby's page.
    assert [h.chunk.doc_id for h in index.within([_hit("q"), _hit("p")], {"ekby"})] == ["p"]


def test_title_entity_reads_only_a_named_body_that_ends_the_title_or_a_part_of_it() -> None:
    from assistant.scope import title_entity

    assert title_entity("Region Sydmark – regional utvecklingsstrategi") == "sydmark"
    assert title_entity("Ryds stad: budget 2026") == "ryd"
    assert title_entity("Vilken kommun är bäst?") is None
    assert title_entity("Vision och mål") is None


def test_name_words_are_the_lower_case_words_with_their_genitive() -> None:
    assert name_words({"sydmark", "upplands-bro"}) == {
        "sydmark", "sydmarks", "upplands", "upplandss", "bro", "bros"}


def test_the_search_leaves_out_the_askers_story_but_not_its_places() -> None:
    from assistant.scope import search_text

    assert search_text("Hej! Jag har bott här i tio år och undrar hur allt fungerar. "
                       "När öppnar förskolan Solrosen?") == "När öppnar förskolan Solrosen?"
    assert search_text("Jag bor i Ekby sedan länge. Vad kostar bussen?") == (
        "Vad kostar bussen? Ekby")
    # Also a place the story goes to: the question is about it.
    assert search_text("Vi tänkte åka till Rydsbadet i helgen. Vad kostar inträdet?") == (
        "Vad kostar inträdet? Rydsbadet")
    # A part that takes its topic from the story is searched with it.
    referring = "Jag hörde att det blev gräl om bastun i nämnden. Hur röstade de?"
    assert search_text(referring) == referring
    assert search_text("Vad kostar bussen i Ekby?") == "Vad kostar bussen i Ekby?"


def test_a_name_typed_without_ring_or_dots_is_no_unknown_municipality() -> None:
    index = EntityIndex({"a": "åsby"})
    assert index.unknown("Vad är skatten i Asby kommun?") is None
    assert index.unknown("Vad är skatten i Ekbo kommun?") == "Ekbo kommun"
