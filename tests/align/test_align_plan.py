"""Splitting the two fictional plans and reading what they declare (no index needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.alignment import Activity, AlignError, Taxonomy, load_taxonomy, split_plan
from assistant.types import Block, Document
from ingest.loaders import load_document

PDF = "verksamhetsplan-2026-kultur-fritid.pdf"
DOCX = "namndplan-2026-barn-utbildning.docx"
Expected = list[tuple[str, str, str | None]]

# (key, declared visionsmål as written, declared fokusområde as written or None)
PDF_EXPECTED: Expected = [
    ("Aktivitet 1", "Bästa kommun att växa i", "Unga vuxna och lockande levnadsmiljöer"),
    ("Aktivitet 2", "Bästa kommun att växa i", "Näringsliv"),
    ("Aktivitet 3", "Livslångt lärande för alla", "Berättartraditionen"),
    ("Aktivitet 4", "Livslångt lärande för alla", "Vattenfrågor"),
    ("Aktivitet 5", "Livslångt lärande för alla (bidrar även till Bästa kommun att växa i)",
     "inget särskilt"),
    ("Aktivitet 6", "Vi skapar ett rikt liv", "Berättartraditionen"),
    ("Aktivitet 7", "Vi skapar ett rikt liv", "Vattenfrågor"),
    ("Aktivitet 8", "Vi skapar ett rikt liv", "Unga vuxna och lockande levnadsmiljöer"),
]
DOCX_EXPECTED: Expected = [
    ("Mål 1", "Livslångt lärande för alla", None),
    ("Mål 2", "Livslångt lärande för alla", None),
    ("Mål 3", "Livslångt lärande för alla", None),
    ("Mål 4", "Livslångt lärande för alla", None),
    ("Mål 5", "Bästa kommun att växa i", "Näringsliv"),
    ("Mål 6", "Vi skapar ett rikt liv", "Vattenfrågor"),
    ("Mål 7", "Livslångt lärande för alla", "Berättartraditionen"),
]
GOAL_ID = {
    "Bästa kommun att växa i": "vaxa", "Livslångt lärande för alla": "larande",
    "Vi skapar ett rikt liv": "rikt-liv", "Unga vuxna och lockande levnadsmiljöer": "unga-vuxna",
    "Näringsliv": "naringsliv", "Berättartraditionen": "berattartradition",
    "Vattenfrågor": "vatten",
}


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


def _activities(fixture_corpus: Path, name: str, taxonomy: Taxonomy) -> list[Activity]:
    return split_plan(load_document(fixture_corpus / name), taxonomy)


@pytest.mark.parametrize(("name", "expected"), [(PDF, PDF_EXPECTED), (DOCX, DOCX_EXPECTED)])
def test_align_finds_every_activity(
    fixture_corpus: Path, taxonomy: Taxonomy, name: str, expected: Expected
) -> None:
    activities = _activities(fixture_corpus, name, taxonomy)
    assert [a.key for a in activities] == [key for key, _, _ in expected]


@pytest.mark.parametrize(("name", "expected"), [(PDF, PDF_EXPECTED), (DOCX, DOCX_EXPECTED)])
def test_align_extracts_declared_links_exactly(
    fixture_corpus: Path, taxonomy: Taxonomy, name: str, expected: Expected
) -> None:
    for activity, (key, vision, focus) in zip(
        _activities(fixture_corpus, name, taxonomy), expected, strict=True
    ):
        raw = {d.kind: d.raw for d in activity.declarations if not d.inherited}
        assert raw["visionsmal"] == vision, key
        assert raw.get("fokusomrade") == focus, key
        assert activity.declared("visionsmal")[0] == GOAL_ID[vision.split(" (")[0]], key
        if focus in GOAL_ID:
            assert activity.declared("fokusomrade") == (GOAL_ID[focus],), key


def test_align_reads_secondary_and_explicit_none(fixture_corpus: Path, taxonomy: Taxonomy) -> None:
    fifth = _activities(fixture_corpus, PDF, taxonomy)[4]
    assert fifth.declared("visionsmal") == ("larande", "vaxa")
    focus = next(d for d in fifth.declarations if d.kind == "fokusomrade")
    assert focus.explicit_none and focus.goal_ids == ()


def test_align_key_figures_from_text_and_table(fixture_corpus: Path, taxonomy: Taxonomy) -> None:
    pdf = _activities(fixture_corpus, PDF, taxonomy)
    assert pdf[3].key_figures[0].indicator == "antal deltagare som klarar simkunnighetsprovet"
    assert pdf[3].key_figures[0].target == "300 deltagare"
    docx = _activities(fixture_corpus, DOCX, taxonomy)
    assert docx[4].key_figures[0].indicator == "Antal företag som tar emot praoelever"
    assert docx[4].key_figures[0].target == "120 företag"
    assert all(len(a.key_figures) == 1 for a in docx)


def test_align_matcher_text_hides_declarations(fixture_corpus: Path, taxonomy: Taxonomy) -> None:
    for activity in _activities(fixture_corpus, PDF, taxonomy):
        assert "Visionsmål" not in activity.matcher_text
        assert "Fokusområde" not in activity.matcher_text


def test_align_plan_without_activities_is_an_error(taxonomy: Taxonomy) -> None:
    doc = Document("x", "Tom plan", "x.md", "md", "h", (Block("Bara text."),))
    with pytest.raises(AlignError, match="hittade inga aktiviteter"):
        split_plan(doc, taxonomy)
