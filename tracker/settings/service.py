"""Date-effective settings: legal thresholds that change with the law (DOMAIN.md ⚠ rules).

A value applies from its ``valid_from`` date until a later row for the same key takes over. An
organization's own rows win over the rows for everyone (organization None), which win over the
defaults in :data:`DEFAULTS`. Every lookup names the date it is for: a consignment cleared in
2026 keeps the deadline of the rule in force in 2026 even after the law changes.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.audit.service import record, snapshot
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.models import Setting
from tracker.validators import Errors, check_date, check_length


def _parse_days(text: str) -> int:
    value = int(text.strip())
    if not 0 < value <= 3650:
        raise ValueError(text)
    return value


def _parse_days_list(text: str) -> tuple[int, ...]:
    values = tuple(_parse_days(part) for part in text.split(",") if part.strip())
    if not values or list(values) != sorted(set(values)):
        raise ValueError(text)
    return values


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: str
    label: Any
    help: Any
    parse: Callable[[str], Any]


SPECS: dict[str, SettingSpec] = {spec.key: spec for spec in (
    SettingSpec("ha_report_due_days", "90", _l("HA report due (days after customs clearance)"),
                _l("Res. 953: report on availability and distribution within 90 calendar days [S7]."), _parse_days),
    SettingSpec("ha_report_warn_days", "60,80", _l("HA report warnings (days after clearance)"),
                _l("Ascending, comma-separated: the first warns, the last is urgent."), _parse_days_list),
    SettingSpec("ita_publication_days", "10", _l("ITA property publication due (days after acceptance)"),
                _l("Res. 153 p. 44: publish within 10 calendar days of the balance entry [S17]."), _parse_days),
)}
#: key → default value (text, as stored).
DEFAULTS: dict[str, str] = {key: spec.default for key, spec in SPECS.items()}


def get_setting(key: str, on: date, organization_id: int | None) -> str:
    """The text value of ``key`` in force on ``on`` for the organization (its own row, else the
    row for everyone, else the default)."""
    if key not in SPECS:
        raise KeyError(key)
    for org_id in ((organization_id, None) if organization_id is not None else (None,)):
        value = db.session.scalar(
            sa.select(Setting.value)
            .where(Setting.key == key, Setting.valid_from <= on,
                   Setting.organization_id.is_(None) if org_id is None else Setting.organization_id == org_id)
            .order_by(Setting.valid_from.desc()).limit(1))
        if value is not None:
            return value
    return DEFAULTS[key]


def get_value(key: str, on: date, organization_id: int | None) -> Any:
    """The parsed value (int days, tuple of days); a stored value that no longer parses falls
    back to the default rather than breaking every page."""
    spec = SPECS[key]
    try:
        return spec.parse(get_setting(key, on, organization_id))
    except ValueError:
        return spec.parse(spec.default)


@dataclass(frozen=True)
class SettingData:
    key: str
    value: str
    valid_from: date
    note: str = ""


def set_setting(organization_id: int, user_id: int | None, data: SettingData) -> Setting:
    """Record a value of ``key`` for the organization effective from ``valid_from`` (a row of
    the same date is corrected). Errors: unknown key, unparsable value, bad date."""
    errors = Errors()
    spec = SPECS.get(data.key)
    if spec is None:
        errors.add("key", _("Unknown setting."))
    else:
        try:
            spec.parse(data.value or "")
        except ValueError:
            errors.add("value", _("Enter whole days between 1 and 3650 (a list ascending, separated by commas)."))
    if not isinstance(data.valid_from, date):
        errors.add("valid_from", _("Enter a date."))
    else:
        errors.add("valid_from", check_date(data.valid_from))
    errors.add("note", check_length(data.note, 300))
    errors.raise_if_any()
    value = ",".join(p.strip() for p in data.value.split(",")) if "," in data.value else data.value.strip()
    row = db.session.scalar(sa.select(Setting).where(
        Setting.organization_id == organization_id, Setting.key == data.key, Setting.valid_from == data.valid_from))
    before = snapshot(row) if row is not None else None
    if row is None:
        row = Setting(organization_id=organization_id, key=data.key, value=value, valid_from=data.valid_from,
                      note=data.note)
        db.session.add(row)
    else:
        row.value = value
        row.note = data.note
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="create" if before is None else "update",
           obj=row, before=before, after=snapshot(row))
    return row


def delete_setting(row: Setting, user_id: int | None) -> None:
    """Remove an organization's row (the previous one, or the default, applies again)."""
    if row.organization_id is None:
        raise ValidationFailed("key", _("Settings for everyone are changed by the system administrator."))
    before = snapshot(row)
    db.session.delete(row)
    db.session.flush()
    record(organization_id=before["organization_id"], user_id=user_id, action="delete", object_type="Setting",
           object_id=before["id"], before=before)


def history(organization_id: int) -> list[Setting]:
    """All rows that can apply to the organization, by key and newest first."""
    return list(db.session.scalars(sa.select(Setting).where(
        sa.or_(Setting.organization_id == organization_id, Setting.organization_id.is_(None)),
        Setting.key.in_(list(SPECS))).order_by(Setting.key, Setting.valid_from.desc())))
