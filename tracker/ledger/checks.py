"""Integrity checks of the books, run by ``flask tracker check``.

Pure functions over plain rows, each returning every problem (never raising); the registered
checks load the rows. Together they prove: every entry balances; the journal's numbers and hash
chain are intact (an entry or posting edited or deleted behind the application's back breaks
it); the trial balance balances; the stock accounts hold exactly the value of the stock, per
lot and warehouse; every posted document with a value has its one entry.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.checks import Problem, integrity_check
from tracker.extensions import db
from tracker.ledger.service import entry_digest, trial_balance
from tracker.models import Account, JournalEntry, Organization, Posting, StockDocumentStatus, StockMovement

ZERO_UAH = Decimal("0.00")


@dataclass(frozen=True)
class EntryFacts:
    organization_id: int
    id: int
    number: int
    prev_hash: str
    hash: str
    #: The hash recomputed from the stored entry and postings.
    computed: str
    amounts: tuple[Decimal, ...]


def check_entries_balanced(entries: Iterable[EntryFacts]) -> list[Problem]:
    """Each entry has at least two postings, none zero, summing to zero."""
    problems = []
    for entry in entries:
        total = sum(entry.amounts, ZERO_UAH)
        if len(entry.amounts) < 2:
            problems.append(Problem("journal entry", entry.number, entry.organization_id,
                                    f"has {len(entry.amounts)} posting(s)"))
        if any(a == 0 for a in entry.amounts):
            problems.append(Problem("journal entry", entry.number, entry.organization_id, "has a zero posting"))
        if total != 0:
            problems.append(Problem("journal entry", entry.number, entry.organization_id,
                                    f"does not balance: debits − credits = {total} UAH"))
    return problems


def check_chain(entries: Sequence[EntryFacts]) -> list[Problem]:
    """Per organization: numbers 1, 2, 3 … without gaps; each entry links to the previous one's
    hash; each entry's hash matches its content."""
    problems = []
    by_org: dict[int, list[EntryFacts]] = defaultdict(list)
    for entry in entries:
        by_org[entry.organization_id].append(entry)
    for organization_id, rows in sorted(by_org.items()):
        previous = ""
        expected_number = 1
        for entry in sorted(rows, key=lambda e: e.number):
            if entry.number != expected_number:
                problems.append(Problem("journal entry", entry.number, organization_id,
                                        f"number out of sequence: expected {expected_number} (entries missing)"))
            if entry.prev_hash != previous:
                problems.append(Problem("journal entry", entry.number, organization_id,
                                        "link to the previous entry broken"))
            if entry.computed != entry.hash:
                problems.append(Problem("journal entry", entry.number, organization_id,
                                        "content does not match its hash (changed after posting)"))
            previous = entry.hash
            expected_number = entry.number + 1
    return problems


def check_stock_equals_books(stock: dict[tuple[int, int, int], Decimal],
                             books: dict[tuple[int, int, int], Decimal]) -> list[Problem]:
    """The stock accounts hold exactly the UAH value of the stock: per (organization, lot,
    warehouse), the postings on accounts that hold stock equal the movements' value."""
    problems = []
    for key in sorted(set(stock) | set(books)):
        organization_id, line_id, warehouse_id = key
        in_stock = stock.get(key, ZERO_UAH)
        booked = books.get(key, ZERO_UAH)
        if in_stock != booked:
            problems.append(Problem("lot", line_id, organization_id,
                                    f"warehouse {warehouse_id}: stock value {in_stock} UAH but the stock accounts "
                                    f"hold {booked} UAH"))
    return problems


# --------------------------------------------------------------------------- loading

def entry_facts() -> list[EntryFacts]:
    facts = []
    query = sa.select(JournalEntry).options(so.selectinload(JournalEntry.postings)).order_by(JournalEntry.id)
    for entry in db.session.scalars(query):
        facts.append(EntryFacts(entry.organization_id, entry.id, entry.number, entry.prev_hash, entry.hash,
                                entry_digest(entry.prev_hash, entry, entry.postings),
                                tuple(p.amount for p in entry.postings)))
    return facts


