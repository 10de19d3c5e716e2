"""The books: the chart of accounts, the posting rules that turn stock events into entries, the
journal (entries and their postings, immutable once written) and the monthly periods.

Amounts on postings are signed UAH: + debit, − credit; every entry sums to zero. Entries are
never updated or deleted: a wrong entry is corrected by a reversal entry that points at it
(``reversal_of_id``, unique, so an entry is reversed at most once). Each entry carries the hash
of the previous entry of its organization and its own hash over its content and postings, so an
edit made behind the application's back is found by ``flask tracker check``.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.models.base import TenantMixin, TimestampMixin, UTCDateTime, db, str_enum, utcnow
from tracker.models.consignment import AidType, IntendedUse
from tracker.models.types import Money

if TYPE_CHECKING:
    from tracker.models.catalog import Warehouse
    from tracker.models.consignment import ConsignmentLine


class AccountKind(enum.StrEnum):
    asset = "asset"
    liability = "liability"
    #: Net assets / equity (class 5 of the public-sector chart).
    equity = "equity"
    revenue = "revenue"
    expense = "expense"
    #: Off-balance accounts (class 0), kept double-entry here with a contra account.
    off_balance = "off_balance"


class Account(TenantMixin, TimestampMixin, db.Model):
    """An account of the organization's chart (MinFin Order 1203 defaults, editable by an admin)."""

    __table_args__ = (sa.UniqueConstraint("organization_id", "code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Account or sub-account number, e.g. 1512.
    code: so.Mapped[str] = so.mapped_column(sa.String(20))
    name_uk: so.Mapped[str] = so.mapped_column(sa.String(200))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    kind: so.Mapped[AccountKind] = so.mapped_column(str_enum(AccountKind, "account_kind"))
    #: The account holds lots of the stock ledger (inventories, fixed assets in a warehouse): its
    #: balance must equal the value of the stock booked into it (checked by ``flask tracker check``).
    holds_stock: so.Mapped[bool] = so.mapped_column(default=False)
    #: False while the code and its use are not confirmed by a source (DOMAIN.md ⚠).
    confirmed: so.Mapped[bool] = so.mapped_column(default=False)
    #: Source or caveat ("Order 1203 [S32]", "⚠ inferred, confirm with the chief accountant").
    note: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    active: so.Mapped[bool] = so.mapped_column(default=True)

    def display_name(self, locale: str) -> str:
        return self.name_en if locale != "uk" and self.name_en else self.name_uk

    def __str__(self) -> str:
        return f"{self.code} {self.name_uk}"


class PostingEvent(enum.StrEnum):
    """What happened to the goods (or money): each kind of posted document is one event."""

    acceptance = "acceptance"
    distribution = "distribution"
    transfer = "transfer"
    write_off = "write_off"
    count_shortage = "count_shortage"
    count_surplus = "count_surplus"
    return_to_donor = "return_to_donor"
    redistribution = "redistribution"
    #: The entry of a stock count (its lines book shortages and surpluses by their rules).
    count_adjustment = "count_adjustment"
    #: A manual entry of the finance department (FX differences, corrections); no rule applies.
    manual = "manual"


#: Events that take goods out of a lot: the rule names the debit (counter) account; the credit is
#: always the lot's own stock account.
OUTFLOW_EVENTS = frozenset({PostingEvent.distribution, PostingEvent.write_off, PostingEvent.count_shortage,
                            PostingEvent.return_to_donor, PostingEvent.redistribution})
#: Events that need a posting rule (every one of them must have at least a catch-all rule).
RULE_EVENTS = tuple(e for e in PostingEvent if e not in (PostingEvent.manual, PostingEvent.count_adjustment))


class PostingRule(TenantMixin, TimestampMixin, db.Model):
    """Which accounts an event is booked to, for lots matching every non-empty condition.

    The most specific matching rule wins (category weighs more than intended use, which weighs
    more than aid type). An empty debit or credit side means "the lot's own stock account" (the
    account it was accepted into): outflows name only the debit, a count surplus only the
    credit, a transfer neither; an acceptance names both.
    """

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event: so.Mapped[PostingEvent] = so.mapped_column(str_enum(PostingEvent, "posting_event"), index=True)
    aid_type: so.Mapped[AidType | None] = so.mapped_column(str_enum(AidType, "aid_type"))
    intended_use: so.Mapped[IntendedUse | None] = so.mapped_column(str_enum(IntendedUse, "intended_use"))
    #: Category code of the lot ("" = any category).
    category_code: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    debit_account_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("account.id"), index=True)
    credit_account_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("account.id"), index=True)
    #: Basis of the rule (⚠ when unconfirmed).
    note: so.Mapped[str] = so.mapped_column(sa.String(300), default="")

    debit_account: so.Mapped[Account | None] = so.relationship(foreign_keys=[debit_account_id], lazy="joined")
    credit_account: so.Mapped[Account | None] = so.relationship(foreign_keys=[credit_account_id], lazy="joined")

    @property
    def specificity(self) -> int:
        return (4 if self.category_code else 0) + (2 if self.intended_use else 0) + (1 if self.aid_type else 0)

    @property
    def confirmed(self) -> bool:
        """A rule is as certain as the accounts it names."""
        return all(a.confirmed for a in (self.debit_account, self.credit_account) if a is not None)


