"""Packing-list import: the partners' real files, and every way a file can be wrong."""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from tracker.errors import ValidationFailed
from tracker.imports.packing_list import FIELDS, parse_packing_list
from tracker.money import line_value

SEED = Path(__file__).resolve().parents[2] / "tracker" / "seed"


def xlsx(rows, *, percent_cells=()) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    for ref in percent_cells:
        ws[ref].number_format = "0%"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def parse_rows(rows, *, percent_cells=(), **kwargs):
    return parse_packing_list(xlsx(rows, percent_cells=percent_cells), "list.xlsx", **kwargs)


HEADER = ("Name", "Quantity", "Unit", "Unit price", "Total", "Expiry")


def one_row(*cells, **kwargs):
    result = parse_rows([HEADER, cells], **kwargs)
    assert len(result.rows) == 1
    return result.rows[0]


# --- the Dortmund packing list (xlsx, de/en) ------------------------------------------------------

DORTMUND = [
    # row, quantity, unit, unit value, line total, hs, lot, expiry, condition, wear, gross kg
    (7, "10", "Stk", "1249", "12490.00", "850211", None, None, "new", None, "95"),
    (8, "2", "Stk", "14380.5", "28761.00", "850212", None, None, "used", "20", "1350"),
    (9, "400", "Stk", "18.35", "7340.00", "300650", "FA-2611-07", date(2030, 6, 30), "new", None, "220"),
    (10, "1500", "Stk", "1.27", "1905.00", "300590", "VB-88123", date(2029, 3, 31), "new", None, "300"),
    (11, "240", "Pack", "41.9", "10056.00", "300431", "INS-4471", date(2027, 4, 30), "new", None, "36.5"),
    (12, "300", "Stk", "32", "9600.00", "940440", None, None, "new", None, "540"),
    (13, "120", "Stk", "45.99", "5518.80", "940320", None, None, "new", None, "960"),
    (14, "25", "Stk", "689", "17225.00", "847130", None, None, "used", "10", "62.5"),
    (15, "500", "Stk", "19.49", "9745.00", "850760", None, None, "new", None, "250"),
    (16, "600", "Stk", "6.8", "4080.00", "392330", None, None, "new", None, "900"),
    (17, "15", "Stk", "212", "3180.00", "871310", None, None, "used", None, "255"),
    (18, "720", "Dose", "11.45", "8244.00", "190110", "BN-5520", date(2027, 12, 31), "new", None, "648"),
]


@pytest.fixture(scope="module")
def dortmund_bytes() -> bytes:
    return (SEED / "packing-list-dortmund.xlsx").read_bytes()


def test_dortmund_header_found_below_title_block_and_columns_mapped(dortmund_bytes):
    result = parse_packing_list(dortmund_bytes, "packing-list-dortmund.xlsx")
    assert result.kind == "xlsx" and result.header_row == 6 and result.sheet == "Packliste"
    assert result.headers[4] == "Einzelpreis / Unit price EUR" and len(result.headers) == 11
    assert result.mapping == {"position": 0, "name": 1, "quantity": 2, "unit": 3, "unit_value": 4, "value": 5,
                              "hs_code": 6, "lot": 7, "expiry_on": 8, "gross_weight_kg": 9, "condition": 10}
    assert result.currency == "EUR"


def test_dortmund_text_expiry_needs_a_confirmed_date_format(dortmund_bytes):
    result = parse_packing_list(dortmund_bytes, "packing-list-dortmund.xlsx")
    assert not result.ok
    assert [r.row_number for r in result.rows if r.errors] == [18]
    (message,) = result.rows[-1].errors
    assert "31.12.2027" in message and "confirm its date format" in message
    assert result.errors == {"row 18": [message]}
    assert len(result.rows) == 12


