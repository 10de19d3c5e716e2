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
    # consignments (issue 3)
    "humanitarian": _l("Humanitarian aid"),
    "technical": _l("International technical assistance"),
    "charitable": _l("Charitable aid"),
    "abroad": _l("From abroad"),
    "domestic": _l("Domestic"),
    "goods": _l("Goods"),
    "services": _l("Services"),
    "cash": _l("Cash"),
    "draft": _l("Draft"),
    "in_transit": _l("In transit"),
    "at_customs": _l("At customs"),
    "cleared": _l("Cleared"),
    "accepted": _l("Accepted"),
    "closed": _l("Closed"),
    "cancelled": _l("Cancelled"),
    "donor_value": _l("Donor value"),
    "fair_value": _l("Fair value (commission)"),
    "new": _l("New"),
    "used": _l("Used"),
    "own_use": _l("Own use"),
    "distribution": _l("For distribution"),
    # customs
    "ha_declaration": _l("HA declaration (Automated System)"),
    "customs_declaration": _l("Customs declaration"),
    "ita": _l("ITA registration / customs papers"),
    "submitted": _l("Submitted"),
    "rejected": _l("Rejected"),
    "missing": _l("Missing"),
    "received": _l("Received"),
    "verified": _l("Verified"),
    "expired": _l("Expired"),
    "present": _l("Present"),
    "extra": _l("Not required"),
    "any": _l("Any"),
    # deadlines
    "ha_report": _l("HA report on availability and distribution"),
    "ita_publication": _l("ITA property publication"),
    "done": _l("Done"),
    "ok": _l("On time"),
    "warning": _l("Due soon"),
    "urgent": _l("Urgent"),
    "overdue": _l("Overdue"),
    # stock movements
    "receipt": _l("Receipt"),
    "issue": _l("Issue"),
    "transfer": _l("Transfer"),
    "write_off": _l("Write-off"),
    "count_adjustment": _l("Count adjustment"),
    "return_to_donor": _l("Return to donor"),
    "redistribution": _l("Redistribution"),
    # stock documents and the books (issue 4)
    "posted": _l("Posted"),
    "reversed": _l("Reversed"),
    "institution": _l("Institution (with EDRPOU)"),
    "military_unit": _l("Military unit"),
    "hromada": _l("Another hromada"),
    "individuals": _l("Individuals"),
    "idps": _l("Internally displaced people"),
    "people_with_disabilities": _l("People with disabilities"),
    "large_families": _l("Large families"),
    "low_income": _l("Low-income families"),
    "elderly": _l("Elderly people"),
    "children": _l("Children"),
    "military_families": _l("Families of servicemen"),
    "veterans": _l("Veterans"),
    "patients": _l("Patients"),
    "other": _l("Other"),
    "damaged": _l("Damaged"),
    "consumed": _l("Consumed"),
    "lost": _l("Lost"),
    "substandard_destroyed": _l("Substandard, destroyed"),
    "asset": _l("Asset"),
    "liability": _l("Liability"),
    "equity": _l("Net assets"),
    "revenue": _l("Revenue"),
    "expense": _l("Expense"),
    "off_balance": _l("Off-balance"),
    "open": _l("Open"),
    # languages
    "uk": _l("Ukrainian"),
    "en": _l("English"),
    "de": _l("German"),
}


#: Labels of members whose value means something else in another enum (``expired`` is a
#: document's status but also the reason for a write-off): looked up by class name first.
MEMBER_LABELS: dict[tuple[str, str], Any] = {
    ("WriteOffReason", "expired"): _l("Expiry date passed"),
}


def label(value: Any) -> str:
    """The translated label of an enum member or its value; the raw value if none is known."""
    if isinstance(value, enum.Enum):
        member = MEMBER_LABELS.get((type(value).__name__, str(value.value)))
        if member is not None:
            return str(member)
    key = value.value if isinstance(value, enum.Enum) else value
    found = LABELS.get(str(key)) if key is not None else None
    return str(found) if found is not None else ("" if key is None else str(key))


def choices(enum_cls: type[enum.Enum]) -> list[SelectChoice]:
    """Options of a select field; labels are resolved lazily in the request's language."""
    return [SelectChoice(m.value, LazyLabel(m)) for m in enum_cls]


class LazyLabel(str):
    """A str subclass that renders the label in the current request's language."""

    def __new__(cls, key: Any) -> "LazyLabel":
        """``key``: an enum member (its own label, see MEMBER_LABELS) or a value."""
        obj = super().__new__(cls, key.value if isinstance(key, enum.Enum) else key)
        obj._key = key  # type: ignore[attr-defined]
        return obj

    def __str__(self) -> str:
        return label(self._key)  # type: ignore[attr-defined]

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(label(self._key)))  # type: ignore[attr-defined]
