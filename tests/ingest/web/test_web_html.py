"""Main content of municipal pages (trafilatura): boilerplate gone, structure kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import load_document

PAGES = Path(__file__).parent / "pages"
BOILERPLATE = {
    "kommun-sida.html": ["kakor", "Omsorg och hjälp", "Startsida", "Biblioteket", "Dela sidan",
                         "Facebook", "Telefon", "Tillgänglighetsredogörelse", "Gå direkt"],
    "vision-sida.html": ["kakor", "Huvudmeny", "Kommun och politik", "Dela sidan", "LinkedIn",
                         "Fick du svar", "Kontaktcenter", "Instagram"],
}


@pytest.mark.parametrize(
    ("page", "noise"), [(page, noise) for page, words in BOILERPLATE.items() for noise in words]
)
def test_boilerplate_is_dropped(page: str, noise: str) -> None:
    assert noise.lower() not in load_document(PAGES / page).text.lower()


def test_headings_become_heading_paths() -> None:
    blocks = load_document(PAGES / "kommun-sida.html").blocks
    application = next(b for b in blocks if b.text.startswith("Ansökan om aktivitetsstöd"))
    assert application.heading_path == (
        "Riktlinjer för föreningsbidrag", "Bidragsbelopp", "Ansökan"
    )


def test_lists_are_kept_whole_and_numbered() -> None:
    lists = [b.text for b in load_document(PAGES / "vision-sida.html").blocks if b.kind == "list"]
    assert lists == [
        "- Bästa kommun att växa i\n- Livslångt lärande för alla\n- Vi skapar ett rikt liv",
        "1. Unga vuxna och lockande levnadsmiljöer\n2. Näringsliv och kompetensförsörjning",
    ]


def test_tables_become_rows_with_headers() -> None:
    rows = [b.text for b in load_document(PAGES / "kommun-sida.html").blocks
            if b.kind == "table_row"]
    assert rows == [
        "Bidrag: Aktivitetsstöd; Belopp: 25 kronor per deltagartillfälle",
        "Bidrag: Lokalbidrag; Belopp: högst 40 procent av hyran",
    ]


def test_metadata_from_the_page() -> None:
    doc = load_document(PAGES / "kommun-sida.html")
    assert (doc.title, doc.publisher, doc.url) == (
        "Riktlinjer för föreningsbidrag",
        "Exempelby kommun",
        "https://www.exempelby.se/kultur/foreningsbidrag",
    )


def test_short_page_keeps_its_text_and_title(tmp_path: Path) -> None:
    page = tmp_path / "beslut.html"
    page.write_text("<html><body><h1>Beslut</h1><p>Nämnden beslutar att anta planen.</p>"
                    "</body></html>", encoding="utf-8")
    doc = load_document(page)
    assert (doc.title, doc.text.splitlines()[-1]) == ("Beslut", "Nämnden beslutar att anta planen.")


def test_logo_heading_in_the_site_header_is_not_the_title(tmp_path: Path) -> None:
    page = tmp_path / "sida.html"
    page.write_text(
        "<html><head><title>Taxor - Exempelby kommun</title></head><body><header>"
        "<h1>Exempelby kommun</h1></header><main><h2>Taxor för bygglov</h2><p>Avgiften för "
        "bygglov beräknas enligt plan- och bygglovstaxan som fullmäktige antagit.</p>"
        "</main></body></html>", encoding="utf-8")
    doc = load_document(page)
    assert doc.title == "Taxor"  # from <title>, without the site name
    assert "Exempelby kommun" not in doc.text
