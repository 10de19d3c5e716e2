"""Renderer benches: our xlsx and PDF builders against bare openpyxl / reportlab, same rows.

``xlsx-receipts``: a receipts register (15 columns: dates, text, money, quantities, rates)
written by :func:`tracker.reports.xlsx.write_xlsx` (title block, styles, formulas with cached
totals) against a bare openpyxl write-only ``ws.append`` of the same values.

``pdf-auditor``: the same register as the auditor's report prints it, built by
:func:`tracker.reports.pdf.build_pdf` (page header/footer, page x of y, formatted and
right-aligned amounts, totals) against a bare reportlab document of ``Table`` chunks of 500
rows with explicit column widths and a repeated header, cells as ``str(value)``.

Rows come from :func:`synthetic_receipts`, generated lazily while the variant renders (so the
generation cost is in both timings alike). A dataset-driven source reading from the database
only has to have the same signature: ``source(rows) -> (ReportMeta, Section)``.
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from bench import Bench
from tracker.money import convert, line_value, quantize_qty
from tracker.reports.rows import ColumnKind, ColumnSpec, ReportLabels, ReportMeta, Section, Total

#: Distinct value combinations cycled through by the synthetic rows.
POOL_SIZE = 4096
PDF_CHUNK_ROWS = 500

RECEIPT_COLUMNS = (
    ColumnSpec("line", "№", ColumnKind.INT, width=7),
    ColumnSpec("consignment", "Партія", width=10),
    ColumnSpec("received_on", "Дата надходження", ColumnKind.DATE),
    ColumnSpec("partner", "Партнер", width=22),
    ColumnSpec("category", "Категорія", width=16),
    ColumnSpec("item", "Найменування", width=28),
    ColumnSpec("unit", "Од.", width=6),
    ColumnSpec("qty", "Кількість", ColumnKind.QTY, total=Total.SUM),
    ColumnSpec("unit_value", "Ціна за од.", ColumnKind.MONEY, places=4),
    ColumnSpec("currency", "Валюта", width=7),
    ColumnSpec("value", "Вартість у валюті", ColumnKind.MONEY),
    ColumnSpec("rate", "Курс НБУ", ColumnKind.RATE),
    ColumnSpec("value_uah", "Вартість, грн", ColumnKind.MONEY, width=15, total=Total.SUM),
    ColumnSpec("expires_on", "Придатний до", ColumnKind.DATE),
    ColumnSpec("warehouse", "Склад", width=16),
)

_PARTNERS = [f"{city} {kind}" for city in ("Stadt Dortmund", "Miasto Lublin", "Gemeente Utrecht",
                                            "Ville de Lyon", "Kaunas City", "Fundacja Pomoc")
             for kind in ("Stadtverwaltung", "Feuerwehr", "Klinikum", "e.V.", "Stiftung")]
_CATEGORIES = ["Медичне обладнання", "Генератори", "Продукти харчування", "Ліки", "Одяг",
               "Ліжка та матраци", "Транспорт", "Будівельні матеріали"]
_ITEMS = ["Генератор дизельний 30 кВт", "Ліжко медичне функціональне", "Krankenbett gebraucht",
          "Матрац протипролежневий", "Консерви м'ясні", "Insulin Glargin 100 IE/ml",
          "Куртка зимова", "Feuerwehrfahrzeug MAN TGM", "Плита OSB 12 мм", "Pflaster & Verbände"]
_UNITS = ["шт", "кг", "уп", "л", "компл"]
_WAREHOUSES = [f"Склад №{n} ({street})" for n, street in enumerate(("вул. Шевченка 1", "вул. Соборна 12",
                                                                      "пр. Миру 7", "вул. Лісова 3"), 1)]
_CURRENCIES = [("EUR", "43.950000"), ("USD", "41.120000"), ("PLN", "10.250000"), ("GBP", "51.700000"),
               ("UAH", "1.000000")]


def bench_meta(title: str = "Реєстр надходжень") -> ReportMeta:
    return ReportMeta(
        organization_name="Хмільницька міська рада",
        organization_edrpou="04051264",
        title=title,
        period_from=date(2021, 1, 1),
        period_to=date(2025, 12, 31),
        filters=[("Вид допомоги", "гуманітарна")],
        exported_at=datetime(2026, 1, 15, 9, 0, tzinfo=timezone.utc),
        exported_by="bench",
        labels=ReportLabels(organization="Організація", edrpou="ЄДРПОУ", period="Період",
                            total="Разом", subtotal="Підсумок", page="Сторінка {page} з {pages}"),
    )


def _pool(seed: int) -> list[tuple[Any, ...]]:
    """Value combinations computed with the real rounding rules (money.py)."""
    rnd = random.Random(seed)
    pool = []
    for _ in range(POOL_SIZE):
        currency, rate_text = rnd.choice(_CURRENCIES)
        rate = Decimal(rate_text)
        qty = quantize_qty(Decimal(rnd.randint(1, 2_000_000)).scaleb(-3))
        unit_value = Decimal(rnd.randint(1, 5_000_000)).scaleb(-4)
        value = line_value(qty, unit_value, currency)
        pool.append((
            rnd.choice(_PARTNERS), rnd.choice(_CATEGORIES), rnd.choice(_ITEMS), rnd.choice(_UNITS),
            qty, unit_value, currency, value, rate, convert(value, rate),
            rnd.choice([None, date(2027, 1, 31), date(2026, 6, 30), date(2028, 12, 1)]),
            rnd.choice(_WAREHOUSES),
        ))
    return pool


def _receipt_rows(count: int, seed: int) -> Iterator[tuple[Any, ...]]:
    pool = _pool(seed)
    first_day = date(2021, 1, 1)
    days = (date(2025, 12, 31) - first_day).days + 1
    day_list = [first_day + timedelta(days=d) for d in range(days)]
    step = 7919  # a prime: walks the pool in an order unrelated to the row number
    for i in range(count):
        day = day_list[i * days // count] if count else first_day
        partner, category, item, unit, qty, unit_value, currency, value, rate, uah, expires, warehouse = \
            pool[(i * step) % POOL_SIZE]
        yield (i + 1, f"{day.year}-{(i >> 3) % 10000:04d}", day, partner, category, item, unit, qty,
               unit_value, currency, value, rate, uah, expires, warehouse)


def synthetic_receipts(rows: int, seed: int = 2026) -> tuple[ReportMeta, Section]:
    """A receipts register of ``rows`` lines over five years, produced lazily."""
    return bench_meta(), Section("Реєстр надходжень", RECEIPT_COLUMNS, _receipt_rows(rows, seed))


# -- variants -----------------------------------------------------------------------------


def xlsx_ours(meta: ReportMeta, section: Section, out: str) -> None:
    from tracker.reports.xlsx import write_xlsx

    write_xlsx(meta, section, out)


def xlsx_bare(meta: ReportMeta, section: Section, out: str) -> None:
    """The library's limit: openpyxl write-only, lxml, one ``append`` per row, no styling."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(section.title[:31])
    ws.append([col.label for col in section.columns])
    append = ws.append
    for values in section.iter_values():
        append(values)
    wb.save(out)


