"""The donor e-mail in the recipient's language: subject, plain-text body, and the MIME message.

Texts are English msgids translated through Flask-Babel's ``force_locale`` into uk, en or de
(the catalogs in ``tracker/translations``), so the e-mail speaks the recipient's language
whatever the language of the person or job that sends it.
"""
from __future__ import annotations

import email.policy
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from babel.dates import format_datetime as babel_datetime
from flask_babel import force_locale
from flask_babel import gettext as _

from tracker.delivery.periods import Period, format_period


#: Stands for the download link in a composed body until the delivery exists and the link can be
#: signed (the preview shows a note in its place).
LINK_MARKER = "[[download-link]]"


@dataclass(frozen=True)
class MailText:
    subject: str
    body: str


def _size(size: int, language: str) -> str:
    from babel.numbers import format_decimal

    return f"{format_decimal(round(size / (1024 * 1024), 1), locale=language)} MB"


def compose_text(*, language: str, recipient_name: str, organization: str, partner: str, period: Period,
                 note: str = "", note_author: str = "", link: str | None = None,
                 link_expires_at: datetime | None = None, max_attachment_bytes: int = 0,
                 timezone: str = "Europe/Kyiv") -> MailText:
    """Subject and body of the donor e-mail in ``language``; with ``link`` the body carries the
    download link and its expiry instead of announcing an attachment."""
    with force_locale(language):
        period_text = format_period(period, language)
        subject = _("Aid summary of %(organization)s for %(partner)s: %(period)s",
                    organization=organization, partner=partner, period=period_text)
        lines = [_("Dear %(name)s,", name=recipient_name), ""]
        if link:
            expires = babel_datetime(link_expires_at, "long", tzinfo=timezone, locale=language) \
                if link_expires_at else ""
            lines += [
                _("%(organization)s sends you its summary of the aid received from %(partner)s for %(period)s.",
                  organization=organization, partner=partner, period=period_text),
                "",
                _("The PDF is larger than %(size)s, so it is not attached. Download it here (the link works "
                  "until %(expires)s, without signing in):", size=_size(max_attachment_bytes, language),
                  expires=expires),
                link,
            ]
        else:
            lines += [
                _("%(organization)s sends you its summary of the aid received from %(partner)s for %(period)s.",
                  organization=organization, partner=partner, period=period_text),
                "",
                _("The summary is attached as a PDF file."),
            ]
        if note.strip():
            lines += ["", _("A note from %(author)s:", author=note_author or organization), "", note.strip()]
        lines += [
            "",
            _("Kind regards,"),
            organization,
            "",
            "-- ",
            _("Sent by Aid Tracker on behalf of %(organization)s.", organization=organization),
        ]
    return MailText(subject=subject, body="\n".join(lines) + "\n")


def build_message(*, text: MailText, sender: str, to_name: str, to_address: str, message_id: str,
                  date: datetime, reply_to: str = "", automatic: bool = False, attachment: bytes | None = None,
                  attachment_name: str = "") -> EmailMessage:
    """The MIME message: UTF-8 plain text, the PDF attached when given; ``automatic`` marks the
    scheduled summaries (``Auto-Submitted``) so that auto-responders stay quiet."""
    # No folding below RFC 5322's hard limit: the stdlib folds long subjects into a leading or
    # doubled space that some readers show.
    message = EmailMessage(policy=email.policy.default.clone(max_line_length=998))
    message["Subject"] = text.subject
    message["From"] = sender
    message["To"] = formataddr((to_name, to_address))
    if reply_to:
        message["Reply-To"] = reply_to
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    if automatic:
        message["Auto-Submitted"] = "auto-generated"
    message.set_content(text.body, charset="utf-8")
    if attachment is not None:
        message.add_attachment(attachment, maintype="application", subtype="pdf", filename=attachment_name)
    return message
