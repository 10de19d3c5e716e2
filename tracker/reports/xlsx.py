"""Excel workbooks from report sections: openpyxl write-only mode with our own row writer.

Each :class:`~tracker.reports.rows.Section` becomes one sheet: a title block (organization with
EDRPOU, report, period, filters, time of export, who exported), a frozen header row, an
autofilter over the data, column widths from the column specs (no second pass over the data),
real numbers and dates with number formats, and total / group subtotal rows as ``SUM`` /
``SUBTOTAL(9, …)`` formulas.

Why our own row writer: openpyxl never writes a cached value next to a formula, so a reader that
does not recalculate (openpyxl ``data_only=True``, pandas, previewers, an auditor's script) sees
empty totals. We keep openpyxl for everything around the rows (package, styles, sheet views,
column widths, autofilter, defined names, page setup) and replace ``WorksheetWriter.write_rows``:
it streams ``<sheetData>`` straight into the sheet's temporary file and writes every formula
cell with both ``<f>`` and ``<v>``, the sums kept exactly in Decimal while the rows stream past.
Skipping openpyxl's per-cell objects also makes the export faster than a bare ``ws.append``
dump of the same values (``bench/renderers.py`` measures both).

Text is always an inline string, never a formula. Text starting with ``=``, ``+``, ``-``,
``@``, tab or CR also gets the ``quotePrefix`` style, so Excel keeps it text when the cell is
edited. Characters XML cannot carry are dropped, and ``_xHHHH_`` sequences are escaped so
Excel shows them literally.

Memory: rows are consumed once from the section's iterator and written in small batches; the
sheet XML goes to a temporary file and the workbook to ``out``. Nothing grows with the number
of rows as long as ``out`` is a file or a path (:func:`xlsx_tempfile` for big downloads).
"""
from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.properties import PageSetupProperties

from tracker.reports.rows import (
    ColumnKind,
    ColumnSpec,
    DateStyle,
    ReportMeta,
    Section,
    Total,
    format_date,
)

__all__ = ["MAX_ROWS", "build_xlsx", "number_format", "write_xlsx", "xlsx_tempfile"]

#: Excel's last row; a sheet that would need more is refused with a clear error.
MAX_ROWS = 1_048_576
#: Excel's longest cell text; longer text is cut.
MAX_CELL_TEXT = 32_767
#: Sheets wider than this many characters are set to print landscape.
LANDSCAPE_FROM_CHARS = 110
#: Rows buffered before a write to the sheet's temporary file.
_BATCH = 256

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_FORMULA_START = frozenset("=+-@\t\r")
# XML 1.0 cannot carry C0 controls (except tab, LF, CR), lone surrogates, U+FFFE/U+FFFF.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Excel decodes _xHHHH_ inside strings; an underscore written as _x005F_ keeps it literal.
_EXCEL_ESCAPE = re.compile("_(x[0-9A-Fa-f]{4}_)")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_EXCEL_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
_FIRST_SAFE_DATE = date(1900, 3, 1)  # before it, Excel's 1900 leap-year bug shifts serials


def number_format(column: ColumnSpec, date_style: DateStyle | str = DateStyle.DMY) -> str | None:
    """The Excel number format of a column (None for text)."""
    kind = column.kind
    if kind is ColumnKind.TEXT:
        return None
    if kind is ColumnKind.DATE:
        return "yyyy-mm-dd" if DateStyle(date_style) is DateStyle.ISO else "dd.mm.yyyy"
    if kind is ColumnKind.INT:
        return "0"
    places = column.decimal_places
    decimals = "." + "0" * places if places else ""
    if kind is ColumnKind.RATE:
        return "0" + decimals
    return "#,##0" + decimals


