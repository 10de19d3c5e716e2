"""API for donor delivery: a partner's recipients and schedule, and the delivery log."""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from tests.delivery_support import add_recipient, config, mail, smtp_server, smtp_settings  # noqa: F401
from tests.factories import token_for
from tracker.delivery import runner, service
from tracker.delivery.periods import parse_month
from tracker.extensions import db
from tracker.models import ReportRecipient


def headers(user, org):
    token = token_for(user, org)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_recipients_crud_through_the_api(client, world):
    h = headers(world.users["finance_head"], world.org)
    url = f"/api/v1/partners/{world.partner.id}/recipients"

    created = client.post(url, json={"name": "Julia Becker", "email": "Julia@Dortmund.EXAMPLE", "language": "de"},
                          headers=h)
    assert created.status_code == 201
    body = created.get_json()
    assert body["email"] == "Julia@dortmund.example" and body["partner_id"] == world.partner.id
    rid = body["id"]

    listed = client.get(url, headers=h).get_json()
    assert listed["total"] == 1 and listed["items"][0]["name"] == "Julia Becker"
    patched = client.patch(f"{url}/{rid}", json={"language": "en"}, headers=h)
    assert patched.status_code == 200 and patched.get_json()["language"] == "en"
    put = client.put(f"{url}/{rid}", json={"name": "J. Becker", "email": "j@dortmund.example", "language": "uk"},
                     headers=h)
    assert put.status_code == 200 and put.get_json() == {"id": rid, "partner_id": world.partner.id,
                                                         "name": "J. Becker", "email": "j@dortmund.example",
                                                         "language": "uk"}
    assert client.get(f"{url}/{rid}", headers=h).get_json()["name"] == "J. Becker"
    assert client.delete(f"{url}/{rid}", headers=h).status_code == 204
    assert client.get(f"{url}/{rid}", headers=h).status_code == 404


def test_bad_recipients_answer_422_with_field_errors(client, world):
    h = headers(world.users["finance_head"], world.org)
    url = f"/api/v1/partners/{world.partner.id}/recipients"
    bad = client.post(url, json={"name": "J", "email": "not-an-address", "language": "de"}, headers=h)
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert "email" in bad.get_json()["errors"]
    lang = client.post(url, json={"name": "J", "email": "j@dortmund.example", "language": "fr"}, headers=h)
    assert lang.status_code == 422 and "language" in lang.get_json()["errors"]
    missing = client.post(url, json={"email": "j@dortmund.example"}, headers=h)
    assert missing.status_code == 422 and {"name", "language"} <= set(missing.get_json()["errors"])
    client.post(url, json={"name": "J", "email": "j@dortmund.example", "language": "de"}, headers=h)
    dup = client.post(url, json={"name": "K", "email": "J@DORTMUND.example", "language": "de"}, headers=h)
    assert dup.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportRecipient)) == 1


def test_only_finance_heads_and_admins_change_recipients(client, world):
    url = f"/api/v1/partners/{world.partner.id}/recipients"
    payload = {"name": "J", "email": "j@dortmund.example", "language": "de"}
    accountant = headers(world.users["accountant"], world.org)
    auditor = headers(world.users["auditor"], world.org)
    admin = headers(world.users["admin"], world.org)
    assert client.post(url, json=payload, headers=accountant).status_code == 403
    assert client.post(url, json=payload, headers=auditor).status_code == 403
    assert client.put(f"/api/v1/partners/{world.partner.id}/report-schedule", json={"frequency": "monthly"},
                      headers=accountant).status_code == 403
    assert client.post(url, json=payload, headers=admin).status_code == 201
    assert client.get(url, headers=auditor).get_json()["total"] == 1


def test_foreign_partners_and_recipients_are_404(client, world):
    h = headers(world.users["finance_head"], world.org)
    other = add_recipient(world.other, world.other_partner, "anna@lublin.example", "en")
    db.session.commit()
    assert client.get(f"/api/v1/partners/{world.other_partner.id}/recipients", headers=h).status_code == 404
    assert client.post(f"/api/v1/partners/{world.other_partner.id}/recipients",
                       json={"name": "x", "email": "x@example.org", "language": "en"}, headers=h).status_code == 404
    assert client.get(f"/api/v1/partners/{world.partner.id}/recipients/{other.id}", headers=h).status_code == 404
    assert client.get(f"/api/v1/partners/{world.other_partner.id}/report-schedule", headers=h).status_code == 404


def test_report_schedule_through_the_api(client, world):
    h = headers(world.users["finance_head"], world.org)
    url = f"/api/v1/partners/{world.partner.id}/report-schedule"
    assert client.get(url, headers=h).get_json() == {"partner_id": world.partner.id, "frequency": "none"}
    assert client.put(url, json={"frequency": "quarterly"}, headers=h).get_json()["frequency"] == "quarterly"
    assert client.get(url, headers=h).get_json()["frequency"] == "quarterly"
    assert client.put(url, json={"frequency": "weekly"}, headers=h).status_code == 422


def test_the_delivery_log_through_the_api(app, client, world, mail):
    add_recipient(world.org, world.partner, "julia@dortmund.example", "de")
    add_recipient(world.org, world.partner, "refuse@dortmund.example", "en")
    service.set_frequency(world.org.id, None, world.partner.id, "monthly")
    db.session.commit()
    runner.run_scheduled(parse_month("2026-10"), config(app), smtp_settings(app),
                         now=datetime(2026, 11, 2, tzinfo=UTC))
    h = headers(world.users["auditor"], world.org)

    log = client.get("/api/v1/deliveries", headers=h).get_json()
    assert log["total"] == 2
    failed = client.get("/api/v1/deliveries", query_string={"status": "attention"}, headers=h).get_json()
    assert [d["recipient_email"] for d in failed["items"]] == ["refuse@dortmund.example"]
    one = client.get(f"/api/v1/deliveries/{failed['items'][0]['id']}", headers=h).get_json()
    assert one["status"] == "failed" and one["attempts"] == 1 and one["retries"] == 0
    assert one["period_start"] == "2026-10-01" and one["period_end"] == "2026-10-31" and one["downloads"] == 0
    assert "550" in one["last_error"] and len(one["file_sha256"]) == 64
    assert client.get("/api/v1/deliveries", query_string={"status": "lost"}, headers=h).status_code == 422
    other = headers(world.other_users["auditor"], world.other)
    assert client.get("/api/v1/deliveries", headers=other).get_json()["total"] == 0
    assert client.get(f"/api/v1/deliveries/{one['id']}", headers=other).status_code == 404


def test_the_openapi_document_describes_delivery(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/partners/{partner_id}/recipients", "/api/v1/partners/{partner_id}/recipients/{recipient_id}",
            "/api/v1/partners/{partner_id}/report-schedule", "/api/v1/deliveries",
            "/api/v1/deliveries/{delivery_id}"} <= set(paths)
