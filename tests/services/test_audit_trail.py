"""The audit trail: hash chain per organization, no forks under concurrent appends, immutable,
and every direct edit or deletion reported by `flask tracker check` by event id."""
from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from tests import factories
from tracker.audit.service import record, record_download, verify_chain
from tracker.extensions import db
from tracker.models import AuditChainHead, AuditEvent
from tracker.models.audit import AuditTrailImmutable


def _events(org_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.organization_id == org_id)
                                   .order_by(AuditEvent.id)))


def test_events_link_to_the_previous_event_of_their_own_organization(world):
    record(organization_id=world.org.id, user_id=None, action="test", object_type="X", object_id=1)
    record(organization_id=world.other.id, user_id=None, action="test", object_type="X", object_id=1)
    record(organization_id=world.org.id, user_id=None, action="test", object_type="X", object_id=2)
    db.session.commit()
    for org in (world.org, world.other):
        events = _events(org.id)
        assert events[0].prev_hash == ""
        assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
        head = db.session.get(AuditChainHead, org.id)
        assert (head.last_event_id, head.last_hash) == (events[-1].id, events[-1].hash)
    assert verify_chain() == []


def test_record_download_audits_who_took_which_file(world):
    user = world.users["auditor"]
    event = record_download(organization_id=world.org.id, user_id=user.id, file_name="ledger-2026-11.xlsx",
                            details={"report": "ledger", "from": "2026-11-01"})
    db.session.commit()
    assert (event.action, event.user_id) == ("export", user.id)
    assert event.after == {"file": "ledger-2026-11.xlsx", "report": "ledger", "from": "2026-11-01"}


def _append_in_thread(app, org_id: int, count: int, errors: list[BaseException]) -> None:
    try:
        with app.app_context():
            for n in range(count):
                record(organization_id=org_id, user_id=None, action="concurrent", object_type="T", object_id=n)
                db.session.commit()
            db.session.remove()
    except BaseException as exc:  # pragma: no cover - reported by the test
        errors.append(exc)


def test_concurrent_appends_to_one_chain_never_fork_it(app, world):
    org_id = world.org.id
    before = len(_events(org_id))
    db.session.remove()
    threads_n, per_thread = 6, 15
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_append_in_thread, args=(app, org_id, per_thread, errors))
               for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    events = _events(org_id)
    assert len(events) == before + threads_n * per_thread
    prevs = [e.prev_hash for e in events]
    assert len(set(prevs)) == len(prevs), "two events link to the same predecessor: the chain forked"
    assert verify_chain() == []


def test_an_append_waits_while_another_transaction_holds_the_chain_head(app, world):
    """Deterministic proof of the lock: B cannot append until A's transaction ends."""
    org_id = world.org.id
    db.session.remove()
    a_recorded = threading.Event()
    release_a = threading.Event()
    b_done = threading.Event()
    errors: list[BaseException] = []

    def transaction_a():
        try:
            with app.app_context():
                record(organization_id=org_id, user_id=None, action="a", object_type="T", object_id="a")
                a_recorded.set()
                release_a.wait(10)
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)
            a_recorded.set()

    def transaction_b():
        try:
            with app.app_context():
                record(organization_id=org_id, user_id=None, action="b", object_type="T", object_id="b")
                db.session.commit()
                b_done.set()
                db.session.remove()
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    a = threading.Thread(target=transaction_a)
    a.start()
    assert a_recorded.wait(10)
    b = threading.Thread(target=transaction_b)
    b.start()
    time.sleep(0.4)
    assert not b_done.is_set(), "B appended while A still held the chain head"
    release_a.set()
    a.join(10)
    b.join(10)
    assert errors == [] and b_done.is_set()
    a_event, b_event = _events(org_id)[-2:]
    assert (a_event.action, b_event.action) == ("a", "b")
    assert b_event.prev_hash == a_event.hash
    assert verify_chain() == []


def test_the_application_cannot_change_or_delete_events(world):
    event = _events(world.org.id)[0]
    event.action = "forged"
    with pytest.raises(AuditTrailImmutable):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AuditTrailImmutable):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AuditTrailImmutable):
        db.session.execute(sa.update(AuditEvent).values(action="forged"))
    db.session.rollback()
    with pytest.raises(AuditTrailImmutable):
        db.session.execute(sa.delete(AuditEvent.__table__))
    db.session.rollback()
    assert verify_chain() == []


