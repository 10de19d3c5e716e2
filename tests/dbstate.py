"""A digest of the database's rows, to prove that a refused request changed nothing."""
from __future__ import annotations

import hashlib

import sqlalchemy as sa

from tracker.extensions import db


def database_state(skip_tables: frozenset[str] = frozenset(),
                   skip_columns: frozenset[tuple[str, str]] = frozenset()) -> str:
    """SHA-256 over every row of every table (in primary-key order), read on its own connection."""
    digest = hashlib.sha256()
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name in skip_tables:
                continue
            columns = [c for c in table.columns if (table.name, c.name) not in skip_columns]
            for row in conn.execute(sa.select(*columns).order_by(*table.primary_key.columns)):
                digest.update(repr((table.name, tuple(row))).encode())
    return digest.hexdigest()
