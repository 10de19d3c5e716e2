"""``GET /api/v1/reports/{name}.{format}``: files for the token's organization, problems for bad
input, the OpenAPI document, the audit trail."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import make_agreement, token_for
from tests.reports.books import PERIOD, RECEIPTS_UAH, make_books
from tests.reports.workbook import read_workbook, xlsx_bytes
from tracker.extensions import db
from tracker.models import AuditEvent

QUERY = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def books(app, world):
    return make_books(world)


def headers(world, role="accountant", org=None):
    user = world.users[role]
    token = token_for(user, org or world.org)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_report_file_for_the_tokens_organization(client, books):
    response = client.get("/api/v1/reports/receipts.xlsx", query_string=QUERY | {"lang": "en"},
                          headers=headers(books.world))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="receipts_04053625_2026-11-01_2026-11-30.xlsx"'
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    (sheet,) = read_workbook(xlsx_bytes(response)).values()
    assert sheet.total("Value, UAH")[1] == RECEIPTS_UAH
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.after["channel"] == "api" and event.object_id == "receipts"


def test_filters_reach_the_dataset(client, books):
    response = client.get("/api/v1/reports/stock-turnover.xlsx",
                          query_string=QUERY | {"warehouse_id": books.second.id, "lang": "en"},
                          headers=headers(books.world))
    (sheet,) = read_workbook(xlsx_bytes(response)).values()
    rows = sheet.data_rows()
    assert [sheet.ws.cell(r, sheet.column("Warehouse")).value for r in rows] == ["Склад №2"]


def test_the_token_users_language_is_the_default(client, books):
    user = books.world.users["auditor"]
    user.locale = "en"
    db.session.commit()
    response = client.get("/api/v1/reports/journal.xlsx", query_string=QUERY,
                          headers=headers(books.world, "auditor"))
    assert response.status_code == 200  # auditors may export
    (sheet,) = read_workbook(xlsx_bytes(response)).values()
    assert sheet.labels[0] == "Entry"


@pytest.mark.parametrize("path, status, field", [
    ("/api/v1/reports/balance-sheet.xlsx", 404, None),
    ("/api/v1/reports/receipts.csv", 404, None),
    ("/api/v1/reports/receipts.xlsx?from=2026-12-01&to=2026-11-01", 422, "date_to"),
    ("/api/v1/reports/receipts.xlsx?from=2026-02-30", 422, "from"),
    ("/api/v1/reports/receipts.xlsx?aid_type=loan", 422, "aid_type"),
    ("/api/v1/reports/receipts.xlsx?partner_id=x", 422, "partner_id"),
    ("/api/v1/reports/receipts.xlsx?lang=fr", 422, "lang"),
])
def test_bad_input_is_a_problem_never_a_500(client, world, path, status, field):
    response = client.get(path, headers=headers(world))
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == status and problem["detail"]
    if field:
        assert field in problem["errors"]
    if "balance-sheet" in path:
        assert "receipts" in problem["detail"]


def test_another_organizations_ids_are_404(client, world):
    foreign_agreement = make_agreement(world.other, world.other_partner)
    db.session.commit()
    for query in ({"partner_id": world.other_partner.id}, {"agreement_id": foreign_agreement.id}):
        response = client.get("/api/v1/reports/donor.xlsx", query_string=QUERY | query, headers=headers(world))
        assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "export")) == 0



def test_without_a_token_401(client):
    assert client.get("/api/v1/reports/receipts.xlsx").status_code == 401


def test_the_openapi_document_describes_the_reports_endpoint(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/reports/{name}.{fmt}"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "partner_id", "agreement_id", "aid_type",
                                                             "warehouse_id", "lang"}
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in \
        operation["responses"]["200"]["content"]
    assert {"401", "404", "422"} <= set(operation["responses"])


def test_empty_period_is_a_valid_workbook(client, world):
    response = client.get("/api/v1/reports/ledger.xlsx", query_string={"from": "2020-01-01", "to": "2020-01-31"},
                          headers=headers(world))
    assert response.status_code == 200
    assert len(read_workbook(xlsx_bytes(response))) == 13