def test_dortmund_parses_exactly_once_the_date_format_is_confirmed(dortmund_bytes):
    result = parse_packing_list(dortmund_bytes, "packing-list-dortmund.xlsx", date_format="%d.%m.%Y")
    assert result.ok and result.errors == {} and result.warnings == []
    assert [s.row_number for s in result.skipped] == [20]
    assert "Summe / Total" in result.skipped[0].reason
    assert len(result.rows) == len(DORTMUND)
    for row, expected in zip(result.rows, DORTMUND, strict=True):
        number, qty, unit, unit_value, total, hs, lot, expiry, condition, wear, gross = expected
        v = row.values
        assert row.row_number == number and row.errors == [] and row.warnings == []
        assert v["quantity"] == Decimal(qty) and v["unit"] == unit
        assert v["unit_value"] == Decimal(unit_value) and str(v["unit_value"]) == unit_value
        assert row.line_value == Decimal(total) and str(row.line_value) == total
        assert v["value"] == Decimal(total)  # the file's own line total agrees
        assert v["hs_code"] == hs and v["lot"] == lot and v["expiry_on"] == expiry
        assert v["condition"] == condition
        assert v["wear_percent"] == (Decimal(wear) if wear else None)
        assert v["gross_weight_kg"] == Decimal(gross) and v["currency"] == "EUR"
        assert all(not isinstance(x, float) for x in v.values())
        assert set(v) == set(FIELDS)
    assert result.rows[0].values["name"] == "Stromerzeuger 5,5 kW Benzin / Petrol generator 5.5 kW"
    assert result.rows[0].values["position"] == "1"
    assert result.total == Decimal("118144.80")
    assert result.declared_total == Decimal("118144.80")  # =SUM(F7:F18) over the file's own totals


# --- the Lublin packing list (csv, pl) ----------------------------------------------------------------

LUBLIN = [
    (2, "Agregat prądotwórczy 3 kW", "6", "szt.", "2899.00", "17394.00", "850211", None, None),
    (3, "Koc termiczny NRC", "2000", "szt.", "3.15", "6300.00", "630790", "KT-2026/11", date(2031, 11, 30)),
    (4, "Paracetamol 500 mg tabl. op. 20 szt.", "1200", "op.", "4.29", "5148.00", "300490", "PAR7731",
     date(2028, 2, 29)),
    (5, "Śpiwór zimowy", "150", "szt.", "119.90", "17985.00", "940440", None, None),
    (6, "Latarka czołowa LED", "400", "szt.", "24.50", "9800.00", "851310", None, None),
]


def test_lublin_csv_parses_with_decimal_commas_and_thousands_spaces():
    result = parse_packing_list((SEED / "packing-list-lublin.csv").read_bytes(), "packing-list-lublin.csv")
    assert result.kind == "csv" and result.header_row == 1 and result.ok and result.skipped == []
    assert result.currency == "PLN"
    assert result.mapping == {"position": 0, "name": 1, "quantity": 2, "unit": 3, "unit_value": 4, "value": 5,
                              "hs_code": 6, "lot": 7, "expiry_on": 8}
    for row, expected in zip(result.rows, LUBLIN, strict=True):
        number, name, qty, unit, unit_value, total, hs, lot, expiry = expected
        v = row.values
        assert row.row_number == number and row.errors == [] and row.warnings == []
        assert v["name"] == name and v["quantity"] == Decimal(qty) and v["unit"] == unit
        assert str(v["unit_value"]) == unit_value and str(v["value"]) == total
        assert line_value(v["quantity"], v["unit_value"], "PLN") == v["value"]
        assert v["hs_code"] == hs and v["lot"] == lot and v["expiry_on"] == expiry and v["currency"] == "PLN"
    assert result.total == Decimal("56627.00")
    assert result.declared_total is None


# --- formats -------------------------------------------------------------------------------------

def test_tab_separated_csv_with_dot_decimals_and_thousands_commas():
    content = ("Item\tQty\tUnit price\tCurrency\n"
               "Generator\t2\t\"1,249.50\"\tEUR\n"
               "Blanket\t1.5\t3.15\tEUR\n").encode()
    result = parse_packing_list(content, "list.txt")
    assert result.ok and result.currency is None
    assert [r.values["unit_value"] for r in result.rows] == [Decimal("1249.50"), Decimal("3.15")]
    assert [r.values["currency"] for r in result.rows] == ["EUR", "EUR"]
    assert result.rows[1].values["quantity"] == Decimal("1.5")


