"""What the auditor report adds to the registers: the write-off register and the exceptions.

The auditor report of a period (DESIGN.md §5) prints the registers with their totals (receipts
and distributions from ``reports/datasets.py``, write-offs from here), the per-lot
reconciliation received = issued + written off + returned + on hand with every difference
(the "auditor" dataset), and the *exceptions*: everything an auditor asks about first —

* consignments whose required documents are missing (or were accepted over the missing ones);
* HA reports on availability and distribution overdue at the period's end, or filed late;
* expired goods still on hand at the period's end;
* negative balances and unposted items: draft stock documents dated up to the period's end,
  consignments that arrived but were not accepted into the books;
* months of the period that were reopened after being closed (who, when, why);
* problems of the integrity checks (``flask tracker check``) for the organization.

Rows stream as immutable tuples, like ``reports/queries.py``; the caller passes the checked
:class:`~tracker.reports.queries.ReportFilter` and translates the labels beforehand.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.extensions import db
from tracker.models import (
    Consignment,
    ConsignmentLine,
    ConsignmentStatus,
    Distribution,
    Period,
    PeriodEvent,
    StockCount,
    StockDocumentStatus,
    StockReturn,
    Transfer,
    Unit,
    User,
    Warehouse,
    WriteOff,
    WriteOffLine,
)
from tracker.money import QTY_PLACES, format_amount, format_money
from tracker.reports import queries
from tracker.reports.queries import ReportFilter, Words
from tracker.reports.rows import ColumnKind, ColumnSpec, Section, Total, format_date

__all__ = ["EXCEPTION_KINDS", "ExceptionRow", "WriteOffRow", "exception_rows", "exception_section",
           "write_off_rows", "write_off_section"]

ZERO_UAH = Decimal("0.00")

#: Kinds of exceptions, in the order the report lists them.
EXCEPTION_KINDS: dict[str, Any] = {
    "missing_documents": _l("Missing documents"),
    "documents_override": _l("Accepted without required documents"),
    "report_overdue": _l("HA report overdue"),
    "report_late": _l("HA report filed late"),
    "expired_on_hand": _l("Expired stock on hand"),
    "negative_balance": _l("Negative balance"),
    "unposted_document": _l("Unposted document"),
    "not_accepted": _l("Arrived, not accepted"),
    "reopened_period": _l("Reopened period"),
    "integrity": _l("Integrity check"),
}

#: Stock documents whose drafts count as unposted items, with their labels.
_DRAFT_MODELS: tuple[tuple[type[Any], Any], ...] = (
    (Distribution, _l("Distribution")), (WriteOff, _l("Write-off")), (Transfer, _l("Transfer")),
    (StockCount, _l("Stock count")), (StockReturn, _l("Return / redistribution")),
)


def _end(f: ReportFilter) -> date:
    """The day the exceptions are judged on: the period's end, else today."""
    return f.date_to or f.today or date.today()


# --------------------------------------------------------------------------- write-off register

class WriteOffRow(NamedTuple):
    """One line of a posted (or later reversed) write-off, or of its reversal (negative)."""

    number: str
    on: date
    status: str
    commission: str
    consignment: str
    name: str
    lot: str
    unit: str
    warehouse: str
    reason: str
    quantity: Decimal
    value_uah: Decimal


def write_off_rows(f: ReportFilter, words: Words, *, reasons: dict[str, str] | None = None,
                   reversal_label: str = "") -> Iterator[WriteOffRow]:
    """Write-off lines dated in the period; reversals with negative quantity and value, so the
    totals are what was written off net (as in the distribution register)."""
    query = (
        sa.select(WriteOff.number, WriteOff.on, WriteOff.status, WriteOff.reversal_of_id, WriteOff.commission_members,
                  Consignment.number, ConsignmentLine.name, ConsignmentLine.lot, Unit.code, Warehouse.name,
                  WriteOffLine.reason, WriteOffLine.quantity, WriteOffLine.value_uah)
        .select_from(WriteOffLine)
        .join(WriteOff, WriteOff.id == WriteOffLine.document_id)
        .join(ConsignmentLine, ConsignmentLine.id == WriteOffLine.line_id)
        .join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
        .join(Unit, Unit.id == ConsignmentLine.unit_id)
        .join(Warehouse, Warehouse.id == WriteOffLine.warehouse_id)
        .where(WriteOff.organization_id == f.organization_id,
               WriteOff.status.in_((StockDocumentStatus.posted, StockDocumentStatus.reversed)),
               *queries._in_period(WriteOff.on, f))
        .order_by(WriteOff.on, WriteOff.number, WriteOffLine.position, WriteOffLine.id)
    )
    if f.warehouse_id is not None:
        query = query.where(WriteOffLine.warehouse_id == f.warehouse_id)
    query = queries._consignment_filters(query, f, warehouse=False)
    reasons = reasons or {}
    for r in queries.stream_rows(query):
        sign = -1 if r[3] is not None else 1
        status = reversal_label if (r[3] is not None and reversal_label) else words.label(r[2])
        commission = ", ".join(line.strip() for line in (r[4] or "").splitlines() if line.strip())
        yield WriteOffRow(r[0] or "", r[1], status, commission, r[5], r[6], r[7], r[8], r[9],
                          reasons.get(r[10].value, r[10].value), r[11] * sign, (r[12] or ZERO_UAH) * sign)


