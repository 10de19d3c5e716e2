"""The generic shape of a report, shared by the Excel and PDF renderers.

A dataset function (one per report, in ``reports/datasets.py``) returns a :class:`ReportMeta`
and one or more :class:`Section` objects; ``xlsx.py`` and ``pdf.py`` turn them into bytes. A
section describes its columns with :class:`ColumnSpec` and carries its rows as an iterable that
the renderer consumes exactly once, so a dataset can stream rows from a database cursor without
holding them in memory. Rows are tuples in column order, mappings keyed by column key, or
objects (frozen dataclasses) with one attribute per column key.

Nothing here knows about Flask or the database: the caller translates every label (titles,
headers, "Total", "Page x of y") and passes the strings in, so one builder serves uk, en and de.
"""
from __future__ import annotations

import enum
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tracker.money import MONEY_PLACES, QTY_PLACES, RATE_PLACES, format_amount

__all__ = [
    "ColumnKind",
    "ColumnSpec",
    "DateStyle",
    "ReportLabels",
    "ReportMeta",
    "Section",
    "Sheet",
    "Signatory",
    "Total",
    "format_date",
    "format_datetime",
    "format_value",
    "row_reader",
]


class ColumnKind(enum.StrEnum):
    """What a column holds; decides the cell type, number format and alignment."""

    TEXT = "text"
    MONEY = "money"
    QTY = "qty"
    RATE = "rate"
    DATE = "date"
    INT = "int"


class Total(enum.StrEnum):
    """Whether a column is summed in the total and subtotal rows."""

    NONE = "none"
    SUM = "sum"


class DateStyle(enum.StrEnum):
    """How dates are shown: ISO (``2026-03-31``) or day.month.year (``31.03.2026``)."""

    ISO = "iso"
    DMY = "dmy"


#: Decimal places shown per numeric kind unless a column overrides them.
DEFAULT_PLACES: dict[ColumnKind, int] = {
    ColumnKind.MONEY: MONEY_PLACES,
    ColumnKind.QTY: QTY_PLACES,
    ColumnKind.RATE: RATE_PLACES,
    ColumnKind.INT: 0,
}

#: Width in characters of a column without a hint, before the header's own length is considered.
DEFAULT_WIDTH: dict[ColumnKind, int] = {
    ColumnKind.TEXT: 18,
    ColumnKind.MONEY: 14,
    ColumnKind.QTY: 12,
    ColumnKind.RATE: 11,
    ColumnKind.DATE: 11,
    ColumnKind.INT: 7,
}

_SUMMABLE = frozenset({ColumnKind.MONEY, ColumnKind.QTY, ColumnKind.INT})


@dataclass(frozen=True)
class ColumnSpec:
    """One column: ``key`` names the value in a row, ``label`` is the translated header."""

    key: str
    label: str
    kind: ColumnKind = ColumnKind.TEXT
    #: Width hint in characters (Excel's unit); None = from the kind and the header length.
    width: float | None = None
    total: Total = Total.NONE
    #: Decimal places for money/qty/rate columns (e.g. 4 for unit values); None = the kind's.
    places: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", ColumnKind(self.kind))
        object.__setattr__(self, "total", Total(self.total))
        if self.total is Total.SUM and self.kind not in _SUMMABLE:
            raise ValueError(f"column {self.key!r}: only money, qty and int columns can be summed")
        if self.width is not None and self.width <= 0:
            raise ValueError(f"column {self.key!r}: width must be positive")
        if self.places is not None and not 0 <= self.places <= 10:
            raise ValueError(f"column {self.key!r}: places must be between 0 and 10")

    @property
    def decimal_places(self) -> int:
        """Places shown for a numeric column (0 for text and dates)."""
        if self.places is not None:
            return self.places
        return DEFAULT_PLACES.get(self.kind, 0)

    @property
    def is_numeric(self) -> bool:
        return self.kind in DEFAULT_PLACES

    @property
    def char_width(self) -> float:
        """Width in characters: the hint, else the longer of the kind's default and the header
        (long headers wrap, so a header counts at most 30 characters)."""
        if self.width is not None:
            return float(self.width)
        return float(max(DEFAULT_WIDTH[self.kind], min(len(self.label) + 2, 30)))


