"""Interface texts as users see them: the default language is Ukrainian, so tests that look for a
message compare with its translation (the English msgid where no translation exists)."""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale, gettext
from markupsafe import escape


def ui(msgid: str, locale: str = "uk", **values: Any) -> str:
    """The message in ``locale`` (needs an app context, which the ``app`` fixture provides)."""
    with force_locale(locale):
        return gettext(msgid, **values)


def ui_html(msgid: str, locale: str = "uk", **values: Any) -> str:
    """The message as it appears in a rendered page (HTML-escaped)."""
    return str(escape(ui(msgid, locale, **values)))
