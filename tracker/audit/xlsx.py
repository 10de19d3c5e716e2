"""The audit trail as an Excel workbook: rows in, bytes out (no database, no Flask)."""
from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class AuditRow:
    id: int
    #: Local time of the event (naive: Excel has no time zones).
    at: datetime
    user: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    hash: str


def text_cell(ws: Any, value: Any, **style: Any) -> WriteOnlyCell:
    """A cell holding ``value`` as text: user text starting with = + - @ never becomes a formula."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


def _json(value: dict[str, Any] | None) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def build_audit_workbook(rows: Iterable[AuditRow], *, title: str, header_lines: list[str],
                         headers: list[str]) -> bytes:
    """One sheet: title and filter lines, then a frozen, filterable table of events."""
    rows = list(rows)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Audit")
    widths = [8, 20, 28, 18, 18, 12, 60, 60, 66]
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    header_row = len(header_lines) + 3  # title, the header lines, a blank row, then the table
    ws.freeze_panes = f"A{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{header_row + len(rows)}"
    bold = Font(bold=True)
    ws.append([text_cell(ws, title, font=Font(bold=True, size=14))])
    for line in header_lines:
        ws.append([text_cell(ws, line)])
    ws.append([])
    ws.append([text_cell(ws, h, font=bold) for h in headers])
    for row in rows:
        at = WriteOnlyCell(ws, value=row.at)
        at.number_format = "yyyy-mm-dd hh:mm:ss"
        ws.append([row.id, at, *(text_cell(ws, v) for v in (row.user, row.action, row.object_type, row.object_id,
                                                            _json(row.before), _json(row.after), row.hash))])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
