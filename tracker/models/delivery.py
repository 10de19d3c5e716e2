"""Donor delivery: who receives a partner's reports, how often, and the log of every e-mail sent.

``ReportRecipient`` rows name the people at a partner who receive its reports, each in their own
language; ``ReportSchedule`` says how often the partner gets its summary (no row = never).
``ReportDelivery`` is the delivery log: one row per e-mail to one recipient, written *before*
the SMTP conversation (status ``pending``) and updated with its result, so that a crash leaves a
trace instead of a silent gap. Its unique key (organization × partner × recipient address ×
report × period × language × request key) is what makes the monthly job idempotent: the
scheduled run uses the fixed request key ``schedule``, a manual send the one-time key of its
preview form. ``ReportDownload`` records every download through a signed link.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.models.org import User
from tracker.models.partner import Partner
from tracker.models.base import TenantMixin, TimestampMixin, UTCDateTime, db, str_enum, utcnow

#: Languages a donor can receive reports in.
DONOR_LANGUAGES = ("uk", "en", "de")


class SummaryFrequency(enum.StrEnum):
    none = "none"
    monthly = "monthly"
    quarterly = "quarterly"


class DeliveryStatus(enum.StrEnum):
    #: written before the SMTP conversation; still pending later = the sender was interrupted
    pending = "pending"
    #: the SMTP server accepted the message for this recipient
    sent = "sent"
    #: the server was unreachable or refused; retried by the next scheduled runs (bounded)
    failed = "failed"
    #: found pending long after its attempt: it may or may not have gone out; never retried
    #: automatically (that could send it twice), a finance head decides
    uncertain = "uncertain"


class DeliveryTrigger(enum.StrEnum):
    manual = "manual"
    schedule = "schedule"


class DeliveryMode(enum.StrEnum):
    #: the PDF travels inside the e-mail
    attachment = "attachment"
    #: the PDF was larger than the limit: the e-mail carries a signed, expiring download link
    link = "link"


class ReportSchedule(TenantMixin, TimestampMixin, db.Model):
    """How often a partner receives its summary by itself; no row means never."""

    __table_args__ = (sa.UniqueConstraint("partner_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partner.id"))
    frequency: so.Mapped[SummaryFrequency] = so.mapped_column(str_enum(SummaryFrequency, "summary_frequency"))


class ReportRecipient(TenantMixin, TimestampMixin, db.Model):
    """A person at a partner who receives its reports by e-mail, in one language."""

    __table_args__ = (
        sa.UniqueConstraint("partner_id", "email"),
        sa.CheckConstraint("language IN ('uk', 'en', 'de')", name="language_known"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partner.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: Normalised by email-validator (domain lower-cased); unique per partner.
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    #: Language of the e-mails and reports this person receives: uk, en or de.
    language: so.Mapped[str] = so.mapped_column(sa.String(2))

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class ReportDelivery(TenantMixin, db.Model):
    """One e-mail with one report to one recipient: what, to whom, when, by whom, and the result."""

    __table_args__ = (
        sa.UniqueConstraint("organization_id", "partner_id", "recipient_email", "report", "period_start",
                            "period_end", "language", "request_key", name="uq_report_delivery_key"),
        sa.CheckConstraint("period_end >= period_start", name="period_order"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.CheckConstraint("language IN ('uk', 'en', 'de')", name="language_known"),
        sa.Index("ix_report_delivery_partner_created", "partner_id", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partner.id"))
    #: The recipient row it was addressed to; kept as NULL when that row is deleted later
    #: (name and address below stay, as sent).
    recipient_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("report_recipient.id", ondelete="SET NULL"), index=True)
    recipient_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    recipient_email: so.Mapped[str] = so.mapped_column(sa.String(254))
    #: Report name (DESIGN.md §5): "donor" for the donor summary.
    report: so.Mapped[str] = so.mapped_column(sa.String(40))
    period_start: so.Mapped[date]
    period_end: so.Mapped[date]
    language: so.Mapped[str] = so.mapped_column(sa.String(2))
    trigger: so.Mapped[DeliveryTrigger] = so.mapped_column(str_enum(DeliveryTrigger, "delivery_trigger"))
    #: "schedule" for the monthly/quarterly job; the one-time key of the preview form for a
    #: manual send (a second click on "Send" finds the row and sends nothing).
    request_key: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: Personal note of the finance head, as it was put into the e-mail.
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    subject: so.Mapped[str] = so.mapped_column(sa.String(300))
    #: The plain-text body as sent (with the download link in link mode); retries send it again.
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    mode: so.Mapped[DeliveryMode] = so.mapped_column(str_enum(DeliveryMode, "delivery_mode"))
    file_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    #: SHA-256 of the PDF sent (or linked); the file itself is kept under this name.
    file_sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    #: Size of the PDF in bytes.
    file_size: so.Mapped[int]
    status: so.Mapped[DeliveryStatus] = so.mapped_column(str_enum(DeliveryStatus, "delivery_status"), index=True)
    #: SMTP conversations tried so far (1 after the first try; retries = attempts - 1).
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    #: Why the last attempt failed, as the server or the network said it.
    last_error: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    #: Message-ID header; retries reuse it so that mail systems can recognise a duplicate.
    message_id: so.Mapped[str] = so.mapped_column(sa.String(250))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    #: None for the scheduled job.
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    last_attempt_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    sent_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    #: Until when the signed download link works (link mode only).
    link_expires_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    partner: so.Mapped[Partner] = so.relationship(lazy="joined")
    created_by: so.Mapped[User | None] = so.relationship(lazy="joined")
    downloads: so.Mapped[list[ReportDownload]] = so.relationship(
        back_populates="delivery", order_by="ReportDownload.id", lazy="selectin")

    @property
    def retries(self) -> int:
        return max(0, self.attempts - 1)


class ReportDownload(TenantMixin, db.Model):
    """One download of a delivered PDF through its signed link (no sign-in)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    delivery_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report_delivery.id"), index=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    #: Client address as seen by the application (behind a proxy: the proxy's, unless configured).
    remote_addr: so.Mapped[str] = so.mapped_column(sa.String(45), default="")

    delivery: so.Mapped[ReportDelivery] = so.relationship(back_populates="downloads")
