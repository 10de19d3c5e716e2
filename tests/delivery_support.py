"""Fixtures and helpers for the donor-delivery tests: a real SMTP server on 127.0.0.1 (aiosmtpd on
a free port, started per test), an app configured to use it, recipients made through the real
service, and readers for the messages and PDFs the server received.

Import the fixtures into a test module with ``from tests.delivery_support import mail, smtp_server``.
"""
from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session, SMTP
from flask import Flask
from pypdf import PdfReader

from tracker.delivery import service
from tracker.extensions import db

SENDER = "Aid Tracker <aid@zhytomyr.example>"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return part.get_content()

    def attachments(self) -> list[tuple[str, bytes]]:
        return [(part.get_filename(), part.get_content()) for part in self.message.iter_attachments()]

    def pdf(self) -> bytes:
        found = self.attachments()
        assert len(found) == 1, found
        name, content = found[0]
        assert name.endswith(".pdf")
        return content


@dataclass
class Handler:
    """Accepts everything except recipients whose local part starts with "refuse" (550)."""

    received: list[Received] = field(default_factory=list)
    auth: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        if address.split("@")[0].startswith("refuse"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        content = envelope.original_content or envelope.content
        message = message_from_bytes(content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted"


class SmtpServer:
    def __init__(self, handler: Handler, **kwargs: Any) -> None:
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port, **kwargs)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(Handler())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail(app: Flask, smtp_server: SmtpServer, tmp_path) -> SmtpServer:
    """The app sends through the test SMTP server (no TLS, no login), links use a fixed base."""
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_SECURITY="none", SMTP_USER="",
        SMTP_SENDER=SENDER, SMTP_TIMEOUT=5, DELIVERY_FOLDER=str(tmp_path / "deliveries"),
        PUBLIC_BASE_URL="https://aid.zhytomyr.example", DELIVERY_MAX_RETRIES=2, DELIVERY_LINK_DAYS=30,
    )
    return smtp_server


def config(app: Flask) -> service.DeliveryConfig:
    return service.DeliveryConfig.from_config(app.config)


def smtp_settings(app: Flask):
    from tracker.delivery.mailer import SmtpSettings

    return SmtpSettings.from_config(app.config)


def add_recipient(org: Any, partner: Any, email: str, language: str = "de", name: str = "Julia Becker",
                  user_id: int | None = None):
    return service.create_recipient(org.id, user_id, partner.id, service.RecipientData(name, email, language))


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def commit() -> None:
    db.session.commit()
