"""Exact money, quantities and exchange rates: the one home of Aid Tracker's rounding rule.

Every amount in Aid Tracker is a :class:`decimal.Decimal` built from a string or an int, never
from a float. Scales (DESIGN.md §3): amounts 2 dp (0 for currencies without minor units, such as
JPY), unit values 4 dp, quantities and weights 3 dp, exchange rates 6 dp.

The rounding rule is ROUND_HALF_UP (half away from zero for our non-negative amounts), not
Python's default ROUND_HALF_EVEN: Excel, the customs tariffs and Ukrainian accounting practice
round half a kopeck up, and the figures in our exports must match what an accountant's
spreadsheet computes from the same inputs.

    line value      = round(quantity × unit value, minor units of the currency)
    value in UAH    = round(line value × NBU rate of the valuation date, 2)
    document totals = sums of rounded lines
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import get_currency_precision, list_currencies

ZERO = Decimal("0")
FUNCTIONAL_CURRENCY = "UAH"

MONEY_PLACES = 2
UNIT_VALUE_PLACES = 4
QTY_PLACES = 3
RATE_PLACES = 6

_CURRENCIES = frozenset(c for c in list_currencies() if len(c) == 3 and c.isalpha() and c.isupper())


class MoneyError(ValueError):
    """A value that cannot be an exact amount (float, NaN, too many places, garbage)."""


def D(value: str | int | Decimal | None) -> Decimal:
    """Build a Decimal from a string or an int; refuses floats and non-finite values."""
    if value is None:
        raise MoneyError("no value")
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError("floats are not exact; pass a string")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        try:
            result = Decimal(text)
        except InvalidOperation as exc:
            raise MoneyError(f"not a number: {value!r}") from exc
    else:
        raise MoneyError(f"not a number: {value!r}")
    if not result.is_finite():
        raise MoneyError("not a finite number")
    return result


def places_of(value: Decimal) -> int:
    """How many decimal places ``value`` is written with (``1.50`` → 2, ``1E+3`` → 0)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def is_currency(code: str | None) -> bool:
    """True for an ISO 4217 alphabetic code that Babel knows."""
    return bool(code) and code in _CURRENCIES  # type: ignore[operator]


def minor_units(currency: str) -> int:
    """Decimal places of the currency (UAH, EUR: 2; JPY: 0), from Babel's ISO 4217 data."""
    return int(get_currency_precision(currency))


def _quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def quantize_money(amount: Decimal, currency: str = FUNCTIONAL_CURRENCY) -> Decimal:
    """Round an amount to the currency's minor units with the one rule (ROUND_HALF_UP)."""
    return _quantize(amount, minor_units(currency))


def quantize_qty(quantity: Decimal) -> Decimal:
    """Round a quantity or weight to 3 dp with the one rule."""
    return _quantize(quantity, QTY_PLACES)


def quantize_rate(rate: Decimal) -> Decimal:
    """Round an exchange rate to 6 dp with the one rule."""
    return _quantize(rate, RATE_PLACES)


def line_value(quantity: Decimal, unit_value: Decimal, currency: str) -> Decimal:
    """Value of a line in its own currency: round(quantity × unit value, minor units)."""
    return quantize_money(quantity * unit_value, currency)


def convert(amount: Decimal, rate: Decimal) -> Decimal:
    """Value in UAH of an amount at an NBU rate (UAH per 1 unit): round(amount × rate, 2)."""
    return quantize_money(amount * rate, FUNCTIONAL_CURRENCY)


def format_amount(amount: Decimal | None, places: int = MONEY_PLACES) -> str:
    """``1234567.5`` → ``1 234 567.50``: the one display format of pages, PDFs and e-mails."""
    if amount is None:
        return ""
    q = _quantize(amount, places)
    sign = "-" if q < 0 else ""
    text = f"{abs(q):,.{places}f}".replace(",", "\u00a0")
    return sign + text


def format_money(amount: Decimal | None, currency: str | None = None) -> str:
    """Amount with the currency's minor units and code, e.g. ``1 234.50 EUR``."""
    if amount is None:
        return ""
    places = minor_units(currency) if currency else MONEY_PLACES
    text = format_amount(amount, places)
    return f"{text} {currency}" if currency else text
