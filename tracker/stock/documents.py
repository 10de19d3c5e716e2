"""Stock documents: drafting, posting and reversing distributions, transfers, write-offs, stock
counts and returns, and the journal entry of an accepted consignment.

Posting is one function for every kind (:func:`post_document`): it locks the document and the
lots it touches (``tracker.locking``), re-checks every rule against the current balances, writes
the movements and exactly one balanced journal entry through the posting rules, and numbers the
document. No movement takes a lot below zero on its date or any later date. Reversal
(:func:`reverse_document`) writes a new posted document of the same kind with the reversing
movements and entry; the original stays, marked reversed, and both point at each other.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.audit.service import record, snapshot
from tracker.concurrency import check_version
from tracker.errors import Conflict, DomainError, InvalidTransition, NotFound, ValidationFailed
from tracker.extensions import db
from tracker.ledger import rules as ledger_rules
from tracker.ledger.service import FINANCE_ROLES, POST_ROLES, PostingLine, ensure_open, post_entry, \
    require_role, reverse_entry
from tracker.locking import lock_rows, next_number
from tracker.models import (
    BeneficiaryCategory,
    Consignment,
    ConsignmentLine,
    ConsignmentStatus,
    Distribution,
    DistributionLine,
    DocumentCounter,
    JournalEntry,
    MovementKind,
    Posting,
    PostingEvent,
    RecipientKind,
    ReturnKind,
    Role,
    StockAttachment,
    StockCount,
    StockCountLine,
    StockDocumentStatus,
    StockMovement,
    StockReturn,
    StockReturnLine,
    Transfer,
    TransferLine,
    Warehouse,
    WriteOff,
    WriteOffLine,
    WriteOffReason,
)
from tracker.models.base import utcnow
from tracker.models.documents import StockDocumentMixin
from tracker.models.ledger import OUTFLOW_EVENTS
from tracker.money import QTY_PLACES, ZERO, places_of, quantize_money
from tracker.scoping import get_scoped
from tracker.stock.balances import available, lot_balance, removal_value, unit_cost
from tracker.validators import Errors, check_date, check_edrpou, check_length, check_required

#: Roles that prepare stock documents.
DRAFT_ROLES = frozenset({Role.accountant, Role.finance_head})
MAX_QTY = Decimal("1e10")


@dataclass(frozen=True)
class DocKind:
    """One kind of stock document: its model, numbering prefix, event and who may post it."""

    kind: str
    model: type[Any]
    line_model: type[Any]
    prefix: str
    title: Any
    post_roles: frozenset[Role]
    #: The movement kind and journal event (a return's depend on its ``kind``).
    movement_kind: Callable[[Any], MovementKind]
    event: Callable[[Any], PostingEvent]


KINDS: dict[str, DocKind] = {k.kind: k for k in (
    DocKind("distribution", Distribution, DistributionLine, "D", _l("Distribution"), POST_ROLES,
            lambda d: MovementKind.issue, lambda d: PostingEvent.distribution),
    DocKind("transfer", Transfer, TransferLine, "T", _l("Transfer"), POST_ROLES,
            lambda d: MovementKind.transfer, lambda d: PostingEvent.transfer),
    DocKind("write_off", WriteOff, WriteOffLine, "W", _l("Write-off"), FINANCE_ROLES,
            lambda d: MovementKind.write_off, lambda d: PostingEvent.write_off),
    DocKind("stock_count", StockCount, StockCountLine, "C", _l("Stock count"), FINANCE_ROLES,
            lambda d: MovementKind.count_adjustment, lambda d: PostingEvent.count_adjustment),
    DocKind("stock_return", StockReturn, StockReturnLine, "R", _l("Return / redistribution"), FINANCE_ROLES,
            lambda d: MovementKind(d.kind.value), lambda d: PostingEvent(d.kind.value)),
)}


def kind_of(doc: Any) -> DocKind:
    for spec in KINDS.values():
        if isinstance(doc, spec.model):
            return spec
    raise TypeError(type(doc).__name__)


def get_document(kind: str, document_id: Any, organization_id: int) -> Any:
    """A document of this kind in the organization, or NotFound (foreign ids too)."""
    return get_scoped(KINDS[kind].model, document_id, organization_id)


def fmt_qty(value: Decimal) -> str:
    """``40.000`` → ``40``, ``2.500`` → ``2.5`` (quantities in messages)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def lot_label(lot: ConsignmentLine) -> str:
    parts = [lot.name]
    if lot.lot:
        parts.append(_("lot %(lot)s", lot=lot.lot))
    if lot.expiry_on:
        parts.append(_("exp. %(date)s", date=lot.expiry_on.isoformat()))
    return f"{parts[0]} ({', '.join(parts[1:])})" if len(parts) > 1 else parts[0]


# --------------------------------------------------------------------------- inputs

@dataclass(frozen=True)
class LineInput:
    """One requested line: a lot, the warehouse it is taken from, a quantity (and a reason for
    write-offs). Transfers take the warehouse from their header."""

    line_id: int | None
    quantity: Decimal | None
    warehouse_id: int | None = None
    reason: WriteOffReason | None = None


@dataclass(frozen=True)
class DistributionData:
    on: date | None
    recipient_kind: RecipientKind | None
    recipient_name: str
    purpose: str
    recipient_edrpou: str = ""
    beneficiary_category: BeneficiaryCategory | None = None
    beneficiaries_count: int | None = None
    note: str = ""
    lines: tuple[LineInput, ...] = ()


@dataclass(frozen=True)
class TransferData:
    on: date | None
    from_warehouse_id: int | None
    to_warehouse_id: int | None
    note: str = ""
    lines: tuple[LineInput, ...] = ()


@dataclass(frozen=True)
class WriteOffData:
    on: date | None
    commission_members: str
    basis: str = ""
    note: str = ""
    lines: tuple[LineInput, ...] = ()