@dataclass(frozen=True)
class ReportLabels:
    """The renderers' own words, translated by the caller (English defaults)."""

    organization: str = "Organization"
    edrpou: str = "EDRPOU"
    period: str = "Period"
    period_from: str = "from"
    period_to: str = "to"
    filters: str = "Filters"
    exported_at: str = "Exported"
    exported_by: str = "Exported by"
    total: str = "Total"
    subtotal: str = "Subtotal"
    #: Page footer; ``{page}`` and ``{pages}`` are replaced.
    page: str = "Page {page} of {pages}"
    nothing_to_report: str = "Nothing to report for this period."
    signature: str = "signature"
    date: str = "date"
    image_unavailable: str = "The image could not be read."


@dataclass(frozen=True)
class ReportMeta:
    """Who, what and when of one export; printed in every sheet's title block and page header."""

    organization_name: str
    organization_edrpou: str
    title: str
    period_from: date | None = None
    period_to: date | None = None
    #: (translated label, display value) pairs, in the order shown.
    filters: Sequence[tuple[str, str]] = ()
    exported_at: datetime | None = None
    exported_by: str = ""
    language: str = "uk"
    date_style: DateStyle = DateStyle.DMY
    labels: ReportLabels = field(default_factory=ReportLabels)

    def __post_init__(self) -> None:
        object.__setattr__(self, "filters", tuple((str(k), str(v)) for k, v in self.filters))
        object.__setattr__(self, "date_style", DateStyle(self.date_style))
        if self.period_from and self.period_to and self.period_to < self.period_from:
            raise ValueError("the period ends before it starts")

    @property
    def organization_line(self) -> str:
        """``Organization: Name (EDRPOU 12345678)``."""
        lb = self.labels
        edrpou = f" ({lb.edrpou} {self.organization_edrpou})" if self.organization_edrpou else ""
        return f"{lb.organization}: {self.organization_name}{edrpou}"

    @property
    def period_text(self) -> str:
        """``31.01.2026 – 28.02.2026``, or an open end with the from/to words."""
        lb = self.labels
        start = format_date(self.period_from, self.date_style) if self.period_from else ""
        end = format_date(self.period_to, self.date_style) if self.period_to else ""
        if start and end:
            return f"{start} – {end}"
        if start:
            return f"{lb.period_from} {start}"
        if end:
            return f"{lb.period_to} {end}"
        return ""

    @property
    def period_line(self) -> str:
        text = self.period_text
        return f"{self.labels.period}: {text}" if text else ""

    @property
    def filter_lines(self) -> list[str]:
        return [f"{label}: {value}" for label, value in self.filters]

    @property
    def exported_line(self) -> str:
        """``Exported: 2026-03-31 14:05 UTC; Exported by: Olena``."""
        lb = self.labels
        parts = []
        if self.exported_at is not None:
            parts.append(f"{lb.exported_at}: {format_datetime(self.exported_at)}")
        if self.exported_by:
            parts.append(f"{lb.exported_by}: {self.exported_by}")
        return "; ".join(parts)

    def title_lines(self, section_title: str = "") -> list[tuple[str, str]]:
        """The title block as (role, text) lines; role is ``org``, ``title``, ``subtitle`` or
        ``info``. Both renderers print exactly these lines."""
        lines = [("org", self.organization_line), ("title", self.title)]
        if section_title and section_title != self.title:
            lines.append(("subtitle", section_title))
        if self.period_line:
            lines.append(("info", self.period_line))
        if self.filters:
            lines.append(("info", f"{self.labels.filters}:"))
            lines.extend(("info", f"    {line}") for line in self.filter_lines)
        if self.exported_line:
            lines.append(("info", self.exported_line))
        return lines


