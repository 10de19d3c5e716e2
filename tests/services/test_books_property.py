"""Property: whatever sequence of receipts, issues, transfers, write-offs, counts and reversals
people post (or try to), stock, journal and trial balance stay reconciled to the kopeck, no lot
goes below zero, and a refused operation changes nothing."""
from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tests import stock_factories as sf
from tracker.checks import run_checks
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.ledger.service import trial_balance
from tracker.models import Account, JournalEntry, Posting, Role, StockDocumentStatus, StockMovement, WriteOffReason
from tracker.stock import documents as docs
from tracker.stock.balances import balances
from tracker.validators import edrpou_check_digit

_orgs = itertools.count(1_000_001)
HEAD = Role.finance_head


def new_org():
    """A fresh organization per example (cheap: no users), with two warehouses and a partner."""
    while True:
        first7 = f"{next(_orgs):07d}"
        code = first7 + str(edrpou_check_digit(first7))
        if len(code) == 8:
            break
    org = factories.make_org(code)
    partner = factories.make_partner(org)
    return org, partner, [sf.warehouse(org, "A"), sf.warehouse(org, "B")]


def qty(thousandths: int) -> Decimal:
    return Decimal(thousandths).scaleb(-3)


day = st.integers(min_value=10, max_value=26)
pick = st.integers(min_value=0, max_value=10_000)
#: thousandths: 0.001 … 30; 0 means "all there is of the lot in that warehouse"
amount = st.one_of(st.just(0), st.integers(min_value=1, max_value=30_000))
receipt = st.tuples(st.just("receipt"), st.one_of(st.integers(1, 60_000), st.sampled_from([3_000, 7_000, 1])),
                    st.integers(0, 2_000_000), st.integers(0, 1),
                    st.integers(min_value=1, max_value=12))
operation = st.one_of(
    st.tuples(st.just("issue"), pick, amount, day),
    st.tuples(st.just("transfer"), pick, amount, day),
    st.tuples(st.just("write_off"), pick, amount, day),
    st.tuples(st.just("count"), st.integers(0, 1), st.lists(st.integers(-3_000, 3_000), max_size=4), day),
    st.tuples(st.just("reverse"), pick, st.integers(0, 5)),
    receipt,
)


def stock_rows(org_id: int) -> list[tuple[int, int, Decimal, Decimal]]:
    return [(r.line_id, r.warehouse_id, r.quantity, r.value_uah) for r in balances(org_id, include_zero=True)]


def apply(op: tuple, org, partner, warehouses, posted: list) -> None:
    kind, *args = op
    if kind == "receipt":
        thousandths, kopecks, where, on = args
        sf.make_lot(org, partner, name=f"Lot {len(posted)}", quantity=str(qty(thousandths)),
                    value_uah=str(Decimal(kopecks).scaleb(-2)), into=warehouses[where], accepted_on=date(2026, 11, on))
        return
    if kind == "reverse":
        index, days_later = args
        candidates = [d for d in posted if d.status == StockDocumentStatus.posted and d.reversal_of_id is None]
        if not candidates:
            return
        doc = candidates[index % len(candidates)]
        on = min(date(2026, 11, 26), date.fromordinal(doc.on.toordinal() + days_later))
        posted.append(docs.reverse_document(doc, None, HEAD, reason="property", on=on, today=sf.TODAY))
        return
    rows = [r for r in balances(org.id) if r.quantity > 0]
    if kind == "count":
        where, deltas, on = args
        warehouse = warehouses[where]
        count = docs.create_document("stock_count", org.id, None, HEAD, docs.StockCountData(
            on=date(2026, 11, on), warehouse_id=warehouse.id), today=sf.TODAY)
        entries = [docs.CountInput(line.line_id, max(Decimal(0), line.book_quantity + qty(delta)))
                   for line, delta in zip(count.lines, deltas + [0] * len(count.lines))]
        docs.update_stock_count(count, None, HEAD, docs.StockCountData(on=count.on, warehouse_id=warehouse.id),
                                entries, today=sf.TODAY)
        posted.append(docs.post_document(count, None, HEAD, today=sf.TODAY))
        return
    if not rows:
        return
    index, thousandths, on = args
    row = rows[index % len(rows)]
    line = docs.LineInput(row.line_id, qty(thousandths) if thousandths else row.quantity, row.warehouse_id,
                          WriteOffReason.damaged if kind == "write_off" else None)
    on_date = date(2026, 11, on)
    if kind == "issue":
        doc = docs.create_document("distribution", org.id, None, HEAD, sf.distribution_data(line, on=on_date),
                                   today=sf.TODAY)
    elif kind == "transfer":
        target = next(w for w in warehouses if w.id != row.warehouse_id)
        doc = docs.create_document("transfer", org.id, None, HEAD, docs.TransferData(
            on=on_date, from_warehouse_id=row.warehouse_id, to_warehouse_id=target.id, lines=(line,)), today=sf.TODAY)
    else:
        doc = docs.create_document("write_off", org.id, None, HEAD, docs.WriteOffData(
            on=on_date, commission_members="A\nB", lines=(line,)), today=sf.TODAY)
    posted.append(docs.post_document(doc, None, HEAD, today=sf.TODAY))


def counts() -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement)),
            db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry)))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(receipts=st.lists(receipt, min_size=1, max_size=3), ops=st.lists(operation, min_size=1, max_size=10))
def test_random_operations_keep_stock_journal_and_trial_balance_reconciled(app, receipts, ops):
    org, partner, warehouses = new_org()
    db.session.commit()
    posted: list = []
    for op in receipts + ops:
        before, stock_before = counts(), stock_rows(org.id)
        try:
            apply(op, org, partner, warehouses, posted)
            db.session.commit()
        except DomainError:
            db.session.rollback()
            posted[:] = [db.session.merge(d) for d in posted]
            assert counts() == before and stock_rows(org.id) == stock_before, f"refused {op} changed something"

    problems = {name: found for name, found in run_checks().items() if found}
    assert not problems, problems
    rows = stock_rows(org.id)
    assert all(q >= 0 and v >= 0 for _l, _w, q, v in rows), rows
    assert all(v == 0 for _l, _w, q, v in rows if q == 0), rows
    stock_value = sum((v for *_k, v in rows), Decimal("0.00"))
    booked = db.session.scalar(
        sa.select(sa.func.sum(sa.type_coerce(Posting.amount, sa.BigInteger))).join(Account)
        .where(Posting.organization_id == org.id, Account.holds_stock.is_(True)))
    assert Decimal(int(booked or 0)).scaleb(-2) == stock_value
    balance = trial_balance(org.id, None, None)
    assert balance.balanced
    assert balance.total("debit") == balance.total("credit")
