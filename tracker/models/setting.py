"""Date-effective settings: legal thresholds that change with the law (DOMAIN.md ⚠ rules)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.models.base import db, TimestampMixin


class Setting(TimestampMixin, db.Model):
    """A value for ``key`` effective from ``valid_from``; organization None = the default for all."""

    __table_args__ = (sa.UniqueConstraint("organization_id", "key", "valid_from"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organization_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("organization.id"), index=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(60))
    value: so.Mapped[str] = so.mapped_column(sa.String(200))
    valid_from: so.Mapped[date]
    note: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
