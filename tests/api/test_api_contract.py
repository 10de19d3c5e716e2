"""Fixes found while fuzzing the API, pinned: query-string ids, idempotent creation."""
from __future__ import annotations

from tests import factories
from tests.factories import token_for
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
