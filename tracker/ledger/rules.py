"""The chart of accounts and the posting rules every organization starts with, and the lookup
that picks the rule for an event and a lot.

The defaults follow the public-sector chart of MinFin Order 1203 (DOMAIN.md §4). Only the codes
a source confirms are marked ``confirmed``; every other code, and the choice of counter accounts,
is an inference flagged ⚠ — an admin edits them (pages "Chart of accounts" and "Posting rules")
once the chief accountant has confirmed the organization's practice. Goods held only for onward
distribution may belong off balance (DOMAIN.md §4 ⚠): map them to an off-balance account pair.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.errors import DomainError
from tracker.extensions import db
from tracker.models import (
    Account,
    AccountKind,
    AidType,
    ConsignmentLine,
    IntendedUse,
    Posting,
    PostingEvent,
    PostingRule,
)
from tracker.models.ledger import OUTFLOW_EVENTS, RULE_EVENTS

UNCONFIRMED = "⚠ Code and use inferred from Order 1203, not confirmed by a source: confirm with the chief accountant."

#: code, name_uk, name_en, kind, holds_stock, confirmed, note
SEED_ACCOUNTS: tuple[tuple[str, str, str, AccountKind, bool, bool, str], ...] = (
    ("1014", "Машини та обладнання", "Machinery and equipment", AccountKind.asset, True, True,
     "MinFin Order 1203 [S32]; fixed assets, NP(S)BODS 121"),
    ("1015", "Транспортні засоби", "Vehicles", AccountKind.asset, True, True,
     "MinFin Order 1203 [S32]; fixed assets, NP(S)BODS 121"),
    ("1016", "Інструменти, прилади, інвентар", "Tools, instruments and inventory", AccountKind.asset, True, False,
     UNCONFIRMED),
    ("1113", "Малоцінні необоротні матеріальні активи", "Low-value non-current tangible assets",
     AccountKind.asset, True, False, UNCONFIRMED),
    ("1114", "Білизна, постільні речі, одяг та взуття", "Linen, bedding, clothing and footwear",
     AccountKind.asset, True, False, UNCONFIRMED),
    ("1511", "Продукти харчування", "Food", AccountKind.asset, True, False, UNCONFIRMED + " NP(S)BODS 123"),
    ("1512", "Медикаменти та перев'язувальні матеріали", "Medicines and dressings", AccountKind.asset, True, False,
     UNCONFIRMED + " NP(S)BODS 123"),
    ("1513", "Будівельні матеріали", "Construction materials", AccountKind.asset, True, False,
     UNCONFIRMED + " NP(S)BODS 123"),
    ("1514", "Пально-мастильні матеріали", "Fuel and lubricants", AccountKind.asset, True, False,
     UNCONFIRMED + " NP(S)BODS 123"),
    ("1518", "Інші виробничі запаси", "Other inventories", AccountKind.asset, True, False,
     UNCONFIRMED + " NP(S)BODS 123. Goods held only for distribution may belong off balance (DOMAIN.md §4 ⚠)."),
    ("2117", "Розрахунки з відшкодування завданих збитків", "Receivables for damages (shortages)",
     AccountKind.asset, False, False, UNCONFIRMED),
    ("2313", "Реєстраційні рахунки", "Registration accounts (Treasury)", AccountKind.asset, False, False,
     UNCONFIRMED + " Cash grants: FX goes to a bank account first (DOMAIN.md §1)."),
    ("7511", "Доходи від необмінних операцій", "Non-exchange revenue", AccountKind.revenue, False, False,
     "⚠ DOMAIN.md §4: Cr 7511 for free receipts (MinFin Order 1219, not retrieved). NP(S)BODS 124"),
    ("8013", "Матеріальні витрати", "Material expenses", AccountKind.expense, False, False, UNCONFIRMED),
    ("8411", "Інші витрати (безоплатна передача, списання)", "Other expenses (free transfer, write-off)",
     AccountKind.expense, False, False, UNCONFIRMED),
)

#: event, aid_type, intended_use, category_code, debit code ("" = the lot's account), credit code, note
SEED_RULES: tuple[tuple[PostingEvent, AidType | None, IntendedUse | None, str, str, str, str], ...] = (
    # acceptance: the lot goes into an asset account; non-exchange revenue on the other side
    (PostingEvent.acceptance, None, None, "", "1518", "7511", "DOMAIN.md §4: Dr 10xx/11xx/15xx, Cr 7511 ⚠"),
    (PostingEvent.acceptance, None, None, "medicines", "1512", "7511", "Inventories, NP(S)BODS 123 ⚠"),
    (PostingEvent.acceptance, None, None, "medical_supplies", "1512", "7511", "Inventories, NP(S)BODS 123 ⚠"),
    (PostingEvent.acceptance, None, None, "food", "1511", "7511", "Inventories, NP(S)BODS 123 ⚠"),
    (PostingEvent.acceptance, None, None, "construction", "1513", "7511", "Inventories, NP(S)BODS 123 ⚠"),
    (PostingEvent.acceptance, None, None, "fuel", "1514", "7511", "Inventories, NP(S)BODS 123 ⚠"),
    (PostingEvent.acceptance, None, IntendedUse.own_use, "clothing", "1114", "7511", "Own use ⚠"),
    (PostingEvent.acceptance, None, IntendedUse.own_use, "shelter", "1114", "7511", "Own use ⚠"),
    (PostingEvent.acceptance, None, IntendedUse.own_use, "generators", "1014", "7511",
     "Own-use fixed assets, NP(S)BODS 121 [S32]"),
    (PostingEvent.acceptance, None, IntendedUse.own_use, "it_equipment", "1014", "7511",
     "Own-use fixed assets, NP(S)BODS 121 [S32]"),
    (PostingEvent.acceptance, None, IntendedUse.own_use, "medical_equipment", "1014", "7511",
     "Own-use fixed assets, NP(S)BODS 121 [S32]"),
    (PostingEvent.acceptance, None, IntendedUse.own_use, "equipment", "1014", "7511",
     "Own-use fixed assets, NP(S)BODS 121 [S32]"),
    (PostingEvent.acceptance, None, IntendedUse.own_use, "vehicles", "1015", "7511",
     "Own-use fixed assets, NP(S)BODS 121 [S32]"),
    (PostingEvent.acceptance, None, None, "cash", "2313", "7511", "Cash aid and grants ⚠"),
    (PostingEvent.acceptance, None, None, "services", "8013", "7511", "Services received in kind ⚠"),
    # goods leave the lot's account
    (PostingEvent.distribution, None, None, "", "8411", "", "Free transfer to end users ⚠"),
    (PostingEvent.write_off, None, None, "", "8411", "", "Write-off by the commission ⚠"),
    (PostingEvent.count_shortage, None, None, "", "2117", "", "Shortage found by a count ⚠"),
    (PostingEvent.count_surplus, None, None, "", "", "7511", "Surplus found by a count ⚠"),
    (PostingEvent.return_to_donor, None, None, "", "8411", "", "Return to the donor ⚠"),
    (PostingEvent.redistribution, None, None, "", "8411", "", "Redistribution to another recipient ⚠"),
    (PostingEvent.transfer, None, None, "", "", "", "Between warehouses: the lot's account on both sides"),
)


def seed_ledger(organization_id: int) -> None:
    """Give an organization the default chart and posting rules (skips account codes it has;
    rules are added only when the organization has none, so an admin's edits survive)."""
    have = {a.code: a for a in db.session.scalars(sa.select(Account).where(Account.organization_id == organization_id))}
    for code, uk, en, kind, holds_stock, confirmed, note in SEED_ACCOUNTS:
        if code not in have:
            have[code] = Account(organization_id=organization_id, code=code, name_uk=uk, name_en=en, kind=kind,
                                 holds_stock=holds_stock, confirmed=confirmed, note=note)
            db.session.add(have[code])
    db.session.flush()
    if db.session.scalar(sa.select(sa.func.count()).select_from(PostingRule)
                         .where(PostingRule.organization_id == organization_id)):
        return
    for event, aid, use, category, debit, credit, note in SEED_RULES:
        db.session.add(PostingRule(
            organization_id=organization_id, event=event, aid_type=aid, intended_use=use, category_code=category,
            debit_account_id=have[debit].id if debit else None, credit_account_id=have[credit].id if credit else None,
            note=note))
    db.session.flush()


@dataclass(frozen=True)
class RuleSides:
    """Which sides of a rule of this event name an account (False = the lot's stock account)."""

    debit: bool
    credit: bool


def rule_sides(event: PostingEvent) -> RuleSides:
    if event == PostingEvent.acceptance:
        return RuleSides(True, True)
    if event in OUTFLOW_EVENTS:
        return RuleSides(True, False)
    if event == PostingEvent.count_surplus:
        return RuleSides(False, True)
    return RuleSides(False, False)  # transfer


def _matches(rule: PostingRule, aid_type: AidType, intended_use: IntendedUse, category_code: str) -> bool:
    return ((rule.aid_type is None or rule.aid_type == aid_type)
            and (rule.intended_use is None or rule.intended_use == intended_use)
            and (not rule.category_code or rule.category_code == category_code))


def find_rule(organization_id: int, event: PostingEvent, aid_type: AidType, intended_use: IntendedUse,
              category_code: str) -> PostingRule:
    """The most specific rule for the event and the lot's attributes; DomainError naming what is
    missing when no rule matches (an admin must add one)."""
    rules = db.session.scalars(sa.select(PostingRule).where(
        PostingRule.organization_id == organization_id, PostingRule.event == event).order_by(PostingRule.id)).all()
    matching = [r for r in rules if _matches(r, aid_type, intended_use, category_code)]
    if not matching:
        raise DomainError(_("No posting rule for %(event)s of %(aid)s aid, %(use)s, category %(category)s: an "
                            "administrator must add one under Posting rules.", event=event.value, aid=aid_type.value,
                            use=intended_use.value, category=category_code))
    return max(matching, key=lambda r: (r.specificity, -r.id))


def rule_for_lot(organization_id: int, event: PostingEvent, lot: ConsignmentLine) -> PostingRule:
    return find_rule(organization_id, event, lot.consignment.aid_type, lot.intended_use, lot.category.code)


def lot_account(organization_id: int, lot: ConsignmentLine) -> Account:
    """The stock account a lot lives in: the account its acceptance debited (never re-derived
    from rules edited later); for a lot accepted without value, what the acceptance rule says."""
    account = db.session.scalar(
        sa.select(Account).join(Posting, Posting.account_id == Account.id)
        .where(Posting.organization_id == organization_id, Posting.line_id == lot.id, Account.holds_stock.is_(True))
        .order_by(Posting.id).limit(1))
    if account is not None:
        return account
    rule = rule_for_lot(organization_id, PostingEvent.acceptance, lot)
    assert rule.debit_account is not None
    return rule.debit_account


def events_without_rule(organization_id: int) -> list[PostingEvent]:
    """Events that have no catch-all rule (no conditions): a lot of some kind could not be posted."""
    covered = set(db.session.scalars(sa.select(PostingRule.event).where(
        PostingRule.organization_id == organization_id, PostingRule.aid_type.is_(None),
        PostingRule.intended_use.is_(None), PostingRule.category_code == "")))
    return [e for e in RULE_EVENTS if e not in covered]