@dataclass
class Section:
    """One table of a report: a sheet in a workbook, a table in a PDF.

    ``rows`` is consumed once. With ``group_by`` (a column key) the rows must arrive sorted by
    that column; a subtotal row closes each group. Not frozen: it holds a one-shot iterator.
    """

    title: str
    columns: Sequence[ColumnSpec]
    rows: Iterable[Any]
    group_by: str | None = None
    #: Sheet tab name; default from the title (Excel allows 31 characters).
    sheet_name: str | None = None

    def __post_init__(self) -> None:
        self.columns = tuple(self.columns)
        if not self.columns:
            raise ValueError(f"section {self.title!r} has no columns")
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"section {self.title!r} has duplicate column keys")
        if self.group_by is not None and self.group_by not in keys:
            raise ValueError(f"section {self.title!r}: group_by {self.group_by!r} is not a column")

    @property
    def group_index(self) -> int | None:
        if self.group_by is None:
            return None
        return [c.key for c in self.columns].index(self.group_by)

    @property
    def has_totals(self) -> bool:
        return any(c.total is Total.SUM for c in self.columns)

    @property
    def label_index(self) -> int | None:
        """Column where "Total"/"Subtotal" is written: the first column that is not summed."""
        for i, col in enumerate(self.columns):
            if col.total is Total.NONE:
                return i
        return None

    def iter_values(self) -> Iterator[tuple[Any, ...]]:
        """The rows as tuples in column order (consumes ``rows``)."""
        return row_reader(self.columns)(iter(self.rows))


#: The same thing seen from a workbook.
Sheet = Section


@dataclass(frozen=True)
class Signatory:
    """One signature line of a PDF act or report: role (e.g. "Head of the commission"), name."""

    role: str
    name: str = ""


def row_reader(columns: Sequence[ColumnSpec]) -> Callable[[Iterator[Any]], Iterator[tuple[Any, ...]]]:
    """A function turning rows of any supported shape into tuples in column order.

    The shape is decided by the first row: sequence (checked for length), mapping (by key) or
    object (by attribute). Every row must have the same shape.
    """
    keys = [c.key for c in columns]
    width = len(keys)

    def read(rows: Iterator[Any]) -> Iterator[tuple[Any, ...]]:
        for first in rows:
            break
        else:
            return
        getter: Callable[[Any], Any]
        if isinstance(first, (tuple, list)):
            for row in _chain_one(first, rows):
                if len(row) != width:
                    raise ValueError(f"row has {len(row)} values, the report has {width} columns")
                yield tuple(row)
            return
        if isinstance(first, Mapping):
            getter = operator.itemgetter(*keys)
        else:
            getter = operator.attrgetter(*keys)
        if width == 1:
            for row in _chain_one(first, rows):
                yield (getter(row),)
        else:
            for row in _chain_one(first, rows):
                yield getter(row)

    return read


def _chain_one(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


def format_date(value: date, style: DateStyle | str = DateStyle.DMY) -> str:
    """``31.03.2026`` (dmy) or ``2026-03-31`` (iso); datetimes keep their time."""
    if isinstance(value, datetime):
        base = format_date(value.date(), style)
        return f"{base} {value:%H:%M}"
    if DateStyle(style) is DateStyle.ISO:
        return value.isoformat()
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def format_datetime(value: datetime) -> str:
    """``2026-03-31 14:05 UTC`` (the zone name only for aware datetimes)."""
    text = f"{value:%Y-%m-%d %H:%M}"
    zone = value.tzname()
    return f"{text} {zone}" if zone else text


def format_value(value: Any, column: ColumnSpec, date_style: DateStyle | str = DateStyle.DMY) -> str:
    """A cell as display text, formatted like the pages (``tracker.money.format_amount``)."""
    if value is None:
        return ""
    kind = column.kind
    if kind is ColumnKind.TEXT:
        return value if isinstance(value, str) else str(value)
    if kind is ColumnKind.DATE:
        if isinstance(value, date):
            return format_date(value, date_style)
        return str(value)
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        if kind is ColumnKind.INT:
            return str(value)
        return format_amount(Decimal(value), column.decimal_places)
    return str(value)
