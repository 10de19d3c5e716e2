"""One dataset function per report: the figures both renderers print (DESIGN.md §5).

Each function takes the organization, the period and the filters as explicit arguments and
returns a :class:`Dataset`: the :class:`~tracker.reports.rows.ReportMeta` of the title block
(organization with EDRPOU, report name, period, filters, export time and person, translated
labels) and its :class:`~tracker.reports.rows.Section` objects, whose rows stream from the
database (``tracker.reports.queries``) when a renderer consumes them — once, in order. Build a
dataset per rendering; do not render one dataset twice.

Usage (the Excel and PDF exports, the API and the CLI all go through here)::

    data = datasets.receipts(org.id, date(2026, 1, 1), date(2026, 3, 31), partner_id=5,
                             language="uk", exported_by="Olena")
    write_xlsx(data.meta, data.sections, out)         # or the PDF builder
    data = datasets.build("stock-turnover", org.id, date_from, date_to, warehouse_id=2)

Arguments are checked here, so every entry point refuses bad input the same way: a period that
ends before it starts, an unknown aid type or language (``ValidationFailed``, 422), and a partner,
agreement or warehouse of another organization (``NotFound``, 404). An empty period is not an
error: the sections have no rows and the renderers print headers and zero totals.

Labels are translated when the dataset is built (``force_locale``), because the rows are produced
later, outside the caller's locale block.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from tracker.errors import NotFound, ValidationFailed
from tracker.extensions import db
from tracker.models import (
    AccountKind,
    Agreement,
    AidType,
    BeneficiaryCategory,
    Condition,
    ConsignmentStatus,
    DocumentStatus,
    IntendedUse,
    MovementKind,
    Organization,
    Partner,
    PostingEvent,
    RecipientKind,
    StockDocumentStatus,
    Warehouse,
)
from tracker.models.customs import DeclarationKind, DeclarationStatus
from tracker.reports import queries
from tracker.reports.queries import ReportFilter, Words
from tracker.reports.rows import ColumnKind, ColumnSpec, DateStyle, ReportLabels, ReportMeta, Section, Total
from tracker.scoping import get_scoped
from tracker.validators import check_date

__all__ = [
    "LANGUAGES",
    "REPORTS",
    "Dataset",
    "ReportInfo",
    "auditor",
    "build",
    "customs",
    "distributions",
    "donor",
    "ha_report",
    "journal",
    "ledger",
    "prepare",
    "receipts",
    "report_names",
    "stock_turnover",
    "trial_balance",
]

#: Languages a report can be produced in (Excel headers: uk, en; PDF donor reports also de).
LANGUAGES = ("uk", "en", "de")

T = ColumnKind.TEXT
M = ColumnKind.MONEY
Q = ColumnKind.QTY
R = ColumnKind.RATE
DT = ColumnKind.DATE
I = ColumnKind.INT  # noqa: E741
S = Total.SUM


@dataclass
class Dataset:
    """A report ready to render: its name, title block and sections (rows not yet read)."""

    name: str
    meta: ReportMeta
    sections: list[Section]
    #: The checked arguments the rows are read with.
    filter: ReportFilter
    #: The words the rows were translated with.
    words: Words = field(default_factory=Words)

    @property
    def section(self) -> Section:
        """The first (for most reports the only) section."""
        return self.sections[0]


# --------------------------------------------------------------------------- arguments

def _parse_aid_type(value: AidType | str | None) -> AidType | None:
    if value is None or value == "":
        return None
    try:
        return AidType(value)
    except ValueError:
        raise ValidationFailed("aid_type", _("Unknown aid type: %(value)s.", value=value)) from None


def prepare(organization_id: int, date_from: date | None = None, date_to: date | None = None, *,
            partner_id: int | None = None, agreement_id: int | None = None, aid_type: AidType | str | None = None,
            warehouse_id: int | None = None, language: str = "uk", today: date | None = None) -> ReportFilter:
    """The checked report arguments. Errors: ``ValidationFailed`` for a bad or reversed period,
    an unknown aid type or language; ``NotFound`` for a partner, agreement or warehouse that is
    not the organization's."""
    errors: dict[str, list[str]] = {}
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        problem = check_date(value) if value is not None else None
        if problem:
            errors[name] = [problem]
    if date_from is not None and date_to is not None and not errors and date_to < date_from:
        errors["date_to"] = [_("The period ends (%(to)s) before it starts (%(from)s).",
                               to=date_to.isoformat(), **{"from": date_from.isoformat()})]
    if language not in LANGUAGES:
        errors["language"] = [_("Unknown language: %(value)s. Choose one of %(choices)s.",
                                value=language, choices=", ".join(LANGUAGES))]
    try:
        kind = _parse_aid_type(aid_type)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        kind = None
    if errors:
        raise ValidationFailed(errors)
    if db.session.get(Organization, organization_id) is None:
        raise NotFound(_("No such organization."))
    if partner_id is not None:
        get_scoped(Partner, partner_id, organization_id)
    if agreement_id is not None:
        get_scoped(Agreement, agreement_id, organization_id)
    if warehouse_id is not None:
        get_scoped(Warehouse, warehouse_id, organization_id)
    return ReportFilter(organization_id=organization_id, date_from=date_from, date_to=date_to,
                        partner_id=int(partner_id) if partner_id is not None else None,
                        agreement_id=int(agreement_id) if agreement_id is not None else None,
                        aid_type=kind, warehouse_id=int(warehouse_id) if warehouse_id is not None else None,
                        language=language, today=today)


