"""Idempotency keys: a posting sent twice (double click, network retry) takes effect once."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.models.base import db, UTCDateTime, utcnow


class IdempotencyKey(db.Model):
    """One use of a client key (API ``Idempotency-Key`` header) or one-time form token.

    The row is inserted in the same transaction as the posting it guards, so it commits with the
    posting or disappears with its rollback; the unique constraint makes a concurrent second use
    wait for the first and then find it. See ``tracker.idempotency.service``.
    """

    __table_args__ = (sa.UniqueConstraint("organization_id", "user_id", "key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organization_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organization.id", ondelete="CASCADE"))
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(100))
    #: What the key was used for, e.g. ``api_partners.create`` (a key is not reusable elsewhere).
    scope: so.Mapped[str] = so.mapped_column(sa.String(100))
    #: SHA-256 of the request's content: the same key with other content is refused.
    fingerprint: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: The object the first use created or changed (replayed to a repeated request).
    object_type: so.Mapped[str] = so.mapped_column(sa.String(50), default="")
    object_id: so.Mapped[int | None]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, index=True)
