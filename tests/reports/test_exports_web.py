"""The reports page and its downloads: every report listed, attachments, filters, bad input,
auditors, the audit trail."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.factories import make_warehouse
from tests.reports.books import PERIOD, RECEIPTS_UAH, make_books
from tests.reports.workbook import read_workbook, xlsx_bytes
from tracker.extensions import db
from tracker.models import AuditEvent
from tracker.reports import datasets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUERY = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def books(app, world):
    return make_books(world)


def exports() -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "export")
                                   .order_by(AuditEvent.id)))


def test_reports_page_lists_every_report_with_an_excel_download(client, auth, world):
    auth.login(world.users["accountant"].email)
    page = client.get("/reports/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for name in datasets.REPORTS:
        assert f'value="{name}.xlsx"' in html
    assert 'name="from"' in html and 'name="partner_id"' in html and 'name="warehouse_id"' in html
    assert "04053625" in html


def test_download_is_an_attachment_with_the_users_headers_and_is_audited(client, auth, books):
    user = books.world.users["finance_head"]
    auth.login(user.email)
    response = client.get("/reports/receipts.xlsx", query_string=QUERY | {"lang": "en"})
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "receipts_04053625_2026-11-01_2026-11-30.xlsx" in response.headers["Content-Disposition"]
    (sheet,) = read_workbook(xlsx_bytes(response)).values()
    assert sheet.labels[0] == "Consignment"
    assert sheet.total("Value, UAH")[1] == RECEIPTS_UAH
    (event,) = exports()
    assert (event.user_id, event.organization_id, event.object_id) == (user.id, books.world.org.id, "receipts")
    assert event.after["format"] == "xlsx" and event.after["date_to"] == "2026-11-30"
    assert event.after["channel"] == "web"


def test_the_page_buttons_export_with_the_filters(client, auth, books):
    auth.login(books.world.users["accountant"].email)
    response = client.get("/reports/export", query_string=QUERY | {
        "report": "receipts.xlsx", "partner_id": str(books.lublin.id), "from": "2026-10-01", "lang": "uk"})
    assert response.status_code == 200
    (sheet,) = read_workbook(xlsx_bytes(response)).values()
    assert "    Партнер: Miasto Lublin" in sheet.title_lines
    assert [sheet.ws.cell(r, sheet.column("Партнер")).value for r in sheet.data_rows()] == ["Miasto Lublin"]


def test_auditor_may_export_and_the_export_is_recorded(client, auth, books):
    auditor = books.world.users["auditor"]
    auth.login(auditor.email)
    response = client.get("/reports/ledger.xlsx", query_string=QUERY)
    assert response.status_code == 200
    assert len(read_workbook(xlsx_bytes(response))) == 13
    assert [(e.user_id, e.object_id) for e in exports()] == [(auditor.id, "ledger")]


def test_headers_follow_the_users_interface_language_by_default(client, auth, books):
    auth.login(books.world.users["accountant"].email)
    client.get("/language/en")
    response = client.get("/reports/journal.xlsx", query_string=QUERY)
    (sheet,) = read_workbook(xlsx_bytes(response)).values()
    assert sheet.labels[:2] == ["Entry", "Date"]


@pytest.mark.parametrize("path", ["/reports/balance-sheet.xlsx", "/reports/receipts.docx",
                                  "/reports/export?report=nothing"])
def test_unknown_report_or_format_is_404(client, auth, world, path):
    auth.login(world.users["accountant"].email)
    response = client.get(path)
    assert response.status_code == 404
    assert not exports()



def test_period_ending_before_it_starts_is_422_with_the_form(client, auth, world):
    auth.login(world.users["accountant"].email)
    response = client.get("/reports/receipts.xlsx", query_string={"from": "2026-12-01", "to": "2026-11-01",
                                                                   "lang": "en"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "раніше, ніж починається" in html and 'name="from"' in html  # the interface language
    assert not exports()


@pytest.mark.parametrize("query", [{"from": "2026-13-45"}, {"to": "yesterday"}, {"partner_id": "abc"},
                                   {"aid_type": "loan"}])
def test_bad_dates_and_values_are_422(client, auth, world, query):
    auth.login(world.users["accountant"].email)
    response = client.get("/reports/receipts.xlsx", query_string=query)
    assert response.status_code == 422


def test_another_organizations_partner_or_warehouse_is_404(client, auth, world):
    foreign_warehouse = make_warehouse(world.other, "Lublin")
    db.session.commit()
    auth.login(world.users["accountant"].email)
    assert client.get("/reports/receipts.xlsx",
                      query_string=QUERY | {"partner_id": world.other_partner.id}).status_code == 404
    assert client.get("/reports/receipts.xlsx",
                      query_string=QUERY | {"warehouse_id": foreign_warehouse.id}).status_code == 404
    assert not exports()


def test_empty_period_downloads_a_workbook_with_zero_totals(client, auth, world):
    auth.login(world.users["accountant"].email)
    response = client.get("/reports/stock-turnover.xlsx", query_string={"from": "2020-01-01", "to": "2020-01-31"})
    assert response.status_code == 200
    (sheet,) = read_workbook(xlsx_bytes(response)).values()
    assert sheet.ws.cell(sheet.total_row(), sheet.column(sheet.labels[-1])).value == 0


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/reports/receipts.xlsx")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
