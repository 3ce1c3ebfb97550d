"""Loaders against the real fixture corpus, plus broken inputs made in tmp_path."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from assistant.types import Document, content_hash
from ingest.loaders import LoadError, is_sidecar, load_document

FIXTURES = {
    "fokusomraden.md": "Fokusområden",
    "globala-malen.md": "De 17 globala målen för hållbar utveckling",
    "landsbygdsutveckling.html": "Landsbygdsutveckling",
    "namndplan-2026-barn-utbildning.docx": "Nämndplan 2026 – Barn- och utbildningsnämnden",
    "sagobygden.md": "Sagobygden",
    "var-modell-2019-2022.md": "Vår modell – kommunens styrmodell 2019–2022",
    "verksamhetsplan-2026-kultur-fritid.pdf": (
        "Verksamhetsplan 2026 – Kultur- och fritidsförvaltningen"
    ),
    "vision-2035.md": "Vision 2035 – därför vill vi bli 35 000 invånare",
    "visionsmal-basta-kommun-att-vaxa-i.md": "Visionsmål: Bästa kommun att växa i",
    "visionsmal-livslangt-larande.md": "Visionsmål: Livslångt lärande för alla",
    "visionsmal-vi-skapar-ett-rikt-liv.md": "Visionsmål: Vi skapar ett rikt liv",
}
PDF = "verksamhetsplan-2026-kultur-fritid.pdf"
DOCX = "namndplan-2026-barn-utbildning.docx"
HTML = "landsbygdsutveckling.html"


def _load(corpus: Path, name: str) -> Document:
    return load_document(corpus / name)


def _error(path: Path) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_document(path)
    return caught.value


# --------------------------------------------------------------------------- fixtures load


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixture_loads_with_doc_id_and_title(fixture_corpus: Path, name: str) -> None:
    doc = _load(fixture_corpus, name)
    assert (doc.doc_id, doc.title) == (Path(name).stem, FIXTURES[name])


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixture_metadata_is_filled(fixture_corpus: Path, name: str) -> None:
    doc = _load(fixture_corpus, name)
    raw = (fixture_corpus / name).read_bytes()
    assert doc.source == str((fixture_corpus / name).resolve())
    assert doc.kind == Path(name).suffix.lstrip(".")
    assert doc.content_hash == content_hash(raw)


def test_markdown_front_matter_dates_are_parsed(fixture_corpus: Path) -> None:
    doc = _load(fixture_corpus, "var-modell-2019-2022.md")
    assert (doc.valid_from, doc.valid_to) == (date(2019, 1, 1), date(2022, 12, 31))
    assert doc.note and doc.note.startswith("Testdokument")


def test_markdown_ordered_list_keeps_numbers(fixture_corpus: Path) -> None:
    doc = _load(fixture_corpus, "var-modell-2019-2022.md")
    assert any(b.text == "1. Tillväxt\n2. Kunskap\n3. Livskvalitet" for b in doc.blocks)


def test_markdown_headings_carry_their_path(fixture_corpus: Path) -> None:
    doc = _load(fixture_corpus, "fokusomraden.md")
    focus = next(b for b in doc.blocks if b.kind == "list")
    assert focus.heading_path == ("Fokusområden", "Kommunens fyra fokusområden")
    assert focus.text.count("\n") == 3


# --------------------------------------------------------------------------- PDF


def test_pdf_has_page_count_and_keyword_metadata(fixture_corpus: Path) -> None:
    doc = _load(fixture_corpus, PDF)
    assert doc.page_count == 4
    assert (doc.valid_from, doc.valid_to) == (date(2026, 1, 1), date(2026, 12, 31))


def test_pdf_running_header_and_page_footer_removed(fixture_corpus: Path) -> None:
    text = _load(fixture_corpus, PDF).text
    assert "Sida 2 av 4" not in text
    assert "Ljungby kommun · Kultur- och fritidsförvaltningen" not in text


def test_pdf_finds_heading_for_every_activity(fixture_corpus: Path) -> None:
    doc = _load(fixture_corpus, PDF)
    headings = [b.text for b in doc.blocks if b.kind == "heading" and b.level == 3]
    assert [h.split(".")[0] for h in headings] == [f"Aktivitet {n}" for n in range(1, 9)]


def test_pdf_blocks_keep_their_page(fixture_corpus: Path) -> None:
    doc = _load(fixture_corpus, PDF)
    page_of = {b.text: b.page for b in doc.blocks if b.kind == "heading"}
    assert page_of["Inledning"] == 1
    assert page_of["Aktivitet 4. Simskola för alla"] == 3
    assert page_of["Aktivitet 8. Friluftsleder nära tätorten"] == 4


def test_pdf_activity_facts_form_one_list(fixture_corpus: Path) -> None:
    doc = _load(fixture_corpus, PDF)
    facts = next(b for b in doc.blocks if "Målvärde 2026: 300 deltagare" in b.text)
    assert facts.kind == "list"
    assert facts.text.startswith("- Visionsmål: Livslångt lärande för alla\n- Fokusområde:")
    assert facts.heading_path[-1] == "Aktivitet 4. Simskola för alla"


# --------------------------------------------------------------------------- DOCX


def test_docx_headings_follow_word_styles(fixture_corpus: Path) -> None:
    doc = _load(fixture_corpus, DOCX)
    levels = {b.text: b.level for b in doc.blocks if b.kind == "heading"}
    assert levels["Nämndplan 2026 – Barn- och utbildningsnämnden"] == 1
    assert levels["Inledning"] == 2
    assert levels["Mål 5. Eleverna möter det lokala näringslivet"] == 3


def test_docx_table_rows_carry_their_header(fixture_corpus: Path) -> None:
    rows = [b for b in _load(fixture_corpus, DOCX).blocks if b.kind == "table_row"]
    assert len(rows) == 7
    assert rows[4].text == (
        "Mål: 5; Indikator: Antal företag som tar emot praoelever; Målvärde 2026: 120 företag"
    )
    assert rows[0].heading_path[-1] == "Indikatorer och målvärden 2026"


def test_docx_list_paragraphs_grouped(fixture_corpus: Path) -> None:
    doc = _load(fixture_corpus, DOCX)
    lists = [b.text for b in doc.blocks if b.kind == "list"]
    assert "- Visionsmål: Bästa kommun att växa i\n- Fokusområde: Näringsliv" in lists


def _paged_docx(path: Path, rendered: bool = False) -> Path:
    """Page 1: heading and a paragraph; page 2: a table; page 3: a list. Breaks are explicit,
    or (``rendered``) also recorded as Word records its own layout."""
    from docx.oxml import OxmlElement

    document = docx.Document()
    document.add_heading("Plan för fritid", level=1)
    document.add_paragraph("Första sidans text.")
    document.add_page_break()
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("Mål", "Värde"), ("Besök", "250")], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_paragraph("Sista raden på sidan två.")
    first = document.add_paragraph("Punkt ett", style="List Bullet")
    first.paragraph_format.page_break_before = True  # "Sidbrytning före" in Word
    document.add_paragraph("Punkt två", style="List Bullet")
    if rendered:  # Word also marks where its layout broke, at the start of each new page
        for paragraph in (document.tables[0].rows[0].cells[0].paragraphs[0],
                          document.paragraphs[-2]):
            paragraph.runs[0]._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
    document.save(str(path))
    return path


@pytest.mark.parametrize("rendered", [False, True])
def test_docx_page_breaks_give_page_numbers(tmp_path: Path, rendered: bool) -> None:
    """Citations of a Word document can name the page when the file records its breaks (the
    explicit ones, or Word's own layout, never counting one break twice)."""
    doc = load_document(_paged_docx(tmp_path / "plan.docx", rendered))
    pages = {b.text.split("\n")[0]: b.page for b in doc.blocks}
    assert pages == {"Plan för fritid": 1, "Första sidans text.": 1, "Mål: Besök; Värde: 250": 2,
                     "Sista raden på sidan två.": 2, "- Punkt ett": 3}
    assert doc.page_count == 3


def test_docx_without_page_breaks_has_no_page_numbers(fixture_corpus: Path) -> None:
    """A DOCX that records no breaks has unknown pages: none are guessed."""
    doc = _load(fixture_corpus, DOCX)
    assert {b.page for b in doc.blocks} == {None} and doc.page_count is None


# --------------------------------------------------------------------------- visible metadata box


def _docx(path: Path, paragraphs: list[str], identifier: str = "") -> Path:
    document = docx.Document()
    document.core_properties.identifier = identifier
    document.add_heading("Plan för fritid", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def _text_pdf(path: Path, lines: list[tuple[float, str]]) -> Path:
    """A one-page PDF with Helvetica lines (font size, text), 16 pt apart from the top."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    ops = []
    for n, (size, text) in enumerate(lines):
        raw = text.encode("cp1252").replace(b"(", rb"\(").replace(b")", rb"\)")
        ops.append(b"BT /F1 %g Tf 60 %d Td (" % (size, 780 - 16 * n) + raw + b") Tj ET")
    stream = DecodedStreamObject()
    stream.set_data(b"\n".join(ops))
    page[NameObject("/Contents")] = writer._add_object(stream)
    writer.write(path)
    return path


@pytest.mark.parametrize("name", [PDF, DOCX])
@pytest.mark.parametrize("line", ["doc_id:", "kind: fictional", "valid_from:", "Testdokument"])
def test_visible_metadata_box_is_not_body_text(fixture_corpus: Path, name: str, line: str) -> None:
    assert line not in _load(fixture_corpus, name).text


def test_docx_visible_block_gives_dates_and_note(fixture_corpus: Path) -> None:
    doc = _load(fixture_corpus, DOCX)
    assert (doc.valid_from, doc.valid_to) == (date(2026, 1, 1), date(2026, 12, 31))
    assert doc.note == "Testdokument: fiktivt exempel, inte ett officiellt dokument"
    assert doc.blocks[0].text == "Nämndplan 2026 – Barn- och utbildningsnämnden"


def test_pdf_keeps_activities_and_visionsmal_lines(fixture_corpus: Path) -> None:
    doc = _load(fixture_corpus, PDF)
    facts = [b for b in doc.blocks if b.kind == "list" and b.text.startswith("- Visionsmål: ")]
    assert len(facts) == 8
    assert doc.blocks[0].text == "Verksamhetsplan 2026 – Kultur- och fritidsförvaltningen"


def test_docx_without_visible_block_is_unchanged(tmp_path: Path) -> None:
    body = ["Visionsmål: Bästa kommun att växa i", "Kontakt: fritidskontoret", "Vanlig text."]
    doc = load_document(_docx(tmp_path / "plan.docx", body))
    assert [b.text for b in doc.blocks] == ["Plan för fritid", *body]
    assert (doc.valid_from, doc.note) == (None, None)


def test_docx_visible_block_fills_only_missing_fields(tmp_path: Path) -> None:
    path = _docx(
        tmp_path / "plan.docx",
        ["doc_id: annat-id\nvalid_to: 2027-06-30\nkind: fictional", "Vanlig text."],
        identifier="egen-id",
    )
    doc = load_document(path)
    assert (doc.doc_id, doc.valid_to) == ("egen-id", date(2027, 6, 30))
    assert [b.text for b in doc.blocks] == ["Plan för fritid", "Vanlig text."]


def test_pdf_without_visible_box_is_unchanged(tmp_path: Path) -> None:
    lines = [(18, "Plan för fritid"), (11, "Visionsmål: Bästa kommun att växa i")]
    doc = load_document(_text_pdf(tmp_path / "plan.pdf", lines))
    assert [b.text for b in doc.blocks] == [
        "Plan för fritid",
        "Visionsmål: Bästa kommun att växa i",
    ]
    assert doc.valid_from is None


def test_pdf_visible_box_run_together_becomes_metadata(tmp_path: Path) -> None:
    lines = [
        (9, "Testdokument: exempel"),
        (9, "doc_id: plan-x"),
        (9, "valid_from: 2025-03-01"),
        (18, "Plan för fritid"),
        (11, "Vanlig text om planen."),
    ]
    doc = load_document(_text_pdf(tmp_path / "plan.pdf", lines))
    assert (doc.doc_id, doc.valid_from, doc.note) == (
        "plan-x",
        date(2025, 3, 1),
        "Testdokument: exempel",
    )
    assert [b.text for b in doc.blocks] == ["Plan för fritid", "Vanlig text om planen."]


def test_text_visible_block_after_title(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("Plan\n\nvalid_from: 2024-01-01\nvalid_to: 2024-12-31\n\nText här.\n")
    doc = load_document(path)
    assert (doc.valid_from, doc.valid_to) == (date(2024, 1, 1), date(2024, 12, 31))
    assert doc.text == "Plan\n\nText här."


def test_text_single_known_key_line_stays(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("Plan\n\nSource: SCB 2024, tabell 4.\n\nText här.\n")
    assert "Source: SCB 2024, tabell 4." in load_document(path).text



def test_text_value_line_is_not_a_heading(tmp_path: Path) -> None:
    """A flattened table of key figures: "23,38" completes its label, it titles nothing."""
    path = tmp_path / "ekonomi.txt"
    path.write_text("Ekonomi i Dalby\n\nBeslutad skattesats, kr\n\n23,38\n\n"
                    "Sidan uppdaterades i mars och gäller tills vidare.\n")
    blocks = load_document(path).blocks
    assert [b.kind for b in blocks] == ["heading", "paragraph", "paragraph", "paragraph"]
    assert blocks[2].text == "23,38"


def test_text_numbered_title_with_its_text_under_it_is_a_heading(tmp_path: Path) -> None:
    """Numbered sections of a copied web page: each number titles the text right under it."""
    path = tmp_path / "vision.txt"
    path.write_text("Vision för Ryd\n\nBerättelsen har två punkter.\n\n"
                    "1. DELAKTIGHET\nAlla ska kunna påverka.\n\n"
                    "2. MILJÖ\nNaturen ska värnas.\n")
    blocks = load_document(path).blocks
    assert [(b.kind, b.text) for b in blocks if b.kind == "heading"][1:] == [
        ("heading", "1. DELAKTIGHET"), ("heading", "2. MILJÖ")]


def test_text_numbered_items_without_text_between_stay_a_list(tmp_path: Path) -> None:
    path = tmp_path / "mal.txt"
    path.write_text("Mål för Ryd\n\nVåra mål:\n1. Fler bostäder\n2. Renare sjöar\n")
    blocks = load_document(path).blocks
    assert [b.kind for b in blocks] == ["heading", "paragraph", "list"]


def test_text_short_lines_without_markers_are_a_list(tmp_path: Path) -> None:
    """A copied web page lost its bullets: the lines stay items, not one run-together line."""
    path = tmp_path / "vardegrund.txt"
    path.write_text("Värdegrund i Ryd\n\nVår värdegrund vilar på tre ord:\n\n"
                    "TILLIT\nMOD\nOMTANKE\n\nVarje medarbetare ska känna till den.\n")
    blocks = load_document(path).blocks
    assert [(b.kind, b.text) for b in blocks][1:3] == [
        ("paragraph", "Vår värdegrund vilar på tre ord:"),
        ("list", "- TILLIT\n- MOD\n- OMTANKE")]


def test_text_label_value_lines_stay_one_paragraph(tmp_path: Path) -> None:
    """A page's facts box ("Senast uppdaterad: …") is not a list of items."""
    path = tmp_path / "nyhet.txt"
    path.write_text("Nyhet från Ryd\n\nSkatten är oförändrad.\n\n"
                    "Senast uppdaterad: 3 maj 2024\nPublicerad: 2 maj 2024\n")
    blocks = load_document(path).blocks
    assert [b.kind for b in blocks] == ["heading", "paragraph", "paragraph"]


def test_text_aligned_columns_are_a_table_whose_rows_name_their_headers(tmp_path: Path) -> None:
    """A plain-text table: columns apart by two or more spaces (a cell wider than its column
    too), a rule of dashes under the header; a line before it introduces it."""
    path = tmp_path / "budget.txt"
    path.write_text("Budget för Ryd\n\nRamar per verksamhet, mnkr:\n"
                    "Verksamhet         Budget 2025   Budget 2026\n"
                    "----------------   -----------   -----------\n"
                    "Förskola                 193,1         198,4\n"
                    "Grundskola inklusive fritidshem  345,6  356,9\n\n"
                    "Ramarna gäller från januari.\n")
    blocks = load_document(path).blocks
    assert [(b.kind, b.text) for b in blocks][1:] == [
        ("paragraph", "Ramar per verksamhet, mnkr:"),
        ("table_row", "Verksamhet: Förskola; Budget 2025: 193,1; Budget 2026: 198,4"),
        ("table_row", "Verksamhet: Grundskola inklusive fritidshem; Budget 2025: 345,6; "
                      "Budget 2026: 356,9"),
        ("paragraph", "Ramarna gäller från januari.")]


def test_text_lines_with_uneven_gaps_are_no_table(tmp_path: Path) -> None:
    path = tmp_path / "text.txt"
    path.write_text("Plan för Ryd\n\nEn rad med  två mellanslag.\nEn annan rad utan.\n"
                    "Och en tredje  rad  här.\n")
    assert [b.kind for b in load_document(path).blocks] == ["heading", "paragraph"]


# --------------------------------------------------------------------------- HTML


@pytest.mark.parametrize("boilerplate", ["kakor", "cookies", "kontaktcenter", "0372", "Huvudmeny"])
def test_html_boilerplate_removed(fixture_corpus: Path, boilerplate: str) -> None:
    assert boilerplate.lower() not in _load(fixture_corpus, HTML).text.lower()


def test_html_keeps_all_article_text(fixture_corpus: Path) -> None:
    text = _load(fixture_corpus, HTML).text
    for passage in (
        "Stad och landsbygd hör ihop.",
        "Här produceras en stor del av vår mat och energi",
        "- Social hållbarhet: mål 11 Hållbara städer och samhällen.",
        "visionen om 35 000 invånare år 2035",
    ):
        assert passage in text


def test_html_front_matter_comment_gives_metadata(fixture_corpus: Path) -> None:
    doc = _load(fixture_corpus, HTML)
    assert doc.note == "Testdokument: omskriven sammanfattning, inte ett officiellt dokument"


# --------------------------------------------------------------------------- plain text


def test_vision_page_title(vision_page: Path) -> None:
    doc = load_document(vision_page)
    assert (doc.doc_id, doc.title) == ("vision-och-mal", "Vision och mål")


def test_vision_page_three_visionsmal_in_one_list(vision_page: Path) -> None:
    lists = [b for b in load_document(vision_page).blocks if b.kind == "list"]
    assert lists[0].text == (
        "- Bästa kommun att växa i\n- Livslångt lärande för alla\n- Vi skapar ett rikt liv"
    )
    assert lists[0].heading_path == ("Vision och mål", "Visionsmål")


def test_vision_page_focus_list_whole(vision_page: Path) -> None:
    focus = [b for b in load_document(vision_page).blocks if b.kind == "list"][1]
    assert focus.text.count("\n- ") == 3
    assert focus.text.endswith("Näringsliv (nytt fokusområde från och med år 2021)")


# --------------------------------------------------------------------------- sidecar


def test_sidecar_overrides_file_metadata(tmp_path: Path, fixture_corpus: Path) -> None:
    doc_path = tmp_path / "var-modell-2019-2022.md"
    shutil.copy(fixture_corpus / doc_path.name, doc_path)
    sidecar = tmp_path / "var-modell-2019-2022.md.meta.yaml"
    sidecar.write_text("title: Vår modell\nvalid_to: 2023-06-30\nurl: https://example.org/x\n")
    doc = load_document(doc_path)
    assert (doc.title, doc.valid_to, doc.url) == (
        "Vår modell",
        date(2023, 6, 30),
        "https://example.org/x",
    )
    assert doc.content_hash == content_hash(doc_path.read_bytes() + sidecar.read_bytes())


def test_malformed_sidecar_names_the_sidecar(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Titel\n\nText.\n")
    sidecar = tmp_path / "a.txt.meta.yaml"
    sidecar.write_text("title: [unclosed\n")
    assert _error(tmp_path / "a.txt").path == sidecar


def test_sidecar_with_unknown_key_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Titel\n\nText.\n")
    (tmp_path / "a.txt.meta.yaml").write_text("valid-from: 2020-01-01\n")
    assert "okänd nyckel" in _error(tmp_path / "a.txt").reason


def test_is_sidecar() -> None:
    assert is_sidecar(Path("x/vision-och-mal.txt.meta.yaml"))
    assert not is_sidecar(Path("x/vision-och-mal.txt"))


# --------------------------------------------------------------------------- broken inputs


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.md").write_bytes(b"")
    assert _error(tmp_path / "empty.md").reason == "tom fil"


def test_whitespace_only_file(tmp_path: Path) -> None:
    (tmp_path / "blank.txt").write_text(" \n\t\n")
    assert _error(tmp_path / "blank.txt").reason == "tom fil"


def test_corrupt_pdf(tmp_path: Path) -> None:
    (tmp_path / "broken.pdf").write_bytes(b"this is not a pdf at all" * 20)
    assert _error(tmp_path / "broken.pdf").reason.startswith("trasig PDF")


def test_encrypted_pdf(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("hemligt")
    writer.write(tmp_path / "locked.pdf")
    assert _error(tmp_path / "locked.pdf").reason == "PDF-filen är krypterad och kan inte läsas"


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.write(tmp_path / "scan.pdf")
    assert "OCR" in _error(tmp_path / "scan.pdf").reason


def test_windows_1252_text_names_the_encoding(tmp_path: Path) -> None:
    text = "Vision och mål\n\nVår vision är att Ljungby ska växa och att fler ska trivas här.\n"
    (tmp_path / "ansi.txt").write_bytes(text.encode("cp1252"))
    reason = _error(tmp_path / "ansi.txt").reason
    assert reason == "filen är inte giltig UTF-8 (troligen Windows-1252); spara om den som UTF-8"


def test_nul_bytes_mean_binary(tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(b"abc\x00def")
    assert _error(tmp_path / "bin.txt").reason.startswith("binärfil")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes("\ufeffRubrik\n\nText här.\n".encode())
    assert load_document(tmp_path / "bom.txt").title == "Rubrik"


def test_unsupported_extension(tmp_path: Path) -> None:
    (tmp_path / "notes.xyz").write_text("hej")
    reason = _error(tmp_path / "notes.xyz").reason
    assert reason.startswith("filtypen .xyz stöds inte (stöds: .docx, .htm, .html")


def test_broken_symlink(tmp_path: Path) -> None:
    (tmp_path / "gone.md").symlink_to(tmp_path / "missing.md")
    assert _error(tmp_path / "gone.md").reason == "länken pekar på en fil som inte finns"


def test_directory_named_like_a_file(tmp_path: Path) -> None:
    (tmp_path / "folder.pdf").mkdir()
    assert _error(tmp_path / "folder.pdf").reason == "sökvägen är en mapp, inte en fil"


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, which chmod 000 does not stop, so the OS error is simulated.
    path = tmp_path / "secret.md"
    path.write_text("# Hemligt\n")

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    assert _error(path).reason.startswith("filen kunde inte läsas")


def test_corrupt_docx(tmp_path: Path) -> None:
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04" + b"garbage" * 50)
    assert _error(tmp_path / "broken.docx").reason.startswith("trasig DOCX")


def test_error_message_is_path_and_reason(tmp_path: Path) -> None:
    (tmp_path / "empty.md").write_bytes(b"")
    assert str(_error(tmp_path / "empty.md")) == f"{tmp_path / 'empty.md'}: tom fil"


# --------------------------------------------------------------------------- the site's name


def _page(tmp_path: Path, head: str, body: str = "<main><h1>Budget</h1><p>Skattesatsen för "
          "2025 är 21,90 kronor.</p></main>") -> Document:
    path = tmp_path / "sida.html"
    path.write_text(f"<html><head>{head}</head><body>{body}</body></html>", encoding="utf-8")
    return load_document(path)


def test_html_publisher_is_the_sites_name_from_the_title_suffix(tmp_path: Path) -> None:
    """A municipality's page names the municipality in its title suffix, not in its text."""
    doc = _page(tmp_path, "<title>Budget och skatt - Ekby kommun</title>")
    assert (doc.title, doc.publisher) == ("Budget", "Ekby kommun")


def test_html_publisher_prefers_og_site_name_and_an_explicit_publisher(tmp_path: Path) -> None:
    og = '<meta property="og:site_name" content="Region Sydmark">'
    assert _page(tmp_path, f"<title>Budget | Startsida</title>{og}").publisher == "Region Sydmark"
    explicit = '<meta name="publisher" content="Ekby kommun">'
    assert _page(tmp_path, f"<title>Budget - Annan webbplats</title>{explicit}{og}"
                 ).publisher == "Ekby kommun"


def test_html_without_a_site_name_has_no_publisher(tmp_path: Path) -> None:
    assert _page(tmp_path, "<title>Budget och skatt</title>").publisher is None


def test_a_table_caption_or_title_row_is_no_header(tmp_path: Path) -> None:
    # An HTML <caption> (trafilatura makes it a first row with one cell) and a DOCX title row
    # merged across the columns (python-docx repeats its text in each cell) name the table;
    # the row of column names after them is the header every row is read with.
    page = tmp_path / "namnder.html"
    page.write_text(
        "<html><head><title>Nämnder</title></head><body><main><h1>Nämnder</h1>"
        "<p>Här är kommunens nämnder och deras ordförande under mandatperioden.</p>"
        "<table><caption>Nämnder i Ekby kommun 2023–2026</caption>"
        "<thead><tr><th>Nämnd</th><th>Ordförande</th><th>Vice ordförande</th></tr></thead>"
        "<tbody><tr><td>Socialnämnden</td><td>Eva Ek</td><td>Per Ås</td></tr>"
        "<tr><td>Valnämnden</td><td>Ola Berg</td><td>Kim Lund</td></tr></tbody></table>"
        "</main></body></html>", encoding="utf-8")
    document = docx.Document()
    document.add_heading("Indikatorer", level=1)
    table = document.add_table(rows=3, cols=3)
    title = table.cell(0, 0).merge(table.cell(0, 2))
    title.text = "Indikatorer 2026"
    for r, row in enumerate((("Mål", "Indikator", "Målvärde"), ("1", "Besök", "250"))):
        for c, value in enumerate(row):
            table.cell(r + 1, c).text = value
    document.save(tmp_path / "indikatorer.docx")
    for path, caption, row in (
        (page, "Nämnder i Ekby kommun 2023–2026",
         "Nämnd: Socialnämnden; Ordförande: Eva Ek; Vice ordförande: Per Ås"),
        (tmp_path / "indikatorer.docx", "Indikatorer 2026",
         "Mål: 1; Indikator: Besök; Målvärde: 250"),
    ):
        blocks = load_document(path).blocks
        texts = [b.text for b in blocks]
        assert caption in texts, texts
        assert row in [b.text for b in blocks if b.kind == "table_row"], texts


def test_a_two_column_header_with_an_empty_cell_stays_the_header(tmp_path: Path) -> None:
    page = tmp_path / "policy.md"
    page.write_text("# Policy\n\n| Uppgift | |\n| --- | --- |\n| Dokumenttyp | Policy |\n"
                    "| Antagen av | Kommunfullmäktige 2023-12-11, § 139 |\n", encoding="utf-8")
    rows = [b.text for b in load_document(page).blocks if b.kind == "table_row"]
    assert rows == ["Uppgift: Dokumenttyp; Policy",
                    "Uppgift: Antagen av; Kommunfullmäktige 2023-12-11, § 139"]


def test_a_row_with_one_text_across_the_table_heads_the_rows_under_it(tmp_path: Path) -> None:
    # "Målområde: Trygg omsorg" over its goals: each goal row says which målområde it is in.
    page = tmp_path / "mal.md"
    page.write_text(
        "# Mål\n\n| Nr | Mål | Bedömning |\n| --- | --- | --- |\n"
        "| | Målområde: Ett växande Ekby | |\n| 1 | Fler bostäder | Uppfyllt |\n"
        "| | Målområde: Trygg omsorg | |\n| 2 | Nöjda brukare | Ej uppfyllt |\n"
        "| 3 | Kortare väntetid | Uppfyllt |\n", encoding="utf-8")
    rows = [b.text for b in load_document(page).blocks if b.kind == "table_row"]
    assert rows == [
        "Målområde: Ett växande Ekby – Nr: 1; Mål: Fler bostäder; Bedömning: Uppfyllt",
        "Målområde: Trygg omsorg – Nr: 2; Mål: Nöjda brukare; Bedömning: Ej uppfyllt",
        "Målområde: Trygg omsorg – Nr: 3; Mål: Kortare väntetid; Bedömning: Uppfyllt",
    ]


def _ruled_table_pdf(path: Path, ruled: bool = True) -> Path:
    """A PDF with a paragraph, then a table whose cells wrap over several lines (borders
    drawn when ``ruled``), then a paragraph hyphenated across its line ends."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", "", 11)
    pdf.multi_cell(0, 6, "Tabellen visar hur målen bedöms.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    rows = [
        ("Nr", "Mål", "Bedömning"),
        ("1", "Minst 120 nya bostäder ska färdigställas under året i hela kommunen.",
         "Delvis uppfyllt"),
        ("2", "Handläggningstiden för bygglov ska vara högst sex veckor.", "Uppfyllt"),
    ]
    with pdf.table(col_widths=(10, 60, 30), width=120, borders_layout="ALL" if ruled
                   else "NONE", first_row_as_headings=False) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(4)
    for line in ("Efter avdrag för realisations-", "vinsten blev resultatet lägre, och barn-",
                 "och utbildningsnämnden fick en e-", "tjänst för ansökan."):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    path.write_bytes(bytes(pdf.output()))
    return path


def test_pdf_ruled_table_rows_keep_wrapped_cells_with_their_header(tmp_path: Path) -> None:
    doc = load_document(_ruled_table_pdf(tmp_path / "tabell.pdf"))
    rows = [b.text for b in doc.blocks if b.kind == "table_row"]
    assert rows == [
        "Nr: 1; Mål: Minst 120 nya bostäder ska färdigställas under året i hela kommunen.; "
        "Bedömning: Delvis uppfyllt",
        "Nr: 2; Mål: Handläggningstiden för bygglov ska vara högst sex veckor.; "
        "Bedömning: Uppfyllt",
    ]
    texts = [b.text for b in doc.blocks]
    # In reading order: the paragraph before the table, the rows, the paragraph after it.
    assert texts[0] == "Tabellen visar hur målen bedöms."
    assert texts.index(rows[-1]) == len(texts) - 2
    assert not any("färdigställas" in t for t in texts if t not in rows)


def test_pdf_of_only_a_ruled_table_loads_its_rows(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", "", 11)
    with pdf.table(col_widths=(40, 40), width=80) as table:
        for cells in (("Avgift", "2027"), ("Bygglov", "12 400 kr"), ("Anslutning", "183 700 kr")):
            row = table.row()
            for cell in cells:
                row.cell(cell)
    path = tmp_path / "avgifter.pdf"
    path.write_bytes(bytes(pdf.output()))
    assert [b.text for b in load_document(path).blocks] == [
        "Avgift: Bygglov; 2027: 12 400 kr", "Avgift: Anslutning; 2027: 183 700 kr"]


def test_pdf_table_without_rules_stays_text(tmp_path: Path) -> None:
    doc = load_document(_ruled_table_pdf(tmp_path / "tabell.pdf", ruled=False))
    assert not [b for b in doc.blocks if b.kind == "table_row"]
    assert any("Handläggningstiden" in b.text for b in doc.blocks)


def test_pdf_words_hyphenated_at_line_ends_are_rejoined(tmp_path: Path) -> None:
    doc = load_document(_ruled_table_pdf(tmp_path / "tabell.pdf"))
    assert doc.blocks[-1].text == (
        "Efter avdrag för realisationsvinsten blev resultatet lägre, och barn- och "
        "utbildningsnämnden fick en e-tjänst för ansökan.")
