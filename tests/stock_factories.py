"""Lots in stock and stock documents for tests, made through the real services."""
from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from tests.factories import category, make_warehouse, unit
from tracker.extensions import db
from tracker.models import (
    AidType,
    Consignment,
    ConsignmentLine,
    ConsignmentStatus,
    GoodsKind,
    IntendedUse,
    MovementKind,
    Organization,
    Origin,
    Role,
    StockMovement,
    Warehouse,
)
from tracker.stock import documents as docs

TODAY = date(2026, 11, 26)
ACCEPTED_ON = date(2026, 11, 14)
_numbers = itertools.count(1)


def warehouse(org: Organization, name: str = "Центральний склад") -> Warehouse:
    found = db.session.scalar(sa.select(Warehouse).where(Warehouse.organization_id == org.id, Warehouse.name == name))
    return found or make_warehouse(org, name)


def make_lot(org: Organization, partner: Any, *, name: str = "Спальний мішок зимовий", category_code: str = "shelter",
             quantity: str = "100", value_uah: str = "10000.00", expiry_on: date | None = None, lot: str = "",
             aid_type: AidType = AidType.humanitarian, intended_use: IntendedUse = IntendedUse.distribution,
             accepted_on: date = ACCEPTED_ON, into: Warehouse | None = None, user_id: int | None = None,
             item_id: int | None = None) -> ConsignmentLine:
    """An accepted consignment with one line, received into the warehouse, with its receipt
    movement and acceptance entry (the acceptance path: receipt then ``post_acceptance_entry``)."""
    into = into or warehouse(org)
    consignment = Consignment(
        organization_id=org.id, number=f"2026-T{next(_numbers):04d}", aid_type=aid_type, origin=Origin.domestic,
        goods_kind=GoodsKind.goods, status=ConsignmentStatus.accepted, partner_id=partner.id, currency="UAH",
        warehouse_id=into.id, valuation_on=accepted_on, accepted_on=accepted_on, arrived_on=accepted_on,
        commission_members="Commission")
    db.session.add(consignment)
    db.session.flush()
    qty, value = Decimal(quantity), Decimal(value_uah)
    line = ConsignmentLine(
        organization_id=org.id, consignment_id=consignment.id, position=1, name=name, item_id=item_id,
        category_id=category(org, category_code).id, unit_id=unit(org, "pcs").id, quantity=qty,
        unit_value=(value / qty).quantize(Decimal("0.0001")), currency="UAH", value=value, rate=Decimal("1"),
        rate_on=accepted_on, value_uah=value, lot=lot, expiry_on=expiry_on, intended_use=intended_use)
    db.session.add(line)
    db.session.flush()
    db.session.add(StockMovement(organization_id=org.id, on=accepted_on, kind=MovementKind.receipt, line_id=line.id,
                                 warehouse_id=into.id, quantity=qty, value_uah=value, source_type="consignment",
                                 source_id=consignment.id, user_id=user_id))
    db.session.flush()
    db.session.refresh(consignment)
    docs.post_acceptance_entry(consignment, user_id)
    return line


def line(lot: ConsignmentLine, quantity: str, warehouse_id: int | None = None, **over: Any) -> docs.LineInput:
    return docs.LineInput(line_id=lot.id, quantity=Decimal(quantity),
                          warehouse_id=warehouse_id if warehouse_id is not None else _lot_warehouse(lot), **over)


def _lot_warehouse(lot: ConsignmentLine) -> int:
    return lot.consignment.warehouse_id


def distribution_data(*lines: docs.LineInput, on: date = date(2026, 11, 20), **over: Any) -> docs.DistributionData:
    values: dict[str, Any] = {
        "on": on, "recipient_kind": docs.RecipientKind.institution,
        "recipient_name": "КНП «Лікарня № 1»", "recipient_edrpou": "01990016",
        "purpose": "Power supply during outages", "lines": tuple(lines)} | over
    return docs.DistributionData(**values)


def make_distribution(org: Organization, user: Any, *lines: docs.LineInput, post: bool = False,
                      role: Role = Role.accountant, **over: Any):
    doc = docs.create_document("distribution", org.id, user.id, role, distribution_data(*lines, **over), today=TODAY)
    if post:
        docs.post_document(doc, user.id, role, today=TODAY)
    return doc


def post(doc: Any, user: Any, role: Role = Role.finance_head) -> Any:
    return docs.post_document(doc, user.id, role, today=TODAY)


def reverse(doc: Any, user: Any, on: date | None = None, reason: str = "wrong recipient") -> Any:
    return docs.reverse_document(doc, user.id, Role.finance_head, reason=reason, on=on, today=TODAY)
