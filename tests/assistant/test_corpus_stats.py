"""Corpus term statistics: updated per changed chunk, fuzzy document frequency by lookup."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.refusal import CorpusStats, close_terms
from assistant.types import Chunk
from ingest.chunking import chunk_document
from ingest.loaders import load_document


@pytest.fixture(scope="module")
def chunks(fixture_corpus: Path) -> list[Chunk]:
    out: list[Chunk] = []
    for path in sorted(fixture_corpus.glob("*.md")):
        out += chunk_document(load_document(path))
    assert len(out) > 10
    return out


def test_an_update_equals_statistics_of_the_new_chunks(chunks: list[Chunk]) -> None:
    first = CorpusStats.from_chunks(chunks)
    removed, kept, added = chunks[:4], chunks[4:], chunks[1:3]
    updated = first.updated(removed, added)
    assert updated == CorpusStats.from_chunks(kept + added)
    assert first == CorpusStats.from_chunks(chunks)  # the old statistics are untouched


def test_removing_every_chunk_leaves_nothing(chunks: list[Chunk]) -> None:
    assert CorpusStats.from_chunks(chunks).updated(chunks, ()) == CorpusStats({}, 0)


def test_fuzzy_document_frequency_equals_a_scan_of_every_term(chunks: list[Chunk]) -> None:
    stats = CorpusStats.from_chunks(chunks)
    probes = {t[:cut] for t in stats.df for cut in (4, 5, len(t) - 1) if cut >= 3}
    probes |= {t + suffix for t in list(stats.df)[:200] for suffix in ("en", "arna", "x")}
    probes |= {"sagobygen", "kommu", "xyzzy", "vis", ""}
    for term in sorted(probes):
        scan = max((c for t, c in stats.df.items() if close_terms(term, t)), default=0)
        expected = stats.df.get(term, scan)
        assert stats.doc_freq(term) == expected, term


def test_document_frequencies_are_remembered_within_a_bound(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant import refusal

    stats = refusal.CorpusStats.from_chunks([
        Chunk(chunk_id="c0", doc_id="d", position=0, title="Mål",
              text="Skolan i Ekby har fyra mål.")])
    monkeypatch.setattr(refusal, "DOC_FREQ_MEMO", 3)
    asked = [stats.doc_freq(t) for t in ("skol", "mål", "ekby", "budget", "skol")]
    assert asked == [1, 1, 1, 0, 1]
    assert len(stats._looked_up) <= 3
