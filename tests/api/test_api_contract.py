"""Fixes found while fuzzing the API, pinned: query-string ids, idempotent creation."""
from __future__ import annotations

from tests import factories
from tests.factories import token_for
from tests.texts import ui, ui_html
from tracker.extensions import db


def test_id_filters_in_query_strings_are_accepted(world, client):
    factories.make_agreement(world.org, world.partner)
    other = factories.make_partner(world.org, name="Gmina Lublin", country="PL")
    factories.make_agreement(world.org, other, number="L-1")
    token = token_for(world.users["auditor"], world.org)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get(f"/api/v1/agreements?partner_id={other.id}", headers=headers).json
    assert [a["number"] for a in body["items"]] == ["L-1"]
    assert client.get("/api/v1/agreements?partner_id=x", headers=headers).status_code == 422
    assert client.get(f"/api/v1/items?category_id={2**31}", headers=headers).status_code == 422


def test_unknown_query_parameters_are_refused_not_ignored(world, client):
    token = token_for(world.users["auditor"], world.org)
    db.session.commit()
    response = client.get("/api/v1/agreements?partner=3", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["partner"]


def test_undocumented_errors_are_covered_by_a_problem_json_default_response(world, client):
    document = client.get("/api/v1/openapi.json").json
    default = document["components"]["responses"]["DEFAULT_ERROR"]
    assert list(default["content"]) == ["application/problem+json"]
    assert document["paths"]["/api/v1/partners"]["post"]["responses"]["default"] == {
        "$ref": "#/components/responses/DEFAULT_ERROR"}
    token = token_for(world.users["accountant"], world.org)
    db.session.commit()
    response = client.post("/api/v1/partners", data=b"{not json", content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["detail"] == ui("The request body is not valid JSON.")


def test_nul_characters_are_refused_everywhere_instead_of_failing_in_postgresql(world, client, auth):
    token = token_for(world.users["admin"], world.org)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/v1/warehouses", json={"name": "Склад\x00 1"}, headers=headers)
    assert created.status_code == 422 and list(created.json["errors"]) == ["name"]
    nested = client.post("/api/v1/warehouses", json={"name": "ok", "x": [{"y": "\u0000"}]}, headers=headers)
    assert nested.status_code == 422 and list(nested.json["errors"]) == ["x.0.y"]
    assert client.get("/api/v1/warehouses?q=a%00b", headers=headers).status_code == 422
    auth.login(world.users["admin"].email)
    page = client.post("/warehouses/new", data={"name": "Склад\x00"})
    assert page.status_code == 422 and ui_html("Text must not contain NUL characters.") in page.text
    assert client.get("/partners/?q=%00").status_code == 422
    assert client.get("/warehouses/").status_code == 200


def test_rates_import_reads_lone_carriage_returns_and_refuses_unreadable_csv(world, client):
    import io

    token = token_for(world.users["accountant"], world.org)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}

    def upload(content: bytes):
        return client.post("/api/v1/rates/import", data={"file": (io.BytesIO(content), "rates.csv")},
                           headers=headers, content_type="multipart/form-data")

    assert upload(b"\x15\r\x0e").status_code == 422  # found by the fuzz: was a 500 (csv.Error)
    assert upload(b"date,currency,rate\n" + b"x" * 200_000).status_code == 422  # field over csv's limit
    old_mac = upload(b"date,currency,rate\r2026-01-05,EUR,44.1\r")
    assert old_mac.status_code == 200 and old_mac.json["created"] == 1


def test_field_errors_speak_the_users_language_and_refuse_loose_booleans(world, client):
    """Marshmallow's own messages come back translated (Ukrainian by default, English when the
    token's user chose it); ``0`` is not a JSON boolean and over-long text counts before trimming."""
    admin = world.users["admin"]
    token = token_for(admin, world.org)
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    body = {"code": "9999", "kind": "asset", "name_uk": "Тест", "active": 0, "note": " " * 3000}
    response = client.post("/api/v1/accounts", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json["errors"]["active"] == ["Вкажіть true або false."]
    assert response.json["errors"]["note"][0].startswith("Не більше ")
    missing = client.post("/api/v1/accounts", json={"kind": "asset"}, headers=headers).json["errors"]
    assert missing["code"] == ["Це поле є обов’язковим."]
    assert client.post("/api/v1/accounts", json={**body, "colour": "red"}, headers=headers) \
        .json["errors"]["colour"] == ["Невідоме поле."]

    admin.locale = "en"
    db.session.commit()
    missing = client.post("/api/v1/accounts", json={"kind": "asset"}, headers=headers).json["errors"]
    assert missing["code"] == ["This field is required."]
    from tracker.models.ledger import Account
    assert db.session.query(Account).filter_by(organization_id=world.org.id, code="9999").count() == 0
