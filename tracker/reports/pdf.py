"""PDF reports and acts with reportlab platypus: fonts, page layout, streamed tables, charts.

One :class:`PdfReport` collects blocks (headings, paragraphs, key/value lists, tables from
:class:`~tracker.reports.rows.Section`, bar charts, photos, signature blocks) and builds an A4
document with a header and footer on every page (organization, report, period; time of export
and "page x of y"). :func:`build_pdf` is the one-call form for register-like reports.

Typesetting decisions:

* DejaVu Sans (Cyrillic, Latin with German umlauts) ships in ``tracker/fonts`` and is embedded
  as a subset. The canvas starts in DejaVu too (``initialFontName``) and every style, table and
  chart names it, so no unembedded Helvetica is listed in the file.
* Tables stream: a section's rows are pulled while the document is laid out, one page at a time.
  Each page gets its own small ``Table`` (header row + the rows that fit) with explicit column
  widths and row heights, so reportlab never measures or splits a long table: time is linear
  in rows, and rows are held one page at a time (finished pages stay in the canvas until the
  file is written, as in any reportlab document). Text that is too wide is wrapped into lines
  here (capped at :data:`MAX_CELL_LINES`), never left to overflow.
* Orientation: portrait unless the widest table needs more room; wider still, column widths
  and the table font are scaled down to the frame; wider than A4 landscape allows at the
  smallest font, the page is A3 landscape, numbers and dates keep their width and text columns
  wrap, so no column is ever cut.
* "Page x of y" needs the page count before it is known: every page draws a form XObject
  (``pageno<N>``) that the canvas defines once the last page is done.
* Amounts are right-aligned and formatted by ``tracker.money.format_amount``, as on the pages.
"""
from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import IO, Any, Literal
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tables import CellStyle

from tracker.money import format_amount
from tracker.reports.rows import (
    ColumnKind,
    DEFAULT_WIDTH,
    ColumnSpec,
    ReportMeta,
    Section,
    Signatory,
    Total,
    format_date,
    format_value,
)

__all__ = [
    "FONT",
    "FONT_BOLD",
    "InvalidImage",
    "MAX_CELL_LINES",
    "PdfReport",
    "build_pdf",
    "make_bar_chart",
    "make_image",
    "natural_width",
    "register_fonts",
]

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"

#: Table body font size (pt) before any scaling to the frame.
TABLE_FONT_SIZE = 7.5
#: Smallest font a wide table is scaled down to; narrower still, text wraps.
MIN_TABLE_FONT_SIZE = 5.0
#: Lines a table cell may wrap to; longer text ends with "…".
MAX_CELL_LINES = 12
#: Header cells wrap to at most this many lines.
MAX_HEADER_LINES = 5
MARGIN = 15 * mm
HEADER_SPACE = 12 * mm
FOOTER_SPACE = 10 * mm

# Average advance of a character, in em, used to turn width hints (characters) into points:
# digits are 0.636 em in DejaVu Sans, text averages a little less.
_EM_TEXT = 0.56
_EM_DIGITS = 0.64
_CELL_PAD_H = 2.5
_CELL_PAD_V = 1.5
_HEADER_BG = colors.HexColor("#D9E1F2")
_TOTAL_BG = colors.HexColor("#F2F2F2")
_GRID = colors.HexColor("#A6A6A6")
_CHART_COLORS = [colors.HexColor(c) for c in ("#2F5597", "#C55A11", "#548235", "#7F6000", "#7030A0")]
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Orientation = Literal["auto", "portrait", "landscape"]


class InvalidImage(ValueError):
    """Bytes that are not a readable image."""


