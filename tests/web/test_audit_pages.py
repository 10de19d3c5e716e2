"""The audit page: who may see it, filters, an object's history, pagination, Excel export."""
from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests import factories
from tests.texts import ui, ui_html
from tracker.audit.service import record
from tracker.extensions import db
from tracker.models import AuditEvent


@pytest.mark.parametrize("role", ["admin", "finance_head", "auditor"])
def test_auditors_admins_and_finance_heads_see_the_trail_and_the_nav_link(world, client, auth, role):
    auth.login(world.users[role].email)
    page = client.get("/audit/")
    assert page.status_code == 200
    assert 'href="/audit/"' in page.text
    assert "Stadt Dortmund" in page.text  # the partner's creation, with its fields


def test_accountants_may_not_open_the_trail(world, client, auth):
    auth.login(world.users["accountant"].email)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.xlsx").status_code == 403
    assert 'href="/audit/"' not in client.get("/").text


def test_the_trail_shows_only_the_own_organization(world, client, auth):
    auth.login(world.users["auditor"].email)
    page = client.get("/audit/")
    assert "Miasto Lublin" not in page.text  # the other organization's partner


def test_filters_by_object_and_follows_its_history(world, client, auth):
    partner = world.partner
    auth.login(world.users["admin"].email)
    client.post(f"/partners/{partner.id}/edit", data={"name": "Stadt Dortmund (Partnerschaft)", "kind": "municipality",
                                                      "country": "DE", "report_language": "de"})
    page = client.get(f"/audit/?object_type=Partner&object_id={partner.id}")
    assert page.status_code == 200
    assert ui_html("History of %(type)s %(id)s", type="Partner", id=partner.id) in page.text
    assert page.text.count("<td>update</td>") == 1 and page.text.count("<td>create</td>") == 1
    assert "Stadt Dortmund (Partnerschaft)" in page.text
    # the object link on any event leads to that history
    assert f'href="/audit/?object_type=Partner&amp;object_id={partner.id}"' in client.get("/audit/").text
    # and the partner page links to it too
    assert f'object_type=Partner&amp;object_id={partner.id}' in client.get(f"/partners/{partner.id}").text


def test_filters_by_user_action_and_period(world, client, auth):
    accountant = world.users["accountant"]
    auth.login(accountant.email)
    auth.logout()
    auth.login(world.users["auditor"].email)
    page = client.get(f"/audit/?user_id={accountant.id}&action=sign_out")
    assert page.text.count("<td>sign_out</td>") == 1
    assert "<td>sign_in</td>" not in page.text
    today = datetime.now(ZoneInfo("Europe/Kyiv")).date().isoformat()
    assert "<td>sign_out</td>" in client.get(f"/audit/?from={today}&to={today}&action=sign_out").text
    assert ui_html("No events match.") in client.get("/audit/?from=2001-01-01&to=2001-01-31").text


def test_period_days_are_local_days(world, client, auth):
    """An event at 23:30 UTC on 31 Oct happened on 1 Nov in Kyiv (UTC+2)."""
    event_id = record(organization_id=world.org.id, user_id=None, action="night_shift").id
    auditor_email = world.users["auditor"].email
    db.session.commit()
    db.session.remove()
    with db.engine.begin() as conn:  # the page filters by time; move the event (and only its time) back
        conn.execute(sa.text("UPDATE audit_event SET at = :at WHERE id = :id"),
                     {"at": datetime(2026, 10, 31, 23, 30), "id": event_id})
    auth.login(auditor_email)
    assert "night_shift" in client.get("/audit/?from=2026-11-01&to=2026-11-01&action=night_shift").text
    assert ui_html("No events match.") in client.get("/audit/?from=2026-10-31&to=2026-10-31&action=night_shift").text


def test_invalid_filters_answer_422_with_the_reason(world, client, auth):
    auth.login(world.users["auditor"].email)
    page = client.get("/audit/?from=2026-11-30&to=2026-11-01")
    assert page.status_code == 422
    assert ui_html("The period ends before it starts.") in page.text
    assert client.get("/audit/?from=yesterday").status_code == 422


def test_the_trail_is_paginated(world, client, auth, app):
    for n in range(app.config["PER_PAGE"] + 5):
        record(organization_id=world.org.id, user_id=None, action="bulk", object_type="T", object_id=n)
    db.session.commit()
    auth.login(world.users["auditor"].email)
    first = client.get("/audit/?action=bulk")
    second = client.get("/audit/?action=bulk&page=2")
    assert first.text.count("<td>bulk</td>") == app.config["PER_PAGE"]
    assert second.text.count("<td>bulk</td>") == 5
    assert "page=2" in first.text and "action=bulk" in first.text


def test_export_is_an_audited_excel_file_where_user_text_stays_text(world, client, auth):
    factories.make_partner(world.org, name="=HYPERLINK(\"http://evil\")", country="PL")
    factories.make_partner(world.org, name="+380 44 000", country="PL")
    db.session.commit()
    auditor = world.users["auditor"]
    auth.login(auditor.email)
    response = client.get("/audit/export.xlsx?object_type=Partner&action=create")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r[0] == ui("No."))
    assert sheet.freeze_panes == f"A{header_at + 2}"
    data = rows[header_at + 1:]
    assert len(data) == 3 and {r[3] for r in data} == {"create"}
    assert isinstance(data[0][1], datetime)
    after_texts = " ".join(r[7] for r in data)
    assert "=HYPERLINK" in after_texts
    for cell_row in sheet.iter_rows(min_row=header_at + 2):
        for cell in cell_row:
            assert cell.data_type != "f", f"{cell.coordinate} became a formula"
    # the export itself is in the trail, with its filters
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert event.user_id == auditor.id and event.organization_id == world.org.id
    assert event.after["filters"] == {"object_type": "Partner", "action": "create"}
    assert event.after["rows"] == 3 and event.after["file"].endswith(".xlsx")


def test_text_cells_starting_like_formulas_are_written_as_text():
    from tracker.audit.xlsx import AuditRow, build_audit_workbook

    row = AuditRow(id=1, at=datetime(2026, 11, 1, 10, 0), user="=cmd|' /C calc'!A0", action="-1+1", object_type="@x",
                   object_id="+1", before=None, after=None, hash="h")
    sheet = load_workbook(io.BytesIO(build_audit_workbook([row], title="=T", header_lines=["+h"],
                                                          headers=["No."]))).active
    values = [c for r in sheet.iter_rows() for c in r if c.value is not None]
    assert all(c.data_type != "f" for c in values)
    assert {"=cmd|' /C calc'!A0", "-1+1", "@x", "+1", "=T", "+h"} <= {c.value for c in values}
