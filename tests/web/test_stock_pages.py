"""The stock and books journeys through the pages (JOURNEYS.md 2, 3, 6): distributing with a FEFO
suggestion, an over-issue refused on the form, posting and reversing, the stock card, counts,
write-offs, closing a period, the journal, trial balance, chart and rules; roles and other
organizations' documents answering 403 and 404; every page rendered."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests import factories
from tests import stock_factories as sf
from tracker.extensions import db
from tracker.models import Account, Distribution, JournalEntry, StockCount, StockDocumentStatus, WriteOff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login(auth, world, role="accountant", other=False):
    auth.logout()
    users = world.other_users if other else world.users
    assert auth.login(users[role].email).status_code == 302
    auth._client.get("/language/en")  # assertions below read English texts


@pytest.fixture
def lot(world):
    made = sf.make_lot(world.org, world.partner, quantity="300", value_uah="45000.00", name="Sleeping bag")
    db.session.commit()
    return made


def row(lot, quantity, index=0, warehouse_id=None):
    return {f"lines-{index}-lot": f"{lot.id}:{warehouse_id or lot.consignment.warehouse_id}",
            f"lines-{index}-quantity": quantity}


def distribution_form(lot, quantity="40", **over):
    return {"on": "2026-11-20", "recipient_kind": "institution", "recipient_name": "КНП «Лікарня № 1»",
            "recipient_edrpou": "01990016", "purpose": "Power during outages", "beneficiary_category": "",
            "beneficiaries_count": "", "note": ""} | row(lot, quantity) | over


def latest(model):
    return db.session.scalar(sa.select(model).order_by(model.id.desc()))


def test_an_accountant_distributes_posts_and_a_finance_head_reverses(client, auth, world, lot):
    login(auth, world)
    page = client.get("/stock/distributions/new")
    assert page.status_code == 200 and "Sleeping bag" in page.text and "300 pcs on hand" in page.text
    saved = client.post("/stock/distributions/new", data=distribution_form(lot))
    assert saved.status_code == 302
    draft = latest(Distribution)
    view = client.get(f"/stock/distributions/{draft.id}")
    assert "Post" in view.text and "draft" in view.text.lower()
    posted = client.post(f"/stock/distributions/{draft.id}/post", data={"version": draft.version})
    assert posted.status_code == 303
    db.session.expire_all()
    assert draft.status == StockDocumentStatus.posted and draft.number == "D-2026-0001"
    view = client.get(f"/stock/distributions/{draft.id}")
    assert "D-2026-0001" in view.text and "6\u00a0000.00" in view.text and "Reverse" not in view.text
    assert client.post(f"/stock/distributions/{draft.id}/reverse", data={"reason": "x"}).status_code == 403
    login(auth, world, "finance_head")
    reversed_ = client.post(f"/stock/distributions/{draft.id}/reverse", data={"reason": "Wrong institution", "on": ""})
    assert reversed_.status_code == 303
    db.session.expire_all()
    assert draft.status == StockDocumentStatus.reversed and draft.reversed_by.number == "D-2026-0002"
    page = client.get(f"/stock/distributions/{draft.reversed_by_id}").text
    assert "This document reverses" in page and "D-2026-0001" in page
    card = client.get(f"/stock/lots/{lot.id}").text
    assert "D-2026-0001" in card and "D-2026-0002" in card and "300.000" in card


def test_an_over_issue_is_refused_on_the_form_saying_how_many_are_on_hand(client, auth, world, lot):
    login(auth, world)
    response = client.post("/stock/distributions/new", data=distribution_form(lot, quantity="400"))
    assert response.status_code == 422
    assert "Only 300 pcs of Sleeping bag can be taken from" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Distribution)) == 0


def test_people_need_a_category_and_count_and_the_issue_list_is_attached(client, auth, world, lot):
    login(auth, world)
    refused = client.post("/stock/distributions/new", data=distribution_form(
        lot, "300", recipient_kind="individuals", recipient_edrpou="", recipient_name="Shelter No. 3"))
    assert refused.status_code == 422 and "Choose the beneficiary category." in refused.text
    client.post("/stock/distributions/new", data=distribution_form(
        lot, "300", recipient_kind="individuals", recipient_edrpou="", recipient_name="Shelter No. 3",
        beneficiary_category="idps", beneficiaries_count="300"))
    doc = latest(Distribution)
    client.post(f"/stock/distributions/{doc.id}/post", data={"version": doc.version})
    assert "The signed issue list is not attached yet." in client.get(f"/stock/distributions/{doc.id}").text
    uploaded = client.post(f"/stock/distributions/{doc.id}/files", data={
        "file": (io.BytesIO(PDF), "list.pdf"), "description": "signed issue list"}, content_type="multipart/form-data")
    assert uploaded.status_code == 303
    view = client.get(f"/stock/distributions/{doc.id}").text
    assert "list.pdf" in view and "not attached yet" not in view


def test_fefo_fills_the_lines_with_the_lot_that_expires_first(client, auth, world):
    item = factories.make_item(world.org, "Insulin pen", category_code="medicines")
    sf.make_lot(world.org, world.partner, name="Insulin pen", category_code="medicines", quantity="5",
                value_uah="50.00", expiry_on=date(2027, 6, 1), lot="LATE", item_id=item.id)
    early = sf.make_lot(world.org, world.partner, name="Insulin pen", category_code="medicines", quantity="5",
                        value_uah="50.00", expiry_on=date(2027, 1, 1), lot="EARLY", item_id=item.id)
    db.session.commit()
    login(auth, world)
    page = client.get(f"/stock/distributions/new?fefo_item={item.id}&fefo_quantity=7").text
    assert re.search(rf'<option selected value="{early.id}:{early.consignment.warehouse_id}"', page)
    assert "The lines below are filled with the lots that expire first." in page


def test_the_second_editor_of_a_draft_is_told_of_the_conflict(client, auth, world, lot):
    login(auth, world)
    client.post("/stock/distributions/new", data=distribution_form(lot))
    doc = latest(Distribution)
    seen = doc.version
    assert client.post(f"/stock/distributions/{doc.id}/edit",
                       data=distribution_form(lot, "41") | {"version": seen}).status_code == 302
    stale = client.post(f"/stock/distributions/{doc.id}/edit", data=distribution_form(lot, "42") | {"version": seen})
    assert stale.status_code == 422 and "Someone else saved this record" in stale.text


def test_count_sheet_counts_and_approval(client, auth, world, lot):
    login(auth, world)
    created = client.post("/stock/counts/new", data={"on": "2026-11-24", "warehouse_id": lot.consignment.warehouse_id,
                                                     "commission_members": "A\nB", "note": ""})
    assert created.status_code == 302
    count = latest(StockCount)
    form = client.get(f"/stock/counts/{count.id}/edit")
    assert form.status_code == 200 and "Sleeping bag" in form.text
    saved = client.post(f"/stock/counts/{count.id}/edit", data={
        "on": "2026-11-24", "commission_members": "A\nB", "note": "", "version": count.version,
        "counts-0-line_id": lot.id, "counts-0-counted_quantity": "297"})
    assert saved.status_code == 302
    assert client.post(f"/stock/counts/{count.id}/post", data={}).status_code == 403
    login(auth, world, "finance_head")
    assert client.post(f"/stock/counts/{count.id}/post", data={}).status_code == 303
    view = client.get(f"/stock/counts/{count.id}").text
    assert "C-2026-0001" in view and "-3.000" in view and "-450.00" in view


def test_write_off_of_expired_goods_by_a_finance_head(client, auth, world):
    pens = sf.make_lot(world.org, world.partner, name="Insulin pen", category_code="medicines", quantity="50",
                       value_uah="5000.00", expiry_on=date(2026, 11, 18), lot="INS-4471")
    db.session.commit()
    login(auth, world)
    refused = client.post("/stock/distributions/new", data=distribution_form(pens, "12"))
    assert refused.status_code == 422 and "expired on 2026-11-18" in refused.text
    saved = client.post("/stock/write-offs/new", data={"on": "2026-11-20", "commission_members": "A\nB\nC",
                                                       "basis": "Order No. 12", "note": "",
                                                       **row(pens, "12"), "lines-0-reason": "expired"})
    assert saved.status_code == 302
    login(auth, world, "finance_head")
    doc = latest(WriteOff)
    assert client.post(f"/stock/write-offs/{doc.id}/post", data={"version": doc.version}).status_code == 303
    assert "W-2026-0001" in client.get(f"/stock/write-offs/{doc.id}").text


def test_a_posting_into_a_closed_month_is_refused_with_the_reason(client, auth, world, lot):
    login(auth, world)
    client.post("/stock/distributions/new", data=distribution_form(lot, on="2026-11-20"))
    doc = latest(Distribution)
    login(auth, world, "finance_head")
    assert client.post("/ledger/periods/2026-11/close", data={"reason": ""}).status_code == 303
    assert "closed" in client.get("/ledger/periods").text
    login(auth, world)
    refused = client.post(f"/stock/distributions/{doc.id}/post", data={"version": doc.version})
    assert refused.status_code == 422 and "(2026-11) is closed" in refused.text
    assert client.post("/ledger/periods/2026-11/reopen", data={"reason": "x"}).status_code == 403
    login(auth, world, "finance_head")
    assert client.post("/ledger/periods/2026-11/reopen", data={"reason": ""}).status_code == 422
    assert client.post("/ledger/periods/2026-11/reopen", data={"reason": "Late act"}).status_code == 303


def test_journal_entry_trial_balance_and_manual_entry_pages(client, auth, world, lot):
    login(auth, world, "finance_head")
    journal = client.get("/ledger/").text
    assert "Acceptance" in journal and "45\u00a0000.00" in journal
    entry = db.session.scalar(sa.select(JournalEntry))
    page = client.get(f"/ledger/entries/{entry.id}").text
    assert "1518" in page and "7511" in page
    balance = client.get("/ledger/trial-balance?from=2026-11-01&to=2026-11-30").text
    assert "Debits equal credits." in balance
    assert client.get("/ledger/trial-balance?from=2026-11-30&to=2026-11-01").status_code == 422
    accounts = {a.code: a.id for a in db.session.scalars(sa.select(Account).where(
        Account.organization_id == world.org.id))}
    data = {"on": "2026-11-20", "description": "FX difference", "lines-0-account_id": accounts["2313"],
            "lines-0-debit": "10.00", "lines-1-account_id": accounts["7511"], "lines-1-credit": "9.99"}
    unbalanced = client.post("/ledger/entries/new", data=data)
    assert unbalanced.status_code == 422 and "differ by 0.01" in unbalanced.text
    assert client.post("/ledger/entries/new", data=data | {"lines-1-credit": "10.00"}).status_code == 302


def test_chart_and_rules_are_edited_by_an_admin_only(client, auth, world):
    login(auth, world, "accountant")
    assert "⚠" in client.get("/ledger/accounts").text
    assert client.get("/ledger/accounts/new").status_code == 403
    assert client.get("/ledger/rules/new").status_code == 403
    login(auth, world, "admin")
    created = client.post("/ledger/accounts/new", data={"code": "0221", "name_uk": "Відповідальне зберігання",
                                                        "name_en": "", "kind": "off_balance", "holds_stock": "y",
                                                        "note": "⚠ option", "active": "y"})
    assert created.status_code == 302
    assert "0221" in client.get("/ledger/accounts").text
    rules = client.get("/ledger/rules")
    assert rules.status_code == 200 and "Events without a catch-all rule" not in rules.text


def test_another_organizations_documents_answer_404_and_auditors_only_read(client, auth, world, lot):
    login(auth, world)
    client.post("/stock/distributions/new", data=distribution_form(lot))
    doc = latest(Distribution)
    login(auth, world, "accountant", other=True)
    assert client.get(f"/stock/distributions/{doc.id}").status_code == 404
    assert client.get(f"/stock/lots/{lot.id}").status_code == 404
    login(auth, world, "auditor")
    for url in ("/stock/", "/stock/lots/documents", "/stock/distributions/", f"/stock/distributions/{doc.id}",
                "/stock/transfers/", "/stock/write-offs/", "/stock/counts/", "/stock/returns/",
                f"/stock/lots/{lot.id}", "/ledger/", "/ledger/trial-balance", "/ledger/periods",
                "/ledger/accounts", "/ledger/rules", "/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/stock/distributions/new").status_code == 403
    assert client.post(f"/stock/distributions/{doc.id}/post", data={}).status_code == 403
    assert client.post("/ledger/periods/2026-11/close", data={}).status_code == 403


def test_every_new_document_form_renders_for_an_accountant(client, auth, world, lot):
    login(auth, world)
    for url in ("/stock/distributions/new", "/stock/transfers/new", "/stock/write-offs/new", "/stock/counts/new",
                "/stock/returns/new"):
        assert client.get(url).status_code == 200, url


def test_the_dashboard_warns_of_lots_expiring_within_30_and_90_days(client, auth, world):
    sf.make_lot(world.org, world.partner, name="Insulin pen", category_code="medicines", quantity="5",
                value_uah="50.00", expiry_on=date.fromordinal(date.today().toordinal() + 85),
                lot="INS-4471")
    db.session.commit()
    login(auth, world)
    page = client.get("/").text
    assert "Expiring within 90 days" in page and "INS-4471" in page and "expires in 85 days" in page


def test_stock_page_filters_and_links_to_the_card(client, auth, world, lot):
    login(auth, world)
    page = client.get("/stock/?aid_type=humanitarian&expiring_within=30&q=bag")
    assert page.status_code == 200 and "Nothing in stock." in page.text  # sleeping bags do not expire
    page = client.get("/stock/?aid_type=humanitarian&q=bag").text
    assert f"/stock/lots/{lot.id}?warehouse_id={lot.consignment.warehouse_id}" in page
