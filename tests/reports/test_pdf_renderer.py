"""PDF builder: validity, pages, embedded fonts, extractable text, streamed tables, helpers."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from tests.reports.samples import DE_LABELS, RECEIPT_COLUMNS, RECEIPT_ROWS
from tracker.money import format_amount
from tracker.reports.pdf import (
    FONT,
    InvalidImage,
    PdfReport,
    _StreamedTable,
    build_pdf,
    make_image,
)
from tracker.reports.rows import ColumnKind, ColumnSpec, ReportMeta, Section, Signatory, Total


def pages_text(data: bytes) -> list[str]:
    """Each page's text with runs of white space (line breaks inside cells, NBSP) as one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages]


def amount(value: str) -> str:
    """An amount as the pages format it, with the NBSP thousands separator as extracted (space)."""
    return format_amount(Decimal(value)).replace("\xa0", " ")


def fonts(data: bytes) -> dict[str, bool]:
    """Base font name → embedded, over every page and form of the document."""
    found: dict[str, bool] = {}

    def walk(resources) -> None:
        if not resources:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            embedded = bool(descriptor) and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
        for xobject in (resources.get("/XObject") or {}).values():
            walk(xobject.get_object().get("/Resources"))

    for page in PdfReader(BytesIO(data)).pages:
        walk(page.get("/Resources"))
    return found


def register_rows(count: int):
    for i in range(count):
        yield (f"Категорія {i // 500}", f"R{i:05d}", Decimal(i).scaleb(-2))


def test_register_pdf_is_valid_with_embedded_dejavu_and_no_helvetica(meta):
    data = build_pdf(meta, Section(meta.title, RECEIPT_COLUMNS, RECEIPT_ROWS, group_by="category"))
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    used = fonts(data)
    assert set(used) == {"/AAAAAA+DejaVuSans", "/AAAAAA+DejaVuSans-Bold"}
    assert all(used.values())
    assert b"Helvetica" not in data and b"Times-Roman" not in data


def test_cyrillic_and_german_text_and_formatted_amounts_are_extractable(meta):
    data = build_pdf(meta, Section(meta.title, RECEIPT_COLUMNS, RECEIPT_ROWS, group_by="category"))
    (text,) = pages_text(data)
    for expected in ("Хмільницька міська рада (ЄДРПОУ 04051264)", "Реєстр надходжень",
                     "Stromerzeuger Größe 5 kW", "Підсумок: Ліжка", "Разом", "05.01.2026",
                     amount("1234567.89"), amount("1234668.05"),
                     "6.750", "43.123456", "Сторінка 1 з 1", "Період: 01.01.2026 – 31.03.2026",
                     "Партнер: Stadt Dortmund", "Експортував: Олена Коваль"):
        assert expected in text, expected
    # The injected "formula" is just text here as well.
    assert '=HYPERLINK("http://evil")' in text


def test_long_tables_are_laid_out_page_by_page_with_headers_and_page_x_of_y(meta):
    columns = [RECEIPT_COLUMNS[0], RECEIPT_COLUMNS[1], RECEIPT_COLUMNS[4]]
    data = build_pdf(meta, Section(meta.title, columns, register_rows(2000), group_by="category"))
    texts = pages_text(data)
    pages = len(texts)
    assert 30 < pages < 60
    for number, text in enumerate(texts, 1):
        assert f"Сторінка {number} з {pages}" in text
        assert "Найменування" in text  # the header row repeats on every page
        assert "Хмільницька міська рада" in text and "Період: 01.01.2026 – 31.03.2026" in text
    everything = "\n".join(texts)
    row_ids = re.findall(r"R(\d{5})", everything)
    assert sorted(map(int, row_ids)) == list(range(2000))  # every row once, none lost at a break
    assert everything.count("Підсумок: Категорія") == 4
    total = sum((Decimal(i).scaleb(-2) for i in range(2000)), Decimal(0))
    assert f"Підсумок: Категорія 3 {amount('8747.50')} Разом {amount(str(total))}" in texts[-1]


def test_narrow_tables_are_portrait_and_wide_ones_landscape_without_cut_columns(meta):
    narrow = build_pdf(meta, Section(meta.title, RECEIPT_COLUMNS[:3], [r[:3] for r in RECEIPT_ROWS]))
    box = PdfReader(BytesIO(narrow)).pages[0].mediabox
    assert box.width < box.height

    wide_columns = [ColumnSpec(f"c{i}", f"K{i:02d}", ColumnKind.MONEY, total=Total.SUM) for i in range(40)]
    row = tuple(Decimal("1234567.89") for _ in range(40))
    wide = build_pdf(meta, Section(meta.title, wide_columns, [row, row]))
    page = PdfReader(BytesIO(wide)).pages[0]
    assert page.mediabox.width > page.mediabox.height
    text = page.extract_text()
    assert all(f"K{i:02d}" in text for i in range(40))
    assert text.count(amount("2469135.78")) == 40

    table = _StreamedTable(Section("W", wide_columns, []), meta, 7.5)
    frame_width = page.mediabox.width - 2 * 15 * 72 / 25.4
    split = table.split(float(frame_width), 500)
    assert split and sum(table._layout.widths) == pytest.approx(float(frame_width))
    assert table._layout.font_size < 7.5  # scaled with the columns, so the amounts still fit


