"""Named reads of consignments: the filtered list (pages and API), the timeline, dashboard counts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from tracker.customs.checklist import build_checklist
from tracker.extensions import db
from tracker.models import (
    AidType,
    Consignment,
    ConsignmentEvent,
    ConsignmentStatus,
    CustomsDeclaration,
    Document,
)
from tracker.scoping import scoped


@dataclass(frozen=True)
class ConsignmentFilters:
    status: ConsignmentStatus | None = None
    aid_type: AidType | None = None
    partner_id: int | None = None
    #: valuation date from / to (inclusive)
    date_from: date | None = None
    date_to: date | None = None
    #: only consignments whose report is overdue on ``today``
    overdue: bool = False
    #: number, HA code or CMR number contains
    q: str = ""


def consignment_query(organization_id: int, filters: ConsignmentFilters, today: date) -> sa.Select[Any]:
    """The organization's consignments matching the filters, newest first."""
    query = scoped(Consignment, organization_id)
    if filters.status is not None:
        query = query.where(Consignment.status == filters.status)
    if filters.aid_type is not None:
        query = query.where(Consignment.aid_type == filters.aid_type)
    if filters.partner_id is not None:
        query = query.where(Consignment.partner_id == filters.partner_id)
    if filters.date_from is not None:
        query = query.where(Consignment.valuation_on >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(Consignment.valuation_on <= filters.date_to)
    if filters.overdue:
        query = query.where(Consignment.report_due_on < today, Consignment.reported_on.is_(None),
                            Consignment.status != ConsignmentStatus.cancelled)
    if filters.q:
        pattern = f"%{filters.q.lower()[:60]}%"
        query = query.where(sa.or_(sa.func.lower(Consignment.number).like(pattern),
                                   sa.func.lower(Consignment.declaration_code).like(pattern),
                                   sa.func.lower(Consignment.cmr_number).like(pattern)))
    return query.order_by(Consignment.valuation_on.desc(), Consignment.id.desc())


def timeline(consignment: Consignment) -> list[ConsignmentEvent]:
    return list(db.session.scalars(sa.select(ConsignmentEvent).where(
        ConsignmentEvent.consignment_id == consignment.id,
        ConsignmentEvent.organization_id == consignment.organization_id).order_by(ConsignmentEvent.id)))


def at_customs(organization_id: int) -> list[Consignment]:
    return list(db.session.scalars(scoped(Consignment, organization_id).where(
        Consignment.status.in_([ConsignmentStatus.in_transit, ConsignmentStatus.at_customs]))
        .order_by(Consignment.arrived_on, Consignment.id)))


def with_missing_documents(organization_id: int, limit: int = 50) -> list[tuple[Consignment, list[str]]]:
    """Open consignments (not yet accepted) whose checklist has missing documents."""
    open_statuses = [ConsignmentStatus.draft, ConsignmentStatus.in_transit, ConsignmentStatus.at_customs,
                     ConsignmentStatus.cleared]
    found = []
    for consignment in db.session.scalars(scoped(Consignment, organization_id).where(
            Consignment.status.in_(open_statuses)).order_by(Consignment.id).limit(limit)):
        missing = build_checklist(consignment).missing
        if missing:
            found.append((consignment, [i.document_type.code for i in missing]))
    return found


def declarations(organization_id: int) -> sa.Select[Any]:
    return scoped(CustomsDeclaration, organization_id).order_by(CustomsDeclaration.id.desc())


def documents_of_agreement(organization_id: int, agreement_id: int) -> list[Document]:
    return list(db.session.scalars(scoped(Document, organization_id).where(Document.agreement_id == agreement_id)))
