"""Reads for donor delivery: the delivery log, what needs attention, a partner's settings."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import DeliveryStatus, Partner, ReportDelivery, ReportRecipient
from tracker.scoping import scoped

#: Statuses that need a person's attention (shown on the dashboard).
ATTENTION = (DeliveryStatus.failed, DeliveryStatus.uncertain)


def log_query(organization_id: int, *, partner_id: int | None = None, status: str | None = None) -> sa.Select[Any]:
    """The delivery log of the organization, newest first; ``status`` may be a status value or
    ``attention`` (failed or uncertain)."""
    query = scoped(ReportDelivery, organization_id)
    if partner_id:
        query = query.where(ReportDelivery.partner_id == partner_id)
    if status == "attention":
        query = query.where(ReportDelivery.status.in_(ATTENTION))
    elif status:
        valid = {s.value for s in DeliveryStatus}
        query = query.where(ReportDelivery.status == status) if status in valid else query.where(sa.false())
    return query.order_by(ReportDelivery.created_at.desc(), ReportDelivery.id.desc())


@dataclass(frozen=True)
class Attention:
    failed: int
    uncertain: int
    #: failed deliveries that the scheduled job will not retry any more
    exhausted: int

    @property
    def total(self) -> int:
        return self.failed + self.uncertain


def attention(organization_id: int, retry_limit: int) -> Attention:
    """Counts of failed and uncertain deliveries for the dashboard."""
    def count(*where: Any) -> int:
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(ReportDelivery).where(
            ReportDelivery.organization_id == organization_id, *where)) or 0)

    return Attention(
        failed=count(ReportDelivery.status == DeliveryStatus.failed),
        uncertain=count(ReportDelivery.status == DeliveryStatus.uncertain),
        exhausted=count(ReportDelivery.status == DeliveryStatus.failed, ReportDelivery.attempts >= retry_limit),
    )


def partner_choices(organization_id: int) -> list[tuple[int, str]]:
    return [(p.id, p.name) for p in db.session.scalars(scoped(Partner, organization_id).order_by(Partner.name))]


def recipient_counts(organization_id: int) -> dict[int, int]:
    return dict(db.session.execute(
        sa.select(ReportRecipient.partner_id, sa.func.count()).where(ReportRecipient.organization_id == organization_id)
        .group_by(ReportRecipient.partner_id)).all())

