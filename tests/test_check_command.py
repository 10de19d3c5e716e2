"""`flask tracker check` reconciles stock, journal and trial balance, and finds a database that
was changed behind the application's back (direct SQL), printing every problem, exit status 1."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests import stock_factories as sf
from tracker.extensions import db
from tracker.models import JournalEntry, Posting, StockMovement


@pytest.fixture
def books(world):
    """Two lots, a distribution, a transfer and a reversed write-off, committed."""
    from tracker.models import Role, WriteOffReason
    from tracker.stock import documents as docs

    accountant, head = world.users["accountant"], world.users["finance_head"]
    bags = sf.make_lot(world.org, world.partner, quantity="300", value_uah="45000.00")
    pens = sf.make_lot(world.org, world.partner, name="Insulin", category_code="medicines", quantity="50",
                       value_uah="5000.00", expiry_on=date(2027, 1, 1), lot="INS-4471")
    sf.make_distribution(world.org, accountant, sf.line(bags, "40"), post=True)
    school = sf.warehouse(world.org, "Ліцей № 25")
    transfer = docs.create_document("transfer", world.org.id, accountant.id, Role.accountant, docs.TransferData(
        on=date(2026, 11, 21), from_warehouse_id=bags.consignment.warehouse_id, to_warehouse_id=school.id,
        lines=(sf.line(bags, "10"), sf.line(pens, "5"))), today=sf.TODAY)
    docs.post_document(transfer, accountant.id, Role.accountant, today=sf.TODAY)
    write_off = docs.create_document("write_off", world.org.id, accountant.id, Role.accountant, docs.WriteOffData(
        on=date(2026, 11, 22), commission_members="A\nB", lines=(sf.line(pens, "2", reason=WriteOffReason.damaged),)),
        today=sf.TODAY)
    sf.post(write_off, head)
    sf.reverse(write_off, head)
    db.session.commit()
    return world


def run_check(runner):
    db.session.remove()  # the command reads what is committed, like a fresh process
    return runner.invoke(args=["tracker", "check"])


def execute(sql: str, **params) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def test_check_passes_on_books_written_by_the_application(runner, books):
    result = run_check(runner)
    assert result.exit_code == 0, result.output
    assert "stock: documents = movements: ok" in result.output
    assert "books: stock accounts = stock value: ok" in result.output
    assert "books: trial balance balanced: ok" in result.output
    assert result.output.strip().endswith("All checks passed.")


def test_check_finds_a_movement_edited_behind_the_applications_back(runner, books):
    movement = db.session.scalar(sa.select(StockMovement).where(StockMovement.source_type == "distribution"))
    # quantities are stored in thousandths: the issue of 40 becomes an issue of 41
    execute("UPDATE stock_movement SET quantity = quantity - 1000 WHERE id = :id", id=movement.id)
    result = run_check(runner)
    assert result.exit_code == 1
    assert "the document says -40.000 (-6000.00 UAH), the movements say -41.000 (-6000.00 UAH)" in result.output


def test_check_finds_a_balance_below_zero_and_value_left_on_an_empty_lot(runner, books):
    lot_id, warehouse_id = db.session.execute(sa.select(StockMovement.line_id, StockMovement.warehouse_id).where(
        StockMovement.source_type == "transfer", StockMovement.quantity > 0)).first()
    execute('INSERT INTO stock_movement (organization_id, "on", kind, line_id, warehouse_id, quantity, '
            "value_uah, source_type, source_id, note, created_at) SELECT organization_id, :on, 'issue', line_id, "
            "warehouse_id, -20000, 0, 'distribution', 9999, '', created_at FROM stock_movement WHERE line_id = :lot AND warehouse_id = :wh "
            "LIMIT 1", on=date(2026, 11, 23), lot=lot_id, wh=warehouse_id)
    result = run_check(runner)
    assert result.exit_code == 1
    assert "below zero" in result.output
    assert "have no posted document line behind them" in result.output


def test_check_finds_a_posting_changed_so_the_entry_no_longer_balances(runner, books):
    posting = db.session.scalar(sa.select(Posting).join(JournalEntry).where(JournalEntry.source_type == "distribution")
                                .where(Posting.amount < 0))
    execute("UPDATE posting SET amount = amount + 100 WHERE id = :id", id=posting.id)  # one hryvnia, in kopecks
    result = run_check(runner)
    assert result.exit_code == 1
    output = result.output
    assert "does not balance: debits − credits = 1.00 UAH" in output
    assert "content does not match its hash" in output
    assert "stock value 37500.00 UAH but the stock accounts hold 37501.00 UAH" in output
    assert "debit turnover" in output or "closing debit balances" in output


def test_check_finds_a_balanced_but_forged_change_and_a_deleted_entry(runner, books):
    entry = db.session.scalar(sa.select(JournalEntry).where(JournalEntry.source_type == "distribution"))
    # both postings of the entry moved by the same amount: still balanced, but forged
    execute("UPDATE posting SET amount = CASE WHEN amount > 0 THEN amount + 500 ELSE amount - 500 END "
            "WHERE entry_id = :id", id=entry.id)
    last = db.session.scalar(sa.select(sa.func.max(JournalEntry.id)))
    execute("DELETE FROM posting WHERE entry_id = :id", id=last)
    execute("UPDATE write_off SET journal_entry_id = NULL WHERE journal_entry_id = :id", id=last)
    execute("DELETE FROM journal_entry WHERE id = :id", id=last)
    result = run_check(runner)
    assert result.exit_code == 1
    assert f"journal entry {entry.number} (organization {entry.organization_id}): content does not match its hash" \
        in result.output
    assert "has a value but no journal entry" in result.output
    assert "problem(s) found." in result.output
