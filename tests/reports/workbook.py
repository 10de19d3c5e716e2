"""Reading exported workbooks back for the tests: sheets, title block, header, data, totals."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import load_workbook


@dataclass
class SheetView:
    """One sheet read twice: formulas (``ws``) and cached values (``cached``)."""

    ws: Any
    cached: Any
    header_row: int
    labels: list[str]

    @property
    def title_lines(self) -> list[str]:
        return [self.ws.cell(r, 1).value for r in range(1, self.header_row - 1)]

    def column(self, label: str) -> int:
        return self.labels.index(label) + 1

    def data_rows(self) -> list[int]:
        """Row numbers between the header and the first total/subtotal row."""
        rows = []
        for r in range(self.header_row + 1, self.ws.max_row + 1):
            if any(isinstance(c.value, str) and c.value.startswith("=") and c.data_type == "f"
                   for c in self.ws[r]):
                continue
            rows.append(r)
        return rows

    def total_row(self) -> int:
        return self.ws.max_row

    def total(self, label: str) -> tuple[str, Decimal]:
        """(formula, cached value) of the total cell of a column."""
        row, col = self.total_row(), self.column(label)
        cached = self.cached.cell(row, col).value
        return self.ws.cell(row, col).value, Decimal(str(cached)).quantize(Decimal("0.01"))


def read_workbook(data: bytes) -> dict[str, SheetView]:
    wb = load_workbook(BytesIO(data))
    cached = load_workbook(BytesIO(data), data_only=True)
    sheets = {}
    for ws in wb.worksheets:
        header = int(ws.freeze_panes[1:]) - 1
        labels = [c.value for c in ws[header]]
        sheets[ws.title] = SheetView(ws, cached[ws.title], header, labels)
    return sheets


def xlsx_bytes(response: Any) -> bytes:
    data = response.get_data() if hasattr(response, "get_data") else response
    assert data[:2] == b"PK", data[:200]
    return data