# --------------------------------------------------------------------------- words and title block

#: Labels of enum values that ``tracker.web.labels`` does not have, or has for another enum
#: with the same value (``distribution`` there is the intended use).
_OWN_LABELS: dict[type, dict[str, Any]] = {
    PostingEvent: {
        "acceptance": _l("Acceptance"), "distribution": _l("Distribution"), "transfer": _l("Transfer"),
        "write_off": _l("Write-off"), "count_shortage": _l("Count shortage"), "count_surplus": _l("Count surplus"),
        "return_to_donor": _l("Return to donor"), "redistribution": _l("Redistribution"),
        "count_adjustment": _l("Count adjustment"), "manual": _l("Manual entry"),
    },
    StockDocumentStatus: {"draft": _l("Draft"), "posted": _l("Posted"), "reversed": _l("Reversed")},
    AccountKind: {
        "asset": _l("Asset"), "liability": _l("Liability"), "equity": _l("Net assets"), "revenue": _l("Revenue"),
        "expense": _l("Expense"), "off_balance": _l("Off-balance"),
    },
    RecipientKind: {
        "institution": _l("Institution"), "military_unit": _l("Military unit"), "hromada": _l("Another hromada"),
        "individuals": _l("Individuals"),
    },
    BeneficiaryCategory: {
        "idps": _l("Internally displaced people"), "people_with_disabilities": _l("People with disabilities"),
        "large_families": _l("Large families"), "low_income": _l("Low-income families"), "elderly": _l("Elderly"),
        "children": _l("Children"), "military_families": _l("Families of servicemen"), "veterans": _l("Veterans"),
        "patients": _l("Patients"), "other": _l("Other"),
    },
    AidType: {"grant": _l("Grant")},
    # "New" alone is the button of the interface ("create"): the goods' condition has a context.
    Condition: {"new": lazy_pgettext("condition", "New"), "used": lazy_pgettext("condition", "Used")},
}

#: Enums whose values appear in report rows.
_ROW_ENUMS: tuple[type, ...] = (
    AidType, Condition, IntendedUse, ConsignmentStatus, DeclarationKind, DeclarationStatus, DocumentStatus,
    MovementKind, PostingEvent, StockDocumentStatus, AccountKind, RecipientKind, BeneficiaryCategory,
)


