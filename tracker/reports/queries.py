"""The reads behind the reports: one streaming query per register, yielding immutable row tuples.

Each ``*_rows`` function takes the organization, the period and the filters (a
:class:`ReportFilter`) and yields one :class:`typing.NamedTuple` per report line, in the order
the report prints them. The row types are immutable tuples whose fields are exactly the report's
columns (``reports/datasets.py`` declares the same keys in the same order), so the renderers read
them with no per-row conversion and the PDF builder can address fields by name.

Rows stream from the database: every query runs with ``yield_per`` (a server-side cursor on
PostgreSQL, ``fetchmany`` on SQLite), so nothing holds a whole register in memory. Quantities and
values are summed in SQL over the stored integer units (exact on both databases) and turned into
Decimal once. Translated words (enum labels, category names) come in through :class:`Words`,
resolved by the caller in the report's language *before* the rows are consumed: the rows are
produced later, outside any ``force_locale`` block.

Sign conventions: movements are signed (+ into a warehouse, − out of it). Outflow columns
(issued, written off, returned) are shown positive, net of their reversals; transfers and count
adjustments are shown signed (+ in). For every lot and warehouse:
``opening + received − issued − written_off − returned + transfers + adjustments = closing``.
"""
from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.extensions import db
from tracker.models import (
    Account,
    Agreement,
    AidType,
    Category,
    Condition,
    Consignment,
    ConsignmentLine,
    ConsignmentStatus,
    CustomsDeclaration,
    Distribution,
    DistributionLine,
    GoodsKind,
    IntendedUse,
    JournalEntry,
    MovementKind,
    Origin,
    Partner,
    Posting,
    StockDocumentStatus,
    StockMovement,
    Unit,
    Warehouse,
)
from tracker.models.types import scaled_to_decimal
from tracker.money import MONEY_PLACES, QTY_PLACES, quantize_money

__all__ = [
    "AuditorRow",
    "CustomsConsignmentRow",
    "CustomsDeclarationRow",
    "CustomsDocumentRow",
    "DistributionRow",
    "DonorRow",
    "DonorSummaryRow",
    "HaReportRow",
    "JournalRow",
    "ReceiptRow",
    "ReportFilter",
    "TrialBalanceRow",
    "TurnoverRow",
    "Words",
    "auditor_rows",
    "stream_rows",
    "customs_consignment_rows",
    "customs_declaration_rows",
    "customs_document_rows",
    "distribution_rows",
    "donor_rows",
    "donor_summary_rows",
    "ha_report_rows",
    "journal_rows",
    "receipt_rows",
    "trial_balance_rows",
    "turnover_rows",
]

#: Rows fetched per round trip while streaming.
YIELD_PER = 2000
RECEIVED_STATUSES = (ConsignmentStatus.accepted, ConsignmentStatus.closed)
ZERO_QTY = Decimal("0.000")
ZERO_UAH = Decimal("0.00")
_RETURN_KINDS = (MovementKind.return_to_donor, MovementKind.redistribution)


@dataclass(frozen=True)
class ReportFilter:
    """Who and what a report covers. Ids are already checked to belong to the organization."""

    organization_id: int
    date_from: date | None = None
    date_to: date | None = None
    partner_id: int | None = None
    agreement_id: int | None = None
    aid_type: AidType | None = None
    warehouse_id: int | None = None
    #: uk, en or de: decides which catalogue names (category) are read.
    language: str = "uk"
    #: "Today" for deadlines (days left, overdue).
    today: date | None = None


@dataclass(frozen=True)
class Words:
    """Translated words the rows contain, resolved in the report's language beforehand.

    ``labels`` maps an enum class to {member value: label}; per class, because different enums
    share values (``IntendedUse.distribution`` is "for distribution", ``PostingEvent.distribution``
    is "distribution")."""

    labels: dict[type, dict[str, str]] = field(default_factory=dict)
    yes: str = "yes"
    no: str = "no"

    def label(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, enum.Enum):
            return self.labels.get(type(value), {}).get(value.value, str(value.value))
        return str(value)

    def for_enum(self, enum_cls: type[enum.Enum]) -> dict[str, str]:
        """{member value: label} of one enum (members look up as their values)."""
        return self.labels.get(enum_cls) or {m.value: str(m.value) for m in enum_cls}


# --------------------------------------------------------------------------- helpers

def _raw(column: Any) -> Any:
    """The stored integer of a scaled column (exact sums in SQL)."""
    return sa.type_coerce(column, sa.BigInteger)


def _qty(value: Any) -> Decimal:
    return scaled_to_decimal(value, QTY_PLACES)


def _uah(value: Any) -> Decimal:
    return scaled_to_decimal(value, MONEY_PLACES)


def stream_rows(query: sa.Select[Any]) -> Iterator[Any]:
    """Execute ``query`` and yield its rows in batches (server-side cursor where available)."""
    result = db.session.execute(query, execution_options={"yield_per": YIELD_PER})
    try:
        yield from result
    finally:
        result.close()


