"""The donor summary PDF: the one seam between donor delivery and the donor report.

Delivery calls exactly one function here::

    render_donor_report(organization_id: int, partner_id: int, period_start: date,
                        period_end: date, language: str) -> bytes

It returns a complete PDF (``%PDF-…``) in ``language`` (uk, en or de) that names the organization
reporting, the partner it reports to and the period, and says "Nothing to report for this period"
when there is nothing to show; it raises ``NotFound`` for a partner outside the organization and
``ValidationFailed`` for an unknown language or a period that ends before it starts. It reads the
database and writes nothing. Each call makes a new file (the PDF carries its creation time), so
delivery stores the bytes it sent under their SHA-256 and retries send exactly those bytes.

Today the body is a minimal, honest summary built only from what the foundation stores: the
organization, the partner and the partner's agreements in force during the period. The full
donor report of issue 6 (financial statement, consignments, distribution aggregates, photos)
replaces the body of ``render_donor_report`` later; its signature stays as above, so delivery,
its tests and the log do not change.

Layout: the house PDF builder ``tracker.reports.pdf.PdfReport`` — DejaVu Sans embedded (Cyrillic
and German glyphs, no unembedded Helvetica), organization, report and period in the header of
every page, "Page x of y" in the footer, tables with explicit widths whose cells wrap.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from babel import Locale
from babel.dates import format_date
from flask_babel import force_locale
from flask_babel import gettext as _

from tracker.delivery.periods import Period, format_period
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.models import Agreement, Organization, Partner
from tracker.models.delivery import DONOR_LANGUAGES
from tracker.money import format_money
from tracker.reports.pdf import PdfReport
from tracker.reports.rows import ColumnSpec, ReportLabels, ReportMeta, Section
from tracker.scoping import get_scoped
from tracker.validators import Errors

#: Report name in the delivery log and file names (DESIGN.md §5).
REPORT_NAME = "donor"


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
    """The donor summary PDF for one partner and period in ``language``: the full donor report
    of issue 6 (``tracker.reports.donor``), the same document the donor-report page produces."""
    from tracker.reports import donor

    check_report_request(language, period_start, period_end)
    return donor.render_donor_report(organization_id, partner_id, period_start, period_end, language)


# --------------------------------------------------------------------------- builder


def _date(value: date | None, language: str) -> str:
    return format_date(value, "medium", locale=language) if value else ""


def build_donor_summary_pdf(summary: DonorSummary, language: str) -> bytes:
    """Rows in, bytes out: the summary typeset in ``language`` with the house PDF layout
    (``tracker.reports.pdf.PdfReport``: embedded DejaVu Sans, header and "page x of y" on every
    page); no database, no request."""
    from tracker.web.labels import label

    with force_locale(language):
        period_text = format_period(summary.period, language)
        organization = summary.organization_name(language)
        labels = ReportLabels(
            organization=_("Organization"), edrpou=_("EDRPOU"), period=_("Period"),
            page=_("Page %(n)d of %(m)d").replace("%(n)d", "{page}").replace("%(m)d", "{pages}"),
            nothing_to_report=_("Nothing to report for this period."),
        )
        meta = ReportMeta(organization_name=organization, organization_edrpou=summary.edrpou,
                          title=_("Aid summary"), period_from=summary.period.start, period_to=summary.period.end,
                          language=language, labels=labels)
        country = Locale(language).territories.get(summary.partner_country, summary.partner_country)
        pdf = PdfReport(meta, orientation="portrait")
        pdf.paragraph(_("%(organization)s reports to %(partner)s for the period %(period)s",
                        organization=organization, partner=summary.partner_name, period=period_text))
        pdf.heading(_("Recipient of the aid"), level=2)
        pdf.key_values([(k, v) for k, v in (
            (_("Name"), organization), (_("EDRPOU"), summary.edrpou), (_("Address"), summary.address),
            (_("HA recipient register entry"), summary.ha_register_entry)) if v])
        pdf.heading(_("Partner"), level=2)
        pdf.key_values([(k, v) for k, v in (
            (_("Name"), summary.partner_name), (_("Kind"), label(summary.partner_kind)), (_("Country"), country),
            (_("City"), summary.partner_city)) if v])
        if summary.has_data:
            columns = (
                ColumnSpec("number", _("Number"), width=14),
                ColumnSpec("kind", _("Kind"), width=16),
                ColumnSpec("title", _("Title"), width=30),
                ColumnSpec("signed_on", _("Signed on"), width=13),
                ColumnSpec("valid", _("Valid"), width=22),
                ColumnSpec("budget", _("Budget"), width=16),
            )
            rows = [(a.number, label(a.kind), a.title, _date(a.signed_on, language),
                     " – ".join(filter(None, (_date(a.valid_from, language), _date(a.valid_to, language)))),
                     format_money(a.budget_amount, a.budget_currency) if a.budget_amount is not None else "")
                    for a in summary.agreements]
            pdf.table(Section(_("Agreements in force during the period"), columns, rows))
        else:
            pdf.spacer()
            pdf.paragraph(labels.nothing_to_report)
        content = pdf.build()
    assert content is not None
    return content