def test_no_route_can_write_to_the_audit_trail(app):
    audit_rules = [r for r in app.url_map.iter_rules()
                   if r.endpoint.startswith(("audit.", "api_audit.")) or "/audit" in r.rule]
    assert audit_rules, "the audit page and API are registered"
    for rule in audit_rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, f"{rule.rule} accepts {sorted(rule.methods)}"


def _sql(statement: str, **params) -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text(statement), params)


def test_check_reports_an_event_edited_with_direct_sql_and_exits_non_zero(world, runner):
    ok = runner.invoke(args=["tracker", "check"])
    assert ok.exit_code == 0, ok.output
    assert "All checks passed." in ok.output
    victim = _events(world.org.id)[2]
    db.session.remove()
    _sql("UPDATE audit_event SET after = NULL WHERE id = :id", id=victim.id)
    result = runner.invoke(args=["tracker", "check"])
    assert result.exit_code == 1
    assert f"audit event {victim.id} (organization {world.org.id}): content does not match its hash" in result.output
    assert "1 problem(s) found." in result.output


def test_check_reports_an_event_deleted_in_the_middle_or_at_the_end(world, runner):
    events = _events(world.org.id)
    middle, successor, last = events[1], events[2], events[-1]
    db.session.remove()
    _sql("DELETE FROM audit_event WHERE id IN (:a, :b)", a=middle.id, b=last.id)
    result = runner.invoke(args=["tracker", "check"])
    assert result.exit_code == 1
    assert f"audit event {successor.id} (organization {world.org.id}): link to previous event broken" in result.output
    assert f"audit event {last.id} (organization {world.org.id}): the chain should end at event {last.id}" \
        in result.output


def test_check_reports_a_rewritten_event_whose_hash_was_recomputed(world, runner):
    """Forging an event and its hash breaks the next event's link."""
    from tracker.audit.service import _digest

    events = _events(world.org.id)
    victim, successor = events[0], events[1]
    db.session.expunge_all()
    forged = AuditEvent(**{c.key: getattr(victim, c.key) for c in AuditEvent.__table__.columns})
    forged.action = "forged"
    db.session.remove()
    _sql("UPDATE audit_event SET action = 'forged', hash = :h WHERE id = :id",
         h=_digest(forged.prev_hash, forged), id=victim.id)
    result = runner.invoke(args=["tracker", "check"])
    assert result.exit_code == 1
    assert f"audit event {successor.id}" in result.output
    assert f"audit event {victim.id}" not in result.output


def test_sign_in_failed_sign_in_and_sign_out_are_audited(world, client, auth):
    user = world.users["accountant"]
    assert auth.login(user.email, "wrong password 1").status_code == 422
    assert auth.login("nobody@example.org", "whatever").status_code == 422
    assert auth.login(user.email).status_code == 302
    assert auth.logout().status_code == 302
    rows = db.session.execute(sa.select(AuditEvent.organization_id, AuditEvent.user_id, AuditEvent.action,
                                        AuditEvent.after)
                              .where(AuditEvent.action.in_(["sign_in", "sign_in_failed", "sign_out"]))
                              .order_by(AuditEvent.id)).all()
    assert [(r.organization_id, r.user_id, r.action) for r in rows] == [
        (world.org.id, user.id, "sign_in_failed"),
        (None, None, "sign_in_failed"),
        (world.org.id, user.id, "sign_in"),
        (world.org.id, user.id, "sign_out"),
    ]
    assert rows[1].after["email"] == "nobody@example.org"
    assert verify_chain() == []


def test_password_change_is_audited_in_each_organization_of_the_user(world):
    from tracker.orgs import service

    user = factories.make_user(world.other, "accountant", email=world.users["accountant"].email)
    service.set_password(user, "new-password-77", min_length=10, actor_id=user.id)
    db.session.commit()
    orgs = db.session.scalars(sa.select(AuditEvent.organization_id).where(AuditEvent.action == "set_password")
                              .order_by(AuditEvent.organization_id)).all()
    assert orgs == sorted([world.org.id, world.other.id])