def category_name(language: str) -> Any:
    """The category's name in ``language`` (Ukrainian when none is given)."""
    if language == "en":
        return sa.func.coalesce(sa.func.nullif(Category.name_en, ""), Category.name_uk)
    if language == "de":
        return sa.func.coalesce(sa.func.nullif(Category.name_de, ""), sa.func.nullif(Category.name_en, ""),
                                Category.name_uk)
    return Category.name_uk


def _consignment_filters(query: sa.Select[Any], f: ReportFilter, *, warehouse: bool = True) -> sa.Select[Any]:
    if f.partner_id is not None:
        query = query.where(Consignment.partner_id == f.partner_id)
    if f.agreement_id is not None:
        query = query.where(Consignment.agreement_id == f.agreement_id)
    if f.aid_type is not None:
        query = query.where(Consignment.aid_type == f.aid_type)
    if warehouse and f.warehouse_id is not None:
        query = query.where(Consignment.warehouse_id == f.warehouse_id)
    return query


def _in_period(column: Any, f: ReportFilter) -> list[Any]:
    conditions = []
    if f.date_from is not None:
        conditions.append(column >= f.date_from)
    if f.date_to is not None:
        conditions.append(column <= f.date_to)
    return conditions


def _lot_filter(f: ReportFilter) -> Any | None:
    """Consignment lines (lots) matching the partner / agreement / aid-type filters, or None."""
    if f.partner_id is None and f.agreement_id is None and f.aid_type is None:
        return None
    query = _consignment_filters(
        sa.select(ConsignmentLine.id).join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
        .where(ConsignmentLine.organization_id == f.organization_id), f, warehouse=False)
    return query


def _kind_sum(column: Any, *kinds: MovementKind, condition: Any = None) -> Any:
    """SUM of a raw scaled column over movements of these kinds (and the extra condition)."""
    test = StockMovement.kind.in_(kinds) if len(kinds) > 1 else StockMovement.kind == kinds[0]
    if condition is not None:
        test = sa.and_(test, condition)
    return sa.func.coalesce(sa.func.sum(sa.case((test, column), else_=0)), 0)


def _lot_sums(f: ReportFilter, *, by_warehouse: bool, opening: bool) -> Any:
    """A subquery of movement sums per lot (and warehouse) up to ``date_to``: opening (before
    ``date_from``) and, within the period, per kind; plus the closing balance."""
    q, v = _raw(StockMovement.quantity), _raw(StockMovement.value_uah)
    in_period = StockMovement.on >= f.date_from if (opening and f.date_from is not None) else None
    before = StockMovement.on < f.date_from if (opening and f.date_from is not None) else sa.false()
    columns = [StockMovement.line_id.label("line_id")]
    group = [StockMovement.line_id]
    if by_warehouse:
        columns.append(StockMovement.warehouse_id.label("warehouse_id"))
        group.append(StockMovement.warehouse_id)

    def period(kind_columns: tuple[MovementKind, ...], value: Any, name: str) -> Any:
        return _kind_sum(value, *kind_columns, condition=in_period).label(name)

    columns += [
        sa.func.coalesce(sa.func.sum(sa.case((before, q), else_=0)), 0).label("opening_q"),
        sa.func.coalesce(sa.func.sum(sa.case((before, v), else_=0)), 0).label("opening_v"),
        period((MovementKind.receipt,), q, "receipt_q"), period((MovementKind.receipt,), v, "receipt_v"),
        period((MovementKind.issue,), q, "issue_q"), period((MovementKind.issue,), v, "issue_v"),
        period((MovementKind.write_off,), q, "write_off_q"), period((MovementKind.write_off,), v, "write_off_v"),
        period(_RETURN_KINDS, q, "return_q"), period(_RETURN_KINDS, v, "return_v"),
        period((MovementKind.transfer,), q, "transfer_q"), period((MovementKind.transfer,), v, "transfer_v"),
        period((MovementKind.count_adjustment,), q, "count_q"),
        period((MovementKind.count_adjustment,), v, "count_v"),
        sa.func.coalesce(sa.func.sum(q), 0).label("closing_q"),
        sa.func.coalesce(sa.func.sum(v), 0).label("closing_v"),
        sa.func.count().label("movements"),
        sa.func.coalesce(sa.func.sum(sa.case((in_period if in_period is not None else sa.true(), 1), else_=0)),
                         0).label("period_movements"),
    ]
    query = sa.select(*columns).where(StockMovement.organization_id == f.organization_id).group_by(*group)
    if f.date_to is not None:
        query = query.where(StockMovement.on <= f.date_to)
    if by_warehouse and f.warehouse_id is not None:
        query = query.where(StockMovement.warehouse_id == f.warehouse_id)
    return query.subquery()


# --------------------------------------------------------------------------- receipts register