def _words() -> Words:
    """The row words in the current locale (call inside ``force_locale``)."""
    from tracker.customs.checklist import ItemState
    from tracker.customs.deadlines import DeadlineLevel
    from tracker.web.labels import label

    labels: dict[type, dict[str, str]] = {}
    for enum_cls in (*_ROW_ENUMS, ItemState, DeadlineLevel):
        own = _OWN_LABELS.get(enum_cls, {})
        labels[enum_cls] = {m.value: str(own[m.value]) if m.value in own else label(m) for m in enum_cls}
    return Words(labels=labels, yes=_("yes"), no=_("no"))


def _labels() -> ReportLabels:
    return ReportLabels(
        organization=_("Organization"), edrpou=_("EDRPOU"), period=_("Period"), period_from=_("from"),
        period_to=_("to"), filters=_("Filters"), exported_at=_("Exported"), exported_by=_("Exported by"),
        total=_("Total"), subtotal=_("Subtotal"), page=_("Page {page} of {pages}"),
        nothing_to_report=_("Nothing to report for this period."), signature=_("signature"), date=_("date"),
        image_unavailable=_("The image could not be read."))


def _filter_lines(f: ReportFilter, words: Words) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    if f.partner_id is not None:
        partner = db.session.get(Partner, f.partner_id)
        lines.append((_("Partner"), partner.name if partner else str(f.partner_id)))
    if f.agreement_id is not None:
        agreement = db.session.get(Agreement, f.agreement_id)
        lines.append((_("Agreement"), str(agreement) if agreement else str(f.agreement_id)))
    if f.aid_type is not None:
        lines.append((_("Aid type"), words.label(f.aid_type)))
    if f.warehouse_id is not None:
        warehouse = db.session.get(Warehouse, f.warehouse_id)
        lines.append((_("Warehouse"), warehouse.name if warehouse else str(f.warehouse_id)))
    return lines


def _meta(f: ReportFilter, title: str, words: Words, exported_by: str, exported_at: datetime | None) -> ReportMeta:
    org = db.session.get(Organization, f.organization_id)
    assert org is not None
    return ReportMeta(
        organization_name=org.display_name(f.language), organization_edrpou=org.edrpou, title=title,
        period_from=f.date_from, period_to=f.date_to, filters=_filter_lines(f, words),
        exported_at=exported_at or datetime.now(UTC), exported_by=exported_by, language=f.language,
        date_style=DateStyle.DMY, labels=_labels())


# --------------------------------------------------------------------------- sections per report
# Each ``_*_sections`` runs inside force_locale and returns sections whose rows are generators
# (nothing is read until a renderer iterates them). Column keys are the row tuples' fields.

def _receipt_sections(f: ReportFilter, w: Words) -> list[Section]:
    columns = [
        ColumnSpec("number", _("Consignment"), T, width=11),
        ColumnSpec("accepted_on", _("Received on"), DT),
        ColumnSpec("aid_type", _("Aid type"), T, width=16),
        ColumnSpec("partner", _("Partner"), T, width=24),
        ColumnSpec("agreement", _("Agreement"), T, width=12),
        ColumnSpec("declaration_code", _("HA declaration code"), T, width=18),
        ColumnSpec("position", _("Line"), I, width=6),
        ColumnSpec("name", _("Name"), T, width=32),
        ColumnSpec("category", _("Category"), T, width=18),
        ColumnSpec("unit", _("Unit"), T, width=7),
        ColumnSpec("quantity", _("Quantity"), Q),
        ColumnSpec("unit_value", _("Unit value"), M, places=4),
        ColumnSpec("currency", _("Currency"), T, width=8),
        ColumnSpec("value", _("Value in currency"), M),
        ColumnSpec("rate", _("NBU rate"), R),
        ColumnSpec("rate_on", _("Rate date"), DT),
        ColumnSpec("value_uah", _("Value, UAH"), M, width=16, total=S),
        ColumnSpec("lot", _("Lot"), T, width=12),
        ColumnSpec("expiry_on", _("Expiry date"), DT),
        ColumnSpec("condition", _("Condition"), T, width=9),
        ColumnSpec("intended_use", _("Intended use"), T, width=16),
        ColumnSpec("warehouse", _("Warehouse"), T, width=18),
    ]
    return [Section(_("Receipts register"), columns, queries.receipt_rows(f, w), sheet_name=_("Receipts"))]


