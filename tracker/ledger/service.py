"""The journal and the periods: posting balanced entries, reversing them, closing months, and
maintaining the chart of accounts and the posting rules.

:func:`post_entry` is the only function that writes journal entries; it holds the one balance
check (debits = credits, to the kopeck) and the closed-period check. Entries are immutable: a
correction is :func:`reverse_entry`, which writes the mirror entry and links both ways.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import format_date
from flask_babel import gettext as _

from tracker.audit.service import record, snapshot
from tracker.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound, ValidationFailed
from tracker.extensions import db
from tracker.locking import lock_rows, next_number
from tracker.concurrency import insert_or_ignore
from tracker.models import (
    Account,
    AccountKind,
    AidType,
    DocumentCounter,
    IntendedUse,
    JournalEntry,
    Period,
    PeriodEvent,
    PeriodStatus,
    Posting,
    PostingEvent,
    PostingRule,
    Role,
)
from tracker.models.base import utcnow
from tracker.money import ZERO, places_of
from tracker.scoping import get_scoped
from tracker.validators import Errors, check_date, check_length, check_required

#: Who may do what in the books (DESIGN.md §4, issue 4).
POST_ROLES = frozenset({Role.accountant, Role.finance_head})
FINANCE_ROLES = frozenset({Role.finance_head})
CHART_ROLES = frozenset({Role.admin})


def require_role(role: Role | None, allowed: Iterable[Role], action: str) -> None:
    """Forbidden (403) naming the action and the roles that may do it."""
    allowed = frozenset(allowed)
    if role not in allowed:
        from tracker.web.labels import label

        raise Forbidden(_("Only %(roles)s may %(action)s.", roles=", ".join(sorted(label(r) for r in allowed)),
                          action=action))


# --------------------------------------------------------------------------- periods

def period_label(year: int, month: int) -> str:
    """``October 2026 (2026-10)``: the month in the current language, and unambiguous."""
    return f"{format_date(date(year, month, 1), 'LLLL y')} ({year:04d}-{month:02d})"


def ensure_open(organization_id: int, on: date) -> Period:
    """The period of ``on``, locked against a concurrent close until commit; DomainError naming
    the period when it is closed."""
    insert_or_ignore(Period, {"organization_id": organization_id, "year": on.year, "month": on.month,
                              "status": PeriodStatus.open.value}, ["organization_id", "year", "month"])
    period_id = db.session.scalar(sa.select(Period.id).where(
        Period.organization_id == organization_id, Period.year == on.year, Period.month == on.month))
    period = lock_rows(Period, [period_id], shared=True)[0]
    if period.is_closed:
        message = _("The period %(period)s is closed: nothing can be posted or reversed with a date in it "
                    "(%(date)s). A finance head can reopen it, giving a reason.",
                    period=period_label(on.year, on.month), date=on.isoformat())
        raise DomainError(message, {"on": [message]})
    return period


def is_closed(organization_id: int, on: date) -> bool:
    return db.session.scalar(sa.select(Period.status).where(
        Period.organization_id == organization_id, Period.year == on.year, Period.month == on.month)) \
        == PeriodStatus.closed


def _period_for_change(organization_id: int, year: int, month: int) -> Period:
    if not (isinstance(year, int) and isinstance(month, int) and 1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValidationFailed("period", _("Give the period as YYYY-MM, e.g. 2026-10."))
    insert_or_ignore(Period, {"organization_id": organization_id, "year": year, "month": month,
                              "status": PeriodStatus.open.value}, ["organization_id", "year", "month"])
    period_id = db.session.scalar(sa.select(Period.id).where(
        Period.organization_id == organization_id, Period.year == year, Period.month == month))
    return lock_rows(Period, [period_id])[0]


def close_period(organization_id: int, user_id: int | None, role: Role | None, year: int, month: int, *,
                 today: date, reason: str = "") -> Period:
    """Close a month (finance head only): afterwards no entry dated in it can be posted or
    reversed. Refused for a month that has not begun and for a month already closed (409)."""
    require_role(role, FINANCE_ROLES, _("close periods"))
    period = _period_for_change(organization_id, year, month)
    if date(year, month, 1) > today:
        raise ValidationFailed("period", _("%(period)s has not begun yet.", period=period_label(year, month)))
    if period.is_closed:
        raise InvalidTransition(_("%(period)s is already closed.", period=period_label(year, month)))
    if len(reason) > 500:
        raise ValidationFailed("reason", _("At most %(n)d characters.", n=500))
    period.status = PeriodStatus.closed
    period.closed_at = utcnow()
    period.closed_by_id = user_id
    db.session.add(PeriodEvent(organization_id=organization_id, period_id=period.id, action="close",
                               reason=reason.strip(), user_id=user_id))
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="close_period", obj=period,
           after={"period": period.label, "reason": reason.strip()})
    return period


def reopen_period(organization_id: int, user_id: int | None, role: Role | None, year: int, month: int, *,
                  reason: str) -> Period:
    """Reopen a closed month (finance head only, with a reason that is kept)."""
    require_role(role, FINANCE_ROLES, _("reopen periods"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("reason", _("Give the reason for reopening the period."))
    if len(reason) > 500:
        raise ValidationFailed("reason", _("At most %(n)d characters.", n=500))
    period = _period_for_change(organization_id, year, month)
    if not period.is_closed:
        raise InvalidTransition(_("%(period)s is not closed.", period=period_label(year, month)))
    period.status = PeriodStatus.open
    db.session.add(PeriodEvent(organization_id=organization_id, period_id=period.id, action="reopen",
                               reason=reason, user_id=user_id))
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="reopen_period", obj=period,
           after={"period": period.label, "reason": reason})
    return period


@dataclass(frozen=True)
class PeriodRow:
    year: int
    month: int
    label: str
    status: PeriodStatus
    entries: int
    period: Period | None


def list_periods(organization_id: int, today: date, months: int = 24) -> list[PeriodRow]:
    """The last ``months`` months up to today (newest first), plus any older month that has
    entries or was closed, with its status and number of entries."""
    wanted: dict[tuple[int, int], Period | None] = {}
    year, month = today.year, today.month
    for _i in range(months):
        wanted[(year, month)] = None
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    for period in db.session.scalars(sa.select(Period).where(Period.organization_id == organization_id)):
        wanted[(period.year, period.month)] = period
    counts: dict[tuple[int, int], int] = {}
    for on, in db.session.execute(sa.select(JournalEntry.on).where(JournalEntry.organization_id == organization_id)):
        counts[(on.year, on.month)] = counts.get((on.year, on.month), 0) + 1
    for key in counts:
        wanted.setdefault(key, None)
    return [PeriodRow(y, m, f"{y:04d}-{m:02d}", p.status if p else PeriodStatus.open, counts.get((y, m), 0), p)
            for (y, m), p in sorted(wanted.items(), reverse=True)]


def parse_period(text: str | None) -> tuple[int, int]:
    """``2026-10`` → (2026, 10); ValidationFailed otherwise."""
    try:
        year_text, month_text = (text or "").strip().split("-")
        year, month = int(year_text), int(month_text)
        if not (1 <= month <= 12 and 2000 <= year <= 2100 and len(year_text) == 4):
            raise ValueError
    except ValueError:
        raise ValidationFailed("period", _("Give the period as YYYY-MM, e.g. 2026-10.")) from None
    return year, month


# --------------------------------------------------------------------------- entries

@dataclass(frozen=True)
class PostingLine:
    """One posting of an entry to be written: signed UAH (+ debit, − credit) on an account."""

    account_id: int
    amount: Decimal
    line_id: int | None = None
    warehouse_id: int | None = None
    movement_id: int | None = None
    memo: str = ""


def entry_digest(prev_hash: str, entry: JournalEntry, postings: Sequence[PostingLine | Posting]) -> str:
    """The hash of an entry over its previous hash, its fields and its postings (in a canonical
    order, so the hash does not depend on row ids)."""
    rows = sorted(
        [p.account_id, str(p.amount), p.line_id, p.warehouse_id, p.movement_id, p.memo] for p in postings)
    payload = json.dumps({
        "prev": prev_hash, "organization_id": entry.organization_id, "number": entry.number,
        "on": entry.on.isoformat(), "event": PostingEvent(entry.event).value, "source_type": entry.source_type,
        "source_id": entry.source_id, "description": entry.description, "reversal_of_id": entry.reversal_of_id,
        "postings": rows,
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def check_balanced(postings: Sequence[PostingLine]) -> None:
    """The one balance check: at least two postings, none zero, 2 dp, debits = credits."""
    if len(postings) < 2:
        raise ValidationFailed("postings", _("An entry needs at least two postings."))
    for posting in postings:
        if posting.amount == 0 or places_of(posting.amount) > 2:
            raise ValidationFailed("postings", _("Every posting needs a non-zero amount with at most 2 decimals."))
    debit = sum((p.amount for p in postings if p.amount > 0), ZERO)
    credit = -sum((p.amount for p in postings if p.amount < 0), ZERO)
    if debit != credit:
        raise ValidationFailed("postings", _("Debits %(debit)s and credits %(credit)s differ by %(diff)s UAH: an "
                                             "entry must balance.", debit=f"{debit:.2f}", credit=f"{credit:.2f}",
                                             diff=f"{abs(debit - credit):.2f}"))


def post_entry(organization_id: int, user_id: int | None, *, on: date, event: PostingEvent,
               postings: Sequence[PostingLine], description: str = "", source_type: str = "",
               source_id: int | None = None, reversal_of: JournalEntry | None = None) -> JournalEntry:
    """Write one balanced entry dated ``on``. Refused (nothing written) when the postings do not
    balance, name an account of another organization or an inactive one, or when ``on`` lies in
    a closed period. The entry gets the next number of the organization's gap-free sequence and
    joins the hash chain."""
    check_balanced(postings)
    accounts = {a.id: a for a in db.session.scalars(sa.select(Account).where(
        Account.id.in_({p.account_id for p in postings}), Account.organization_id == organization_id))}
    for posting in postings:
        account = accounts.get(posting.account_id)
        if account is None:
            raise ValidationFailed("postings", _("Unknown account."))
        if not account.active:
            raise ValidationFailed("postings", _("Account %(code)s is closed for postings.", code=account.code))
    ensure_open(organization_id, on)
    # The counter row stays locked until commit: entries of one organization are written one
    # after the other, so the number sequence and the hash chain never fork.
    number = next_number(DocumentCounter, organization_id=organization_id, kind="journal", year=0)
    prev_hash = ""
    if number > 1:
        prev_hash = db.session.scalar(sa.select(JournalEntry.hash).where(
            JournalEntry.organization_id == organization_id, JournalEntry.number == number - 1)) or ""
    entry = JournalEntry(organization_id=organization_id, number=number, on=on, event=event,
                         source_type=source_type, source_id=source_id, description=description[:500],
                         reversal_of=reversal_of, reversal_of_id=reversal_of.id if reversal_of else None,
                         user_id=user_id,
                         prev_hash=prev_hash, hash="")
    entry.hash = entry_digest(prev_hash, entry, postings)
    db.session.add(entry)
    db.session.flush()
    for posting in postings:
        db.session.add(Posting(organization_id=organization_id, entry_id=entry.id, account_id=posting.account_id,
                               amount=posting.amount, line_id=posting.line_id, warehouse_id=posting.warehouse_id,
                               movement_id=posting.movement_id, memo=posting.memo[:300]))
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="post_entry", obj=entry,
           after={"number": number, "on": on, "event": event.value, "source": f"{source_type}:{source_id or ''}",
                  "total": str(sum((p.amount for p in postings if p.amount > 0), ZERO))})
    return entry


def check_reversible(entry: JournalEntry, on: date) -> None:
    """A reversal of a reversal, a second reversal, or a reversal dated before the entry: 409/422."""
    if entry.reversal_of_id is not None:
        raise InvalidTransition(_("Entry %(number)d is itself a reversal: a reversal cannot be reversed.",
                                  number=entry.number))
    if entry.reversed_by is not None:
        raise InvalidTransition(_("Entry %(number)d is already reversed by entry %(other)d.",
                                  number=entry.number, other=entry.reversed_by.number))
    if on < entry.on:
        raise ValidationFailed("on", _("A reversal cannot be dated before the entry it reverses (%(date)s).",
                                       date=entry.on.isoformat()))


def reverse_entry(entry: JournalEntry, user_id: int | None, *, on: date, reason: str,
                  postings: Sequence[PostingLine] | None = None, source_type: str | None = None,
                  source_id: int | None = None) -> JournalEntry:
    """Write the reversal of ``entry`` dated ``on`` (the mirror of its postings unless the
    caller — a stock document's reversal — passes the postings of its reversing movements).
    Refusals: see :func:`check_reversible`; a closed period as in :func:`post_entry`."""
    check_reversible(entry, on)
    mirror = postings if postings is not None else [
        PostingLine(account_id=p.account_id, amount=-p.amount, line_id=p.line_id, warehouse_id=p.warehouse_id,
                    memo=p.memo) for p in entry.postings]
    description = _("Reversal of entry %(number)d: %(reason)s", number=entry.number, reason=reason)
    return post_entry(entry.organization_id, user_id, on=on, event=entry.event, postings=mirror,
                      description=description, source_type=entry.source_type if source_type is None else source_type,
                      source_id=entry.source_id if source_id is None else source_id, reversal_of=entry)


# --------------------------------------------------------------------------- manual entries

@dataclass(frozen=True)
class ManualLine:
    account_id: int | None
    debit: Decimal | None = None
    credit: Decimal | None = None
    memo: str = ""


@dataclass(frozen=True)
class ManualEntryData:
    on: date | None
    description: str
    lines: tuple[ManualLine, ...] = field(default_factory=tuple)


def post_manual_entry(organization_id: int, user_id: int | None, role: Role | None, data: ManualEntryData, *,
                      today: date) -> JournalEntry:
    """A finance head's own entry (FX differences, corrections). Each line has either a debit or
    a credit; stock accounts are refused (they move only with stock documents, so that they keep
    equal to the stock ledger); the entry must balance (ValidationFailed, nothing written)."""
    require_role(role, FINANCE_ROLES, _("post manual entries"))
    errors = Errors()
    errors.add("on", check_required(data.on) or check_date(data.on))
    if data.on is not None and data.on > today:
        errors.add("on", _("The date cannot be in the future."))
    errors.add("description", check_required(data.description) or check_length(data.description, 500))
    postings: list[PostingLine] = []
    for index, line in enumerate(data.lines):
        if line.account_id is None and line.debit is None and line.credit is None:
            continue
        prefix = f"lines.{index}"
        if line.account_id is None:
            errors.add(f"{prefix}.account_id", _("Choose an account."))
            continue
        try:
            account = get_scoped(Account, line.account_id, organization_id)
        except NotFound:
            errors.add(f"{prefix}.account_id", _("Choose an account of your organization."))
            continue
        if account.holds_stock:
            errors.add(f"{prefix}.account_id", _("Account %(code)s holds stock: it changes only with stock "
                                                 "documents.", code=account.code))
            continue
        amounts = [a for a in (line.debit, line.credit) if a is not None and a != 0]
        if len(amounts) != 1:
            errors.add(f"{prefix}.debit", _("Enter either a debit or a credit."))
            continue
        amount = amounts[0]
        if amount < 0 or places_of(amount) > 2 or amount >= Decimal("1e13"):
            errors.add(f"{prefix}.debit", _("Enter a positive amount with at most 2 decimals."))
            continue
        errors.add(f"{prefix}.memo", check_length(line.memo, 300))
        postings.append(PostingLine(account_id=account.id, amount=amount if line.debit else -amount,
                                    memo=line.memo.strip()))
    errors.raise_if_any()
    assert data.on is not None
    return post_entry(organization_id, user_id, on=data.on, event=PostingEvent.manual, postings=postings,
                      description=data.description.strip())


def reverse_manual_entry(entry: JournalEntry, user_id: int | None, role: Role | None, *, on: date | None,
                         reason: str, today: date) -> JournalEntry:
    """Reverse a manual entry (finance head, with a reason). Entries of stock documents are
    reversed through their document, so that the goods move back too (409)."""
    require_role(role, FINANCE_ROLES, _("reverse entries"))
    if entry.event != PostingEvent.manual:
        raise InvalidTransition(_("Entry %(number)d books a document: reverse the document instead, so that the "
                                  "stock moves back too.", number=entry.number))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("reason", _("Give the reason for the reversal."))
    on = on or today
    if on > today:
        raise ValidationFailed("on", _("The date cannot be in the future."))
    return reverse_entry(entry, user_id, on=on, reason=reason[:300])


# --------------------------------------------------------------------------- reading the books

def journal_query(organization_id: int, *, date_from: date | None = None, date_to: date | None = None,
                  account_id: int | None = None, event: PostingEvent | None = None) -> sa.Select:
    """Entries of the organization in a date range, newest first; filter by account or event."""
    query = sa.select(JournalEntry).where(JournalEntry.organization_id == organization_id)
    if date_from:
        query = query.where(JournalEntry.on >= date_from)
    if date_to:
        query = query.where(JournalEntry.on <= date_to)
    if event:
        query = query.where(JournalEntry.event == event)
    if account_id:
        query = query.where(JournalEntry.id.in_(sa.select(Posting.entry_id).where(Posting.account_id == account_id)))
    return query.options(so.selectinload(JournalEntry.postings)).order_by(JournalEntry.on.desc(),
                                                                           JournalEntry.number.desc())


@dataclass(frozen=True)
class TrialBalanceRow:
    account: Account
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal

    @property
    def opening_debit(self) -> Decimal:
        return self.opening if self.opening > 0 else ZERO

    @property
    def opening_credit(self) -> Decimal:
        return -self.opening if self.opening < 0 else ZERO

    @property
    def closing_debit(self) -> Decimal:
        return self.closing if self.closing > 0 else ZERO

    @property
    def closing_credit(self) -> Decimal:
        return -self.closing if self.closing < 0 else ZERO


@dataclass(frozen=True)
class TrialBalance:
    date_from: date | None
    date_to: date | None
    rows: list[TrialBalanceRow]

    def total(self, name: str) -> Decimal:
        return sum((getattr(r, name) for r in self.rows), Decimal("0.00"))

    @property
    def balanced(self) -> bool:
        return (self.total("opening_debit") == self.total("opening_credit")
                and self.total("debit") == self.total("credit")
                and self.total("closing_debit") == self.total("closing_credit"))


def _cents(value: int | None) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


def trial_balance(organization_id: int, date_from: date | None, date_to: date | None) -> TrialBalance:
    """Opening balance (before ``date_from``), debit and credit turnover within the range, and
    closing balance per account, summed exactly in SQL (integer kopecks)."""
    cents = sa.type_coerce(Posting.amount, sa.BigInteger)
    in_range = sa.true()
    before = sa.false()
    if date_from is not None:
        in_range = sa.and_(in_range, JournalEntry.on >= date_from)
        before = JournalEntry.on < date_from
    if date_to is not None:
        in_range = sa.and_(in_range, JournalEntry.on <= date_to)
    query = (
        sa.select(Posting.account_id,
                  sa.func.sum(sa.case((before, cents), else_=0)),
                  sa.func.sum(sa.case((sa.and_(in_range, cents > 0), cents), else_=0)),
                  sa.func.sum(sa.case((sa.and_(in_range, cents < 0), -cents), else_=0)))
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .where(Posting.organization_id == organization_id)
        .group_by(Posting.account_id)
    )
    if date_to is not None:
        query = query.where(JournalEntry.on <= date_to)
    sums = {account_id: (_cents(o), _cents(d), _cents(c)) for account_id, o, d, c in db.session.execute(query)}
    rows = []
    for account in db.session.scalars(sa.select(Account).where(Account.organization_id == organization_id)
                                      .order_by(Account.code)):
        opening, debit, credit = sums.get(account.id, (Decimal("0.00"),) * 3)
        if not account.active and not (opening or debit or credit):
            continue
        rows.append(TrialBalanceRow(account, opening, debit, credit, opening + debit - credit))
    return TrialBalance(date_from, date_to, rows)


def account_balance(organization_id: int, account_id: int, as_of: date | None = None) -> Decimal:
    query = (sa.select(sa.func.sum(sa.type_coerce(Posting.amount, sa.BigInteger)))
             .join(JournalEntry, JournalEntry.id == Posting.entry_id)
             .where(Posting.organization_id == organization_id, Posting.account_id == account_id))
    if as_of is not None:
        query = query.where(JournalEntry.on <= as_of)
    return _cents(db.session.scalar(query))


# --------------------------------------------------------------------------- chart and rules

@dataclass(frozen=True)
class AccountData:
    code: str
    name_uk: str
    kind: AccountKind
    name_en: str = ""
    holds_stock: bool = False
    confirmed: bool = False
    note: str = ""
    active: bool = True


def _has_postings(account: Account) -> bool:
    return bool(db.session.scalar(sa.select(sa.func.count()).select_from(Posting)
                                  .where(Posting.account_id == account.id)))


def _validate_account(data: AccountData, organization_id: int, existing: Account | None) -> None:
    errors = Errors()
    code = (data.code or "").strip()
    errors.add("code", check_required(code) or check_length(code, 20))
    if code and not all(c.isalnum() or c in ".-/" for c in code):
        errors.add("code", _("Use digits, letters and . - / only."))
    errors.add("name_uk", check_required(data.name_uk) or check_length(data.name_uk, 200))
    errors.add("name_en", check_length(data.name_en, 200))
    errors.add("note", check_length(data.note, 300))
    if not isinstance(data.kind, AccountKind):
        errors.add("kind", _("Unknown kind of account."))
    if code and "code" not in errors:
        query = sa.select(Account.id).where(Account.organization_id == organization_id, Account.code == code)
        if existing is not None:
            query = query.where(Account.id != existing.id)
        if db.session.scalar(query) is not None:
            errors.add("code", _("%(value)s already exists.", value=code))
    if existing is not None and _has_postings(existing):
        if code != existing.code:
            errors.add("code", _("The account has postings: its code cannot change."))
        if data.kind != existing.kind:
            errors.add("kind", _("The account has postings: its kind cannot change."))
        if data.holds_stock != existing.holds_stock:
            errors.add("holds_stock", _("The account has postings: whether it holds stock cannot change."))
    errors.raise_if_any()


def create_account(organization_id: int, user_id: int | None, role: Role | None, data: AccountData) -> Account:
    """Add an account to the chart (admin only); code unique in the organization."""
    require_role(role, CHART_ROLES, _("edit the chart of accounts"))
    _validate_account(data, organization_id, None)
    account = Account(organization_id=organization_id, code=data.code.strip(), name_uk=data.name_uk.strip(),
                      name_en=data.name_en.strip(), kind=data.kind, holds_stock=data.holds_stock,
                      confirmed=data.confirmed, note=data.note.strip(), active=data.active)
    db.session.add(account)
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="create", obj=account, after=snapshot(account))
    return account


def update_account(account: Account, user_id: int | None, role: Role | None, data: AccountData) -> Account:
    """Edit an account (admin only): names, note, confirmation and active flag always; code, kind
    and the stock flag only while nothing is posted to it."""
    require_role(role, CHART_ROLES, _("edit the chart of accounts"))
    _validate_account(data, account.organization_id, account)
    before = snapshot(account)
    account.code, account.name_uk, account.name_en = data.code.strip(), data.name_uk.strip(), data.name_en.strip()
    account.kind, account.holds_stock, account.confirmed = data.kind, data.holds_stock, data.confirmed
    account.note, account.active = data.note.strip(), data.active
    db.session.flush()
    after = snapshot(account)
    if after != before:
        record(organization_id=account.organization_id, user_id=user_id, action="update", obj=account,
               before=before, after=after)
    return account


@dataclass(frozen=True)
class RuleData:
    event: PostingEvent
    aid_type: AidType | None = None
    intended_use: IntendedUse | None = None
    category_code: str = ""
    debit_account_id: int | None = None
    credit_account_id: int | None = None
    note: str = ""


def _validate_rule(data: RuleData, organization_id: int, existing: PostingRule | None) -> None:
    from tracker.ledger.rules import rule_sides

    errors = Errors()
    from tracker.models.ledger import RULE_EVENTS

    if not isinstance(data.event, PostingEvent) or data.event not in RULE_EVENTS:
        errors.add("event", _("Choose the event the rule books."))
        errors.raise_if_any()
    sides = rule_sides(data.event)
    for name, needed in (("debit_account_id", sides.debit), ("credit_account_id", sides.credit)):
        value = getattr(data, name)
        if needed and value is None:
            errors.add(name, _("Choose the account."))
        elif not needed and value is not None:
            errors.add(name, _("Leave empty: this side is always the lot's own stock account."))
        elif value is not None:
            try:
                account = get_scoped(Account, value, organization_id)
            except NotFound:
                errors.add(name, _("Choose an account of your organization."))
                continue
            if not account.active:
                errors.add(name, _("Account %(code)s is closed for postings.", code=account.code))
            if name == "credit_account_id" and account.holds_stock:
                errors.add(name, _("The counter account must not hold stock."))
            if name == "debit_account_id" and data.event != PostingEvent.acceptance and account.holds_stock:
                errors.add(name, _("The counter account must not hold stock."))
    category = (data.category_code or "").strip()
    errors.add("category_code", check_length(category, 40))
    errors.add("note", check_length(data.note, 300))
    if "event" not in errors:
        query = sa.select(PostingRule.id).where(
            PostingRule.organization_id == organization_id, PostingRule.event == data.event,
            PostingRule.aid_type.is_(None) if data.aid_type is None else PostingRule.aid_type == data.aid_type,
            PostingRule.intended_use.is_(None) if data.intended_use is None
            else PostingRule.intended_use == data.intended_use,
            PostingRule.category_code == category)
        if existing is not None:
            query = query.where(PostingRule.id != existing.id)
        if db.session.scalar(query) is not None:
            errors.add("event", _("A rule with these conditions already exists: edit it instead."))
    errors.raise_if_any()


def create_rule(organization_id: int, user_id: int | None, role: Role | None, data: RuleData) -> PostingRule:
    """Add a posting rule (admin only); one rule per combination of conditions."""
    require_role(role, CHART_ROLES, _("edit posting rules"))
    _validate_rule(data, organization_id, None)
    rule = PostingRule(organization_id=organization_id, event=data.event, aid_type=data.aid_type,
                       intended_use=data.intended_use, category_code=data.category_code.strip(),
                       debit_account_id=data.debit_account_id, credit_account_id=data.credit_account_id,
                       note=data.note.strip())
    db.session.add(rule)
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="create", obj=rule, after=snapshot(rule))
    return rule


def update_rule(rule: PostingRule, user_id: int | None, role: Role | None, data: RuleData) -> PostingRule:
    """Change a posting rule (admin only). Entries already posted keep their accounts; lots keep
    the stock account they were accepted into."""
    require_role(role, CHART_ROLES, _("edit posting rules"))
    _validate_rule(data, rule.organization_id, rule)
    before = snapshot(rule)
    rule.event, rule.aid_type, rule.intended_use = data.event, data.aid_type, data.intended_use
    rule.category_code = data.category_code.strip()
    rule.debit_account_id, rule.credit_account_id = data.debit_account_id, data.credit_account_id
    rule.note = data.note.strip()
    db.session.flush()
    db.session.expire(rule, ["debit_account", "credit_account"])
    record(organization_id=rule.organization_id, user_id=user_id, action="update", obj=rule, before=before,
           after=snapshot(rule))
    return rule


def delete_rule(rule: PostingRule, user_id: int | None, role: Role | None) -> None:
    """Remove a rule (admin only); the catch-all rule of an event cannot go (409), so that every
    event always has a rule."""
    require_role(role, CHART_ROLES, _("edit posting rules"))
    if rule.aid_type is None and rule.intended_use is None and not rule.category_code:
        raise Conflict(_("This is the catch-all rule of the event: change it instead of deleting it."))
    before = snapshot(rule)
    organization_id = rule.organization_id
    db.session.delete(rule)
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="delete", object_type="PostingRule",
           object_id=before["id"], before=before)
