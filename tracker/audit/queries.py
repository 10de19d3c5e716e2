"""Reading the audit trail of one organization: filters, the users and actions that occur."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEvent, Membership, User


@dataclass(frozen=True)
class AuditFilter:
    """What to show; dates are whole days in the organization's time zone, both ends included."""

    user_id: int | None = None
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


def _day_start(day: date, zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def events_query(organization_id: int, flt: AuditFilter, zone: str) -> sa.Select[tuple[AuditEvent]]:
    """The organization's events matching ``flt``, newest first."""
    query = sa.select(AuditEvent).where(AuditEvent.organization_id == organization_id)
    if flt.user_id:
        query = query.where(AuditEvent.user_id == flt.user_id)
    if flt.object_type:
        query = query.where(AuditEvent.object_type == flt.object_type)
    if flt.object_id:
        query = query.where(AuditEvent.object_id == flt.object_id)
    if flt.action:
        query = query.where(AuditEvent.action == flt.action)
    if flt.date_from:
        query = query.where(AuditEvent.at >= _day_start(flt.date_from, zone))
    if flt.date_to:
        query = query.where(AuditEvent.at < _day_start(flt.date_to + timedelta(days=1), zone))
    return query.order_by(AuditEvent.id.desc())


def actions(organization_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).distinct()
                                   .where(AuditEvent.organization_id == organization_id).order_by(AuditEvent.action)))


def object_types(organization_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.object_type).distinct().where(
        AuditEvent.organization_id == organization_id, AuditEvent.object_type != "").order_by(AuditEvent.object_type)))


def users(organization_id: int) -> list[User]:
    """Present members and anyone who appears in the organization's trail (former members too)."""
    in_trail = sa.select(AuditEvent.user_id).where(AuditEvent.organization_id == organization_id,
                                                   AuditEvent.user_id.is_not(None))
    members = sa.select(Membership.user_id).where(Membership.organization_id == organization_id)
    return list(db.session.scalars(sa.select(User).where(sa.or_(User.id.in_(in_trail), User.id.in_(members)))
                                   .order_by(User.email)))


def emails_by_id(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return {row[0]: row[1] for row in db.session.execute(sa.select(User.id, User.email).where(User.id.in_(user_ids)))}


def changes(event: AuditEvent) -> list[tuple[str, Any, Any]]:
    """(field, before, after) of the fields an event changed (all fields of a create or delete)."""
    before = event.before or {}
    after = event.after or {}
    keys = sorted(set(before) | set(after))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
