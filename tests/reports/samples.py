"""Sample report descriptions for the renderer tests (Ukrainian labels, a small register)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from tracker.reports.rows import ColumnKind, ColumnSpec, ReportLabels, Total

UK_LABELS = ReportLabels(
    organization="Організація",
    edrpou="ЄДРПОУ",
    period="Період",
    filters="Фільтри",
    exported_at="Експортовано",
    exported_by="Експортував",
    total="Разом",
    subtotal="Підсумок",
    page="Сторінка {page} з {pages}",
    nothing_to_report="Немає даних за цей період.",
    signature="підпис",
    date="дата",
    image_unavailable="Зображення неможливо прочитати.",
)

DE_LABELS = ReportLabels(
    organization="Organisation",
    total="Summe",
    subtotal="Zwischensumme",
    page="Seite {page} von {pages}",
    nothing_to_report="Für diesen Zeitraum liegen keine Daten vor.",
    signature="Unterschrift",
    date="Datum",
)

RECEIPT_COLUMNS = (
    ColumnSpec("category", "Категорія"),
    ColumnSpec("name", "Найменування", width=28),
    ColumnSpec("received_on", "Дата надходження", ColumnKind.DATE),
    ColumnSpec("qty", "Кількість", ColumnKind.QTY, total=Total.SUM),
    ColumnSpec("value_uah", "Вартість, грн", ColumnKind.MONEY, total=Total.SUM),
    ColumnSpec("rate", "Курс НБУ", ColumnKind.RATE),
)

# Sorted by category (the group key), as a dataset delivers them.
RECEIPT_ROWS = (
    ("Ліжка", "Ліжко медичне", date(2026, 1, 5), Decimal("2.000"), Decimal("1234567.89"), Decimal("43.123456")),
    ("Ліжка", "=HYPERLINK(\"http://evil\")", date(2026, 1, 6), Decimal("1.500"), Decimal("0.11"), Decimal("1.000000")),
    ("Генератори", "Stromerzeuger Größe 5 kW", date(2026, 2, 1), Decimal("3.250"), Decimal("100.05"), None),
)