def _customs_sections(f: ReportFilter, w: Words) -> list[Section]:
    consignments = [
        ColumnSpec("number", _("Consignment"), T, width=11),
        ColumnSpec("aid_type", _("Aid type"), T, width=16),
        ColumnSpec("partner", _("Partner"), T, width=22),
        ColumnSpec("status", _("Status"), T, width=12),
        ColumnSpec("declaration_code", _("HA declaration code"), T, width=18),
        ColumnSpec("dispatched_on", _("Dispatched"), DT),
        ColumnSpec("arrived_on", _("Arrived"), DT),
        ColumnSpec("cleared_on", _("Cleared"), DT),
        ColumnSpec("declarations", _("Declarations"), T, width=36),
        ColumnSpec("duty_exempted_uah", _("Duty exempted, UAH"), M, total=S),
        ColumnSpec("vat_exempted_uah", _("VAT exempted, UAH"), M, total=S),
        ColumnSpec("documents_present", _("Documents present"), I, width=10, total=S),
        ColumnSpec("documents_missing", _("Documents missing"), I, width=10, total=S),
        ColumnSpec("missing", _("Missing documents"), T, width=30),
        ColumnSpec("report_due_on", _("Report due"), DT),
        ColumnSpec("reported_on", _("Reported on"), DT),
        ColumnSpec("days_left", _("Days left"), I, width=8),
        ColumnSpec("deadline", _("Deadline"), T, width=12),
    ]
    declarations = [
        ColumnSpec("number", _("Consignment"), T, width=11),
        ColumnSpec("partner", _("Partner"), T, width=22),
        ColumnSpec("kind", _("Kind"), T, width=24),
        ColumnSpec("declaration_number", _("Number or code"), T, width=24),
        ColumnSpec("customs_office", _("Customs office"), T, width=20),
        ColumnSpec("checkpoint", _("Checkpoint"), T, width=16),
        ColumnSpec("status", _("Status"), T, width=12),
        ColumnSpec("submitted_on", _("Submitted"), DT),
        ColumnSpec("cleared_on", _("Cleared"), DT),
        ColumnSpec("duty_exempted_uah", _("Duty exempted, UAH"), M, total=S),
        ColumnSpec("vat_exempted_uah", _("VAT exempted, UAH"), M, total=S),
    ]
    documents = [
        ColumnSpec("number", _("Consignment"), T, width=11),
        ColumnSpec("document_type", _("Document"), T, width=30),
        ColumnSpec("required", _("Required"), T, width=9),
        ColumnSpec("state", _("Checklist"), T, width=12),
        ColumnSpec("document_number", _("Number"), T, width=16),
        ColumnSpec("issued_on", _("Issued on"), DT),
        ColumnSpec("issuer", _("Issuer"), T, width=20),
        ColumnSpec("status", _("Status"), T, width=12),
    ]
    return [
        Section(_("Customs register"), consignments, queries.customs_consignment_rows(f, w),
                sheet_name=_("Customs")),
        Section(_("Customs declarations"), declarations, queries.customs_declaration_rows(f, w),
                sheet_name=_("Declarations")),
        Section(_("Consignment documents"), documents, queries.customs_document_rows(f, w),
                sheet_name=_("Documents")),
    ]


