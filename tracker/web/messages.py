"""Marshmallow's and webargs' built-in validation messages in the user's language.

The API's field errors come from marshmallow in English. They are matched here, exactly or by
their pattern, and answered through the catalogue (Ukrainian by default); a message that is not
recognised (ours are already translated) passes through unchanged.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

#: Messages without parameters: marshmallow's English text → our msgid.
EXACT = {
    "Missing data for required field.": _l("This field is required."),
    "Field may not be null.": _l("This field may not be empty (null)."),
    "Invalid value.": _l("Invalid value."),
    "Invalid input.": _l("Invalid value."),
    "Invalid input type.": _l("The data must be a JSON object."),
    "Invalid type.": _l("Invalid type."),
    "Unknown field.": _l("Unknown field."),
    "Not a valid integer.": _l("Enter a whole number."),
    "Not a valid number.": _l("Enter a number."),
    "Number too large.": _l("Number is too large."),
    "Special numeric values (nan or infinity) are not permitted.": _l("Enter a finite number without exponent."),
    "Not a valid boolean.": _l("Enter true or false."),
    "Not a valid string.": _l("Enter text."),
    "Not a valid utf-8 string.": _l("Enter text."),
    "Not a valid date.": _l("Enter a date as YYYY-MM-DD."),
    "Not a valid datetime.": _l("Enter a date and time in ISO 8601 format."),
    "Not a valid mapping type.": _l("Enter a JSON object."),
    "Not a valid list.": _l("Enter a list."),
    "Not a valid email address.": _l("Enter a valid e-mail address."),
    "Not a valid URL.": _l("Enter a valid URL."),
    "Not a valid UUID.": _l("Invalid value."),
    "String does not match expected pattern.": _l("Invalid format."),
}


def _choices(m: re.Match[str]) -> str:
    return _("Must be one of: %(choices)s.", choices=m["choices"])


#: Messages with parameters: pattern → translation of the match.
PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^Longer than maximum length (?P<n>\d+)\.$"),
     lambda m: _("Longer than maximum length %(n)d.", n=int(m["n"]))),
    (re.compile(r"^Shorter than minimum length (?P<n>\d+)\.$"),
     lambda m: _("At least %(n)d characters.", n=int(m["n"]))),
    (re.compile(r"^Length must be between (?P<a>\d+) and (?P<b>\d+)\.$"),
     lambda m: _("Length must be between %(a)s and %(b)s.", a=m["a"], b=m["b"])),
    (re.compile(r"^Length must be (?P<n>\d+)\.$"),
     lambda m: _("Length must be %(n)s.", n=m["n"])),
    (re.compile(r"^Must be one of: (?P<choices>.*)\.$", re.S), _choices),
    (re.compile(r"^Must be greater than or equal to (?P<a>\S+) and less than or equal to (?P<b>\S+)\.$"),
     lambda m: _("Must be between %(a)s and %(b)s.", a=m["a"], b=m["b"])),
    (re.compile(r"^Must be greater than or equal to (?P<a>\S+)\.$"),
     lambda m: _("Must be at least %(a)s.", a=m["a"])),
    (re.compile(r"^Must be less than or equal to (?P<b>\S+)\.$"),
     lambda m: _("Must be at most %(b)s.", b=m["b"])),
    (re.compile(r"^Must be greater than (?P<a>\S+)\.$"),
     lambda m: _("Must be greater than %(a)s.", a=m["a"])),
    (re.compile(r"^Must be less than (?P<b>\S+)\.$"),
     lambda m: _("Must be less than %(b)s.", b=m["b"])),
]


def translate(message: str) -> str:
    """``message`` in the request's language when it is one of marshmallow's own."""
    exact = EXACT.get(message)
    if exact is not None:
        return str(exact)
    for pattern, answer in PATTERNS:
        match = pattern.match(message)
        if match:
            return answer(match)
    return message
