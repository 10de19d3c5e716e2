"""The audit trail: append-only events, hash-chained per organization."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.models.base import db, UTCDateTime, utcnow


class AuditEvent(db.Model):
    __table_args__ = (sa.Index("ix_audit_event_object", "object_type", "object_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: None for events outside any organization (failed sign-in of an unknown address).
    organization_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("organization.id"), index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, index=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(50))
    object_type: so.Mapped[str] = so.mapped_column(sa.String(50), default="")
    object_id: so.Mapped[str] = so.mapped_column(sa.String(50), default="")
    before: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    after: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    #: SHA-256 of the previous event of the same organization ("" for the first).
    prev_hash: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    #: SHA-256 over prev_hash and this event's canonical JSON.
    hash: so.Mapped[str] = so.mapped_column(sa.String(64))
