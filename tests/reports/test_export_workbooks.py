"""Exported workbooks, read back with openpyxl: title block, frozen header, autofilter, number
formats, real numbers and dates, SUM / SUBTOTAL totals whose cached values equal the dataset,
injection neutralised, every register of the ledger as a sheet, empty periods."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.reports.books import PERIOD, RECEIPTS_UAH, make_books
from tests.reports.workbook import read_workbook
from tracker.reports import datasets, service

ZERO = Decimal("0.00")


@pytest.fixture
def books(app, world):
    return make_books(world)


def export(books, name, language="uk", **filters):
    result = service.export_report(service.ExportRequest(
        name=name, format="xlsx", organization_id=books.world.org.id,
        user_id=books.world.users["finance_head"].id, date_from=PERIOD[0], date_to=PERIOD[1], language=language,
        **filters))
    with result.file:
        return read_workbook(result.file.read()), result


def test_receipts_workbook_title_header_cells_and_total(books):
    sheets, result = export(books, "receipts")
    assert result.filename == "receipts_04053625_2026-11-01_2026-11-30.xlsx"
    (sheet,) = sheets.values()
    assert sheet.ws.title == "Надходження"
    title = sheet.title_lines
    assert title[0] == "Організація: Організація 04053625 (ЄДРПОУ 04053625)"
    assert title[1] == "Реєстр надходжень"
    assert "Період: 01.11.2026 – 30.11.2026" in title
    assert any(line.startswith("Експортовано: ") and "Експортував(ла): finance_head@org04053625" in line
               for line in title if line)
    assert sheet.labels[:3] == ["Партія", "Дата надходження", "Вид допомоги"]
    assert sheet.ws.freeze_panes == f"A{sheet.header_row + 1}"
    assert sheet.ws.auto_filter.ref.startswith(f"A{sheet.header_row}:")
    assert sheet.ws.column_dimensions["H"].width > 20  # the name column is wide
    first = sheet.header_row + 1
    qty = sheet.ws.cell(first, sheet.column("Кількість"))
    assert qty.data_type == "n" and qty.value == 10 and qty.number_format == "#,##0.000"
    unit_value = sheet.ws.cell(first, sheet.column("Ціна за одиницю"))
    assert unit_value.value == 1249 and unit_value.number_format == "#,##0.0000"
    received = sheet.ws.cell(first, sheet.column("Дата надходження"))
    assert received.is_date and received.value == datetime(2026, 11, 14) and received.number_format == "dd.mm.yyyy"
    rate = sheet.ws.cell(first, sheet.column("Курс НБУ"))
    assert rate.value == pytest.approx(48.6512) and rate.number_format == "0.000000"
    formula, cached = sheet.total("Вартість, грн")
    assert formula.startswith("=SUM(") and cached == RECEIPTS_UAH
    assert sheet.ws.cell(sheet.total_row(), sheet.column("Вартість, грн")).number_format == "#,##0.00"
    assert len(sheet.data_rows()) == 3


def test_english_headers_for_an_english_export(books):
    sheets, _ = export(books, "receipts", language="en")
    (sheet,) = sheets.values()
    assert sheet.labels[:3] == ["Consignment", "Received on", "Aid type"]
    assert sheet.title_lines[1] == "Receipts register"


def test_user_text_starting_with_a_formula_sign_stays_text(books):
    sheets, _ = export(books, "distributions")
    (sheet,) = sheets.values()
    purposes = [sheet.ws.cell(r, sheet.column("Мета")) for r in sheet.data_rows()]
    evil = [c for c in purposes if c.value and c.value.startswith("=")]
    assert evil and all(c.data_type == "s" and c.value == '=HYPERLINK("http://evil")' for c in evil)
    formulas = [c for row in sheet.ws.iter_rows() for c in row if c.data_type == "f"]
    assert all(c.value.startswith(("=SUM(", "=SUBTOTAL(")) for c in formulas)


def test_turnover_subtotals_per_category_and_grand_total_match_the_dataset(books):
    sheets, _ = export(books, "stock-turnover")
    (sheet,) = sheets.values()
    rows = list(datasets.stock_turnover(books.world.org.id, *PERIOD).section.rows)
    formula, cached = sheet.total("Залишок на кінець, грн")
    assert formula.startswith("=SUBTOTAL(9,")
    assert cached == sum((r.closing_uah for r in rows), ZERO)
    subtotals = [r for r in range(sheet.header_row + 1, sheet.total_row())
                 if str(sheet.ws.cell(r, 1).value or "").startswith("Підсумок")]
    assert len(subtotals) == len({r.category for r in rows})
    col = sheet.column("Надійшло, грн")
    assert sum((Decimal(str(sheet.cached.cell(r, col).value)) for r in subtotals), ZERO) == \
        sum((r.received_uah for r in rows), ZERO)


def test_journal_and_trial_balance_totals_balance(books):
    sheets, _ = export(books, "journal")
    (journal,) = sheets.values()
    assert journal.total("Дебет, грн")[1] == journal.total("Кредит, грн")[1] > 0
    sheets, _ = export(books, "trial-balance")
    (trial,) = sheets.values()
    assert trial.total("Оборот за дебетом")[1] == trial.total("Оборот за кредитом")[1] == \
        journal.total("Дебет, грн")[1]
    assert trial.total("Сальдо на кінець, дебет")[1] == trial.total("Сальдо на кінець, кредит")[1]


def test_ledger_workbook_holds_every_register_as_a_sheet_with_the_same_figures(books):
    sheets, result = export(books, "ledger", language="en")
    assert list(sheets) == ["Receipts", "Customs", "Declarations", "Documents", "Stock turnover", "Distributions",
                            "Journal", "Trial balance", "HA report", "Donor", "Donor by currency",
                            "Reconciliation", "Differences"]
    for sheet in sheets.values():
        assert sheet.title_lines[1] == "Ledger workbook"
    assert sheets["Receipts"].total("Value, UAH")[1] == RECEIPTS_UAH
    assert sheets["Distributions"].total("Value, UAH")[1] == Decimal("188296.05")
    assert sheets["Reconciliation"].total("Difference, UAH")[1] == ZERO
    assert result.filename.startswith("ledger_04053625_")


def test_excel_and_pdf_read_the_same_dataset(books):
    # The PDF renderer consumes the very Section objects of the dataset: the figures of both
    # formats are one computation. Here: the rows the workbook shows equal the dataset's rows.
    data = datasets.auditor(books.world.org.id, *PERIOD, language="en")
    expected = [tuple(r) for r in data.section.rows]
    sheets, _ = export(books, "auditor", language="en")
    sheet = sheets["Reconciliation"]
    got = []
    for r in sheet.data_rows():
        got.append(tuple(sheet.ws.cell(r, c).value for c in range(1, len(sheet.labels) + 1)))
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected):
        assert mine[0] == theirs[0] and mine[3] == theirs[3]
        assert [Decimal(str(v)) for v in mine[6:]] == [Decimal(v) for v in theirs[6:]]


def test_empty_period_gives_headers_and_zero_totals(books):
    result = service.export_report(service.ExportRequest(
        name="ledger", format="xlsx", organization_id=books.world.org.id, user_id=None,
        date_from=date(2020, 1, 1), date_to=date(2020, 1, 31), language="en"))
    with result.file:
        sheets = read_workbook(result.file.read())
    receipts = sheets["Receipts"]
    assert receipts.labels[0] == "Consignment"
    assert receipts.ws.max_row == receipts.header_row + 1  # the total row only
    assert receipts.total("Value, UAH")[1] == ZERO
    assert sheets["Journal"].total("Debit, UAH")[1] == ZERO
