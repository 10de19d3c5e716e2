"""The books: balanced entries only, closed periods, manual entries and their reversal, the
trial balance, and the chart and posting rules every organization starts with."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests import stock_factories as sf
from tracker.errors import Conflict, DomainError, Forbidden, InvalidTransition, ValidationFailed
from tracker.extensions import db
from tracker.ledger import rules
from tracker.ledger import service as ledger
from tracker.models import (
    Account,
    AccountKind,
    AidType,
    IntendedUse,
    JournalEntry,
    PostingEvent,
    PostingRule,
    Role,
)
from tracker.models.ledger import RULE_EVENTS
from tracker.stock import documents as docs

D = Decimal


def account(org, code: str) -> Account:
    return db.session.scalar(sa.select(Account).where(Account.organization_id == org.id, Account.code == code))


def entries(org) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry)
                             .where(JournalEntry.organization_id == org.id))


def manual(org, on=date(2026, 11, 20), *lines, description="FX difference on the grant"):
    return ledger.ManualEntryData(on=on, description=description, lines=tuple(lines))


def test_every_event_has_a_catch_all_rule_in_a_new_organization(world):
    assert rules.events_without_rule(world.org.id) == []
    seeded = {r.event for r in db.session.scalars(sa.select(PostingRule).where(
        PostingRule.organization_id == world.org.id))}
    assert seeded == set(RULE_EVENTS)


def test_unconfirmed_default_accounts_are_marked_and_the_sourced_ones_confirmed(world):
    chart = {a.code: a for a in db.session.scalars(sa.select(Account).where(Account.organization_id == world.org.id))}
    assert {code for code, a in chart.items() if a.confirmed} == {"1014", "1015"}
    assert all("⚠" in a.note for a in chart.values() if not a.confirmed)
    assert {code for code, a in chart.items() if a.holds_stock} >= {"1014", "1015", "1512", "1518"}


def test_the_most_specific_rule_wins(world):
    find = rules.find_rule
    assert find(world.org.id, PostingEvent.acceptance, AidType.humanitarian, IntendedUse.own_use,
                "generators").debit_account.code == "1014"
    assert find(world.org.id, PostingEvent.acceptance, AidType.humanitarian, IntendedUse.distribution,
                "generators").debit_account.code == "1518"
    assert find(world.org.id, PostingEvent.acceptance, AidType.technical, IntendedUse.own_use,
                "medicines").debit_account.code == "1512"


def test_an_event_without_any_matching_rule_is_refused_with_a_clear_message(world):
    for rule in db.session.scalars(sa.select(PostingRule).where(PostingRule.organization_id == world.org.id,
                                                                PostingRule.event == PostingEvent.write_off)):
        db.session.delete(rule)
    with pytest.raises(DomainError, match="No posting rule for write_off"):
        rules.find_rule(world.org.id, PostingEvent.write_off, AidType.humanitarian, IntendedUse.distribution, "food")
    assert rules.events_without_rule(world.org.id) == [PostingEvent.write_off]


def test_post_entry_refuses_unbalanced_postings_and_writes_nothing(world):
    before = entries(world.org)
    with pytest.raises(ValidationFailed, match="differ by 0.01"):
        ledger.post_entry(world.org.id, None, on=date(2026, 11, 20), event=PostingEvent.manual, postings=[
            ledger.PostingLine(account(world.org, "2313").id, D("100.00")),
            ledger.PostingLine(account(world.org, "7511").id, D("-99.99"))])
    with pytest.raises(ValidationFailed, match="at least two postings"):
        ledger.post_entry(world.org.id, None, on=date(2026, 11, 20), event=PostingEvent.manual, postings=[])
    with pytest.raises(ValidationFailed, match="Unknown account"):
        ledger.post_entry(world.org.id, None, on=date(2026, 11, 20), event=PostingEvent.manual, postings=[
            ledger.PostingLine(account(world.other, "2313").id, D("1.00")),
            ledger.PostingLine(account(world.org, "7511").id, D("-1.00"))])
    assert entries(world.org) == before


def test_manual_entries_balance_avoid_stock_accounts_and_need_a_finance_head(world):
    head = world.users["finance_head"]
    cash, revenue, stock = (account(world.org, c) for c in ("2313", "7511", "1518"))
    line = ledger.ManualLine
    with pytest.raises(Forbidden):
        ledger.post_manual_entry(world.org.id, world.users["accountant"].id, Role.accountant,
                                 manual(world.org, date(2026, 11, 20), line(cash.id, debit=D("5")),
                                        line(revenue.id, credit=D("5"))), today=sf.TODAY)
    with pytest.raises(ValidationFailed, match="differ by 1.00"):
        ledger.post_manual_entry(world.org.id, head.id, Role.finance_head,
                                 manual(world.org, date(2026, 11, 20), line(cash.id, debit=D("6")),
                                        line(revenue.id, credit=D("5"))), today=sf.TODAY)
    with pytest.raises(ValidationFailed) as stock_refused:
        ledger.post_manual_entry(world.org.id, head.id, Role.finance_head,
                                 manual(world.org, date(2026, 11, 20), line(stock.id, debit=D("5")),
                                        line(revenue.id, credit=D("5"))), today=sf.TODAY)
    assert "holds stock" in stock_refused.value.errors["lines.0.account_id"][0]
    entry = ledger.post_manual_entry(world.org.id, head.id, Role.finance_head,
                                     manual(world.org, date(2026, 11, 20), line(cash.id, debit=D("1250.40")),
                                            line(revenue.id, credit=D("1250.40"), memo="EUR sale")), today=sf.TODAY)
    assert sorted((p.account.code, p.amount) for p in entry.postings) == [("2313", D("1250.40")),
                                                                          ("7511", D("-1250.40"))]
    reversal = ledger.reverse_manual_entry(entry, head.id, Role.finance_head, on=None, reason="typo", today=sf.TODAY)
    assert reversal.reversal_of_id == entry.id and entry.reversed_by == reversal
    assert sorted(p.amount for p in reversal.postings) == [D("-1250.40"), D("1250.40")]
    with pytest.raises(InvalidTransition, match="a reversal cannot be reversed"):
        ledger.reverse_manual_entry(reversal, head.id, Role.finance_head, on=None, reason="x", today=sf.TODAY)
    with pytest.raises(InvalidTransition, match="already reversed"):
        ledger.reverse_manual_entry(entry, head.id, Role.finance_head, on=None, reason="x", today=sf.TODAY)


def test_document_entries_are_reversed_through_their_document(world):
    lot = sf.make_lot(world.org, world.partner)
    doc = sf.make_distribution(world.org, world.users["accountant"], sf.line(lot, "1"), post=True)
    with pytest.raises(InvalidTransition, match="reverse the document instead"):
        ledger.reverse_manual_entry(doc.journal_entry, world.users["finance_head"].id, Role.finance_head, on=None,
                                    reason="x", today=sf.TODAY)


def test_a_closed_period_refuses_posting_and_reversal_naming_the_period(world):
    head, accountant = world.users["finance_head"], world.users["accountant"]
    lot = sf.make_lot(world.org, world.partner, accepted_on=date(2026, 10, 2))
    october_doc = sf.make_distribution(world.org, accountant, sf.line(lot, "1"), on=date(2026, 10, 20), post=True)
    october_draft = sf.make_distribution(world.org, accountant, sf.line(lot, "1"), on=date(2026, 10, 21))
    with pytest.raises(Forbidden):
        ledger.close_period(world.org.id, accountant.id, Role.accountant, 2026, 10, today=sf.TODAY)
    ledger.close_period(world.org.id, head.id, Role.finance_head, 2026, 10, today=sf.TODAY)
    db.session.commit()
    before = entries(world.org)
    with pytest.raises(DomainError, match=r"The period .+ \(2026-10\) is closed") as refused:
        docs.post_document(october_draft, accountant.id, Role.accountant, today=sf.TODAY)
    assert "on" in refused.value.errors
    db.session.rollback()
    with pytest.raises(DomainError, match=r"\(2026-10\) is closed"):
        sf.reverse(october_doc, head, on=date(2026, 10, 25))
    db.session.rollback()
    with pytest.raises(DomainError, match=r"\(2026-10\) is closed"):
        ledger.post_manual_entry(world.org.id, head.id, Role.finance_head, manual(
            world.org, date(2026, 10, 31), ledger.ManualLine(account(world.org, "2313").id, debit=D("1")),
            ledger.ManualLine(account(world.org, "7511").id, credit=D("1"))), today=sf.TODAY)
    db.session.rollback()
    assert entries(world.org) == before
    # A reversal dated in the open November is fine: the October document stays as it was.
    reversal = sf.reverse(october_doc, head, on=date(2026, 11, 2))
    assert reversal.on == date(2026, 11, 2)
    with pytest.raises(InvalidTransition, match="already closed"):
        ledger.close_period(world.org.id, head.id, Role.finance_head, 2026, 10, today=sf.TODAY)


def test_reopening_needs_a_finance_head_and_a_reason_and_is_kept_in_the_history(world):
    head = world.users["finance_head"]
    ledger.close_period(world.org.id, head.id, Role.finance_head, 2026, 10, today=sf.TODAY)
    with pytest.raises(ValidationFailed, match="reason"):
        ledger.reopen_period(world.org.id, head.id, Role.finance_head, 2026, 10, reason=" ")
    with pytest.raises(Forbidden):
        ledger.reopen_period(world.org.id, world.users["admin"].id, Role.admin, 2026, 10, reason="audit finding")
    period = ledger.reopen_period(world.org.id, head.id, Role.finance_head, 2026, 10, reason="Late invoice")
    assert not period.is_closed
    assert [(e.action, e.reason) for e in period.history] == [("close", ""), ("reopen", "Late invoice")]
    assert not ledger.is_closed(world.org.id, date(2026, 10, 5))
    with pytest.raises(InvalidTransition, match="is not closed"):
        ledger.reopen_period(world.org.id, head.id, Role.finance_head, 2026, 10, reason="again")
    with pytest.raises(ValidationFailed, match="has not begun"):
        ledger.close_period(world.org.id, head.id, Role.finance_head, 2026, 12, today=sf.TODAY)


def test_closing_is_per_organization(world):
    ledger.close_period(world.org.id, world.users["finance_head"].id, Role.finance_head, 2026, 11, today=sf.TODAY)
    assert ledger.is_closed(world.org.id, date(2026, 11, 3))
    assert not ledger.is_closed(world.other.id, date(2026, 11, 3))


def test_trial_balance_has_opening_turnover_and_closing_per_account(world):
    lot = sf.make_lot(world.org, world.partner, quantity="100", value_uah="10000.00", accepted_on=date(2026, 10, 5))
    accountant = world.users["accountant"]
    sf.make_distribution(world.org, accountant, sf.line(lot, "10"), on=date(2026, 10, 20), post=True)
    sf.make_distribution(world.org, accountant, sf.line(lot, "30"), on=date(2026, 11, 20), post=True)
    balance = ledger.trial_balance(world.org.id, date(2026, 11, 1), date(2026, 11, 30))
    rows = {r.account.code: r for r in balance.rows}
    assert (rows["1518"].opening, rows["1518"].debit, rows["1518"].credit, rows["1518"].closing) == \
        (D("9000.00"), D("0.00"), D("3000.00"), D("6000.00"))
    assert (rows["8411"].opening_debit, rows["8411"].debit, rows["8411"].closing_debit) == \
        (D("1000.00"), D("3000.00"), D("4000.00"))
    assert (rows["7511"].opening_credit, rows["7511"].closing_credit) == (D("10000.00"), D("10000.00"))
    assert balance.balanced
    assert balance.total("debit") == balance.total("credit") == D("3000.00")
    october = ledger.trial_balance(world.org.id, date(2026, 10, 1), date(2026, 10, 31))
    assert {r.account.code: r.closing for r in october.rows}["1518"] == D("9000.00")
    assert ledger.account_balance(world.org.id, account(world.org, "1518").id, date(2026, 10, 31)) == D("9000.00")


def test_the_chart_and_rules_are_edited_by_an_admin_only(world):
    admin, head = world.users["admin"], world.users["finance_head"]
    data = ledger.AccountData(code="0221", name_uk="Матеріальні цінності на відповідальному зберіганні",
                              kind=AccountKind.off_balance, holds_stock=True, note="⚠ off-balance option")
    with pytest.raises(Forbidden):
        ledger.create_account(world.org.id, head.id, Role.finance_head, data)
    created = ledger.create_account(world.org.id, admin.id, Role.admin, data)
    with pytest.raises(ValidationFailed, match="already exists"):
        ledger.create_account(world.org.id, admin.id, Role.admin, data)
    confirmed = ledger.update_account(created, admin.id, Role.admin, ledger.AccountData(
        code="0221", name_uk=created.name_uk, kind=created.kind, holds_stock=True, confirmed=True, note="confirmed"))
    assert confirmed.confirmed
    rule = ledger.create_rule(world.org.id, admin.id, Role.admin, ledger.RuleData(
        event=PostingEvent.acceptance, intended_use=IntendedUse.distribution, category_code="shelter",
        debit_account_id=created.id, credit_account_id=account(world.org, "7511").id))
    assert rules.find_rule(world.org.id, PostingEvent.acceptance, AidType.humanitarian, IntendedUse.distribution,
                           "shelter").id == rule.id
    with pytest.raises(ValidationFailed, match="lot's own stock account"):
        ledger.create_rule(world.org.id, admin.id, Role.admin, ledger.RuleData(
            event=PostingEvent.distribution, category_code="food", debit_account_id=account(world.org, "8411").id,
            credit_account_id=account(world.org, "1511").id))
    catch_all = db.session.scalar(sa.select(PostingRule).where(
        PostingRule.organization_id == world.org.id, PostingRule.event == PostingEvent.write_off))
    with pytest.raises(Conflict, match="catch-all"):
        ledger.delete_rule(catch_all, admin.id, Role.admin)
    ledger.delete_rule(rule, admin.id, Role.admin)


def test_an_account_with_postings_keeps_its_code_kind_and_stock_flag(world):
    sf.make_lot(world.org, world.partner)
    stock = account(world.org, "1518")
    with pytest.raises(ValidationFailed) as refused:
        ledger.update_account(stock, world.users["admin"].id, Role.admin, ledger.AccountData(
            code="1519", name_uk=stock.name_uk, kind=AccountKind.expense, holds_stock=False))
    assert set(refused.value.errors) == {"code", "kind", "holds_stock"}
    renamed = ledger.update_account(stock, world.users["admin"].id, Role.admin, ledger.AccountData(
        code="1518", name_uk="Інші запаси (гуманітарна допомога)", kind=AccountKind.asset, holds_stock=True,
        confirmed=True, note="Confirmed by the chief accountant, order No. 5"))
    assert renamed.confirmed and renamed.name_uk.startswith("Інші запаси")


def test_journal_entries_form_a_gap_free_hash_chain(world):
    from tracker.ledger.checks import check_chain, entry_facts

    lot = sf.make_lot(world.org, world.partner)
    sf.make_distribution(world.org, world.users["accountant"], sf.line(lot, "1"), post=True)
    chain = db.session.scalars(sa.select(JournalEntry).where(JournalEntry.organization_id == world.org.id)
                               .order_by(JournalEntry.number)).all()
    assert [e.number for e in chain] == [1, 2]
    assert chain[0].prev_hash == "" and chain[1].prev_hash == chain[0].hash
    assert check_chain(entry_facts()) == []
