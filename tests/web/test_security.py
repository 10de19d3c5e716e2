"""Security: cookie flags, headers on pages and API, password rules, rate-limited and audited
sign-in, API tokens (expiry, revocation, last use), CSRF."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, make_app
from tests.factories import token_for
from tests.texts import ui_html
from tracker.extensions import db, limiter
from tracker.models import ApiToken, AuditEvent, Partner
from tracker.models.base import utcnow
from tracker.orgs import service


def _directives(csp: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in csp.split(";")) if part}


def _assert_security_headers(response) -> None:
    csp = _directives(response.headers["Content-Security-Policy"])
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_redirects_errors_and_api_answers_carry_the_security_headers(world, client, auth):
    token = token_for(world.users["auditor"], world.org)
    db.session.commit()
    answers = [client.get("/login"), client.get("/"), client.get("/api/v1/partners"),
               client.get("/api/v1/openapi.json"), client.get("/static/css/app.css")]
    auth.login(world.users["admin"].email)
    answers += [client.get("/partners/"), client.get("/no-such-page"), client.post("/partners/999999/delete"),
                client.get("/api/v1/partners", headers={"Authorization": f"Bearer {token}"})]
    assert [a.status_code for a in answers] == [200, 302, 401, 200, 200, 200, 404, 404, 200]
    for answer in answers:
        _assert_security_headers(answer)
        answer.close()
    assert answers[2].headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite_and_not_secure_over_plain_http(world, client, auth):
    cookie = auth.login(world.users["admin"].email).headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_behind_https_the_cookie_is_secure_and_hsts_is_sent(tmp_path):
    app = make_app(tmp_path, SESSION_COOKIE_SECURE=True)
    with app.app_context():
        from tests import factories

        email = factories.make_world().users["admin"].email
        db.session.commit()
        response = app.test_client().post("/login", data={"email": email, "password": PASSWORD},
                                          base_url="https://aid.example.org")
        db.session.remove()
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("password, ok", [
    ("short1!", False),              # too short
    ("onlyletterslong", False),      # one kind of character
    ("1234567890123", False),        # one kind of character
    ("aaaa1111aaaa", False),         # fewer than 4 distinct characters
    ("x1" * 101, False),             # longer than 200
    ("correct-horse-42", True),
    ("Київ-2026-весна", True),
])
def test_password_rule(password, ok, app):
    with app.test_request_context():
        assert (service.check_password(password, 10) is None) is ok


def test_changing_the_password_needs_the_current_one_and_obeys_the_rule(world, client, auth):
    user = world.users["accountant"]
    auth.login(user.email)
    wrong = client.post("/account/password", data={"current": "not-it-1234", "new": "fresh-pass-2027"})
    assert wrong.status_code == 422 and ui_html("The current password is wrong.") in wrong.text
    weak = client.post("/account/password", data={"current": PASSWORD, "new": "abcdefghijk"})
    assert weak.status_code == 422 and ui_html("Use letters together with digits or symbols.") in weak.text
    assert client.post("/account/password", data={"current": PASSWORD, "new": "fresh-pass-2027"}).status_code == 302
    auth.logout()
    assert auth.login(user.email, PASSWORD).status_code == 422
    assert auth.login(user.email, "fresh-pass-2027").status_code == 302


def test_sign_in_is_rate_limited_and_every_failure_is_audited(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        from tests import factories

        world = factories.make_world()
        db.session.commit()
        user_id, email, org_id = world.users["admin"].id, world.users["admin"].email, world.org.id
        limiter.reset()
        client = app.test_client()
        codes = [client.post("/login", data={"email": email, "password": f"guess-{n}-xyz"}).status_code
                 for n in range(5)]
        assert codes == [422, 422, 422, 429, 429]
        blocked = client.post("/login", data={"email": email, "password": PASSWORD})
        assert blocked.status_code == 429 and ui_html("Too many attempts") in blocked.text
        assert client.get("/login").status_code == 200  # only sign-in attempts are limited
        failures = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "sign_in_failed")).all()
        assert [(e.organization_id, e.user_id) for e in failures] == [(org_id, user_id)] * 3
        assert all(e.after["email"] == email for e in failures)
        limiter.reset()
        db.session.remove()
        db.engine.dispose()


def test_an_inactive_user_cannot_sign_in_and_the_attempt_is_audited(world, auth):
    user = world.users["finance_head"]
    user.active = False
    db.session.commit()
    assert auth.login(user.email).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "sign_in_failed", AuditEvent.user_id == user.id)) == 1


def _api(client, token, path="/api/v1/partners"):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_expired_tokens_answer_401(world, client):
    raw = token_for(world.users["auditor"], world.org, days=1)
    db.session.commit()
    assert _api(client, raw).status_code == 200
    db.session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = _api(client, raw)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_tokens_answer_401_and_revocation_is_audited(world, client, auth):
    user = world.users["accountant"]
    raw = token_for(user, world.org)
    db.session.commit()
    token_id = db.session.scalar(sa.select(ApiToken.id))
    assert _api(client, raw).status_code == 200
    auth.login(user.email)
    assert client.post(f"/organization/tokens/{token_id}/revoke").status_code == 303
    assert _api(client, raw).status_code == 401
    assert db.session.scalar(sa.select(AuditEvent.user_id).where(AuditEvent.action == "revoke_token")) == user.id


def test_someone_elses_token_cannot_be_revoked(world, client, auth):
    raw = token_for(world.users["accountant"], world.org)
    db.session.commit()
    token_id = db.session.scalar(sa.select(ApiToken.id))
    auth.login(world.users["admin"].email)
    assert client.post(f"/organization/tokens/{token_id}/revoke").status_code == 404
    assert _api(client, raw).status_code == 200


def test_garbage_and_missing_credentials_answer_401(world, client):
    for header in ({}, {"Authorization": "Bearer"}, {"Authorization": "Bearer at_nope"},
                   {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer " + "x" * 5000}):
        assert client.get("/api/v1/partners", headers=header).status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute(world, client):
    raw = token_for(world.users["auditor"], world.org)
    db.session.commit()

    def last_used():
        db.session.expire_all()
        return db.session.scalar(sa.select(ApiToken.last_used_at))

    assert last_used() is None
    _api(client, raw)
    first = last_used()
    assert first is not None and utcnow() - first < timedelta(seconds=30)
    _api(client, raw)
    assert last_used() == first  # no write within the minute
    db.session.execute(sa.update(ApiToken).values(last_used_at=first - timedelta(minutes=2)))
    db.session.commit()
    _api(client, raw)
    assert last_used() > first - timedelta(minutes=2)


def test_a_token_of_a_user_who_left_the_organization_stops_working(world, client):
    from tracker.models import Membership

    user = world.users["accountant"]
    raw = token_for(user, world.org)
    db.session.commit()
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == user.id))
    service.remove_membership(membership)
    db.session.commit()
    assert _api(client, raw).status_code == 401


def _csrf(page_text: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page_text).group(1)


def test_with_csrf_on_a_post_without_the_token_is_refused_kindly_and_saves_nothing(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        from tests import factories

        world = factories.make_world()
        db.session.commit()
        org_id, email = world.org.id, world.users["accountant"].email
        client = app.test_client()
        refused_login = client.post("/login", data={"email": email, "password": PASSWORD})
        assert refused_login.status_code == 400
        kind_message = ui_html("The form has expired or was sent from elsewhere. Reload the page and try again.")
        assert kind_message in refused_login.text
        token = _csrf(client.get("/login").text)
        assert client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 302

        def partners() -> int:
            return db.session.scalar(sa.select(sa.func.count()).select_from(Partner)
                                     .where(Partner.organization_id == org_id))

        before = partners()
        form = {"name": "Miasto Rzeszów", "kind": "municipality", "country": "PL", "report_language": "en"}
        refused = client.post("/partners/new", data=form)
        assert refused.status_code == 400
        assert kind_message in refused.text
        assert client.post("/partners/new", data={**form, "csrf_token": "forged"}).status_code == 400
        assert partners() == before
        good = client.post("/partners/new", data={**form, "csrf_token": _csrf(client.get("/partners/new").text)})
        assert good.status_code == 302 and partners() == before + 1
        # the API uses bearer tokens instead and is exempt; the session cookie alone opens nothing there
        assert client.post("/api/v1/partners", json={**form, "name": "Gmina X"}).status_code == 401
        raw = token_for(world.users["accountant"], world.org)
        db.session.commit()
        api = client.post("/api/v1/partners", json={**form, "name": "Gmina X"},
                          headers={"Authorization": f"Bearer {raw}"})
        assert api.status_code == 201
        db.session.remove()
        db.engine.dispose()
