"""Consignments: numbering, header and line rules, valuation, the one transition function,
acceptance into stock, and recording the report.

Rules enforced here (DESIGN.md §2–4, DOMAIN.md §1–3, §7):

- Numbers ``YYYY-NNNN`` per organization and year, allocated race-free from a counter row.
- Line value = round(quantity × unit value, minor units of the currency); value in UAH =
  round(value × NBU rate of the valuation date, 2), ROUND_HALF_UP; the rate used and its date
  are stored on the line and reused while the currency and valuation date stay the same. A
  missing rate raises :class:`~tracker.rates.service.RateMissing` naming currency and date.
- Category flags: ``needs_expiry`` → lot and expiry date required when the line is saved;
  ``needs_serial`` → serial/VIN required before acceptance. Expiry before dispatch is refused.
- One state machine (:data:`CUSTOMS_FLOW` for goods from abroad, :data:`DIRECT_FLOW` for
  domestic receipts, services and cash), one function :func:`transition` with precise
  preconditions; every change is audited and written to the consignment's timeline.
- After acceptance the consignment and its lines are read-only (409).

Services flush and never commit; callers pass the acting user, the date of "today" and the
rate look-back explicitly (no request globals).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tracker.audit.service import record, snapshot
from tracker.customs.checklist import build_checklist
from tracker.customs.deadlines import compute_due_on, deadline, overdue_ha_reports
from tracker.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from tracker.extensions import db
from tracker.models import (
    Agreement,
    AgreementKind,
    AidType,
    Category,
    Condition,
    Consignment,
    ConsignmentCounter,
    ConsignmentEvent,
    ConsignmentLine,
    ConsignmentStatus,
    CustomsDeclaration,
    DeclarationStatus,
    GoodsKind,
    IntendedUse,
    Item,
    Origin,
    Partner,
    RateSource,
    Role,
    StockMovement,
    Unit,
    ValuationMethod,
    Warehouse,
)
from tracker.models.base import utcnow
from tracker.money import QTY_PLACES, UNIT_VALUE_PLACES, convert, line_value
from tracker.rates.service import RateData, RateMissing, create_rate, get_rate
from tracker.scoping import get_scoped
from tracker.stock.service import post_receipt, stocked_lines
from tracker.validators import Errors, check_amount, check_currency, check_date, check_hs_code, check_length, \
    check_required
from tracker.web.labels import label

S = ConsignmentStatus

#: Goods from abroad: through customs.
CUSTOMS_FLOW: dict[ConsignmentStatus, frozenset[ConsignmentStatus]] = {
    S.draft: frozenset({S.in_transit, S.cancelled}),
    S.in_transit: frozenset({S.at_customs, S.cancelled}),
    S.at_customs: frozenset({S.cleared, S.cancelled}),
    S.cleared: frozenset({S.accepted, S.cancelled}),
    S.accepted: frozenset({S.closed}),
    S.closed: frozenset(),
    S.cancelled: frozenset(),
}
#: Domestic receipts, services and cash: accepted straight from the draft.
DIRECT_FLOW: dict[ConsignmentStatus, frozenset[ConsignmentStatus]] = {
    S.draft: frozenset({S.accepted, S.cancelled}),
    S.in_transit: frozenset({S.cancelled}),
    S.at_customs: frozenset({S.cancelled}),
    S.cleared: frozenset({S.accepted, S.cancelled}),
    S.accepted: frozenset({S.closed}),
    S.closed: frozenset(),
    S.cancelled: frozenset(),
}
#: Display order of statuses.
STATUS_ORDER = (S.draft, S.in_transit, S.at_customs, S.cleared, S.accepted, S.closed, S.cancelled)


def allowed_transitions(consignment: Consignment) -> list[ConsignmentStatus]:
    """Statuses the consignment may move to next (preconditions not yet checked)."""
    flow = CUSTOMS_FLOW if consignment.needs_customs else DIRECT_FLOW
    return [s for s in STATUS_ORDER if s in flow[consignment.status]]


# --------------------------------------------------------------------------- numbering

def allocate_number(organization_id: int, year: int) -> str:
    """The next ``YYYY-NNNN`` of the organization: increments the counter row under its lock
    (created on first use; a concurrent first use is retried), so numbers are never shared."""
    counter = ConsignmentCounter.__table__
    for _attempt in range(5):
        result = db.session.execute(
            counter.update()
            .where(counter.c.organization_id == organization_id, counter.c.year == year)
            .values(last_number=counter.c.last_number + 1))
        if result.rowcount:
            number = db.session.scalar(sa.select(counter.c.last_number).where(
                counter.c.organization_id == organization_id, counter.c.year == year))
            return f"{year}-{number:04d}"
        try:
            with db.session.begin_nested():
                db.session.execute(counter.insert().values(organization_id=organization_id, year=year,
                                                           last_number=0))
        except IntegrityError:
            pass  # created meanwhile by a concurrent transaction: increment it on the next pass
    raise Conflict(_("Could not allocate a consignment number; try again."))


# --------------------------------------------------------------------------- inputs

@dataclass(frozen=True)
class ConsignmentData:
    aid_type: AidType
    origin: Origin
    partner_id: int
    currency: str
    valuation_on: date
    goods_kind: GoodsKind = GoodsKind.goods
    agreement_id: int | None = None
    warehouse_id: int | None = None
    declaration_code: str = ""
    dispatched_on: date | None = None
    arrived_on: date | None = None
    carrier: str = ""
    vehicle_plate: str = ""
    cmr_number: str = ""
    valuation_method: ValuationMethod = ValuationMethod.donor_value
    valuation_justification: str = ""
    commission_members: str = ""
    notes: str = ""


@dataclass(frozen=True)
class LineData:
    name: str
    quantity: Decimal
    currency: str
    category_id: int | None = None
    unit_id: int | None = None
    item_id: int | None = None
    unit_value: Decimal | None = None
    gross_weight_kg: Decimal | None = None
    condition: Condition = Condition.new
    wear_percent: int | None = None
    lot: str = ""
    expiry_on: date | None = None
    serial: str = ""
    hs_code: str = ""
    intended_use: IntendedUse = IntendedUse.distribution
    position: int | None = None
    source: str = ""


@dataclass(frozen=True)
class TransitionData:
    to: ConsignmentStatus
    #: Date the step happened (dispatch, arrival, acceptance…); default: today.
    on: date | None = None
    #: Why the consignment is cancelled (required for cancelling).
    reason: str = ""
    #: Why a finance head accepts although required documents are missing.
    override_reason: str = ""


def normalize_hs_code(code: str | None) -> str:
    """``8502.11`` / ``8502 11`` → ``850211``."""
    return "".join(ch for ch in (code or "") if ch not in " .\u00a0-")


# --------------------------------------------------------------------------- helpers

def log_event(consignment: Consignment, user_id: int | None, action: str, message: str = "",
              from_status: str | None = None, to_status: str | None = None) -> ConsignmentEvent:
    """One entry of the consignment's timeline."""
    event = ConsignmentEvent(organization_id=consignment.organization_id, consignment_id=consignment.id,
                             user_id=user_id, action=action, message=message[:1000], from_status=from_status,
                             to_status=to_status, at=utcnow())
    db.session.add(event)
    return event


