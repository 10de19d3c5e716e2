"""The JSON API for master data: tokens, CRUD, problem+json errors, scoping, pagination, OpenAPI."""
from __future__ import annotations

from decimal import Decimal
from importlib import resources

import pytest
import sqlalchemy as sa

from tests import factories
from tracker.extensions import db
from tracker.models import Agreement, ExchangeRate, Partner


@pytest.fixture
def api(client, world):
    token = factories.token_for(world.users["accountant"], world.org)
    db.session.commit()

    class Api:
        headers = {"Authorization": f"Bearer {token}"}

        def get(self, url, **kw):
            return client.get(f"/api/v1{url}", headers=self.headers, **kw)

        def post(self, url, **kw):
            return client.post(f"/api/v1{url}", headers=self.headers, **kw)

        def patch(self, url, **kw):
            return client.patch(f"/api/v1{url}", headers=self.headers, **kw)

        def put(self, url, **kw):
            return client.put(f"/api/v1{url}", headers=self.headers, **kw)

        def delete(self, url, **kw):
            return client.delete(f"/api/v1{url}", headers=self.headers, **kw)

    return Api()


def test_requests_without_valid_token_get_401_problem(client, world):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/partners", headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.json["status"] == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_partner_crud(api, world):
    created = api.post("/partners", json={"name": "Miasto Lublin", "kind": "municipality", "country": "pl",
                                          "report_language": "en"})
    assert created.status_code == 201
    body = created.json
    assert body["country"] == "PL" and body["kind"] == "municipality" and isinstance(body["id"], int)
    listing = api.get("/partners?per_page=1&page=2")
    assert listing.status_code == 200 and listing.json["total"] == 2 and len(listing.json["items"]) == 1
    patched = api.patch(f"/partners/{body['id']}", json={"city": "Lublin"})
    assert patched.status_code == 200 and patched.json["city"] == "Lublin" and patched.json["name"] == "Miasto Lublin"
    assert api.get(f"/partners/{body['id']}").json["city"] == "Lublin"
    assert api.delete(f"/partners/{body['id']}").status_code == 204
    assert api.get(f"/partners/{body['id']}").status_code == 404


def test_validation_errors_are_problem_json_with_fields(api, world):
    response = api.post("/partners", json={"name": "", "kind": "alien", "country": "XX", "extra": 1})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert {"name", "kind", "country", "extra"} <= set(response.json["errors"])
    response = api.post("/partners", json={"name": "Stadt Dortmund", "kind": "ngo", "country": "DE"})
    assert response.status_code == 422 and "name" in response.json["errors"]  # duplicate
    response = api.post("/partners", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Partner)) == 2


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "1e3", "1.001", "-5", "1.5e0", "abc", True, [1]])
def test_amounts_must_be_exact_decimal_strings(api, world, amount):
    response = api.post("/agreements", json={"partner_id": world.partner.id, "kind": "grant", "number": "G-1",
                                             "budget_amount": amount, "budget_currency": "EUR"})
    assert response.status_code == 422, response.json
    assert "budget_amount" in response.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 0


def test_json_numbers_are_read_exactly_without_float(api, world):
    response = api.post("/agreements", data='{"partner_id": %d, "kind": "grant", "number": "N", '
                        '"budget_amount": 0.1, "budget_currency": "EUR"}' % world.partner.id,
                        content_type="application/json")
    assert response.status_code == 201 and response.json["budget_amount"] == "0.10"


def test_agreement_amounts_are_strings_and_exact(api, world):
    response = api.post("/agreements", json={"partner_id": world.partner.id, "kind": "grant", "number": "G-1",
                                             "budget_amount": "99999999999.99", "budget_currency": "eur",
                                             "signed_on": "2026-10-02"})
    assert response.status_code == 201, response.json
    assert response.json["budget_amount"] == "99999999999.99" and response.json["signed_on"] == "2026-10-02"
    assert db.session.scalar(sa.select(Agreement.budget_amount)) == Decimal("99999999999.99")
    assert api.get(f"/agreements?partner_id={world.partner.id}").json["total"] == 1
    assert api.get("/agreements?kind=alien").status_code == 422


