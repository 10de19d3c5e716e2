"""The consignments and stock API: DESIGN.md §6 field names, decimal strings, 409 transitions with
reasons, packing-list import all-or-nothing, checklist, declarations, documents and files,
another organization's objects answering 404, roles."""
from __future__ import annotations

import io
from datetime import date
from importlib import resources

import pytest
import sqlalchemy as sa

from tests import factories
from tests.consignment_factories import ready_to_accept, standard_rates
from tracker.extensions import db
from tracker.models import ConsignmentLine, StockMovement

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Api:
    def __init__(self, client, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method: str):
        def call(url, **kw):
            return getattr(self.client, method)(f"/api/v1{url}", headers=self.headers, **kw)
        return call


@pytest.fixture
def api(client, world):
    standard_rates()
    token = factories.token_for(world.users["accountant"], world.org)
    db.session.commit()
    return Api(client, token)


def api_for(client, world, role, other=False):
    users, org = (world.other_users, world.other) if other else (world.users, world.org)
    token = factories.token_for(users[role], org)
    db.session.commit()
    return Api(client, token)


def create(api, world, **over):
    payload = {"aid_type": "humanitarian", "origin": "abroad", "partner_id": world.partner.id, "currency": "EUR",
               "valuation_on": "2026-11-10", "dispatched_on": "2026-11-10", "declaration_code": "HA-1"} | over
    return api.post("/consignments", json=payload)


LINE = {"name": "Stromerzeuger", "category": "generators", "unit": "pcs", "quantity": "10",
        "unit_value": "1249.00", "currency": "EUR", "serial": "S1"}


def test_create_read_and_list_with_design_field_names(api, world):
    response = create(api, world)
    assert response.status_code == 201
    body = response.json
    assert body["number"] == "2026-0001" and body["status"] == "draft" and body["lines"] == []
    assert {"id", "number", "aid_type", "origin", "partner_id", "agreement_id", "status", "currency", "warehouse_id",
            "declaration_code", "dispatched_on", "arrived_on", "cleared_on", "accepted_on", "report_due_on",
            "reported_on", "valuation_method", "total_value", "total_value_uah", "lines"} <= set(body)
    line = api.post(f"/consignments/{body['id']}/lines", json=LINE)
    assert line.status_code == 201
    assert {k: line.json[k] for k in ("quantity", "unit_value", "value", "rate", "rate_on", "value_uah", "category",
                                      "unit")} == {
        "quantity": "10.000", "unit_value": "1249.0000", "value": "12490.00", "rate": "48.651200",
        "rate_on": "2026-11-10", "value_uah": "607653.49", "category": "generators", "unit": "pcs"}
    read = api.get(f"/consignments/{body['id']}").json
    assert read["total_value"] == "12490.00" and read["total_value_uah"] == "607653.49"
    listed = api.get("/consignments?status=draft&aid_type=humanitarian").json
    assert listed["total"] == 1 and listed["items"][0]["number"] == "2026-0001"
    assert api.get("/consignments?status=accepted").json["total"] == 0


def test_jpy_amounts_have_no_minor_units(api, world):
    consignment = create(api, world, currency="JPY").json
    line = api.post(f"/consignments/{consignment['id']}/lines",
                    json=LINE | {"currency": "JPY", "quantity": "3", "unit_value": "1001.5"}).json
    assert line["value"] == "3005" and line["value_uah"] == "820.70"


@pytest.mark.parametrize("bad", [{"quantity": "0"}, {"quantity": -2}, {"quantity": "NaN"}, {"quantity": "1e3"},
                                 {"quantity": "1.0001"}, {"currency": "XYZ"}, {"category": "rockets"},
                                 {"unit_value": "-1"}, {"expiry_on": "2026-02-30"}])
def test_bad_lines_answer_422_problem(api, world, bad):
    consignment = create(api, world).json
    response = api.post(f"/consignments/{consignment['id']}/lines", json=LINE | bad)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsignmentLine)) == 0


def test_missing_rate_answers_422_naming_currency_and_date(api, world):
    consignment = create(api, world).json
    response = api.post(f"/consignments/{consignment['id']}/lines", json=LINE | {"currency": "GBP"})
    assert response.status_code == 422
    assert "GBP" in response.json["detail"] and "2026-11-10" in response.json["detail"]


