"""Partners (donors) and their agreements: the rules for creating, editing and deleting them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from tracker import crud
from tracker.errors import NotFound
from tracker.models import Agreement, AgreementKind, Partner, PartnerKind
from tracker.money import minor_units
from tracker.scoping import get_scoped
from tracker.validators import (
    Errors,
    check_amount,
    check_country,
    check_currency,
    check_date,
    check_email,
    check_length,
    check_required,
)

REPORT_LANGUAGES = ("uk", "en", "de")


@dataclass(frozen=True)
class PartnerData:
    name: str
    kind: PartnerKind
    country: str
    city: str = ""
    contact_name: str = ""
    contact_email: str = ""
    report_language: str = "en"
    iati_ref: str = ""


def validate_partner(data: PartnerData, organization_id: int, existing: Partner | None) -> Errors:
    errors = Errors()
    errors.add("name", check_required(data.name) or check_length(data.name, 200))
    errors.add("kind", None if isinstance(data.kind, PartnerKind) else _("Choose a kind."))
    errors.add("country", check_country(data.country))
    errors.add("city", check_length(data.city, 100))
    errors.add("contact_name", check_length(data.contact_name, 200))
    errors.add("contact_email", check_length(data.contact_email, 254) or check_email(data.contact_email))
    if data.report_language not in REPORT_LANGUAGES:
        errors.add("report_language", _("Report language must be one of uk, en, de."))
    errors.add("iati_ref", check_length(data.iati_ref, 100))
    return errors


PARTNER = crud.Resource(Partner, PartnerData, validate_partner, unique=("name",))


@dataclass(frozen=True)
class AgreementData:
    partner_id: int
    kind: AgreementKind
    number: str
    signed_on: date | None = None
    title: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    budget_amount: Decimal | None = None
    budget_currency: str | None = None
    ita_registration_number: str = ""
    ita_registered_on: date | None = None
    budget_revenue_code: str = ""


def validate_agreement(data: AgreementData, organization_id: int, existing: Agreement | None) -> Errors:
    errors = Errors()
    try:
        get_scoped(Partner, data.partner_id, organization_id)
    except NotFound:
        errors.add("partner_id", _("Choose a partner of your organization."))
    errors.add("kind", None if isinstance(data.kind, AgreementKind) else _("Choose a kind."))
    errors.add("number", check_required(data.number) or check_length(data.number, 100))
    errors.add("title", check_length(data.title, 300))
    for field in ("signed_on", "valid_from", "valid_to", "ita_registered_on"):
        errors.add(field, check_date(getattr(data, field)))
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        errors.add("valid_to", _("The end of the period is before its start."))
    if data.budget_amount is not None:
        currency_error = check_currency(data.budget_currency)
        errors.add("budget_currency", currency_error)
        if not currency_error:
            errors.add("budget_amount", check_amount(data.budget_amount, minor_units(data.budget_currency or "UAH")))
    elif data.budget_currency:
        errors.add("budget_currency", check_currency(data.budget_currency))
    errors.add("ita_registration_number", check_length(data.ita_registration_number, 50))
    if data.kind == AgreementKind.technical_assistance and data.ita_registration_number and not data.ita_registered_on:
        errors.add("ita_registered_on", _("Enter the date of the state registration."))
    if data.budget_revenue_code and not (data.budget_revenue_code.isdigit() and len(data.budget_revenue_code) == 8):
        errors.add("budget_revenue_code", _("Budget revenue code must be 8 digits, e.g. 42020000."))
    return errors


AGREEMENT = crud.Resource(Agreement, AgreementData, validate_agreement, unique=(("number", ("partner_id",)),))
