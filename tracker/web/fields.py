"""Form fields for exact numbers: Decimal only, non-finite and over-precise input refused."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.fields import DecimalField

from tracker.money import places_of


class ExactDecimalField(DecimalField):
    """A decimal with at most ``max_places`` places; accepts a decimal comma and spaces.

    Unlike WTForms' DecimalField it refuses NaN, Infinity, exponents and more places than the
    scale (never rounds silently): the value is exactly what the user typed.
    """

    def __init__(self, label: Any = None, validators: Any = None, max_places: int = 2, **kwargs: Any) -> None:
        super().__init__(label, validators, places=None, **kwargs)
        self.max_places = max_places

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        raw = str(valuelist[0]).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if raw == "":
            self.data = None
            return
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("Enter a number, e.g. 1234.50.")) from None
        if not value.is_finite() or "e" in raw.lower():
            self.data = None
            raise ValueError(_l("Enter a finite number without exponent."))
        if places_of(value) > self.max_places:
            self.data = None
            raise ValueError(_l("At most %(n)d decimal places.", n=self.max_places))
        self.data = value

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)


class MoneyField(ExactDecimalField):
    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, max_places=2, **kwargs)


class QtyField(ExactDecimalField):
    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, max_places=3, **kwargs)


class RateField(ExactDecimalField):
    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, max_places=6, **kwargs)


class UpperStringField(StringField):
    """Codes typed in any case: stored upper-case and stripped (currency, country)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = self.data.strip().upper()
