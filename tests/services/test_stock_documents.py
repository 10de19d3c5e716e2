"""Stock documents: each kind posted and reversed with its movements and its one balanced entry;
the refusals of bad input leave nothing behind."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests import stock_factories as sf
from tracker.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from tracker.extensions import db
from tracker.models import (
    Account,
    BeneficiaryCategory,
    IntendedUse,
    JournalEntry,
    MovementKind,
    RecipientKind,
    ReturnKind,
    Role,
    StockDocumentStatus,
    StockMovement,
    WriteOffReason,
)
from tracker.models.ledger import ImmutableRowError
from tracker.stock import documents as docs
from tracker.stock.balances import lot_balance

D = Decimal


def movements(org_id: int) -> list[StockMovement]:
    return list(db.session.scalars(sa.select(StockMovement).where(StockMovement.organization_id == org_id)
                                   .order_by(StockMovement.id)))


def book(entry: JournalEntry) -> list[tuple[str, Decimal]]:
    """An entry as (account code, signed amount) rows, debits first."""
    return sorted(((p.account.code, p.amount) for p in entry.postings), key=lambda r: (r[1] < 0, r[0]))


def balance(lot, warehouse_id=None, as_of=None):
    return lot_balance(lot.organization_id, lot.id, warehouse_id or lot.consignment.warehouse_id, as_of)


@pytest.fixture
def lot(world):
    made = sf.make_lot(world.org, world.partner, quantity="300", value_uah="45000.00", name="Sleeping bag")
    db.session.commit()
    return made


def test_acceptance_entry_books_each_lot_into_the_account_of_its_rule(world):
    bags = sf.make_lot(world.org, world.partner, quantity="300", value_uah="45000.00")
    generator = sf.make_lot(world.org, world.partner, name="Generator", category_code="generators", quantity="2",
                            value_uah="120000.00", intended_use=IntendedUse.own_use)
    insulin = sf.make_lot(world.org, world.partner, name="Insulin", category_code="medicines", quantity="50",
                          value_uah="7500.50", expiry_on=date(2027, 2, 1), lot="INS-4471")
    entries = {e.source_id: e for e in db.session.scalars(sa.select(JournalEntry))}
    assert book(entries[bags.consignment_id]) == [("1518", D("45000.00")), ("7511", D("-45000.00"))]
    assert book(entries[generator.consignment_id]) == [("1014", D("120000.00")), ("7511", D("-120000.00"))]
    assert book(entries[insulin.consignment_id]) == [("1512", D("7500.50")), ("7511", D("-7500.50"))]
    assert all(e.event.value == "acceptance" and e.on == sf.ACCEPTED_ON for e in entries.values())


def test_distribution_posts_an_issue_movement_and_one_balanced_entry(world, lot):
    accountant = world.users["accountant"]
    doc = sf.make_distribution(world.org, accountant, sf.line(lot, "40"), post=True)
    db.session.commit()
    assert doc.status == StockDocumentStatus.posted and doc.number == "D-2026-0001"
    issue = [m for m in movements(world.org.id) if m.kind == MovementKind.issue]
    assert [(m.quantity, m.value_uah, m.on, m.source_type, m.source_id) for m in issue] == \
        [(D("-40.000"), D("-6000.00"), date(2026, 11, 20), "distribution", doc.id)]
    assert doc.lines[0].value_uah == D("6000.00")
    assert book(doc.journal_entry) == [("8411", D("6000.00")), ("1518", D("-6000.00"))]
    assert doc.journal_entry.source_type == "distribution" and doc.journal_entry.source_id == doc.id
    assert balance(lot) == (D("260.000"), D("39000.00"))


def test_over_issue_is_refused_saying_how_many_are_on_hand_and_nothing_changes(world, lot):
    accountant = world.users["accountant"]
    draft = sf.make_distribution(world.org, accountant, sf.line(lot, "260"))
    sf.make_distribution(world.org, accountant, sf.line(lot, "260"), post=True)
    db.session.commit()
    before = len(movements(world.org.id))
    with pytest.raises(ValidationFailed) as refused:
        docs.post_document(draft, accountant.id, Role.accountant, today=sf.TODAY)
    db.session.rollback()
    assert "Only 40 pcs of Sleeping bag can be taken from" in refused.value.errors["lines.0.quantity"][0]
    assert "asks for 260" in refused.value.message
    assert len(movements(world.org.id)) == before
    assert db.session.get(type(draft), draft.id).status == StockDocumentStatus.draft
    with pytest.raises(ValidationFailed) as typed_400:
        sf.make_distribution(world.org, accountant, sf.line(lot, "400"))
    assert "Only 40 pcs" in typed_400.value.errors["lines.0.quantity"][0]


@pytest.mark.parametrize("quantity", ["0", "-5", "1.0005"])
def test_zero_negative_and_over_precise_quantities_are_refused(world, lot, quantity):
    with pytest.raises(ValidationFailed) as refused:
        sf.make_distribution(world.org, world.users["accountant"], sf.line(lot, quantity))
    assert "lines.0.quantity" in refused.value.errors


def test_a_lot_of_another_organization_is_refused_like_a_missing_one(world):
    foreign = sf.make_lot(world.other, world.other_partner, into=sf.warehouse(world.other, "Склад Б"))
    mine = sf.warehouse(world.org)
    with pytest.raises(ValidationFailed) as refused:
        sf.make_distribution(world.org, world.users["accountant"], sf.line(foreign, "1", warehouse_id=mine.id))
    assert refused.value.errors["lines.0.line_id"] == ["Choose a lot of your organization."]


def test_expired_lot_cannot_be_distributed_but_can_be_written_off(world):
    pens = sf.make_lot(world.org, world.partner, name="Insulin pen", category_code="medicines", quantity="50",
                       value_uah="5000.00", expiry_on=date(2026, 11, 18), lot="INS-4471")
    with pytest.raises(ValidationFailed) as refused:
        sf.make_distribution(world.org, world.users["accountant"], sf.line(pens, "12"))
    assert "expired on 2026-11-18" in refused.value.errors["lines.0.line_id"][0]
    write_off = docs.create_document("write_off", world.org.id, world.users["accountant"].id, Role.accountant,
                                     docs.WriteOffData(on=date(2026, 11, 20), commission_members="A\nB\nC",
                                                       lines=(sf.line(pens, "12", reason=WriteOffReason.expired),)),
                                     today=sf.TODAY)
    sf.post(write_off, world.users["finance_head"])
    assert book(write_off.journal_entry) == [("8411", D("1200.00")), ("1512", D("-1200.00"))]
    assert balance(pens) == (D("38.000"), D("3800.00"))


def test_write_offs_need_a_finance_head_to_post(world, lot):
    accountant = world.users["accountant"]
    draft = docs.create_document("write_off", world.org.id, accountant.id, Role.accountant,
                                 docs.WriteOffData(on=date(2026, 11, 20), commission_members="A\nB",
                                                   lines=(sf.line(lot, "3", reason=WriteOffReason.damaged),)),
                                 today=sf.TODAY)
    with pytest.raises(Forbidden):
        docs.post_document(draft, accountant.id, Role.accountant, today=sf.TODAY)
    with pytest.raises(Forbidden):
        docs.create_document("write_off", world.org.id, world.users["auditor"].id, Role.auditor,
                             docs.WriteOffData(on=date(2026, 11, 20), commission_members="A"), today=sf.TODAY)
    sf.post(draft, world.users["finance_head"])
    assert draft.number == "W-2026-0001"


def test_distribution_to_individuals_needs_category_and_count_not_an_edrpou(world, lot):
    accountant = world.users["accountant"]
    with pytest.raises(ValidationFailed) as refused:
        sf.make_distribution(world.org, accountant, sf.line(lot, "300"), recipient_kind=RecipientKind.individuals,
                             recipient_name="Collective shelter No. 3", recipient_edrpou="01990016")
    assert set(refused.value.errors) == {"recipient_edrpou", "beneficiary_category", "beneficiaries_count"}
    doc = sf.make_distribution(world.org, accountant, sf.line(lot, "300"), recipient_kind=RecipientKind.individuals,
                               recipient_name="Collective shelter No. 3", recipient_edrpou="",
                               beneficiary_category=BeneficiaryCategory.idps, beneficiaries_count=300, post=True)
    assert doc.beneficiaries_count == 300 and balance(lot) == (D("0.000"), D("0.00"))
    assert docs.warnings_for(doc) == ["The signed issue list is not attached yet."]


def test_institution_needs_a_valid_edrpou(world, lot):
    with pytest.raises(ValidationFailed) as refused:
        sf.make_distribution(world.org, world.users["accountant"], sf.line(lot, "1"), recipient_edrpou="01990017")
    assert "wrong check digit" in refused.value.errors["recipient_edrpou"][0]


def test_reversal_moves_the_goods_back_links_both_ways_and_cannot_itself_be_reversed(world, lot):
    doc = sf.make_distribution(world.org, world.users["accountant"], sf.line(lot, "40"), post=True)
    head = world.users["finance_head"]
    with pytest.raises(Forbidden):
        docs.reverse_document(doc, world.users["accountant"].id, Role.accountant, reason="x", on=None, today=sf.TODAY)
    reversal = sf.reverse(doc, head, on=date(2026, 11, 25))
    db.session.commit()
    assert doc.status == StockDocumentStatus.reversed and doc.reversed_by_id == reversal.id
    assert reversal.reversal_of_id == doc.id and reversal.status == StockDocumentStatus.posted
    assert reversal.number == "D-2026-0002" and reversal.recipient_name == doc.recipient_name
    back = [m for m in movements(world.org.id) if m.source_id == reversal.id and m.source_type == "distribution"]
    original = [m for m in movements(world.org.id) if m.source_id == doc.id and m.source_type == "distribution"]
    assert [(m.quantity, m.value_uah, m.reversal_of_id, m.on) for m in back] == \
        [(D("40.000"), D("6000.00"), original[0].id, date(2026, 11, 25))]
    assert reversal.journal_entry.reversal_of_id == doc.journal_entry_id
    assert doc.journal_entry.reversed_by.id == reversal.journal_entry_id
    assert book(reversal.journal_entry) == [("1518", D("6000.00")), ("8411", D("-6000.00"))]
    assert balance(lot) == (D("300.000"), D("45000.00"))
    assert balance(lot, as_of=date(2026, 11, 24)) == (D("260.000"), D("39000.00"))
    with pytest.raises(InvalidTransition, match="a reversal cannot be reversed"):
        sf.reverse(reversal, head)
    with pytest.raises(InvalidTransition, match="already reversed"):
        sf.reverse(doc, head)


def test_a_reversal_needs_a_reason_and_a_date_not_before_the_document(world, lot):
    doc = sf.make_distribution(world.org, world.users["accountant"], sf.line(lot, "1"), post=True)
    with pytest.raises(ValidationFailed) as no_reason:
        sf.reverse(doc, world.users["finance_head"], reason=" ")
    assert "reason" in no_reason.value.errors
    with pytest.raises(ValidationFailed) as early:
        sf.reverse(doc, world.users["finance_head"], on=date(2026, 11, 19))
    assert "before the document" in early.value.errors["on"][0]


def test_transfer_moves_quantity_and_value_between_warehouses_and_back(world, lot):
    central = sf.warehouse(world.org)
    school = sf.warehouse(world.org, "Ліцей № 25")
    accountant = world.users["accountant"]
    transfer = docs.create_document("transfer", world.org.id, accountant.id, Role.accountant,
                                    docs.TransferData(on=date(2026, 11, 21), from_warehouse_id=central.id,
                                                      to_warehouse_id=school.id, lines=(sf.line(lot, "100"),)),
                                    today=sf.TODAY)
    docs.post_document(transfer, accountant.id, Role.accountant, today=sf.TODAY)
    assert balance(lot, central.id) == (D("200.000"), D("30000.00"))
    assert balance(lot, school.id) == (D("100.000"), D("15000.00"))
    assert book(transfer.journal_entry) == [("1518", D("15000.00")), ("1518", D("-15000.00"))]
    assert {p.warehouse_id for p in transfer.journal_entry.postings} == {central.id, school.id}
    reversal = sf.reverse(transfer, world.users["finance_head"])
    assert balance(lot, central.id) == (D("300.000"), D("45000.00"))
    assert balance(lot, school.id) == (D("0.000"), D("0.00"))
    assert reversal.number == "T-2026-0002"


def test_transfer_to_the_same_warehouse_is_refused(world, lot):
    central = sf.warehouse(world.org)
    with pytest.raises(ValidationFailed) as refused:
        docs.create_document("transfer", world.org.id, world.users["accountant"].id, Role.accountant,
                             docs.TransferData(on=date(2026, 11, 21), from_warehouse_id=central.id,
                                               to_warehouse_id=central.id, lines=(sf.line(lot, "1"),)),
                             today=sf.TODAY)
    assert "to_warehouse_id" in refused.value.errors


def test_a_reversed_transfer_cannot_take_what_the_destination_already_gave_out(world, lot):
    central, school = sf.warehouse(world.org), sf.warehouse(world.org, "Ліцей № 25")
    accountant = world.users["accountant"]
    transfer = docs.create_document("transfer", world.org.id, accountant.id, Role.accountant,
                                    docs.TransferData(on=date(2026, 11, 21), from_warehouse_id=central.id,
                                                      to_warehouse_id=school.id, lines=(sf.line(lot, "10"),)),
                                    today=sf.TODAY)
    docs.post_document(transfer, accountant.id, Role.accountant, today=sf.TODAY)
    sf.make_distribution(world.org, accountant, sf.line(lot, "4", warehouse_id=school.id), on=date(2026, 11, 22),
                         post=True)
    db.session.commit()
    with pytest.raises(ValidationFailed, match="Only 6 pcs"):
        sf.reverse(transfer, world.users["finance_head"])


def test_stock_count_posts_shortages_and_surpluses_on_approval(world, lot):
    head, accountant = world.users["finance_head"], world.users["accountant"]
    pens = sf.make_lot(world.org, world.partner, name="Insulin pen", category_code="medicines", quantity="50",
                       value_uah="5000.00", expiry_on=date(2027, 2, 1), lot="INS-4471")
    central = sf.warehouse(world.org)
    count = docs.create_document("stock_count", world.org.id, accountant.id, Role.accountant,
                                 docs.StockCountData(on=date(2026, 11, 24), warehouse_id=central.id,
                                                     commission_members="A\nB\nC"), today=sf.TODAY)
    assert sorted((line.lot.name, line.book_quantity) for line in count.lines) == \
        [("Insulin pen", D("50.000")), ("Sleeping bag", D("300.000"))]
    docs.update_stock_count(count, accountant.id, Role.accountant,
                            docs.StockCountData(on=date(2026, 11, 24), warehouse_id=central.id,
                                                commission_members="A\nB\nC"),
                            [docs.CountInput(lot.id, D("297")), docs.CountInput(pens.id, D("51"))],
                            today=sf.TODAY, expected_version=count.version)
    with pytest.raises(Forbidden):
        docs.post_document(count, accountant.id, Role.accountant, today=sf.TODAY)
    sf.post(count, head)
    assert count.number == "C-2026-0001"
    by_lot = {line.line_id: line for line in count.lines}
    assert (by_lot[lot.id].adjustment_quantity, by_lot[lot.id].value_uah) == (D("-3.000"), D("-450.00"))
    assert (by_lot[pens.id].adjustment_quantity, by_lot[pens.id].value_uah) == (D("1.000"), D("100.00"))
    assert book(count.journal_entry) == [("1512", D("100.00")), ("2117", D("450.00")),
                                         ("1518", D("-450.00")), ("7511", D("-100.00"))]
    assert count.journal_entry.event.value == "count_adjustment"
    assert balance(lot) == (D("297.000"), D("44550.00"))
    reversal = sf.reverse(count, head)
    assert balance(lot) == (D("300.000"), D("45000.00")) and balance(pens) == (D("50.000"), D("5000.00"))
    assert book(reversal.journal_entry) == [("1518", D("450.00")), ("7511", D("100.00")),
                                            ("1512", D("-100.00")), ("2117", D("-450.00"))]


def test_a_count_needs_every_line_counted_before_approval(world, lot):
    count = docs.create_document("stock_count", world.org.id, world.users["accountant"].id, Role.accountant,
                                 docs.StockCountData(on=date(2026, 11, 24), warehouse_id=sf.warehouse(world.org).id),
                                 today=sf.TODAY)
    with pytest.raises(ValidationFailed, match="Enter the counted quantity"):
        sf.post(count, world.users["finance_head"])


def test_return_to_donor_and_redistribution_post_their_own_movement_kinds(world, lot):
    accountant, head = world.users["accountant"], world.users["finance_head"]
    back = docs.create_document("stock_return", world.org.id, accountant.id, Role.accountant,
                                docs.StockReturnData(on=date(2026, 11, 21), kind=ReturnKind.return_to_donor,
                                                     reason="Wrong sizes", lines=(sf.line(lot, "10"),)),
                                today=sf.TODAY)
    assert back.counterparty_name == "Stadt Dortmund"
    with pytest.raises(ValidationFailed) as no_consent:
        docs.create_document("stock_return", world.org.id, accountant.id, Role.accountant,
                             docs.StockReturnData(on=date(2026, 11, 21), kind=ReturnKind.redistribution,
                                                  counterparty_name="Коростенська міська рада",
                                                  lines=(sf.line(lot, "20"),)), today=sf.TODAY)
    assert "basis" in no_consent.value.errors
    onward = docs.create_document("stock_return", world.org.id, accountant.id, Role.accountant,
                                  docs.StockReturnData(on=date(2026, 11, 21), kind=ReturnKind.redistribution,
                                                       counterparty_name="Коростенська міська рада",
                                                       counterparty_edrpou="04053625",
                                                       basis="Consent letter No. 12 of 18.11.2026",
                                                       lines=(sf.line(lot, "20"),)), today=sf.TODAY)
    sf.post(back, head)
    sf.post(onward, head)
    kinds = {m.kind for m in movements(world.org.id) if m.source_type == "stock_return"}
    assert kinds == {MovementKind.return_to_donor, MovementKind.redistribution}
    assert back.journal_entry.event.value == "return_to_donor" and onward.journal_entry.event.value == "redistribution"
    assert balance(lot) == (D("270.000"), D("40500.00"))


def test_balances_at_past_dates_and_no_backdated_issue_below_a_later_balance(world, lot):
    accountant = world.users["accountant"]
    sf.make_distribution(world.org, accountant, sf.line(lot, "250"), on=date(2026, 11, 22), post=True)
    assert balance(lot, as_of=date(2026, 11, 13)) == (D("0.000"), D("0.00"))
    assert balance(lot, as_of=date(2026, 11, 14)) == (D("300.000"), D("45000.00"))
    assert balance(lot, as_of=date(2026, 11, 21)) == (D("300.000"), D("45000.00"))
    assert balance(lot, as_of=date(2026, 11, 22)) == (D("50.000"), D("7500.00"))
    # On the 20th there were 300, but 250 of them were already given out on the 22nd.
    with pytest.raises(ValidationFailed, match="Only 50 pcs"):
        sf.make_distribution(world.org, accountant, sf.line(lot, "60"), on=date(2026, 11, 20))
    with pytest.raises(ValidationFailed, match="Only 0 pcs"):
        sf.make_distribution(world.org, accountant, sf.line(lot, "1"), on=date(2026, 11, 13))


def test_partial_issues_leave_no_kopeck_on_an_empty_lot(world):
    lot = sf.make_lot(world.org, world.partner, quantity="3", value_uah="10.00")
    accountant = world.users["accountant"]
    values = []
    for _i in range(3):
        doc = sf.make_distribution(world.org, accountant, sf.line(lot, "1"), post=True)
        values.append(doc.lines[0].value_uah)
    assert values == [D("3.33"), D("3.34"), D("3.33")]
    assert balance(lot) == (D("0.000"), D("0.00"))


def test_the_second_editor_of_a_draft_is_told_of_the_conflict(world, lot):
    accountant = world.users["accountant"]
    draft = sf.make_distribution(world.org, accountant, sf.line(lot, "5"))
    db.session.commit()
    seen = draft.version
    docs.update_document(draft, accountant.id, Role.accountant, sf.distribution_data(sf.line(lot, "6")),
                         today=sf.TODAY, expected_version=seen)
    db.session.commit()
    with pytest.raises(Conflict, match="Someone else saved"):
        docs.update_document(draft, world.users["finance_head"].id, Role.finance_head,
                             sf.distribution_data(sf.line(lot, "7")), today=sf.TODAY, expected_version=seen)
    assert draft.lines[0].quantity == D("6.000")


def test_posted_documents_entries_and_movements_cannot_be_changed(world, lot):
    doc = sf.make_distribution(world.org, world.users["accountant"], sf.line(lot, "5"), post=True)
    db.session.commit()
    doc.recipient_name = "Someone else"
    with pytest.raises(ImmutableRowError):
        db.session.flush()
    db.session.rollback()
    doc.journal_entry.postings[0].amount = D("1.00")
    with pytest.raises(ImmutableRowError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(movements(world.org.id)[-1])
    with pytest.raises(ImmutableRowError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(InvalidTransition):
        docs.update_document(doc, world.users["accountant"].id, Role.accountant,
                             sf.distribution_data(sf.line(lot, "1")), today=sf.TODAY)
    with pytest.raises(InvalidTransition):
        docs.delete_draft(doc, world.users["accountant"].id, Role.accountant)


def test_stock_accounts_follow_the_lot_even_after_a_rule_changes(world, lot):
    from tracker.ledger import service as ledger
    from tracker.models import PostingRule

    admin = world.users["admin"]
    other = db.session.scalar(sa.select(Account).where(Account.organization_id == world.org.id, Account.code == "1514"))
    catch_all = db.session.scalar(sa.select(PostingRule).where(
        PostingRule.organization_id == world.org.id, PostingRule.event == "acceptance", PostingRule.category_code == ""))
    ledger.update_rule(catch_all, admin.id, Role.admin, ledger.RuleData(
        event=catch_all.event, debit_account_id=other.id, credit_account_id=catch_all.credit_account_id))
    doc = sf.make_distribution(world.org, world.users["accountant"], sf.line(lot, "1"), post=True)
    assert book(doc.journal_entry) == [("8411", D("150.00")), ("1518", D("-150.00"))]