@dataclass(frozen=True)
class StockReturnData:
    on: date | None
    kind: ReturnKind | None
    counterparty_name: str = ""
    counterparty_edrpou: str = ""
    basis: str = ""
    reason: str = ""
    note: str = ""
    lines: tuple[LineInput, ...] = ()


@dataclass(frozen=True)
class StockCountData:
    on: date | None
    warehouse_id: int | None
    commission_members: str = ""
    note: str = ""


@dataclass(frozen=True)
class CountInput:
    """A counted quantity for a lot on the count sheet (a lot not on the sheet is added)."""

    line_id: int | None
    counted_quantity: Decimal | None


# --------------------------------------------------------------------------- validation

def _check_on(errors: Errors, on: date | None, today: date) -> None:
    errors.add("on", check_required(on) or check_date(on))
    if on is not None and on > today:
        errors.add("on", _("The date cannot be in the future."))


def _warehouse(errors: Errors, field_name: str, warehouse_id: int | None, organization_id: int) -> Warehouse | None:
    if warehouse_id is None:
        errors.add(field_name, _("Choose a warehouse."))
        return None
    try:
        return get_scoped(Warehouse, warehouse_id, organization_id)
    except NotFound:
        errors.add(field_name, _("Choose a warehouse of your organization."))
        return None


def _lot(errors: Errors, field_name: str, line_id: int | None, organization_id: int) -> ConsignmentLine | None:
    if line_id is None:
        errors.add(field_name, _("Choose a lot."))
        return None
    try:
        lot = get_scoped(ConsignmentLine, line_id, organization_id)
    except NotFound:
        errors.add(field_name, _("Choose a lot of your organization."))
        return None
    if lot.consignment.status not in (ConsignmentStatus.accepted, ConsignmentStatus.closed):
        errors.add(field_name, _("%(lot)s is not in stock: its consignment %(number)s is not accepted.",
                                 lot=lot_label(lot), number=lot.consignment.number))
        return None
    return lot


def _quantity(errors: Errors, field_name: str, quantity: Decimal | None) -> Decimal | None:
    if quantity is None:
        errors.add(field_name, _("Enter the quantity."))
        return None
    if not quantity.is_finite() or places_of(quantity) > QTY_PLACES:
        errors.add(field_name, _("At most %(n)d decimal places.", n=QTY_PLACES))
        return None
    if quantity <= 0:
        errors.add(field_name, _("The quantity must be greater than zero."))
        return None
    if quantity >= MAX_QTY:
        errors.add(field_name, _("Number is too large."))
        return None
    return quantity.quantize(Decimal(1).scaleb(-QTY_PLACES))


def over_issue_message(lot: ConsignmentLine, warehouse: Warehouse, on: date, can: Decimal,
                       wanted: Decimal) -> str:
    return _("Only %(available)s %(unit)s of %(lot)s can be taken from %(warehouse)s on %(date)s; "
             "the document asks for %(quantity)s.", available=fmt_qty(can), unit=lot.unit.code, lot=lot_label(lot),
             warehouse=warehouse.name, date=on.isoformat(), quantity=fmt_qty(wanted))


@dataclass
class ResolvedLine:
    lot: ConsignmentLine
    warehouse: Warehouse
    quantity: Decimal
    reason: WriteOffReason | None = None


def _resolve_lines(errors: Errors, organization_id: int, lines: Sequence[LineInput], on: date | None, *,
                   header_warehouse: Warehouse | None = None, refuse_expired: bool = False,
                   need_reason: bool = False, header_error: bool = False) -> list[ResolvedLine]:
    """Validate requested lines: lot and warehouse of the organization, positive quantity, no
    lot twice, not expired (distributions), and no more than can be taken out on ``on``."""
    resolved: list[ResolvedLine] = []
    seen: set[tuple[int, int]] = set()
    for index, line in enumerate(lines):
        if line.line_id is None and line.quantity is None and (line.warehouse_id is None or header_warehouse):
            continue
        prefix = f"lines.{index}"
        lot = _lot(errors, f"{prefix}.line_id", line.line_id, organization_id)
        if header_warehouse is not None:
            warehouse: Warehouse | None = header_warehouse
        elif header_error:
            warehouse = None
        else:
            warehouse = _warehouse(errors, f"{prefix}.warehouse_id", line.warehouse_id, organization_id)
        quantity = _quantity(errors, f"{prefix}.quantity", line.quantity)
        if need_reason and not isinstance(line.reason, WriteOffReason):
            errors.add(f"{prefix}.reason", _("Choose the reason."))
        if lot is None or warehouse is None or quantity is None:
            continue
        if (lot.id, warehouse.id) in seen:
            errors.add(f"{prefix}.line_id", _("%(lot)s from %(warehouse)s is already on another line.",
                                              lot=lot_label(lot), warehouse=warehouse.name))
            continue
        seen.add((lot.id, warehouse.id))
        if on is not None and refuse_expired and lot.expiry_on is not None and lot.expiry_on < on:
            errors.add(f"{prefix}.line_id", _("%(lot)s expired on %(date)s: expired goods cannot be distributed; "
                                              "write them off instead.", lot=lot_label(lot),
                                              date=lot.expiry_on.isoformat()))
            continue
        if on is not None:
            can = available(organization_id, lot.id, warehouse.id, on)
            if quantity > can:
                errors.add(f"{prefix}.quantity", over_issue_message(lot, warehouse, on, can, quantity))
                continue
        resolved.append(ResolvedLine(lot, warehouse, quantity, line.reason))
    if not resolved and not any(k.startswith("lines.") for k in errors):
        errors.add("lines", _("Add at least one line."))
    return resolved


