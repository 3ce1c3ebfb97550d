"""Hostile DOCX/PDF files are refused before parsing, and crafted structure stays linear.

The files are built here: a DOCX is python-docx's empty document with its XML parts replaced.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter

from ingest.loaders import LoadError, load_document, word
from ingest.loaders import pdf as pdf_loader

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(path: Path, body: str = "", styles: str | None = None,
          extra: dict[str, bytes] | None = None) -> Path:
    template = io.BytesIO()
    docx.Document().save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = f'<w:document {W}><w:body>{body}</w:body></w:document>'.encode()
            elif item.filename == "word/styles.xml" and styles is not None:
                data = f"<w:styles {W}>{styles}</w:styles>".encode()
            z.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    path.write_bytes(out.getvalue())
    return path


def _paragraphs(n: int, style: str = "") -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return "".join(f"<w:p>{props}<w:r><w:t>Stycke {i}</w:t></w:r></w:p>" for i in range(n))


def _reason(path: Path) -> str:
    with pytest.raises(LoadError) as caught:
        load_document(path)
    return caught.value.reason


def test_docx_that_unpacks_too_large_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    _docx(path)
    with (zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
          archive.open("word/media/fyllnad.bin", "w") as stream):
        for _ in range(160):  # 160 MB of zeros, 160 kB packed
            stream.write(bytes(1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    assert "packas upp till 160 MB (högst 150 MB)" in _reason(path)


def test_docx_with_too_much_xml_is_refused_before_parsing(tmp_path: Path) -> None:
    filler = b"<w:p/>" * (26 * 1024 * 1024 // 6)  # 26 MB of XML, compresses to nothing
    path = _docx(tmp_path / "xml.docx", extra={"word/fyllnad.xml": filler})
    assert "MB text och formatering i XML (högst 25 MB)" in _reason(path)


def test_docx_with_too_many_entries_is_refused(tmp_path: Path) -> None:
    extra = {f"customXml/item{i}.bin": b"x" for i in range(word.MAX_ENTRIES)}
    assert "för många delar" in _reason(_docx(tmp_path / "delar.docx", extra=extra))


def test_docx_whose_header_understates_an_entry_is_refused(tmp_path: Path) -> None:
    """A forged size would make zipfile inflate all of an entry before noticing."""
    path = _docx(tmp_path / "falsk.docx", extra={"word/media/bild.bin": bytes(4 * 1024 * 1024)})
    data = bytearray(path.read_bytes())
    name = b"word/media/bild.bin"
    record = next(at for at in range(len(data)) if data[at:at + 4] == b"PK\x01\x02"
                  and data[at + 46:at + 46 + len(name)] == name)
    data[record + 24:record + 28] = (1000).to_bytes(4, "little")  # declared unpacked size
    path.write_bytes(bytes(data))
    assert zipfile.ZipFile(path).getinfo(name.decode()).file_size == 1000
    assert _reason(path).startswith("trasig DOCX")


@pytest.mark.parametrize(("body", "styles", "what"), [
    (_paragraphs(word.MAX_PARAGRAPHS + 1), None, "stycken"),
    ("<w:tbl><w:tr>" + "<w:tc/>" * (word.MAX_TABLE_CELLS + 1) + "</w:tr></w:tbl>", None,
     "tabellceller"),
    (_paragraphs(1), "".join(f'<w:style w:type="paragraph" w:styleId="S{i}"/>'
                             for i in range(word.MAX_STYLES + 1)), "formatmallar"),
])
def test_docx_with_too_many_parts_is_refused_before_the_walk(
    tmp_path: Path, body: str, styles: str | None, what: str
) -> None:
    reason = _reason(_docx(tmp_path / "manga.docx", body, styles))
    assert f"för många {what}" in reason and "högst" in reason


def test_docx_with_thousands_of_styles_keeps_their_names(tmp_path: Path) -> None:
    """The issue's 47 kB CPU bomb (2,000 styles x 2,000 paragraphs) is an ordinary file now."""
    styles = "".join(f'<w:style w:type="paragraph" w:styleId="S{i}"><w:name w:val="Stil {i}"/>'
                     "</w:style>" for i in range(2000))
    styles += ('<w:style w:type="paragraph" w:styleId="H1"><w:name w:val="heading 1"/>'
               "</w:style>")
    body = (
        '<w:p><w:pPr><w:pStyle w:val="H1"/></w:pPr><w:r><w:t>Mål</w:t></w:r></w:p>'
        + "".join(f'<w:p><w:pPr><w:pStyle w:val="S{i}"/></w:pPr><w:r><w:t>Stycke {i}</w:t>'
                  "</w:r></w:p>" for i in range(2000))
    )
    doc = load_document(_docx(tmp_path / "stilar.docx", body, styles))
    assert (doc.blocks[0].kind, doc.blocks[0].level) == ("heading", 1)
    assert len(doc.blocks) == 2001 and doc.blocks[-1].heading_path == ("Mål",)


def test_docx_merged_table_cells_read_as_python_docx_reads_them(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=4, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    table.cell(1, 0).merge(table.cell(3, 0))  # vertical
    table.cell(2, 1).merge(table.cell(2, 2))  # horizontal
    path = tmp_path / "tabell.docx"
    document.save(path)
    expected = []
    for row in docx.Document(path).tables[0].rows:
        cells, previous = [], None
        for cell in row.cells:
            if cell._tc is not previous:
                cells.append(cell.text)
            previous = cell._tc
        expected.append(cells)
    assert word._docx_rows(docx.Document(path).tables[0]) == expected
    assert expected[3][0] == expected[1][0]  # the merged cell's text in every row it spans


def test_deep_vertical_merge_is_read_in_one_pass(tmp_path: Path) -> None:
    """300 rows merged down 20 columns took python-docx more than ten minutes."""
    restart = "<w:tcPr><w:vMerge w:val='restart'/></w:tcPr>"
    rows = "".join(
        "<w:tr>" + "".join(
            f"<w:tc>{restart if r == 0 else '<w:tcPr><w:vMerge/></w:tcPr>'}"
            f"<w:p><w:r><w:t>r{r}c{c}</w:t></w:r></w:p></w:tc>" for c in range(20)
        ) + "</w:tr>" for r in range(300)
    )
    grid = "<w:tblGrid>" + "<w:gridCol/>" * 20 + "</w:tblGrid>"
    doc = load_document(_docx(tmp_path / "sammanslagen.docx", f"<w:tbl>{grid}{rows}</w:tbl>"))
    assert len(doc.blocks) == 299 and "r0c19: r0c19" in doc.blocks[-1].text


def test_pdf_with_too_many_pages_is_refused_before_reading_them(tmp_path: Path) -> None:
    writer = PdfWriter()
    for _ in range(pdf_loader.MAX_PAGES + 1):
        writer.add_blank_page(width=200, height=200)
    path = tmp_path / "sidor.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert f"för många sidor ({pdf_loader.MAX_PAGES + 1}, högst" in _reason(path)