def test_forced_orientation_wins(meta):
    data = build_pdf(meta, Section(meta.title, RECEIPT_COLUMNS[:2], [r[:2] for r in RECEIPT_ROWS]),
                     orientation="landscape")
    box = PdfReader(BytesIO(data)).pages[0].mediabox
    assert box.width > box.height
    with pytest.raises(ValueError):
        PdfReport(meta, orientation="sideways")  # type: ignore[arg-type]


def test_empty_data_is_a_valid_pdf_that_says_nothing_to_report(meta):
    data = build_pdf(meta, Section(meta.title, RECEIPT_COLUMNS, iter([]), group_by="category"))
    (text,) = pages_text(data)
    assert "Немає даних за цей період." in text and "Разом" not in text
    empty = PdfReport(meta).build()
    assert "Немає даних за цей період." in pages_text(empty)[0]


def test_german_donor_summary_with_narrative_chart_photo_and_signatures(meta):
    de = ReportMeta("Stadtrat Chmilnyk", "04051264", "Verwendungsnachweis", date(2026, 1, 1), date(2026, 6, 30),
                    language="de", labels=DE_LABELS)
    report = PdfReport(de)
    report.heading("Sachbericht")
    report.paragraph("Die Hilfsgüter wurden übergeben.\nÄrzte & Pflegekräfte <nutzen> sie täglich. " * 40)
    report.key_values([("Zuwendungsgeber", "Stadt Dortmund"), ("Empfänger", "Хмільницька міська рада")])
    report.bar_chart(["Medizinische Geräte", "Generatoren", "Lebensmittel"],
                     [("Erhalten", [Decimal("120000.50"), Decimal("80000"), Decimal("5000")]),
                      ("Verteilt", [Decimal("100000"), Decimal("80000"), Decimal("0")])],
                     title="Erhalten und verteilt, UAH")
    photo = BytesIO()
    PILImage.new("RGB", (2400, 1800), "steelblue").save(photo, "PNG")
    assert report.image(photo.getvalue(), caption="Übergabe im Krankenhaus") is True
    assert report.image(b"not an image at all", caption="kaputt") is False
    report.signatures([Signatory("Bürgermeister", "Mykola Jurtschyschyn"), Signatory("Buchhalterin", "")])
    data = report.build()
    assert data is not None
    everything = "\n".join(pages_text(data))
    for expected in ("Sachbericht", "Ärzte & Pflegekräfte <nutzen>", "Zuwendungsgeber", "Хмільницька міська рада",
                     "Medizinische Geräte", "Erhalten", "Verteilt", "Übergabe im Krankenhaus",
                     "The image could not be read.", "Bürgermeister", "(Unterschrift)", "(Datum)",
                     "Seite 1 von "):
        assert expected in everything, expected
    assert b"/Subtype /Image" in data
    used = fonts(data)
    assert set(used) == {"/AAAAAA+DejaVuSans", "/AAAAAA+DejaVuSans-Bold"} and all(used.values())
    assert b"Helvetica" not in data


def test_very_long_words_and_control_characters_wrap_inside_their_cells(meta):
    columns = [ColumnSpec("name", "Назва", width=12), ColumnSpec("v", "Сума", ColumnKind.MONEY, total=Total.SUM)]
    rows = [("Б" * 3000, Decimal("1.00")), ("bell\x07 and\x00 nul", Decimal("2.00"))]
    data = build_pdf(meta, Section(meta.title, columns, rows))
    text = "\n".join(pages_text(data))
    assert "bell and nul" in text and amount("3.00") in text
    assert "…" in text  # the 3,000 letters were cut after the line cap, not spilled over the page


def test_make_image_scales_to_the_box_and_rejects_non_images():
    buffer = BytesIO()
    PILImage.new("RGBA", (2400, 800), (200, 0, 0, 128)).save(buffer, "PNG")
    image = make_image(buffer.getvalue(), max_width=300, max_height=300)
    assert image.drawWidth == pytest.approx(300) and image.drawHeight == pytest.approx(100, rel=0.01)
    with pytest.raises(InvalidImage):
        make_image(b"\x89PNG\r\n\x1a\n broken", 100, 100)


def test_fonts_are_registered_under_our_name():
    PdfReport(ReportMeta("O", "", "T"))
    from reportlab.pdfbase import pdfmetrics
    assert FONT in pdfmetrics.getRegisteredFontNames()
