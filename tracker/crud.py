"""Create, update and delete for master data (partners, agreements, catalogue, warehouses).

A :class:`Resource` names a model, the frozen dataclass its input arrives in, the function
that validates that input, and the fields that must be unique in the organization. The generic
operations here enforce those rules, refuse deleting referenced rows, and audit every change;
they flush and never commit (the caller commits once).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.audit.service import record, snapshot
from tracker.errors import Conflict
from tracker.extensions import db
from tracker.validators import Errors

#: Names of referencing tables in refusal messages.
TABLE_LABELS: dict[str, Any] = {
    "partner": _l("partners"),
    "agreement": _l("agreements"),
    "item": _l("catalogue items"),
    "category": _l("categories"),
    "unit": _l("units"),
    "warehouse": _l("warehouses"),
    "consignment": _l("consignments"),
    "consignment_line": _l("consignment lines"),
    "stock_movement": _l("stock movements"),
    "item_alias": _l("remembered item names"),
    "report_recipient": _l("report recipients"),
    "report_schedule": _l("report schedule"),
    "report_delivery": _l("report deliveries"),
}


@dataclass(frozen=True)
class Resource:
    model: type[Any]
    data_class: type[Any]
    #: validate(data, organization_id, existing_or_None) -> Errors (value and reference rules)
    validate: Callable[[Any, int, Any], Errors]
    #: fields unique within the organization: "field", or ("field", ("scope_field", ...)) for
    #: uniqueness within a narrower scope (an agreement number per partner)
    unique: tuple[str | tuple[str, tuple[str, ...]], ...] = ()
    #: data fields that are stored under another attribute name
    column_map: dict[str, str] = dataclasses.field(default_factory=dict)


def _values(resource: Resource, data: Any) -> dict[str, Any]:
    values = dataclasses.asdict(data)
    return {resource.column_map.get(k, k): v for k, v in values.items()}


def _check(resource: Resource, data: Any, organization_id: int, existing: Any) -> None:
    errors = resource.validate(data, organization_id, existing)
    model = resource.model
    for rule in resource.unique:
        field, scope = (rule, ()) if isinstance(rule, str) else rule
        value = getattr(data, field)
        if value in (None, "") or any(name in errors for name in (field, *scope)):
            continue  # a refused value (an id out of range, another organization's) is not compared
        query = sa.select(sa.func.count()).select_from(model).where(
            model.organization_id == organization_id, _column(resource, field) == value,
            *(_column(resource, other) == getattr(data, other) for other in scope),
        )
        if existing is not None:
            query = query.where(model.id != existing.id)
        if db.session.scalar(query):
            errors.add(field, _("%(value)s already exists.", value=value))
    errors.raise_if_any()


def _column(resource: Resource, field: str) -> Any:
    return getattr(resource.model, resource.column_map.get(field, field))


def create(resource: Resource, organization_id: int, user_id: int | None, data: Any) -> Any:
    """Validate and insert one row of the organization; audits ``create``."""
    _check(resource, data, organization_id, None)
    obj = resource.model(organization_id=organization_id, **_values(resource, data))
    db.session.add(obj)
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="create", obj=obj, after=snapshot(obj))
    return obj


def update(resource: Resource, obj: Any, user_id: int | None, data: Any) -> Any:
    """Validate and apply new values; audits ``update`` with before and after."""
    _check(resource, data, obj.organization_id, obj)
    before = snapshot(obj)
    for key, value in _values(resource, data).items():
        setattr(obj, key, value)
    db.session.flush()
    after = snapshot(obj)
    if after != before:
        record(organization_id=obj.organization_id, user_id=user_id, action="update", obj=obj,
               before=before, after=after)
    return obj


def references(obj: Any) -> list[tuple[str, int]]:
    """(table, row count) of every table whose foreign keys point at ``obj``."""
    found: list[tuple[str, int]] = []
    target = obj.__table__
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is not target or table.name == "audit_event":
                continue
            count = db.session.scalar(
                sa.select(sa.func.count()).select_from(table).where(fk.parent == obj.id)
            )
            if count:
                found.append((table.name, int(count)))
    return found


def delete(obj: Any, user_id: int | None) -> None:
    """Delete a row nothing refers to; otherwise Conflict naming what uses it."""
    used = references(obj)
    if used:
        what = ", ".join(f"{TABLE_LABELS.get(name, name)} ({count})" for name, count in used)
        raise Conflict(_("Cannot delete: it is still used by %(what)s.", what=what))
    before = snapshot(obj)
    organization_id = obj.organization_id
    db.session.delete(obj)
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="delete",
           object_type=obj.__class__.__name__, object_id=before.get("id"), before=before)