def write_xlsx(
    meta: ReportMeta,
    sections: Section | Iterable[Section],
    out: str | os.PathLike[str] | IO[bytes],
) -> None:
    """Write a workbook with one sheet per section to a path or a binary file object.

    Sections may be produced lazily (a generator); each one's rows are consumed once, in order.
    Raises ``ValueError`` for no sections, a sheet longer than Excel allows, a non-finite number
    or a timezone-aware datetime in a cell, and ``TypeError`` for a float (never exact).
    """
    if isinstance(sections, Section):
        sections = [sections]
    wb = Workbook(write_only=True)
    styles = _StyleBook()
    used_names: set[str] = set()
    writers: list[_SheetWriter] = []
    try:
        for section in sections:
            _write_sheet(wb, meta, section, styles, used_names, writers)
        if not writers:
            raise ValueError("a workbook needs at least one section")
        wb.save(out)
    except BaseException:
        for writer in writers:
            writer.discard()
        raise


def build_xlsx(meta: ReportMeta, sections: Section | Iterable[Section]) -> bytes:
    """The workbook as bytes (for small reports and tests; big ones: :func:`xlsx_tempfile`)."""
    buffer = BytesIO()
    write_xlsx(meta, sections, buffer)
    return buffer.getvalue()


def xlsx_tempfile(meta: ReportMeta, sections: Section | Iterable[Section]) -> IO[bytes]:
    """The workbook in an anonymous temporary file, rewound, for streaming to a client.

    The file disappears when closed (``send_file`` closes it after the response).
    """
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    try:
        write_xlsx(meta, sections, handle)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


# --------------------------------------------------------------------------------------------
# Sheet layout


def _write_sheet(
    wb: Workbook,
    meta: ReportMeta,
    section: Section,
    styles: _StyleBook,
    used_names: set[str],
    writers: list[_SheetWriter],
) -> None:
    ws = wb.create_sheet(_sheet_title(section.sheet_name or section.title or meta.title, used_names))
    columns = section.columns
    title_lines = meta.title_lines(section.title)
    header_row = len(title_lines) + 2  # one blank row between the title block and the header

    widths = [_excel_width(col) for col in columns]
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    if sum(widths) > LANDSCAPE_FROM_CHARS:
        ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.HeaderFooter.oddFooter.center.text = "&P / &N"

    writer = _SheetWriter(ws, meta, section, styles.for_sheet(ws, meta, columns), title_lines, header_row)
    writers.append(writer)
    ws._writer = writer  # WriteOnlyWorksheet.close() now calls our write_rows
    writer.write_top()
    ws.close()


def _excel_width(column: ColumnSpec) -> float:
    # +2: Excel's width excludes the cell padding, and number formats add separators.
    return round(min(max(column.char_width, 4.0), 80.0) + 2, 1)


def _sheet_title(wanted: str, used: set[str]) -> str:
    """A valid, unique sheet name: no []:*?/\\, no leading/trailing apostrophe, ≤ 31 chars."""
    name = _INVALID_SHEET_CHARS.sub(" ", _ILLEGAL_XML.sub("", wanted)).strip().strip("'").strip()
    name = name[:31].strip() or "Sheet"
    candidate, counter = name, 1
    while candidate.casefold() in used:
        counter += 1
        suffix = f" ({counter})"
        candidate = name[: 31 - len(suffix)].rstrip() + suffix
    used.add(candidate.casefold())
    return candidate


# --------------------------------------------------------------------------------------------
# Styles


class _StyleBook:
    """Cell style ids (indexes into the workbook's cellXfs), registered once per workbook."""

    def __init__(self) -> None:
        self._ids: dict[tuple[Any, ...], int] = {}

    def get(
        self,
        ws: WriteOnlyWorksheet,
        *,
        number_format: str | None = None,
        bold: bool = False,
        size: float | None = None,
        fill: str | None = None,
        wrap: bool = False,
        quote: bool = False,
        rule: bool = False,
    ) -> int:
        key = (number_format, bold, size, fill, wrap, quote, rule)
        if key not in self._ids:
            cell = WriteOnlyCell(ws)
            if number_format:
                cell.number_format = number_format
            if bold or size:
                cell.font = Font(bold=bold or None, size=size)
            if fill:
                cell.fill = PatternFill(fill_type="solid", fgColor=fill)
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="center")
            if quote:
                cell.quotePrefix = True
            if rule:
                cell.border = Border(top=Side(style="thin"), bottom=Side(style="thin"))
            self._ids[key] = cell.style_id
        return self._ids[key]

    def for_sheet(self, ws: WriteOnlyWorksheet, meta: ReportMeta, columns: Sequence[ColumnSpec]) -> _SheetStyles:
        return _SheetStyles(self, ws, meta, columns)


