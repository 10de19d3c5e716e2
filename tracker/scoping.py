"""Tenant scoping: the one place where queries on organization-owned rows are restricted.

Every tenant-owned model carries ``organization_id``; views, API handlers and services read
through :func:`scoped` and :func:`get_scoped`, so an id of another organization behaves exactly
like an id that does not exist (404).
"""
from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.errors import NotFound
from tracker.extensions import db

T = TypeVar("T")


def scoped(model: type[T], organization_id: int) -> sa.Select[tuple[T]]:
    """``SELECT model WHERE organization_id = :org`` — the start of every tenant query."""
    return sa.select(model).where(model.organization_id == organization_id)  # type: ignore[attr-defined]


def get_scoped(model: type[T], object_id: Any, organization_id: int) -> T:
    """The object with this id in this organization, or NotFound (also for foreign ids)."""
    try:
        key = int(object_id)
    except (TypeError, ValueError):
        raise _not_found(model, object_id) from None
    if not 0 < key < 2**31:
        raise _not_found(model, object_id)
    obj = db.session.get(model, key)
    if obj is None or obj.organization_id != organization_id:  # type: ignore[attr-defined]
        raise _not_found(model, object_id)
    return obj


def _not_found(model: type[Any], object_id: Any) -> NotFound:
    return NotFound(_("No such object in your organization: %(object)s %(id)s.",
                      object=model.__name__, id=object_id))
