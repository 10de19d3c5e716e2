"""The consignment journey through the pages: register, lines (with a missing rate entered and
retried), packing-list import with preview, customs, documents with files, acceptance, roles,
other organizations' objects answering 404."""
from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from importlib import resources

import pytest
import sqlalchemy as sa

from tests.consignment_factories import add_line, make_consignment, move, ready_to_accept, standard_rates
from tests.factories import category, make_warehouse, unit
from tracker.extensions import db
from tracker.models import Attachment, Consignment, ConsignmentLine, ConsignmentStatus, Document, StockMovement

S = ConsignmentStatus
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login(auth, world, role="accountant", other=False):
    auth.logout()
    users = world.other_users if other else world.users
    assert auth.login(users[role].email).status_code == 302
    auth._client.get("/language/en")  # assertions below read English texts


@pytest.fixture
def rates(app):
    standard_rates()
    db.session.commit()


def sample(name: str) -> bytes:
    return resources.files("tracker.seed").joinpath(name).read_bytes()


def register(client, world, **over):
    data = {"aid_type": "humanitarian", "origin": "abroad", "goods_kind": "goods", "partner_id": world.partner.id,
            "agreement_id": "", "currency": "eur", "valuation_on": "2026-11-10", "dispatched_on": "2026-11-10",
            "warehouse_id": "", "declaration_code": "HA-2026-1", "valuation_method": "donor_value"} | over
    return client.post("/consignments/new", data=data)


def the_consignment() -> Consignment:
    return db.session.scalar(sa.select(Consignment).order_by(Consignment.id.desc()))


def test_register_view_and_list_with_filters(client, auth, world, rates):
    login(auth, world)
    response = register(client, world)
    assert response.status_code == 302
    consignment = the_consignment()
    assert consignment.number == "2026-0001" and consignment.currency == "EUR"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "2026-0001" in page.text
    assert "2026-0001" in client.get("/consignments/?status=draft&aid_type=humanitarian").text
    assert "2026-0001" not in client.get("/consignments/?status=accepted").text
    assert "2026-0001" not in client.get("/consignments/?overdue=1").text
    assert client.get("/consignments/?status=nonsense&from=garbage&partner_id=x").status_code == 200


def test_invalid_registration_answers_422_and_saves_nothing(client, auth, world):
    login(auth, world)
    response = register(client, world, currency="XYZ", valuation_method="fair_value",
                        partner_id=world.other_partner.id)
    assert response.status_code == 422
    assert 'class="error"' in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consignment)) == 0


def line_form(world, **over):
    return {"item_id": "", "name": "Stromerzeuger", "category_id": category(world.org, "generators").id,
            "unit_id": unit(world.org, "pcs").id, "quantity": "10", "unit_value": "1249,00", "currency": "EUR",
            "condition": "new", "intended_use": "distribution", "serial": "S-1"} | over


def test_line_with_missing_rate_offers_to_enter_it_and_retry(client, auth, world, rates):
    login(auth, world)
    register(client, world)
    consignment = the_consignment()
    url = f"/consignments/{consignment.id}/lines/new"
    response = client.post(url, data=line_form(world, currency="GBP"))
    assert response.status_code == 422
    assert "GBP" in response.text and "2026-11-10" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsignmentLine)) == 0
    response = client.post(url, data=line_form(world, currency="GBP", missing_rate="55,12"))
    assert response.status_code == 302
    line = db.session.scalar(sa.select(ConsignmentLine))
    assert line.rate == Decimal("55.120000") and line.value_uah == Decimal("688448.80")


@pytest.mark.parametrize("bad", [{"quantity": "0"}, {"quantity": "NaN"}, {"quantity": "1e3"},
                                 {"quantity": "1.0001"}, {"unit_value": "Infinity"}, {"currency": "XYZ"},
                                 {"category_id": "999999"}])
def test_bad_line_input_answers_422(client, auth, world, rates, bad):
    login(auth, world)
    register(client, world)
    consignment = the_consignment()
    response = client.post(f"/consignments/{consignment.id}/lines/new", data=line_form(world, **bad))
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsignmentLine)) == 0


def test_packing_list_import_through_the_preview(client, auth, world, rates):
    login(auth, world)
    register(client, world)
    consignment = the_consignment()
    response = client.post(f"/consignments/{consignment.id}/import",
                           data={"file": (io.BytesIO(sample("packing-list-dortmund.xlsx")), "dortmund.xlsx")})
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    preview = client.get(preview_url)
    assert preview.status_code == 200 and "31.12.2027" in preview.text and "disabled" in preview.text
    refreshed = client.post(preview_url, data={"action": "refresh", "date_format": "%d.%m.%Y"})
    assert refreshed.status_code == 200 and "Import all 12 rows" in refreshed.text
    assert 'value="import" class="primary" >' in refreshed.text  # enabled now
    form = _form_values(refreshed.text)
    form["action"] = "import"
    done = client.post(preview_url, data=form)
    assert done.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsignmentLine)) == 12
    attachment = db.session.scalar(sa.select(Attachment))
    assert attachment.original_name == "dortmund.xlsx"
    assert client.get(preview_url).status_code == 302  # the pending upload is gone


