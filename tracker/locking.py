"""Pessimistic locks and gap-free counters for posting, the same on PostgreSQL and SQLite.

Posting a stock document reads balances and then writes movements; two postings of the same
lot must not both read the old balance. On PostgreSQL :func:`lock_rows` takes ``SELECT … FOR
UPDATE`` row locks (always in ascending id order, so two postings never deadlock), and every
later statement of the transaction sees what the previous holder committed (READ COMMITTED).
SQLite has no row locks: there the first write of a transaction takes the database's single
write lock, and Python's sqlite3 driver starts the transaction only at that first write, so
:func:`lock_rows` issues a no-op ``UPDATE`` on the rows. Whatever is read after it is current,
and the next writer waits (busy timeout) until this transaction commits or rolls back.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import sqlalchemy as sa

from tracker.concurrency import insert_or_ignore
from tracker.extensions import db

T = TypeVar("T")


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def lock_rows(model: type[T], ids: Iterable[int], *, shared: bool = False) -> list[T]:
    """Lock the rows of ``model`` with these ids until the end of the transaction and return
    them freshly loaded (state committed by others before the lock is visible).

    ``shared`` takes a FOR SHARE lock on PostgreSQL (readers that only need the row to stay
    as it is, e.g. an open period while posting into it).
    """
    keys = sorted({int(i) for i in ids})
    if not keys:
        return []
    table = model.__table__  # type: ignore[attr-defined]
    if dialect_name() == "sqlite":
        # A write that changes nothing (plain SQL, so no onupdate timestamps fire): takes
        # SQLite's write lock for this transaction.
        db.session.execute(sa.text(f'UPDATE "{table.name}" SET id = id WHERE id IN :keys')
                           .bindparams(sa.bindparam("keys", expanding=True)), {"keys": keys})
        query = sa.select(model).where(table.c.id.in_(keys)).order_by(table.c.id)
    else:
        query = (sa.select(model).where(table.c.id.in_(keys)).order_by(table.c.id)
                 .with_for_update(read=shared, of=table))
    return list(db.session.scalars(query.execution_options(populate_existing=True)))


def next_number(model: type[Any], *, organization_id: int, kind: str, year: int) -> int:
    """Hand out the next number of a counter row (created on first use). The UPDATE keeps the
    row locked until commit, so concurrent callers get consecutive numbers, never the same."""
    insert_or_ignore(model, {"organization_id": organization_id, "kind": kind, "year": year, "last_number": 0},
                     ["organization_id", "kind", "year"])
    table = model.__table__
    where = sa.and_(table.c.organization_id == organization_id, table.c.kind == kind, table.c.year == year)
    db.session.execute(sa.update(table).where(where).values(last_number=table.c.last_number + 1))
    return int(db.session.execute(sa.select(table.c.last_number).where(where)).scalar_one())
