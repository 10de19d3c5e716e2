"""Sending one e-mail over SMTP (stdlib ``smtplib`` + ``email.message.EmailMessage``).

``SmtpSettings.from_config`` reads the ``SMTP_*`` settings (the password from the environment
variable ``TRACKER_SMTP_PASSWORD`` as it is written, else ``SMTP_PASSWORD``); ``send`` opens one
connection per message with the configured security (``starttls``, ``ssl`` or ``none``), logs in
when a user is set, and raises :class:`SendFailed` with a readable reason when the server cannot
be reached, refuses the sender or the recipient, or breaks off. It returns only when the server
accepted the message.
"""
from __future__ import annotations

import os
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from flask_babel import gettext as _

from tracker.errors import DomainError

SECURITY_MODES = ("none", "starttls", "ssl")


class MailNotConfigured(DomainError):
    """The SMTP settings are missing or invalid: nothing is sent and nothing is recorded."""


class SendFailed(Exception):
    """The server did not accept the message; ``reason`` is what to show and record."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str
    password: str | None
    sender: str
    timeout: float

    def __repr__(self) -> str:  # never print the password
        return f"SmtpSettings(host={self.host!r}, port={self.port}, security={self.security!r}, user={self.user!r})"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        """The settings, or MailNotConfigured naming what is missing."""
        raw_password = os.environ.get("TRACKER_SMTP_PASSWORD")
        password = raw_password if raw_password is not None else config.get("SMTP_PASSWORD")
        settings = cls(
            host=str(config.get("SMTP_HOST") or "").strip(),
            port=_int(config.get("SMTP_PORT"), 0),
            security=str(config.get("SMTP_SECURITY") or "").strip().lower(),
            user=str(config.get("SMTP_USER") or "").strip(),
            password=None if password is None else str(password),
            sender=str(config.get("SMTP_SENDER") or "").strip(),
            timeout=float(_int(config.get("SMTP_TIMEOUT"), 30)),
        )
        settings.check()
        return settings

    def check(self) -> None:
        problems = []
        if not self.host:
            problems.append(_("SMTP_HOST is not set."))
        if not 0 < self.port < 65536:
            problems.append(_("SMTP_PORT must be a port number."))
        if self.security not in SECURITY_MODES:
            problems.append(_("SMTP_SECURITY must be one of none, starttls, ssl."))
        if "@" not in parseaddr(self.sender)[1]:
            problems.append(_("SMTP_SENDER must be an e-mail address, e.g. Aid Tracker <aid@example.org>."))
        if self.user and not self.password:
            problems.append(_("SMTP_USER is set but there is no password: set TRACKER_SMTP_PASSWORD."))
        if problems:
            raise MailNotConfigured(_("E-mail is not configured: %(problems)s", problems=" ".join(problems)))

    @property
    def sender_domain(self) -> str:
        return parseaddr(self.sender)[1].rpartition("@")[2] or "localhost"


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def send(settings: SmtpSettings, message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server; SendFailed unless every recipient was accepted."""
    try:
        with _connect(settings) as smtp:
            if settings.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            refused = smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendFailed(_refused(exc.recipients)) from exc
    except smtplib.SMTPSenderRefused as exc:
        raise SendFailed(_("The server refused the sender %(sender)s: %(code)s %(reply)s",
                           sender=exc.sender, code=exc.smtp_code, reply=_reply(exc.smtp_error))) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise SendFailed(_("The server refused the SMTP user name or password: %(code)s %(reply)s",
                           code=exc.smtp_code, reply=_reply(exc.smtp_error))) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise SendFailed(_("The server does not support %(what)s: %(error)s", what=settings.security.upper()
                           if settings.security != "none" else "AUTH", error=str(exc))) from exc
    except smtplib.SMTPResponseException as exc:
        raise SendFailed(_("The server answered %(code)s %(reply)s", code=exc.smtp_code,
                           reply=_reply(exc.smtp_error))) from exc
    except (smtplib.SMTPException, ssl.SSLError) as exc:
        raise SendFailed(_("The SMTP conversation failed: %(error)s", error=str(exc) or type(exc).__name__)) from exc
    except (OSError, socket.timeout) as exc:
        raise SendFailed(_("Cannot reach the SMTP server %(host)s:%(port)s: %(error)s", host=settings.host,
                           port=settings.port, error=exc.strerror or str(exc) or type(exc).__name__)) from exc
    if refused:
        raise SendFailed(_refused(refused))


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                context=ssl.create_default_context())
    return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)


def _reply(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _refused(recipients: Mapping[str, tuple[int, bytes]]) -> str:
    parts = [f"{address}: {code} {_reply(reply)}" for address, (code, reply) in recipients.items()]
    return _("The server refused the recipient: %(details)s", details="; ".join(parts))
