"""Excel builder: round trip through openpyxl and the raw sheet XML."""
from __future__ import annotations

import gc
import tracemalloc
import zipfile
from datetime import date, datetime, timezone
from decimal import Decimal
from io import BytesIO

import pytest
from lxml import etree
from openpyxl import load_workbook
from openpyxl.worksheet import _writer as openpyxl_writer

from tests.reports.samples import RECEIPT_COLUMNS, RECEIPT_ROWS
from tracker.reports.rows import ColumnKind, ColumnSpec, ReportMeta, Section, Total
from tracker.reports.xlsx import build_xlsx, write_xlsx, xlsx_tempfile

NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
HEADER_ROW = 9  # 7 title lines (org, title, period, "filters:" + 2, exported), a blank row


def receipts(rows=RECEIPT_ROWS, **kwargs) -> Section:
    return Section("Реєстр надходжень", RECEIPT_COLUMNS, iter(rows), **kwargs)


def load(data: bytes, **kwargs):
    return load_workbook(BytesIO(data), **kwargs)


def sheet_xml(data: bytes, number: int = 1) -> etree._Element:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return etree.fromstring(archive.read(f"xl/worksheets/sheet{number}.xml"))


def test_cells_hold_real_numbers_and_dates_with_number_formats(meta):
    ws = load(build_xlsx(meta, receipts())).active
    first = HEADER_ROW + 1
    assert [c.value for c in ws[HEADER_ROW]] == [c.label for c in RECEIPT_COLUMNS]
    name, received, qty, value, rate = (ws.cell(first, i) for i in range(2, 7))
    assert name.value == "Ліжко медичне" and name.data_type == "s"
    assert received.is_date and received.value == datetime(2026, 1, 5)
    assert received.number_format == "dd.mm.yyyy"
    assert qty.data_type == "n" and qty.value == 2 and qty.number_format == "#,##0.000"
    assert value.data_type == "n" and value.value == pytest.approx(1234567.89)
    assert value.number_format == "#,##0.00"
    assert rate.value == pytest.approx(43.123456) and rate.number_format == "0.000000"
    assert ws.cell(first + 3, 6).value is None  # None stays an empty cell
    assert ws.cell(first + 3, 6).number_format == "General"


def test_iso_dates_when_the_report_asks_for_them(meta):
    iso = ReportMeta(meta.organization_name, meta.organization_edrpou, meta.title, date_style="iso")
    ws = load(build_xlsx(iso, receipts())).active
    assert ws.cell(header_row_of(iso) + 1, 3).number_format == "yyyy-mm-dd"


def header_row_of(meta: ReportMeta, section_title: str = "") -> int:
    """Title lines, a blank row, then the header."""
    return len(meta.title_lines(section_title)) + 2


def test_group_subtotals_and_total_are_formulas_with_correct_cached_values(meta):
    data = build_xlsx(meta, receipts(group_by="category"))
    ws = load(data).active
    cached = load(data, data_only=True).active
    first = HEADER_ROW + 1
    # rows: Ліжка ×2, subtotal, Генератори ×1, subtotal, total
    sub1, sub2, total = first + 2, first + 4, first + 5
    assert ws.cell(sub1, 1).value == "Підсумок: Ліжка"
    assert ws.cell(sub1, 5).value == f"=SUBTOTAL(9,E{first}:E{first + 1})"
    assert ws.cell(sub2, 1).value == "Підсумок: Генератори"
    assert ws.cell(sub2, 4).value == f"=SUBTOTAL(9,D{first + 3}:D{first + 3})"
    assert ws.cell(total, 1).value == "Разом"
    assert ws.cell(total, 5).value == f"=SUBTOTAL(9,E{first}:E{sub2})"
    assert ws.cell(total, 5).number_format == "#,##0.00"
    assert cached.cell(sub1, 5).value == pytest.approx(1234568.00)
    assert cached.cell(sub1, 4).value == pytest.approx(3.5)
    assert cached.cell(sub2, 5).value == pytest.approx(100.05)
    assert cached.cell(total, 5).value == pytest.approx(1234668.05)
    assert cached.cell(total, 4).value == pytest.approx(6.75)

    # In the XML every formula carries its exact cached value next to it.
    cells = sheet_xml(data).findall(".//x:c[x:f]", NS)
    assert len(cells) == 6
    values = {c.get("r"): c.findtext("x:v", namespaces=NS) for c in cells}
    assert values[f"E{total}"] == "1234668.05"
    assert values[f"D{total}"] == "6.750"
    assert values[f"E{sub1}"] == "1234568.00"


