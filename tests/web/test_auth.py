"""Sign-in, sign-out, roles, CSRF, organization switching, language."""
from __future__ import annotations

import re

import sqlalchemy as sa

from tests import factories
from tests.conftest import make_app
from tracker.extensions import db
from tracker.models import Partner


def test_pages_need_sign_in(client, world):
    response = client.get("/partners/")
    assert response.status_code == 302 and "/login" in response.location


def test_sign_in_and_out(client, auth, world):
    response = auth.login(world.users["accountant"].email)
    assert response.status_code == 302
    assert client.get("/partners/").status_code == 200
    auth.logout()
    assert client.get("/partners/").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, auth, world):
    response = auth.login(world.users["accountant"].email, "wrong-password")
    assert response.status_code == 422
    assert client.get("/partners/").status_code == 302


def test_open_redirect_is_refused(client, world):
    response = client.post("/login?next=https://evil.example/x",
                           data={"email": world.users["accountant"].email, "password": factories.PASSWORD})
    assert response.location == "/"


def test_auditor_reads_but_cannot_write(client, auth, world):
    auth.login(world.users["auditor"].email)
    assert client.get(f"/partners/{world.partner.id}").status_code == 200
    assert client.get("/partners/new").status_code == 403
    response = client.post("/partners/new", data={"name": "X", "kind": "ngo", "country": "DE"})
    assert response.status_code == 403
    assert client.post(f"/partners/{world.partner.id}/delete").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Partner).where(Partner.name == "X")) == 0


def test_other_organization_objects_answer_404(client, auth, world):
    auth.login(world.users["admin"].email)
    assert client.get(f"/partners/{world.other_partner.id}").status_code == 404
    assert client.get(f"/partners/{world.other_partner.id}/edit").status_code == 404
    assert client.post(f"/partners/{world.other_partner.id}/delete").status_code == 404
    assert db.session.get(Partner, world.other_partner.id) is not None


def test_user_of_two_organizations_switches(client, auth, world):
    user = world.users["finance_head"]
    from tracker.models import Role
    from tracker.orgs import service

    service.add_membership(world.other.id, user, Role.auditor)
    db.session.commit()
    auth.login(user.email)
    assert client.get(f"/partners/{world.other_partner.id}").status_code == 404
    client.post("/switch-org", data={"org_id": world.other.id})
    assert client.get(f"/partners/{world.other_partner.id}").status_code == 200
    assert client.get(f"/partners/{world.partner.id}").status_code == 404
    # switching to an organization one is not a member of is refused
    third = factories.make_org("05361429")
    db.session.commit()
    client.post("/switch-org", data={"org_id": third.id})
    assert client.get(f"/partners/{world.other_partner.id}").status_code == 200


def test_csrf_is_enforced_outside_tests(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        factories.make_world()
        db.session.commit()
        client = app.test_client()
        page = client.get("/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
        refused = client.post("/login", data={"email": "admin@org04053625.example.org", "password": factories.PASSWORD})
        assert refused.status_code == 422 or refused.status_code == 400
        ok = client.post("/login", data={"email": "admin@org04053625.example.org", "password": factories.PASSWORD,
                                         "csrf_token": token})
        assert ok.status_code == 302
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Partner))
        response = client.post("/partners/new", data={"name": "No token", "kind": "ngo", "country": "DE"})
        assert response.status_code == 400
        db.session.expire_all()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Partner)) == before
        db.session.remove()
        db.engine.dispose()


def test_login_is_rate_limited(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        client = app.test_client()
        codes = [client.post("/login", data={"email": "x@y.example.org", "password": "nope-nope-1"}).status_code
                 for _ in range(5)]
        assert codes[:3] == [422, 422, 422] and codes[3:] == [429, 429]
        db.session.remove()
        db.engine.dispose()


def test_language_switch_and_default(client, auth, world):
    auth.login(world.users["accountant"].email)
    page = client.get("/partners/")
    assert '<html lang="uk">' in page.text
    client.get("/language/en")
    assert '<html lang="en">' in client.get("/partners/").text


def test_error_pages_are_friendly(client, auth, world):
    auth.login(world.users["accountant"].email)
    response = client.get("/partners/999999")
    assert response.status_code == 404 and "<html" in response.text and "Traceback" not in response.text
    assert client.get("/no/such/page").status_code == 404


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