def ensure_editable(consignment: Consignment) -> None:
    """Refuse changes to an accepted, closed or cancelled consignment (409)."""
    if consignment.is_locked:
        raise Conflict(_("Consignment %(number)s is %(status)s: it and its lines are read-only. "
                         "Corrections are made by reversal documents.",
                         number=consignment.number, status=label(consignment.status).lower()))


def check_version(consignment: Consignment, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != consignment.version:
        raise Conflict(_("Consignment %(number)s was changed meanwhile by someone else. Reload it and try again.",
                         number=consignment.number))


def _flush(consignment: Consignment) -> None:
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(_("Consignment %(number)s was changed meanwhile by someone else. Reload it and try again.",
                         number=consignment.number)) from None


def _touch(consignment: Consignment) -> None:
    """Bump the consignment's version when its lines change (optimistic locking)."""
    consignment.updated_at = utcnow()


def _scoped_or_error(errors: Errors, field_name: str, model: type[Any], object_id: int | None, organization_id: int,
                     message: str) -> Any:
    if object_id is None:
        return None
    try:
        return get_scoped(model, object_id, organization_id)
    except NotFound:
        errors.add(field_name, message)
        return None


# --------------------------------------------------------------------------- header

def _validate_header(data: ConsignmentData, organization_id: int, existing: Consignment | None) -> Errors:
    errors = Errors()
    for name, enum_cls in (("aid_type", AidType), ("origin", Origin), ("goods_kind", GoodsKind),
                           ("valuation_method", ValuationMethod)):
        if not isinstance(getattr(data, name), enum_cls):
            errors.add(name, _("Choose a value from the list."))
    partner = _scoped_or_error(errors, "partner_id", Partner, data.partner_id, organization_id,
                               _("Choose a partner of your organization."))
    if data.partner_id is None:
        errors.add("partner_id", _("Choose a partner of your organization."))
    agreement = _scoped_or_error(errors, "agreement_id", Agreement, data.agreement_id, organization_id,
                                 _("Choose an agreement of your organization."))
    if agreement is not None and partner is not None and agreement.partner_id != partner.id:
        errors.add("agreement_id", _("The agreement belongs to another partner."))
    if data.aid_type == AidType.technical and data.agreement_id is None:
        errors.add("agreement_id", _("Technical assistance arrives under a registered project: choose its agreement."))
    if agreement is not None and data.aid_type == AidType.technical \
            and agreement.kind != AgreementKind.technical_assistance:
        errors.add("agreement_id", _("Technical assistance needs a technical-assistance project agreement."))
    _scoped_or_error(errors, "warehouse_id", Warehouse, data.warehouse_id, organization_id,
                     _("Choose a warehouse of your organization."))
    errors.add("currency", check_currency(data.currency))
    if not isinstance(data.valuation_on, date):
        errors.add("valuation_on", _("Enter the valuation date."))
    else:
        errors.add("valuation_on", check_date(data.valuation_on))
    for name in ("dispatched_on", "arrived_on"):
        errors.add(name, check_date(getattr(data, name)))
    if data.dispatched_on and data.arrived_on and data.arrived_on < data.dispatched_on:
        errors.add("arrived_on", _("Arrival cannot be before dispatch."))
    for name, maximum in (("declaration_code", 60), ("carrier", 200), ("vehicle_plate", 40), ("cmr_number", 60),
                          ("valuation_justification", 4000), ("commission_members", 2000), ("notes", 4000)):
        errors.add(name, check_length(getattr(data, name), maximum))
    if data.valuation_method == ValuationMethod.fair_value and not (data.valuation_justification or "").strip():
        errors.add("valuation_justification",
                   _("A fair value needs the commission's justification (how the value was set)."))
    if data.origin == Origin.domestic and data.declaration_code:
        errors.add("declaration_code", _("Domestic receipts have no HA declaration code."))
    if existing is not None and existing.status != S.draft:
        for name in ("aid_type", "origin", "goods_kind", "partner_id"):
            if getattr(data, name) != getattr(existing, name):
                errors.add(name, _("Can only be changed while the consignment is a draft."))
    if existing is not None and data.dispatched_on is not None:
        for line in existing.lines:
            if line.expiry_on is not None and line.expiry_on < data.dispatched_on:
                errors.add("dispatched_on", _("Line %(n)d (%(name)s) expires on %(date)s, before this dispatch date.",
                                              n=line.position, name=line.name, date=line.expiry_on.isoformat()))
    return errors


def _strip(data: ConsignmentData) -> ConsignmentData:
    return dataclasses.replace(data, **{
        f.name: getattr(data, f.name).strip() for f in dataclasses.fields(data)
        if type(getattr(data, f.name)) is str
    })


def create_consignment(organization_id: int, user_id: int | None, data: ConsignmentData) -> Consignment:
    """Register a draft consignment with the next number of the valuation year.

    Errors: :class:`ValidationFailed` for invalid fields or foreign partner/agreement/warehouse.
    """
    data = _strip(data)
    _validate_header(data, organization_id, None).raise_if_any()
    year = (data.dispatched_on or data.valuation_on).year
    number = allocate_number(organization_id, year)
    consignment = Consignment(organization_id=organization_id, number=number, status=S.draft,
                              created_by_id=user_id, **dataclasses.asdict(data))
    consignment.currency = data.currency.upper()
    db.session.add(consignment)
    db.session.flush()
    log_event(consignment, user_id, "create", _("Consignment registered."), to_status=S.draft.value)
    record(organization_id=organization_id, user_id=user_id, action="create", obj=consignment,
           after=snapshot(consignment))
    return consignment


def update_consignment(consignment: Consignment, user_id: int | None, data: ConsignmentData, *, lookback_days: int,
                       expected_version: int | None = None) -> Consignment:
    """Change the header of a consignment that is not yet accepted. A new valuation date
    revalues every valued line at the rates of that date (all or none: a missing rate refuses).

    Errors: :class:`Conflict` when read-only or changed meanwhile; :class:`ValidationFailed`;
    :class:`RateMissing`.
    """
    ensure_editable(consignment)
    check_version(consignment, expected_version)
    data = _strip(data)
    _validate_header(data, consignment.organization_id, consignment).raise_if_any()
    before = snapshot(consignment)
    revalue = data.valuation_on != consignment.valuation_on
    for key, value in dataclasses.asdict(data).items():
        setattr(consignment, key, value)
    consignment.currency = data.currency.upper()
    if revalue:
        for line in consignment.lines:
            value_line(line, consignment.valuation_on, lookback_days, keep_rate=False)
    consignment.report_due_on = compute_due_on(consignment)
    _flush(consignment)
    after = snapshot(consignment)
    changed = sorted(k for k in after if after[k] != before.get(k) and k not in ("version",))
    if changed:
        log_event(consignment, user_id, "update", _("Changed: %(fields)s.", fields=", ".join(changed)))
        record(organization_id=consignment.organization_id, user_id=user_id, action="update", obj=consignment,
               before=before, after=after)
    return consignment


# --------------------------------------------------------------------------- lines and valuation

def value_line(line: ConsignmentLine, valuation_on: date, lookback_days: int, *, keep_rate: bool = True) -> None:
    """Value a line by DESIGN.md §3. With ``keep_rate`` the rate already stored on the line is
    reused (it is never recomputed); otherwise the NBU rate of ``valuation_on`` is looked up.
    A line without a unit value stays unvalued."""
    if line.unit_value is None:
        line.value = line.rate = line.rate_on = line.value_uah = None
        return
    value = line_value(line.quantity, line.unit_value, line.currency)
    if keep_rate and line.rate is not None and line.rate_on is not None:
        rate, rate_on = line.rate, line.rate_on
    else:
        rate, rate_on = get_rate(line.currency, valuation_on, lookback_days)
    line.value = value
    line.rate = rate
    line.rate_on = rate_on
    line.value_uah = convert(value, rate)


def resolve_line(data: LineData, consignment: Consignment, errors: Errors, prefix: str = "") -> dict[str, Any]:
    """Check one line's input; returns column values (errors collected under ``prefix+field``)."""
    org_id = consignment.organization_id
    item = _scoped_or_error(errors, prefix + "item_id", Item, data.item_id, org_id,
                            _("Choose an item of your organization's catalogue."))
    category_id = data.category_id if data.category_id is not None else (item.category_id if item else None)
    unit_id = data.unit_id if data.unit_id is not None else (item.unit_id if item else None)
    category = _scoped_or_error(errors, prefix + "category_id", Category, category_id, org_id,
                                _("Choose a category of your organization."))
    if category_id is None:
        errors.add(prefix + "category_id", _("Choose a category."))
    unit = _scoped_or_error(errors, prefix + "unit_id", Unit, unit_id, org_id, _("Choose a unit of your organization."))
    if unit_id is None:
        errors.add(prefix + "unit_id", _("Choose a unit."))
    name = (data.name or "").strip() or (item.name if item else "")
    errors.add(prefix + "name", check_required(name) or check_length(name, 300))
    if data.quantity is None:
        errors.add(prefix + "quantity", _("This field is required."))
    else:
        errors.add(prefix + "quantity", check_amount(data.quantity, QTY_PLACES, positive=True))
    currency = (data.currency or "").strip().upper()
    errors.add(prefix + "currency", check_currency(currency))
    errors.add(prefix + "unit_value", check_amount(data.unit_value, UNIT_VALUE_PLACES))
    errors.add(prefix + "gross_weight_kg", check_amount(data.gross_weight_kg, QTY_PLACES))
    if not isinstance(data.condition, Condition):
        errors.add(prefix + "condition", _("Choose new or used."))
    if not isinstance(data.intended_use, IntendedUse):
        errors.add(prefix + "intended_use", _("Choose own use or for distribution."))
    if data.wear_percent is not None:
        if not 0 <= data.wear_percent <= 100:
            errors.add(prefix + "wear_percent", _("Wear is a percentage from 0 to 100."))
        elif data.condition == Condition.new and data.wear_percent:
            errors.add(prefix + "wear_percent", _("New goods have no wear; choose used."))
    lot = (data.lot or "").strip()
    serial = (data.serial or "").strip()
    hs_code = normalize_hs_code(data.hs_code)
    errors.add(prefix + "lot", check_length(lot, 100))
    errors.add(prefix + "serial", check_length(serial, 500))
    errors.add(prefix + "hs_code", check_hs_code(hs_code))
    errors.add(prefix + "expiry_on", check_date(data.expiry_on))
    errors.add(prefix + "source", check_length(data.source, 300))
    if category is not None:
        if category.needs_expiry:
            if not lot:
                errors.add(prefix + "lot", _("%(category)s need a lot (batch) number.",
                                             category=category.name_en or category.name_uk))
            if data.expiry_on is None:
                errors.add(prefix + "expiry_on", _("%(category)s need an expiry date.",
                                                   category=category.name_en or category.name_uk))
        if consignment.goods_kind == GoodsKind.goods and category.non_stock:
            errors.add(prefix + "category_id", _("Goods consignments need a goods category, not services or cash."))
        if consignment.goods_kind != GoodsKind.goods and not category.non_stock:
            errors.add(prefix + "category_id", _("Services and cash consignments need a services or cash category."))
    if data.expiry_on is not None and consignment.dispatched_on is not None and data.expiry_on < consignment.dispatched_on:
        errors.add(prefix + "expiry_on", _("Expiry date %(expiry)s is before the dispatch date %(dispatch)s.",
                                           expiry=data.expiry_on.isoformat(),
                                           dispatch=consignment.dispatched_on.isoformat()))
    return {
        "item_id": item.id if item else None, "name": name, "category_id": category_id, "unit_id": unit_id,
        "quantity": data.quantity, "unit_value": data.unit_value, "currency": currency,
        "gross_weight_kg": data.gross_weight_kg, "condition": data.condition,
        "wear_percent": data.wear_percent if data.condition == Condition.used else None, "lot": lot,
        "expiry_on": data.expiry_on, "serial": serial, "hs_code": hs_code, "intended_use": data.intended_use,
        "source": (data.source or "").strip(),
    }


def _next_position(consignment: Consignment) -> int:
    return max((line.position for line in consignment.lines), default=0) + 1


def _value_or_enter_rate(line: ConsignmentLine, consignment: Consignment, user_id: int | None, lookback_days: int,
                         entered_rate: Decimal | None, keep_rate: bool = True) -> None:
    """Value the line; when the NBU rate is missing and the user typed it in, store it as a
    manual rate for the missing currency and date, then value again ("enter the rate and retry")."""
    try:
        value_line(line, consignment.valuation_on, lookback_days, keep_rate=keep_rate)
    except RateMissing as exc:
        if entered_rate is None:
            raise
        create_rate(RateData(exc.currency, exc.on, entered_rate, RateSource.manual), user_id,
                    consignment.organization_id)
        value_line(line, consignment.valuation_on, lookback_days, keep_rate=keep_rate)


def add_line(consignment: Consignment, user_id: int | None, data: LineData, *, lookback_days: int,
             expected_version: int | None = None, entered_rate: Decimal | None = None) -> ConsignmentLine:
    """Add a line and value it. Errors: :class:`Conflict` (read-only / changed meanwhile),
    :class:`ValidationFailed`, :class:`RateMissing` (nothing is saved) unless ``entered_rate``
    supplies the missing rate."""
    ensure_editable(consignment)
    check_version(consignment, expected_version)
    errors = Errors()
    values = resolve_line(data, consignment, errors)
    errors.raise_if_any()
    line = ConsignmentLine(organization_id=consignment.organization_id, consignment_id=consignment.id,
                           position=data.position or _next_position(consignment), **values)
    # may raise RateMissing: the line is not attached yet, so nothing is added
    _value_or_enter_rate(line, consignment, user_id, lookback_days, entered_rate)
    consignment.lines.append(line)
    _touch(consignment)
    _flush(consignment)
    log_event(consignment, user_id, "add_line", _("Line %(n)d added: %(name)s.", n=line.position, name=line.name))
    record(organization_id=consignment.organization_id, user_id=user_id, action="create", obj=line,
           after=snapshot(line))
    return line


def update_line(line: ConsignmentLine, user_id: int | None, data: LineData, *, lookback_days: int,
                expected_version: int | None = None, entered_rate: Decimal | None = None) -> ConsignmentLine:
    """Change a line of a consignment that is not yet accepted; it is revalued (the stored rate
    is kept while the currency stays the same)."""
    consignment = line.consignment
    ensure_editable(consignment)
    check_version(consignment, expected_version)
    errors = Errors()
    values = resolve_line(data, consignment, errors)
    errors.raise_if_any()
    before = snapshot(line)
    keep_rate = values["currency"] == line.currency
    for key, value in values.items():
        setattr(line, key, value)
    if data.position:
        line.position = data.position
    _value_or_enter_rate(line, consignment, user_id, lookback_days, entered_rate, keep_rate=keep_rate)
    _touch(consignment)
    _flush(consignment)
    after = snapshot(line)
    if after != before:
        log_event(consignment, user_id, "update_line", _("Line %(n)d changed: %(name)s.", n=line.position,
                                                          name=line.name))
        record(organization_id=consignment.organization_id, user_id=user_id, action="update", obj=line,
               before=before, after=after)
    return line


def delete_line(line: ConsignmentLine, user_id: int | None, *, expected_version: int | None = None) -> None:
    """Remove a line of a consignment that is not yet accepted."""
    consignment = line.consignment
    ensure_editable(consignment)
    check_version(consignment, expected_version)
    before = snapshot(line)
    consignment.lines.remove(line)
    db.session.delete(line)
    _touch(consignment)
    _flush(consignment)
    log_event(consignment, user_id, "delete_line", _("Line %(n)d removed: %(name)s.", n=before["position"],
                                                      name=before["name"]))
    record(organization_id=consignment.organization_id, user_id=user_id, action="delete",
           object_type="ConsignmentLine", object_id=before["id"], before=before)


def add_lines(consignment: Consignment, user_id: int | None, rows: list[LineData], *, lookback_days: int,
              action: str = "import", message: str = "") -> list[ConsignmentLine]:
    """Add many lines at once, all or none: every row is checked first and the errors of all
    rows are reported together (``row N: field``); a missing rate refuses the whole batch."""
    ensure_editable(consignment)
    if not rows:
        raise ValidationFailed("file", _("There are no lines to import."))
    errors = Errors()
    resolved = []
    for index, data in enumerate(rows, start=1):
        row_errors = Errors()
        values = resolve_line(data, consignment, row_errors)
        for key, messages in row_errors.items():
            for text in messages:
                errors.add(_("row %(n)d", n=index), f"{key}: {text}")
        resolved.append((data, values))
    errors.raise_if_any()
    position = _next_position(consignment)
    lines = []
    for data, values in resolved:
        line = ConsignmentLine(organization_id=consignment.organization_id, consignment_id=consignment.id,
                               position=position, **values)
        position += 1
        value_line(line, consignment.valuation_on, lookback_days)  # a missing rate refuses the whole batch
        lines.append(line)
    consignment.lines.extend(lines)
    _touch(consignment)
    _flush(consignment)
    log_event(consignment, user_id, action, message or _("%(n)d lines added.", n=len(lines)))
    record(organization_id=consignment.organization_id, user_id=user_id, action=action, obj=consignment,
           after={"lines": len(lines), "message": message})
    return lines


@dataclass(frozen=True)
class Totals:
    #: currency → sum of rounded line values
    by_currency: dict[str, Decimal]
    #: sum of rounded UAH values of valued lines
    value_uah: Decimal
    lines: int
    unvalued: int

    def in_currency(self, currency: str) -> Decimal | None:
        return self.by_currency.get(currency)


def totals(consignment: Consignment) -> Totals:
    """Document totals: sums of the rounded lines, per currency and in UAH."""
    by_currency: dict[str, Decimal] = {}
    value_uah = Decimal("0.00")
    unvalued = 0
    for line in consignment.lines:
        if line.value_uah is None or line.value is None:
            unvalued += 1
            continue
        by_currency[line.currency] = by_currency.get(line.currency, Decimal("0.00")) + line.value
        value_uah += line.value_uah
    return Totals(by_currency=dict(sorted(by_currency.items())), value_uah=value_uah, lines=len(consignment.lines),
                  unvalued=unvalued)


# --------------------------------------------------------------------------- transitions

def _problems_in_transit(consignment: Consignment, on: date, today: date) -> list[str]:
    problems = []
    if not consignment.lines:
        problems.append(_("Add at least one line first."))
    if consignment.aid_type == AidType.humanitarian and not consignment.declaration_code:
        problems.append(_("Enter the unique code of the HA declaration from the Automated System first."))
    if consignment.aid_type == AidType.humanitarian:
        overdue = overdue_ha_reports(consignment.organization_id, today)
        if overdue:
            problems.append(_("The HA reports of %(numbers)s are overdue: no new HA declarations until they are "
                              "reported.", numbers=", ".join(c.number for c in overdue)))
    return problems


def _cleared_declarations(consignment: Consignment) -> list[CustomsDeclaration]:
    return [d for d in consignment.declarations if d.status == DeclarationStatus.cleared and d.cleared_on]


def _problems_accept(consignment: Consignment, on: date, role: Role | None, override_reason: str) -> list[str]:
    problems: list[str] = []
    lines = consignment.lines
    if not lines:
        problems.append(_("Add at least one line first."))
    unvalued = [line for line in lines if not line.is_valued]
    if unvalued:
        problems.append(_("Lines without a value: %(lines)s. Enter their unit values.",
                          lines=", ".join(f"{line.position} ({line.name})" for line in unvalued)))
    no_serial = [line for line in lines if line.category.needs_serial and not line.serial]
    if no_serial:
        problems.append(_("Serial number or VIN missing on lines: %(lines)s.",
                          lines=", ".join(f"{line.position} ({line.name})" for line in no_serial)))
    no_expiry = [line for line in lines if line.category.needs_expiry and (not line.lot or not line.expiry_on)]
    if no_expiry:
        problems.append(_("Lot or expiry date missing on lines: %(lines)s.",
                          lines=", ".join(f"{line.position} ({line.name})" for line in no_expiry)))
    if stocked_lines(consignment):
        if consignment.warehouse_id is None:
            problems.append(_("Choose the warehouse the goods are accepted into."))
        if not consignment.commission_members.strip():
            problems.append(_("Enter the members of the receiving commission."))
    if consignment.aid_type == AidType.technical and (
            consignment.agreement is None or not consignment.agreement.ita_registration_number):
        problems.append(_("Technical assistance needs the project's state registration number on its agreement."))
    if consignment.aid_type == AidType.grant and consignment.goods_kind == GoodsKind.cash and (
            consignment.agreement is None or not consignment.agreement.budget_revenue_code):
        problems.append(_("A cash grant needs the budget revenue code on its agreement."))
    for earlier, text in ((consignment.cleared_on, _("customs clearance")), (consignment.arrived_on, _("arrival")),
                          (consignment.dispatched_on, _("dispatch"))):
        if earlier is not None and on < earlier:
            problems.append(_("The acceptance date %(on)s is before %(what)s (%(date)s).", on=on.isoformat(),
                              what=text, date=earlier.isoformat()))
            break
    checklist = build_checklist(consignment)
    if checklist.missing:
        names = ", ".join(i.document_type.name_en or i.document_type.name_uk for i in checklist.missing)
        if not override_reason.strip():
            problems.append(_("Required documents missing: %(names)s. A finance head may accept with a recorded "
                              "reason.", names=names))
        elif role != Role.finance_head:
            raise Forbidden(_("Only a finance head may accept with missing documents."))
    return problems


def transition(consignment: Consignment, user_id: int | None, data: TransitionData, *, today: date,
               role: Role | None = None) -> Consignment:
    """Move the consignment to ``data.to`` — the only place where its status changes.

    Refusals: :class:`InvalidTransition` (409) for a step out of order or an unmet precondition,
    naming exactly what is missing; :class:`Forbidden` when someone other than a finance head
    overrides missing documents; :class:`ValidationFailed` for a missing cancellation reason.
    Acceptance posts the stock receipts in the same transaction.
    """
    target = data.to
    if not isinstance(target, ConsignmentStatus):
        raise ValidationFailed("to", _("Unknown status."))
    current = consignment.status
    allowed = allowed_transitions(consignment)
    if target not in allowed:
        if target == current:
            message = _("Consignment %(number)s is already %(status)s.", number=consignment.number,
                        status=label(current).lower())
        else:
            message = _("Consignment %(number)s cannot go from %(a)s to %(b)s. Next possible: %(next)s.",
                        number=consignment.number, a=label(current).lower(), b=label(target).lower(),
                        next=", ".join(label(s).lower() for s in allowed) or _("none"))
        raise InvalidTransition(message, {"to": [message]})
    on = data.on or today
    if check_date(on):
        raise ValidationFailed("on", check_date(on) or "")
    if on > today:
        raise ValidationFailed("on", _("The date cannot be in the future."))
    before = {"status": current.value}
    problems: list[str] = []
    if target == S.in_transit:
        problems = _problems_in_transit(consignment, on, today)
    elif target == S.at_customs:
        if consignment.dispatched_on is not None and on < consignment.dispatched_on:
            problems.append(_("The arrival date %(on)s is before dispatch (%(date)s).", on=on.isoformat(),
                              date=consignment.dispatched_on.isoformat()))
    elif target == S.cleared:
        if not _cleared_declarations(consignment):
            problems.append(_("No cleared declaration: register the customs declaration and mark it cleared first."))
    elif target == S.accepted:
        problems = _problems_accept(consignment, on, role, data.override_reason)
    elif target == S.closed:
        if consignment.report_due_on is not None and consignment.reported_on is None:
            problems.append(_("Record the date the report was filed first (due %(date)s).",
                              date=consignment.report_due_on.isoformat()))
    elif target == S.cancelled:
        reason = data.reason.strip()
        if not reason:
            raise ValidationFailed("reason", _("Give the reason for cancelling."))
        if len(reason) > 500:
            raise ValidationFailed("reason", _("At most %(n)d characters.", n=500))
    if problems:
        message = " ".join(problems)
        raise InvalidTransition(message, {"to": problems})

    message = ""
    if target == S.in_transit:
        consignment.dispatched_on = consignment.dispatched_on or on
    elif target == S.at_customs:
        consignment.arrived_on = consignment.arrived_on or on
    elif target == S.cleared:
        consignment.cleared_on = max(d.cleared_on for d in _cleared_declarations(consignment))  # type: ignore[type-var]
        consignment.report_due_on = compute_due_on(consignment)
    elif target == S.accepted:
        consignment.accepted_on = on
        if consignment.needs_customs is False and consignment.arrived_on is None and \
                consignment.goods_kind == GoodsKind.goods:
            consignment.arrived_on = on
    elif target == S.cancelled:
        consignment.cancel_reason = data.reason.strip()
        message = consignment.cancel_reason
    consignment.status = target
    if target == S.accepted:
        missing = build_checklist(consignment).missing
        if missing:
            consignment.documents_override_reason = data.override_reason.strip()
            consignment.documents_override_by_id = user_id
            message = _("Accepted with missing documents (%(names)s): %(reason)s",
                        names=", ".join(i.document_type.code for i in missing), reason=data.override_reason.strip())
        consignment.report_due_on = compute_due_on(consignment)
        _flush(consignment)
        movements = post_receipt(consignment, user_id, on) if stocked_lines(consignment) else []
        message = (message + " " if message else "") + _("%(n)d stock receipts posted.", n=len(movements))
    _flush(consignment)
    log_event(consignment, user_id, "transition", message, from_status=current.value, to_status=target.value)
    record(organization_id=consignment.organization_id, user_id=user_id, action="transition", obj=consignment,
           before=before, after={"status": target.value, "on": on, "message": message})
    return consignment


def record_report(consignment: Consignment, user_id: int | None, reported_on: date | None, *,
                  today: date) -> Consignment:
    """Record when the HA report was filed (or the ITA property published); allowed also after
    acceptance. Errors: no report due, date before its start or in the future."""
    info = deadline(consignment, today)
    if info is None:
        raise ValidationFailed("reported_on", _("No report is due for this consignment."))
    if reported_on is not None:
        if reported_on < info.start_on:
            raise ValidationFailed("reported_on", _("The report cannot be filed before %(date)s.",
                                                    date=info.start_on.isoformat()))
        if reported_on > today:
            raise ValidationFailed("reported_on", _("The date cannot be in the future."))
    before = {"reported_on": consignment.reported_on}
    consignment.reported_on = reported_on
    _flush(consignment)
    text = (_("Report filed on %(date)s.", date=reported_on.isoformat()) if reported_on
            else _("Report date removed."))
    log_event(consignment, user_id, "report", text)
    record(organization_id=consignment.organization_id, user_id=user_id, action="record_report", obj=consignment,
           before=before, after={"reported_on": reported_on})
    return consignment


# --------------------------------------------------------------------------- acceptance act

@dataclass(frozen=True)
class ActLine:
    position: int
    name: str
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
    serial: str
    condition: str
    wear_percent: int | None
    intended_use: str


@dataclass(frozen=True)
class AcceptanceAct:
    """The data of the act of acceptance (printed as PDF in a later issue)."""

    number: str
    accepted_on: date | None
    organization: str
    edrpou: str
    partner: str
    agreement: str
    aid_type: str
    warehouse: str
    declaration_code: str
    valuation_method: str
    valuation_justification: str
    commission_members: tuple[str, ...]
    documents_override_reason: str
    lines: tuple[ActLine, ...]
    totals_by_currency: dict[str, Decimal] = field(default_factory=dict)
    total_value_uah: Decimal = Decimal("0.00")
    stock_movement_ids: tuple[int, ...] = ()


def acceptance_act(consignment: Consignment) -> AcceptanceAct:
    """Collect the act's data from the accepted consignment and its receipt movements."""
    from tracker.models import Organization

    org = db.session.get(Organization, consignment.organization_id)
    assert org is not None
    sums = totals(consignment)
    movement_ids = tuple(db.session.scalars(sa.select(StockMovement.id).where(
        StockMovement.source_type == "consignment", StockMovement.source_id == consignment.id,
        StockMovement.organization_id == consignment.organization_id).order_by(StockMovement.id)))
    return AcceptanceAct(
        number=consignment.number, accepted_on=consignment.accepted_on, organization=org.name_uk, edrpou=org.edrpou,
        partner=consignment.partner.name, agreement=str(consignment.agreement) if consignment.agreement else "",
        aid_type=consignment.aid_type.value, warehouse=consignment.warehouse.name if consignment.warehouse else "",
        declaration_code=consignment.declaration_code, valuation_method=consignment.valuation_method.value,
        valuation_justification=consignment.valuation_justification,
        commission_members=tuple(m.strip() for m in consignment.commission_members.splitlines() if m.strip()),
        documents_override_reason=consignment.documents_override_reason,
        lines=tuple(ActLine(
            position=line.position, name=line.name, unit=line.unit.code, quantity=line.quantity,
            unit_value=line.unit_value, currency=line.currency, value=line.value, rate=line.rate,
            rate_on=line.rate_on, value_uah=line.value_uah, lot=line.lot, expiry_on=line.expiry_on,
            serial=line.serial, condition=line.condition.value, wear_percent=line.wear_percent,
            intended_use=line.intended_use.value) for line in consignment.lines),
        totals_by_currency=sums.by_currency, total_value_uah=sums.value_uah, stock_movement_ids=movement_ids)

