"""Translated labels of enum values, shared by templates, forms and exports."""
from __future__ import annotations

import enum
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

LABELS: dict[str, Any] = {
    # roles
    "admin": _l("Administrator"),
    "accountant": _l("Accountant"),
    "finance_head": _l("Finance head"),
    "auditor": _l("Auditor"),
    # organization kinds
    "council": _l("Council"),
    "budget_institution": _l("Budget institution"),
    "communal_enterprise": _l("Communal enterprise"),
    "ngo": _l("NGO"),
    # partner kinds
    "municipality": _l("Municipality"),
    "government": _l("Government"),
    "international_org": _l("International organization"),
    "company": _l("Company"),
    "individual": _l("Individual"),
    # agreement kinds
    "partnership": _l("Partnership"),
    "donation": _l("Donation"),
    "technical_assistance": _l("Technical-assistance project"),
    "grant": _l("Grant"),
    # rate sources
    "nbu": _l("NBU import"),
    "manual": _l("Manual entry"),
    # languages
    "uk": _l("Ukrainian"),
    "en": _l("English"),
    "de": _l("German"),
}


def label(value: Any) -> str:
    """The translated label of an enum member or its value; the raw value if none is known."""
    key = value.value if isinstance(value, enum.Enum) else value
    found = LABELS.get(str(key)) if key is not None else None
    return str(found) if found is not None else ("" if key is None else str(key))


def choices(enum_cls: type[enum.Enum]) -> list[SelectChoice]:
    """Options of a select field; labels are resolved lazily in the request's language."""
    return [SelectChoice(m.value, LazyLabel(m.value)) for m in enum_cls]


class LazyLabel(str):
    """A str subclass that renders the label in the current request's language."""

    def __new__(cls, key: str) -> "LazyLabel":
        obj = super().__new__(cls, key)
        obj._key = key  # type: ignore[attr-defined]
        return obj

    def __str__(self) -> str:
        return label(self._key)  # type: ignore[attr-defined]

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(label(self._key)))  # type: ignore[attr-defined]