def _turnover_sections(f: ReportFilter, w: Words) -> list[Section]:
    columns = [
        ColumnSpec("category", _("Category"), T, width=18),
        ColumnSpec("number", _("Consignment"), T, width=11),
        ColumnSpec("name", _("Name"), T, width=28),
        ColumnSpec("lot", _("Lot"), T, width=10),
        ColumnSpec("unit", _("Unit"), T, width=6),
        ColumnSpec("warehouse", _("Warehouse"), T, width=16),
        ColumnSpec("opening_qty", _("Opening, qty"), Q),
        ColumnSpec("opening_uah", _("Opening, UAH"), M, total=S),
        ColumnSpec("received_qty", _("Received, qty"), Q),
        ColumnSpec("received_uah", _("Received, UAH"), M, total=S),
        ColumnSpec("issued_qty", _("Distributed, qty"), Q),
        ColumnSpec("issued_uah", _("Distributed, UAH"), M, total=S),
        ColumnSpec("written_off_qty", _("Written off, qty"), Q),
        ColumnSpec("written_off_uah", _("Written off, UAH"), M, total=S),
        ColumnSpec("returned_qty", _("Returned or redistributed, qty"), Q),
        ColumnSpec("returned_uah", _("Returned or redistributed, UAH"), M, total=S),
        ColumnSpec("transferred_qty", _("Transfers (+ in), qty"), Q),
        ColumnSpec("transferred_uah", _("Transfers (+ in), UAH"), M, total=S),
        ColumnSpec("adjusted_qty", _("Count differences, qty"), Q),
        ColumnSpec("adjusted_uah", _("Count differences, UAH"), M, total=S),
        ColumnSpec("closing_qty", _("Closing, qty"), Q),
        ColumnSpec("closing_uah", _("Closing, UAH"), M, total=S),
    ]
    return [Section(_("Stock turnover statement"), columns, queries.turnover_rows(f, w), group_by="category",
                    sheet_name=_("Stock turnover"))]


def _distribution_sections(f: ReportFilter, w: Words) -> list[Section]:
    columns = [
        ColumnSpec("number", _("Number"), T, width=12),
        ColumnSpec("on", _("Date"), DT),
        ColumnSpec("status", _("Status"), T, width=10),
        ColumnSpec("recipient_kind", _("Recipient kind"), T, width=14),
        ColumnSpec("recipient_name", _("Recipient"), T, width=28),
        ColumnSpec("recipient_edrpou", _("Recipient EDRPOU"), T, width=10),
        ColumnSpec("beneficiary_category", _("Beneficiaries"), T, width=18),
        ColumnSpec("beneficiaries_count", _("People"), I, width=8),
        ColumnSpec("purpose", _("Purpose"), T, width=24),
        ColumnSpec("consignment", _("Consignment"), T, width=11),
        ColumnSpec("name", _("Name"), T, width=28),
        ColumnSpec("lot", _("Lot"), T, width=10),
        ColumnSpec("unit", _("Unit"), T, width=6),
        ColumnSpec("warehouse", _("Warehouse"), T, width=16),
        ColumnSpec("quantity", _("Quantity"), Q),
        ColumnSpec("value_uah", _("Value, UAH"), M, total=S),
    ]
    return [Section(_("Distribution register"), columns,
                    queries.distribution_rows(f, w, reversal_label=_("Reversal")), sheet_name=_("Distributions"))]


def _journal_sections(f: ReportFilter, w: Words) -> list[Section]:
    columns = [
        ColumnSpec("number", _("Entry"), I, width=7),
        ColumnSpec("on", _("Date"), DT),
        ColumnSpec("event", _("Event"), T, width=14),
        ColumnSpec("description", _("Description"), T, width=34),
        ColumnSpec("account", _("Account"), T, width=8),
        ColumnSpec("account_name", _("Account name"), T, width=28),
        ColumnSpec("debit", _("Debit, UAH"), M, total=S),
        ColumnSpec("credit", _("Credit, UAH"), M, total=S),
        ColumnSpec("consignment", _("Consignment"), T, width=11),
        ColumnSpec("lot", _("Lot"), T, width=24),
        ColumnSpec("warehouse", _("Warehouse"), T, width=16),
        ColumnSpec("memo", _("Memo"), T, width=20),
        ColumnSpec("reversal_of", _("Reverses entry"), I, width=9),
    ]
    return [Section(_("Journal"), columns, queries.journal_rows(f, w), sheet_name=_("Journal"))]


