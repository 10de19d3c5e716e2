"""Partner packing lists (.xlsx or .csv) read into exact, checked rows for a consignment import.

``parse_packing_list`` owns everything between the uploaded bytes and a preview: the file type
(sniffed from the bytes, xlsx safety-checked first), the header row below any title block, the
mapping of columns to our line fields from header words in Ukrainian, English, German and
Polish (overridable by the user), numbers with decimal commas and thousands separators, dates
as cells or as text in an explicit format, total rows, and the currency. It never touches the
database and never rounds silently: anything it cannot read exactly becomes a row error, and
the caller imports all rows or none (``PackingList.ok``).

Numbers from xlsx cells: openpyxl hands numeric cells over as Python floats (the file stores
a decimal text, but the binary double is all we get). We turn a float into a Decimal through
its 15-significant-digit form, ``Decimal(f"{x:.15g}")``: 15 digits is the precision Excel
itself keeps and shows, so a typed value (``18.35``) comes back exactly as typed, and a
float artefact of a computed cell (``5518.800000000001``) comes back as the value Excel
displays (``5518.8``). Integers stay integers. Never ``Decimal(float)``.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from tracker.errors import ValidationFailed
from tracker.money import QTY_PLACES, UNIT_VALUE_PLACES, is_currency, line_value, places_of, quantize_money
from tracker.uploads import check_xlsx_safety, limit_setting, sniff_type
from tracker.validators import check_date

FIELDS = ("position", "name", "quantity", "unit", "unit_value", "value", "currency", "lot", "expiry_on",
          "serial", "hs_code", "gross_weight_kg", "condition", "wear_percent", "category")
#: How many rows from the top are searched for the header row.
HEADER_SCAN_ROWS = 30
#: Largest number of rows and columns read from a packing list.
MAX_ROWS = 10_000
MAX_COLUMNS = 200
MAX_NAME_LENGTH = 255
MAX_CODE_LENGTH = 100

# Header words per field, in en, de, pl, uk. A header cell ("Menge / Qty") is split at "/" and
# each part, and the whole, is compared after normalising; the longest matching phrase wins, so
# "Unit price" is a unit value, not a unit, and "Nr partii" a lot, not a position.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "position": ("No", "No.", "Nr", "Nr.", "#", "№", "Pos", "Pos.", "Position", "Item no", "Lp", "Lp.",
                 "Line", "№ з/п", "№ п/п", "з/п", "Поз"),
    "name": ("Name", "Item", "Items", "Description", "Item description", "Description of goods", "Goods",
             "Article", "Product", "Designation", "Artikel", "Artikelbezeichnung", "Bezeichnung",
             "Beschreibung", "Ware", "Waren", "Warenbezeichnung", "Nazwa", "Nazwa towaru", "Towar",
             "Opis", "Opis towaru", "Найменування", "Найменування товару", "Назва", "Назва товару",
             "Опис", "Товар"),
    "quantity": ("Quantity", "Qty", "Count", "Menge", "Anzahl", "Stückzahl", "Ilość", "Liczba",
                 "Кількість", "К-сть", "Кіл-ть"),
    "unit": ("Unit", "Units", "UoM", "Unit of measure", "Einheit", "Mengeneinheit", "ME", "J.m.", "Jm",
             "Jednostka", "Jednostka miary", "Од", "Од. вим.", "Одиниця", "Одиниця виміру"),
    "unit_value": ("Unit price", "Unit value", "Unit cost", "Price", "Price per unit", "Einzelpreis",
                   "Preis", "Stückpreis", "Einzelwert", "Preis je Einheit", "Cena", "Cena jedn",
                   "Cena jednostkowa", "Ціна", "Ціна за одиницю", "Ціна за од", "Вартість за одиницю"),
    "value": ("Total", "Total value", "Total price", "Value", "Amount", "Line total", "Gesamt",
              "Gesamtpreis", "Gesamtwert", "Wert", "Summe", "Betrag", "Wartość", "Wartość całkowita",
              "Kwota", "Suma", "Сума", "Вартість", "Загальна вартість", "Разом"),
    "currency": ("Currency", "Curr", "Währung", "Waluta", "Валюта"),
    "lot": ("Lot", "Lot no", "Lot number", "Batch", "Batch no", "Batch number", "Charge", "Charge Nr",
            "Chargennummer", "Chargen Nr", "Partie", "Partia", "Nr partii", "Numer partii", "Seria",
            "Партія", "Серія", "Номер партії"),
    "expiry_on": ("Expiry", "Expiry date", "Expiration", "Expiration date", "Exp", "Best before", "Use by",
                  "MHD", "Mindesthaltbarkeit", "Mindesthaltbarkeitsdatum", "Verfallsdatum", "Verfall",
                  "Haltbar bis", "Data ważności", "Ważność", "Termin ważności", "Термін придатності",
                  "Придатний до", "Вжити до"),
    "serial": ("Serial", "Serial no", "Serial number", "S/N", "SN", "VIN", "Seriennummer", "Serien Nr",
               "Seriennr", "Numer seryjny", "Nr seryjny", "Серійний номер", "Серійний", "Заводський номер"),
    "hs_code": ("HS", "HS code", "HS no", "Tariff code", "Customs tariff", "Commodity code", "Zolltarifnummer",
                "Zolltarif", "Warentarifnummer", "Warennummer", "Kod CN", "CN", "Kod HS", "PCN",
                "Kod taryfy", "УКТЗЕД", "УКТ ЗЕД", "Код УКТЗЕД", "Код УКТ ЗЕД"),
    "gross_weight_kg": ("Gross", "Gross weight", "Gross kg", "Gross weight kg", "Weight", "Weight kg",
                        "Gewicht", "Gewicht brutto", "Bruttogewicht", "Brutto", "Waga", "Waga brutto",
                        "Brutto kg", "Вага", "Вага брутто"),
    "condition": ("Condition", "State", "New/used", "Zustand", "Stan", "Stan techniczny", "Стан"),
    "wear_percent": ("Wear", "Wear percent", "Verschleiß", "Abnutzung", "Zużycie", "Знос"),
    "category": ("Category", "Group", "Kategorie", "Warengruppe", "Kategoria", "Категорія", "Група"),
    # Recognised so they are not mistaken for a field (net weight is not gross weight).
    "_ignore": ("Net", "Net weight", "Netto", "Gewicht netto", "Nettogewicht", "Waga netto", "Вага нетто",
                "Remarks", "Comment", "Bemerkung", "Uwagi", "Примітка"),
}
_TOTAL_WORDS = ("summe", "total", "totals", "grand total", "subtotal", "zwischensumme", "gesamt",
                "gesamtsumme", "razem", "suma", "ogółem", "разом", "всього", "усього", "итого", "sum")
_NEW_WORDS = ("new", "neu", "nowy", "nowa", "nowe", "новий", "нова", "нове", "нові")
_USED_WORDS = ("used", "gebraucht", "używany", "używana", "używane", "uzywany", "б/в", "б/у", "вживаний",
               "вживана", "вживане", "вживані")
_CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "zł": "PLN", "грн": "UAH", "₴": "UAH", "chf": "CHF"}
_CURRENCY_WORDS = ("currency", "währung", "waluta", "валюта")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_SUM_FORMULA = re.compile(r"^=\s*SUM\(\s*\$?([A-Z]{1,3})\$?(\d+)\s*:\s*\$?([A-Z]{1,3})\$?(\d+)\s*\)\s*$", re.I)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")


# --- results -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PackingRow:
    """One line of the packing list: ``values`` maps our field names to parsed values.

    Keys: every name in FIELDS (None when the column is not mapped or the cell is empty). Types:
    name, unit, lot, serial, category, position, currency: str | None; quantity, unit_value,
    gross_weight_kg, wear_percent: Decimal | None; value: Decimal | None (the file's own line
    total, only cross-checked); expiry_on: date | None; hs_code: digits str | None;
    condition: "new" | "used" | None. A row with errors is shown but must not be imported.
    """

    row_number: int
    values: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def line_value(self) -> Decimal | None:
        """quantity × unit value rounded to the currency's minor units (2 dp when unknown)."""
        quantity, unit_value = self.values.get("quantity"), self.values.get("unit_value")
        if quantity is None or unit_value is None:
            return None
        currency = self.values.get("currency")
        return line_value(quantity, unit_value, currency) if currency else quantize_money(quantity * unit_value)