def write_off_section(f: ReportFilter, words: Words) -> Section:
    """The write-off register as a section (call inside the report's ``force_locale``)."""
    from tracker.models import WriteOffReason
    from tracker.web.labels import label

    T, Q, M, DT = ColumnKind.TEXT, ColumnKind.QTY, ColumnKind.MONEY, ColumnKind.DATE
    columns = [
        ColumnSpec("number", _("Number"), T, width=12),
        ColumnSpec("on", _("Date"), DT),
        ColumnSpec("status", _("Status"), T, width=10),
        ColumnSpec("commission", _("Commission"), T, width=22),
        ColumnSpec("consignment", _("Consignment"), T, width=11),
        ColumnSpec("name", _("Name"), T, width=28),
        ColumnSpec("lot", _("Lot"), T, width=10),
        ColumnSpec("unit", _("Unit"), T, width=6),
        ColumnSpec("warehouse", _("Warehouse"), T, width=16),
        ColumnSpec("reason", _("Reason"), T, width=14),
        ColumnSpec("quantity", _("Quantity"), Q),
        ColumnSpec("value_uah", _("Value, UAH"), M, total=Total.SUM),
    ]
    reasons = {reason.value: label(reason) for reason in WriteOffReason}
    return Section(_("Write-off register"), columns,
                   write_off_rows(f, words, reasons=reasons, reversal_label=_("Reversal")),
                   sheet_name=_("Write-offs"))


# --------------------------------------------------------------------------- exceptions

class ExceptionRow(NamedTuple):
    """Something the auditor should look at: what, which record, when, and the details."""

    kind: str
    reference: str
    on: date | None
    details: str


def _label(kind: str) -> str:
    return str(EXCEPTION_KINDS[kind])


def _missing_documents(f: ReportFilter) -> Iterator[ExceptionRow]:
    from tracker.customs.checklist import build_checklist

    end = _end(f)
    reference = sa.func.coalesce(Consignment.accepted_on, Consignment.cleared_on, Consignment.arrived_on,
                                 Consignment.dispatched_on, Consignment.valuation_on)
    query = (sa.select(Consignment)
             .where(Consignment.organization_id == f.organization_id,
                    Consignment.status.not_in((ConsignmentStatus.cancelled, ConsignmentStatus.draft)),
                    reference <= end, *([reference >= f.date_from] if f.date_from else []))
             .order_by(reference, Consignment.number))
    query = queries._consignment_filters(query, f)
    for consignment in db.session.scalars(query):
        missing = build_checklist(consignment).missing
        if missing:
            names = ", ".join(item.document_type.display_name(f.language) for item in missing)
            yield ExceptionRow(_label("missing_documents"), consignment.number,
                               consignment.accepted_on or consignment.cleared_on, names)
        if consignment.documents_override_reason:
            yield ExceptionRow(_label("documents_override"), consignment.number, consignment.accepted_on,
                               consignment.documents_override_reason)


def _reports(f: ReportFilter) -> Iterator[ExceptionRow]:
    end = _end(f)
    query = (sa.select(Consignment)
             .where(Consignment.organization_id == f.organization_id,
                    Consignment.status != ConsignmentStatus.cancelled,
                    Consignment.report_due_on.is_not(None), Consignment.report_due_on < end,
                    sa.or_(Consignment.reported_on.is_(None), Consignment.reported_on > Consignment.report_due_on))
             .order_by(Consignment.report_due_on, Consignment.number))
    query = queries._consignment_filters(query, f)
    for c in db.session.scalars(query):
        due = format_date(c.report_due_on)
        if c.reported_on is None or c.reported_on > end:
            days = (end - c.report_due_on).days
            yield ExceptionRow(_label("report_overdue"), c.number, c.report_due_on,
                               _("%(code)s: due %(due)s, not filed by %(end)s (%(days)d days overdue).",
                                 code=c.declaration_code or c.number, due=due, end=format_date(end), days=days))
        elif f.date_from is None or c.reported_on >= f.date_from:
            yield ExceptionRow(_label("report_late"), c.number, c.reported_on,
                               _("%(code)s: due %(due)s, filed %(filed)s.", code=c.declaration_code or c.number,
                                 due=due, filed=format_date(c.reported_on)))


