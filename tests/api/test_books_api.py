"""The stock documents and books API: DESIGN.md §6 field names, post and reverse as sub-resources,
422 naming what is on hand, 409 for refused state changes and stale versions, 403 by role, 404
for another organization's objects, the journal, trial balance and periods."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests import factories
from tests import stock_factories as sf
from tracker.extensions import db
from tracker.models import Account, PostingRule

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
def as_role(client, world):
    tokens: dict[str, Api] = {}

    def make(role: str, other: bool = False) -> Api:
        key = f"{role}:{other}"
        if key not in tokens:
            users, org = (world.other_users, world.other) if other else (world.users, world.org)
            tokens[key] = Api(client, factories.token_for(users[role], org))
            db.session.commit()
        return tokens[key]

    return make


@pytest.fixture
def lot(world):
    made = sf.make_lot(world.org, world.partner, quantity="300", value_uah="45000.00", name="Sleeping bag")
    db.session.commit()
    return made


def distribution(lot, quantity="40", **over):
    return {"on": "2026-11-20", "recipient_kind": "institution", "recipient_name": "КНП «Лікарня № 1»",
            "recipient_edrpou": "01990016", "purpose": "Winter", "lines": [
                {"line_id": lot.id, "warehouse_id": lot.consignment.warehouse_id, "quantity": quantity}]} | over


def test_distribution_is_created_posted_and_reversed_through_sub_resources(as_role, lot):
    accountant, head = as_role("accountant"), as_role("finance_head")
    created = accountant.post("/distributions", json=distribution(lot))
    assert created.status_code == 201, created.json
    body = created.json
    assert {"id", "number", "on", "recipient_kind", "recipient_name", "recipient_edrpou", "beneficiary_category",
            "beneficiaries_count", "purpose", "status", "lines", "version"} <= set(body)
    assert body["status"] == "draft" and body["number"] is None
    assert body["lines"][0] | {} == body["lines"][0] and body["lines"][0]["quantity"] == "40.000"
    posted = accountant.post(f"/distributions/{body['id']}/post", json={"version": body["version"]})
    assert posted.status_code == 200, posted.json
    assert posted.json["number"] == "D-2026-0001" and posted.json["status"] == "posted"
    assert [(m["quantity"], m["value_uah"], m["kind"]) for m in posted.json["movements"]] == \
        [("-40.000", "-6000.00", "issue")]
    assert posted.json["lines"][0]["value_uah"] == "6000.00"
    entry = accountant.get(f"/journal/{posted.json['journal_entry_id']}").json
    assert sorted((p["account"], p["debit"], p["credit"]) for p in entry["postings"]) == \
        [("1518", None, "6000.00"), ("8411", "6000.00", None)]
    assert accountant.post(f"/distributions/{body['id']}/reverse", json={"reason": "wrong"}).status_code == 403
    reversed_ = head.post(f"/distributions/{body['id']}/reverse", json={"reason": "Wrong institution"})
    assert reversed_.status_code == 201, reversed_.json
    assert reversed_.json["reversal_of_id"] == body["id"] and reversed_.json["number"] == "D-2026-0002"
    original = accountant.get(f"/distributions/{body['id']}").json
    assert original["status"] == "reversed" and original["reversed_by_id"] == reversed_.json["id"]
    again = head.post(f"/distributions/{body['id']}/reverse", json={"reason": "again"})
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    assert head.post(f"/distributions/{reversed_.json['id']}/reverse", json={"reason": "x"}).status_code == 409
    assert accountant.post(f"/distributions/{body['id']}/post", json={}).status_code == 409


def test_over_issue_answers_422_naming_what_is_on_hand(as_role, lot):
    response = as_role("accountant").post("/distributions", json=distribution(lot, quantity="400"))
    assert response.status_code == 422
    assert "300" in response.json["errors"]["lines.0.quantity"][0]
    assert "400" in response.json["errors"]["lines.0.quantity"][0]


@pytest.mark.parametrize("quantity", ["0", "-1", "NaN", "1e3", "1.0001", "abc", None])
def test_bad_quantities_answer_422_and_create_nothing(as_role, lot, quantity):
    api = as_role("accountant")
    response = api.post("/distributions", json=distribution(lot, quantity=quantity))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert api.get("/distributions").json["total"] == 0


def test_another_organizations_objects_answer_404_or_422(as_role, world, lot):
    mine = as_role("accountant").post("/distributions", json=distribution(lot)).json
    foreign = as_role("accountant", other=True)
    assert foreign.get(f"/distributions/{mine['id']}").status_code == 404
    assert foreign.post(f"/distributions/{mine['id']}/post", json={}).status_code == 404
    assert foreign.get(f"/stock/lots/{lot.id}/card").status_code == 404
    refused = foreign.post("/distributions", json=distribution(lot))
    assert refused.status_code == 422 and "lines.0.line_id" in refused.json["errors"]


def test_auditor_reads_everything_and_changes_nothing(as_role, lot):
    posted = as_role("accountant").post("/distributions", json=distribution(lot)).json
    auditor = as_role("auditor")
    for url in ("/distributions", f"/distributions/{posted['id']}", "/transfers", "/write-offs", "/stock-counts",
                "/returns", "/journal", "/trial-balance", "/periods", "/accounts", "/posting-rules",
                f"/stock/lots/{lot.id}/card"):
        assert auditor.get(url).status_code == 200, url
    assert auditor.post("/distributions", json=distribution(lot)).status_code == 403
    assert auditor.post(f"/distributions/{posted['id']}/post", json={}).status_code == 403
    assert auditor.post("/periods/2026-10/close", json={}).status_code == 403
    assert auditor.delete(f"/distributions/{posted['id']}").status_code == 403


def test_a_stale_version_answers_409_and_changes_nothing(as_role, lot):
    api = as_role("accountant")
    draft = api.post("/distributions", json=distribution(lot)).json
    first = api.put(f"/distributions/{draft['id']}", json=distribution(lot, quantity="41") | {"version": draft["version"]})
    assert first.status_code == 200 and first.json["version"] == draft["version"] + 1
    second = api.put(f"/distributions/{draft['id']}", json=distribution(lot, quantity="42") | {"version": draft["version"]})
    assert second.status_code == 409
    assert api.get(f"/distributions/{draft['id']}").json["lines"][0]["quantity"] == "41.000"
    assert api.post(f"/distributions/{draft['id']}/post", json={"version": draft["version"]}).status_code == 409


def test_stock_count_sheet_counts_and_approval_by_a_finance_head(as_role, world, lot):
    accountant, head = as_role("accountant"), as_role("finance_head")
    warehouse_id = lot.consignment.warehouse_id
    sheet = accountant.post("/stock-counts", json={"on": "2026-11-24", "warehouse_id": warehouse_id,
                                                   "commission_members": "A\nB"})
    assert sheet.status_code == 201, sheet.json
    assert [(r["line_id"], r["book_quantity"], r["counted_quantity"]) for r in sheet.json["lines"]] == \
        [(lot.id, "300.000", None)]
    counted = accountant.put(f"/stock-counts/{sheet.json['id']}", json={
        "on": "2026-11-24", "warehouse_id": warehouse_id, "commission_members": "A\nB", "version": sheet.json["version"],
        "lines": [{"line_id": lot.id, "counted_quantity": "297"}]})
    assert counted.status_code == 200 and counted.json["lines"][0]["difference"] == "-3.000"
    assert accountant.post(f"/stock-counts/{sheet.json['id']}/post", json={}).status_code == 403
    approved = head.post(f"/stock-counts/{sheet.json['id']}/post", json={})
    assert approved.status_code == 200, approved.json
    assert approved.json["lines"][0]["adjustment_quantity"] == "-3.000"
    assert approved.json["lines"][0]["value_uah"] == "-450.00"
    assert approved.json["movements"][0]["kind"] == "count_adjustment"


def test_transfers_write_offs_and_returns(as_role, world, lot):
    accountant, head = as_role("accountant"), as_role("finance_head")
    central = lot.consignment.warehouse_id
    school = sf.warehouse(world.org, "Ліцей № 25").id
    db.session.commit()
    transfer = accountant.post("/transfers", json={"on": "2026-11-21", "from_warehouse_id": central,
                                                   "to_warehouse_id": school,
                                                   "lines": [{"line_id": lot.id, "quantity": "10"}]})
    assert transfer.status_code == 201, transfer.json
    assert accountant.post(f"/transfers/{transfer.json['id']}/post", json={}).status_code == 200
    write_off = accountant.post("/write-offs", json={"on": "2026-11-22", "commission_members": "A\nB\nC", "lines": [
        {"line_id": lot.id, "warehouse_id": school, "quantity": "2", "reason": "damaged"}]})
    assert write_off.status_code == 201, write_off.json
    assert accountant.post(f"/write-offs/{write_off.json['id']}/post", json={}).status_code == 403
    assert head.post(f"/write-offs/{write_off.json['id']}/post", json={}).json["number"] == "W-2026-0001"
    back = accountant.post("/returns", json={"on": "2026-11-22", "kind": "return_to_donor", "reason": "Unused",
                                             "lines": [{"line_id": lot.id, "warehouse_id": central, "quantity": "5"}]})
    assert back.status_code == 201 and back.json["counterparty_name"] == "Stadt Dortmund"
    assert head.post(f"/returns/{back.json['id']}/post", json={}).json["movements"][0]["kind"] == "return_to_donor"
    card = accountant.get(f"/stock/lots/{lot.id}/card").json
    assert card["closing_quantity"] == "293.000"  # the transfer stays in the organization
    assert [r["movement"]["kind"] for r in card["rows"]] == ["receipt", "transfer", "transfer", "write_off",
                                                              "return_to_donor"]
    school_card = accountant.get(f"/stock/lots/{lot.id}/card?warehouse_id={school}").json
    assert [r["balance_quantity"] for r in school_card["rows"]] == ["10.000", "8.000"]


def test_fefo_suggests_the_lot_that_expires_first_and_skips_expired_ones(as_role, world):
    item = factories.make_item(world.org, "Insulin pen", category_code="medicines")
    early = sf.make_lot(world.org, world.partner, name="Insulin pen", category_code="medicines", quantity="10",
                        value_uah="100.00", expiry_on=date(2027, 1, 1), lot="A", item_id=item.id)
    late = sf.make_lot(world.org, world.partner, name="Insulin pen", category_code="medicines", quantity="10",
                       value_uah="100.00", expiry_on=date(2027, 6, 1), lot="B", item_id=item.id)
    sf.make_lot(world.org, world.partner, name="Insulin pen", category_code="medicines", quantity="10",
                value_uah="100.00", expiry_on=date(2026, 11, 1), lot="OLD", item_id=item.id, accepted_on=date(2026, 10, 1))
    db.session.commit()
    body = as_role("accountant").get(f"/stock/lots/fefo?item_id={item.id}&quantity=15&on=2026-11-20").json
    assert [(p["line_id"], p["quantity"]) for p in body["picks"]] == [(early.id, "10.000"), (late.id, "5.000")]
    assert body["shortfall"] == "0.000" and len(body["expired"]) == 1


def test_journal_trial_balance_and_manual_entries(as_role, world, lot):
    accountant, head = as_role("accountant"), as_role("finance_head")
    accountant.post(f"/distributions/{accountant.post('/distributions', json=distribution(lot)).json['id']}/post",
                    json={})
    journal = accountant.get("/journal?from=2026-11-01&to=2026-11-30").json
    assert journal["total"] == 2 and journal["items"][0]["event"] == "distribution"
    stock_account = db.session.scalar(sa.select(Account.id).where(Account.organization_id == world.org.id,
                                                                  Account.code == "1518"))
    assert accountant.get(f"/journal?account_id={stock_account}").json["total"] == 2
    balance = accountant.get("/trial-balance?from=2026-11-15&to=2026-11-30").json
    assert balance["balanced"] is True
    rows = {r["account"]: r for r in balance["rows"]}
    assert (rows["1518"]["opening_debit"], rows["1518"]["credit"], rows["1518"]["closing_debit"]) == \
        ("45000.00", "6000.00", "39000.00")
    assert balance["totals"]["debit"] == balance["totals"]["credit"] == "6000.00"
    assert accountant.get("/trial-balance?from=2026-11-30&to=2026-11-01").status_code == 422
    cash, revenue = (db.session.scalar(sa.select(Account.id).where(
        Account.organization_id == world.org.id, Account.code == c)) for c in ("2313", "7511"))
    lines = [{"account_id": cash, "debit": "100.00"}, {"account_id": revenue, "credit": "99.00"}]
    assert accountant.post("/journal", json={"on": "2026-11-20", "description": "FX", "lines": lines}
                           ).status_code == 403
    unbalanced = head.post("/journal", json={"on": "2026-11-20", "description": "FX", "lines": lines})
    assert unbalanced.status_code == 422 and "1.00" in unbalanced.json["detail"]
    lines[1]["credit"] = "100.00"
    entry = head.post("/journal", json={"on": "2026-11-20", "description": "FX difference", "lines": lines})
    assert entry.status_code == 201 and entry.json["total"] == "100.00"
    reversal = head.post(f"/journal/{entry.json['id']}/reverse", json={"reason": "typo"})
    assert reversal.status_code == 201 and reversal.json["reversal_of_id"] == entry.json["id"]
    document_entry = journal["items"][0]["id"]
    assert head.post(f"/journal/{document_entry}/reverse", json={"reason": "x"}).status_code == 409


def test_periods_are_closed_and_reopened_by_a_finance_head(as_role, lot):
    accountant, head = as_role("accountant"), as_role("finance_head")
    assert accountant.post("/periods/2026-11/close", json={}).status_code == 403
    closed = head.post("/periods/2026-11/close", json={"reason": "Month end"})
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    assert head.post("/periods/2026-11/close", json={}).status_code == 409
    assert head.post("/periods/2026-13/close", json={}).status_code == 422
    draft = accountant.post("/distributions", json=distribution(lot)).json
    refused = accountant.post(f"/distributions/{draft['id']}/post", json={})
    assert refused.status_code == 422 and "2026-11" in refused.json["detail"]
    assert head.post("/periods/2026-11/reopen", json={}).status_code == 422
    assert head.post("/periods/2026-11/reopen", json={"reason": "Late act"}).json["status"] == "open"
    assert accountant.post(f"/distributions/{draft['id']}/post", json={}).status_code == 200
    periods = accountant.get("/periods").json
    assert periods[0]["period"] == f"{date.today():%Y-%m}"
    assert next(p for p in periods if p["period"] == "2026-11")["entries"] == 2


def test_chart_and_rules_are_edited_by_an_admin(as_role, world):
    admin, head = as_role("admin"), as_role("finance_head")
    accounts = admin.get("/accounts").json
    unconfirmed = next(a for a in accounts if a["code"] == "1518")
    assert unconfirmed["confirmed"] is False and "⚠" in unconfirmed["note"]
    change = unconfirmed | {"confirmed": True, "note": "Confirmed by the chief accountant"}
    change.pop("id")
    assert head.put(f"/accounts/{unconfirmed['id']}", json=change).status_code == 403
    assert admin.put(f"/accounts/{unconfirmed['id']}", json=change).json["confirmed"] is True
    rules = admin.get("/posting-rules").json
    assert {r["event"] for r in rules} >= {"acceptance", "distribution", "transfer", "write_off", "count_shortage",
                                           "count_surplus", "return_to_donor", "redistribution"}
    new_rule = admin.post("/posting-rules", json={"event": "write_off", "category_code": "food",
                                                  "debit_account_id": unconfirmed["id"]})
    assert new_rule.status_code == 422 and "debit_account_id" in new_rule.json["errors"]
    expense = next(a for a in accounts if a["code"] == "8013")
    created = admin.post("/posting-rules", json={"event": "write_off", "category_code": "food",
                                                 "debit_account_id": expense["id"]})
    assert created.status_code == 201
    assert admin.delete(f"/posting-rules/{created.json['id']}").status_code == 204
    catch_all = db.session.scalar(sa.select(PostingRule.id).where(
        PostingRule.organization_id == world.org.id, PostingRule.event == "write_off"))
    assert admin.delete(f"/posting-rules/{catch_all}").status_code == 409


def test_signed_issue_list_is_uploaded_and_downloaded(as_role, lot):
    api = as_role("accountant")
    draft = api.post("/distributions", json=distribution(lot, recipient_kind="individuals", recipient_edrpou="",
                                                         recipient_name="Shelter No. 3", beneficiary_category="idps",
                                                         beneficiaries_count=300, lines=[
            {"line_id": lot.id, "warehouse_id": lot.consignment.warehouse_id, "quantity": "300"}])).json
    posted = api.post(f"/distributions/{draft['id']}/post", json={}).json
    assert posted["warnings"]
    import io

    uploaded = api.post(f"/distributions/{draft['id']}/files", data={
        "file": (io.BytesIO(PDF), "issue-list.pdf"), "description": "signed issue list"},
        content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.json
    refused = api.post(f"/distributions/{draft['id']}/files", data={"file": (io.BytesIO(b"MZ\x90\x00"), "x.pdf")},
                       content_type="multipart/form-data")
    assert refused.status_code == 422
    body = api.get(f"/distributions/{draft['id']}").json
    assert body["warnings"] == [] and body["files"][0]["name"] == "issue-list.pdf"
    download = api.get(f"/distributions/{draft['id']}/files/{uploaded.json['id']}")
    assert download.status_code == 200 and download.data == PDF