def _trial_balance_sections(f: ReportFilter, w: Words) -> list[Section]:
    columns = [
        ColumnSpec("account", _("Account"), T, width=8),
        ColumnSpec("account_name", _("Account name"), T, width=34),
        ColumnSpec("kind", _("Kind"), T, width=12),
        ColumnSpec("opening_debit", _("Opening debit"), M, total=S),
        ColumnSpec("opening_credit", _("Opening credit"), M, total=S),
        ColumnSpec("debit", _("Debit turnover"), M, total=S),
        ColumnSpec("credit", _("Credit turnover"), M, total=S),
        ColumnSpec("closing_debit", _("Closing debit"), M, total=S),
        ColumnSpec("closing_credit", _("Closing credit"), M, total=S),
    ]
    return [Section(_("Trial balance"), columns, queries.trial_balance_rows(f, w), sheet_name=_("Trial balance"))]


def _ha_report_sections(f: ReportFilter, w: Words) -> list[Section]:
    columns = [
        ColumnSpec("declaration", _("HA declaration code"), T, width=18),
        ColumnSpec("number", _("Consignment"), T, width=11),
        ColumnSpec("cleared_on", _("Cleared"), DT),
        ColumnSpec("report_due_on", _("Report due"), DT),
        ColumnSpec("reported_on", _("Reported on"), DT),
        ColumnSpec("position", _("Line"), I, width=6),
        ColumnSpec("name", _("Name"), T, width=30),
        ColumnSpec("unit", _("Unit"), T, width=6),
        ColumnSpec("declared_qty", _("Declared, qty"), Q),
        ColumnSpec("declared_uah", _("Declared, UAH"), M, total=S),
        ColumnSpec("distributed_qty", _("Distributed, qty"), Q),
        ColumnSpec("distributed_uah", _("Distributed, UAH"), M, total=S),
        ColumnSpec("written_off_qty", _("Written off, qty"), Q),
        ColumnSpec("written_off_uah", _("Written off, UAH"), M, total=S),
        ColumnSpec("returned_qty", _("Returned or redistributed, qty"), Q),
        ColumnSpec("returned_uah", _("Returned or redistributed, UAH"), M, total=S),
        ColumnSpec("on_hand_qty", _("On hand, qty"), Q),
        ColumnSpec("on_hand_uah", _("On hand, UAH"), M, total=S),
    ]
    return [Section(_("HA report on availability and distribution"), columns, queries.ha_report_rows(f, w),
                    group_by="declaration", sheet_name=_("HA report"))]


def _donor_sections(f: ReportFilter, w: Words) -> list[Section]:
    lots = [
        ColumnSpec("partner", _("Partner"), T, width=22),
        ColumnSpec("number", _("Consignment"), T, width=11),
        ColumnSpec("accepted_on", _("Received on"), DT),
        ColumnSpec("agreement", _("Agreement"), T, width=12),
        ColumnSpec("category", _("Category"), T, width=16),
        ColumnSpec("name", _("Name"), T, width=28),
        ColumnSpec("unit", _("Unit"), T, width=6),
        ColumnSpec("currency", _("Currency"), T, width=8),
        ColumnSpec("received_qty", _("Received, qty"), Q),
        ColumnSpec("received_value", _("Received, currency"), M),
        ColumnSpec("received_uah", _("Received, UAH"), M, total=S),
        ColumnSpec("distributed_qty", _("Distributed, qty"), Q),
        ColumnSpec("distributed_value", _("Distributed, currency"), M),
        ColumnSpec("distributed_uah", _("Distributed, UAH"), M, total=S),
        ColumnSpec("written_off_qty", _("Written off, qty"), Q),
        ColumnSpec("written_off_value", _("Written off, currency"), M),
        ColumnSpec("written_off_uah", _("Written off, UAH"), M, total=S),
        ColumnSpec("returned_qty", _("Returned or redistributed, qty"), Q),
        ColumnSpec("returned_value", _("Returned or redistributed, currency"), M),
        ColumnSpec("returned_uah", _("Returned or redistributed, UAH"), M, total=S),
        ColumnSpec("on_hand_qty", _("On hand, qty"), Q),
        ColumnSpec("on_hand_value", _("On hand, currency"), M),
        ColumnSpec("on_hand_uah", _("On hand, UAH"), M, total=S),
    ]
    summary = [
        ColumnSpec("partner", _("Partner"), T, width=24),
        ColumnSpec("currency", _("Currency"), T, width=8),
        ColumnSpec("lots", _("Lots"), I, width=7, total=S),
        ColumnSpec("received_value", _("Received, currency"), M),
        ColumnSpec("received_uah", _("Received, UAH"), M, total=S),
        ColumnSpec("distributed_value", _("Distributed, currency"), M),
        ColumnSpec("distributed_uah", _("Distributed, UAH"), M, total=S),
        ColumnSpec("written_off_value", _("Written off, currency"), M),
        ColumnSpec("written_off_uah", _("Written off, UAH"), M, total=S),
        ColumnSpec("returned_value", _("Returned or redistributed, currency"), M),
        ColumnSpec("returned_uah", _("Returned or redistributed, UAH"), M, total=S),
        ColumnSpec("on_hand_value", _("On hand, currency"), M),
        ColumnSpec("on_hand_uah", _("On hand, UAH"), M, total=S),
    ]
    return [
        Section(_("Donor statement"), lots, queries.donor_rows(f, w), group_by="partner", sheet_name=_("Donor")),
        Section(_("Donor statement by currency"), summary, queries.donor_summary_rows(f, w),
                sheet_name=_("Donor by currency")),
    ]