class ReceiptRow(NamedTuple):
    """One accepted consignment line (a lot) as received into the books."""

    number: str
    accepted_on: date | None
    aid_type: str
    partner: str
    agreement: str
    declaration_code: str
    position: int
    name: str
    category: str
    unit: str
    quantity: Decimal
    unit_value: Decimal | None
    currency: str
    value: Decimal | None
    rate: Decimal | None
    rate_on: date | None
    value_uah: Decimal | None
    lot: str
    expiry_on: date | None
    condition: str
    intended_use: str
    warehouse: str


def receipt_query(f: ReportFilter) -> sa.Select[Any]:
    """Lines of consignments accepted in the period (accepted or closed), in the order received."""
    query = (
        sa.select(Consignment.number, Consignment.accepted_on, Consignment.aid_type, Partner.name,
                  sa.func.coalesce(Agreement.number, ""), Consignment.declaration_code, ConsignmentLine.position,
                  ConsignmentLine.name, category_name(f.language), Unit.code, ConsignmentLine.quantity,
                  ConsignmentLine.unit_value, ConsignmentLine.currency, ConsignmentLine.value, ConsignmentLine.rate,
                  ConsignmentLine.rate_on, ConsignmentLine.value_uah, ConsignmentLine.lot, ConsignmentLine.expiry_on,
                  ConsignmentLine.condition, ConsignmentLine.intended_use, sa.func.coalesce(Warehouse.name, ""))
        .select_from(ConsignmentLine)
        .join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
        .join(Partner, Partner.id == Consignment.partner_id)
        .outerjoin(Agreement, Agreement.id == Consignment.agreement_id)
        .join(Category, Category.id == ConsignmentLine.category_id)
        .join(Unit, Unit.id == ConsignmentLine.unit_id)
        .outerjoin(Warehouse, Warehouse.id == Consignment.warehouse_id)
        .where(ConsignmentLine.organization_id == f.organization_id,
               Consignment.status.in_(RECEIVED_STATUSES), *_in_period(Consignment.accepted_on, f))
        .order_by(Consignment.accepted_on, Consignment.number, ConsignmentLine.position, ConsignmentLine.id)
    )
    return _consignment_filters(query, f)


def receipt_rows(f: ReportFilter, words: Words) -> Iterator[ReceiptRow]:
    """The receipts register: one row per accepted line; its UAH total is the sum of the
    accepted lines' ``value_uah``."""
    aid, condition, use = words.for_enum(AidType), words.for_enum(Condition), words.for_enum(IntendedUse)
    make = ReceiptRow._make
    for r in stream_rows(receipt_query(f)):
        yield make((r[0], r[1], aid[r[2]], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
                    r[14], r[15], r[16], r[17], r[18], condition[r[19]], use[r[20]], r[21]))


# --------------------------------------------------------------------------- customs register

class CustomsConsignmentRow(NamedTuple):
    number: str
    aid_type: str
    partner: str
    status: str
    declaration_code: str
    dispatched_on: date | None
    arrived_on: date | None
    cleared_on: date | None
    declarations: str
    duty_exempted_uah: Decimal
    vat_exempted_uah: Decimal
    documents_present: int
    documents_missing: int
    missing: str
    report_due_on: date | None
    reported_on: date | None
    days_left: int | None
    deadline: str


class CustomsDeclarationRow(NamedTuple):
    number: str
    partner: str
    kind: str
    declaration_number: str
    customs_office: str
    checkpoint: str
    status: str
    submitted_on: date | None
    cleared_on: date | None
    duty_exempted_uah: Decimal | None
    vat_exempted_uah: Decimal | None


class CustomsDocumentRow(NamedTuple):
    number: str
    document_type: str
    required: str
    state: str
    document_number: str
    issued_on: date | None
    issuer: str
    status: str


def _customs_reference_date() -> Any:
    return sa.func.coalesce(Consignment.cleared_on, Consignment.arrived_on, Consignment.dispatched_on,
                            Consignment.valuation_on)


def customs_consignments(f: ReportFilter) -> Iterator[Consignment]:
    """Consignments that go (or went) through customs or carry declarations, whose clearance
    (else arrival, dispatch or valuation) date falls in the period; not cancelled ones."""
    has_declaration = sa.exists().where(CustomsDeclaration.consignment_id == Consignment.id)
    needs_customs = sa.and_(Consignment.origin == Origin.abroad, Consignment.goods_kind == GoodsKind.goods)
    query = (sa.select(Consignment)
             .where(Consignment.organization_id == f.organization_id,
                    Consignment.status != ConsignmentStatus.cancelled,
                    sa.or_(needs_customs, has_declaration), *_in_period(_customs_reference_date(), f))
             .order_by(_customs_reference_date(), Consignment.number))
    query = _consignment_filters(query, f)
    result = db.session.scalars(query, execution_options={"yield_per": 200})
    try:
        yield from result
    finally:
        result.close()


def _document_name(document_type: Any, language: str) -> str:
    return document_type.display_name(language)