def test_comma_separated_csv_with_bom_and_nonbreaking_thousands():
    content = "\ufeffName,Qty,Price UAH\nКовдра,3,\"1\u00a0234,56\"\n".encode()
    result = parse_packing_list(content, "list.csv")
    assert result.ok and result.currency == "UAH"
    assert result.rows[0].values["unit_value"] == Decimal("1234.56")


def test_ambiguous_thousands_comma_needs_the_decimal_separator():
    content = "Name\tQty\tPrice\nBlanket\t1\t1,250\n".encode()
    row = parse_packing_list(content, "list.csv").rows[0]
    assert row.errors and "ambiguous" in row.errors[0]
    assert parse_packing_list(content, "x", decimal_comma=True).rows[0].values["unit_value"] == Decimal("1.250")
    assert parse_packing_list(content, "x", decimal_comma=False).rows[0].values["unit_value"] == Decimal("1250")


def test_ukrainian_headers_and_currency_from_title_block():
    result = parse_rows([
        ("Пакувальний лист",), ("Валюта: USD",), (),
        ("№ з/п", "Найменування", "Кількість", "Од. вим.", "Ціна за одиницю", "Сума", "Код УКТЗЕД", "Стан",
         "Знос, %"),
        (1, "Ноутбук", 5, "шт", 400, 2000, "8471 30 00 00", "вживаний", 0.25),
    ], percent_cells=["I5"])
    assert result.currency == "USD" and result.ok
    assert set(result.mapping) == {"position", "name", "quantity", "unit", "unit_value", "value", "hs_code",
                                   "condition", "wear_percent"}
    v = result.rows[0].values
    assert v["hs_code"] == "8471300000" and v["condition"] == "used" and v["wear_percent"] == Decimal("25")
    assert v["currency"] == "USD"


def test_float_artefacts_of_computed_cells_read_as_excel_shows_them():
    row = one_row("Cot", 120, "pcs", 45.99, 0.1 + 0.2 + 5518.5)
    assert row.values["value"] == Decimal("5518.8") and row.values["unit_value"] == Decimal("45.99")
    assert row.warnings == []


def test_line_total_mismatch_is_a_warning():
    row = one_row("Cot", 2, "pcs", 10, 25)
    assert row.errors == [] and "differs" in row.warnings[0]


def test_unit_value_derived_from_total_when_there_is_no_price_column():
    result = parse_rows([("Name", "Qty", "Total EUR"), ("Cot", 4, 10), ("Bed", 3, 10)])
    assert result.rows[0].values["unit_value"] == Decimal("2.5") and result.rows[0].warnings
    assert result.rows[1].errors and "cannot be derived exactly" in result.rows[1].errors[0]


def test_text_dates_in_explicit_or_iso_format():
    assert one_row("Insulin", 1, "pen", 2, None, "2027-04-03").values["expiry_on"] == date(2027, 4, 3)
    assert one_row("Insulin", 1, "pen", 2, None, datetime(2027, 4, 3)).values["expiry_on"] == date(2027, 4, 3)
    ambiguous = one_row("Insulin", 1, "pen", 2, None, "03.04.2027")
    assert ambiguous.values["expiry_on"] is None and "confirm its date format" in ambiguous.errors[0]
    confirmed = one_row("Insulin", 1, "pen", 2, None, "03.04.2027", date_format="%d.%m.%Y")
    assert confirmed.errors == [] and confirmed.values["expiry_on"] == date(2027, 4, 3)
    us = one_row("Insulin", 1, "pen", 2, None, "03.04.2027", date_format="%m.%d.%Y")
    assert us.values["expiry_on"] == date(2027, 3, 4)


@pytest.mark.parametrize("cell, words", [
    ("2027-02-30", "not a valid date"),
    ("31/12/2027", "does not match the date format"),
    (46000, "not a date"),
    ("2200-01-01", "between"),
])
def test_bad_dates_are_row_errors(cell, words):
    row = one_row("Insulin", 1, "pen", 2, None, cell, date_format="%d.%m.%Y")
    assert any(words in e for e in row.errors), row.errors