def test_transitions_out_of_order_answer_409_with_the_reason(api, world):
    consignment = create(api, world, declaration_code="").json
    url = f"/consignments/{consignment['id']}/transitions"
    response = api.post(url, json={"to": "cleared"})
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    assert "in transit" in response.json["detail"].lower()
    response = api.post(url, json={"to": "in_transit"})
    assert response.status_code == 409 and "unique code" in response.json["detail"]
    assert api.post(url, json={"to": "flying"}).status_code == 422
    assert api.post(url, json={"to": "cancelled"}).status_code == 422
    assert api.post(url, json={"to": "cancelled", "reason": "Called off"}).json["status"] == "cancelled"


def test_full_flow_with_declarations_documents_and_acceptance(api, world):
    warehouse = factories.make_warehouse(world.org, "Central")
    db.session.commit()
    consignment = create(api, world, warehouse_id=warehouse.id, commission_members="O. Bondar").json
    cid = consignment["id"]
    api.post(f"/consignments/{cid}/lines", json=LINE)
    for to, on in (("in_transit", "2026-11-10"), ("at_customs", "2026-11-13")):
        assert api.post(f"/consignments/{cid}/transitions", json={"to": to, "on": on}).status_code == 200
    declaration = api.post(f"/consignments/{cid}/declarations", json={
        "kind": "customs_declaration", "number": "UA1", "customs_office": "Volyn", "duty_exempted_uah": "100.00"})
    assert declaration.status_code == 201 and declaration.json["status"] == "draft"
    did = declaration.json["id"]
    for status, on in (("submitted", "2026-11-13"), ("cleared", "2026-11-14")):
        assert api.post(f"/consignments/{cid}/declarations/{did}/status",
                        json={"status": status, "on": on}).status_code == 200
    read = api.get(f"/consignments/{cid}").json
    assert read["status"] == "cleared" and read["cleared_on"] == "2026-11-14" and read["report_due_on"] == "2027-02-12"
    checklist = api.get(f"/consignments/{cid}/checklist").json
    assert {i["type"] for i in checklist["items"] if i["state"] == "missing"} == \
        {"ha_declaration", "donation_letter", "packing_list", "cmr"}
    assert checklist["deadline"]["due_on"] == "2027-02-12"
    refused = api.post(f"/consignments/{cid}/transitions", json={"to": "accepted", "on": "2026-11-17"})
    assert refused.status_code == 409 and "cmr" in refused.json["detail"].lower()
    for code in ("ha_declaration", "donation_letter", "packing_list", "cmr"):
        document = api.post(f"/consignments/{cid}/documents", json={"type": code, "number": code.upper()})
        assert document.status_code == 201 and document.json["type"] == code
    doc_id = document.json["id"]
    upload = api.post(f"/consignments/{cid}/documents/{doc_id}/files",
                      data={"file": (io.BytesIO(PDF), "cmr.pdf")}, content_type="multipart/form-data")
    assert upload.status_code == 201 and upload.json["content_type"] == "application/pdf"
    download = api.get(f"/consignments/{cid}/documents/{doc_id}/files/{upload.json['id']}")
    assert download.data == PDF and download.headers["Content-Disposition"].startswith("attachment")
    accepted = api.post(f"/consignments/{cid}/transitions", json={"to": "accepted", "on": "2026-11-17"})
    assert accepted.status_code == 200 and accepted.json["accepted_on"] == "2026-11-17"
    stock = api.get("/stock").json
    assert stock["total"] == 1
    assert {k: stock["items"][0][k] for k in ("quantity", "value_uah", "warehouse_id", "lot")} == {
        "quantity": "10.000", "value_uah": "607653.49", "warehouse_id": warehouse.id, "lot": ""}
    assert api.get("/stock?as_of=2026-11-16").json["total"] == 0
    # read-only after acceptance
    line_id = accepted.json["lines"][0]["id"]
    assert api.patch(f"/consignments/{cid}/lines/{line_id}", json={"quantity": "1"}).status_code == 409
    assert api.patch(f"/consignments/{cid}", json={"notes": "x"}).status_code == 409
    assert api.post(f"/consignments/{cid}/lines", json=LINE).status_code == 409
    report = api.post(f"/consignments/{cid}/report", json={"reported_on": "2026-11-20"})
    assert report.status_code == 200 and report.json["reported_on"] == "2026-11-20"


def sample(name: str) -> bytes:
    return resources.files("tracker.seed").joinpath(name).read_bytes()


