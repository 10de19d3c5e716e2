"""Organizations, users, memberships, tokens: the rules of tracker.orgs.service."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests import factories
from tracker.errors import Conflict, ValidationFailed
from tracker.extensions import db
from tracker.models import AuditEvent, Category, Role, Unit
from tracker.models.base import utcnow
from tracker.orgs import service


def test_create_organization_seeds_catalogue_and_audits(app):
    org = factories.make_org("04053625")
    codes = set(db.session.scalars(sa.select(Category.code).where(Category.organization_id == org.id)))
    assert {"medicines", "food", "vehicles", "generators", "services", "cash"} <= codes
    medicines = factories.category(org, "medicines")
    assert medicines.needs_expiry and not medicines.needs_serial
    assert factories.category(org, "vehicles").needs_serial
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit).where(Unit.organization_id == org.id)) >= 10
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.organization_id == org.id,
                                                         AuditEvent.action == "create"))


def test_organization_edrpou_checksum_and_uniqueness(app):
    with pytest.raises(ValidationFailed) as bad:
        factories.make_org("04053626")
    assert "edrpou" in bad.value.errors
    factories.make_org("04053625")
    with pytest.raises(ValidationFailed) as dup:
        factories.make_org("04053625")
    assert "04053625" in dup.value.errors["edrpou"][0]


def test_password_rules(app):
    org = factories.make_org()
    for weak in ("short1", "aaaaaaaaaaaa", "abcdefghijkl", "1234567890"):
        with pytest.raises(ValidationFailed) as exc:
            service.create_user(service.UserData(email=f"{len(weak)}x@t.example.org"), weak, min_length=10)
        assert "password" in exc.value.errors
    user = service.create_user(service.UserData(email="Ok@T.example.org"), "good-password-1", min_length=10)
    assert user.email == "ok@t.example.org"
    service.add_membership(org.id, user, Role.accountant)
    assert service.authenticate("OK@t.example.org ", "good-password-1") is user


def test_duplicate_email_and_bad_email(app):
    service.create_user(service.UserData(email="a@t.example.org"), "good-password-1", min_length=10)
    with pytest.raises(ValidationFailed):
        service.create_user(service.UserData(email="a@t.example.org"), "good-password-1", min_length=10)
    with pytest.raises(ValidationFailed):
        service.create_user(service.UserData(email="not-an-email"), "good-password-1", min_length=10)


def test_failed_sign_in_is_audited(app):
    org = factories.make_org()
    user = factories.make_user(org, "accountant")
    assert service.authenticate(user.email, "wrong-password") is None
    assert service.authenticate("nobody@t.example.org", "wrong-password") is None
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("sign_in_failed") == 2


def test_last_admin_cannot_be_demoted_or_removed(app):
    org = factories.make_org()
    admin = factories.make_user(org, "admin")
    membership = admin.memberships[0]
    with pytest.raises(Conflict):
        service.change_role(membership, Role.auditor)
    with pytest.raises(Conflict):
        service.remove_membership(membership)
    second = factories.make_user(org, "admin", email="second@t.example.org")
    service.change_role(membership, Role.auditor)
    assert membership.role == Role.auditor and second.memberships[0].role == Role.admin


def test_tokens_expire_and_can_be_revoked(app):
    org = factories.make_org()
    user = factories.make_user(org, "accountant")
    token, raw = service.create_token(user, org.id, days=1)
    assert service.resolve_token(raw) is token
    assert service.resolve_token(raw, now=utcnow() + timedelta(days=2)) is None
    service.revoke_token(token)
    assert service.resolve_token(raw) is None
    assert token.token_hash != raw and len(token.token_hash) == 64


def test_token_needs_membership(app):
    org = factories.make_org()
    other = factories.make_org("01990016")
    user = factories.make_user(org, "accountant")
    with pytest.raises(ValidationFailed):
        service.create_token(user, other.id, days=1)