def register_fonts() -> None:
    """Register the shipped DejaVu Sans (regular and bold) with reportlab, once."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    # <b> and <i> in paragraphs map to our fonts (no italic face shipped: upright stands in).
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11.5, alignment=TA_LEFT,
                          spaceAfter=3)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19,
                                spaceAfter=4),
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=12, leading=15,
                             spaceBefore=8, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=10, leading=13,
                             spaceBefore=6, spaceAfter=3),
        "org": ParagraphStyle("org", parent=base, fontName=FONT_BOLD, fontSize=10, leading=13),
        "label": ParagraphStyle("label", parent=base, fontName=FONT_BOLD, spaceAfter=0),
        "value": ParagraphStyle("value", parent=base, spaceAfter=0),
        "caption": ParagraphStyle("caption", parent=base, fontSize=7.5, leading=9.5,
                                  textColor=colors.HexColor("#404040")),
    }


def _markup(text: str) -> str:
    """User text as paragraph markup: control characters dropped, XML escaped, newlines kept."""
    return escape(_CONTROL_CHARS.sub("", text)).replace("\n", "<br/>")


def _clip(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with "…" to fit ``width`` on one line (page headers and footers)."""
    text = _CONTROL_CHARS.sub("", text).replace("\n", " ")
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if pdfmetrics.stringWidth(text[:mid] + "…", font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"


def _wrap_lines(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    """Lines of ``text`` no wider than ``width`` (long words are cut), at most ``max_lines``."""
    text = _CONTROL_CHARS.sub("", text)
    lines: list[str] = []
    for line in simpleSplit(text, font, size, width) or [""]:
        while pdfmetrics.stringWidth(line, font, size) > width and len(line) > 1:
            # a word longer than the column: cut it where it stops fitting
            cut = len(line) - 1
            while cut > 1 and pdfmetrics.stringWidth(line[:cut], font, size) > width:
                cut = max(1, int(cut * 0.9)) if cut > 40 else cut - 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _clip(lines[-1] + "…", font, size, width)
    return lines


# --------------------------------------------------------------------------------------------
# Streamed tables


@dataclass(frozen=True)
class _Layout:
    widths: list[float]
    font_size: float
    leading: float
    header: list[str]
    header_height: float
    #: One CellStyle per column for header, data and total rows, shared by every page table
    #: (reportlab would otherwise build and style one CellStyle per cell of every page).
    header_styles: list[CellStyle]
    data_styles: list[CellStyle]
    total_styles: list[CellStyle]


def natural_width(columns: Sequence[ColumnSpec], font_size: float = TABLE_FONT_SIZE) -> float:
    """Width in points a table needs at ``font_size`` before any scaling."""
    return sum(_natural_widths(columns, font_size))


def _natural_widths(columns: Sequence[ColumnSpec], font_size: float) -> list[float]:
    """Per column: the width hint in points, or the header's longest word if that is wider
    (headers wrap between words, and a word cut in two is hard to read)."""
    register_fonts()
    widths = []
    for col in columns:
        text = col.char_width * (_EM_DIGITS if col.is_numeric else _EM_TEXT) * font_size
        word = max((pdfmetrics.stringWidth(w, FONT_BOLD, font_size) for w in col.label.split()[:20]), default=0.0)
        widths.append(max(text, min(word, 30 * _EM_TEXT * font_size)) + 2 * _CELL_PAD_H)
    return widths


#: Narrowest a wrapping column becomes when a table is squeezed, in characters.
MIN_TEXT_CHARS = 6


def _fixed(column: ColumnSpec) -> bool:
    """Numbers and dates are never wrapped: their columns keep the width of their content."""
    return column.is_numeric or column.kind is ColumnKind.DATE


def _squeezed_widths(columns: Sequence[ColumnSpec], text_widths: list[float], room: float,
                     base: float) -> tuple[float, list[float]]:
    """Font size and text widths (without padding) of a table too wide for the frame even at
    :data:`MIN_TABLE_FONT_SIZE`: numbers and dates keep the width of their content at the
    smallest font (they are never cut; their headers may break inside long words), text
    columns share what is left in proportion to their natural widths, each at least
    :data:`MIN_TEXT_CHARS` wide, and wrap. Only when the numbers alone do not fit does the
    font go below the minimum."""
    content = [(col.width or DEFAULT_WIDTH[col.kind]) * (_EM_DIGITS if col.is_numeric else _EM_TEXT) * base
               for col in columns]
    # Each column's floor: numbers and dates their content, text a few characters.
    floor = [min(c, w) if _fixed(col) else min(MIN_TEXT_CHARS * _EM_TEXT * base, w)
             for col, c, w in zip(columns, content, text_widths)]
    scale = MIN_TABLE_FONT_SIZE / base
    if scale * sum(floor) > room:
        scale = room / sum(floor)
    # What is left goes to the columns in proportion to what they lack of their natural width:
    # text columns (long names wrap less), and numbers up to a fifth more than their content
    # (room for a long header word; beyond that the header breaks, the data never does).
    spare = room - scale * sum(floor)
    deficits = [max(0.0, min(w, low * 1.2) - low) if _fixed(col) else max(0.0, w - low)
                for col, w, low in zip(columns, text_widths, floor)]
    share = min(1.0, spare / (scale * sum(deficits))) if sum(deficits) else 0.0
    widths = [scale * (low + share * d) for low, d in zip(floor, deficits)]
    return base * scale, widths


class _StreamedTable(Flowable):
    """A section's table, laid out one page at a time while the document is built.

    ``wrap`` claims more height than any frame, so platypus always calls ``split``, which
    returns a table of the rows that fit the space left plus itself for the rest.
    """

    def __init__(self, section: Section, meta: ReportMeta, font_size: float) -> None:
        super().__init__()
        self.section = section
        self.meta = meta
        self.base_font_size = font_size
        self._layout: _Layout | None = None
        self._rows: Iterator[tuple[str, list[str], float]] | None = None
        self._pending: tuple[str, list[str], float] | None = None
        self._started = False
        self.data_rows = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, 1e9

    def draw(self) -> None:  # never drawn itself: only the tables split() returns are
        raise AssertionError("a streamed table is drawn through its page tables")

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        layout = self._layout_for(availWidth)
        if self._rows is None:
            self._rows = self._render_rows(layout)
        if not self._started:
            self._started = True
            self._pending = next(self._rows, None)
            if self._pending is None:
                note = Paragraph(_markup(self.meta.labels.nothing_to_report), _styles()["body"])
                _, height = note.wrap(availWidth, availHeight)
                if height > availHeight:
                    self._started = False
                    return []
                return [note]
        limit = availHeight - 0.5
        used = layout.header_height
        body: list[list[str]] = [layout.header]
        heights = [layout.header_height]
        cell_styles = [layout.header_styles]
        commands: list[tuple[Any, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 0), _HEADER_BG),
            ("GRID", (0, 0), (-1, -1), 0.25, _GRID),
        ]
        data_styles, total_styles = layout.data_styles, layout.total_styles
        while self._pending is not None:
            kind, cells, height = self._pending
            if used + height > limit:
                break
            if kind == "data":
                cell_styles.append(data_styles)
            else:
                commands.append(("BACKGROUND", (0, len(body)), (-1, len(body)), _TOTAL_BG))
                cell_styles.append(total_styles)
            body.append(cells)
            heights.append(height)
            used += height
            self._pending = next(self._rows, None)
        if len(body) == 1:
            return []  # not even one row fits: continue on the next page
        self.__dict__.pop("_postponed", None)
        # Only line and background commands below: cell fonts, alignment and paddings come
        # from the shared cell styles, which reportlab would modify in place otherwise.
        table = Table(body, colWidths=layout.widths, rowHeights=heights, repeatRows=0,
                      style=TableStyle(commands), hAlign="LEFT", normalizedData=1,
                      cellStyles=cell_styles)
        return [table, self] if self._pending is not None else [table]

    def _layout_for(self, avail_width: float) -> _Layout:
        if self._layout is not None:
            return self._layout
        columns = self.section.columns
        base = self.base_font_size
        # Text widths scale with the font; the cell padding does not. Too wide: shrink text
        # widths and font alike (what fitted still fits). Narrower: stretch to the frame.
        padding = 2 * _CELL_PAD_H
        text_widths = [w - padding for w in _natural_widths(columns, base)]
        room = avail_width - padding * len(columns)
        factor = room / sum(text_widths)
        if factor >= 1 or base * factor >= MIN_TABLE_FONT_SIZE:
            font_size = base * min(1.0, factor)
            widths = [w * factor + padding for w in text_widths]
        else:
            font_size, widths = _squeezed_widths(columns, text_widths, room, base)
            widths = [w + padding for w in widths]
        leading = round(font_size * 1.2, 2)
        header = []
        header_lines = 1
        for col, width in zip(columns, widths):
            lines = _wrap_lines(col.label, FONT_BOLD, font_size, width - 2 * _CELL_PAD_H, MAX_HEADER_LINES)
            header_lines = max(header_lines, len(lines))
            header.append("\n".join(lines))
        self._layout = _Layout(
            widths=widths,
            font_size=font_size,
            leading=leading,
            header=header,
            header_height=header_lines * leading + 2 * _CELL_PAD_V,
            header_styles=[_cell_style("header", FONT_BOLD, font_size, leading, col) for col in columns],
            data_styles=[_cell_style("data", FONT, font_size, leading, col) for col in columns],
            total_styles=[_cell_style("total", FONT_BOLD, font_size, leading, col) for col in columns],
        )
        return self._layout

    def _render_rows(self, layout: _Layout) -> Iterator[tuple[str, list[str], float]]:
        """("data" | "subtotal" | "total", cell texts, row height) for the section's rows."""
        section, meta = self.section, self.meta
        columns = section.columns
        size, leading = layout.font_size, layout.leading
        pad = 2 * _CELL_PAD_V
        date_style = meta.date_style
        inner = [w - 2 * _CELL_PAD_H for w in layout.widths]
        # Below this many characters a line cannot be wider than the column (no glyph is wider
        # than 1.05 em), so most cells skip measuring.
        safe_chars = [int(w / (size * 1.05)) for w in inner]
        wrap_cols = [i for i, col in enumerate(columns) if not col.is_numeric]
        sum_idx = [i for i, col in enumerate(columns) if col.total is Total.SUM]
        group_idx = section.group_index
        label_idx = section.label_index
        grand: dict[int, Decimal] = {i: Decimal(0) for i in sum_idx}
        group: dict[int, Decimal] = dict(grand)
        group_value: Any = None
        count = 0
        control = _CONTROL_CHARS.search

        def total_row(kind: str, label: str, sums: dict[int, Decimal]) -> tuple[str, list[str], float]:
            cells = [""] * len(columns)
            lines = 1
            if label_idx is not None:
                wrapped = _wrap_lines(label, FONT_BOLD, size, inner[label_idx], MAX_CELL_LINES)
                lines = len(wrapped)
                cells[label_idx] = "\n".join(wrapped)
            for i in sum_idx:
                col = columns[i]
                cells[i] = str(sums[i]) if col.kind is ColumnKind.INT else format_amount(sums[i], col.decimal_places)
            return kind, cells, lines * leading + pad

        for values in section.iter_values():
            if group_idx is not None:
                key = values[group_idx]
                if count and key != group_value:
                    yield total_row("subtotal", self._group_label(group_value), group)
                    for i in sum_idx:
                        grand[i] += group[i]
                        group[i] = Decimal(0)
                group_value = key
            count += 1
            cells = [format_value(v, col, date_style) for v, col in zip(values, columns)]
            lines = 1
            for i in wrap_cols:
                text = cells[i]
                if control(text) is not None:
                    text = cells[i] = _CONTROL_CHARS.sub("", text)
                if len(text) > safe_chars[i] or "\n" in text:
                    if "\n" in text or pdfmetrics.stringWidth(text, FONT, size) > inner[i]:
                        wrapped = _wrap_lines(text, FONT, size, inner[i], MAX_CELL_LINES)
                        lines = max(lines, len(wrapped))
                        cells[i] = "\n".join(wrapped)
            for i in sum_idx:
                v = values[i]
                if isinstance(v, (Decimal, int)) and not isinstance(v, bool):
                    group[i] += v
            yield "data", cells, lines * leading + pad
        self.data_rows = count
        if not count:
            return
        if group_idx is not None:
            yield total_row("subtotal", self._group_label(group_value), group)
        for i in sum_idx:
            grand[i] += group[i]
        if sum_idx:
            yield total_row("total", meta.labels.total, grand)

    def _group_label(self, value: Any) -> str:
        subtotal = self.meta.labels.subtotal
        if value is None or value == "":
            return subtotal
        if hasattr(value, "isoformat") and not isinstance(value, str):
            value = format_date(value, self.meta.date_style)
        return f"{subtotal}: {value}"


def _cell_style(name: str, font: str, size: float, leading: float, column: ColumnSpec) -> CellStyle:
    style = CellStyle(f"{name}:{column.key}")
    style.fontname = font
    style.fontsize = size
    style.leading = leading
    style.alignment = "RIGHT" if column.is_numeric else "LEFT"
    style.valign = "TOP"
    style.leftPadding = style.rightPadding = _CELL_PAD_H
    style.topPadding = style.bottomPadding = _CELL_PAD_V
    return style


# --------------------------------------------------------------------------------------------
# Charts, images, signatures


def make_bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | int]]],
    *,
    width: float = 170 * mm,
    height: float = 80 * mm,
    title: str = "",
    places: int = 0,
) -> Drawing:
    """A grouped bar chart (e.g. received vs distributed by category, in UAH).

    ``series`` are (legend label, one value per category). Values become floats here only to
    place bars on the drawing; no figure printed anywhere is computed from them.
    """
    if not categories or not series:
        raise ValueError("a chart needs categories and series")
    for label, values in series:
        if len(values) != len(categories):
            raise ValueError(f"series {label!r} has {len(values)} values for {len(categories)} categories")
    register_fonts()
    drawing = Drawing(width, height, initialFontName=FONT)
    legend_height = 12 * len(series) if len(series) > 3 else 14
    title_height = 14 if title else 0
    many = len(categories) > 4
    bottom = 48 if many else 22
    chart = VerticalBarChart()
    chart.x = 52
    chart.y = bottom
    chart.width = width - chart.x - 10
    chart.height = height - bottom - legend_height - title_height - 8
    chart.data = [[float(v) for v in values] for _, values in series]
    low = min(0.0, *(v for row in chart.data for v in row))
    chart.valueAxis.valueMin = low
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: format_amount(Decimal(repr(v)), places)
    chart.categoryAxis.categoryNames = [_clip(c, FONT, 7, 90) for c in categories]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    if many:
        chart.categoryAxis.labels.angle = 30
        chart.categoryAxis.labels.boxAnchor = "ne"
        chart.categoryAxis.labels.dy = -2
    chart.barSpacing = 1
    chart.groupSpacing = 6
    for index in range(len(series)):
        chart.bars[index].fillColor = _CHART_COLORS[index % len(_CHART_COLORS)]
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.fontName = FONT
    legend.fontSize = 7
    legend.alignment = "right"
    legend.columnMaximum = 3
    legend.x = chart.x
    legend.y = height - title_height - 4
    legend.dx = legend.dy = 7
    legend.colorNamePairs = [(_CHART_COLORS[i % len(_CHART_COLORS)], _clip(label, FONT, 7, 200))
                             for i, (label, _) in enumerate(series)]
    drawing.add(legend)
    if title:
        drawing.add(String(width / 2, height - 10, _clip(title, FONT_BOLD, 9, width),
                           fontName=FONT_BOLD, fontSize=9, textAnchor="middle"))
    return drawing