@dataclass(frozen=True)
class SkippedRow:
    """A non-empty row that is not an item (total, repeated header, note), with the reason."""

    row_number: int
    reason: str


@dataclass(frozen=True)
class PackingList:
    """A parsed packing list. ``mapping`` maps field → 0-based column index into ``headers``;
    ``header_row`` is the 1-based row (line for CSV) of the headers; ``errors`` maps
    ``"row N"`` to that row's messages; ``declared_total`` is the file's own total of the value
    column (a number in the total row, or its SUM formula evaluated over the rows read)."""

    kind: str
    header_row: int
    headers: list[str]
    mapping: dict[str, int]
    currency: str | None
    rows: list[PackingRow]
    skipped: list[SkippedRow]
    errors: dict[str, list[str]]
    warnings: list[str] = field(default_factory=list)
    declared_total: Decimal | None = None
    sheet: str | None = None

    @property
    def ok(self) -> bool:
        """True when there is at least one row and no row has errors: safe to import all rows."""
        return bool(self.rows) and not any(row.errors for row in self.rows)

    @property
    def total(self) -> Decimal | None:
        """Sum of the rows' line values (None while any row has none)."""
        values = [row.line_value for row in self.rows]
        if not values or any(v is None for v in values):
            return None
        return sum(values, Decimal(0))  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Cell:
    value: Any
    formula: str | None = None
    number_format: str = "General"

    @property
    def blank(self) -> bool:
        return self.value is None and self.formula is None or (isinstance(self.value, str)
                                                                 and not self.value.strip())


