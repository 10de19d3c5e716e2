"""Writing audit events. Every service that changes data calls :func:`record` before it returns.

Events are hash-chained per organization: each stores the SHA-256 of the previous event of its
organization and its own hash over that and its canonical JSON, so an edited or deleted event
breaks the chain (verified by :func:`verify_chain`).
"""
from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AuditEvent
from tracker.models.base import utcnow


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: Any, exclude: tuple[str, ...] = ("created_at", "updated_at", "password_hash")) -> dict[str, Any]:
    """Column values of a model instance as JSON-safe data (Decimals as strings)."""
    table = obj.__table__
    return {c.key: _jsonable(getattr(obj, c.key)) for c in table.columns if c.key not in exclude}


def _digest(prev_hash: str, event: AuditEvent) -> str:
    payload = json.dumps(
        {
            "prev": prev_hash,
            "organization_id": event.organization_id,
            "user_id": event.user_id,
            "at": event.at.isoformat(),
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "before": event.before,
            "after": event.after,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(
    *,
    organization_id: int | None,
    user_id: int | None,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: Any = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event to the organization's chain (flushes, never commits)."""
    if obj is not None:
        object_type = object_type or obj.__class__.__name__
        object_id = object_id or getattr(obj, "id", "")
    prev = db.session.scalar(
        sa.select(AuditEvent.hash)
        .where(AuditEvent.organization_id.is_(None) if organization_id is None
               else AuditEvent.organization_id == organization_id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ) or ""
    event = AuditEvent(
        organization_id=organization_id,
        user_id=user_id,
        at=utcnow(),
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        prev_hash=prev,
        hash="",
    )
    event.hash = _digest(prev, event)
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    organization_id: int | None
    message: str


def verify_chain() -> list[ChainProblem]:
    """Every event whose hash or link does not match: edited, inserted or deleted events."""
    problems: list[ChainProblem] = []
    last: dict[int | None, str] = {}
    for event in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        expected_prev = last.get(event.organization_id, "")
        if event.prev_hash != expected_prev:
            problems.append(ChainProblem(event.id, event.organization_id, "link to previous event broken"))
        if _digest(event.prev_hash, event) != event.hash:
            problems.append(ChainProblem(event.id, event.organization_id, "content does not match its hash"))
        last[event.organization_id] = event.hash
    return problems
