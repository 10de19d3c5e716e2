"""GET /api/v1/audit: read-only trail for auditors, admins and finance heads, filtered, paginated."""
from __future__ import annotations

import pytest

from tests.factories import token_for
from tracker.extensions import db


def _get(client, token, query=""):
    return client.get(f"/api/v1/audit{query}", headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("role", ["auditor", "admin", "finance_head"])
def test_readers_list_their_organizations_events(world, client, role):
    token = token_for(world.users[role], world.org)
    db.session.commit()
    body = _get(client, token).json
    assert body["total"] == len(body["items"]) > 0
    assert all(set(item) >= {"id", "at", "user_id", "user_email", "action", "object_type", "object_id", "before",
                             "after", "prev_hash", "hash"} for item in body["items"])
    assert "Miasto Lublin" not in str(body)  # the other organization's partner
    ids = [item["id"] for item in body["items"]]
    assert ids == sorted(ids, reverse=True)


def test_accountants_get_403(world, client):
    token = token_for(world.users["accountant"], world.org)
    db.session.commit()
    response = _get(client, token)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_filters_and_pagination(world, client):
    admin = world.users["admin"]
    token = token_for(world.users["auditor"], world.org)
    db.session.commit()
    history = _get(client, token, f"?object_type=Partner&object_id={world.partner.id}").json
    assert [i["action"] for i in history["items"]] == ["create"]
    assert history["items"][0]["after"]["name"] == "Stadt Dortmund"
    tokens = _get(client, token, "?action=create_token").json
    assert tokens["total"] == 1 and tokens["items"][0]["object_type"] == "ApiToken"
    assert _get(client, token, f"?user_id={admin.id}").json["total"] == 0  # the factories act as "system"
    page = _get(client, token, "?per_page=2&page=2").json
    assert len(page["items"]) == 2 and page["total"] > 4
    assert _get(client, token, "?from=2001-01-01&to=2001-12-31").json == {"items": [], "total": 0}


def test_bad_filters_answer_422_problem_json(world, client):
    token = token_for(world.users["auditor"], world.org)
    db.session.commit()
    response = _get(client, token, "?from=31.12.2026&user_id=abc")
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"from", "user_id"}


def test_there_is_no_way_to_write_through_the_api(world, client):
    token = token_for(world.users["admin"], world.org)
    db.session.commit()
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/v1/audit", json={}, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 405
    assert client.delete("/api/v1/audit/1", headers={"Authorization": f"Bearer {token}"}).status_code == 404