# --- reading -------------------------------------------------------------------------------

def _read_xlsx(content: bytes) -> list[tuple[str, list[list[_Cell]]]]:
    """Every sheet as rows of cells: cached values plus the formula text of formula cells."""
    from openpyxl import load_workbook

    check_xlsx_safety(content, limit_setting("XLSX_MAX_UNCOMPRESSED_BYTES"))
    try:
        values_wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        formulas_wb = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheets = []
        for values_ws, formulas_ws in zip(values_wb.worksheets, formulas_wb.worksheets, strict=True):
            rows: list[list[_Cell]] = []
            pairs = zip(values_ws.iter_rows(max_col=MAX_COLUMNS), formulas_ws.iter_rows(max_col=MAX_COLUMNS),
                        strict=False)
            for value_row, formula_row in pairs:
                if len(rows) >= MAX_ROWS + HEADER_SCAN_ROWS:
                    raise ValidationFailed("file", _("The packing list has more than %(n)d rows.", n=MAX_ROWS))
                cells = []
                for value_cell, formula_cell in zip(value_row, formula_row, strict=False):
                    formula = formula_cell.value if getattr(formula_cell, "data_type", None) == "f" else None
                    cells.append(_Cell(getattr(value_cell, "value", None),
                                       str(formula) if formula is not None else None,
                                       getattr(value_cell, "number_format", None) or "General"))
                rows.append(cells)
            sheets.append((values_ws.title, rows))
        values_wb.close()
        formulas_wb.close()
    except ValidationFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of openpyxl on untrusted bytes is bad input
        raise ValidationFailed("file", _("The workbook could not be read (%(error)s). Open it in a spreadsheet "
                                         "program, save it as .xlsx and try again.",
                                         error=type(exc).__name__)) from exc
    return sheets