@pytest.mark.parametrize("quantity, price, words", [
    ("abc", 1, "Quantity: abc is not a number"),
    (0, 1, "Quantity must be greater than zero"),
    (-3, 1, "Quantity must be greater than zero"),
    ("NaN", 1, "Quantity: NaN is not a number"),
    ("inf", 1, "not a number"),
    ("1.2345", 1, "Quantity 1.2345 has more than 3 decimal places"),
    (1, "2.12345", "Unit price 2.12345 has more than 4 decimal places"),
    (1, 2.12345, "Unit price 2.12345 has more than 4 decimal places"),
    (1, -5, "Unit price must not be negative"),
    (1, "1e3", "not a number"),
    (1, "12,5,1", "not a number"),
    (None, 1, "The quantity is missing"),
    (1, None, "The unit price is missing"),
    (True, 1, "not a number"),
])
def test_bad_numbers_are_row_errors_never_rounded(quantity, price, words):
    row = one_row("Blanket", quantity, "pcs", price)
    assert any(words in e for e in row.errors), row.errors


def test_one_bad_row_makes_the_list_not_ok_but_keeps_the_others():
    result = parse_rows([HEADER, ("Blanket", 3, "pcs", 2), ("Pillow", "x", "pcs", 2), ("Bed", 1, "pcs", 9)])
    assert not result.ok and list(result.errors) == ["row 3"] and len(result.rows) == 3


def test_row_without_name_but_with_quantity_is_an_error():
    result = parse_rows([HEADER, ("Blanket", 3, "pcs", 2), (None, 4, "pcs", 2)])
    assert result.rows[1].errors == ["The item name is missing."]


# --- total rows, skipped rows, formulas ------------------------------------------------------------

@pytest.mark.parametrize("label", ["Summe", "TOTAL", "Razem:", "Разом", "Всього", "Gesamt / Total", "Suma"])
def test_total_rows_are_skipped_with_their_reason(label):
    result = parse_rows([HEADER, ("Blanket", 3, "pcs", 2, 6), (), (label, None, None, None, 6)])
    assert result.ok and len(result.rows) == 1
    assert [s.row_number for s in result.skipped] == [4] and "Total row" in result.skipped[0].reason
    assert result.declared_total == Decimal("6") and result.warnings == []


def test_row_with_only_a_value_is_a_total_and_a_mismatch_is_reported():
    result = parse_rows([HEADER, ("Blanket", 3, "pcs", 2, 6), (None, None, None, None, 7)])
    assert result.skipped[0].row_number == 3 and result.declared_total == Decimal("7")
    assert "differs from the sum of the lines 6.00" in result.warnings[0]


def test_sum_formula_row_is_skipped_and_formula_without_result_is_a_row_error():
    result = parse_rows([HEADER, ("Blanket", 3, "pcs", "=1+1", 6), ("Bed", 1, "pcs", 4, 4),
                         ("Insgesamt", None, None, None, "=SUM(E2:E3)")])
    assert [s.row_number for s in result.skipped] == [4]
    assert "formula without a saved result" in result.rows[0].errors[0]
    assert result.declared_total == Decimal("10")


def test_notes_and_repeated_headers_are_skipped():
    result = parse_rows([HEADER, ("Blanket", 3, "pcs", 2), HEADER, ("Bed", 1, "pcs", 4),
                         (None, None, None, None, None, "Signed: J. Schmidt")])
    assert len(result.rows) == 2 and result.ok
    reasons = [s.reason for s in result.skipped]
    assert reasons[0] == "Repeated header row." and "Signed: J. Schmidt" in reasons[1]


# --- mapping ------------------------------------------------------------------------------------------

def test_missing_required_columns_name_the_fields_and_list_the_headers():
    with pytest.raises(ValidationFailed) as caught:
        parse_rows([("Artikel", "Bemerkung", "Farbe"), ("Decke", "x", "rot"), ("Kissen", "y", "blau")])
    message = caught.value.errors["file"][0]
    assert "No header row" in message
    with pytest.raises(ValidationFailed) as caught:
        parse_rows([("Artikel", "Menge", "Farbe"), ("Decke", 3, "rot")])
    message = caught.value.errors["file"][0]
    assert "Required columns are missing: Unit price" in message and "Artikel, Menge, Farbe" in message