def test_import_is_all_or_nothing_with_row_errors(api, world):
    consignment = create(api, world).json
    url = f"/consignments/{consignment['id']}/import"
    response = api.post(url, data={"file": (io.BytesIO(sample("packing-list-dortmund.xlsx")), "dortmund.xlsx")},
                        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "row 18" in response.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsignmentLine)) == 0
    preview = api.post(url, data={"file": (io.BytesIO(sample("packing-list-dortmund.xlsx")), "dortmund.xlsx"),
                                  "date_format": "%d.%m.%Y", "preview": "true"}, content_type="multipart/form-data")
    assert preview.status_code == 200 and preview.json["imported"] == 0 and preview.json["total"] == "118144.80"
    done = api.post(url, data={"file": (io.BytesIO(sample("packing-list-dortmund.xlsx")), "dortmund.xlsx"),
                               "date_format": "%d.%m.%Y"}, content_type="multipart/form-data")
    assert done.status_code == 201 and done.json["imported"] == 12
    read = api.get(f"/consignments/{consignment['id']}").json
    assert read["total_value"] == "118144.80" and read["total_value_uah"] == "5747886.30"


def test_import_refuses_disguised_and_bad_mapping(api, world):
    consignment = create(api, world).json
    url = f"/consignments/{consignment['id']}/import"
    disguised = api.post(url, data={"file": (io.BytesIO(PDF), "list.xlsx")}, content_type="multipart/form-data")
    assert disguised.status_code == 422 and "file" in disguised.json["errors"]
    bad = api.post(url, data={"file": (io.BytesIO(sample("packing-list-lublin.csv")), "l.csv"), "mapping": "[1]"},
                   content_type="multipart/form-data")
    assert bad.status_code == 422 and "mapping" in bad.json["errors"]
    assert api.post(url, data={}, content_type="multipart/form-data").status_code == 422


def test_another_organizations_consignment_and_files_answer_404(client, world, api):
    consignment = ready_to_accept(world.org, world.partner)
    db.session.commit()
    document = consignment.documents[0]
    owner = api_for(client, world, "accountant")
    upload = owner.post(f"/consignments/{consignment.id}/documents/{document.id}/files",
                        data={"file": (io.BytesIO(PDF), "x.pdf")}, content_type="multipart/form-data")
    file_id = upload.json["id"]
    other = api_for(client, world, "admin", other=True)
    base = f"/consignments/{consignment.id}"
    for url in (base, f"{base}/lines", f"{base}/checklist", f"{base}/declarations", f"{base}/documents",
                f"{base}/lines/{consignment.lines[0].id}", f"{base}/documents/{document.id}/files/{file_id}"):
        response = other.get(url)
        assert response.status_code == 404, url
    assert other.post(f"{base}/transitions", json={"to": "accepted"}).status_code == 404
    assert other.get("/consignments").json["total"] == 0
    assert other.get("/stock").json["total"] == 0
    # and a file of the consignment through another consignment's URL
    mine = create(owner, world).json
    assert owner.get(f"/consignments/{mine['id']}/documents/{document.id}/files/{file_id}").status_code == 404


def test_auditor_reads_but_may_not_write_and_override_is_finance_head_only(client, world, api):
    consignment = ready_to_accept(world.org, world.partner)
    for document in list(consignment.documents):
        if document.document_type.code == "cmr":
            db.session.delete(document)
    db.session.commit()
    auditor = api_for(client, world, "auditor")
    assert auditor.get(f"/consignments/{consignment.id}").status_code == 200
    assert auditor.post(f"/consignments/{consignment.id}/transitions", json={"to": "accepted"}).status_code == 403
    accountant = api_for(client, world, "accountant")
    body = {"to": "accepted", "on": "2026-11-17", "override_reason": "CMR follows"}
    assert accountant.post(f"/consignments/{consignment.id}/transitions", json=body).status_code == 403
    head = api_for(client, world, "finance_head")
    response = head.post(f"/consignments/{consignment.id}/transitions", json=body)
    assert response.status_code == 200 and response.json["documents_override_reason"] == "CMR follows"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement)) == 1


def test_openapi_documents_the_consignment_resources(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in ("/api/v1/consignments", "/api/v1/consignments/{consignment_id}/lines",
                 "/api/v1/consignments/{consignment_id}/transitions", "/api/v1/consignments/{consignment_id}/import",
                 "/api/v1/consignments/{consignment_id}/checklist",
                 "/api/v1/consignments/{consignment_id}/declarations",
                 "/api/v1/consignments/{consignment_id}/documents", "/api/v1/stock"):
        assert path in spec["paths"], path
    assert "409" in spec["paths"]["/api/v1/consignments/{consignment_id}/transitions"]["post"]["responses"]
    assert spec["components"]["schemas"]["Line"]["properties"]["quantity"]["type"] == "string"
    assert date.today()
