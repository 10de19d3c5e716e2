"""Many people posting at the same moment: no lot goes below zero, no posting is lost or doubled,
no draft edit silently overwrites another. Real threads, each with its own application context,
session and connection, real commits — on SQLite and on PostgreSQL."""
from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import sqlalchemy as sa

from tests import stock_factories as sf
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.models import Distribution, JournalEntry, Role, StockDocumentStatus, StockMovement
from tracker.stock import documents as docs
from tracker.stock.balances import lot_balance

D = Decimal


def run_at_once(app, jobs: list[Callable[[], None]]) -> list[str]:
    """Run each job in its own thread and app context, all released together; the outcome of
    each is "ok" (committed) or the name of the DomainError that refused it."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(job: Callable[[], None]) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                job()
                db.session.commit()
                outcome = "ok"
            except DomainError as exc:
                db.session.rollback()
                outcome = type(exc).__name__
            except Exception as exc:  # pragma: no cover - reported by the assertion below
                db.session.rollback()
                outcome = f"crash: {exc!r}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _drafts_taking(world, lot, quantity: str, count: int) -> list[tuple[type, int]]:
    """Drafts of every kind that takes goods out, each wanting ``quantity`` of the lot."""
    from datetime import date

    from tracker.models import ReturnKind, WriteOffReason

    accountant = world.users["accountant"]
    central, school = sf.warehouse(world.org), sf.warehouse(world.org, "Ліцей № 25")
    on = date(2026, 11, 20)
    makers = [
        lambda: sf.make_distribution(world.org, accountant, sf.line(lot, quantity)),
        lambda: docs.create_document("write_off", world.org.id, accountant.id, Role.accountant, docs.WriteOffData(
            on=on, commission_members="A\nB", lines=(sf.line(lot, quantity, reason=WriteOffReason.damaged),)),
            today=sf.TODAY),
        lambda: docs.create_document("transfer", world.org.id, accountant.id, Role.accountant, docs.TransferData(
            on=on, from_warehouse_id=central.id, to_warehouse_id=school.id, lines=(sf.line(lot, quantity),)),
            today=sf.TODAY),
        lambda: docs.create_document("stock_return", world.org.id, accountant.id, Role.accountant,
                                     docs.StockReturnData(on=on, kind=ReturnKind.return_to_donor, reason="Unused",
                                                          lines=(sf.line(lot, quantity),)), today=sf.TODAY),
    ]
    made = [makers[i % len(makers)]() for i in range(count)]
    return [(type(d), d.id) for d in made]


def test_concurrent_postings_of_every_kind_never_take_a_lot_below_zero(app, world):
    lot = sf.make_lot(world.org, world.partner, quantity="10", value_uah="1000.00")
    drafts = _drafts_taking(world, lot, "3", 12)
    db.session.commit()
    # Threads get plain ids: objects of this session must not be touched from other threads.
    user_id, central_id = world.users["finance_head"].id, lot.consignment.warehouse_id

    def post(model: type, doc_id: int) -> Callable[[], None]:
        return lambda: docs.post_document(db.session.get(model, doc_id), user_id, Role.finance_head,
                                          today=sf.TODAY)

    outcomes = run_at_once(app, [post(model, doc_id) for model, doc_id in drafts])
    assert sorted(outcomes) == ["ValidationFailed"] * 9 + ["ok"] * 3, outcomes
    db.session.expire_all()
    assert lot_balance(world.org.id, lot.id, central_id) == (D("1.000"), D("100.00"))
    out_of_central = db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement).where(
        StockMovement.warehouse_id == central_id, StockMovement.quantity < 0))
    assert out_of_central == 3
    numbers = db.session.scalars(sa.select(JournalEntry.number).where(
        JournalEntry.organization_id == world.org.id).order_by(JournalEntry.number)).all()
    assert numbers == [1, 2, 3, 4]  # the acceptance and one entry per successful posting, no gap


def test_concurrent_distributions_are_numbered_without_gaps_or_repeats(app, world):
    lot = sf.make_lot(world.org, world.partner, quantity="100", value_uah="1000.00")
    accountant = world.users["accountant"]
    ids = [sf.make_distribution(world.org, accountant, sf.line(lot, "1")).id for _i in range(8)]
    db.session.commit()
    user_id = accountant.id

    def post(doc_id: int) -> Callable[[], None]:
        return lambda: docs.post_document(db.session.get(Distribution, doc_id), user_id, Role.accountant,
                                          today=sf.TODAY)

    assert run_at_once(app, [post(i) for i in ids]) == ["ok"] * 8
    db.session.expire_all()
    numbers = sorted(db.session.scalars(sa.select(Distribution.number)))
    assert numbers == [f"D-2026-{n:04d}" for n in range(1, 9)]


def test_posting_one_draft_twice_at_once_posts_it_once(app, world):
    lot = sf.make_lot(world.org, world.partner, quantity="10", value_uah="1000.00")
    accountant, head = world.users["accountant"], world.users["finance_head"]
    draft = sf.make_distribution(world.org, accountant, sf.line(lot, "2"))
    db.session.commit()
    draft_id = draft.id

    def post(user_id: int) -> Callable[[], None]:
        return lambda: docs.post_document(db.session.get(Distribution, draft_id), user_id, Role.finance_head,
                                          today=sf.TODAY)

    outcomes = run_at_once(app, [post(accountant.id), post(head.id), post(head.id), post(accountant.id)])
    assert outcomes.count("ok") == 1, outcomes
    assert all(o in ("ok", "InvalidTransition", "Conflict") for o in outcomes), outcomes
    db.session.expire_all()
    assert lot_balance(world.org.id, lot.id, lot.consignment.warehouse_id)[0] == D("8.000")


def test_two_editors_saving_one_draft_at_once_lose_no_update(app, world):
    lot = sf.make_lot(world.org, world.partner, quantity="10", value_uah="1000.00")
    accountant, head = world.users["accountant"], world.users["finance_head"]
    draft = sf.make_distribution(world.org, accountant, sf.line(lot, "2"))
    db.session.commit()
    seen, draft_id, head_id = draft.version, draft.id, head.id
    lines = {q: sf.line(lot, q) for q in ("3", "4")}

    def save(quantity: str) -> Callable[[], None]:
        return lambda: docs.update_document(db.session.get(Distribution, draft_id), head_id, Role.finance_head,
                                            sf.distribution_data(lines[quantity]), today=sf.TODAY,
                                            expected_version=seen)

    outcomes = run_at_once(app, [save("3"), save("4")])
    assert sorted(outcomes) == ["Conflict", "ok"], outcomes
    db.session.expire_all()
    saved = db.session.get(Distribution, draft_id)
    assert saved.version == seen + 1 and saved.lines[0].quantity in (D("3.000"), D("4.000"))