def _form_values(html: str) -> dict[str, str]:
    """The selected values of the preview's selects (what a browser would send)."""
    values: dict[str, str] = {}
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        first = re.search(r'<option value="([^"]*)"', body)
        values[name] = chosen.group(1) if chosen else (first.group(1) if first else "")
    return values


def test_import_refuses_a_disguised_file(client, auth, world, rates):
    login(auth, world)
    register(client, world)
    consignment = the_consignment()
    response = client.post(f"/consignments/{consignment.id}/import",
                           data={"file": (io.BytesIO(PDF), "packing.xlsx")})
    assert response.status_code == 422
    assert "content" in response.text


def test_customs_documents_and_acceptance_through_the_pages(client, auth, world, rates):
    warehouse = make_warehouse(world.org, "Central")
    consignment = make_consignment(world.org, world.partner, warehouse_id=warehouse.id,
                                   commission_members="O. Bondar")
    add_line(consignment)
    db.session.commit()
    login(auth, world)
    base = f"/consignments/{consignment.id}"
    assert client.post(f"{base}/transition", data={"to": "cleared"}).status_code == 409
    assert client.post(f"{base}/transition", data={"to": "in_transit", "on": "2026-11-10"}).status_code == 302
    assert client.post(f"{base}/transition", data={"to": "at_customs", "on": "2026-11-13"}).status_code == 302
    response = client.post(f"/customs/consignments/{consignment.id}/declarations/new",
                           data={"kind": "customs_declaration", "number": "UA1", "customs_office": "Volyn",
                                 "duty_exempted_uah": "1500,00"})
    assert response.status_code == 302
    declaration_id = db.session.scalar(sa.text("select id from customs_declaration"))
    for status, on in (("submitted", "2026-11-13"), ("cleared", "2026-11-14")):
        assert client.post(f"/customs/declarations/{declaration_id}/status",
                           data={"status": status, "on": on}).status_code == 302
    page = client.get(base)
    assert "HA report on availability and distribution" in page.text and "February 12, 2027" in page.text
    db.session.expire_all()
    assert db.session.get(Consignment, consignment.id).report_due_on == date(2027, 2, 12)
    refused = client.post(f"{base}/transition", data={"to": "accepted", "on": "2026-11-17"})
    assert refused.status_code == 409
    for code in ("ha_declaration", "donation_letter", "packing_list", "cmr"):
        type_id = db.session.scalar(sa.text("select id from document_type where organization_id = :o and code = :c"),
                                    {"o": world.org.id, "c": code})
        response = client.post(f"/customs/consignments/{consignment.id}/documents/new",
                               data={"document_type_id": type_id, "number": code, "status": "received",
                                     "file": (io.BytesIO(PDF), f"{code}.pdf")})
        assert response.status_code == 302, response.text
    assert client.post(f"{base}/transition", data={"to": "accepted", "on": "2026-11-17"}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement)) == 1
    assert "Stromerzeuger" in client.get("/stock/").text
    assert client.get(f"{base}/act").status_code == 200
    # read-only now
    assert client.get(f"{base}/edit").status_code == 302
    line_id = db.session.scalar(sa.select(ConsignmentLine.id))
    assert client.post(f"{base}/lines/{line_id}/edit", data=line_form(world)).status_code == 409
    assert client.post(f"{base}/lines/new", data=line_form(world)).status_code == 409


