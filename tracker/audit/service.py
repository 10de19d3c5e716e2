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

from tracker.concurrency import insert_or_ignore
from tracker.extensions import db
from tracker.models import AuditChainHead, AuditEvent
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


def _lock_chain_head(chain_id: int) -> AuditChainHead:
    """Create the chain's head row if missing and lock it until the transaction ends.

    ``insert_or_ignore`` is a write statement: on SQLite it takes the database's write lock
    before the head is read, so no other connection can append in between; on PostgreSQL the
    ``SELECT … FOR UPDATE`` makes a concurrent appender wait for our commit and then read the
    head we wrote (READ COMMITTED re-reads a row it waited for).
    """
    insert_or_ignore(AuditChainHead, {"chain_id": chain_id, "last_event_id": None, "last_hash": ""},
                     ["chain_id"])
    return db.session.execute(
        sa.select(AuditChainHead).where(AuditChainHead.chain_id == chain_id)
        .with_for_update().execution_options(populate_existing=True)
    ).scalar_one()


def chain_id_of(organization_id: int | None) -> int:
    """The chain an organization's events belong to (0 = events outside any organization)."""
    return organization_id or 0


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
    """Append one audit event to the organization's chain (flushes, never commits).

    The chain head stays locked until the caller's transaction ends, so appends to one
    organization are serialized; a rollback discards the event together with the change it
    describes.
    """
    if obj is not None:
        object_type = object_type or obj.__class__.__name__
        object_id = object_id or getattr(obj, "id", "")
    head = _lock_chain_head(chain_id_of(organization_id))
    prev = head.last_hash
    event = AuditEvent(
        organization_id=organization_id,
        user_id=user_id,
        at=utcnow(),
        action=action[:50],
        object_type=str(object_type)[:50],
        object_id=str(object_id or "")[:50],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        prev_hash=prev,
        hash="",
    )
    event.hash = _digest(prev, event)
    db.session.add(event)
    db.session.flush()
    head.last_event_id = event.id
    head.last_hash = event.hash
    db.session.flush()
    return event


def record_download(
    *,
    organization_id: int | None,
    user_id: int | None,
    file_name: str,
    action: str = "export",
    obj: Any = None,
    object_type: str = "",
    object_id: Any = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Audit an export or a file download: who took which file, with which filters.

    ``action`` is ``export`` for reports and registers built on request, ``download`` for a
    stored file (an attachment); ``details`` holds the filters or the stored file's type and
    size. Call it before sending the bytes, and commit (a GET handler commits just for this).
    """
    return record(organization_id=organization_id, user_id=user_id, action=action, obj=obj,
                  object_type=object_type, object_id=object_id,
                  after={"file": file_name, **(details or {})})


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    organization_id: int | None
    message: str


def verify_chain() -> list[ChainProblem]:
    """Every event whose hash or link does not match, and every chain whose head does not point
    at its last event: edited, inserted or deleted events (at the end of a chain too)."""
    problems: list[ChainProblem] = []
    last: dict[int, AuditEvent] = {}
    for event in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        chain = chain_id_of(event.organization_id)
        previous = last.get(chain)
        expected_prev = previous.hash if previous is not None else ""
        if event.prev_hash != expected_prev:
            problems.append(ChainProblem(event.id, event.organization_id,
                                         "link to previous event broken (an earlier event was changed or deleted)"))
        if _digest(event.prev_hash, event) != event.hash:
            problems.append(ChainProblem(event.id, event.organization_id, "content does not match its hash"))
        last[chain] = event
    heads = {h.chain_id: h for h in db.session.scalars(sa.select(AuditChainHead))}
    for chain in sorted(set(heads) | set(last)):
        head, tail = heads.get(chain), last.get(chain)
        organization_id = chain or None
        if tail is None:
            if head is not None and head.last_event_id is not None:
                problems.append(ChainProblem(head.last_event_id, organization_id,
                                             "every event of this chain is missing"))
            continue
        if head is None:
            problems.append(ChainProblem(tail.id, organization_id, "the chain has no head record"))
        elif head.last_event_id != tail.id or head.last_hash != tail.hash:
            problems.append(ChainProblem(head.last_event_id or tail.id, organization_id,
                                         f"the chain should end at event {head.last_event_id} but ends at "
                                         f"event {tail.id} (events deleted at the end)"))
    return problems
