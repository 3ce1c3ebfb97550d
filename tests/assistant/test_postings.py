"""The incremental BM25 index: same ranking as the bm25s full build, updates per document."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.lexical import LexicalIndex
from assistant.postings import LexicalPostings
from ingest.chunking import chunk_document
from ingest.loaders import load_document

QUERIES = [
    "vision", "fokusområden och berättartraditionen", "vattenfrågor", "sagobygden",
    "mötesplats kvällsöppen", "målvärde 2026", "skolan och förskolan", "kommunstyrelsen beslut",
    "hållbar utveckling miljö", "visonen",  # a typo, repaired against the corpus
]


@pytest.fixture(scope="module")
def texts(fixture_corpus: Path, repo_dir: Path) -> list[str]:
    paths = sorted(fixture_corpus.iterdir()) + sorted((repo_dir / "corpus").glob("*.txt"))
    out: list[str] = []
    for path in paths:
        try:
            document = load_document(path)
        except Exception:  # noqa: BLE001 - sidecars and other non-documents
            continue
        out += [c.embed_text for c in chunk_document(document)]
    assert len(out) > 20
    return out


def _same_ranking(new: list[tuple[int, float]], old: list[tuple[int, float]]) -> None:
    assert [i for i, _ in new] == [i for i, _ in old]
    assert [s for _, s in new] == pytest.approx([s for _, s in old], rel=1e-5)


@pytest.mark.parametrize("query", QUERIES)
def test_a_full_build_ranks_as_bm25s_does(texts: list[str], query: str) -> None:
    old, new = LexicalIndex(texts), LexicalPostings.build(texts)
    expected = old.search(query, 20)
    assert expected, query
    _same_ranking(new.search(query, 20), expected)


def test_an_update_ranks_as_a_full_build_of_the_new_corpus(texts: list[str]) -> None:
    """Remove one "document" (a run of chunks) and add a new one; words of the new text that
    the corpus already knows keep the compound splits identical, so the ranking is exact."""
    first = LexicalPostings.build(texts)
    gone = range(5, 9)
    added = [texts[5] + " Tillägg om vattenfrågor.", "Ny text om sagobygden och visionen."]
    updated = first.updated([(s, texts[s]) for s in gone], added)
    remaining = [t for i, t in enumerate(texts) if i not in gone]
    rebuilt = LexicalPostings.build(remaining + added)
    # the slots in rebuilt-corpus order, so equal scores fall in the same order in both
    slots = [i for i in range(len(texts)) if i not in gone] + [len(texts), len(texts) + 1]
    for query in QUERIES:
        got = [(slots.index(s), score) for s, score in updated.search(query, 20)]
        _same_ranking(got, rebuilt.search(query, 20))
    assert updated.live == len(remaining) + 2 and first.live == len(texts)


def test_an_update_leaves_the_old_index_untouched(texts: list[str]) -> None:
    first = LexicalPostings.build(texts)
    before = first.search("sagobygden", 10)
    first.updated([(s, texts[s]) for s, _ in before], ["Annat innehåll helt och hållet."])
    assert first.search("sagobygden", 10) == before


def test_removed_slots_are_never_found_and_their_words_leave_the_vocabulary() -> None:
    index = LexicalPostings.build(["Snöröjning på gatorna i Lagan.", "Skolskjuts i Ryssby."])
    assert [s for s, _ in index.search("snöröjning", 5)] == [0]
    updated = index.updated([(0, "Snöröjning på gatorna i Lagan.")], [])
    assert updated.search("snöröjning", 5) == [] and updated.search("gatorna", 5) == []
    assert "snöröjning" not in updated.vocabulary.words and "skolskjuts" in updated.vocabulary.words
    assert updated.live == 1


def test_new_words_are_found_and_repaired_against_after_an_update() -> None:
    index = LexicalPostings.build(["Skolskjuts i Ryssby.", "Föreningsbidrag söks i mars."])
    updated = index.updated([], ["Sammanfogningsklausulen gäller från revisionen."])
    assert [s for s, _ in updated.search("sammanfogningsklausulen", 5)] == [2]
    assert [s for s, _ in updated.search("sammanfogningsklausulrn", 5)] == [2]  # typo repaired
    assert index.search("sammanfogningsklausulen", 5) == []


def test_an_index_of_nothing_or_only_stop_words_finds_nothing() -> None:
    assert LexicalPostings.build([]).search("vatten", 3) == []
    assert LexicalPostings.build(["och i på", ""]).search("och vatten", 3) == []


@pytest.mark.parametrize("n", [1, 3, 7, 40])
def test_the_best_n_are_the_head_of_a_full_ranking_ties_in_slot_order(n: int) -> None:
    """Only the best matches are sorted (a partition first): the result must equal the head of
    the full ranking, score descending and equal scores in slot order, also across ties at
    the n-th place."""
    words = ["snöröjning", "skolskjuts", "hemtjänst", "bygglov"]
    texts = [" ".join(words[: 1 + i % 4] + ["gata"] * (i % 3)) for i in range(60)]
    postings = LexicalPostings.build(texts)
    query = "snöröjning skolskjuts bygglov"
    everything = postings.search(query, len(texts))
    assert len(everything) > n
    full = sorted(everything, key=lambda hit: (-hit[1], hit[0]))
    assert everything == full
    assert postings.search(query, n) == full[:n]
    assert full[n - 1][1] == full[n][1] or n == 40  # the cut falls inside a tie


@pytest.mark.parametrize(("texts", "asked", "related", "other"), [
    # A page that only says "skattesatsen" is found for "kommunalskatten" through the synonyms.
    (["Kommunalskatten i Ryd är oförändrad.", "Skattesatsen i Dalby höjs."],
     "kommunalskatten", "synonyms", "skattesatsen"),
    # "programmet" is not stemmed to "program": a page with the base form is found too.
    (["Bostadsprogrammet bygger på planen.", "Bostadsprogram 2024–2030, antaget 2024."],
     "bostadsprogrammet", None, "bostadsprogram"),
])
def test_related_words_are_searched_at_the_synonym_weight(
    texts: list[str], asked: str, related: str | None, other: str
) -> None:
    """The page with the related word (a synonym, or the base of a form the stemmer keeps) is
    found behind the page with the asked word itself, at :data:`SYNONYM_WEIGHT` of its own
    score; without the synonym weight it is not found at all."""
    from assistant.retrieval import SYNONYM_WEIGHT
    from assistant.synonyms import synonyms

    index = LexicalPostings.build([*texts, "Biblioteket i Ekby har nya öppettider."])
    assert [i for i, _ in index.search(asked, 5)] == [0]
    found = index.search(asked, 5, synonyms if related else None, SYNONYM_WEIGHT)
    assert [i for i, _ in found] == [0, 1]
    alone = index.search(other, 5)
    assert found[1][1] == pytest.approx(SYNONYM_WEIGHT * alone[0][1])
