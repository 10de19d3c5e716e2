"""Writing the stock ledger. Movements are only ever added (never updated or deleted); every
posting function adds the movements of one document inside the caller's transaction.
"""
from __future__ import annotations

from datetime import date

from tracker.extensions import db
from tracker.models import Consignment, ConsignmentLine, GoodsKind, MovementKind, StockMovement


def stocked_lines(consignment: Consignment) -> list[ConsignmentLine]:
    """Lines that become stock: every line of a goods consignment whose category is goods."""
    if consignment.goods_kind != GoodsKind.goods:
        return []
    return [line for line in consignment.lines if not line.category.non_stock]


def post_receipt(consignment: Consignment, user_id: int | None, on: date) -> list[StockMovement]:
    """One ``receipt`` movement per stocked line into the consignment's warehouse, with the
    line's full quantity and UAH value. The caller (acceptance) has checked the preconditions."""
    assert consignment.warehouse_id is not None
    movements = []
    for line in stocked_lines(consignment):
        assert line.value_uah is not None
        movement = StockMovement(
            organization_id=consignment.organization_id, on=on, kind=MovementKind.receipt, line_id=line.id,
            warehouse_id=consignment.warehouse_id, quantity=line.quantity, value_uah=line.value_uah,
            source_type="consignment", source_id=consignment.id, user_id=user_id,
            note=f"{consignment.number}/{line.position}")
        db.session.add(movement)
        movements.append(movement)
    db.session.flush()
    return movements
