"""The donor summary PDF: the one seam between donor delivery and the donor report.

Delivery calls exactly one function here::

    render_donor_report(organization_id: int, partner_id: int, period_start: date,
                        period_end: date, language: str) -> bytes

It returns a complete PDF (``%PDF-…``) in ``language`` (uk, en or de) that names the organization
reporting, the partner it reports to and the period, and says "Nothing to report for this period"
when there is nothing to show; it raises ``NotFound`` for a partner outside the organization and
``ValidationFailed`` for an unknown language or a period that ends before it starts. It flushes
nothing and commits nothing; the same data gives the same bytes (reportlab's invariant mode), so
the SHA-256 in the delivery log identifies the content.

Today the body is a minimal, honest summary built only from what the foundation stores: the
organization, the partner and the partner's agreements in force during the period. The full
donor report of issue 6 (financial statement, consignments, distribution aggregates, photos)
replaces the body of ``render_donor_report`` later; its signature stays as above, so delivery,
its tests and the log do not change.

Layout: DejaVu Sans (shipped in ``tracker/fonts`` with its licence, embedded as a subset, with
Cyrillic and German glyphs; it is the document's initial font, so no unembedded Helvetica is
listed), a header with organization, report and period on every page, "Page x of y" in the
footer, and tables with explicit column widths whose cells wrap long text.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import sqlalchemy as sa
from babel import Locale
from babel.dates import format_date
from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tracker.delivery.periods import Period, format_period
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.models import Agreement, Organization, Partner
from tracker.models.delivery import DONOR_LANGUAGES
from tracker.money import format_money
from tracker.scoping import get_scoped
from tracker.validators import Errors

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

#: Report name in the delivery log and file names (DESIGN.md §5).
REPORT_NAME = "donor"


def register_fonts() -> None:
    """Register the shipped TTFs with reportlab once per process (same names as the PDF reports)."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file_name in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf")):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file_name)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class AgreementRow:
    number: str
    kind: str
    title: str
    signed_on: date | None
    valid_from: date | None
    valid_to: date | None
    #: In ``budget_currency``, 2 dp (0 for currencies without minor units); None if open.
    budget_amount: Decimal | None
    budget_currency: str | None


@dataclass(frozen=True)
class DonorSummary:
    """Everything the summary shows, read once from the database (the builder reads nothing)."""

    organization_name_uk: str
    organization_name_en: str
    edrpou: str
    address: str
    ha_register_entry: str
    partner_name: str
    partner_kind: str
    partner_country: str
    partner_city: str
    period: Period
    agreements: tuple[AgreementRow, ...]

    @property
    def has_data(self) -> bool:
        return bool(self.agreements)

    def organization_name(self, language: str) -> str:
        return self.organization_name_en if language != "uk" and self.organization_name_en \
            else self.organization_name_uk


def collect_donor_summary(organization_id: int, partner_id: int, period: Period) -> DonorSummary:
    """The organization, the partner (NotFound outside the organization) and its agreements in
    force during the period: started (valid from, else signed) by its end and not ended before
    its start; an agreement without dates counts as in force."""
    partner = get_scoped(Partner, partner_id, organization_id)
    org = db.session.get(Organization, organization_id)
    assert org is not None  # the partner belongs to it
    begins = sa.func.coalesce(Agreement.valid_from, Agreement.signed_on)
    agreements = db.session.scalars(
        sa.select(Agreement).where(
            Agreement.organization_id == organization_id,
            Agreement.partner_id == partner.id,
            sa.or_(begins.is_(None), begins <= period.end),
            sa.or_(Agreement.valid_to.is_(None), Agreement.valid_to >= period.start),
        ).order_by(Agreement.signed_on, Agreement.number, Agreement.id)
    ).all()
    return DonorSummary(
        organization_name_uk=org.name_uk, organization_name_en=org.name_en, edrpou=org.edrpou,
        address=org.address, ha_register_entry=org.ha_register_entry,
        partner_name=partner.name, partner_kind=partner.kind.value, partner_country=partner.country,
        partner_city=partner.city, period=period,
        agreements=tuple(AgreementRow(
            number=a.number, kind=a.kind.value, title=a.title, signed_on=a.signed_on, valid_from=a.valid_from,
            valid_to=a.valid_to, budget_amount=a.budget_amount, budget_currency=a.budget_currency,
        ) for a in agreements),
    )


def check_report_request(language: str, period_start: date, period_end: date) -> None:
    """ValidationFailed for a language other than uk/en/de or a period ending before it starts."""
    errors = Errors()
    if language not in DONOR_LANGUAGES:
        errors.add("language", _("Language must be one of uk, en, de."))
    if period_end < period_start:
        errors.add("period_end", _("The end of the period is before its start."))
    errors.raise_if_any()


def render_donor_report(organization_id: int, partner_id: int, period_start: date, period_end: date,
                        language: str) -> bytes:
    """The donor summary PDF for one partner and period in ``language`` (see the module doc)."""
    check_report_request(language, period_start, period_end)
    summary = collect_donor_summary(organization_id, partner_id, Period(period_start, period_end))
    return build_donor_summary_pdf(summary, language)