def _sniff_delimiter(lines: list[str]) -> str:
    best, best_score = ",", (0, 0)
    for delimiter in (";", "\t", ","):
        widths = [len(r) for r in csv.reader(lines, delimiter=delimiter) if any(c.strip() for c in r)]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        score = (count if width > 1 else 0, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(content: bytes) -> tuple[str, list[list[_Cell]]]:
    text = content.decode("utf-8-sig")
    lines = text.splitlines()
    delimiter = _sniff_delimiter(lines[:HEADER_SCAN_ROWS + 20])
    rows: list[list[_Cell]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(rows) >= MAX_ROWS + HEADER_SCAN_ROWS:
                raise ValidationFailed("file", _("The packing list has more than %(n)d rows.", n=MAX_ROWS))
            rows.append([_Cell(value) for value in record[:MAX_COLUMNS]])
    except csv.Error as exc:
        raise ValidationFailed("file", _("The CSV file could not be read: %(error)s", error=str(exc))) from exc
    return delimiter, rows


# --- header and mapping ----------------------------------------------------------------------

def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"[.:,;()\[\]{}_\-–—%*]", " ", text)
    return " ".join(text.split())


def _strip_currency(text: str) -> tuple[str, str | None]:
    """Header text without a currency code or symbol, and that currency."""
    found = None
    for code in re.findall(r"\b[A-Z]{3}\b", text):
        if is_currency(code):
            found = found or code
            text = re.sub(rf"\b{code}\b", " ", text)
    for symbol, code in _CURRENCY_SYMBOLS.items():
        pattern = rf"(?<!\w){re.escape(symbol)}(?!\w)"
        if re.search(pattern, text, re.I):
            found = found or code
            text = re.sub(pattern, " ", text, flags=re.I)
    return text, found


_PHRASES: list[tuple[str, tuple[str, ...]]] = [
    (fld, tuple(_normalise(p).split())) for fld, phrases in _SYNONYMS.items() for p in phrases
]


def _match_header(text: str) -> tuple[str | None, tuple[int, int]]:
    """The field a header cell names and the match strength (level, phrase length)."""
    stripped, _currency = _strip_currency(text)
    parts = {_normalise(stripped)} | {_normalise(p) for p in re.split(r"[/|\n]", stripped)}
    best: tuple[str | None, tuple[int, int]] = (None, (0, 0))
    for part in parts:
        words = tuple(part.split())
        if not words:
            continue
        for fld, phrase in _PHRASES:
            n = len(phrase)
            if words == phrase:
                level = 3
            elif words[:n] == phrase:
                level = 2
            elif any(words[i:i + n] == phrase for i in range(1, len(words) - n + 1)):
                level = 1
            else:
                continue
            score = (level, len(" ".join(phrase)))
            if score > best[1]:
                best = (fld, score)
    return best


def _cell_text(cell: _Cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.15g}"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


def _auto_mapping(header: list[_Cell]) -> dict[str, int]:
    best: dict[str, tuple[tuple[int, int], int]] = {}
    for index, cell in enumerate(header):
        fld, score = _match_header(_cell_text(cell))
        if fld is None or fld == "_ignore":
            continue
        if fld not in best or score > best[fld][0]:
            best[fld] = (score, index)
    return {fld: index for fld, (_score, index) in best.items()}


def _find_header(rows: list[list[_Cell]]) -> tuple[int, dict[str, int]] | None:
    """Index of the row (within the first HEADER_SCAN_ROWS) naming the most known fields."""
    found: tuple[int, dict[str, int]] | None = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping = _auto_mapping(row)
        if len(mapping) >= 2 and (found is None or len(mapping) > len(found[1])):
            found = (index, mapping)
    return found


def _column_index(spec: str, headers: list[str]) -> int | None:
    """A user's column reference: the header text, a column letter (C) or a 1-based number."""
    spec = spec.strip()
    for index, text in enumerate(headers):
        if text and _normalise(text) == _normalise(spec):
            return index
    if re.fullmatch(r"[A-Za-z]{1,3}", spec):
        from openpyxl.utils import column_index_from_string

        index = column_index_from_string(spec.upper()) - 1
        return index if index < len(headers) else None
    if re.fullmatch(r"\d{1,4}", spec):
        index = int(spec) - 1
        return index if 0 <= index < len(headers) else None
    return None


def _apply_overrides(auto: dict[str, int], overrides: dict[str, str], headers: list[str]) -> dict[str, int]:
    mapping = dict(auto)
    problems: list[str] = []
    for fld, spec in overrides.items():
        if fld not in FIELDS:
            problems.append(_("Unknown field %(field)s in the column mapping.", field=fld))
            continue
        if spec is None or not str(spec).strip():
            mapping.pop(fld, None)
            continue
        index = _column_index(str(spec), headers)
        if index is None:
            problems.append(_("Column %(column)s for %(field)s is not in the file.", column=spec, field=fld))
            continue
        for other in [f for f, i in mapping.items() if i == index and f != fld]:
            if other not in overrides:
                mapping.pop(other)
        mapping[fld] = index
    if problems:
        raise ValidationFailed("mapping", " ".join(problems))
    return mapping


# --- values -----------------------------------------------------------------------------------

class _RowProblem(ValueError):
    pass


def _decimal_from_float(value: float) -> Decimal:
    # 15 significant digits: Excel's own precision; see the module docstring.
    return Decimal(f"{value:.15g}")


def _parse_number_text(text: str, decimal_comma: bool | None) -> Decimal:
    raw = text
    text = _SPACES.sub("", text)
    if not text:
        raise _RowProblem(raw)
    if "," in text and "." in text:
        decimal, thousands = ("," , ".") if text.rfind(",") > text.rfind(".") else (".", ",")
    elif "," in text:
        if decimal_comma is None:
            head, _sep, tail = text.rpartition(",")
            if len(tail) == 3 and text.count(",") == 1:
                raise _RowProblem(_("%(value)s is ambiguous: is the comma a decimal or a thousands separator? "
                                    "Choose the decimal separator and import again.", value=raw))
        decimal, thousands = ("," , ".") if decimal_comma is not False else (".", ",")
    elif "." in text and decimal_comma is True:
        decimal, thousands = ",", "."
    else:
        decimal, thousands = ".", ","
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    integer, _sep, fraction = text.partition(decimal)
    if decimal in fraction:
        raise _RowProblem(raw)
    if thousands in integer and not re.fullmatch(rf"\d{{1,3}}({re.escape(thousands)}\d{{3}})+", integer):
        raise _RowProblem(raw)
    number = sign + integer.replace(thousands, "") + ("." + fraction if _sep else "")
    if not _NUMBER.fullmatch(number):
        raise _RowProblem(raw)
    try:
        return Decimal(number)
    except InvalidOperation as exc:
        raise _RowProblem(raw) from exc


def _number(cell: _Cell, decimal_comma: bool | None) -> Decimal | None:
    """Exact Decimal of a cell, None when blank; _RowProblem(text) when not a finite number."""
    value = cell.value
    if isinstance(value, bool):
        raise _RowProblem(str(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _RowProblem(str(value))
        return _decimal_from_float(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _RowProblem(str(value))
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (datetime, date)):
        raise _RowProblem(_cell_text(cell))
    return _parse_number_text(str(value), decimal_comma)


def _text(cell: _Cell) -> str | None:
    text = _cell_text(cell)
    return text or None


def _guess_decimal_comma(rows: list[list[_Cell]], columns: list[int], delimiter: str | None) -> bool | None:
    """Decide per file whether text numbers use a decimal comma: from unambiguous values
    ("2 899,00", "3,15" → comma; "1,234.50", "4.29" → dot), else from a ';' delimiter."""
    comma = dot = 0
    for row in rows:
        for index in columns:
            if index >= len(row) or not isinstance(row[index].value, str):
                continue
            text = _SPACES.sub("", row[index].value)
            if not re.fullmatch(r"-?[\d.,]*\d", text):
                continue
            last = max(text.rfind(","), text.rfind("."))
            if last < 0:
                continue
            tail = text[last + 1:]
            unambiguous = len(tail) != 3 or ("," in text and "." in text)
            if unambiguous:
                if text[last] == ",":
                    comma += 1
                else:
                    dot += 1
    if comma and not dot:
        return True
    if dot and not comma:
        return False
    if delimiter == ";":
        return True
    return None


def _date(cell: _Cell, date_format: str | None) -> date | None:
    value = cell.value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(cell)
    if text is None:
        return None
    if isinstance(value, (int, float)):
        raise _RowProblem(_("%(value)s is a number, not a date; format the cell as a date.", value=text))
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            raise _RowProblem(_("%(value)s is not a valid date.", value=text)) from exc
    if date_format:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError as exc:
            raise _RowProblem(_("%(value)s does not match the date format %(format)s.",
                                value=text, format=date_format)) from exc
    raise _RowProblem(_("%(value)s is a date typed as text; confirm its date format (for example "
                        "DD.MM.YYYY) and import again.", value=text))


def _condition(text: str | None) -> tuple[str | None, Decimal | None]:
    if text is None:
        return None, None
    lowered = text.casefold()
    words = set(re.findall(r"[\w/]+", lowered))
    wear = None
    match = re.search(r"(\d+(?:[.,]\d+)?)\s*%", lowered)
    if match:
        wear = Decimal(match.group(1).replace(",", "."))
    is_used = any(w in words for w in _USED_WORDS)
    is_new = any(w in words for w in _NEW_WORDS)
    if is_used:
        return "used", wear
    if is_new:
        return "new", wear
    raise _RowProblem(_("Condition %(value)s is not understood: use new or used.", value=text))


def _hs_code(cell: _Cell) -> tuple[str | None, str | None]:
    """Digits of an HS/CN/UKTZED code and a warning when it came from a number cell."""
    text = _text(cell)
    if text is None:
        return None, None
    digits = re.sub(r"\D", "", text)
    warning = None
    if isinstance(cell.value, float) and len(digits) % 2:
        # A code typed as a number loses its trailing zero (3004.90 → 3004.9); codes have even lengths.
        digits += "0"
        warning = _("HS code %(value)s was a number; read as %(code)s, please check.", value=text, code=digits)
    if not re.fullmatch(r"\d{4,10}", digits):
        raise _RowProblem(_("HS code %(value)s must have 4 to 10 digits.", value=text))
    return digits, warning


def _currency_in_title(rows: list[list[_Cell]]) -> str | None:
    for row in rows:
        for cell in row:
            text = _cell_text(cell)
            lowered = text.casefold()
            for word in _CURRENCY_WORDS:
                position = lowered.find(word)
                if position < 0:
                    continue
                for code in re.findall(r"\b[A-Z]{3}\b", text[position + len(word):position + len(word) + 40]):
                    if is_currency(code):
                        return code
    return None


def _is_total_label(text: str | None) -> bool:
    if not text:
        return False
    normalised = _normalise(text)
    parts = [normalised] + [_normalise(p) for p in text.split("/")]
    return any(part == word or part.startswith(word + " ") for part in parts for word in _TOTAL_WORDS)


# --- the parser ---------------------------------------------------------------------------------

@dataclass
class _Context:
    mapping: dict[str, int]
    currency: str | None
    header_currency: str | None
    date_format: str | None
    decimal_comma: bool | None


def _get(row: list[_Cell], ctx: _Context, fld: str) -> _Cell:
    index = ctx.mapping.get(fld)
    if index is None or index >= len(row):
        return _Cell(None)
    return row[index]


def _parse_row(row_number: int, row: list[_Cell], ctx: _Context) -> PackingRow:
    values: dict[str, Any] = {}
    errors: list[str] = []
    warnings: list[str] = []
    bad: set[str] = set()  # fields whose cell was present but unreadable (already reported)

    def label(fld: str) -> str:
        return _FIELD_LABELS()[fld]

    def number(fld: str, places: int, *, positive: bool = False,
               cell_override: _Cell | None = None) -> Decimal | None:
        cell = _get(row, ctx, fld) if cell_override is None else cell_override
        bad.add(fld)
        if cell.formula is not None and cell.value is None:
            errors.append(_("%(field)s is a formula without a saved result: open the file in a spreadsheet "
                            "program, save it and import again.", field=label(fld)))
            return None
        try:
            result = _number(cell, ctx.decimal_comma)
        except _RowProblem as exc:
            message = str(exc)
            if message == _cell_text(cell) or not message:
                message = _("%(field)s: %(value)s is not a number.", field=label(fld), value=_cell_text(cell))
            else:
                message = _("%(field)s: %(message)s", field=label(fld), message=message)
            errors.append(message)
            return None
        if result is None:
            bad.discard(fld)
            return None
        if places_of(result) > places:
            errors.append(_("%(field)s %(value)s has more than %(n)d decimal places.",
                            field=label(fld), value=str(result), n=places))
            return None
        if result < 0 or (positive and result == 0):
            errors.append(_("%(field)s must be greater than zero.", field=label(fld)) if positive
                          else _("%(field)s must not be negative.", field=label(fld)))
            return None
        if result >= Decimal("1e13"):
            errors.append(_("%(field)s %(value)s is too large.", field=label(fld), value=str(result)))
            return None
        bad.discard(fld)
        return result

    def text(fld: str, maximum: int = MAX_CODE_LENGTH) -> str | None:
        result = _text(_get(row, ctx, fld))
        if result is not None and len(result) > maximum:
            errors.append(_("%(field)s is longer than %(n)d characters.", field=label(fld), n=maximum))
            return None
        return result

    mapped = ctx.mapping
    if "position" in mapped:
        values["position"] = text("position")
    values["name"] = text("name", MAX_NAME_LENGTH)
    if values["name"] is None:
        errors.append(_("The item name is missing."))
    values["quantity"] = number("quantity", QTY_PLACES, positive=True)
    if values["quantity"] is None and "quantity" not in bad:
        errors.append(_("The quantity is missing."))
    for fld in ("unit", "lot", "serial", "category"):
        if fld in mapped:
            values[fld] = text(fld)

    # Currency: the row's own column, else the header's or the title block's.
    currency = ctx.currency
    if "currency" in mapped:
        raw = text("currency")
        if raw is not None:
            code = _CURRENCY_SYMBOLS.get(raw.casefold(), _CURRENCY_SYMBOLS.get(raw, raw.upper()))
            if not is_currency(code):
                errors.append(_("Unknown currency %(code)s: use an ISO 4217 code, e.g. EUR.", code=raw))
            elif ctx.header_currency and code != ctx.header_currency:
                errors.append(_("Currency %(code)s differs from %(header)s named in the price header.",
                                code=code, header=ctx.header_currency))
            else:
                currency = code
    values["currency"] = currency

    unit_value = number("unit_value", UNIT_VALUE_PLACES) if "unit_value" in mapped else None
    declared = number("value", UNIT_VALUE_PLACES) if "value" in mapped else None
    if "value" in mapped:
        values["value"] = declared
    quantity = values["quantity"]
    if unit_value is None and "unit_value" in mapped and "unit_value" not in bad and declared is None:
        errors.append(_("The unit price is missing."))
    if unit_value is None and "unit_value" not in bad and declared is not None and quantity:
        derived = declared / quantity
        if places_of(derived.normalize()) <= UNIT_VALUE_PLACES:
            unit_value = _trim(derived)
            warnings.append(_("Unit price %(value)s was computed from the line total.", value=str(unit_value)))
        else:
            errors.append(_("The unit price cannot be derived exactly from the total %(value)s; add a unit "
                            "price column.", value=str(declared)))
    elif unit_value is None and "unit_value" not in mapped and declared is None and "value" not in bad:
        errors.append(_("The line total is missing."))
    values["unit_value"] = unit_value
    if unit_value is not None and unit_value == 0:
        warnings.append(_("The unit price is zero."))
    if unit_value is not None and declared is not None and quantity is not None and "unit_value" in mapped:
        exact = quantity * unit_value
        computed = exact if places_of(declared) > 2 else quantize_money(exact)
        if computed != declared:
            warnings.append(_("The line total %(declared)s differs from quantity × unit price = %(computed)s.",
                              declared=str(declared), computed=str(computed)))

    if "expiry_on" in mapped:
        try:
            values["expiry_on"] = _date(_get(row, ctx, "expiry_on"), ctx.date_format)
        except _RowProblem as exc:
            errors.append(_("%(field)s: %(message)s", field=label("expiry_on"), message=str(exc)))
            values["expiry_on"] = None
        else:
            problem = check_date(values["expiry_on"])
            if problem:
                errors.append(_("%(field)s: %(message)s", field=label("expiry_on"), message=problem))
    if "hs_code" in mapped:
        try:
            values["hs_code"], warning = _hs_code(_get(row, ctx, "hs_code"))
        except _RowProblem as exc:
            errors.append(str(exc))
            values["hs_code"] = None
        else:
            if warning:
                warnings.append(warning)
    if "gross_weight_kg" in mapped:
        values["gross_weight_kg"] = number("gross_weight_kg", QTY_PLACES)
    wear_from_condition = None
    if "condition" in mapped:
        try:
            values["condition"], wear_from_condition = _condition(text("condition"))
        except _RowProblem as exc:
            errors.append(str(exc))
            values["condition"] = None
    if "wear_percent" in mapped:
        cell = _get(row, ctx, "wear_percent")
        if isinstance(cell.value, str) and cell.value.strip().endswith("%"):
            cell = _Cell(cell.value.strip()[:-1])
        elif "%" in cell.number_format and isinstance(cell.value, (int, float)) \
                and not isinstance(cell.value, bool):
            # A percent-formatted cell holds 0.2 for 20 %.
            cell = _Cell(_cell_text(_Cell(_decimal_from_float(float(cell.value)) * 100)))
        values["wear_percent"] = number("wear_percent", 2, cell_override=cell)
    elif wear_from_condition is not None:
        values["wear_percent"] = wear_from_condition
    wear = values.get("wear_percent")
    if wear is not None and not Decimal(0) <= wear <= Decimal(100):
        errors.append(_("Wear must be between 0 and 100 percent."))
    if wear and values.get("condition") is None and "condition" in mapped:
        values["condition"] = "used"
    for fld in FIELDS:
        values.setdefault(fld, None)
    return PackingRow(row_number=row_number, values=values, errors=errors, warnings=warnings)


def _trim(value: Decimal) -> Decimal:
    """``1249.0000`` → ``1249``, ``18.3500`` → ``18.35`` (no exponent form)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal.as_tuple().exponent > 0 else normal  # type: ignore[operator]


def _FIELD_LABELS() -> dict[str, str]:  # noqa: N802 - a table, translated when called
    return {
        "position": _("Position"), "name": _("Name"), "quantity": _("Quantity"), "unit": _("Unit"),
        "unit_value": _("Unit price"), "value": _("Line total"), "currency": _("Currency"), "lot": _("Lot"),
        "expiry_on": _("Expiry date"), "serial": _("Serial number"), "hs_code": _("HS code"),
        "gross_weight_kg": _("Gross weight, kg"), "condition": _("Condition"), "wear_percent": _("Wear, %"),
        "category": _("Category"),
    }


def field_labels() -> dict[str, str]:
    """Translated labels of the target fields, for a mapping form."""
    return _FIELD_LABELS()


def _evaluate_sum(formula: str, value_column: int | None, parsed: dict[int, Decimal | None]) -> Decimal | None:
    """The value of ``=SUM(F7:F18)`` over the value column of the rows we read, if it is that."""
    from openpyxl.utils import column_index_from_string

    match = _SUM_FORMULA.match(formula)
    if match is None or value_column is None:
        return None
    first_col, first_row, last_col, last_row = match.groups()
    if first_col.upper() != last_col.upper() or column_index_from_string(first_col.upper()) - 1 != value_column:
        return None
    total = Decimal(0)
    for number in range(int(first_row), int(last_row) + 1):
        value = parsed.get(number)
        if value is not None:
            total += value
    return total


def parse_packing_list(content: bytes, filename: str, *, mapping: dict[str, str] | None = None,
                       date_format: str | None = None, decimal_comma: bool | None = None) -> PackingList:
    """Read a partner packing list into checked rows.

    ``filename`` is only used in messages: the type comes from the bytes (xlsx or csv).
    ``mapping`` corrects the automatic column mapping: ``{field: header text | column letter |
    1-based column number}``; an empty value unmaps the field. ``date_format`` (strptime, e.g.
    ``"%d.%m.%Y"``) is needed for dates typed as text other than ISO ``YYYY-MM-DD``.
    ``decimal_comma``: True/False to force the decimal separator of numbers typed as text; None
    decides from the file's unambiguous values (and a ';' delimiter means comma).

    Raises ValidationFailed on ``file`` (wrong type, unsafe or unreadable file, no header row,
    missing required columns: name, quantity and unit price or line total) or on ``mapping``.
    Row problems do not raise: they are in each row's ``errors``, and ``ok`` is False.
    """
    kind = sniff_type(content)
    if kind not in ("xlsx", "csv"):
        raise ValidationFailed("file", _("%(name)s is not an .xlsx workbook or a UTF-8 CSV file (the type is "
                                         "checked from the content). Save the packing list as .xlsx or CSV "
                                         "and try again.", name=filename or _("The file")))
    delimiter = None
    if kind == "xlsx":
        sheets = _read_xlsx(content)
    else:
        delimiter, rows = _read_csv(content)
        sheets = [("", rows)]

    sheet_name, rows, found = None, [], None
    for name, sheet_rows in sheets:
        found = _find_header(sheet_rows)
        if found is not None:
            sheet_name, rows = name, sheet_rows
            break
    if found is None:
        raise ValidationFailed("file", _("No header row was found in the first %(n)d rows of %(name)s: the "
                                         "packing list needs a row of column names such as Name, Quantity, "
                                         "Unit price.", n=HEADER_SCAN_ROWS, name=filename or _("the file")))
    header_index, auto = found
    headers = [_cell_text(cell) for cell in rows[header_index]]
    while headers and not headers[-1]:
        headers.pop()
    column_mapping = _apply_overrides(auto, mapping or {}, headers) if mapping else auto

    missing = [f for f in ("name", "quantity") if f not in column_mapping]
    if "unit_value" not in column_mapping and "value" not in column_mapping:
        missing.append("unit_value")
    if missing:
        labels = _FIELD_LABELS()
        raise ValidationFailed("file", _("Required columns are missing: %(missing)s. Columns found: "
                                         "%(headers)s. Choose which column holds each field.",
                                         missing=", ".join(labels[f] for f in missing),
                                         headers=", ".join(h for h in headers if h) or "—"))

    # Currency: a header such as "Preis EUR" wins over the title block.
    header_currency = None
    for fld in ("unit_value", "value"):
        if fld in column_mapping:
            header_currency = header_currency or _strip_currency(headers[column_mapping[fld]])[1]
    title_currency = _currency_in_title(rows[:header_index])
    warnings: list[str] = []
    if header_currency and title_currency and header_currency != title_currency:
        warnings.append(_("The title names %(title)s but the price column %(header)s; %(header)s is used.",
                          title=title_currency, header=header_currency))
    file_currency = header_currency or title_currency

    data_rows = rows[header_index + 1:]
    numeric_columns = [column_mapping[f] for f in ("quantity", "unit_value", "value", "gross_weight_kg")
                       if f in column_mapping]
    if decimal_comma is None:
        decimal_comma = _guess_decimal_comma(data_rows, numeric_columns, delimiter)
    ctx = _Context(column_mapping, file_currency, header_currency, date_format, decimal_comma)

    header_key = [_normalise(h) for h in headers]
    parsed_rows: list[PackingRow] = []
    skipped: list[SkippedRow] = []
    declared_total: Decimal | None = None
    total_formulas: list[str] = []
    value_by_row: dict[int, Decimal | None] = {}
    name_index = column_mapping["name"]
    value_index = column_mapping.get("value")
    for offset, row in enumerate(data_rows):
        row_number = header_index + 2 + offset
        if all(cell.blank for cell in row):
            continue
        name_text = _text(row[name_index]) if name_index < len(row) else None
        sum_formula = next((c.formula for c in row if c.formula and "SUM(" in c.formula.upper()), None)
        if [_normalise(_cell_text(c)) for c in row[:len(headers)]] == header_key[:len(row)]:
            skipped.append(SkippedRow(row_number, _("Repeated header row.")))
            continue
        mapped_blank = all(_get(row, ctx, f).blank for f in ("quantity", "unit_value"))
        if _is_total_label(name_text) or sum_formula or (name_text is None and mapped_blank):
            if _is_total_label(name_text) or sum_formula or not _get(row, ctx, "value").blank:
                skipped.append(SkippedRow(row_number, _("Total row (%(label)s).",
                                                        label=name_text or sum_formula or _("no item name"))))
                if value_index is not None and value_index < len(row):
                    cell = row[value_index]
                    if cell.formula:
                        total_formulas.append(cell.formula)
                    try:
                        number = _number(cell, decimal_comma) if cell.value is not None else None
                    except _RowProblem:
                        number = None
                    if number is not None and declared_total is None:
                        declared_total = number
            else:
                skipped.append(SkippedRow(row_number, _("No item data (%(text)s).",
                                                        text=" ".join(_cell_text(c) for c in row if not c.blank))))
            continue
        if len(parsed_rows) >= MAX_ROWS:
            raise ValidationFailed("file", _("The packing list has more than %(n)d rows.", n=MAX_ROWS))
        packing_row = _parse_row(row_number, row, ctx)
        parsed_rows.append(packing_row)
        value_by_row[row_number] = packing_row.values.get("value")
    if declared_total is None:
        for formula in total_formulas:
            declared_total = _evaluate_sum(formula, value_index, value_by_row)
            if declared_total is not None:
                break
    if not parsed_rows:
        raise ValidationFailed("file", _("The packing list has no item rows under its header row."))

    result = PackingList(
        kind=kind, header_row=header_index + 1, headers=headers, mapping=column_mapping, currency=file_currency,
        rows=parsed_rows, skipped=skipped,
        errors={f"row {r.row_number}": list(r.errors) for r in parsed_rows if r.errors},  # stable keys
        warnings=warnings, declared_total=declared_total, sheet=sheet_name,
    )
    total = result.total
    if declared_total is not None and total is not None and total != declared_total:
        warnings.append(_("The file's total %(declared)s differs from the sum of the lines %(total)s.",
                          declared=str(declared_total), total=str(total)))
    return result