def _auditor_sections(f: ReportFilter, w: Words) -> list[Section]:
    def columns() -> list[ColumnSpec]:
        return [
            ColumnSpec("number", _("Consignment"), T, width=11),
            ColumnSpec("accepted_on", _("Received on"), DT),
            ColumnSpec("partner", _("Partner"), T, width=20),
            ColumnSpec("name", _("Name"), T, width=28),
            ColumnSpec("lot", _("Lot"), T, width=10),
            ColumnSpec("unit", _("Unit"), T, width=6),
            ColumnSpec("received_qty", _("Received, qty"), Q),
            ColumnSpec("issued_qty", _("Distributed, qty"), Q),
            ColumnSpec("written_off_qty", _("Written off, qty"), Q),
            ColumnSpec("returned_qty", _("Returned or redistributed, qty"), Q),
            ColumnSpec("adjusted_qty", _("Count differences, qty"), Q),
            ColumnSpec("on_hand_qty", _("On hand, qty"), Q),
            ColumnSpec("difference_qty", _("Difference, qty"), Q),
            ColumnSpec("received_uah", _("Received, UAH"), M, total=S),
            ColumnSpec("issued_uah", _("Distributed, UAH"), M, total=S),
            ColumnSpec("written_off_uah", _("Written off, UAH"), M, total=S),
            ColumnSpec("returned_uah", _("Returned or redistributed, UAH"), M, total=S),
            ColumnSpec("adjusted_uah", _("Count differences, UAH"), M, total=S),
            ColumnSpec("on_hand_uah", _("On hand, UAH"), M, total=S),
            ColumnSpec("difference_uah", _("Difference, UAH"), M, total=S),
        ]

    return [
        Section(_("Reconciliation per lot"), columns(), queries.auditor_rows(f, w), sheet_name=_("Reconciliation")),
        Section(_("Differences"), columns(), queries.auditor_rows(f, w, only_differences=True),
                sheet_name=_("Differences")),
    ]


# --------------------------------------------------------------------------- the registry

SectionsBuilder = Callable[[ReportFilter, Words], list[Section]]


@dataclass(frozen=True)
class ReportInfo:
    """A report of DESIGN.md §5 that has a dataset here."""

    name: str
    title: Any  # lazy string
    description: Any
    sections: SectionsBuilder
    #: Part of the "ledger" workbook.
    in_ledger: bool = True


def _sections_of_ledger(f: ReportFilter, w: Words) -> list[Section]:
    sections: list[Section] = []
    for info in REPORTS.values():
        if info.in_ledger:
            sections.extend(info.sections(f, w))
    return sections