def test_without_groups_the_total_is_a_sum(meta):
    data = build_xlsx(meta, receipts())
    ws = load(data).active
    total = HEADER_ROW + len(RECEIPT_ROWS) + 1
    assert ws.cell(total, 5).value == f"=SUM(E{HEADER_ROW + 1}:E{total - 1})"
    assert load(data, data_only=True).active.cell(total, 5).value == pytest.approx(1234668.05)


def test_user_text_is_never_a_formula(meta):
    nasty = ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "=HYPERLINK(\"x\")"]
    columns = [ColumnSpec("text", "Текст"), ColumnSpec("n", "N", ColumnKind.MONEY, total=Total.SUM)]
    evil_meta = ReportMeta("=cmd()", "12345678", "+title", exported_by="@admin",
                           filters=[("Партнер", "=IMPORTXML()")])
    data = build_xlsx(evil_meta, Section("-sheet", columns, [(t, Decimal("1")) for t in nasty]))
    ws = load(data).active
    header = len(evil_meta.title_lines("-sheet")) + 2
    texts = [ws.cell(header + 1 + i, 1) for i in range(len(nasty))]
    assert [c.value for c in texts] == nasty
    assert all(c.data_type == "s" and c.quotePrefix for c in texts)
    formulas = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == [f"B{header + len(nasty) + 1}"]  # only our total
    title_texts = [ws.cell(r, 1).value for r in range(1, header)]
    assert "Organization: =cmd() (EDRPOU 12345678)" in title_texts
    assert "+title" in title_texts
    assert all(ws.cell(r, 1).data_type in ("s", "n") for r in range(1, header))


def test_text_that_xml_cannot_carry_is_cleaned_and_the_rest_round_trips(meta):
    columns = [ColumnSpec("text", "Текст")]
    texts = ["  leading and trailing  ", "a & b < c > d \"q\" 'a'", "bell\x07 and nul\x00", "_x0041_ stays",
             "перший\nдругий", "emoji 🇺🇦"]
    data = build_xlsx(meta, Section("S", columns, [(t,) for t in texts]))
    ws = load(data).active
    first = header_row_of(meta, "S") + 1
    got = [ws.cell(first + i, 1).value for i in range(len(texts))]
    assert got[0] == "  leading and trailing  "
    assert got[1] == texts[1]
    assert got[2] == "bell and nul"
    assert got[4] == "перший\nдругий" and got[5] == "emoji 🇺🇦"
    # Excel decodes _xHHHH_; the underscore is escaped so Excel shows the text as written.
    raw = sheet_xml(data).findall(".//x:t", NS)
    assert any(t.text == "_x005F_x0041_ stays" for t in raw)


def test_title_block_frozen_header_autofilter_and_widths(meta):
    data = build_xlsx(meta, receipts())
    ws = load(data).active
    title = [ws.cell(r, 1).value for r in range(1, HEADER_ROW - 1)]
    assert title[0] == "Організація: Хмільницька міська рада (ЄДРПОУ 04051264)"
    assert title[1] == "Реєстр надходжень"
    assert "Період: 01.01.2026 – 31.03.2026" in title
    assert "    Партнер: Stadt Dortmund" in title and "    Склад: Центральний склад" in title
    assert title[-1] == "Експортовано: 2026-04-02 09:30 UTC; Експортував: Олена Коваль"
    assert ws.cell(HEADER_ROW - 1, 1).value is None
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    last_data = HEADER_ROW + len(RECEIPT_ROWS)
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:F{last_data}"
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.cell(HEADER_ROW, 1).font.b
    widths = {k: ws.column_dimensions[k].width for k in "ABCDEF"}
    assert widths["B"] == 30  # hint 28 + padding
    assert widths["C"] == len("Дата надходження") + 4  # header longer than a date
    assert widths["E"] >= 14  # money default


def test_ledger_workbook_holds_every_register_as_a_sheet(meta):
    journal_columns = [ColumnSpec("entry", "Запис", ColumnKind.INT), ColumnSpec("debit", "Дебет", ColumnKind.MONEY,
                                                                                 total=Total.SUM)]

    def sections():  # produced lazily, one after the other, like the ledger dataset
        yield receipts()
        yield Section("Журнал: 2026/01 [чернетка]", journal_columns, iter([(1, Decimal("10.00")), (2, Decimal("5.5"))]))
        yield Section("Журнал: 2026/01 [чернетка]", journal_columns, iter([]))

    data = build_xlsx(ReportMeta("Рада", "04051264", "Книга для аудитора", labels=meta.labels), sections())
    wb = load(data)
    assert wb.sheetnames == ["Реєстр надходжень", "Журнал  2026 01  чернетка", "Журнал  2026 01  чернетка (2)"]
    journal = wb.worksheets[1]
    header = next(r for r in range(1, 10) if journal.cell(r, 1).value == "Запис")
    assert journal.cell(2, 1).value == "Книга для аудитора"
    assert journal.cell(3, 1).value == "Журнал: 2026/01 [чернетка]"
    assert journal.cell(header + 1, 1).value == 1 and journal.cell(header + 1, 1).number_format == "0"
    assert journal.cell(header + 3, 2).value == f"=SUM(B{header + 1}:B{header + 2})"
    assert load(data, data_only=True).worksheets[1].cell(header + 3, 2).value == pytest.approx(15.5)
    assert journal.freeze_panes == f"A{header + 1}"