def _text(errors: Errors, name: str, value: str, maximum: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    errors.add(name, (check_required(value) if required else None) or check_length(value, maximum))
    return value


def _validate_distribution(organization_id: int, data: DistributionData, today: date) -> tuple[dict[str, Any], list]:
    errors = Errors()
    _check_on(errors, data.on, today)
    kind = data.recipient_kind
    if not isinstance(kind, RecipientKind):
        errors.add("recipient_kind", _("Choose who receives the aid."))
    name = _text(errors, "recipient_name", data.recipient_name, 300, required=True)
    edrpou = (data.recipient_edrpou or "").strip()
    if kind == RecipientKind.institution:
        errors.add("recipient_edrpou", check_edrpou(edrpou))
    elif edrpou:
        if kind == RecipientKind.individuals:
            errors.add("recipient_edrpou", _("People receive aid without an EDRPOU: leave it empty."))
        else:
            errors.add("recipient_edrpou", check_edrpou(edrpou))
    category, count = data.beneficiary_category, data.beneficiaries_count
    if kind == RecipientKind.individuals:
        if not isinstance(category, BeneficiaryCategory):
            errors.add("beneficiary_category", _("Choose the beneficiary category."))
        if count is None:
            errors.add("beneficiaries_count", _("Enter how many people receive the aid."))
        elif not 0 < count <= 10_000_000:
            errors.add("beneficiaries_count", _("Enter a number of people greater than zero."))
    else:
        if category is not None:
            errors.add("beneficiary_category", _("Only for distributions to individuals."))
        if count is not None:
            errors.add("beneficiaries_count", _("Only for distributions to individuals."))
    purpose = _text(errors, "purpose", data.purpose, 500, required=True)
    note = _text(errors, "note", data.note, 5000)
    lines = _resolve_lines(errors, organization_id, data.lines, data.on, refuse_expired=True)
    errors.raise_if_any()
    header = {"on": data.on, "recipient_kind": kind, "recipient_name": name, "recipient_edrpou": edrpou,
              "beneficiary_category": category, "beneficiaries_count": count, "purpose": purpose, "note": note}
    return header, [{"line_id": r.lot.id, "warehouse_id": r.warehouse.id, "quantity": r.quantity} for r in lines]


def _validate_transfer(organization_id: int, data: TransferData, today: date) -> tuple[dict[str, Any], list]:
    errors = Errors()
    _check_on(errors, data.on, today)
    source = _warehouse(errors, "from_warehouse_id", data.from_warehouse_id, organization_id)
    target = _warehouse(errors, "to_warehouse_id", data.to_warehouse_id, organization_id)
    if source is not None and target is not None and source.id == target.id:
        errors.add("to_warehouse_id", _("Choose a different warehouse than the one the goods leave."))
    note = _text(errors, "note", data.note, 5000)
    lines = _resolve_lines(errors, organization_id, data.lines, data.on, header_warehouse=source,
                           header_error=source is None)
    errors.raise_if_any()
    assert source is not None and target is not None
    header = {"on": data.on, "from_warehouse_id": source.id, "to_warehouse_id": target.id, "note": note}
    return header, [{"line_id": r.lot.id, "quantity": r.quantity} for r in lines]


def _validate_write_off(organization_id: int, data: WriteOffData, today: date) -> tuple[dict[str, Any], list]:
    errors = Errors()
    _check_on(errors, data.on, today)
    members = _text(errors, "commission_members", data.commission_members, 5000, required=True)
    basis = _text(errors, "basis", data.basis, 300)
    note = _text(errors, "note", data.note, 5000)
    lines = _resolve_lines(errors, organization_id, data.lines, data.on, need_reason=True)
    errors.raise_if_any()
    header = {"on": data.on, "commission_members": members, "basis": basis, "note": note}
    return header, [{"line_id": r.lot.id, "warehouse_id": r.warehouse.id, "quantity": r.quantity,
                     "reason": r.reason} for r in lines]


def _validate_return(organization_id: int, data: StockReturnData, today: date) -> tuple[dict[str, Any], list]:
    errors = Errors()
    _check_on(errors, data.on, today)
    if not isinstance(data.kind, ReturnKind):
        errors.add("kind", _("Choose return to the donor or redistribution."))
    name = _text(errors, "counterparty_name", data.counterparty_name, 300)
    edrpou = (data.counterparty_edrpou or "").strip()
    if edrpou:
        errors.add("counterparty_edrpou", check_edrpou(edrpou))
    basis = _text(errors, "basis", data.basis, 300)
    reason = _text(errors, "reason", data.reason, 500)
    note = _text(errors, "note", data.note, 5000)
    lines = _resolve_lines(errors, organization_id, data.lines, data.on)
    if data.kind == ReturnKind.redistribution:
        if not name:
            errors.add("counterparty_name", _("Name the recipient the goods are redistributed to."))
        if not basis:
            errors.add("basis", _("Name the request and the receiving recipient's consent letter."))
    elif data.kind == ReturnKind.return_to_donor:
        partners = {r.lot.consignment.partner for r in lines}
        if len(partners) > 1:
            errors.add("lines", _("A return goes to one donor: these lots come from %(names)s.",
                                  names=", ".join(sorted(p.name for p in partners))))
        elif not name and partners:
            name = next(iter(partners)).name
        if not reason:
            errors.add("reason", _("Give the reason for the return."))
    errors.raise_if_any()
    header = {"on": data.on, "kind": data.kind, "counterparty_name": name, "counterparty_edrpou": edrpou,
              "basis": basis, "reason": reason, "note": note}
    return header, [{"line_id": r.lot.id, "warehouse_id": r.warehouse.id, "quantity": r.quantity} for r in lines]


VALIDATORS: dict[str, Callable[[int, Any, date], tuple[dict[str, Any], list]]] = {
    "distribution": _validate_distribution,
    "transfer": _validate_transfer,
    "write_off": _validate_write_off,
    "stock_return": _validate_return,
}
DATA_CLASSES: dict[str, type[Any]] = {
    "distribution": DistributionData, "transfer": TransferData, "write_off": WriteOffData,
    "stock_return": StockReturnData, "stock_count": StockCountData,
}


# --------------------------------------------------------------------------- drafts

def _flush() -> None:
    try:
        db.session.flush()
    except so.exc.StaleDataError:
        db.session.rollback()
        raise Conflict(_("Someone else changed this document at the same moment. Reload it and try again."),
                       {"version": [_("outdated")]}) from None


def _draft_snapshot(doc: Any) -> dict[str, Any]:
    data = snapshot(doc)
    data["lines"] = [{k: v for k, v in snapshot(line).items() if k not in ("organization_id", "document_id")}
                     for line in doc.lines]
    return data


def create_document(kind: str, organization_id: int, user_id: int | None, role: Role | None, data: Any, *,
                    today: date) -> Any:
    """A new draft distribution, transfer, write-off or return. Every field rule and every line
    rule (lot of the organization, positive quantity, not expired for distributions, no more
    than on hand on the date) is checked; ValidationFailed names each bad field."""
    spec = KINDS[kind]
    require_role(role, DRAFT_ROLES, _("prepare stock documents"))
    if kind == "stock_count":
        return create_stock_count(organization_id, user_id, role, data, today=today)
    header, lines = VALIDATORS[kind](organization_id, data, today)
    doc = spec.model(organization_id=organization_id, created_by_id=user_id, **header)
    doc.lines = [spec.line_model(organization_id=organization_id, position=i + 1, **values)
                 for i, values in enumerate(lines)]
    db.session.add(doc)
    _flush()
    record(organization_id=organization_id, user_id=user_id, action="create", obj=doc, after=_draft_snapshot(doc))
    return doc


def ensure_draft(doc: Any) -> None:
    if doc.status != StockDocumentStatus.draft:
        raise InvalidTransition(_("%(title)s %(number)s is %(status)s: it can no longer be changed; correct it by a "
                                  "reversal.", title=kind_of(doc).title, number=str(doc),
                                  status=_status_text(doc.status)))


def _status_text(status: StockDocumentStatus) -> str:
    from tracker.web.labels import label

    return label(status).lower()


def update_document(doc: Any, user_id: int | None, role: Role | None, data: Any, *, today: date,
                    expected_version: int | None = None) -> Any:
    """Replace a draft's header and lines. Refused when the draft was saved by someone else
    since ``expected_version`` (Conflict, 409) or is no longer a draft (409)."""
    spec = kind_of(doc)
    require_role(role, DRAFT_ROLES, _("prepare stock documents"))
    ensure_draft(doc)
    check_version(doc, expected_version)
    if spec.kind == "stock_count":
        raise TypeError("use update_stock_count")
    header, lines = VALIDATORS[spec.kind](doc.organization_id, data, today)
    before = _draft_snapshot(doc)
    for key, value in header.items():
        setattr(doc, key, value)
    doc.lines = [spec.line_model(organization_id=doc.organization_id, position=i + 1, **values)
                 for i, values in enumerate(lines)]
    doc.updated_at = utcnow()  # bumps the version even when only lines changed
    _flush()
    record(organization_id=doc.organization_id, user_id=user_id, action="update", obj=doc, before=before,
           after=_draft_snapshot(doc))
    return doc


def delete_draft(doc: Any, user_id: int | None, role: Role | None, *, expected_version: int | None = None) -> None:
    """Delete a draft (posted documents are never deleted: 409)."""
    require_role(role, DRAFT_ROLES, _("prepare stock documents"))
    ensure_draft(doc)
    check_version(doc, expected_version)
    before = _draft_snapshot(doc)
    organization_id = doc.organization_id
    for attachment in attachments_of(doc):
        db.session.delete(attachment)
    db.session.delete(doc)
    _flush()
    record(organization_id=organization_id, user_id=user_id, action="delete", object_type=type(doc).__name__,
           object_id=before["id"], before=before)


# --------------------------------------------------------------------------- stock counts

def create_stock_count(organization_id: int, user_id: int | None, role: Role | None, data: StockCountData, *,
                       today: date) -> StockCount:
    """A count sheet for one warehouse on a date: one line per lot on the books there (book
    quantity as of that date), counted quantities still empty."""
    from tracker.stock.balances import StockFilters, balances

    require_role(role, DRAFT_ROLES, _("prepare stock documents"))
    errors = Errors()
    _check_on(errors, data.on, today)
    warehouse = _warehouse(errors, "warehouse_id", data.warehouse_id, organization_id)
    members = _text(errors, "commission_members", data.commission_members, 5000)
    note = _text(errors, "note", data.note, 5000)
    errors.raise_if_any()
    assert warehouse is not None and data.on is not None
    rows = [r for r in balances(organization_id, data.on, StockFilters(warehouse_id=warehouse.id)) if r.quantity > 0]
    doc = StockCount(organization_id=organization_id, on=data.on, warehouse_id=warehouse.id,
                     commission_members=members, note=note, created_by_id=user_id)
    doc.lines = [StockCountLine(organization_id=organization_id, position=i + 1, line_id=r.line_id,
                                book_quantity=r.quantity) for i, r in enumerate(rows)]
    db.session.add(doc)
    _flush()
    record(organization_id=organization_id, user_id=user_id, action="create", obj=doc, after=_draft_snapshot(doc))
    return doc


def update_stock_count(doc: StockCount, user_id: int | None, role: Role | None, data: StockCountData,
                       counts: Sequence[CountInput], *, today: date, expected_version: int | None = None
                       ) -> StockCount:
    """Enter counted quantities (and the commission, date, note) on a draft count. A lot that is
    not on the sheet is added with its book quantity; an empty count clears the entry. The
    warehouse of a count does not change (make a new count)."""
    require_role(role, DRAFT_ROLES, _("prepare stock documents"))
    ensure_draft(doc)
    check_version(doc, expected_version)
    errors = Errors()
    _check_on(errors, data.on, today)
    if data.warehouse_id is not None and data.warehouse_id != doc.warehouse_id:
        errors.add("warehouse_id", _("The warehouse of a count cannot change: start a new count."))
    members = _text(errors, "commission_members", data.commission_members, 5000)
    note = _text(errors, "note", data.note, 5000)
    by_lot = {line.line_id: line for line in doc.lines}
    new_lines: list[StockCountLine] = []
    seen: set[int] = set()
    for index, entry in enumerate(counts):
        if entry.line_id is None and entry.counted_quantity is None:
            continue
        prefix = f"counts.{index}"
        lot = _lot(errors, f"{prefix}.line_id", entry.line_id, doc.organization_id)
        if lot is None:
            continue
        if lot.id in seen:
            errors.add(f"{prefix}.line_id", _("%(lot)s is counted twice.", lot=lot_label(lot)))
            continue
        seen.add(lot.id)
        counted = entry.counted_quantity
        if counted is not None:
            if not counted.is_finite() or places_of(counted) > QTY_PLACES:
                errors.add(f"{prefix}.counted_quantity", _("At most %(n)d decimal places.", n=QTY_PLACES))
                continue
            if counted < 0:
                errors.add(f"{prefix}.counted_quantity", _("Must not be negative."))
                continue
            if counted >= MAX_QTY:
                errors.add(f"{prefix}.counted_quantity", _("Number is too large."))
                continue
            counted = counted.quantize(Decimal("0.001"))
        line = by_lot.get(lot.id)
        if line is None:
            book = lot_balance(doc.organization_id, lot.id, doc.warehouse_id, data.on or doc.on)[0]
            line = StockCountLine(organization_id=doc.organization_id, line_id=lot.id, book_quantity=book,
                                  position=len(doc.lines) + len(new_lines) + 1)
            new_lines.append(line)
        line.counted_quantity = counted
    errors.raise_if_any()
    before = _draft_snapshot(doc)
    assert data.on is not None
    if data.on != doc.on:
        for line in doc.lines:  # the sheet follows the new date
            line.book_quantity = lot_balance(doc.organization_id, line.line_id, doc.warehouse_id, data.on)[0]
    doc.on, doc.commission_members, doc.note = data.on, members, note
    doc.lines.extend(new_lines)
    doc.updated_at = utcnow()
    _flush()
    record(organization_id=doc.organization_id, user_id=user_id, action="update", obj=doc, before=before,
           after=_draft_snapshot(doc))
    return doc


# --------------------------------------------------------------------------- posting

@dataclass
class Leg:
    """One movement to write: signed quantity of a lot in a warehouse. The value is given
    (``value``), or the average of what is taken out (negative legs), or the value of the
    previous leg (``pair``: the receiving side of a transfer), or the lot's cost (additions)."""

    lot: ConsignmentLine
    warehouse_id: int
    quantity: Decimal
    value: Decimal | None = None
    pair: bool = False
    doc_line: Any = None
    index: int = 0
    reversal_of_id: int | None = None
    counter_account_id: int | None = None


def _legs_for(doc: Any, spec: DocKind) -> list[Leg]:
    legs: list[Leg] = []
    for index, line in enumerate(doc.lines):
        if spec.kind == "transfer":
            legs.append(Leg(line.lot, doc.from_warehouse_id, -line.quantity, doc_line=line, index=index))
            legs.append(Leg(line.lot, doc.to_warehouse_id, line.quantity, pair=True, doc_line=line, index=index))
        elif spec.kind == "stock_count":
            if line.counted_quantity is None:
                raise ValidationFailed(f"counts.{index}.counted_quantity", _(
                    "Enter the counted quantity of %(lot)s (line %(n)d), or remove the line.",
                    lot=lot_label(line.lot), n=line.position))
            book = lot_balance(doc.organization_id, line.line_id, doc.warehouse_id, doc.on)[0]
            line.book_quantity = book
            adjustment = line.counted_quantity - book
            line.adjustment_quantity = adjustment
            if adjustment != 0:
                legs.append(Leg(line.lot, doc.warehouse_id, adjustment, doc_line=line, index=index))
        else:
            legs.append(Leg(line.lot, line.warehouse_id, -line.quantity, doc_line=line, index=index))
    return legs


def _write_movements(doc: Any, spec: DocKind, legs: Sequence[Leg], on: date, user_id: int | None,
                     label: str) -> list[tuple[Leg, StockMovement]]:
    """Write the legs as movements, refusing any that takes more than can be taken on ``on``."""
    written: list[tuple[Leg, StockMovement]] = []
    previous: Decimal | None = None
    movement_kind = spec.movement_kind(doc)
    for leg in legs:
        if leg.quantity < 0:
            can = available(doc.organization_id, leg.lot.id, leg.warehouse_id, on)
            if -leg.quantity > can:
                warehouse = db.session.get(Warehouse, leg.warehouse_id)
                assert warehouse is not None
                field_name = f"counts.{leg.index}.counted_quantity" if spec.kind == "stock_count" \
                    else f"lines.{leg.index}.quantity"
                message = over_issue_message(leg.lot, warehouse, on, can, -leg.quantity)
                raise ValidationFailed({field_name: [message]}, message)
            qty, value = lot_balance(doc.organization_id, leg.lot.id, leg.warehouse_id)
            amount = -removal_value(-leg.quantity, qty, value)
        elif leg.pair:
            assert previous is not None
            amount = -previous
        elif leg.value is not None:
            amount = leg.value
        else:
            qty, value = lot_balance(doc.organization_id, leg.lot.id, leg.warehouse_id)
            cost_value, cost_qty = unit_cost(leg.lot, qty, value)
            amount = quantize_money(cost_value * leg.quantity / cost_qty) if cost_qty > 0 else ZERO
        movement = StockMovement(
            organization_id=doc.organization_id, on=on, kind=movement_kind, line_id=leg.lot.id,
            warehouse_id=leg.warehouse_id, quantity=leg.quantity, value_uah=amount, source_type=spec.kind,
            source_id=doc.id, reversal_of_id=leg.reversal_of_id, user_id=user_id, note=label)
        db.session.add(movement)
        db.session.flush()
        written.append((leg, movement))
        previous = amount
    return written


def _event_for_movement(doc: Any, spec: DocKind, movement: StockMovement) -> PostingEvent:
    if spec.kind == "stock_count":
        return PostingEvent.count_surplus if movement.quantity > 0 else PostingEvent.count_shortage
    return spec.event(doc)


def _postings(doc: Any, spec: DocKind, written: Sequence[tuple[Leg, StockMovement]]) -> list[PostingLine]:
    """Two postings per movement with a value: the lot's stock account (+ in, − out) and the
    counter account of the event's rule (a transfer's two movements balance each other)."""
    postings: list[PostingLine] = []
    for leg, movement in written:
        if movement.value_uah == 0:
            continue
        stock = ledger_rules.lot_account(doc.organization_id, leg.lot)
        postings.append(PostingLine(stock.id, movement.value_uah, leg.lot.id, movement.warehouse_id, movement.id,
                                    memo=lot_label(leg.lot)[:300]))
        if spec.kind == "transfer":
            continue
        counter_id = leg.counter_account_id
        if counter_id is None:
            event = _event_for_movement(doc, spec, movement)
            rule = ledger_rules.rule_for_lot(doc.organization_id, event, leg.lot)
            counter = rule.debit_account if event in OUTFLOW_EVENTS else rule.credit_account
            if counter is None:  # pragma: no cover - rule validation forbids it
                raise DomainError(_("The posting rule for %(event)s names no counter account.", event=event.value))
            counter_id = counter.id
        postings.append(PostingLine(counter_id, -movement.value_uah, leg.lot.id, None, movement.id,
                                    memo=lot_label(leg.lot)[:300]))
    return postings


def _description(doc: Any, spec: DocKind) -> str:
    text = f"{spec.title} {doc.number}"
    if isinstance(doc, Distribution):
        text += f": {doc.recipient_name}"
    elif isinstance(doc, StockReturn):
        text += f": {doc.counterparty_name}"
    elif isinstance(doc, Transfer):
        text += f": {doc.from_warehouse.name} → {doc.to_warehouse.name}"
    elif isinstance(doc, StockCount):
        text += f": {doc.warehouse.name}"
    return text[:500]


def _revalidate(doc: Any, spec: DocKind, today: date) -> None:
    """Re-check a draft's header and line rules at posting time (other documents may have been
    posted since it was saved). The quantities are checked again under lock when writing."""
    if spec.kind == "stock_count":
        errors = Errors()
        _check_on(errors, doc.on, today)
        errors.raise_if_any()
        return
    data_class = DATA_CLASSES[spec.kind]
    values = {f.name: getattr(doc, f.name) for f in dataclasses.fields(data_class) if f.name != "lines"}
    lines = tuple(LineInput(line.line_id, line.quantity, getattr(line, "warehouse_id", None),
                            getattr(line, "reason", None)) for line in doc.lines)
    VALIDATORS[spec.kind](doc.organization_id, data_class(**values, lines=lines), today)


def _allocate_number(doc: Any, spec: DocKind) -> str:
    number = next_number(DocumentCounter, organization_id=doc.organization_id, kind=spec.kind, year=doc.on.year)
    return f"{spec.prefix}-{doc.on.year}-{number:04d}"


def post_document(doc: Any, user_id: int | None, role: Role | None, *, today: date,
                  expected_version: int | None = None) -> Any:
    """Post a draft: movements, one balanced journal entry through the posting rules, a number.

    Refusals (nothing written): a role that may not post this kind (403); a document that is not
    a draft (409) or was changed by someone else since ``expected_version`` (409); any field or
    line rule (422) — notably taking more than is on hand on the document's date (naming how
    much is), an expired lot on a distribution, a date in a closed period.
    """
    spec = kind_of(doc)
    require_role(role, spec.post_roles, _("post %(kind)s documents", kind=str(spec.title).lower()))
    check_version(doc, expected_version)
    # Lock the document first, then its lots in id order (the same order everywhere).
    locked = lock_rows(spec.model, [doc.id])
    if not locked:
        raise NotFound(_("No such document."))
    doc = locked[0]
    ensure_draft(doc)
    check_version(doc, expected_version)
    _revalidate(doc, spec, today)
    lock_rows(ConsignmentLine, [line.line_id for line in doc.lines])
    ensure_open(doc.organization_id, doc.on)
    doc.number = _allocate_number(doc, spec)
    legs = _legs_for(doc, spec)
    written = _write_movements(doc, spec, legs, doc.on, user_id, doc.number)
    for leg, movement in written:
        if spec.kind == "stock_count":
            leg.doc_line.value_uah = movement.value_uah
        elif movement.quantity < 0 or spec.kind != "transfer":
            leg.doc_line.value_uah = abs(movement.value_uah)
    for line in doc.lines:
        if line.value_uah is None:
            line.value_uah = ZERO
    postings = _postings(doc, spec, written)
    if postings:
        entry = post_entry(doc.organization_id, user_id, on=doc.on, event=spec.event(doc), postings=postings,
                           description=_description(doc, spec), source_type=spec.kind, source_id=doc.id)
        doc.journal_entry_id = entry.id
    doc.status = StockDocumentStatus.posted
    doc.posted_at = utcnow()
    doc.posted_by_id = user_id
    _flush()
    record(organization_id=doc.organization_id, user_id=user_id, action="post", obj=doc,
           after={"number": doc.number, "on": doc.on, "movements": [m.id for _l, m in written],
                  "journal_entry_id": doc.journal_entry_id})
    return doc


def movements_of(doc: Any) -> list[StockMovement]:
    spec = kind_of(doc)
    return list(db.session.scalars(sa.select(StockMovement).where(
        StockMovement.organization_id == doc.organization_id, StockMovement.source_type == spec.kind,
        StockMovement.source_id == doc.id).order_by(StockMovement.id)))


_HEADER_SKIP = frozenset({"id", "number", "status", "version", "created_at", "updated_at", "created_by_id",
                          "posted_at", "posted_by_id", "reversal_of_id", "reversed_by_id", "reversal_reason",
                          "journal_entry_id", "on"})


def reverse_document(doc: Any, user_id: int | None, role: Role | None, *, reason: str, on: date | None,
                     today: date) -> Any:
    """Reverse a posted document (finance head, with a reason): a new posted document of the same
    kind with the reversing movements and entry, linked both ways; the original becomes
    ``reversed``. Refused: a draft, a reversal (a reversal cannot be reversed), an already
    reversed document (409); a date before the original, in the future or in a closed period, a
    reversal that would take a lot below zero (422)."""
    spec = kind_of(doc)
    require_role(role, FINANCE_ROLES, _("reverse documents"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("reason", _("Give the reason for the reversal."))
    if len(reason) > 500:
        raise ValidationFailed("reason", _("At most %(n)d characters.", n=500))
    on = on or today
    doc = lock_rows(spec.model, [doc.id])[0]
    if doc.reversal_of_id is not None:
        raise InvalidTransition(_("%(number)s is itself a reversal (of %(other)s): a reversal cannot be reversed.",
                                  number=str(doc), other=str(doc.reversal_of)))
    if doc.status == StockDocumentStatus.reversed:
        raise InvalidTransition(_("%(number)s is already reversed by %(other)s.", number=str(doc),
                                  other=str(doc.reversed_by)))
    if doc.status != StockDocumentStatus.posted:
        raise InvalidTransition(_("%(number)s is a draft: delete or change it instead.", number=str(doc)))
    if check_date(on):
        raise ValidationFailed("on", check_date(on) or "")
    if on > today:
        raise ValidationFailed("on", _("The date cannot be in the future."))
    if on < doc.on:
        raise ValidationFailed("on", _("A reversal cannot be dated before the document it reverses (%(date)s).",
                                       date=doc.on.isoformat()))
    original = movements_of(doc)
    lock_rows(ConsignmentLine, [m.line_id for m in original])
    ensure_open(doc.organization_id, on)

    header = {c.key: getattr(doc, c.key) for c in spec.model.__table__.columns if c.key not in _HEADER_SKIP}
    # Written as a draft and posted at the end, like any document (posted rows never change).
    reversal = spec.model(**header, on=on, status=StockDocumentStatus.draft, reversal_of_id=doc.id,
                          reversal_reason=reason, created_by_id=user_id)
    line_skip = {"id", "document_id"}
    reversal.lines = [spec.line_model(**{c.key: getattr(line, c.key) for c in spec.line_model.__table__.columns
                                         if c.key not in line_skip}) for line in doc.lines]
    db.session.add(reversal)
    _flush()
    reversal.number = _allocate_number(reversal, spec)

    counters = _counter_accounts(doc)
    lots = {line.line_id: line.lot for line in doc.lines}
    line_index = {line.line_id: i for i, line in enumerate(doc.lines)}
    legs = []
    for movement in reversed(original):
        quantity = -movement.quantity
        lot = lots.get(movement.line_id) or db.session.get(ConsignmentLine, movement.line_id)
        legs.append(Leg(lot, movement.warehouse_id, quantity,
                        value=None if quantity < 0 or spec.kind == "transfer" else -movement.value_uah,
                        pair=quantity > 0 and spec.kind == "transfer", index=line_index.get(movement.line_id, 0),
                        reversal_of_id=movement.id, counter_account_id=counters.get(movement.id)))
    written = _write_movements(reversal, spec, legs, on, user_id, reversal.number)
    postings = _postings(reversal, spec, written)
    entry: JournalEntry | None = None
    if doc.journal_entry is not None:
        if not postings:  # pragma: no cover - a valued document always reverses with a value
            raise DomainError(_("The reversal of %(number)s would have no value: reverse it by hand with the "
                                "finance department.", number=str(doc)))
        entry = reverse_entry(doc.journal_entry, user_id, on=on, reason=f"{reversal.number}: {reason}"[:300],
                              postings=postings, source_type=spec.kind, source_id=reversal.id)
    elif postings:
        entry = post_entry(doc.organization_id, user_id, on=on, event=spec.event(doc), postings=postings,
                           description=_description(reversal, spec), source_type=spec.kind, source_id=reversal.id)
    if spec.kind == "stock_count":
        by_lot = {m.line_id: m for _l, m in written}
        for line in reversal.lines:
            moved = by_lot.get(line.line_id)
            line.adjustment_quantity = moved.quantity if moved else Decimal("0.000")
            line.value_uah = moved.value_uah if moved else (Decimal("0.00") if line.value_uah is not None else None)
    else:
        values: dict[int, Decimal] = {}
        for _leg, movement in written:
            if movement.quantity < 0 or spec.kind != "transfer":
                values[movement.line_id] = abs(movement.value_uah)
        for line in reversal.lines:
            line.value_uah = values.get(line.line_id, ZERO)
    reversal.journal_entry_id = entry.id if entry else None
    reversal.status = StockDocumentStatus.posted
    reversal.posted_at = utcnow()
    reversal.posted_by_id = user_id
    doc.status = StockDocumentStatus.reversed
    doc.reversed_by_id = reversal.id
    _flush()
    record(organization_id=doc.organization_id, user_id=user_id, action="reverse", obj=doc,
           before={"status": "posted"}, after={"status": "reversed", "reversed_by": reversal.number, "reason": reason})
    record(organization_id=doc.organization_id, user_id=user_id, action="post", obj=reversal,
           after={"number": reversal.number, "on": on, "reversal_of": doc.number,
                  "movements": [m.id for _l, m in written], "journal_entry_id": reversal.journal_entry_id})
    return reversal


def _counter_accounts(doc: Any) -> dict[int, int]:
    """movement id → the counter account its posting used (reversals book to the same one)."""
    if doc.journal_entry_id is None:
        return {}
    result: dict[int, int] = {}
    for movement_id, account_id, amount, value in db.session.execute(
            sa.select(Posting.movement_id, Posting.account_id, Posting.amount, StockMovement.value_uah)
            .join(StockMovement, StockMovement.id == Posting.movement_id)
            .where(Posting.entry_id == doc.journal_entry_id)):
        if amount == -value:
            result[movement_id] = account_id
    return result


# --------------------------------------------------------------------------- acceptance

def post_acceptance_entry(consignment: Consignment, user_id: int | None) -> JournalEntry | None:
    """The journal entry of an accepted consignment, in the acceptance transaction: each stocked
    lot (a receipt movement) is debited to the stock account of its acceptance rule, each other
    valued line (cash, services) to the rule's account; the rule's credit side takes the other
    half. Dated ``accepted_on``; refused in a closed period (DomainError naming it) and when a
    rule sends a stocked lot to an account that does not hold stock, or money to one that does.
    Returns None when nothing has a value."""
    from tracker.models import PostingEvent as E

    assert consignment.accepted_on is not None
    organization_id = consignment.organization_id
    receipts = {m.line_id: m for m in db.session.scalars(sa.select(StockMovement).where(
        StockMovement.organization_id == organization_id, StockMovement.source_type == "consignment",
        StockMovement.source_id == consignment.id, StockMovement.kind == MovementKind.receipt))}
    postings: list[PostingLine] = []
    for line in consignment.lines:
        value = line.value_uah
        if not value:
            continue
        rule = ledger_rules.rule_for_lot(organization_id, E.acceptance, line)
        debit, credit = rule.debit_account, rule.credit_account
        assert debit is not None and credit is not None
        movement = receipts.get(line.id)
        if movement is not None and not debit.holds_stock:
            raise DomainError(_("The posting rule for %(lot)s books it to %(code)s, an account that does not hold "
                                "stock: an administrator must correct the rule.", lot=lot_label(line),
                                code=debit.code))
        if movement is None and debit.holds_stock:
            raise DomainError(_("The posting rule for %(name)s books it to the stock account %(code)s, but it does "
                                "not enter stock: an administrator must correct the rule.", name=line.name,
                                code=debit.code))
        amount = movement.value_uah if movement is not None else value
        if not amount:
            continue
        memo = f"{consignment.number}/{line.position} {line.name}"[:300]
        postings.append(PostingLine(debit.id, amount, line.id, movement.warehouse_id if movement else None,
                                    movement.id if movement else None, memo))
        postings.append(PostingLine(credit.id, -amount, line.id, None, movement.id if movement else None, memo))
    if not postings:
        return None
    return post_entry(organization_id, user_id, on=consignment.accepted_on, event=E.acceptance, postings=postings,
                      description=_("Acceptance %(number)s: %(partner)s", number=consignment.number,
                                    partner=consignment.partner.name),
                      source_type="consignment", source_id=consignment.id)


def entry_for(source_type: str, source_id: int, organization_id: int) -> list[JournalEntry]:
    return list(db.session.scalars(sa.select(JournalEntry).where(
        JournalEntry.organization_id == organization_id, JournalEntry.source_type == source_type,
        JournalEntry.source_id == source_id).order_by(JournalEntry.number)))


# --------------------------------------------------------------------------- files

#: File types accepted as scans of signed documents.
ATTACHMENT_TYPES = frozenset({"pdf", "jpeg", "png"})


def attach_file(doc: Any, user_id: int | None, role: Role | None, content: bytes, filename: str, *,
                description: str = "", folder: str, max_bytes: int) -> StockAttachment:
    """Attach a scan (PDF, JPEG, PNG — type checked from the content) to a document, draft or
    posted: the signed issue list, the signed act, the count sheet, a consent letter."""
    from tracker.uploads import check_upload, store_file

    require_role(role, DRAFT_ROLES, _("attach files"))
    errors = Errors()
    errors.add("description", check_length(description.strip(), 200))
    errors.raise_if_any()
    kind = check_upload(content, ATTACHMENT_TYPES, max_bytes)
    stored = store_file(content, folder)
    content_type = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}[kind]
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or f"file.{kind}"
    attachment = StockAttachment(organization_id=doc.organization_id, document_kind=kind_of(doc).kind,
                                 document_id=doc.id, description=description.strip(), stored_name=stored.stored_name,
                                 original_name=name, size=stored.size, content_type=content_type,
                                 sha256=stored.sha256, uploaded_by_id=user_id)
    db.session.add(attachment)
    db.session.flush()
    record(organization_id=doc.organization_id, user_id=user_id, action="attach", obj=doc,
           after={"file": name, "sha256": stored.sha256, "size": stored.size, "description": attachment.description})
    return attachment


def attachments_of(doc: Any) -> list[StockAttachment]:
    return list(db.session.scalars(sa.select(StockAttachment).where(
        StockAttachment.organization_id == doc.organization_id, StockAttachment.document_kind == kind_of(doc).kind,
        StockAttachment.document_id == doc.id).order_by(StockAttachment.id)))


def warnings_for(doc: Any) -> list[str]:
    """What a careful accountant would still want on the document (not blocking)."""
    result = []
    if isinstance(doc, Distribution) and doc.recipient_kind == RecipientKind.individuals \
            and doc.status != StockDocumentStatus.draft and not doc.is_reversal and not attachments_of(doc):
        result.append(_("The signed issue list is not attached yet."))
    return result
