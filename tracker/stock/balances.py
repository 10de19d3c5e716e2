"""Reading the stock ledger: balances per lot and warehouse at any date with the filters people
ask for (donor, aid type, category, warehouse, expiry), the stock card of a lot with its running
balance, what may still be taken out of a lot on a date, FEFO suggestions and expiry alerts.

Quantities and values are sums of movements, computed in SQL over the stored integer units
(exact on both databases) and converted back to Decimal once.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import (
    AidType,
    Category,
    Consignment,
    ConsignmentLine,
    MovementKind,
    Partner,
    StockMovement,
    Unit,
    Warehouse,
)
from tracker.models.types import scaled_to_decimal
from tracker.money import MONEY_PLACES, QTY_PLACES, quantize_money

ZERO_QTY = Decimal("0.000")
ZERO_UAH = Decimal("0.00")


def _qty(value: Any) -> Decimal:
    return scaled_to_decimal(value, QTY_PLACES)


def _uah(value: Any) -> Decimal:
    return scaled_to_decimal(value, MONEY_PLACES)


QTY_SUM = sa.func.sum(sa.type_coerce(StockMovement.quantity, sa.BigInteger))
VALUE_SUM = sa.func.sum(sa.type_coerce(StockMovement.value_uah, sa.BigInteger))


@dataclass(frozen=True)
class StockRow:
    """What is on hand of one lot in one warehouse (the API's "stock row")."""

    line_id: int
    warehouse_id: int
    warehouse: str
    consignment_id: int
    consignment_number: str
    partner_id: int
    partner: str
    aid_type: AidType
    category: str
    category_id: int
    item_id: int | None
    name: str
    lot: str
    expiry_on: date | None
    unit: str
    intended_use: str
    quantity: Decimal
    value_uah: Decimal

    def expired_on(self, on: date) -> bool:
        return self.expiry_on is not None and self.expiry_on < on


@dataclass(frozen=True)
class StockFilters:
    warehouse_id: int | None = None
    partner_id: int | None = None
    aid_type: AidType | None = None
    category_id: int | None = None
    item_id: int | None = None
    line_id: int | None = None
    #: Only lots expiring on or before this date (expired ones included).
    expiring_by: date | None = None
    #: Text in the name or lot number.
    q: str = ""


def balances(organization_id: int, as_of: date | None = None, filters: StockFilters | None = None, *,
             include_zero: bool = False) -> list[StockRow]:
    """Stock on hand per lot and warehouse up to and including ``as_of`` (all movements when
    None), ordered by name, expiry and warehouse; empty lots only with ``include_zero``."""
    f = filters or StockFilters()
    sums = (sa.select(StockMovement.line_id, StockMovement.warehouse_id, QTY_SUM.label("qty"),
                      VALUE_SUM.label("value"))
            .where(StockMovement.organization_id == organization_id)
            .group_by(StockMovement.line_id, StockMovement.warehouse_id))
    if as_of is not None:
        sums = sums.where(StockMovement.on <= as_of)
    if f.warehouse_id:
        sums = sums.where(StockMovement.warehouse_id == f.warehouse_id)
    if f.line_id:
        sums = sums.where(StockMovement.line_id == f.line_id)
    if not include_zero:
        sums = sums.having(sa.or_(QTY_SUM != 0, VALUE_SUM != 0))
    sub = sums.subquery()
    query = (
        sa.select(sub.c.line_id, sub.c.warehouse_id, sub.c.qty, sub.c.value, ConsignmentLine, Warehouse.name,
                  Consignment.number, Consignment.partner_id, Partner.name, Consignment.aid_type, Unit.code,
                  Category.code, Consignment.id)
        .join(ConsignmentLine, ConsignmentLine.id == sub.c.line_id)
        .join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
        .join(Partner, Partner.id == Consignment.partner_id)
        .join(Warehouse, Warehouse.id == sub.c.warehouse_id)
        .join(Unit, Unit.id == ConsignmentLine.unit_id)
        .join(Category, Category.id == ConsignmentLine.category_id)
        .where(ConsignmentLine.organization_id == organization_id)
        .order_by(ConsignmentLine.name, ConsignmentLine.expiry_on, Warehouse.name, sub.c.line_id)
    )
    if f.partner_id:
        query = query.where(Consignment.partner_id == f.partner_id)
    if f.aid_type:
        query = query.where(Consignment.aid_type == f.aid_type)
    if f.category_id:
        query = query.where(ConsignmentLine.category_id == f.category_id)
    if f.item_id:
        query = query.where(ConsignmentLine.item_id == f.item_id)
    if f.expiring_by:
        query = query.where(ConsignmentLine.expiry_on.is_not(None), ConsignmentLine.expiry_on <= f.expiring_by)
    if f.q:
        pattern = f"%{f.q.lower()}%"
        query = query.where(sa.or_(sa.func.lower(ConsignmentLine.name).like(pattern),
                                   sa.func.lower(ConsignmentLine.lot).like(pattern)))
    return [
        StockRow(line_id=r[0], warehouse_id=r[1], warehouse=r[5], consignment_id=r[12], consignment_number=r[6],
                 partner_id=r[7], partner=r[8], aid_type=r[9], category=r[11], category_id=r[4].category_id,
                 item_id=r[4].item_id, name=r[4].name, lot=r[4].lot, expiry_on=r[4].expiry_on, unit=r[10],
                 intended_use=r[4].intended_use.value, quantity=_qty(r[2]), value_uah=_uah(r[3]))
        for r in db.session.execute(query)
    ]


def lot_balance(organization_id: int, line_id: int, warehouse_id: int, as_of: date | None = None
                ) -> tuple[Decimal, Decimal]:
    """(quantity, UAH value) of one lot in one warehouse up to and including ``as_of``."""
    query = sa.select(QTY_SUM, VALUE_SUM).where(
        StockMovement.organization_id == organization_id, StockMovement.line_id == line_id,
        StockMovement.warehouse_id == warehouse_id)
    if as_of is not None:
        query = query.where(StockMovement.on <= as_of)
    qty, value = db.session.execute(query).one()
    return _qty(qty), _uah(value)


def available(organization_id: int, line_id: int, warehouse_id: int, on: date) -> Decimal:
    """How much of the lot may be taken out of the warehouse with date ``on`` without any
    balance — on that date or any later one — going below zero: the smallest running balance
    from ``on`` onwards (movements dated later already count on what is there)."""
    rows = db.session.execute(
        sa.select(StockMovement.on, QTY_SUM).where(
            StockMovement.organization_id == organization_id, StockMovement.line_id == line_id,
            StockMovement.warehouse_id == warehouse_id)
        .group_by(StockMovement.on).order_by(StockMovement.on)).all()
    running = at_on = ZERO_QTY
    lowest: Decimal | None = None
    for day, qty in rows:
        running += _qty(qty)
        if day <= on:
            at_on = running
        else:
            lowest = running if lowest is None else min(lowest, running)
    return at_on if lowest is None else min(at_on, lowest)


def removal_value(quantity: Decimal, balance_qty: Decimal, balance_value: Decimal) -> Decimal:
    """UAH value of taking ``quantity`` out of a balance, at its average: all of it takes the
    whole value (so an empty lot never keeps kopecks), a part takes round(value × part, 2)."""
    if quantity >= balance_qty:
        return balance_value
    return quantize_money(balance_value * quantity / balance_qty)


def unit_cost(lot: ConsignmentLine, balance_qty: Decimal, balance_value: Decimal) -> tuple[Decimal, Decimal]:
    """(value, quantity) whose ratio values added quantities of a lot (a count surplus): the
    current average while there is stock, else the lot's acceptance value per unit."""
    if balance_qty > 0:
        return balance_value, balance_qty
    return (lot.value_uah or ZERO_UAH), lot.quantity


# --------------------------------------------------------------------------- stock card

@dataclass(frozen=True)
class CardRow:
    movement: StockMovement
    balance_qty: Decimal
    balance_value: Decimal


@dataclass(frozen=True)
class StockCard:
    lot: ConsignmentLine
    warehouse_id: int | None
    opening_qty: Decimal
    opening_value: Decimal
    rows: list[CardRow]
    received: Decimal
    by_kind: dict[str, Decimal]

    @property
    def closing_qty(self) -> Decimal:
        return self.rows[-1].balance_qty if self.rows else self.opening_qty

    @property
    def closing_value(self) -> Decimal:
        return self.rows[-1].balance_value if self.rows else self.opening_value


def stock_card(organization_id: int, lot: ConsignmentLine, warehouse_id: int | None = None,
               date_from: date | None = None, date_to: date | None = None) -> StockCard:
    """The lot's movements in date order (one warehouse or all) with the running balance,
    starting from the balance before ``date_from``."""
    query = sa.select(StockMovement).where(StockMovement.organization_id == organization_id,
                                           StockMovement.line_id == lot.id)
    if warehouse_id:
        query = query.where(StockMovement.warehouse_id == warehouse_id)
    movements = db.session.scalars(query.order_by(StockMovement.on, StockMovement.id)).all()
    qty, value = ZERO_QTY, ZERO_UAH
    rows: list[CardRow] = []
    opening_qty, opening_value = ZERO_QTY, ZERO_UAH
    by_kind: dict[str, Decimal] = {}
    for movement in movements:
        qty += movement.quantity
        value += movement.value_uah
        if date_from and movement.on < date_from:
            opening_qty, opening_value = qty, value
            continue
        if date_to and movement.on > date_to:
            break
        rows.append(CardRow(movement, qty, value))
        by_kind[movement.kind.value] = by_kind.get(movement.kind.value, ZERO_QTY) + movement.quantity
    received = sum((m.quantity for m in movements if m.kind == MovementKind.receipt), ZERO_QTY)
    return StockCard(lot, warehouse_id, opening_qty, opening_value, rows, received, by_kind)


# --------------------------------------------------------------------------- FEFO and expiry

@dataclass(frozen=True)
class FefoPick:
    row: StockRow
    quantity: Decimal
    available: Decimal


@dataclass(frozen=True)
class FefoSuggestion:
    picks: list[FefoPick]
    requested: Decimal
    shortfall: Decimal
    #: Lots of the item that could not be used because they expire before the date.
    expired: list[StockRow]


def fefo(organization_id: int, quantity: Decimal, on: date, *, item_id: int | None = None, name: str = "",
         warehouse_id: int | None = None, exclude: Iterable[tuple[int, int]] = ()) -> FefoSuggestion:
    """Which lots to take ``quantity`` of an item (catalogue item, or lots of the same name)
    from on date ``on``: first expiry first (lots without expiry last, then oldest lot first),
    never an expired lot, never more than may be taken out of a lot on that date."""
    rows = balances(organization_id, None, StockFilters(item_id=item_id, warehouse_id=warehouse_id))
    if not item_id:
        rows = [r for r in rows if r.name.casefold() == name.strip().casefold()]
    skip = set(exclude)
    rows = [r for r in rows if (r.line_id, r.warehouse_id) not in skip and r.quantity > 0]
    expired = [r for r in rows if r.expired_on(on)]
    usable = sorted((r for r in rows if not r.expired_on(on)),
                    key=lambda r: (r.expiry_on is None, r.expiry_on or date.max, r.line_id, r.warehouse))
    picks: list[FefoPick] = []
    left = quantity
    for row in usable:
        if left <= 0:
            break
        can = available(organization_id, row.line_id, row.warehouse_id, on)
        if can <= 0:
            continue
        take = min(can, left)
        picks.append(FefoPick(row, take, can))
        left -= take
    return FefoSuggestion(picks, quantity, max(left, ZERO_QTY), expired)


@dataclass(frozen=True)
class ExpiryAlert:
    row: StockRow
    days_left: int

    @property
    def expired(self) -> bool:
        return self.days_left < 0


def expiry_alerts(organization_id: int, today: date, horizon_days: int = 90) -> list[ExpiryAlert]:
    """Lots in stock (today's balance) that expired or expire within ``horizon_days``, soonest first."""
    rows = balances(organization_id, None, StockFilters(expiring_by=today + timedelta(days=horizon_days)))
    alerts = [ExpiryAlert(r, (r.expiry_on - today).days) for r in rows if r.quantity > 0 and r.expiry_on]
    return sorted(alerts, key=lambda a: (a.days_left, a.row.name))