def customs_consignment_rows(f: ReportFilter, words: Words) -> Iterator[CustomsConsignmentRow]:
    """One row per consignment: its declarations, exempted duty and VAT, the document checklist
    (present / missing, the missing ones named) and the report deadline."""
    from tracker.customs.checklist import build_checklist
    from tracker.customs.deadlines import deadline

    today = f.today or date.today()
    for c in customs_consignments(f):
        duty = sum((d.duty_exempted_uah or ZERO_UAH for d in c.declarations), ZERO_UAH)
        vat = sum((d.vat_exempted_uah or ZERO_UAH for d in c.declarations), ZERO_UAH)
        declared = "; ".join(
            " ".join(p for p in (words.label(d.kind), d.number, f"({words.label(d.status)})") if p)
            for d in c.declarations)
        checklist = build_checklist(c)
        missing = checklist.missing
        due = deadline(c, today)
        yield CustomsConsignmentRow(
            c.number, words.label(c.aid_type), c.partner.name, words.label(c.status), c.declaration_code,
            c.dispatched_on, c.arrived_on, c.cleared_on, declared, duty, vat, len(checklist.present), len(missing),
            ", ".join(_document_name(i.document_type, f.language) for i in missing),
            c.report_due_on, c.reported_on,
            None if due is None or due.reported_on is not None else due.days_left,
            "" if due is None else words.label(due.level))


def customs_declaration_rows(f: ReportFilter, words: Words) -> Iterator[CustomsDeclarationRow]:
    """Every declaration of the register's consignments."""
    for c in customs_consignments(f):
        for d in c.declarations:
            yield CustomsDeclarationRow(c.number, c.partner.name, words.label(d.kind), d.number, d.customs_office,
                                        d.checkpoint, words.label(d.status), d.submitted_on, d.cleared_on,
                                        d.duty_exempted_uah, d.vat_exempted_uah)


def customs_document_rows(f: ReportFilter, words: Words) -> Iterator[CustomsDocumentRow]:
    """Every checklist item of the register's consignments: required documents present or
    missing, and documents on file that no rule requires."""
    from tracker.customs.checklist import build_checklist

    for c in customs_consignments(f):
        for item in build_checklist(c).items:
            name = _document_name(item.document_type, f.language)
            required = words.yes if item.required else words.no
            if not item.documents:
                yield CustomsDocumentRow(c.number, name, required, words.label(item.state), "", None, "", "")
            for doc in item.documents:
                yield CustomsDocumentRow(c.number, name, required, words.label(item.state), doc.number,
                                         doc.issued_on, doc.issuer, words.label(doc.status))


# --------------------------------------------------------------------------- stock turnover

class TurnoverRow(NamedTuple):
    """A lot in a warehouse over the period, quantity and UAH."""

    category: str
    number: str
    name: str
    lot: str
    unit: str
    warehouse: str
    opening_qty: Decimal
    opening_uah: Decimal
    received_qty: Decimal
    received_uah: Decimal
    issued_qty: Decimal
    issued_uah: Decimal
    written_off_qty: Decimal
    written_off_uah: Decimal
    returned_qty: Decimal
    returned_uah: Decimal
    transferred_qty: Decimal
    transferred_uah: Decimal
    adjusted_qty: Decimal
    adjusted_uah: Decimal
    closing_qty: Decimal
    closing_uah: Decimal


def turnover_query(f: ReportFilter) -> sa.Select[Any]:
    s = _lot_sums(f, by_warehouse=True, opening=True)
    cat = category_name(f.language)
    query = (
        sa.select(cat, Consignment.number, ConsignmentLine.name, ConsignmentLine.lot, Unit.code, Warehouse.name,
                  s.c.opening_q, s.c.opening_v, s.c.receipt_q, s.c.receipt_v, s.c.issue_q, s.c.issue_v,
                  s.c.write_off_q, s.c.write_off_v, s.c.return_q, s.c.return_v, s.c.transfer_q, s.c.transfer_v,
                  s.c.count_q, s.c.count_v, s.c.closing_q, s.c.closing_v)
        .select_from(s)
        .join(ConsignmentLine, ConsignmentLine.id == s.c.line_id)
        .join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
        .join(Category, Category.id == ConsignmentLine.category_id)
        .join(Unit, Unit.id == ConsignmentLine.unit_id)
        .join(Warehouse, Warehouse.id == s.c.warehouse_id)
        .where(ConsignmentLine.organization_id == f.organization_id,
               sa.or_(s.c.opening_q != 0, s.c.opening_v != 0, s.c.period_movements > 0))
        .order_by(cat, Category.id, Consignment.number, ConsignmentLine.position, ConsignmentLine.id, Warehouse.name)
    )
    return _consignment_filters(query, f, warehouse=False)


def turnover_rows(f: ReportFilter, words: Words) -> Iterator[TurnoverRow]:
    """The stock turnover statement: per lot and warehouse with an opening balance or a movement
    in the period, sorted by category (the statement's groups)."""
    q, v = _qty, _uah
    for r in stream_rows(turnover_query(f)):
        yield TurnoverRow(r[0], r[1], r[2], r[3], r[4], r[5], q(r[6]), v(r[7]), q(r[8]), v(r[9]), -q(r[10]),
                          -v(r[11]), -q(r[12]), -v(r[13]), -q(r[14]), -v(r[15]), q(r[16]), v(r[17]), q(r[18]),
                          v(r[19]), q(r[20]), v(r[21]))


