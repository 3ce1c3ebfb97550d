"""The chunker against the real fixture corpus (and one synthetic oversized block)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.types import Block, Chunk, Document
from ingest.chunking import chunk_document, estimate_tokens
from ingest.loaders import load_document

PDF = "verksamhetsplan-2026-kultur-fritid.pdf"
DOCX = "namndplan-2026-barn-utbildning.docx"
HTML = "landsbygdsutveckling.html"


def _chunks(path: Path, **kwargs: int) -> list[Chunk]:
    return chunk_document(load_document(path), **kwargs)


def _synthetic(block: Block) -> Document:
    return Document("syn", "Syntetiskt", "/tmp/syn.txt", "txt", "h" * 64, blocks=(block,))


def test_estimate_tokens_counts_words_and_punctuation() -> None:
    assert estimate_tokens("Hej, världen!") == 6  # 4 tokens * 1.3, rounded up


@pytest.mark.parametrize("name", [PDF, DOCX, "var-modell-2019-2022.md", HTML])
def test_body_blocks_land_in_a_chunk_of_their_section(fixture_corpus: Path, name: str) -> None:
    doc = load_document(fixture_corpus / name)
    chunks = chunk_document(doc)
    for block in (b for b in doc.blocks if b.kind != "heading"):
        assert any(block.text in c.text and c.heading_path == block.heading_path for c in chunks)


def test_pdf_activities_are_never_mixed(fixture_corpus: Path) -> None:
    for chunk in _chunks(fixture_corpus / PDF):
        assert len(re.findall(r"^Aktivitet \d\.", chunk.text, re.MULTILINE)) <= 1


def test_pdf_target_line_keeps_its_activity_heading(fixture_corpus: Path) -> None:
    chunk = next(c for c in _chunks(fixture_corpus / PDF) if "300 deltagare" in c.text)
    assert chunk.heading_path[-1] == "Aktivitet 4. Simskola för alla"
    assert (chunk.page, chunk.page_end) == (3, 3)


def test_heading_without_body_is_carried_into_first_child(fixture_corpus: Path) -> None:
    chunk = next(c for c in _chunks(fixture_corpus / DOCX) if "Mål 1. Alla barn" in c.text)
    assert chunk.text.startswith("Nämndens mål och aktiviteter\nMål 1. Alla barn")
    assert chunk.heading_path[-1] == "Mål 1. Alla barn och elever är trygga"
    assert chunk.heading_path[-2] == "Nämndens mål och aktiviteter"


def test_vision_page_lists_stay_whole(vision_page: Path) -> None:
    doc = load_document(vision_page)
    chunks = chunk_document(doc, target_tokens=40, max_tokens=120)
    for block in (b for b in doc.blocks if b.kind == "list"):
        assert sum(block.text in c.text for c in chunks) == 1


def test_table_rows_stay_whole_with_header(fixture_corpus: Path) -> None:
    doc = load_document(fixture_corpus / DOCX)
    chunks = chunk_document(doc, target_tokens=60)
    for row in (b for b in doc.blocks if b.kind == "table_row"):
        assert any(row.text in c.text for c in chunks)
        assert row.text.startswith("Mål: ")


def test_long_paragraph_split_at_sentences_under_max() -> None:
    sentence = "Kommunen arbetar långsiktigt med visionen och följer upp målen varje år."
    doc = _synthetic(Block(" ".join([sentence] * 40)))
    chunks = chunk_document(doc, target_tokens=100, max_tokens=150)
    assert len(chunks) > 1
    assert all(estimate_tokens(c.text) <= 150 and c.text.endswith("år.") for c in chunks)


def test_long_paragraph_is_not_cut_inside_an_abbreviation() -> None:
    sentence = ("Nämnden ansvarar bl.a. för förskolan, t.ex. i sal nr. 4 fr.o.m. 1 jan. 2025 "
                "enligt 6 kap. 3 § kommunallagen.")
    doc = _synthetic(Block(" ".join([sentence] * 30)))
    chunks = chunk_document(doc, target_tokens=100, max_tokens=150)
    assert len(chunks) > 1
    assert all(c.text.startswith("Nämnden") and c.text.endswith("kommunallagen.") for c in chunks)


def test_oversized_list_split_at_item_boundaries() -> None:
    items = "\n".join(f"- Punkt {n} om fokusområdet och dess nyckeltal" for n in range(60))
    chunks = chunk_document(_synthetic(Block(items, "list")), target_tokens=100, max_tokens=150)
    assert len(chunks) > 1
    assert all(line.startswith("- Punkt") for c in chunks for line in c.text.split("\n"))


def test_embed_text_carries_title_and_heading(fixture_corpus: Path) -> None:
    chunk = next(c for c in _chunks(fixture_corpus / PDF) if "Simskola" in c.text)
    first_line = chunk.embed_text.split("\n")[0]
    assert first_line.startswith("Verksamhetsplan 2026 – Kultur- och fritidsförvaltningen > ")
    assert first_line.endswith("> Aktivitet 4. Simskola för alla")


def test_chunk_fields_come_from_document(fixture_corpus: Path) -> None:
    doc = load_document(fixture_corpus / "var-modell-2019-2022.md")
    chunk = chunk_document(doc)[0]
    assert (chunk.doc_id, chunk.title, chunk.source) == (doc.doc_id, doc.title, doc.source)
    assert (chunk.kind, chunk.valid_to, chunk.doc_hash) == ("md", doc.valid_to, doc.content_hash)


def test_chunk_ids_unique_and_positions_ordered(fixture_corpus: Path) -> None:
    chunks = _chunks(fixture_corpus / DOCX)
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    assert all(re.fullmatch(r"[0-9a-f]{32}", c.chunk_id) for c in chunks)


def test_chunking_is_deterministic(fixture_corpus: Path) -> None:
    path = fixture_corpus / PDF
    assert _chunks(path) == _chunks(path)
