"""NBU exchange rates: UAH per one unit of a currency on a date. Shared by all organizations."""
from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.models.base import db, TimestampMixin, str_enum
from tracker.models.types import Rate


class RateSource(enum.StrEnum):
    nbu = "nbu"
    manual = "manual"


class ExchangeRate(TimestampMixin, db.Model):
    __table_args__ = (
        sa.UniqueConstraint("currency", "on"),
        sa.CheckConstraint("rate > 0", name="rate_positive"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: ISO 4217 code of the foreign currency.
    currency: so.Mapped[str] = so.mapped_column(sa.String(3))
    on: so.Mapped[date]
    #: UAH per 1 unit of ``currency``, 6 dp, > 0.
    rate: so.Mapped[Rate]
    source: so.Mapped[RateSource] = so.mapped_column(str_enum(RateSource, "rate_source"))