# --------------------------------------------------------------------------- builder


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5)
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=17, leading=21, spaceAfter=4 * mm),
        "lead": ParagraphStyle("lead", parent=base, fontSize=11.5, leading=15, spaceAfter=4 * mm),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=12, leading=15, spaceBefore=5 * mm,
                             spaceAfter=2 * mm),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=10.5),
        "num": ParagraphStyle("num", parent=base, fontSize=8.5, leading=10.5, alignment=2),
        "empty": ParagraphStyle("empty", parent=base, fontName=FONT_BOLD, fontSize=11, leading=15,
                                spaceBefore=4 * mm),
    }


def _text(value: Any) -> str:
    return escape("" if value is None else str(value))


def _date(value: date | None, language: str) -> str:
    return format_date(value, "medium", locale=language) if value else ""


def _facts(rows: list[tuple[str, str]], styles: dict[str, ParagraphStyle], width: float) -> Table:
    data = [[Paragraph(_text(label), styles["head"]), Paragraph(_text(value), styles["cell"])]
            for label, value in rows if value]
    table = Table(data, colWidths=[0.3 * width, 0.7 * width])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return table


def build_donor_summary_pdf(summary: DonorSummary, language: str) -> bytes:
    """Rows in, bytes out: the summary typeset in ``language`` (no database, no request)."""
    from tracker.web.labels import label

    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    with force_locale(language):
        period_text = format_period(summary.period, language)
        organization = summary.organization_name(language)
        title = _("Aid summary")
        header = f"{organization} · {title} · {period_text}"
        page_text = _("Page %(n)d of %(m)d")  # filled in per page by the canvas
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm, bottomMargin=18 * mm,
            title=f"{title}: {organization} → {summary.partner_name}, {period_text}", author=organization,
            subject=title, creator="Aid Tracker", lang=language, invariant=True, initialFontName=FONT,
        )
        width = doc.width
        country = Locale(language).territories.get(summary.partner_country, summary.partner_country)
        story: list[Any] = [
            Paragraph(_text(title), styles["title"]),
            Paragraph(_text(_("%(organization)s reports to %(partner)s for the period %(period)s",
                              organization=organization, partner=summary.partner_name, period=period_text)),
                      styles["lead"]),
            Paragraph(_text(_("Recipient of the aid")), styles["h2"]),
            _facts([(_("Name"), organization), (_("EDRPOU"), summary.edrpou), (_("Address"), summary.address),
                    (_("HA recipient register entry"), summary.ha_register_entry)], styles, width),
            Paragraph(_text(_("Partner")), styles["h2"]),
            _facts([(_("Name"), summary.partner_name), (_("Kind"), label(summary.partner_kind)),
                    (_("Country"), country), (_("City"), summary.partner_city)], styles, width),
        ]
        if summary.has_data:
            story.append(Paragraph(_text(_("Agreements in force during the period")), styles["h2"]))
            head = [_("Number"), _("Kind"), _("Title"), _("Signed on"), _("Valid"), _("Budget")]
            rows: list[list[Any]] = [[Paragraph(_text(h), styles["head"]) for h in head]]
            for a in summary.agreements:
                valid = " – ".join(filter(None, (_date(a.valid_from, language), _date(a.valid_to, language))))
                budget = format_money(a.budget_amount, a.budget_currency) if a.budget_amount is not None else ""
                rows.append([Paragraph(_text(a.number), styles["cell"]), Paragraph(_text(label(a.kind)), styles["cell"]),
                             Paragraph(_text(a.title), styles["cell"]),
                             Paragraph(_text(_date(a.signed_on, language)), styles["cell"]),
                             Paragraph(_text(valid), styles["cell"]), Paragraph(_text(budget), styles["num"])])
            fractions = (0.13, 0.15, 0.26, 0.13, 0.19, 0.14)
            table = Table(rows, colWidths=[f * width for f in fractions], repeatRows=1)
            table.setStyle(TableStyle([
                ("FONTNAME", (0, 0), (-1, -1), FONT),  # else Table lists an unused Helvetica
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f6")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#d9dee7")),
            ]))
            story.append(table)
        else:
            story.append(Paragraph(_text(_("Nothing to report for this period.")), styles["empty"]))
        story.append(Spacer(1, 6 * mm))

        def canvas_maker(*args: Any, **kwargs: Any) -> Canvas:
            return _NumberedCanvas(*args, header=header, page_text=page_text, **kwargs)

        doc.build(story, canvasmaker=canvas_maker)
    return buffer.getvalue()


class _NumberedCanvas(Canvas):
    """Draws the header and "Page x of y" once the page count is known (two-pass canvas)."""

    def __init__(self, *args: Any, header: str, page_text: str, **kwargs: Any) -> None:
        kwargs.setdefault("initialFontName", FONT)
        super().__init__(*args, **kwargs)
        self._header = header
        self._page_text = page_text
        self._saved: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        page_width, page_height = self._pagesize
        self.saveState()
        self.setFont(FONT, 8)
        self.setFillColor(colors.HexColor("#5b6475"))
        self.drawString(18 * mm, page_height - 12 * mm, self._header[:140])
        self.drawRightString(page_width - 18 * mm, 10 * mm,
                             self._page_text % {"n": self._pageNumber, "m": total})
        self.restoreState()