# --------------------------------------------------------------------------- distributions

class DistributionRow(NamedTuple):
    """One line of a posted distribution; the lines of a reversal are negative."""

    number: str
    on: date
    status: str
    recipient_kind: str
    recipient_name: str
    recipient_edrpou: str
    beneficiary_category: str
    beneficiaries_count: int | None
    purpose: str
    consignment: str
    name: str
    lot: str
    unit: str
    warehouse: str
    quantity: Decimal
    value_uah: Decimal


def distribution_query(f: ReportFilter) -> sa.Select[Any]:
    query = (
        sa.select(Distribution.number, Distribution.on, Distribution.status, Distribution.reversal_of_id,
                  Distribution.recipient_kind, Distribution.recipient_name, Distribution.recipient_edrpou,
                  Distribution.beneficiary_category, Distribution.beneficiaries_count, Distribution.purpose,
                  Consignment.number, ConsignmentLine.name, ConsignmentLine.lot, Unit.code, Warehouse.name,
                  _raw(DistributionLine.quantity), _raw(DistributionLine.value_uah))
        .select_from(DistributionLine)
        .join(Distribution, Distribution.id == DistributionLine.document_id)
        .join(ConsignmentLine, ConsignmentLine.id == DistributionLine.line_id)
        .join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
        .join(Unit, Unit.id == ConsignmentLine.unit_id)
        .join(Warehouse, Warehouse.id == DistributionLine.warehouse_id)
        .where(Distribution.organization_id == f.organization_id,
               Distribution.status.in_((StockDocumentStatus.posted, StockDocumentStatus.reversed)),
               *_in_period(Distribution.on, f))
        .order_by(Distribution.on, Distribution.number, DistributionLine.position, DistributionLine.id)
    )
    if f.warehouse_id is not None:
        query = query.where(DistributionLine.warehouse_id == f.warehouse_id)
    return _consignment_filters(query, f, warehouse=False)


def distribution_rows(f: ReportFilter, words: Words, *, reversal_label: str = "") -> Iterator[DistributionRow]:
    """The distribution register: lines of posted (and later reversed) distributions dated in
    the period, and the lines of their reversals with negative quantity and value, so that the
    totals are what was given out net."""
    label = words.label
    for r in stream_rows(distribution_query(f)):
        sign = -1 if r[3] is not None else 1
        status = reversal_label if (r[3] is not None and reversal_label) else label(r[2])
        yield DistributionRow(r[0] or "", r[1], status, label(r[4]), r[5], r[6], label(r[7]), r[8], r[9], r[10],
                              r[11], r[12], r[13], r[14], _qty(r[15] * sign), _uah((r[16] or 0) * sign))


# --------------------------------------------------------------------------- journal

class JournalRow(NamedTuple):
    """One posting of an entry: debit or credit of an account."""

    number: int
    on: date
    event: str
    description: str
    account: str
    account_name: str
    debit: Decimal | None
    credit: Decimal | None
    consignment: str
    lot: str
    warehouse: str
    memo: str
    reversal_of: int | None


def _entry_filter(f: ReportFilter) -> list[Any]:
    """Entries touching a lot of the partner / agreement / aid type, or a warehouse: whole
    entries are kept, so a filtered journal still balances."""
    conditions = []
    lots = _lot_filter(f)
    if lots is not None:
        conditions.append(JournalEntry.id.in_(sa.select(Posting.entry_id).where(
            Posting.organization_id == f.organization_id, Posting.line_id.in_(lots))))
    if f.warehouse_id is not None:
        conditions.append(JournalEntry.id.in_(sa.select(Posting.entry_id).where(
            Posting.organization_id == f.organization_id, Posting.warehouse_id == f.warehouse_id)))
    return conditions


def journal_query(f: ReportFilter) -> sa.Select[Any]:
    reversed_entry = so.aliased(JournalEntry)
    account_name = Account.name_uk if f.language == "uk" else \
        sa.func.coalesce(sa.func.nullif(Account.name_en, ""), Account.name_uk)
    return (
        sa.select(JournalEntry.number, JournalEntry.on, JournalEntry.event, JournalEntry.description, Account.code,
                  account_name, _raw(Posting.amount), sa.func.coalesce(Consignment.number, ""),
                  sa.func.coalesce(ConsignmentLine.name, ""), sa.func.coalesce(Warehouse.name, ""), Posting.memo,
                  reversed_entry.number)
        .select_from(Posting)
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .join(Account, Account.id == Posting.account_id)
        .outerjoin(ConsignmentLine, ConsignmentLine.id == Posting.line_id)
        .outerjoin(Consignment, Consignment.id == ConsignmentLine.consignment_id)
        .outerjoin(Warehouse, Warehouse.id == Posting.warehouse_id)
        .outerjoin(reversed_entry, reversed_entry.id == JournalEntry.reversal_of_id)
        .where(Posting.organization_id == f.organization_id, *_in_period(JournalEntry.on, f), *_entry_filter(f))
        .order_by(JournalEntry.on, JournalEntry.number, Posting.id)
    )