def _stock(f: ReportFilter) -> Iterator[ExceptionRow]:
    from tracker.stock.balances import StockFilters, balances

    end = _end(f)
    rows = balances(f.organization_id, end, StockFilters(warehouse_id=f.warehouse_id, partner_id=f.partner_id,
                                                         aid_type=f.aid_type))
    lots: set[int] | None = None
    if f.agreement_id is not None:
        lots = set(db.session.scalars(
            sa.select(ConsignmentLine.id).join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
            .where(Consignment.organization_id == f.organization_id, Consignment.agreement_id == f.agreement_id)))
    for row in rows:
        if lots is not None and row.line_id not in lots:
            continue
        what = ", ".join(p for p in (row.name, row.lot, row.warehouse) if p)
        amount = f"{format_amount(row.quantity, QTY_PLACES)} {row.unit}, {format_money(row.value_uah, 'UAH')}"
        if row.quantity < 0 or row.value_uah < 0:
            yield ExceptionRow(_label("negative_balance"), row.consignment_number, end,
                               _("%(what)s: %(amount)s.", what=what, amount=amount))
        elif row.expiry_on is not None and row.expiry_on < end and row.quantity > 0:
            yield ExceptionRow(_label("expired_on_hand"), row.consignment_number, row.expiry_on,
                               _("%(what)s: expired %(date)s, on hand %(amount)s.", what=what,
                                 date=format_date(row.expiry_on), amount=amount))


def _unposted(f: ReportFilter) -> Iterator[ExceptionRow]:
    end = _end(f)
    for model, kind_label in _DRAFT_MODELS:
        drafts = db.session.scalars(
            sa.select(model).where(model.organization_id == f.organization_id,
                                   model.status == StockDocumentStatus.draft, model.on <= end)
            .order_by(model.on, model.id))
        for doc in drafts:
            yield ExceptionRow(_label("unposted_document"), f"{kind_label} #{doc.id}", doc.on,
                               _("A draft dated %(date)s is not posted: it is not in the books.",
                                 date=format_date(doc.on)))
    arrived = sa.func.coalesce(Consignment.arrived_on, Consignment.cleared_on)
    query = (sa.select(Consignment)
             .where(Consignment.organization_id == f.organization_id, arrived.is_not(None), arrived <= end,
                    Consignment.status.in_((ConsignmentStatus.in_transit, ConsignmentStatus.at_customs,
                                            ConsignmentStatus.cleared)))
             .order_by(arrived, Consignment.number))
    for c in db.session.scalars(queries._consignment_filters(query, f)):
        on = c.arrived_on or c.cleared_on
        yield ExceptionRow(_label("not_accepted"), c.number, on,
                           _("Arrived %(date)s and not accepted into the books by %(end)s.",
                             date=format_date(on), end=format_date(end)))


def _reopened(f: ReportFilter) -> Iterator[ExceptionRow]:
    end = _end(f)
    start = f.date_from or date(1900, 1, 1)
    month_key = Period.year * 100 + Period.month
    query = (sa.select(PeriodEvent, Period, User)
             .join(Period, Period.id == PeriodEvent.period_id)
             .outerjoin(User, User.id == PeriodEvent.user_id)
             .where(PeriodEvent.organization_id == f.organization_id, PeriodEvent.action == "reopen",
                    month_key >= start.year * 100 + start.month, month_key <= end.year * 100 + end.month)
             .order_by(PeriodEvent.at, PeriodEvent.id))
    for event, period, user in db.session.execute(query):
        who = (user.name or user.email) if user is not None else ""
        yield ExceptionRow(_label("reopened_period"), period.label, event.at.date(),
                           _("Reopened %(when)s by %(who)s: %(reason)s", when=event.at.strftime("%d.%m.%Y %H:%M"),
                             who=who or "—", reason=event.reason))


def _integrity(f: ReportFilter) -> Iterator[ExceptionRow]:
    from tracker.checks import run_checks

    for name, problems in run_checks().items():
        for problem in problems:
            if problem.organization_id == f.organization_id:
                reference = " ".join(str(p) for p in (problem.record, problem.record_id) if p not in ("", None))
                yield ExceptionRow(_label("integrity"), reference, None, f"{name}: {problem.message}")


def exception_rows(f: ReportFilter, words: Words) -> Iterator[ExceptionRow]:
    """Every exception of the period, by kind (see the module docstring)."""
    yield from _missing_documents(f)
    yield from _reports(f)
    yield from _stock(f)
    yield from _unposted(f)
    yield from _reopened(f)
    yield from _integrity(f)


def exception_section(f: ReportFilter, words: Words) -> Section:
    """The exceptions as a section (call inside the report's ``force_locale``: the kinds and
    messages are translated while the rows are produced, so this section is materialized)."""
    columns = [
        ColumnSpec("kind", _("Exception"), ColumnKind.TEXT, width=24),
        ColumnSpec("reference", _("Reference"), ColumnKind.TEXT, width=18),
        ColumnSpec("on", _("Date"), ColumnKind.DATE),
        ColumnSpec("details", _("Details"), ColumnKind.TEXT, width=70),
    ]
    return Section(_("Exceptions"), columns, list(exception_rows(f, words)), sheet_name=_("Exceptions"))
