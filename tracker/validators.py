"""Value rules shared by services (which enforce them), forms and API schemas (which explain them).

Each ``check_*`` returns None when the value is acceptable and a translated message otherwise.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from tracker.money import is_currency, places_of

_COUNTRIES = frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())
EARLIEST_DATE = date(1991, 8, 24)
LATEST_DATE = date(2100, 12, 31)


def edrpou_check_digit(first7: str) -> int:
    """The official ЄДРПОУ check digit (weights 1..7, or 7,1..6 for codes 30000000–60000000;
    when the remainder is 10 the weights are increased by 2; a second 10 gives 0)."""
    number = int(first7 + "0")
    base = [7, 1, 2, 3, 4, 5, 6] if 30_000_000 <= number < 60_000_000 else [1, 2, 3, 4, 5, 6, 7]
    digits = [int(c) for c in first7]
    remainder = sum(d * w for d, w in zip(digits, base, strict=True)) % 11
    if remainder == 10:
        remainder = sum(d * (w + 2) for d, w in zip(digits, base, strict=True)) % 11
        if remainder == 10:
            remainder = 0
    return remainder


def check_edrpou(code: str | None) -> str | None:
    if not code or not re.fullmatch(r"\d{8}", code):
        return _("EDRPOU must be exactly 8 digits.")
    if edrpou_check_digit(code[:7]) != int(code[7]):
        return _("EDRPOU %(code)s has a wrong check digit.", code=code)
    return None


def check_country(code: str | None) -> str | None:
    if not code or code not in _COUNTRIES:
        return _("Unknown country code %(code)s: use ISO 3166 two letters, e.g. DE.", code=code or "")
    return None


def check_currency(code: str | None) -> str | None:
    if not is_currency(code):
        return _("Unknown currency %(code)s: use an ISO 4217 code, e.g. EUR.", code=code or "")
    return None


def check_email(address: str | None) -> str | None:
    if not address:
        return None
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return _("%(address)s is not a valid e-mail address.", address=address)
    return None


def check_length(value: str | None, maximum: int) -> str | None:
    if value is not None and len(value) > maximum:
        return _("At most %(n)d characters.", n=maximum)
    return None


def check_required(value: object) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return _("This field is required.")
    return None


def check_date(value: date | None) -> str | None:
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        return _("Date must be between %(a)s and %(b)s.", a=EARLIEST_DATE.isoformat(), b=LATEST_DATE.isoformat())
    return None


def check_amount(value: Decimal | None, places: int = 2, *, positive: bool = False,
                 maximum: Decimal = Decimal("1e13")) -> str | None:
    if value is None:
        return None
    if not value.is_finite():
        return _("Enter a finite number.")
    if places_of(value) > places:
        return _("At most %(n)d decimal places.", n=places)
    if positive and value <= 0:
        return _("Must be greater than zero.")
    if value < 0:
        return _("Must not be negative.")
    if value >= maximum:
        return _("Number is too large.")
    return None


def check_hs_code(code: str | None) -> str | None:
    if code and not re.fullmatch(r"\d{4,10}", code):
        return _("HS/UKTZED code must be 4 to 10 digits.")
    return None


class Errors(dict[str, list[str]]):
    """Collects field errors; ``add`` ignores None so checks compose: ``e.add('x', check_…)``."""

    def add(self, field: str, message: str | None) -> None:
        if message:
            self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            from tracker.errors import ValidationFailed

            raise ValidationFailed(dict(self))