def journal_rows(f: ReportFilter, words: Words) -> Iterator[JournalRow]:
    """The journal: every posting of the entries dated in the period, debits and credits apart."""
    label = words.label
    for r in stream_rows(journal_query(f)):
        amount = _uah(r[6])
        yield JournalRow(r[0], r[1], label(r[2]), r[3], r[4], r[5], amount if amount > 0 else None,
                         -amount if amount < 0 else None, r[7], r[8], r[9], r[10], r[11])


# --------------------------------------------------------------------------- trial balance

class TrialBalanceRow(NamedTuple):
    account: str
    account_name: str
    kind: str
    opening_debit: Decimal
    opening_credit: Decimal
    debit: Decimal
    credit: Decimal
    closing_debit: Decimal
    closing_credit: Decimal


def trial_balance_rows(f: ReportFilter, words: Words) -> Iterator[TrialBalanceRow]:
    """Opening balance, turnover and closing balance per account (as ``tracker.ledger.service.
    trial_balance`` computes it); with lot or warehouse filters, over the entries touching them."""
    cents = _raw(Posting.amount)
    in_range: Any = sa.true()
    before: Any = sa.false()
    if f.date_from is not None:
        in_range = sa.and_(in_range, JournalEntry.on >= f.date_from)
        before = JournalEntry.on < f.date_from
    if f.date_to is not None:
        in_range = sa.and_(in_range, JournalEntry.on <= f.date_to)
    query = (
        sa.select(Posting.account_id,
                  sa.func.sum(sa.case((before, cents), else_=0)),
                  sa.func.sum(sa.case((sa.and_(in_range, cents > 0), cents), else_=0)),
                  sa.func.sum(sa.case((sa.and_(in_range, cents < 0), -cents), else_=0)))
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .where(Posting.organization_id == f.organization_id, *_entry_filter(f))
        .group_by(Posting.account_id)
    )
    if f.date_to is not None:
        query = query.where(JournalEntry.on <= f.date_to)
    sums = {account_id: (_uah(o), _uah(d), _uah(c)) for account_id, o, d, c in db.session.execute(query)}
    filtered = bool(_entry_filter(f))
    accounts = db.session.scalars(sa.select(Account).where(Account.organization_id == f.organization_id)
                                  .order_by(Account.code))
    for account in accounts:
        opening, debit, credit = sums.get(account.id, (ZERO_UAH,) * 3)
        if not (opening or debit or credit) and (filtered or not account.active):
            continue
        closing = opening + debit - credit
        yield TrialBalanceRow(account.code, account.display_name(f.language), words.label(account.kind),
                              max(opening, ZERO_UAH), max(-opening, ZERO_UAH), debit, credit,
                              max(closing, ZERO_UAH), max(-closing, ZERO_UAH))


# --------------------------------------------------------------------------- lots: HA report, donor, auditor

def _lots(f: ReportFilter, s: Any, columns: Iterable[Any], *, received_from: bool) -> sa.Select[Any]:
    """``columns`` of the stocked lines of consignments received by ``date_to`` (from
    ``date_from`` too with ``received_from``), outer-joined with the movement sums ``s`` (a lot
    without movements still appears, with zeros)."""
    period = [Consignment.accepted_on <= f.date_to] if f.date_to is not None else []
    if received_from and f.date_from is not None:
        period.append(Consignment.accepted_on >= f.date_from)
    query = (
        sa.select(*columns)
        .select_from(ConsignmentLine)
        .join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
        .join(Partner, Partner.id == Consignment.partner_id)
        .join(Category, Category.id == ConsignmentLine.category_id)
        .join(Unit, Unit.id == ConsignmentLine.unit_id)
        .outerjoin(s, s.c.line_id == ConsignmentLine.id)
        .where(ConsignmentLine.organization_id == f.organization_id, Consignment.status.in_(RECEIVED_STATUSES),
               Consignment.goods_kind == GoodsKind.goods, Category.non_stock.is_(False), *period)
    )
    return _consignment_filters(query, f)


def _sum(value: Any) -> Any:
    return sa.func.coalesce(value, 0)


class HaReportRow(NamedTuple):
    """A line of an HA declaration: declared, and what became of it by the end of the period."""

    declaration: str
    number: str
    cleared_on: date | None
    report_due_on: date | None
    reported_on: date | None
    position: int
    name: str
    unit: str
    declared_qty: Decimal
    declared_uah: Decimal | None
    distributed_qty: Decimal
    distributed_uah: Decimal
    written_off_qty: Decimal
    written_off_uah: Decimal
    returned_qty: Decimal
    returned_uah: Decimal
    on_hand_qty: Decimal
    on_hand_uah: Decimal


