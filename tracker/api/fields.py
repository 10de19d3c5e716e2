"""Marshmallow fields for the API: exact decimals as strings, trimmed text, upper-case codes."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from tracker.money import places_of


class DecimalString(fields.Field):
    """A decimal carried as a JSON string (``"1234.50"``); JSON numbers are accepted too, but
    parsed without float. NaN, Infinity, exponents and more than ``places`` places are refused."""

    def __init__(self, places: int = 2, **kwargs: Any) -> None:
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("type", "string")
        metadata.setdefault("pattern", rf"^-?\d+(\.\d{{1,{places}}})?$" if places else r"^-?\d+$")
        metadata.setdefault("example", "1234." + "5" * min(places, 2) if places else "1234")
        super().__init__(metadata=metadata, **kwargs)
        self.places = places

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or isinstance(value, float):
            raise ValidationError(str(_l("Send the number as a string, e.g. \"12.50\".")))
        if isinstance(value, (int, Decimal)):
            text = str(value)
        elif isinstance(value, str):
            text = value.strip()
        else:
            raise ValidationError(str(_l("Enter a number, e.g. 1234.50.")))
        if "e" in text.lower() or text.lower() in {"nan", "inf", "-inf", "infinity", "-infinity", "+inf"}:
            raise ValidationError(str(_l("Enter a finite number without exponent.")))
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(str(_l("Enter a number, e.g. 1234.50."))) from None
        if not number.is_finite():
            raise ValidationError(str(_l("Enter a finite number without exponent.")))
        if places_of(number) > self.places:
            raise ValidationError(str(_l("At most %(n)d decimal places.", n=self.places)))
        if abs(number) >= Decimal("1e13"):
            raise ValidationError(str(_l("Number is too large.")))
        return number


def _check_raw_length(field: fields.Field, value: Any) -> None:
    """Length limits apply to what was sent, before trimming: a 300-character limit refuses 301
    characters even when most of them are spaces (the OpenAPI ``maxLength`` says so)."""
    if not isinstance(value, str):
        return
    for validator in field.validators:
        if isinstance(validator, validate.Length) and validator.max is not None and len(value) > validator.max:
            raise ValidationError(str(_l("Longer than maximum length %(n)d.", n=validator.max)))


class Text(fields.String):
    """A string stripped of surrounding spaces."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        _check_raw_length(self, value)
        return super()._deserialize(value, attr, data, **kwargs).strip()


class Code(fields.String):
    """An upper-case code (currency, country)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        _check_raw_length(self, value)
        return super()._deserialize(value, attr, data, **kwargs).strip().upper()


class StrictBoolean(fields.Boolean):
    """JSON ``true`` / ``false`` only: ``0``, ``1`` or ``"yes"`` in a JSON body are refused."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):  # 0 == False and 1 == True in Python: check the type
            raise self.make_error("invalid", input=value)
        return value


class FlagBoolean(fields.Boolean):
    """A flag in a query string or form: the text ``true`` or ``false`` (any case)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise self.make_error("invalid", input=value)


class SafeDate(fields.Date):
    """ISO date; years before 1900 or after 2100 are refused (no overflow, no nonsense)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any):  # type: ignore[override]
        result = super()._deserialize(value, attr, data, **kwargs)
        if not 1900 <= result.year <= 2100:
            raise ValidationError(str(_l("Date must be between %(a)s and %(b)s.", a="1900-01-01", b="2100-12-31")))
        return result


class SafeInt(fields.Integer):
    """A 32-bit positive id (larger numbers would overflow PostgreSQL's integer columns).

    Strict (JSON numbers only) by default; query-string arguments arrive as text, so their
    schemas use ``SafeInt(strict=False)``.
    """

    def __init__(self, *, strict: bool = True, **kwargs: Any) -> None:
        super().__init__(strict=strict, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
        result = super()._deserialize(value, attr, data, **kwargs)
        if not 0 < result < 2**31:
            raise ValidationError(str(_l("Not a valid id.")))
        return result


def rule(check: Any) -> Any:
    """A marshmallow validator from a ``tracker.validators.check_*`` function (one rule, one place)."""

    def validate(value: Any) -> None:
        message = check(value)
        if message:
            raise ValidationError(message)

    return validate