def test_files_download_as_attachments_only_for_the_organization(client, auth, world, rates):
    consignment = ready_to_accept(world.org, world.partner)
    db.session.commit()
    login(auth, world)
    document = db.session.scalar(sa.select(Document))
    response = client.post(f"/customs/documents/{document.id}/files",
                           data={"file": (io.BytesIO(PDF), "../../etc/scan.pdf")})
    assert response.status_code == 302
    attachment = db.session.scalar(sa.select(Attachment))
    assert attachment.original_name == "scan.pdf" and len(attachment.sha256) == 64
    download = client.get(f"/customs/files/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.mimetype == "application/pdf"
    disguised = client.post(f"/customs/documents/{document.id}/files",
                            data={"file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "scan.pdf")})
    assert disguised.status_code == 422
    login(auth, world, other=True)
    assert client.get(f"/customs/files/{attachment.id}").status_code == 404
    assert client.get(f"/consignments/{consignment.id}").status_code == 404
    assert client.get(f"/consignments/{consignment.id}/act").status_code == 404
    assert client.post(f"/customs/documents/{document.id}/files",
                       data={"file": (io.BytesIO(PDF), "x.pdf")}).status_code == 404
    line = consignment.lines[0]
    assert client.get(f"/consignments/{consignment.id}/lines/{line.id}/edit").status_code == 404


def test_too_large_file_answers_413(app, client, auth, world, rates):
    app.config["UPLOAD_MAX_BYTES"] = 1000
    consignment = ready_to_accept(world.org, world.partner)
    db.session.commit()
    login(auth, world)
    document = db.session.scalar(sa.select(Document))
    response = client.post(f"/customs/documents/{document.id}/files",
                           data={"file": (io.BytesIO(PDF + b"0" * 2000), "big.pdf")})
    assert response.status_code == 413
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert consignment.id


def test_auditor_reads_but_cannot_change(client, auth, world, rates):
    consignment = make_consignment(world.org, world.partner)
    add_line(consignment)
    db.session.commit()
    login(auth, world, "auditor")
    assert client.get(f"/consignments/{consignment.id}").status_code == 200
    assert client.get("/consignments/").status_code == 200
    assert client.get("/consignments/new").status_code == 403
    assert client.post(f"/consignments/{consignment.id}/transition", data={"to": "in_transit"}).status_code == 403
    assert client.post(f"/consignments/{consignment.id}/lines/new", data=line_form(world)).status_code == 403
    assert client.get("/customs/").status_code == 200 and client.get("/stock/").status_code == 200


def test_only_a_finance_head_overrides_missing_documents(client, auth, world, rates):
    warehouse = make_warehouse(world.org, "Central")
    consignment = make_consignment(world.org, world.partner, warehouse_id=warehouse.id, commission_members="X")
    add_line(consignment)
    from tests.consignment_factories import clear_through_customs

    clear_through_customs(consignment)
    db.session.commit()
    data = {"to": "accepted", "on": "2026-11-17", "override_reason": "Originals follow by post"}
    login(auth, world, "accountant")
    assert client.post(f"/consignments/{consignment.id}/transition", data=data).status_code == 403
    login(auth, world, "finance_head")
    assert "override_reason" in client.get(f"/consignments/{consignment.id}").text
    assert client.post(f"/consignments/{consignment.id}/transition", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Consignment, consignment.id).status == S.accepted


def test_report_date_is_recorded_on_the_page(client, auth, world, rates):
    consignment = ready_to_accept(world.org, world.partner)
    move(consignment, S.accepted, on=date(2026, 11, 17))
    db.session.commit()
    login(auth, world)
    assert client.post(f"/consignments/{consignment.id}/report", data={"reported_on": "2026-11-20"}).status_code == 302
    assert client.post(f"/consignments/{consignment.id}/report", data={"reported_on": "2026-01-01"}).status_code == 422
    db.session.expire_all()
    assert db.session.get(Consignment, consignment.id).reported_on == date(2026, 11, 20)


def test_dashboard_lists_customs_missing_documents_and_deadlines(client, auth, world, rates):
    waiting = make_consignment(world.org, world.partner)
    add_line(waiting)
    move(waiting, S.in_transit)
    cleared = ready_to_accept(world.org, world.partner)
    db.session.commit()
    login(auth, world)
    page = client.get("/").text
    assert waiting.number in page and cleared.number in page
    assert "cmr" in page


def test_settings_and_rules_are_for_admins(client, auth, world):
    login(auth, world, "accountant")
    assert client.get("/settings/").status_code == 200
    assert client.post("/settings/", data={"key": "ha_report_due_days", "value": "100",
                                           "valid_from": "2026-01-01"}).status_code == 403
    assert client.get("/customs/document-rules/new").status_code == 403
    login(auth, world, "admin")
    assert client.post("/settings/", data={"key": "ha_report_due_days", "value": "0",
                                           "valid_from": "2026-01-01"}).status_code == 422
    assert client.post("/settings/", data={"key": "ha_report_due_days", "value": "100",
                                           "valid_from": "2026-01-01"}).status_code == 302
    assert "100" in client.get("/settings/").text
    assert client.get("/customs/document-rules/").status_code == 200
    assert client.get("/customs/document-types/").status_code == 200
    type_id = db.session.scalar(sa.text("select id from document_type where organization_id = :o and code = 'invoice'"),
                                {"o": world.org.id})
    response = client.post("/customs/document-rules/new", data={
        "document_type_id": type_id, "aid_type": "humanitarian", "origin": "", "goods_kind": "",
        "category_code": "medicines", "condition": "", "valid_from": "2026-01-01", "note": "test"})
    assert response.status_code == 302