def ha_report_rows(f: ReportFilter, words: Words) -> Iterator[HaReportRow]:
    """The HA report on availability and distribution: the humanitarian consignments cleared in
    the period, line by line as declared, with what was distributed, written off (count
    differences included), returned or redistributed, and what is on hand at the period's end."""
    s = _lot_sums(f, by_warehouse=False, opening=False)
    declaration = sa.func.coalesce(sa.func.nullif(Consignment.declaration_code, ""), Consignment.number)
    query = (
        sa.select(declaration, Consignment.number, Consignment.cleared_on, Consignment.report_due_on,
                  Consignment.reported_on, ConsignmentLine.position, ConsignmentLine.name, Unit.code,
                  ConsignmentLine.quantity, ConsignmentLine.value_uah, _sum(s.c.issue_q), _sum(s.c.issue_v),
                  _sum(s.c.write_off_q) + _sum(s.c.count_q), _sum(s.c.write_off_v) + _sum(s.c.count_v),
                  _sum(s.c.return_q), _sum(s.c.return_v), _sum(s.c.closing_q), _sum(s.c.closing_v))
        .select_from(ConsignmentLine)
        .join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
        .join(Unit, Unit.id == ConsignmentLine.unit_id)
        .outerjoin(s, s.c.line_id == ConsignmentLine.id)
        .where(ConsignmentLine.organization_id == f.organization_id, Consignment.aid_type == AidType.humanitarian,
               Consignment.status != ConsignmentStatus.cancelled, Consignment.cleared_on.is_not(None),
               *_in_period(Consignment.cleared_on, f))
        .order_by(declaration, Consignment.number, ConsignmentLine.position, ConsignmentLine.id)
    )
    query = _consignment_filters(query, f)
    q, v = _qty, _uah
    for r in stream_rows(query):
        yield HaReportRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], -q(r[10]), -v(r[11]),
                          -q(r[12]), -v(r[13]), -q(r[14]), -v(r[15]), q(r[16]), v(r[17]))


class DonorRow(NamedTuple):
    """A lot received from the donor in the period and what became of it by the period's end,
    in UAH and in the donor's currency (the currency shares follow the quantities)."""

    partner: str
    number: str
    accepted_on: date | None
    agreement: str
    category: str
    name: str
    unit: str
    currency: str
    received_qty: Decimal
    received_value: Decimal
    received_uah: Decimal
    distributed_qty: Decimal
    distributed_value: Decimal
    distributed_uah: Decimal
    written_off_qty: Decimal
    written_off_value: Decimal
    written_off_uah: Decimal
    returned_qty: Decimal
    returned_value: Decimal
    returned_uah: Decimal
    on_hand_qty: Decimal
    on_hand_value: Decimal
    on_hand_uah: Decimal


def _donor_query(f: ReportFilter) -> sa.Select[Any]:
    s = _lot_sums(f, by_warehouse=False, opening=False)
    columns = (Partner.name, Consignment.number, Consignment.accepted_on, sa.func.coalesce(Agreement.number, ""),
               category_name(f.language), ConsignmentLine.name, Unit.code, ConsignmentLine.currency,
               ConsignmentLine.quantity, ConsignmentLine.value, ConsignmentLine.value_uah,
               _sum(s.c.issue_q), _sum(s.c.issue_v), _sum(s.c.write_off_q) + _sum(s.c.count_q),
               _sum(s.c.write_off_v) + _sum(s.c.count_v), _sum(s.c.return_q), _sum(s.c.return_v),
               _sum(s.c.closing_q), _sum(s.c.closing_v))
    return (_lots(f, s, columns, received_from=True)
            .outerjoin(Agreement, Agreement.id == Consignment.agreement_id)
            .order_by(Partner.name, Partner.id, Consignment.accepted_on, Consignment.number,
                      ConsignmentLine.position, ConsignmentLine.id))


def _share(total: Decimal, part: Decimal, whole: Decimal, currency: str) -> Decimal:
    """``total × part / whole`` rounded to the currency (the donor-currency value of a quantity)."""
    if whole == 0 or part == 0:
        return quantize_money(Decimal(0), currency)
    if part == whole:
        return total
    return quantize_money(total * part / whole, currency)


def donor_rows(f: ReportFilter, words: Words) -> Iterator[DonorRow]:
    """The donor statement per lot, grouped by partner. UAH figures are the stock ledger's; the
    donor-currency figures are the line's value shared by quantity, and what is on hand is the
    rest, so received = distributed + written off + returned + on hand in both."""
    q, v = _qty, _uah
    for r in stream_rows(_donor_query(f)):
        qty, value, value_uah = r[8], r[9] or ZERO_UAH, r[10] or ZERO_UAH
        currency = r[7]
        dq, wq, rq = -q(r[11]), -q(r[13]), -q(r[15])
        dv = _share(value, dq, qty, currency)
        wv = _share(value, wq, qty, currency)
        rv = _share(value, rq, qty, currency)
        yield DonorRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], currency, qty, value, value_uah,
                       dq, dv, -v(r[12]), wq, wv, -v(r[14]), rq, rv, -v(r[16]),
                       q(r[17]), value - dv - wv - rv, v(r[18]))


