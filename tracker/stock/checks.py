"""Integrity checks of the stock ledger, run by ``flask tracker check``.

Pure functions take plain rows and return every problem they find (they never raise); the
registered checks below load the rows. They find what the application itself never writes, i.e.
changes made behind its back: movements that no longer match the documents and receipts they
came from, lots whose balance goes below zero on some date, empty lots that still carry value.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.checks import Problem, integrity_check
from tracker.extensions import db
from tracker.models import (
    Category,
    Consignment,
    ConsignmentLine,
    ConsignmentStatus,
    GoodsKind,
    StockDocumentStatus,
    StockMovement,
)

ZERO_QTY = Decimal("0.000")
ZERO_UAH = Decimal("0.00")

#: (organization_id, source_type, source_id, line_id, warehouse_id)
Key = tuple[int, str, int, int, int]


@dataclass(frozen=True)
class MovementRow:
    organization_id: int
    line_id: int
    warehouse_id: int
    on: date
    quantity: Decimal
    value_uah: Decimal


def check_documents_match_movements(expected: dict[Key, tuple[Decimal, Decimal]],
                                    actual: dict[Key, tuple[Decimal, Decimal]],
                                    labels: dict[tuple[str, int], str] | None = None) -> list[Problem]:
    """Every posted document's (and accepted consignment's) lines equal its movements, per lot
    and warehouse, in quantity and UAH value; no movement without such a source."""
    labels = labels or {}
    problems = []
    for key in sorted(set(expected) | set(actual), key=lambda k: (k[0], k[1], k[2], k[3], k[4])):
        organization_id, source_type, source_id, line_id, warehouse_id = key
        want = expected.get(key)
        got = actual.get(key)
        name = labels.get((source_type, source_id), f"{source_type} {source_id}")
        if want == got:
            continue
        if want is None:
            message = (f"movements of lot {line_id} in warehouse {warehouse_id} ({got[0]}, {got[1]} UAH) have no "
                       f"posted document line behind them")
        elif got is None:
            message = (f"lot {line_id} in warehouse {warehouse_id}: the document says {want[0]} ({want[1]} UAH) "
                       f"but there is no movement")
        else:
            message = (f"lot {line_id} in warehouse {warehouse_id}: the document says {want[0]} ({want[1]} UAH), "
                       f"the movements say {got[0]} ({got[1]} UAH)")
        problems.append(Problem(name, "", organization_id, message))
    return problems


def check_balances(movements: Iterable[MovementRow]) -> list[Problem]:
    """Per lot and warehouse: the running quantity is never below zero on any date, and a lot
    that is empty at the end carries no value (nor is any value negative)."""
    by_lot: dict[tuple[int, int, int], list[MovementRow]] = defaultdict(list)
    for row in movements:
        by_lot[(row.organization_id, row.line_id, row.warehouse_id)].append(row)
    problems = []
    for (organization_id, line_id, warehouse_id), rows in sorted(by_lot.items()):
        per_day: dict[date, tuple[Decimal, Decimal]] = {}
        for row in rows:
            qty, value = per_day.get(row.on, (ZERO_QTY, ZERO_UAH))
            per_day[row.on] = (qty + row.quantity, value + row.value_uah)
        qty, value = ZERO_QTY, ZERO_UAH
        reported = False
        for day in sorted(per_day):
            qty += per_day[day][0]
            value += per_day[day][1]
            if qty < 0 and not reported:
                problems.append(Problem("lot", line_id, organization_id,
                                        f"balance in warehouse {warehouse_id} is {qty} on {day.isoformat()} "
                                        f"(below zero)"))
                reported = True
        if qty == 0 and value != 0:
            problems.append(Problem("lot", line_id, organization_id,
                                    f"warehouse {warehouse_id} holds nothing but {value} UAH of value"))
        elif value < 0:
            problems.append(Problem("lot", line_id, organization_id,
                                    f"warehouse {warehouse_id} holds {qty} with a negative value {value} UAH"))
    return problems


# --------------------------------------------------------------------------- loading

def _add(target: dict[Key, tuple[Decimal, Decimal]], key: Key, qty: Decimal, value: Decimal) -> None:
    old_qty, old_value = target.get(key, (ZERO_QTY, ZERO_UAH))
    target[key] = (old_qty + qty, old_value + value)


def expected_movements() -> tuple[dict[Key, tuple[Decimal, Decimal]], dict[tuple[str, int], str]]:
    """What the movements should be, derived from the documents alone."""
    from tracker.stock.documents import KINDS

    expected: dict[Key, tuple[Decimal, Decimal]] = {}
    labels: dict[tuple[str, int], str] = {}
    # receipts: every stocked line of an accepted consignment, its full quantity and value
    rows = db.session.execute(
        sa.select(Consignment.organization_id, Consignment.id, Consignment.number, Consignment.warehouse_id,
                  ConsignmentLine.id, ConsignmentLine.quantity, ConsignmentLine.value_uah)
        .join(ConsignmentLine, ConsignmentLine.consignment_id == Consignment.id)
        .join(Category, Category.id == ConsignmentLine.category_id)
        .where(Consignment.status.in_([ConsignmentStatus.accepted, ConsignmentStatus.closed]),
               Consignment.goods_kind == GoodsKind.goods, Category.non_stock.is_(False)))
    for org_id, consignment_id, number, warehouse_id, line_id, qty, value in rows:
        labels[("consignment", consignment_id)] = f"consignment {number}"
        _add(expected, (org_id, "consignment", consignment_id, line_id, warehouse_id or 0), qty, value or ZERO_UAH)
    for spec in KINDS.values():
        model = spec.model
        query = sa.select(model).where(model.status != StockDocumentStatus.draft).options(
            so.selectinload(model.lines))
        for doc in db.session.scalars(query):
            labels[(spec.kind, doc.id)] = f"{spec.kind} {doc.number or doc.id}"
            sign = 1 if doc.reversal_of_id is not None else -1
            for line in doc.lines:
                key_base = (doc.organization_id, spec.kind, doc.id, line.line_id)
                if spec.kind == "stock_count":
                    if line.adjustment_quantity:
                        _add(expected, (*key_base, doc.warehouse_id), line.adjustment_quantity,
                             line.value_uah or ZERO_UAH)
                elif spec.kind == "transfer":
                    value = line.value_uah or ZERO_UAH
                    _add(expected, (*key_base, doc.from_warehouse_id), sign * line.quantity, sign * value)
                    _add(expected, (*key_base, doc.to_warehouse_id), -sign * line.quantity, -sign * value)
                else:
                    _add(expected, (*key_base, line.warehouse_id), sign * line.quantity,
                         sign * (line.value_uah or ZERO_UAH))
    return expected, labels


def actual_movements() -> dict[Key, tuple[Decimal, Decimal]]:
    actual: dict[Key, tuple[Decimal, Decimal]] = {}
    for m in db.session.execute(sa.select(StockMovement.organization_id, StockMovement.source_type,
                                          StockMovement.source_id, StockMovement.line_id, StockMovement.warehouse_id,
                                          StockMovement.quantity, StockMovement.value_uah)):
        _add(actual, (m[0], m[1], m[2], m[3], m[4]), m[5], m[6])
    return actual


def movement_rows() -> list[MovementRow]:
    return [MovementRow(*r) for r in db.session.execute(sa.select(
        StockMovement.organization_id, StockMovement.line_id, StockMovement.warehouse_id, StockMovement.on,
        StockMovement.quantity, StockMovement.value_uah))]


@integrity_check("stock: documents = movements")
def stock_documents_check() -> list[Problem]:
    expected, labels = expected_movements()
    return check_documents_match_movements(expected, actual_movements(), labels)


@integrity_check("stock: no negative balance")
def stock_balance_check() -> list[Problem]:
    return check_balances(movement_rows())
