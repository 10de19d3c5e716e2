"""Acts printed for signature: acceptance, distribution (issue) and write-off.

Two halves, as everywhere in ``reports/``:

* data functions (:func:`acceptance_act`, :func:`distribution_act`, :func:`write_off_act`) read
  one document of the organization (``get_scoped``: another organization's id is a 404), check
  that it can be printed, and return an :class:`Act` — plain strings, dates and Decimals with
  every label already translated into the act's language (uk by default; en, de on request);
* the pure builder :func:`build_act` lays an :class:`Act` out as a PDF (``reports/pdf.py``:
  embedded DejaVu, page x of y, header and footer) and returns the bytes.

The layout follows the primary documents of MinFin Orders 818 (fixed assets) and 431
(inventories): the organization with its EDRPOU, the "approved" block of the head, the
particulars of the operation, the table of goods with quantities and values (the acceptance act
in the donor's currency and in UAH, with the NBU rate used on each line), the commission's
statement and the signature lines of the commission, of whoever handed the goods over and of
whoever received them. The statutory wording of these forms is not reproduced verbatim ⚠.

Only documents that took effect are printed: an accepted (or closed) consignment, a posted
distribution or write-off (a reversed one is printed with the note that it was reversed).
Otherwise :class:`~tracker.errors.InvalidTransition` (409) says why.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.errors import InvalidTransition, NotFound, ValidationFailed
from tracker.extensions import db
from tracker.models import (
    Consignment,
    ConsignmentStatus,
    Distribution,
    Organization,
    RecipientKind,
    StockDocumentStatus,
    ValuationMethod,
    WriteOff,
    WriteOffReason,
)
from tracker.money import UNIT_VALUE_PLACES, format_money
from tracker.reports.pdf import PdfReport
from tracker.reports.rows import ColumnKind, ColumnSpec, DateStyle, ReportMeta, Section, Signatory, Total, format_date
from tracker.scoping import get_scoped
from tracker.web.labels import label

__all__ = [
    "ACTS",
    "Act",
    "ActInfo",
    "acceptance_act",
    "act_names",
    "build_act",
    "distribution_act",
    "render_act",
    "write_off_act",
]

LANGUAGES = ("uk", "en", "de")

T = ColumnKind.TEXT
M = ColumnKind.MONEY
Q = ColumnKind.QTY
R = ColumnKind.RATE
DT = ColumnKind.DATE
I = ColumnKind.INT  # noqa: E741
S = Total.SUM

@dataclass(frozen=True)
class Act:
    """One act ready to print: every text translated, every figure exact."""

    meta: ReportMeta
    #: (label, value) lines under the title: the particulars of the operation.
    particulars: Sequence[tuple[str, str]]
    #: The goods: a section with a UAH total (rows are a small list).
    lines: Section
    #: Paragraphs after the table: totals in currency, the commission's statement, notes.
    notes: Sequence[str] = ()
    #: A warning printed above the particulars (e.g. "reversed by D-2026-0004").
    status_note: str = ""
    #: "Approved" block at the top (the head of the organization).
    approval_heading: str = ""
    approval: Sequence[Signatory] = ()
    #: Signature groups at the end: (heading, signatories).
    signatures: Sequence[tuple[str, Sequence[Signatory]]] = ()
    #: The document's own identification, for the file name and the audit trail.
    kind: str = ""
    number: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def build_act(act: Act) -> bytes:
    """The act as PDF bytes (pure: no database, no Flask)."""
    report = PdfReport(act.meta)
    if act.approval:
        report.signatures(act.approval, heading=act.approval_heading)
        report.spacer()
    if act.status_note:
        report.heading(act.status_note, level=2)
    report.key_values(act.particulars)
    report.spacer()
    report.table(act.lines, heading=False)
    for note in act.notes:
        report.paragraph(note)
    for heading, people in act.signatures:
        report.signatures(people, heading=heading)
    data = report.build()
    assert data is not None
    return data


# --------------------------------------------------------------------------- shared pieces

def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValidationFailed("language", _("Unknown language: %(value)s. Choose one of %(choices)s.",
                                             value=language, choices=", ".join(LANGUAGES)))


def _meta(org: Organization, title: str, language: str, exported_by: str) -> ReportMeta:
    from tracker.reports.datasets import _labels

    # The act's date is in its title: no period line.
    return ReportMeta(organization_name=org.display_name(language), organization_edrpou=org.edrpou, title=title,
                      exported_at=datetime.now(UTC), exported_by=exported_by,
                      language=language, date_style=DateStyle.DMY, labels=_labels())


def _date(value: date | None) -> str:
    return format_date(value) if value else ""


def commission(text: str) -> list[Signatory]:
    """Signature lines of a commission written one member per line: the first chairs it."""
    members = [line.strip() for line in (text or "").splitlines() if line.strip()]
    people = []
    for index, member in enumerate(members):
        role = _("Head of the commission") if index == 0 else _("Member of the commission")
        people.append(Signatory(role, member))
    return people or [Signatory(_("Head of the commission")), Signatory(_("Member of the commission")),
                      Signatory(_("Member of the commission"))]


def _organization_lines(org: Organization, language: str) -> list[tuple[str, str]]:
    lines = [(_("Organization"), org.display_name(language)), (_("EDRPOU"), org.edrpou)]
    if org.address:
        lines.append((_("Address"), org.address))
    return lines


def _approval() -> tuple[str, list[Signatory]]:
    return _("APPROVED"), [Signatory(_("Head of the organization"))]


def _org(organization_id: int) -> Organization:
    org = db.session.get(Organization, organization_id)
    if org is None:
        raise NotFound(_("No such organization."))
    return org


# --------------------------------------------------------------------------- acceptance act

def acceptance_act(organization_id: int, consignment_id: Any, language: str = "uk", *, exported_by: str = "") -> Act:
    """The acceptance act of an accepted (or closed) consignment: the donor, the documents it
    came with, every line with its value in the line's currency and in UAH at the NBU rate used,
    the valuation method, the receiving commission and its signatures. Lines and totals are the
    consignment service's act data (``consignments.service.acceptance_act``).

    Errors: ``NotFound`` (another organization's or no such consignment), ``InvalidTransition``
    (not accepted yet), ``ValidationFailed`` (unknown language)."""
    from tracker.consignments.service import acceptance_act as consignment_acceptance_act

    _check_language(language)
    org = _org(organization_id)
    consignment = get_scoped(Consignment, consignment_id, organization_id)
    with force_locale(language):
        from tracker.reports.datasets import _words

        words = _words()
        if consignment.status not in (ConsignmentStatus.accepted, ConsignmentStatus.closed):
            raise InvalidTransition(_("The acceptance act of consignment %(number)s can be printed once it is "
                                      "accepted; it is %(status)s.", number=consignment.number,
                                      status=label(consignment.status)))
        partner = consignment.partner
        title = _("Acceptance act No. %(number)s of %(date)s", number=consignment.number,
                  date=_date(consignment.accepted_on))
        particulars = _organization_lines(org, language)
        partner_text = ", ".join(p for p in (partner.name, partner.city, partner.country) if p)
        particulars += [
            (_("Consignment"), consignment.number),
            (_("Accepted on"), _date(consignment.accepted_on)),
            (_("Aid type"), label(consignment.aid_type)),
            (_("Donor (partner)"), partner_text),
        ]
        if consignment.agreement is not None:
            agreement = consignment.agreement
            text = (_("%(agreement)s of %(date)s", agreement=str(agreement), date=_date(agreement.signed_on))
                    if agreement.signed_on else str(agreement))
            particulars.append((_("Agreement"), text))
        if consignment.declaration_code:
            particulars.append((_("HA declaration code"), consignment.declaration_code))
        for declaration in consignment.declarations:
            parts = [label(declaration.kind), declaration.number, declaration.customs_office]
            if declaration.cleared_on:
                parts.append(_("cleared on %(date)s", date=_date(declaration.cleared_on)))
            particulars.append((_("Customs declaration"), ", ".join(p for p in parts if p)))
        transport = ", ".join(p for p in (consignment.carrier, consignment.vehicle_plate,
                                         f"CMR {consignment.cmr_number}" if consignment.cmr_number else "") if p)
        if transport:
            particulars.append((_("Carrier, vehicle, CMR"), transport))
        if consignment.warehouse is not None:
            particulars.append((_("Warehouse"), consignment.warehouse.name))
        particulars.append((_("Valuation"), label(consignment.valuation_method)))
        if consignment.valuation_method == ValuationMethod.fair_value and consignment.valuation_justification:
            particulars.append((_("Justification of the fair value"), consignment.valuation_justification))
        if consignment.documents_override_reason:
            particulars.append((_("Accepted with missing documents"), consignment.documents_override_reason))

        columns = [
            ColumnSpec("position", _("No."), I, width=7),
            ColumnSpec("name", _("Name"), T, width=30),
            ColumnSpec("category", _("Category"), T, width=18),
            ColumnSpec("details", _("Lot, expiry, serial"), T, width=16),
            ColumnSpec("condition", _("Condition"), T, width=9),
            ColumnSpec("unit", _("Unit"), T, width=6),
            ColumnSpec("quantity", _("Quantity"), Q),
            ColumnSpec("unit_value", _("Unit value"), M, places=UNIT_VALUE_PLACES),
            ColumnSpec("currency", _("Currency"), T, width=8),
            ColumnSpec("value", _("Value in currency"), M),
            ColumnSpec("rate", _("NBU rate"), R),
            ColumnSpec("rate_on", _("Rate date"), DT),
            ColumnSpec("value_uah", _("Value, UAH"), M, width=15, total=S),
        ]
        # The figures are the consignment's own act data (the HTML act page prints the same).
        data = consignment_acceptance_act(consignment)
        rows = []
        for index, (line, item) in enumerate(zip(consignment.lines, data.lines, strict=True), 1):
            details = [item.lot, _("expires %(date)s", date=_date(item.expiry_on)) if item.expiry_on else "",
                       item.serial]
            condition = words.label(line.condition)
            if item.wear_percent is not None:
                condition = f"{condition}, {item.wear_percent}%"
            rows.append((index, item.name, line.category.display_name(language), "; ".join(d for d in details if d),
                         condition, item.unit, item.quantity, item.unit_value, item.currency, item.value, item.rate,
                         item.rate_on, item.value_uah))
        by_currency = data.totals_by_currency
        total_uah = data.total_value_uah
        notes = []
        if by_currency:
            notes.append(_("Total in the currency of the documents: %(amounts)s.",
                           amounts="; ".join(format_money(v, c) for c, v in sorted(by_currency.items()))))
        notes.append(_("Total value accepted: %(amount)s.", amount=format_money(total_uah, "UAH")))
        notes.append(_("The commission examined the goods listed above, checked their quantity and condition "
                       "against the accompanying documents and accepted them into the books at the values stated."))
        responsible = consignment.warehouse.responsible_person if consignment.warehouse is not None else ""
        approval_heading, approval = _approval()
        signatures = [
            (_("Receiving commission"), commission("\n".join(data.commission_members))),
            ("", [Signatory(_("Handed over by (donor or carrier)"), consignment.carrier),
                  Signatory(_("Accepted by (materially responsible person)"), responsible)]),
        ]
        meta = _meta(org, title, language, exported_by)
        section = Section(_("Goods accepted"), columns, rows)
    return Act(meta=meta, particulars=particulars, lines=section, notes=notes, approval_heading=approval_heading,
               approval=approval, signatures=signatures, kind="acceptance-act", number=consignment.number,
               extra={"total_uah": total_uah, "by_currency": by_currency})


# --------------------------------------------------------------------------- stock documents

def _stock_status(doc: Any, what: str) -> str:
    """The note of a reversed document or a reversal; refuses drafts."""
    if doc.status == StockDocumentStatus.draft:
        raise InvalidTransition(_("The %(what)s act can be printed once the document is posted; it is a draft.",
                                  what=what))
    if doc.status == StockDocumentStatus.reversed and doc.reversed_by is not None:
        return _("Reversed by %(number)s of %(date)s.", number=str(doc.reversed_by),
                 date=_date(doc.reversed_by.on))
    if doc.reversal_of is not None:
        return _("This document reverses %(number)s of %(date)s.", number=str(doc.reversal_of),
                 date=_date(doc.reversal_of.on))
    return ""


def _lot_details(lot: Any) -> str:
    parts = [lot.consignment.number, lot.lot,
             _("expires %(date)s", date=_date(lot.expiry_on)) if lot.expiry_on else ""]
    return ", ".join(p for p in parts if p)


def distribution_act(organization_id: int, distribution_id: Any, language: str = "uk", *,
                     exported_by: str = "") -> Act:
    """The distribution (issue) act of a posted distribution: who gave what to whom — an
    institution, unit or hromada with its EDRPOU, or people counted by beneficiary category
    (never named: the signed issue list stays with the organization) — line by line with
    quantities and UAH values, and the signature lines of both sides.

    Errors: ``NotFound``, ``InvalidTransition`` (a draft), ``ValidationFailed`` (language)."""
    from tracker.reports.datasets import _words

    _check_language(language)
    org = _org(organization_id)
    doc = get_scoped(Distribution, distribution_id, organization_id)
    with force_locale(language):
        words = _words()
        status_note = _stock_status(doc, _("distribution"))
        number = doc.number or f"#{doc.id}"
        title = _("Distribution act No. %(number)s of %(date)s", number=number, date=_date(doc.on))
        particulars = [(_("Handed over by"), f"{org.display_name(language)}, {_('EDRPOU')} {org.edrpou}")]
        particulars += [(_("Recipient kind"), words.label(doc.recipient_kind)),
                        (_("Recipient"), doc.recipient_name)]
        if doc.recipient_edrpou:
            particulars.append((_("Recipient EDRPOU"), doc.recipient_edrpou))
        if doc.recipient_kind == RecipientKind.individuals or doc.beneficiary_category is not None:
            particulars.append((_("Beneficiaries"), words.label(doc.beneficiary_category)))
            if doc.beneficiaries_count is not None:
                particulars.append((_("Number of people"), str(doc.beneficiaries_count)))
        particulars += [(_("Purpose"), doc.purpose), (_("Date"), _date(doc.on))]
        if doc.note:
            particulars.append((_("Note"), doc.note))
        columns = [
            ColumnSpec("position", _("No."), I, width=7),
            ColumnSpec("name", _("Name"), T, width=32),
            ColumnSpec("lot", _("Consignment, lot, expiry"), T, width=22),
            ColumnSpec("warehouse", _("Warehouse"), T, width=16),
            ColumnSpec("unit", _("Unit"), T, width=6),
            ColumnSpec("quantity", _("Quantity"), Q),
            ColumnSpec("value_uah", _("Value, UAH"), M, width=15, total=S),
        ]
        rows = [(i, line.lot.name, _lot_details(line.lot), line.warehouse.name, line.lot.unit.code, line.quantity,
                 line.value_uah) for i, line in enumerate(doc.lines, 1)]
        total_uah = sum((line.value_uah or Decimal(0) for line in doc.lines), Decimal("0.00"))
        notes = [_("Total value handed over: %(amount)s.", amount=format_money(total_uah, "UAH"))]
        if doc.recipient_kind == RecipientKind.individuals:
            notes.append(_("The goods were issued to the people counted above against their signatures in the "
                           "issue list kept with this act; the list is not reproduced here."))
        else:
            notes.append(_("The recipient confirms receipt of the goods listed above in the stated quantity and "
                           "condition and undertakes to use them for the stated purpose."))
        warehouses = sorted({line.warehouse.responsible_person for line in doc.lines if line.warehouse.responsible_person})
        handed = [Signatory(_("Materially responsible person"), ", ".join(warehouses)),
                  Signatory(_("Accountant"))]
        received_role = (_("Person responsible for the issue to beneficiaries")
                         if doc.recipient_kind == RecipientKind.individuals else _("Recipient's representative"))
        received_name = "" if doc.recipient_kind == RecipientKind.individuals else doc.recipient_name
        signatures = [(_("Handed over"), handed), (_("Received by"), [Signatory(received_role, received_name)])]
        approval_heading, approval = _approval()
        meta = _meta(org, title, language, exported_by)
        section = Section(_("Goods handed over"), columns, rows)
    return Act(meta=meta, particulars=particulars, lines=section, notes=notes, status_note=status_note,
               approval_heading=approval_heading, approval=approval, signatures=signatures,
               kind="distribution-act", number=number, extra={"total_uah": total_uah})


def write_off_act(organization_id: int, write_off_id: Any, language: str = "uk", *, exported_by: str = "") -> Act:
    """The write-off act of a posted write-off: the basis, every line with its reason, quantity
    and UAH value, the commission's conclusion and its signatures.

    Errors: ``NotFound``, ``InvalidTransition`` (a draft), ``ValidationFailed`` (language)."""
    _check_language(language)
    org = _org(organization_id)
    doc = get_scoped(WriteOff, write_off_id, organization_id)
    with force_locale(language):
        status_note = _stock_status(doc, _("write-off"))
        number = doc.number or f"#{doc.id}"
        title = _("Write-off act No. %(number)s of %(date)s", number=number, date=_date(doc.on))
        particulars = _organization_lines(org, language)
        particulars += [(_("Date"), _date(doc.on)), (_("Basis (order or decision)"), doc.basis or "—")]
        if doc.note:
            particulars.append((_("Note"), doc.note))
        columns = [
            ColumnSpec("position", _("No."), I, width=7),
            ColumnSpec("name", _("Name"), T, width=30),
            ColumnSpec("lot", _("Consignment, lot, expiry"), T, width=22),
            ColumnSpec("warehouse", _("Warehouse"), T, width=14),
            ColumnSpec("reason", _("Reason"), T, width=14),
            ColumnSpec("unit", _("Unit"), T, width=6),
            ColumnSpec("quantity", _("Quantity"), Q),
            ColumnSpec("value_uah", _("Value, UAH"), M, width=15, total=S),
        ]
        rows = [(i, line.lot.name, _lot_details(line.lot), line.warehouse.name, label(WriteOffReason(line.reason)),
                 line.lot.unit.code, line.quantity, line.value_uah) for i, line in enumerate(doc.lines, 1)]
        total_uah = sum((line.value_uah or Decimal(0) for line in doc.lines), Decimal("0.00"))
        notes = [_("Total value written off: %(amount)s.", amount=format_money(total_uah, "UAH")),
                 _("The commission examined the goods listed above and concluded that they are to be written off "
                   "for the reasons stated.")]
        approval_heading, approval = _approval()
        signatures = [(_("Write-off commission"), commission(doc.commission_members))]
        meta = _meta(org, title, language, exported_by)
        section = Section(_("Goods written off"), columns, rows)
    return Act(meta=meta, particulars=particulars, lines=section, notes=notes, status_note=status_note,
               approval_heading=approval_heading, approval=approval, signatures=signatures, kind="write-off-act",
               number=number, extra={"total_uah": total_uah})


# --------------------------------------------------------------------------- registry

@dataclass(frozen=True)
class ActInfo:
    """A printable act: its report name (URLs, API, CLI), title and data function."""

    name: str
    title: Any
    build: Callable[..., Act]
    #: What the id parameter names, for messages and the API description.
    document: Any


ACTS: dict[str, ActInfo] = {info.name: info for info in (
    ActInfo("acceptance-act", _l("Acceptance act"), acceptance_act, _l("consignment")),
    ActInfo("distribution-act", _l("Distribution act"), distribution_act, _l("distribution")),
    ActInfo("write-off-act", _l("Write-off act"), write_off_act, _l("write-off")),
)}


def act_names() -> list[str]:
    return list(ACTS)


def render_act(name: str, organization_id: int, document_id: Any, language: str = "uk", *,
               exported_by: str = "") -> tuple[Act, bytes]:
    """The act ``name`` of document ``document_id`` and its PDF. Errors: ``NotFound`` for an
    unknown act or a document that is not the organization's; ``ValidationFailed`` for a
    missing id or an unknown language; ``InvalidTransition`` for a document not in effect."""
    info = ACTS.get(name)
    if info is None:
        raise NotFound(_("Unknown act: %(name)s. Known acts: %(names)s.", name=name, names=", ".join(ACTS)))
    if document_id is None or document_id == "":
        raise ValidationFailed("id", _("Give the id of the %(document)s.", document=str(info.document)))
    act = info.build(organization_id, document_id, language, exported_by=exported_by)
    return act, build_act(act)