_HEADER_FILL = "FFD9E1F2"
_TOTAL_FILL = "FFF2F2F2"


class _SheetStyles:
    """The style ids one sheet uses."""

    def __init__(self, book: _StyleBook, ws: WriteOnlyWorksheet, meta: ReportMeta,
                 columns: Sequence[ColumnSpec]) -> None:
        get = book.get
        self.text_quoted = get(ws, quote=True)
        self.org = get(ws, bold=True)
        self.title = get(ws, bold=True, size=14)
        self.subtitle = get(ws, bold=True, size=12)
        self.info = 0
        self.header = get(ws, bold=True, fill=_HEADER_FILL, wrap=True, rule=True)
        self.header_quoted = get(ws, bold=True, fill=_HEADER_FILL, wrap=True, rule=True, quote=True)
        self.total_label = get(ws, bold=True, fill=_TOTAL_FILL)
        self.total_label_quoted = get(ws, bold=True, fill=_TOTAL_FILL, quote=True)
        date_format = number_format(ColumnSpec("d", "d", ColumnKind.DATE), meta.date_style) or ""
        self.date = get(ws, number_format=date_format)
        self.datetime = get(ws, number_format=date_format + " hh:mm")
        self.cell: list[int] = []
        self.total: list[int] = []
        for col in columns:
            fmt = number_format(col, meta.date_style)
            self.cell.append(get(ws, number_format=fmt) if fmt else 0)
            self.total.append(get(ws, number_format=fmt, bold=True, fill=_TOTAL_FILL))
        self.fallback_number = get(ws, number_format="General")


# --------------------------------------------------------------------------------------------
# XML pieces


def _xml_text(text: str) -> str:
    if _ILLEGAL_XML.search(text) is not None:
        text = _ILLEGAL_XML.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[:MAX_CELL_TEXT]
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F_\1", text)
    return text


def _text_cell(ref: str, text: str, style: int, quoted_style: int) -> str:
    """An inline string cell; never a formula, whatever the text starts with."""
    if not text:
        return ""
    if text[0] in _FORMULA_START:
        style = quoted_style
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_xml_text(text)}</t></is></c>'


def _number_text(value: Decimal | int) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        return f"{value:f}"
    return str(value)


def _date_serial(value: date) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError("Excel has no time zones: pass naive local datetimes")
        return repr(to_excel(value))
    if value >= _FIRST_SAFE_DATE:
        return str(value.toordinal() - _EXCEL_EPOCH_ORDINAL)
    return str(int(to_excel(value)))


CellWriter = Callable[[Any, str], str]