#: Longest side, in pixels, of a photo as embedded (bigger ones are downscaled).
MAX_IMAGE_PIXELS = 1600


def make_image(data: bytes, max_width: float, max_height: float) -> Image:
    """A photo as a flowable, scaled to fit the box (never up beyond 150 dpi), re-encoded as JPEG.

    Raises :class:`InvalidImage` for bytes that are not an image Pillow can read, or that
    claim absurd dimensions (decompression bombs).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(BytesIO(data)) as source:
                source.load()
                picture = ImageOps.exif_transpose(source)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError,
            PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise InvalidImage("not a readable image") from exc
    if picture.mode in ("RGBA", "LA", "P", "PA"):
        picture = picture.convert("RGBA")
        background = PILImage.new("RGB", picture.size, "white")
        background.paste(picture, mask=picture.split()[-1])
        picture = background
    elif picture.mode != "RGB":
        picture = picture.convert("RGB")
    picture.thumbnail((MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS))
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    buffer.seek(0)
    px_w, px_h = picture.size
    natural_w, natural_h = px_w * 72 / 150, px_h * 72 / 150
    scale = min(1.0, max_width / natural_w, max_height / natural_h)
    return Image(buffer, width=natural_w * scale, height=natural_h * scale)


def _signature_table(signatories: Sequence[Signatory], meta: ReportMeta, width: float) -> Table:
    st = _styles()
    caption = ParagraphStyle("sigcap", parent=st["caption"], alignment=1)
    rows: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
    ]
    for person in signatories:
        role = Paragraph(_markup(person.role), st["value"])
        name = Paragraph(_markup(person.name), st["value"])
        index = len(rows)
        rows.append([role, "", name, ""])
        rows.append(["", Paragraph(_markup(f"({meta.labels.signature})"), caption), "",
                     Paragraph(_markup(f"({meta.labels.date})"), caption)])
        commands += [
            ("LINEBELOW", (1, index), (1, index), 0.5, colors.black),
            ("LINEBELOW", (3, index), (3, index), 0.5, colors.black),
            ("TOPPADDING", (0, index), (-1, index), 14),
            ("TOPPADDING", (0, index + 1), (-1, index + 1), 0),
        ]
    widths = [width * 0.34, width * 0.26, width * 0.26, width * 0.14]
    return Table(rows, colWidths=widths, style=TableStyle(commands), hAlign="LEFT")


# --------------------------------------------------------------------------------------------
# The document


class _NumberedCanvas(Canvas):
    """A canvas that draws "page x of y" through forms defined when the last page is done."""

    def __init__(self, *args: Any, page_label: str = "{page} / {pages}", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._page_label = page_label
        self._pages_numbered = 0

    def draw_page_number(self, x: float, y: float) -> None:
        """Reference this page's number form, right-aligned at (x, y)."""
        page = self.getPageNumber()
        self._pages_numbered = max(self._pages_numbered, page)
        self.saveState()
        self.translate(x, y)
        self.doForm(f"pageno{page}")
        self.restoreState()

    def save(self) -> None:
        if self._code:
            self.showPage()
        total = self._pages_numbered
        for page in range(1, total + 1):
            self.beginForm(f"pageno{page}", lowerx=-400, lowery=-4, upperx=2, uppery=12)
            self.setFont(FONT, 7)
            self.drawRightString(0, 0, self._page_label.format(page=page, pages=total))
            self.endForm()
        super().save()


