"""Reading the stock ledger: balances per lot (consignment line) and warehouse at any date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Category, Consignment, ConsignmentLine, StockMovement, Unit, Warehouse
from tracker.models.types import scaled_to_decimal
from tracker.money import MONEY_PLACES, QTY_PLACES


@dataclass(frozen=True)
class StockRow:
    line_id: int
    warehouse_id: int
    warehouse: str
    consignment_id: int
    consignment_number: str
    partner_id: int
    name: str
    category: str
    lot: str
    expiry_on: date | None
    unit: str
    quantity: Decimal
    value_uah: Decimal


def balance_query(organization_id: int, as_of: date | None = None, *, warehouse_id: int | None = None,
                  line_id: int | None = None, partner_id: int | None = None,
                  include_zero: bool = False) -> sa.Select[Any]:
    """SELECT of quantity and UAH value on hand per lot and warehouse (sums of movements up to
    and including ``as_of``)."""
    # Sum the raw scaled integers: exact on both databases, converted back once.
    qty = sa.func.sum(sa.type_coerce(StockMovement.quantity, sa.BigInteger)).label("qty")
    value = sa.func.sum(sa.type_coerce(StockMovement.value_uah, sa.BigInteger)).label("value")
    query = (
        sa.select(StockMovement.line_id, StockMovement.warehouse_id, qty, value)
        .where(StockMovement.organization_id == organization_id)
        .group_by(StockMovement.line_id, StockMovement.warehouse_id)
    )
    if as_of is not None:
        query = query.where(StockMovement.on <= as_of)
    if warehouse_id is not None:
        query = query.where(StockMovement.warehouse_id == warehouse_id)
    if line_id is not None:
        query = query.where(StockMovement.line_id == line_id)
    if partner_id is not None:
        query = query.join(ConsignmentLine, ConsignmentLine.id == StockMovement.line_id).join(
            Consignment, Consignment.id == ConsignmentLine.consignment_id).where(Consignment.partner_id == partner_id)
    if not include_zero:
        query = query.having(sa.func.sum(sa.type_coerce(StockMovement.quantity, sa.BigInteger)) != 0)
    return query


def balances(organization_id: int, as_of: date | None = None, **filters: Any) -> list[StockRow]:
    """Stock on hand per lot and warehouse, ordered by name, expiry and warehouse."""
    sums = balance_query(organization_id, as_of, **filters).subquery()
    rows = db.session.execute(
        sa.select(sums.c.line_id, sums.c.warehouse_id, sums.c.qty, sums.c.value, ConsignmentLine, Warehouse.name,
                  Consignment.number, Consignment.partner_id, Unit.code, Category.code)
        .join(ConsignmentLine, ConsignmentLine.id == sums.c.line_id)
        .join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
        .join(Warehouse, Warehouse.id == sums.c.warehouse_id)
        .join(Unit, Unit.id == ConsignmentLine.unit_id)
        .join(Category, Category.id == ConsignmentLine.category_id)
        .order_by(ConsignmentLine.name, ConsignmentLine.expiry_on, Warehouse.name, sums.c.line_id)
    ).all()
    return [
        StockRow(line_id=r[0], warehouse_id=r[1], warehouse=r[5], consignment_id=r[4].consignment_id,
                 consignment_number=r[6], partner_id=r[7], name=r[4].name, category=r[9], lot=r[4].lot,
                 expiry_on=r[4].expiry_on, unit=r[8], quantity=scaled_to_decimal(r[2], QTY_PLACES),
                 value_uah=scaled_to_decimal(r[3], MONEY_PLACES))
        for r in rows
    ]


def on_hand(organization_id: int, line_id: int, warehouse_id: int, as_of: date | None = None) -> Decimal:
    """Quantity of one lot in one warehouse."""
    row = db.session.execute(balance_query(organization_id, as_of, line_id=line_id, warehouse_id=warehouse_id,
                                           include_zero=True)).first()
    return scaled_to_decimal(row.qty if row else 0, QTY_PLACES)