def _cell_writer(letter: str, column: ColumnSpec, index: int, styles: _SheetStyles,
                 date_style: DateStyle) -> CellWriter:
    """A function (value, row number as text) → the cell's XML, specialised per column kind."""
    quoted = styles.text_quoted
    date_id, datetime_id = styles.date, styles.datetime

    def other(value: Any, row: str) -> str:
        """Values not of the column's own type."""
        ref = letter + row
        if isinstance(value, float):
            raise TypeError(f"column {column.key!r}: floats are not exact; pass Decimal")
        if isinstance(value, bool) or isinstance(value, str):
            return _text_cell(ref, str(value), 0, quoted)
        if isinstance(value, (Decimal, int)):
            style = styles.cell[index] if column.is_numeric else styles.fallback_number
            return f'<c r="{ref}" s="{style}"><v>{_number_text(value)}</v></c>'
        if isinstance(value, datetime):
            return f'<c r="{ref}" s="{datetime_id}"><v>{_date_serial(value)}</v></c>'
        if isinstance(value, date):
            return f'<c r="{ref}" s="{date_id}"><v>{_date_serial(value)}</v></c>'
        return _text_cell(ref, str(value), 0, quoted)

    kind = column.kind
    if kind is ColumnKind.TEXT:
        def text(value: Any, row: str) -> str:
            if type(value) is str:
                return _text_cell(letter + row, value, 0, quoted)
            if isinstance(value, date):
                return _text_cell(letter + row, format_date(value, date_style), 0, quoted)
            return other(value, row)
        return text

    if kind is ColumnKind.DATE:
        def date_cell(value: Any, row: str) -> str:
            if type(value) is date and value >= _FIRST_SAFE_DATE:
                return f'<c r="{letter}{row}" s="{date_id}"><v>{value.toordinal() - _EXCEL_EPOCH_ORDINAL}</v></c>'
            return other(value, row)
        return date_cell

    style = styles.cell[index]

    def number(value: Any, row: str) -> str:
        kind_of = type(value)
        if kind_of is Decimal:
            if not value.is_finite():
                raise ValueError(f"column {column.key!r}: not a finite number: {value}")
            return f'<c r="{letter}{row}" s="{style}"><v>{value:f}</v></c>'
        if kind_of is int:
            return f'<c r="{letter}{row}" s="{style}"><v>{value}</v></c>'
        return other(value, row)
    return number


# --------------------------------------------------------------------------------------------
# The row writer


