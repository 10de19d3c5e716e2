"""The stock ledger: append-only movements of lots (consignment lines) in warehouses.

The balance of a lot in a warehouse is the sum of its movements; nothing else stores
quantities on hand. Rows are never updated or deleted: a wrong movement is corrected by a
reversing movement that points at it (``reversal_of_id``).
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.models.base import TenantMixin, UTCDateTime, db, str_enum, utcnow
from tracker.models.types import Money, Qty

if TYPE_CHECKING:
    from tracker.models.catalog import Warehouse
    from tracker.models.consignment import ConsignmentLine


class MovementKind(enum.StrEnum):
    receipt = "receipt"
    issue = "issue"
    transfer = "transfer"
    write_off = "write_off"
    count_adjustment = "count_adjustment"
    return_to_donor = "return_to_donor"
    redistribution = "redistribution"


class StockMovement(TenantMixin, db.Model):
    __table_args__ = (
        sa.CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        sa.Index("ix_stock_movement_lot", "organization_id", "line_id", "warehouse_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Date the movement takes effect in the books (balances "as of" a date sum up to it).
    on: so.Mapped[date] = so.mapped_column(index=True)
    kind: so.Mapped[MovementKind] = so.mapped_column(str_enum(MovementKind, "movement_kind"))
    #: The lot: the consignment line the goods came in on.
    line_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consignment_line.id"), index=True)
    warehouse_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("warehouse.id"), index=True)
    #: Signed quantity in the line's unit, 3 dp: + into the warehouse, − out of it; never 0.
    quantity: so.Mapped[Qty]
    #: Signed value in UAH, 2 dp, same sign as ``quantity``.
    value_uah: so.Mapped[Money]
    #: The document that caused it: ("consignment", id), ("distribution", id), …
    source_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    source_id: so.Mapped[int]
    #: The movement this one reverses, if it is a reversal.
    reversal_of_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("stock_movement.id"), index=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    note: so.Mapped[str] = so.mapped_column(sa.String(300), default="")

    line: so.Mapped[ConsignmentLine] = so.relationship()
    warehouse: so.Mapped[Warehouse] = so.relationship()
