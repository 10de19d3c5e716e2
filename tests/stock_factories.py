"""Lots in stock and stock documents for tests, made through the real services."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from tests.factories import category, make_warehouse, unit
from tracker.consignments import service as consignments
from tracker.extensions import db
from tracker.models import (
    AidType,
    ConsignmentLine,
    ConsignmentStatus,
    GoodsKind,
    IntendedUse,
    Organization,
    Origin,
    Role,
    Warehouse,
)
from tracker.stock import documents as docs

TODAY = date(2026, 11, 26)


@pytest.fixture
def english(app):
    """Messages in English (the msgids), so tests can read them whatever the default language."""
    with force_locale("en"):
        yield
ACCEPTED_ON = date(2026, 11, 14)


def warehouse(org: Organization, name: str = "Центральний склад") -> Warehouse:
    found = db.session.scalar(sa.select(Warehouse).where(Warehouse.organization_id == org.id, Warehouse.name == name))
    return found or make_warehouse(org, name)


def make_lot(org: Organization, partner: Any, *, name: str = "Спальний мішок зимовий", category_code: str = "shelter",
             quantity: str = "100", value_uah: str = "10000.00", expiry_on: date | None = None, lot: str = "",
             aid_type: AidType = AidType.humanitarian, intended_use: IntendedUse = IntendedUse.distribution,
             accepted_on: date = ACCEPTED_ON, into: Warehouse | None = None, user_id: int | None = None,
             item_id: int | None = None) -> ConsignmentLine:
    """One lot in stock: a domestic consignment in UAH with one line, accepted into the warehouse
    through the real acceptance (receipt movement and journal entry in one transaction)."""
    into = into or warehouse(org)
    kind = category(org, category_code)
    qty, value = Decimal(quantity), Decimal(value_uah)
    consignment = consignments.create_consignment(org.id, user_id, consignments.ConsignmentData(
        aid_type=aid_type, origin=Origin.domestic, partner_id=partner.id, currency="UAH", valuation_on=accepted_on,
        goods_kind=GoodsKind.goods, warehouse_id=into.id, commission_members="O. Bondar, accountant\nP. Melnyk"))
    consignments.add_line(consignment, user_id, consignments.LineData(
        name=name, quantity=qty, currency="UAH", category_id=kind.id, unit_id=unit(org, "pcs").id, item_id=item_id,
        unit_value=(value / qty).quantize(Decimal("0.0001")), lot=lot or ("L-1" if kind.needs_expiry else ""),
        expiry_on=expiry_on or (date(2030, 1, 1) if kind.needs_expiry else None),
        serial="SN-1" if kind.needs_serial else "", intended_use=intended_use), lookback_days=4)
    consignments.transition(consignment, user_id, consignments.TransitionData(
        to=ConsignmentStatus.accepted, on=accepted_on, override_reason="Test data: papers kept elsewhere"),
        today=TODAY, role=Role.finance_head)
    return consignment.lines[0]


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