class _SheetWriter(WorksheetWriter):
    """openpyxl's worksheet writer with the rows streamed by us (see the module docstring)."""

    def __init__(self, ws: WriteOnlyWorksheet, meta: ReportMeta, section: Section,
                 styles: _SheetStyles, title_lines: list[tuple[str, str]], header_row: int) -> None:
        self._file: IO[bytes] | None = None
        super().__init__(ws)
        self.meta = meta
        self.section = section
        self.styles = styles
        self.title_lines = title_lines
        self.header_row = header_row
        #: Data rows written (without title, header, subtotal and total rows).
        self.data_rows = 0

    def get_stream(self):  # type: ignore[no-untyped-def]
        # Same as openpyxl's, but on a file object we own, so write_rows can append raw XML
        # to it between lxml's own writes (after xf.flush(), the order is preserved).
        from lxml.etree import xmlfile

        self._file = open(self.out, "wb")
        try:
            with xmlfile(self._file) as xf:
                with xf.element("worksheet", xmlns=_SHEET_NS):
                    try:
                        while True:
                            el = yield
                            if el is True:
                                yield xf
                            elif el is not None:
                                xf.write(el)
                    except GeneratorExit:
                        pass
        finally:
            self._file.close()

    def discard(self) -> None:
        """Drop the temporary file after a failed export."""
        try:
            self.close()
        except Exception:  # noqa: BLE001 - the original error matters, not this one
            pass
        try:
            self.cleanup()
        except (OSError, ValueError):
            pass

    def write_rows(self) -> None:
        xf = self.xf.send(True)
        with xf.element("sheetData"):
            xf.flush()
            assert self._file is not None
            self._stream(self._file.write)
        self.xf.send(None)

    def _stream(self, write: Callable[[bytes], Any]) -> None:
        meta, section, st = self.meta, self.section, self.styles
        columns = section.columns
        letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
        last_letter = letters[-1]

        out: list[str] = []
        role_style = {"org": st.org, "title": st.title, "subtitle": st.subtitle, "info": st.info}
        for row, (role, text) in enumerate(self.title_lines, 1):
            out.append(f'<row r="{row}">{_text_cell(f"A{row}", text, role_style[role], st.text_quoted)}</row>')
        header = self.header_row
        out.append(f'<row r="{header}">')
        for letter, col in zip(letters, columns):
            out.append(_text_cell(f"{letter}{header}", col.label, st.header, st.header_quoted))
        out.append("</row>")

        writers = [_cell_writer(letter, col, i, st, meta.date_style)
                   for i, (letter, col) in enumerate(zip(letters, columns))]
        sum_idx = [i for i, col in enumerate(columns) if col.total is Total.SUM]
        group_idx = section.group_index
        first = header + 1
        grand: dict[int, Decimal | int] = {i: 0 for i in sum_idx}
        group: dict[int, Decimal | int] = dict(grand)
        group_start = first
        group_value: Any = None
        row = header
        data_rows = 0
        num_types = (Decimal, int)

        for values in section.iter_values():
            if group_idx is not None:
                key = values[group_idx]
                if data_rows and key != group_value:
                    row += 1
                    out.append(self._total_row(row, group_start, row - 1, self._group_label(group_value),
                                               group, "SUBTOTAL(9,", letters, st.total))
                    for i in sum_idx:
                        grand[i] += group[i]
                        group[i] = 0
                    group_start = row + 1
                group_value = key
            row += 1
            data_rows += 1
            rs = str(row)
            out.append(f'<row r="{rs}">'
                       + "".join([w(v, rs) for w, v in zip(writers, values) if v is not None])
                       + "</row>")
            for i in sum_idx:
                v = values[i]
                if v is not None and type(v) in num_types:
                    group[i] += v
            if len(out) >= _BATCH:
                if row > MAX_ROWS:
                    raise ValueError(f"sheet {self.ws.title!r} would exceed Excel's {MAX_ROWS} rows")
                write("".join(out).encode("utf-8"))
                out.clear()

        if group_idx is not None and data_rows:
            row += 1
            out.append(self._total_row(row, group_start, row - 1, self._group_label(group_value),
                                       group, "SUBTOTAL(9,", letters, st.total))
        for i in sum_idx:
            grand[i] += group[i]
        last_data = row
        if sum_idx:
            row += 1
            function = "SUBTOTAL(9," if group_idx is not None else "SUM("
            out.append(self._total_row(row, first, last_data, meta.labels.total, grand, function,
                                       letters, st.total))
        if row > MAX_ROWS:
            raise ValueError(f"sheet {self.ws.title!r} would exceed Excel's {MAX_ROWS} rows")
        write("".join(out).encode("utf-8"))
        self.ws.auto_filter.ref = f"A{header}:{last_letter}{max(last_data, header)}"
        self.data_rows = data_rows

    def _group_label(self, value: Any) -> str:
        subtotal = self.meta.labels.subtotal
        if value is None or value == "":
            return subtotal
        if isinstance(value, date):
            value = format_date(value, self.meta.date_style)
        return f"{subtotal}: {value}"

    def _total_row(self, row: int, first: int, last: int, label: str, sums: dict[int, Decimal | int],
                   function: str, letters: list[str], total_styles: list[int]) -> str:
        """A total row: label, then per summed column a formula with its cached value.

        Over an empty range (no data) the cell holds a plain 0: a formula over no rows would
        have to point at the header.
        """
        st = self.styles
        label_idx = self.section.label_index
        cells = []
        for i, letter in enumerate(letters):
            if i == label_idx:
                cells.append(_text_cell(f"{letter}{row}", label, st.total_label, st.total_label_quoted))
            elif i in sums:
                style = total_styles[i]
                if last >= first:
                    cells.append(f'<c r="{letter}{row}" s="{style}"><f>{function}{letter}{first}:{letter}{last})'
                                 f'</f><v>{_number_text(sums[i])}</v></c>')
                else:
                    cells.append(f'<c r="{letter}{row}" s="{style}"><v>0</v></c>')
        return f'<row r="{row}">{"".join(cells)}</row>'