def pdf_ours(meta: ReportMeta, section: Section, out: str) -> None:
    from tracker.reports.pdf import build_pdf

    build_pdf(meta, section, out=out)


def pdf_bare(meta: ReportMeta, section: Section, out: str) -> None:
    """reportlab's limit: Table chunks of 500 rows with explicit widths, repeated header."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    from tracker.reports.pdf import FONT, TABLE_FONT_SIZE, natural_width, register_fonts

    register_fonts()  # the rows are Cyrillic: the bare table needs the same TTF
    pagesize = landscape(A4)
    doc = SimpleDocTemplate(out, pagesize=pagesize, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, initialFontName=FONT)
    columns = section.columns
    frame = pagesize[0] - 30 * mm
    hints = [col.char_width for col in columns]
    widths = [frame * h / sum(hints) for h in hints]
    size = TABLE_FONT_SIZE * min(1.0, frame / natural_width(columns))
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), size),
                        ("LEADING", (0, 0), (-1, -1), size * 1.2),
                        ("GRID", (0, 0), (-1, -1), 0.25, (0.65, 0.65, 0.65))])
    header = [col.label for col in columns]
    story = []
    chunk: list[list[str]] = []
    for values in section.iter_values():
        chunk.append(["" if v is None else str(v) for v in values])
        if len(chunk) == PDF_CHUNK_ROWS:
            story.append(Table([header, *chunk], colWidths=widths, repeatRows=1, style=style))
            chunk = []
    if chunk or not story:
        story.append(Table([header, *chunk], colWidths=widths, repeatRows=1, style=style))
    doc.build(story)


BENCHES = {
    "xlsx-receipts": Bench(
        name="xlsx-receipts",
        source="bench.renderers:synthetic_receipts",
        ours="bench.renderers:xlsx_ours",
        bare="bench.renderers:xlsx_bare",
        default_rows=1_000_000,
        rows_env="BENCH_XLSX_ROWS",
        suffix=".xlsx",
    ),
    "pdf-auditor": Bench(
        name="pdf-auditor",
        source="bench.renderers:synthetic_receipts",
        ours="bench.renderers:pdf_ours",
        bare="bench.renderers:pdf_bare",
        default_rows=10_000,
        rows_env="BENCH_PDF_ROWS",
        suffix=".pdf",
    ),
}