class JournalEntry(TenantMixin, db.Model):
    """One balanced entry of the journal; immutable (corrections are reversal entries)."""

    __table_args__ = (
        sa.UniqueConstraint("organization_id", "number"),
        sa.CheckConstraint("number > 0", name="number_positive"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Sequence number within the organization (1, 2, 3 …), gap-free; orders the hash chain.
    number: so.Mapped[int]
    #: Date the entry takes effect in the books.
    on: so.Mapped[date] = so.mapped_column(index=True)
    event: so.Mapped[PostingEvent] = so.mapped_column(str_enum(PostingEvent, "posting_event"))
    #: The document booked: ("consignment", id), ("distribution", id), … ("", None) for manual entries.
    source_type: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    source_id: so.Mapped[int | None]
    description: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    #: The entry this one reverses (at most one reversal per entry).
    reversal_of_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("journal_entry.id"), unique=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    #: SHA-256 of the previous entry of the organization ("" for the first).
    prev_hash: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    #: SHA-256 over prev_hash, this entry's fields and its postings.
    hash: so.Mapped[str] = so.mapped_column(sa.String(64))

    postings: so.Mapped[list[Posting]] = so.relationship(back_populates="entry", order_by="Posting.id")
    reversal_of: so.Mapped[JournalEntry | None] = so.relationship(
        remote_side=[id], back_populates="reversed_by", foreign_keys=[reversal_of_id])
    reversed_by: so.Mapped[JournalEntry | None] = so.relationship(
        back_populates="reversal_of", foreign_keys=[reversal_of_id], uselist=False)
    user = so.relationship("User")

    @property
    def total(self) -> Decimal:
        """Sum of the debits (= sum of the credits)."""
        return sum((p.amount for p in self.postings if p.amount > 0), Decimal("0.00"))


class Posting(TenantMixin, db.Model):
    """One line of an entry: an amount on an account, with the lot and warehouse it concerns."""

    __table_args__ = (sa.CheckConstraint("amount <> 0", name="amount_not_zero"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    entry_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("journal_entry.id"), index=True)
    account_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("account.id"), index=True)
    #: Signed UAH, 2 dp: + debit, − credit; never 0.
    amount: so.Mapped[Money]
    #: Analytics: the lot (consignment line) and warehouse, when the posting concerns one.
    line_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("consignment_line.id"), index=True)
    warehouse_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("warehouse.id"), index=True)
    #: The stock movement this posting books, if any.
    movement_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("stock_movement.id"), index=True)
    memo: so.Mapped[str] = so.mapped_column(sa.String(300), default="")

    entry: so.Mapped[JournalEntry] = so.relationship(back_populates="postings")
    account: so.Mapped[Account] = so.relationship(lazy="joined")
    line: so.Mapped[ConsignmentLine | None] = so.relationship()
    warehouse: so.Mapped[Warehouse | None] = so.relationship()


class PeriodStatus(enum.StrEnum):
    open = "open"
    closed = "closed"


class Period(TenantMixin, db.Model):
    """A calendar month of an organization's books; a row exists once the month is touched."""

    __table_args__ = (
        sa.UniqueConstraint("organization_id", "year", "month"),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    year: so.Mapped[int]
    month: so.Mapped[int]
    status: so.Mapped[PeriodStatus] = so.mapped_column(str_enum(PeriodStatus, "period_status"),
                                                       default=PeriodStatus.open)
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    closed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    closed_by = so.relationship("User")
    history: so.Mapped[list[PeriodEvent]] = so.relationship(back_populates="period", order_by="PeriodEvent.id")

    @property
    def is_closed(self) -> bool:
        return self.status == PeriodStatus.closed

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


class PeriodEvent(TenantMixin, db.Model):
    """A close or reopen of a period, with its reason (append-only)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    period_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("period.id"), index=True)
    #: close or reopen
    action: so.Mapped[str] = so.mapped_column(sa.String(20))
    reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    period: so.Mapped[Period] = so.relationship(back_populates="history")
    user = so.relationship("User")


# --------------------------------------------------------------------------- immutability

class ImmutableRowError(RuntimeError):
    """A journal entry, posting, stock movement or posted document was about to be changed."""


#: Columns of a posted stock document that its reversal may still change.
_POSTED_MUTABLE = frozenset({"status", "reversed_by_id", "version", "updated_at"})


@sa.event.listens_for(so.Session, "before_flush")
def _refuse_changes_to_the_books(session: so.Session, flush_context: object, instances: object) -> None:
    """The books are append-only: no UPDATE or DELETE of entries, postings or movements through
    the ORM, and a posted document changes only by being reversed. (Changes made behind the
    application's back are found by ``flask tracker check``.)"""
    from tracker.models.documents import StockDocumentMixin, StockDocumentStatus
    from tracker.models.stock import StockMovement

    append_only = (JournalEntry, Posting, StockMovement)
    for obj in session.deleted:
        if isinstance(obj, append_only):
            raise ImmutableRowError(f"{type(obj).__name__} {obj.id} cannot be deleted")
        if isinstance(obj, StockDocumentMixin) and obj.status != StockDocumentStatus.draft:
            raise ImmutableRowError(f"posted {type(obj).__name__} {obj.id} cannot be deleted")
    for obj in session.dirty:
        if not isinstance(obj, (*append_only, StockDocumentMixin)):
            continue
        state = sa.inspect(obj)
        changed = {attr.key for attr in state.mapper.column_attrs if state.attrs[attr.key].history.has_changes()}
        if not changed:
            continue  # e.g. only a relationship's other side moved (a reversal now points here)
        if isinstance(obj, append_only):
            raise ImmutableRowError(f"{type(obj).__name__} {obj.id} cannot be changed")
        status_history = state.attrs.status.history
        was = status_history.deleted[0] if status_history.deleted else obj.status
        if was != StockDocumentStatus.draft and changed - _POSTED_MUTABLE:
            raise ImmutableRowError(f"posted {type(obj).__name__} {obj.id} cannot be changed: "
                                    f"{', '.join(sorted(changed - _POSTED_MUTABLE))}")
