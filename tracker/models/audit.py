"""The audit trail: append-only events, hash-chained per organization, and each chain's head.

Events are never updated or deleted by the application: the ORM refuses it (see
:func:`_refuse_changes`), and ``tracker.audit.service.verify_chain`` detects changes made
behind the application's back (direct SQL).
"""
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


class AuditChainHead(db.Model):
    """The last event of one chain. Appending locks this row first (``SELECT … FOR UPDATE`` on
    PostgreSQL, the database write lock on SQLite), so concurrent appends to one organization's
    chain queue up instead of both linking to the same predecessor (a fork). It also lets the
    check notice events deleted from the end of a chain, which no link would reveal."""

    #: The organization's id, or 0 for the chain of events outside any organization.
    chain_id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    last_event_id: so.Mapped[int | None]
    #: Hash of the chain's last event ("" while the chain is empty).
    last_hash: so.Mapped[str] = so.mapped_column(sa.String(64), default="")


class AuditTrailImmutable(RuntimeError):
    """Raised when code tries to change or delete an audit event (a programming error)."""


@sa.event.listens_for(AuditEvent, "before_update")
@sa.event.listens_for(AuditEvent, "before_delete")
def _refuse_row_change(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise AuditTrailImmutable(f"audit event {target.id} cannot be changed or deleted")


@sa.event.listens_for(so.Session, "do_orm_execute")
def _refuse_changes(state: so.ORMExecuteState) -> None:
    """Bulk ``update(AuditEvent)`` / ``delete(AuditEvent)`` through any session is refused too."""
    table = getattr(state.statement, "table", None)
    if (state.is_update or state.is_delete) and getattr(table, "name", None) == AuditEvent.__tablename__:
        raise AuditTrailImmutable("audit events cannot be changed or deleted")
