"""Double-submit protection: the same Idempotency-Key or one-time form token takes effect once."""
from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

from tests.factories import token_for
from tests.texts import ui, ui_html
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.idempotency.service import claim_key, complete, fingerprint_of
from tracker.models import IdempotencyKey, Partner

PARTNER = {"name": "Miasto Rzeszów", "kind": "municipality", "country": "PL"}


def _partners(org_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Partner).where(Partner.organization_id == org_id))


def _post(client, token, body, key=None):
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/partners", json=body, headers=headers)


def test_creating_a_partner_twice_with_one_key_creates_one(world, client):
    token = token_for(world.users["accountant"], world.org)
    db.session.commit()
    before = _partners(world.org.id)
    first = _post(client, token, PARTNER, key="5f0c6a1e-0b7e-4b43-9d55-2d8f3c1e7a10")
    again = _post(client, token, PARTNER, key="5f0c6a1e-0b7e-4b43-9d55-2d8f3c1e7a10")
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert _partners(world.org.id) == before + 1
    audit = db.session.scalar(sa.text("SELECT count(*) FROM audit_event WHERE action = 'create' "
                                      "AND object_type = 'Partner' AND object_id = :id"), {"id": str(first.json["id"])})
    assert audit == 1


def test_the_same_key_with_other_data_is_refused_and_saves_nothing(world, client):
    token = token_for(world.users["accountant"], world.org)
    db.session.commit()
    _post(client, token, PARTNER, key="k-1")
    before = _partners(world.org.id)
    response = _post(client, token, {**PARTNER, "name": "Miasto Kraków"}, key="k-1")
    assert response.status_code == 422
    assert response.json["errors"]["Idempotency-Key"] == [
        ui("This key was already used for a different request. Send a new key for new data.")]
    assert _partners(world.org.id) == before


def test_without_a_key_every_request_counts_and_a_failed_first_try_leaves_the_key_free(world, client):
    token = token_for(world.users["accountant"], world.org)
    db.session.commit()
    before = _partners(world.org.id)
    assert _post(client, token, {**PARTNER, "country": "XX"}, key="retry-me").status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotencyKey)) == 0
    assert _post(client, token, PARTNER, key="retry-me").status_code == 201
    assert _post(client, token, {**PARTNER, "name": "Miasto Kraków"}).status_code == 201
    assert _partners(world.org.id) == before + 2


def test_keys_belong_to_one_user(world, client):
    one = token_for(world.users["accountant"], world.org)
    two = token_for(world.users["finance_head"], world.org)
    db.session.commit()
    assert _post(client, one, PARTNER, key="shared").status_code == 201
    response = _post(client, two, {**PARTNER, "name": "Miasto Kraków"}, key="shared")
    assert response.status_code == 201 and response.json["name"] == "Miasto Kraków"


@pytest.mark.parametrize("key", ["", "x" * 101, "has space", "ключ"])
def test_malformed_keys_are_refused(world, key):
    with pytest.raises(ValidationFailed):
        claim_key(organization_id=world.org.id, user_id=world.users["admin"].id, key=key, scope="s",
                  fingerprint=fingerprint_of({}))


def test_concurrent_requests_with_one_key_create_one_partner(app, world):
    """Ten simultaneous retries: one does the work, the others wait for it and replay it."""
    from tracker import crud
    from tracker.partners import service as partners

    org_id, user_id = world.org.id, world.users["admin"].id
    db.session.remove()
    barrier = threading.Barrier(10)
    results: list[object] = []
    errors: list[BaseException] = []

    def attempt():
        try:
            with app.app_context():
                barrier.wait(5)
                claim = claim_key(organization_id=org_id, user_id=user_id, key="burst", scope="partners.create",
                                  fingerprint=fingerprint_of(PARTNER))
                if claim.replayed is not None:
                    results.append(("replayed", claim.replayed.object_id))
                else:
                    obj = crud.create(partners.PARTNER, org_id, user_id, partners.PartnerData(
                        name=PARTNER["name"], kind=partners.PartnerKind.municipality, country="PL"))
                    complete(claim, obj)
                    results.append(("created", obj.id))
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert errors == []
    created = [r for r in results if r[0] == "created"]
    assert len(created) == 1 and len(results) == 10
    assert {r[1] for r in results} == {created[0][1]}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Partner)
                             .where(Partner.name == PARTNER["name"])) == 1


def _token(page_text: str) -> str:
    return re.search(r'name="once_token" value="([^"]+)"', page_text).group(1)


def test_a_double_clicked_form_saves_once(world, client, auth):
    auth.login(world.users["accountant"].email)
    token = _token(client.get("/partners/new").text)
    form = {**PARTNER, "report_language": "en", "once_token": token}
    before = _partners(world.org.id)
    first = client.post("/partners/new", data=form)
    second = client.post("/partners/new", data=form)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _partners(world.org.id) == before + 1
    assert ui_html("This form was already submitted; it was saved once.") in client.get(second.headers["Location"]).text


def test_a_form_rejected_once_keeps_its_token_and_saves_when_corrected(world, client, auth):
    auth.login(world.users["accountant"].email)
    token = _token(client.get("/partners/new").text)
    rejected = client.post("/partners/new", data={**PARTNER, "country": "XX", "once_token": token})
    assert rejected.status_code == 422
    assert _token(rejected.text) == token
    before = _partners(world.org.id)
    assert client.post("/partners/new", data={**PARTNER, "report_language": "en", "once_token": token}).status_code == 302
    assert _partners(world.org.id) == before + 1
    # sending the used token again with other values is refused, nothing saved
    again = client.post("/partners/new", data={**PARTNER, "name": "Інше", "report_language": "en", "once_token": token})
    assert again.status_code == 422
    assert ui_html("This form was already submitted with other values. Open the form again to make a new entry.") \
        in again.text
    assert _partners(world.org.id) == before + 1