def test_empty_data_gives_title_header_and_zero_totals(meta):
    data = build_xlsx(meta, receipts(rows=(), group_by="category"))
    ws = load(data).active
    assert ws.cell(2, 1).value == "Реєстр надходжень"
    assert ws.cell(HEADER_ROW, 5).value == "Вартість, грн"
    total = HEADER_ROW + 1
    assert ws.cell(total, 1).value == "Разом"
    assert ws.cell(total, 4).value == 0 and ws.cell(total, 5).value == 0
    assert ws.cell(total, 5).data_type == "n"
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:F{HEADER_ROW}"
    assert ws.max_row == total


def test_dict_and_dataclass_rows_and_a_temp_file_for_streaming(meta):
    keys = [c.key for c in RECEIPT_COLUMNS]
    dict_rows = [dict(zip(keys, row)) for row in RECEIPT_ROWS]
    handle = xlsx_tempfile(meta, Section(meta.title, RECEIPT_COLUMNS, dict_rows))
    try:
        assert handle.tell() == 0
        data = handle.read()
    finally:
        handle.close()
    assert data.startswith(b"PK")
    assert load(data).active.cell(HEADER_ROW + 1, 2).value == "Ліжко медичне"


def test_write_to_a_path(meta, tmp_path):
    target = tmp_path / "receipts.xlsx"
    write_xlsx(meta, receipts(), target)
    assert load_workbook(target).active.cell(HEADER_ROW + 1, 1).value == "Ліжка"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (1.5, TypeError),
        (Decimal("NaN"), ValueError),
        (datetime(2026, 1, 1, tzinfo=timezone.utc), ValueError),
    ],
)
def test_inexact_or_unplaceable_values_are_refused_and_leave_no_temp_files(meta, value, error):
    before = list(openpyxl_writer.ALL_TEMP_FILES)
    kind = ColumnKind.DATE if isinstance(value, datetime) else ColumnKind.MONEY
    section = Section("S", [ColumnSpec("v", "V", kind)], [(value,)])
    with pytest.raises(error):
        build_xlsx(meta, [receipts(), section])
    assert openpyxl_writer.ALL_TEMP_FILES == before


def test_a_workbook_needs_a_section(meta):
    with pytest.raises(ValueError, match="at least one section"):
        build_xlsx(meta, [])


def test_memory_does_not_grow_with_the_number_of_rows(meta, tmp_path):
    columns = [ColumnSpec("n", "N", ColumnKind.INT), ColumnSpec("t", "T"),
               ColumnSpec("d", "D", ColumnKind.DATE), ColumnSpec("m", "M", ColumnKind.MONEY, total=Total.SUM)]

    def peak(count: int) -> int:
        rows = ((i, f"позиція {i}", date(2026, 1, 1 + i % 28), Decimal(i).scaleb(-2)) for i in range(count))
        gc.collect()
        tracemalloc.start()
        try:
            write_xlsx(meta, Section("S", columns, rows), tmp_path / f"{count}.xlsx")
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(500), peak(5_000)
    assert large < small + 200_000, (small, large)  # a few hundred KB either way
    wb = load_workbook(tmp_path / "5000.xlsx", read_only=True, data_only=True)
    try:
        *_, last = wb.active.iter_rows(values_only=True)
    finally:
        wb.close()
    assert last[3] == pytest.approx(sum(range(5_000)) / 100)


def test_a_sheet_longer_than_excel_allows_is_refused(meta, monkeypatch):
    import tracker.reports.xlsx as xlsx_module

    monkeypatch.setattr(xlsx_module, "MAX_ROWS", 300)
    before = list(openpyxl_writer.ALL_TEMP_FILES)
    section = Section("S", [ColumnSpec("n", "N", ColumnKind.INT)], ((i,) for i in range(400)))
    with pytest.raises(ValueError, match="exceed Excel"):
        build_xlsx(meta, section)
    assert openpyxl_writer.ALL_TEMP_FILES == before
