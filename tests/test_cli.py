"""Every `flask tracker …` command through Flask's CLI runner."""
from __future__ import annotations

from importlib import resources

import sqlalchemy as sa

from tests import factories
from tracker.extensions import db
from tracker.models import ApiToken, ExchangeRate, Organization, Partner, User
from tracker.orgs.service import resolve_token


def test_create_org_validates_edrpou(runner):
    result = runner.invoke(args=["tracker", "create-org", "--name", "Громада", "--edrpou", "04053625"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(Organization.name_uk)) == "Громада"
    bad = runner.invoke(args=["tracker", "create-org", "--name", "X", "--edrpou", "04053626"])
    assert bad.exit_code == 1 and "check digit" in bad.output
    dup = runner.invoke(args=["tracker", "create-org", "--name", "X", "--edrpou", "04053625"])
    assert dup.exit_code == 1


def test_create_user_reads_password_from_stdin(runner):
    runner.invoke(args=["tracker", "create-org", "--name", "Громада", "--edrpou", "04053625"])
    result = runner.invoke(args=["tracker", "create-user", "olena@example.org", "--org", "04053625",
                                 "--role", "accountant"], input="good-password-1\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User))
    assert user.email == "olena@example.org" and user.memberships[0].role.value == "accountant"
    weak = runner.invoke(args=["tracker", "create-user", "w@example.org", "--org", "04053625", "--role", "auditor"],
                         input="short\n")
    assert weak.exit_code == 1 and "password" in weak.output
    assert runner.invoke(args=["tracker", "create-user", "x@example.org", "--org", "99999999", "--role", "auditor"],
                         input="good-password-1\n").exit_code == 1
    assert runner.invoke(args=["tracker", "create-user", "x@example.org", "--org", "04053625", "--role", "king"],
                         input="good-password-1\n").exit_code == 2


def test_create_token_prints_a_working_token(runner, client, world):
    result = runner.invoke(args=["tracker", "create-token", world.users["auditor"].email, "--days", "5"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip()
    assert resolve_token(raw) is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 1
    response = client.get("/api/v1/partners", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.json["total"] == 1
    assert runner.invoke(args=["tracker", "create-token", "nobody@example.org"]).exit_code == 1


def test_import_rates_then_again(runner, tmp_path):
    path = tmp_path / "rates.json"
    path.write_bytes(resources.files("tracker.seed").joinpath("nbu-rates-sample.json").read_bytes())
    first = runner.invoke(args=["tracker", "import-rates", str(path)])
    assert first.exit_code == 0 and " new" in first.output
    count = db.session.scalar(sa.select(sa.func.count()).select_from(ExchangeRate))
    second = runner.invoke(args=["tracker", "import-rates", str(path)])
    assert second.exit_code == 0 and "0 new, 0 corrected" in second.output
    broken = tmp_path / "broken.csv"
    broken.write_text("date,currency,rate\n2026-10-01,EUR,abc\n")
    result = runner.invoke(args=["tracker", "import-rates", str(broken)])
    assert result.exit_code == 1 and "row 2" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExchangeRate)) == count


def test_demo_loads_once_and_users_can_sign_in(runner, client):
    first = runner.invoke(args=["tracker", "demo"])
    assert first.exit_code == 0 and "Demo data loaded" in first.output and "olena@zhytomyr.demo" in first.output
    partners = db.session.scalar(sa.select(sa.func.count()).select_from(Partner))
    second = runner.invoke(args=["tracker", "demo"])
    assert second.exit_code == 0 and "already present" in second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Partner)) == partners
    from tracker.demo import DEMO_PASSWORD, DEMO_USERS

    for login in DEMO_USERS:
        response = client.post("/login", data={"email": login.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login.email
        assert client.get("/").status_code == 200
        client.post("/logout")


def test_check_finds_a_tampered_audit_event(runner, world):
    assert runner.invoke(args=["tracker", "check"]).exit_code == 0
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_event SET action = 'tampered' WHERE id = 2"))
    result = runner.invoke(args=["tracker", "check"])
    assert result.exit_code == 1 and "audit event 2" in result.output


def test_factories_world_is_consistent(world):
    assert factories.category(world.org, "medicines").organization_id == world.org.id
