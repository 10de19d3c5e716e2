"""Concurrency helpers: race-free "insert unless present", and optimistic locking for edits.

Optimistic locking (two users editing one draft)
-------------------------------------------------
A row that several people may edit at once (a draft consignment, a draft distribution) carries
a version number; every UPDATE checks and bumps it, so the second of two concurrent saves
changes nothing and is told why instead of silently overwriting the first (a lost update)::

    class Consignment(VersionedMixin, TenantMixin, TimestampMixin, db.Model):
        ...                                           # the mixin adds ``version`` and the counter

    # the edit form carries the version the user saw
    class ConsignmentForm(FlaskForm):
        version = HiddenField()

    # the service, before changing anything
    def update_consignment(consignment, data, user_id):
        check_version(consignment, data.version)      # Conflict (409) when it moved on
        ...

* ``check_version`` covers the long gap between opening a form and saving it (the usual case:
  minutes); it raises :class:`tracker.errors.Conflict` with a message telling the user to
  reload, and the view shows it like any other domain error (nothing saved).
* SQLAlchemy's ``version_id_col`` covers the short gap between reading the row and flushing
  the UPDATE (two requests at the same moment): the UPDATE says ``WHERE version = :seen``; if
  another transaction got there first no row matches and SQLAlchemy raises
  ``StaleDataError``, which the application answers with 409 (see ``tracker.web.setup``).
* The API sends ``version`` in the object and expects it back on PUT/PATCH (or an
  ``If-Match`` header with the same number).

The migration adds ``version INTEGER NOT NULL DEFAULT 1`` (server default so existing rows get
1). Posted documents do not need it: they never change after posting.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from tracker.errors import Conflict
from tracker.extensions import db


def insert_or_ignore(model: type[Any], values: dict[str, Any], index_elements: list[str]) -> bool:
    """``INSERT … ON CONFLICT DO NOTHING``; True when this call inserted the row.

    Race-free on both databases without savepoints: on PostgreSQL a concurrent uncommitted
    insert of the same key makes this wait for it and then do nothing; on SQLite the statement
    takes the database's write lock first, so whatever is read after it is current until commit.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(dialect)
    # RETURNING tells whether a row was inserted (rowcount is unreliable for ON CONFLICT on psycopg)
    table = model.__table__
    statement = insert(table).values(**values).on_conflict_do_nothing(index_elements=index_elements) \
        .returning(*table.primary_key.columns)
    return db.session.execute(statement).first() is not None


class VersionedMixin:
    """A ``version`` column for optimistic locking; see the module docstring for the pattern."""

    #: Incremented by every UPDATE of the row (SQLAlchemy's version counter); starts at 1.
    version: so.Mapped[int] = so.mapped_column(default=1, server_default=sa.text("1"))

    @so.declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # the model's own copy of the column becomes SQLAlchemy's version counter
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


def check_version(obj: Any, seen: Any) -> None:
    """Refuse a change based on an outdated copy: ``seen`` is the version the user started from.

    None (a client that sends no version) is allowed; anything else must equal the current
    version, otherwise :class:`Conflict` (409) and nothing is changed.
    """
    if seen is None or seen == "":
        return
    try:
        number = int(seen)
    except (TypeError, ValueError):
        number = -1
    if number != obj.version:
        raise Conflict(_("Someone else saved this record after you opened it. Reload the page to see "
                         "their changes, then make yours again."), {"version": [_("outdated")]})