class DonorSummaryRow(NamedTuple):
    """Totals per partner and currency of the donor statement."""

    partner: str
    currency: str
    lots: int
    received_value: Decimal
    received_uah: Decimal
    distributed_value: Decimal
    distributed_uah: Decimal
    written_off_value: Decimal
    written_off_uah: Decimal
    returned_value: Decimal
    returned_uah: Decimal
    on_hand_value: Decimal
    on_hand_uah: Decimal


def donor_summary_rows(f: ReportFilter, words: Words) -> Iterator[DonorSummaryRow]:
    """The donor statement summed per partner and currency (a second pass over the lots)."""
    totals: dict[tuple[str, str], list[Any]] = {}
    for row in donor_rows(f, words):
        acc = totals.setdefault((row.partner, row.currency), [0] + [ZERO_UAH] * 10)
        acc[0] += 1
        for i, value in enumerate((row.received_value, row.received_uah, row.distributed_value, row.distributed_uah,
                                   row.written_off_value, row.written_off_uah, row.returned_value,
                                   row.returned_uah, row.on_hand_value, row.on_hand_uah), 1):
            acc[i] += value
    for (partner, currency), acc in totals.items():  # insertion order = the lots' order (partner)
        yield DonorSummaryRow(partner, currency, *acc)


class AuditorRow(NamedTuple):
    """Reconciliation of one lot at the period's end: received = issued + written off +
    returned − count differences + on hand; the difference should be zero."""

    number: str
    accepted_on: date | None
    partner: str
    name: str
    lot: str
    unit: str
    received_qty: Decimal
    issued_qty: Decimal
    written_off_qty: Decimal
    returned_qty: Decimal
    adjusted_qty: Decimal
    on_hand_qty: Decimal
    difference_qty: Decimal
    received_uah: Decimal
    issued_uah: Decimal
    written_off_uah: Decimal
    returned_uah: Decimal
    adjusted_uah: Decimal
    on_hand_uah: Decimal
    difference_uah: Decimal


def _auditor_query(f: ReportFilter) -> sa.Select[Any]:
    # Lifetime sums up to date_to: the period only selects the lots (received in it, moved in
    # it, or on hand at its start).
    s = _lot_sums(f, by_warehouse=False, opening=False)
    opening = _lot_sums(f, by_warehouse=False, opening=True)
    columns = (Consignment.number, Consignment.accepted_on, Partner.name, ConsignmentLine.name, ConsignmentLine.lot,
               Unit.code, ConsignmentLine.quantity, ConsignmentLine.value_uah,
               _sum(s.c.issue_q), _sum(s.c.issue_v), _sum(s.c.write_off_q), _sum(s.c.write_off_v),
               _sum(s.c.return_q), _sum(s.c.return_v), _sum(s.c.count_q), _sum(s.c.count_v),
               _sum(s.c.closing_q), _sum(s.c.closing_v))
    query = _lots(f, s, columns, received_from=False).outerjoin(opening, opening.c.line_id == ConsignmentLine.id)
    if f.date_from is not None:
        query = query.where(sa.or_(Consignment.accepted_on >= f.date_from, _sum(opening.c.period_movements) > 0,
                                   _sum(opening.c.opening_q) != 0, _sum(opening.c.opening_v) != 0))
    return query.order_by(Consignment.accepted_on, Consignment.number, ConsignmentLine.position, ConsignmentLine.id)


def auditor_rows(f: ReportFilter, words: Words, *, only_differences: bool = False) -> Iterator[AuditorRow]:
    """Per lot: received (as accepted), issued, written off, returned (net of reversals), count
    differences (+ surplus), on hand at the period's end, and the difference
    ``received − issued − written off − returned + adjusted − on hand`` (should be zero)."""
    q, v = _qty, _uah
    for r in stream_rows(_auditor_query(f)):
        received_q, received_v = r[6], r[7] or ZERO_UAH
        issued_q, issued_v = -q(r[8]), -v(r[9])
        wo_q, wo_v = -q(r[10]), -v(r[11])
        ret_q, ret_v = -q(r[12]), -v(r[13])
        adj_q, adj_v = q(r[14]), v(r[15])
        hand_q, hand_v = q(r[16]), v(r[17])
        diff_q = received_q - issued_q - wo_q - ret_q + adj_q - hand_q
        diff_v = received_v - issued_v - wo_v - ret_v + adj_v - hand_v
        if only_differences and not (diff_q or diff_v):
            continue
        yield AuditorRow(r[0], r[1], r[2], r[3], r[4], r[5], received_q, issued_q, wo_q, ret_q, adj_q, hand_q,
                         diff_q, received_v, issued_v, wo_v, ret_v, adj_v, hand_v, diff_v)


#: A row source: (filter, words) → rows.
RowSource = Callable[[ReportFilter, Words], Iterator[Any]]