class PdfReport:
    """A PDF document built block by block; :meth:`build` lays it out and returns bytes.

    Blocks keep their order. Tables stream their section's rows during :meth:`build`, so a
    section's iterator is consumed there, once.
    """

    def __init__(
        self,
        meta: ReportMeta,
        *,
        orientation: Orientation = "auto",
        title_block: bool = True,
        table_font_size: float = TABLE_FONT_SIZE,
    ) -> None:
        if orientation not in ("auto", "portrait", "landscape"):
            raise ValueError(f"unknown orientation {orientation!r}")
        register_fonts()
        self.meta = meta
        self.orientation = orientation
        self.table_font_size = table_font_size
        self._styles = _styles()
        self._blocks: list[Flowable] = []
        self._widest = 0.0
        self._has_content = False
        if title_block:
            self._title_block()

    # -- blocks ---------------------------------------------------------------------------

    def heading(self, text: str, level: int = 1) -> None:
        """A heading (level 1 or 2), kept off the bottom of a page."""
        style = self._styles["h1" if level <= 1 else "h2"]
        self._blocks.append(CondPageBreak(style.leading * 4))
        self._blocks.append(Paragraph(_markup(text), style))

    def paragraph(self, text: str, *, small: bool = False) -> None:
        """Plain user text (escaped, wrapped, line breaks kept); may span pages."""
        self._has_content = True
        self._blocks.append(Paragraph(_markup(text), self._styles["small" if small else "body"]))

    def key_values(self, pairs: Sequence[tuple[str, str]], *, label_share: float = 0.35) -> None:
        """A two-column list of labels and values (e.g. a cover page's particulars)."""
        if not pairs:
            return
        self._has_content = True
        self._blocks.append(_KeyValues(pairs, self._styles, label_share))

    def table(self, section: Section, *, heading: bool = True) -> None:
        """A table of the section's rows (streamed at build time), with totals and subtotals."""
        self._has_content = True
        if heading and section.title and section.title != self.meta.title:
            self.heading(section.title, level=2)
        self._widest = max(self._widest, natural_width(section.columns, self.table_font_size))
        self._blocks.append(_StreamedTable(section, self.meta, self.table_font_size))

    def bar_chart(
        self,
        categories: Sequence[str],
        series: Sequence[tuple[str, Sequence[Decimal | int]]],
        *,
        title: str = "",
        places: int = 0,
        height: float = 80 * mm,
    ) -> None:
        """A grouped bar chart across the frame width; empty data prints "nothing to report"."""
        if not categories:
            self.paragraph(self.meta.labels.nothing_to_report)
            return
        self._has_content = True
        self._blocks.append(_FrameWidthChart(categories, series, title, places, height))

    def image(self, data: bytes, *, caption: str = "", max_width: float = 120 * mm,
              max_height: float = 90 * mm) -> bool:
        """A photo scaled to the box; unreadable bytes print the "image unavailable" label.

        Returns whether the image could be used.
        """
        self._has_content = True
        try:
            flowable: Flowable = make_image(data, max_width, max_height)
            ok = True
        except InvalidImage:
            flowable = Paragraph(_markup(self.meta.labels.image_unavailable), self._styles["caption"])
            ok = False
        parts: list[Flowable] = [flowable]
        if caption:
            parts.append(Paragraph(_markup(caption), self._styles["caption"]))
        self._blocks.append(KeepTogether(parts))
        return ok

    def signatures(self, signatories: Sequence[Signatory], *, heading: str = "") -> None:
        """Signature lines: role, line for the signature, name, line for the date."""
        if not signatories:
            return
        parts: list[Flowable] = [Spacer(1, 6 * mm)]
        if heading:
            parts.append(Paragraph(_markup(heading), self._styles["h2"]))
        parts.append(_FrameWidthSignatures(signatories, self.meta))
        self._blocks.append(KeepTogether(parts))

    def spacer(self, height: float = 4 * mm) -> None:
        self._blocks.append(Spacer(1, height))

    def page_break(self) -> None:
        self._blocks.append(PageBreak())

    # -- output ---------------------------------------------------------------------------

    @property
    def landscape(self) -> bool:
        return self.pagesize[0] > self.pagesize[1]

    @property
    def pagesize(self) -> tuple[float, float]:
        """A4 portrait when the widest table fits it; A4 landscape when it fits there at the
        smallest table font; wider registers get A3 landscape (printable on A4 as "fit to
        page"), and inside it numbers keep their width while text wraps (never cut)."""
        if self.orientation == "portrait":
            return A4
        if self.orientation == "landscape":
            return landscape(A4)
        if self._widest <= A4[0] - 2 * MARGIN:
            return A4
        if self._widest * MIN_TABLE_FONT_SIZE / self.table_font_size <= A4[1] - 2 * MARGIN:
            return landscape(A4)
        return landscape(A3)

    def build(self, out: str | os.PathLike[str] | IO[bytes] | None = None) -> bytes | None:
        """Lay the document out; return the bytes, or write them to ``out`` and return None.

        A report without any table, text or picture says the label's "nothing to report".
        """
        meta = self.meta
        pagesize = self.pagesize
        target: Any = BytesIO() if out is None else (os.fspath(out) if isinstance(out, (str, os.PathLike)) else out)
        doc = BaseDocTemplate(
            target,
            pagesize=pagesize,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + HEADER_SPACE,
            bottomMargin=MARGIN + FOOTER_SPACE,
            title=meta.title,
            author=meta.organization_name,
            subject=meta.period_text,
            creator="Aid Tracker",
            initialFontName=FONT,
            initialFontSize=9,
            **({"lang": meta.language} if "lang" in BaseDocTemplate._initArgs else {}),
        )
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])
        story = list(self._blocks)
        if not self._has_content:
            story.append(Paragraph(_markup(meta.labels.nothing_to_report), self._styles["body"]))
        canvasmaker = _canvas_factory(meta.labels.page)
        doc.build(story, canvasmaker=canvasmaker)
        if out is None:
            return target.getvalue()
        return None

    # -- page furniture -------------------------------------------------------------------

    def _title_block(self) -> None:
        st = self._styles
        for role, text in self.meta.title_lines():
            style = {"org": st["org"], "title": st["title"], "subtitle": st["h1"]}.get(role, st["small"])
            self._blocks.append(Paragraph(_markup(text.strip()), style))
        self._blocks.append(Spacer(1, 3 * mm))

    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        meta = self.meta
        width, height = doc.pagesize
        left, right = doc.leftMargin, width - doc.rightMargin
        usable = right - left
        canvas.saveState()
        top = height - MARGIN
        canvas.setFont(FONT_BOLD, 7.5)
        canvas.drawString(left, top - 7, _clip(meta.organization_line, FONT_BOLD, 7.5, usable * 0.55))
        canvas.setFont(FONT, 7.5)
        canvas.drawRightString(right, top - 7, _clip(meta.title, FONT, 7.5, usable * 0.43))
        if meta.period_line:
            canvas.drawRightString(right, top - 16, _clip(meta.period_line, FONT, 7.5, usable * 0.43))
        canvas.setStrokeColor(_GRID)
        canvas.setLineWidth(0.5)
        canvas.line(left, top - HEADER_SPACE + 4, right, top - HEADER_SPACE + 4)
        bottom = MARGIN
        canvas.line(left, bottom + FOOTER_SPACE - 3, right, bottom + FOOTER_SPACE - 3)
        canvas.setFont(FONT, 7)
        canvas.drawString(left, bottom + 2, _clip(meta.exported_line, FONT, 7, usable * 0.7))
        if isinstance(canvas, _NumberedCanvas):
            canvas.draw_page_number(right, bottom + 2)
        canvas.restoreState()