@integrity_check("books: entries balanced")
def entries_balanced_check() -> list[Problem]:
    return check_entries_balanced(entry_facts())


@integrity_check("books: journal chain")
def journal_chain_check() -> list[Problem]:
    return check_chain(entry_facts())


@integrity_check("books: trial balance balanced")
def trial_balance_check() -> list[Problem]:
    problems = []
    for organization_id, in db.session.execute(sa.select(Organization.id).order_by(Organization.id)):
        balance = trial_balance(organization_id, None, None)
        debit, credit = balance.total("debit"), balance.total("credit")
        closing_debit, closing_credit = balance.total("closing_debit"), balance.total("closing_credit")
        if debit != credit:
            problems.append(Problem("trial balance", "", organization_id,
                                    f"debit turnover {debit} ≠ credit turnover {credit}"))
        if closing_debit != closing_credit:
            problems.append(Problem("trial balance", "", organization_id,
                                    f"closing debit balances {closing_debit} ≠ closing credit balances "
                                    f"{closing_credit}"))
    return problems


@integrity_check("books: stock accounts = stock value")
def stock_equals_books_check() -> list[Problem]:
    cents = sa.func.sum(sa.type_coerce(StockMovement.value_uah, sa.BigInteger))
    stock = {(o, l, w): Decimal(int(v or 0)) / 100 for o, l, w, v in db.session.execute(
        sa.select(StockMovement.organization_id, StockMovement.line_id, StockMovement.warehouse_id, cents)
        .group_by(StockMovement.organization_id, StockMovement.line_id, StockMovement.warehouse_id))}
    posted = sa.func.sum(sa.type_coerce(Posting.amount, sa.BigInteger))
    books = {}
    unassigned = []
    for o, l, w, v in db.session.execute(
            sa.select(Posting.organization_id, Posting.line_id, Posting.warehouse_id, posted)
            .join(Account, Account.id == Posting.account_id).where(Account.holds_stock.is_(True))
            .group_by(Posting.organization_id, Posting.line_id, Posting.warehouse_id)):
        if l is None or w is None:
            unassigned.append(Problem("stock accounts", "", o, f"{Decimal(int(v or 0)) / 100} UAH posted without a "
                                                               f"lot and warehouse"))
            continue
        books[(o, l, w)] = Decimal(int(v or 0)) / 100
    stock = {k: v.quantize(Decimal("0.01")) for k, v in stock.items() if v}
    books = {k: v.quantize(Decimal("0.01")) for k, v in books.items() if v}
    return unassigned + check_stock_equals_books(stock, books)


@integrity_check("books: one entry per posted document")
def document_entries_check() -> list[Problem]:
    from tracker.stock.documents import KINDS

    entries: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    for organization_id, source_type, source_id, entry_id in db.session.execute(
            sa.select(JournalEntry.organization_id, JournalEntry.source_type, JournalEntry.source_id, JournalEntry.id)
            .where(JournalEntry.source_type.in_(list(KINDS)))):
        entries[(organization_id, source_type, source_id)].append(entry_id)
    problems = []
    for spec in KINDS.values():
        model = spec.model
        query = sa.select(model).where(model.status != StockDocumentStatus.draft).options(
            so.selectinload(model.lines))
        for doc in db.session.scalars(query):
            found = entries.get((doc.organization_id, spec.kind, doc.id), [])
            valued = any((line.value_uah or 0) != 0 for line in doc.lines)
            label = f"{spec.kind} {doc.number or doc.id}"
            if len(found) > 1:
                problems.append(Problem(label, "", doc.organization_id, f"has {len(found)} journal entries"))
            elif valued and not found:
                problems.append(Problem(label, "", doc.organization_id, "has a value but no journal entry"))
            elif found and doc.journal_entry_id != found[0]:
                problems.append(Problem(label, "", doc.organization_id, "does not point at its journal entry"))
    return problems
