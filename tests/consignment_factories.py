"""Consignments, lines, declarations and documents for tests, made through the real services."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from tests.factories import category, make_warehouse, unit
from tracker.consignments import service as consignments
from tracker.customs import service as customs
from tracker.extensions import db
from tracker.models import (
    AidType,
    Consignment,
    ConsignmentStatus,
    DeclarationKind,
    DeclarationStatus,
    DocumentType,
    ExchangeRate,
    GoodsKind,
    Organization,
    Origin,
    RateSource,
)
from tracker.rates import service as rates

LOOKBACK = 4
TODAY = date(2026, 11, 26)


def add_rate(currency: str, on: date, rate: str) -> ExchangeRate:
    return rates.create_rate(rates.RateData(currency, on, Decimal(rate), RateSource.nbu), None, None)


def standard_rates() -> None:
    """A few rates around the journey's dates (illustrative)."""
    for on in (date(2026, 11, 10), date(2026, 11, 12), date(2026, 11, 13)):
        add_rate("EUR", on, "48.6512" if on.day == 10 else "48.7034")
        add_rate("PLN", on, "11.4021")
        add_rate("JPY", on, "0.27311")
        add_rate("USD", on, "41.8200")


def make_consignment(org: Organization, partner: Any, user_id: int | None = None, **over: Any) -> Consignment:
    values: dict[str, Any] = {
        "aid_type": AidType.humanitarian, "origin": Origin.abroad, "goods_kind": GoodsKind.goods,
        "partner_id": partner.id, "currency": "EUR", "valuation_on": date(2026, 11, 10),
        "dispatched_on": date(2026, 11, 10), "declaration_code": "HA-2026-000123",
    } | over
    return consignments.create_consignment(org.id, user_id, consignments.ConsignmentData(**values))


def line_data(org: Organization, **over: Any) -> consignments.LineData:
    values: dict[str, Any] = {
        "name": "Stromerzeuger 5,5 kW", "quantity": Decimal("10"), "unit_value": Decimal("1249.0000"),
        "currency": "EUR", "category_id": category(org, "generators").id, "unit_id": unit(org, "pcs").id,
        "serial": "GEN-001…GEN-010",
    } | over
    return consignments.LineData(**values)


def add_line(consignment: Consignment, user_id: int | None = None, **over: Any):
    org = db.session.get(Organization, consignment.organization_id)
    return consignments.add_line(consignment, user_id, line_data(org, **over), lookback_days=LOOKBACK)


def document_type(org: Organization, code: str) -> DocumentType:
    return db.session.scalar(sa.select(DocumentType).where(DocumentType.organization_id == org.id,
                                                           DocumentType.code == code))


def file_documents(consignment: Consignment, *codes: str, user_id: int | None = None) -> None:
    org = db.session.get(Organization, consignment.organization_id)
    for code in codes:
        customs.add_document(org.id, user_id, customs.DocumentData(document_type_id=document_type(org, code).id,
                                                                   number=f"{code}-1"), consignment=consignment)


def move(consignment: Consignment, to: ConsignmentStatus, user_id: int | None = None, **over: Any) -> Consignment:
    over.setdefault("on", None)
    role = over.pop("role", None)
    return consignments.transition(consignment, user_id, consignments.TransitionData(to=to, **over), today=TODAY,
                                   role=role)


def clear_through_customs(consignment: Consignment, user_id: int | None = None,
                          cleared_on: date = date(2026, 11, 14)) -> Consignment:
    """in_transit → at_customs → (declaration cleared) → cleared."""
    move(consignment, ConsignmentStatus.in_transit, user_id, on=date(2026, 11, 10))
    move(consignment, ConsignmentStatus.at_customs, user_id, on=date(2026, 11, 13))
    declaration = customs.add_declaration(consignment, user_id, customs.DeclarationData(
        kind=DeclarationKind.customs_declaration, number="UA100000/2026/123456", customs_office="Volyn customs",
        checkpoint="Yahodyn"), today=TODAY)
    customs.change_declaration_status(declaration, user_id, DeclarationStatus.submitted, date(2026, 11, 13),
                                      today=TODAY)
    customs.change_declaration_status(declaration, user_id, DeclarationStatus.cleared, cleared_on, today=TODAY)
    return consignment


HA_DOCUMENTS = ("ha_declaration", "donation_letter", "packing_list", "cmr")


def ready_to_accept(org: Organization, partner: Any, user_id: int | None = None, **over: Any) -> Consignment:
    """A cleared HA consignment with one valued generator line, its documents and a warehouse."""
    warehouse = over.pop("warehouse", None) or make_warehouse(org, "Central")
    consignment = make_consignment(org, partner, user_id, warehouse_id=warehouse.id,
                                   commission_members="O. Bondar, accountant\nO. Kravchuk", **over)
    add_line(consignment, user_id)
    clear_through_customs(consignment, user_id)
    file_documents(consignment, *HA_DOCUMENTS, user_id=user_id)
    return consignment