def _canvas_factory(page_label: str) -> Any:
    def make(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        return _NumberedCanvas(*args, page_label=page_label, **kwargs)
    return make


class _KeyValues(Flowable):
    """Label/value pairs as a table as wide as the frame it lands in."""

    def __init__(self, pairs: Sequence[tuple[str, str]], styles: dict[str, ParagraphStyle], share: float) -> None:
        super().__init__()
        self.pairs = list(pairs)
        self.styles = styles
        self.share = share
        self._table: Table | None = None

    def _make(self, width: float) -> Table:
        rows = [[Paragraph(_markup(k), self.styles["label"]), Paragraph(_markup(v), self.styles["value"])]
                for k, v in self.pairs]
        return Table(rows, colWidths=[width * self.share, width * (1 - self.share)], hAlign="LEFT",
                     style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                       ("FONTNAME", (0, 0), (-1, -1), FONT),
                                       ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                       ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._table = self._make(availWidth)
        return self._table.wrap(availWidth, availHeight)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return self._make(availWidth).split(availWidth, availHeight)

    def draw(self) -> None:
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)


class _FrameWidthChart(Flowable):
    """A bar chart drawn as wide as the frame."""

    def __init__(self, categories: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal | int]]],
                 title: str, places: int, height: float) -> None:
        super().__init__()
        self.args = (list(categories), [(label, list(values)) for label, values in series])
        self.title = title
        self.places = places
        self.height = height
        self._drawing: Drawing | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        categories, series = self.args
        self._drawing = make_bar_chart(categories, series, width=availWidth, height=self.height,
                                       title=self.title, places=self.places)
        return availWidth, self.height

    def draw(self) -> None:
        assert self._drawing is not None
        self._drawing.drawOn(self.canv, 0, 0)


class _FrameWidthSignatures(Flowable):
    def __init__(self, signatories: Sequence[Signatory], meta: ReportMeta) -> None:
        super().__init__()
        self.signatories = list(signatories)
        self.meta = meta
        self._table: Table | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._table = _signature_table(self.signatories, self.meta, availWidth)
        return self._table.wrap(availWidth, availHeight)

    def draw(self) -> None:
        assert self._table is not None
        self._table.drawOn(self.canv, 0, 0)


def build_pdf(
    meta: ReportMeta,
    sections: Section | Iterable[Section],
    *,
    signatories: Sequence[Signatory] = (),
    orientation: Orientation = "auto",
    out: str | os.PathLike[str] | IO[bytes] | None = None,
) -> bytes | None:
    """A register-like report: title block, one table per section, optional signatures.

    Returns the bytes, or None when written to ``out``. With no rows at all the document is a
    valid PDF saying "nothing to report" under each section.
    """
    if isinstance(sections, Section):
        sections = [sections]
    report = PdfReport(meta, orientation=orientation)
    for section in sections:
        report.table(section)
    report.signatures(signatories)
    return report.build(out)