REPORTS: dict[str, ReportInfo] = {info.name: info for info in (
    ReportInfo("receipts", _l("Receipts register"), _l("Every accepted consignment line, valued in UAH."),
               _receipt_sections),
    ReportInfo("customs", _l("Customs register"),
               _l("Declarations, documents, missing items and report deadlines per consignment."), _customs_sections),
    ReportInfo("stock-turnover", _l("Stock turnover statement"),
               _l("Opening, receipts, issues by kind and closing per lot, by category, in quantity and UAH."),
               _turnover_sections),
    ReportInfo("distributions", _l("Distribution register"), _l("Every line of the posted distributions."),
               _distribution_sections),
    ReportInfo("journal", _l("Journal"), _l("Every posting of the journal entries."), _journal_sections),
    ReportInfo("trial-balance", _l("Trial balance"), _l("Opening balance, turnover and closing balance per account."),
               _trial_balance_sections),
    ReportInfo("ha-report", _l("HA report on availability and distribution"),
               _l("Per declaration, line by line as declared."), _ha_report_sections),
    ReportInfo("donor", _l("Donor statement"),
               _l("Received, distributed, written off and on hand per lot, in UAH and the donor's currency."),
               _donor_sections),
    ReportInfo("auditor", _l("Auditor reconciliation"),
               _l("Per lot: received = distributed + written off + returned + on hand, with every difference."),
               _auditor_sections),
    ReportInfo("ledger", _l("Ledger workbook"), _l("All registers above as sheets of one workbook."),
               _sections_of_ledger, in_ledger=False),
)}


def report_names() -> list[str]:
    return list(REPORTS)


def build(name: str, organization_id: int, date_from: date | None = None, date_to: date | None = None, *,
          partner_id: int | None = None, agreement_id: int | None = None, aid_type: AidType | str | None = None,
          warehouse_id: int | None = None, language: str = "uk", exported_by: str = "",
          exported_at: datetime | None = None, today: date | None = None) -> Dataset:
    """The dataset of report ``name`` (see :data:`REPORTS`). Errors: ``NotFound`` for an unknown
    report and for another organization's partner, agreement or warehouse; ``ValidationFailed``
    for a bad period, aid type or language."""
    info = REPORTS.get(name)
    if info is None:
        raise NotFound(_("Unknown report: %(name)s. Known reports: %(names)s.", name=name,
                         names=", ".join(REPORTS)))
    f = prepare(organization_id, date_from, date_to, partner_id=partner_id, agreement_id=agreement_id,
                aid_type=aid_type, warehouse_id=warehouse_id, language=language, today=today)
    with force_locale(f.language):
        words = _words()
        sections = info.sections(f, words)
        meta = _meta(f, str(info.title), words, exported_by, exported_at)
    return Dataset(name=name, meta=meta, sections=sections, filter=f, words=words)


def _report(name: str) -> Callable[..., Dataset]:
    def dataset(organization_id: int, date_from: date | None = None, date_to: date | None = None, **kwargs: Any
                ) -> Dataset:
        return build(name, organization_id, date_from, date_to, **kwargs)

    dataset.__name__ = name.replace("-", "_")
    dataset.__qualname__ = dataset.__name__
    dataset.__doc__ = (f"The {name!r} dataset: ``build({name!r}, organization_id, date_from, date_to, "
                       f"partner_id=, agreement_id=, aid_type=, warehouse_id=, language=, exported_by=, "
                       f"exported_at=, today=)``.")
    return dataset


receipts = _report("receipts")
customs = _report("customs")
stock_turnover = _report("stock-turnover")
distributions = _report("distributions")
journal = _report("journal")
trial_balance = _report("trial-balance")
ha_report = _report("ha-report")
donor = _report("donor")
auditor = _report("auditor")
ledger = _report("ledger")


def iter_values(dataset: Dataset) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """(section title, rows as tuples) per section — reads every row; for tests and small data."""
    for section in dataset.sections:
        yield section.title, list(section.iter_values())
