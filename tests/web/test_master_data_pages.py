"""List, search, paginate, create, edit, view and delete master data through the pages."""
from __future__ import annotations

import sqlalchemy as sa

from tests import factories
from tracker.extensions import db
from tracker.models import Agreement, ExchangeRate, Item, Partner, Warehouse


def login(client, auth, world, role="accountant"):
    auth.logout()
    auth.login(world.users[role].email)


def test_partner_create_edit_delete(client, auth, world):
    login(client, auth, world)
    response = client.post("/partners/new", data={"name": "Miasto Lublin", "kind": "municipality", "country": "pl",
                                                 "city": "Lublin", "report_language": "en"})
    assert response.status_code == 302
    partner = db.session.scalar(sa.select(Partner).where(Partner.name == "Miasto Lublin",
                                                         Partner.organization_id == world.org.id))
    assert partner.country == "PL" and partner.organization_id == world.org.id
    response = client.post(f"/partners/{partner.id}/edit", data={"name": "Miasto Lublin", "kind": "municipality",
                                                               "country": "PL", "city": "Lublin (PL)",
                                                               "report_language": "en"})
    assert response.status_code == 302
    assert "Lublin (PL)" in client.get(f"/partners/{partner.id}").text
    assert client.post(f"/partners/{partner.id}/delete").status_code == 303
    assert db.session.get(Partner, partner.id) is None


def test_partner_form_errors_are_inline_and_nothing_is_saved(client, auth, world):
    login(client, auth, world)
    response = client.post("/partners/new", data={"name": "x" * 201, "kind": "nonsense", "country": "ZZ",
                                                 "contact_email": "bad"})
    assert response.status_code == 422
    assert 'class="error"' in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Partner)) == 2  # the world's two


def test_delete_of_referenced_partner_is_refused_with_reason(client, auth, world):
    login(client, auth, world)
    factories.make_agreement(world.org, world.partner)
    db.session.commit()
    response = client.post(f"/partners/{world.partner.id}/delete")
    assert response.status_code == 409
    assert db.session.get(Partner, world.partner.id) is not None


def test_agreement_with_budget_through_the_form(client, auth, world):
    login(client, auth, world)
    data = {"partner_id": world.partner.id, "kind": "grant", "number": "G-1", "budget_amount": "10 000,50",
            "budget_currency": "eur", "budget_revenue_code": "42020000"}
    assert client.post("/agreements/new", data=data).status_code == 302
    agreement = db.session.scalar(sa.select(Agreement))
    assert str(agreement.budget_amount) == "10000.50" and agreement.budget_currency == "EUR"
    for bad in ("NaN", "Infinity", "1e5", "1.001", "-5"):
        response = client.post("/agreements/new", data=data | {"number": f"G-{bad}", "budget_amount": bad})
        assert response.status_code == 422, bad
    assert client.post("/agreements/new", data=data | {"number": "G-2", "partner_id": world.other_partner.id}
                       ).status_code == 422
    # an id beyond PostgreSQL's integer is refused as a choice, not sent to the uniqueness check
    assert client.post("/agreements/new", data=data | {"number": "G-1", "partner_id": str(2**31)}
                       ).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Agreement)) == 1


def test_list_search_and_pagination(client, auth, world):
    login(client, auth, world)
    for n in range(30):
        factories.make_warehouse(world.org, name=f"Склад {n:02d}")
    factories.make_warehouse(world.other, name="Чужий склад")
    db.session.commit()
    first = client.get("/warehouses/")
    assert "Склад 00" in first.text and "Склад 29" not in first.text and "Чужий" not in first.text
    assert "Склад 29" in client.get("/warehouses/?page=2").text
    found = client.get("/warehouses/?q=склад 1")
    assert "Склад 15" in found.text and "Склад 25" not in found.text
    assert client.get("/warehouses/?page=999").status_code == 200


def test_item_uses_own_categories(client, auth, world):
    login(client, auth, world)
    category = factories.category(world.org, "medicines")
    unit = factories.unit(world.org, "pack")
    response = client.post("/catalog/items/new", data={"name": "Інсулін", "category_id": category.id,
                                                      "unit_id": unit.id, "hs_code": "3004 31"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Item.hs_code)) == "300431"
    foreign = factories.category(world.other, "medicines")
    response = client.post("/catalog/items/new", data={"name": "X", "category_id": foreign.id, "unit_id": unit.id})
    assert response.status_code == 422


def test_rates_page_manual_entry_and_import(client, auth, world):
    login(client, auth, world)
    assert client.post("/rates/new", data={"currency": "eur", "on": "2026-11-02", "rate": "48,5"}).status_code == 302
    assert client.post("/rates/new", data={"currency": "EUR", "on": "2026-11-02", "rate": "1"}).status_code == 422
    from importlib import resources
    from io import BytesIO

    content = resources.files("tracker.seed").joinpath("rates-sample.csv").read_bytes()
    response = client.post("/rates/import", data={"file": (BytesIO(content), "rates.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    count = db.session.scalar(sa.select(sa.func.count()).select_from(ExchangeRate))
    broken = client.post("/rates/import", data={"file": (BytesIO(b"date,currency,rate\nx,EUR,1\n"), "r.csv")},
                         content_type="multipart/form-data")
    assert broken.status_code == 422 and "<td>2</td>" in broken.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExchangeRate)) == count
    assert "EUR" in client.get("/rates/?currency=EUR&from=2026-10-01&to=2026-10-31").text


def test_members_and_roles_by_admin(client, auth, world):
    login(client, auth, world, "admin")
    response = client.post("/organization/members/new", data={"email": "new@org.example.org", "name": "New",
                                                             "role": "accountant", "password": "good-password-9"})
    assert response.status_code == 302
    assert client.get("/organization/").status_code == 200
    login(client, auth, world, "accountant")
    assert client.get("/organization/edit").status_code == 403


def test_warehouse_other_org_id_is_404(client, auth, world):
    login(client, auth, world)
    foreign = factories.make_warehouse(world.other, name="Чужий")
    db.session.commit()
    assert client.get(f"/warehouses/{foreign.id}").status_code == 404
    assert db.session.get(Warehouse, foreign.id) is not None