def test_user_mapping_completes_and_corrects_the_automatic_one():
    rows = [("Artikel", "Menge", "Kosten", "Gewicht netto"), ("Decke", 3, 2.5, 1.2)]
    with pytest.raises(ValidationFailed):
        parse_rows(rows)
    result = parse_rows(rows, mapping={"unit_value": "C"})
    assert result.mapping == {"name": 0, "quantity": 1, "unit_value": 2}  # net weight is not gross
    assert result.rows[0].values["unit_value"] == Decimal("2.5")
    by_header = parse_rows(rows, mapping={"unit_value": "kosten", "gross_weight_kg": "4"})
    assert by_header.rows[0].values["gross_weight_kg"] == Decimal("1.2")
    unmapped = parse_rows([HEADER, ("Blanket", 3, "pcs", 2, 6, "xx")], mapping={"expiry_on": ""})
    assert "expiry_on" not in unmapped.mapping and unmapped.ok


@pytest.mark.parametrize("mapping, words", [
    ({"colour": "A"}, "Unknown field colour"),
    ({"unit_value": "Z"}, "Column Z"),
    ({"unit_value": "Preis"}, "Column Preis"),
])
def test_bad_user_mapping_is_refused(mapping, words):
    with pytest.raises(ValidationFailed) as caught:
        parse_rows([HEADER, ("Blanket", 3, "pcs", 2)], mapping=mapping)
    assert words in caught.value.errors["mapping"][0]


def test_currency_column_must_agree_with_the_price_header():
    result = parse_rows([("Name", "Qty", "Price EUR", "Currency"), ("A", 1, 2, "EUR"), ("B", 1, 2, "USD"),
                         ("C", 1, 2, "XYZ")])
    assert result.currency == "EUR" and result.rows[0].errors == []
    assert "differs from EUR" in result.rows[1].errors[0]
    assert "Unknown currency XYZ" in result.rows[2].errors[0]


def test_hs_code_typed_as_a_number_keeps_its_trailing_zero_with_a_warning():
    result = parse_rows([("Name", "Qty", "Price", "HS code"), ("Paracetamol", 1, 2, 3004.9), ("X", 1, 2, "12")])
    assert result.rows[0].values["hs_code"] == "300490" and "check" in result.rows[0].warnings[0]
    assert "4 to 10 digits" in result.rows[1].errors[0]


def test_unknown_condition_is_a_row_error():
    result = parse_rows([("Name", "Qty", "Price", "Condition"), ("Bed", 1, 2, "so-so")])
    assert "Condition so-so is not understood" in result.rows[0].errors[0]


# --- disguised and broken files ----------------------------------------------------------------------

def test_exe_named_xlsx_is_refused():
    with pytest.raises(ValidationFailed, match="not an .xlsx workbook or a UTF-8 CSV"):
        parse_packing_list(b"MZ\x90\x00\x03" + b"\x00" * 100, "packing-list.xlsx")


def test_macro_workbook_is_refused():
    from tests.unit.test_uploads import macro_workbook

    with pytest.raises(ValidationFailed):
        parse_packing_list(macro_workbook(), "packing-list.xlsm")


def test_xlsx_with_external_links_is_refused_before_opening():
    from tests.unit.test_uploads import rezip

    content = rezip(xlsx([HEADER, ("Blanket", 1, "pcs", 2)]),
                    add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"})
    with pytest.raises(ValidationFailed, match="external links"):
        parse_packing_list(content, "list.xlsx")


def test_corrupt_workbook_is_a_clear_error():
    from tests.unit.test_uploads import rezip

    content = rezip(xlsx([HEADER, ("Blanket", 1, "pcs", 2)]),
                    replace={"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row><c"})
    with pytest.raises(ValidationFailed, match="could not be read"):
        parse_packing_list(content, "list.xlsx")


def test_header_without_rows_is_refused():
    with pytest.raises(ValidationFailed, match="no item rows"):
        parse_packing_list("Name;Qty;Price\n".encode(), "list.csv")