def test_other_organization_ids_are_404(api, world):
    assert api.get(f"/partners/{world.other_partner.id}").status_code == 404
    assert api.patch(f"/partners/{world.other_partner.id}", json={"city": "x"}).status_code == 404
    assert api.delete(f"/partners/{world.other_partner.id}").status_code == 404
    response = api.post("/agreements", json={"partner_id": world.other_partner.id, "kind": "grant", "number": "1"})
    assert response.status_code == 422 and "partner_id" in response.json["errors"]
    assert api.get("/partners/99999999999").status_code == 404


def test_referenced_partner_delete_is_409(api, world):
    factories.make_agreement(world.org, world.partner)
    db.session.commit()
    response = api.delete(f"/partners/{world.partner.id}")
    assert response.status_code == 409 and "угоди (1)" in response.json["detail"]


def test_auditor_token_reads_only(client, world):
    token = factories.token_for(world.users["auditor"], world.org)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/partners", headers=headers).status_code == 200
    response = client.post("/api/v1/partners", headers=headers, json={"name": "X", "kind": "ngo", "country": "DE"})
    assert response.status_code == 403


def test_catalogue_and_warehouses(api, world):
    categories = api.get("/categories?per_page=200").json
    assert categories["total"] >= 16
    medicines = next(c for c in categories["items"] if c["code"] == "medicines")
    assert medicines["needs_expiry"] is True
    units = api.get("/units?q=pcs").json["items"]
    item = api.post("/items", json={"name": "Інсулін", "category_id": medicines["id"], "unit_id": units[0]["id"],
                                    "hs_code": "300431"})
    assert item.status_code == 201
    assert api.delete(f"/categories/{medicines['id']}").status_code == 409
    warehouse = api.post("/warehouses", json={"name": "Центральний склад"})
    assert warehouse.status_code == 201
    assert api.put(f"/warehouses/{warehouse.json['id']}", json={"name": "Центральний", "address": "вул. 1"}
                   ).json["address"] == "вул. 1"


def test_rates_import_lookup_and_manual(api, world):
    content = resources.files("tracker.seed").joinpath("nbu-rates-sample.json").read_bytes()
    from io import BytesIO

    first = api.post("/rates/import", data={"file": (BytesIO(content), "rates.json")},
                     content_type="multipart/form-data")
    assert first.status_code == 200 and first.json["created"] > 200
    again = api.post("/rates/import", data={"file": (BytesIO(content), "rates.json")},
                     content_type="multipart/form-data")
    assert again.json["created"] == 0 and again.json["unchanged"] == first.json["created"]
    lookup = api.get("/rates/JPY/2026-10-01")
    assert lookup.status_code == 200 and lookup.json["rate"] == "0.275040"
    missing = api.get("/rates/EUR/2020-01-01")
    assert missing.status_code == 404 and "EUR" in missing.json["detail"] and "2020-01-01" in missing.json["detail"]
    assert api.get("/rates/XYZ/2026-10-01").status_code == 422
    created = api.post("/rates", json={"currency": "EUR", "on": "2027-01-04", "rate": "50.123456"})
    assert created.status_code == 201 and created.json["source"] == "manual"
    assert api.post("/rates", json={"currency": "EUR", "on": "2027-01-05", "rate": "50.1234567"}).status_code == 422
    listing = api.get("/rates?currency=EUR&from=2027-01-01").json
    assert listing["total"] == 1 and listing["items"][0]["rate"] == "50.123456"
    broken = api.post("/rates/import", data={"file": (BytesIO(b"date,currency,rate\n2026-13-01,EUR,1\n"), "r.csv")},
                      content_type="multipart/form-data")
    assert broken.status_code == 422 and "row 2" in broken.json["errors"]


def test_openapi_document_describes_every_endpoint(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/partners", "/api/v1/partners/{object_id}", "/api/v1/agreements", "/api/v1/categories",
                 "/api/v1/units", "/api/v1/items", "/api/v1/warehouses", "/api/v1/rates", "/api/v1/rates/import"):
        assert path in spec["paths"], path
    partner = spec["components"]["schemas"]["Partner"]["properties"]
    assert set(partner) >= {"id", "name", "kind", "country", "city", "contact_name", "contact_email",
                            "report_language"}
    agreement = spec["components"]["schemas"]["Agreement"]["properties"]
    assert agreement["budget_amount"]["type"] == "string"
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
