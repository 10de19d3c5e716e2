"""Donor delivery rules: report recipients, summary frequency, planning a delivery, and every state
change of a delivery-log row. Functions here flush and never commit; ``tracker.delivery.runner``
commits around the SMTP conversation (see its docstring for why and when).

A delivery row moves ``pending`` (queued, attempts = 0) → ``pending`` (attempt claimed, attempts
+1, committed before the SMTP conversation) → ``sent`` or ``failed``. A ``failed`` row is claimed
again by later scheduled runs, at most DELIVERY_MAX_RETRIES times (attempts < 1 + retries). A row found still pending
long after its attempt started becomes ``uncertain`` (it may have gone out: never re-sent
automatically); a queued row that never started becomes ``failed`` and is retried. Every claim
is a compare-and-set UPDATE on (status, attempts), so two runs at once never send one row twice.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from tracker.audit.service import record, snapshot
from tracker.delivery import links
from tracker.delivery.compose import LINK_MARKER, MailText, compose_text
from tracker.delivery.periods import Period
from tracker.delivery.report import REPORT_NAME, check_report_request, render_donor_report
from tracker.errors import Conflict, DomainError, NotFound, ValidationFailed
from tracker.extensions import db
from tracker.models import (
    DeliveryMode, DeliveryStatus, DeliveryTrigger, Organization, Partner, ReportDelivery, ReportDownload,
    ReportRecipient, ReportSchedule, Role, SummaryFrequency,
)
from tracker.models.base import utcnow
from tracker.models.delivery import DONOR_LANGUAGES
from tracker.scoping import get_scoped, scoped
from tracker.validators import Errors, check_date, check_length, check_required

#: Roles that may send reports to partners and manage who receives them.
SEND_ROLES = frozenset({Role.admin, Role.finance_head})
#: ``request_key`` of the scheduled job's deliveries.
SCHEDULE_KEY = "schedule"
NOTE_MAX = 2000
_SHA256 = re.compile(r"[0-9a-f]{64}")


# =========================================================================== configuration


@dataclass(frozen=True)
class DeliveryConfig:
    """The settings delivery works with, read once from the app's config by the caller."""

    secret_key: str
    folder: str
    max_attachment_bytes: int
    link_days: int
    max_retries: int
    stale_minutes: int
    #: Base address for links in e-mails; None = links cannot be made (the job without
    #: PUBLIC_BASE_URL).
    base_url: str | None
    timezone: str = "Europe/Kyiv"

    @classmethod
    def from_config(cls, config: Mapping[str, Any], base_url: str | None = None) -> DeliveryConfig:
        folder = config.get("DELIVERY_FOLDER") or os.path.join(config["UPLOAD_FOLDER"], "deliveries")
        return cls(
            secret_key=str(config["SECRET_KEY"]),
            folder=str(folder),
            max_attachment_bytes=int(config["DELIVERY_MAX_ATTACHMENT_BYTES"]),
            link_days=int(config["DELIVERY_LINK_DAYS"]),
            max_retries=int(config["DELIVERY_MAX_RETRIES"]),
            stale_minutes=int(config["DELIVERY_STALE_MINUTES"]),
            base_url=(config.get("PUBLIC_BASE_URL") or base_url or None),
            timezone=str(config.get("BABEL_DEFAULT_TIMEZONE") or "Europe/Kyiv"),
        )


# =========================================================================== recipients, frequency


@dataclass(frozen=True)
class RecipientData:
    name: str
    email: str
    language: str


def normalize_email(address: str) -> str:
    """The address as email-validator normalises it (domain lower-cased, IDNA); ValidationFailed
    on ``email`` naming the address when it is not one."""
    try:
        return validate_email((address or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValidationFailed("email", _("%(address)s is not a valid e-mail address.", address=address)) from None


def _check_recipient(organization_id: int, partner_id: int, data: RecipientData,
                     existing: ReportRecipient | None) -> str:
    """Validate; returns the normalised address. ValidationFailed with every field's problem."""
    errors = Errors()
    errors.add("name", check_required(data.name) or check_length(data.name, 200))
    email = ""
    if check_required(data.email):
        errors.add("email", check_required(data.email))
    elif len(data.email.strip()) > 254:
        errors.add("email", check_length(data.email.strip(), 254))
    else:
        try:
            email = normalize_email(data.email)
        except ValidationFailed as exc:
            errors.add("email", exc.message)
    if data.language not in DONOR_LANGUAGES:
        errors.add("language", _("Language must be one of uk, en, de."))
    if email:
        query = sa.select(ReportRecipient.id).where(
            ReportRecipient.organization_id == organization_id, ReportRecipient.partner_id == partner_id,
            sa.func.lower(ReportRecipient.email) == email.lower())
        if existing is not None:
            query = query.where(ReportRecipient.id != existing.id)
        if db.session.scalar(query) is not None:
            errors.add("email", _("%(value)s already exists.", value=email))
    errors.raise_if_any()
    return email


def create_recipient(organization_id: int, user_id: int | None, partner_id: int,
                     data: RecipientData) -> ReportRecipient:
    """Add a report recipient to a partner of the organization (NotFound otherwise); the address
    must be valid and new for this partner, the language uk, en or de. Audited."""
    partner = get_scoped(Partner, partner_id, organization_id)
    email = _check_recipient(organization_id, partner.id, data, None)
    recipient = ReportRecipient(organization_id=organization_id, partner_id=partner.id, name=data.name.strip(),
                                email=email, language=data.language)
    db.session.add(recipient)
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="create", obj=recipient,
           after=snapshot(recipient))
    return recipient


def update_recipient(recipient: ReportRecipient, user_id: int | None, data: RecipientData) -> ReportRecipient:
    """Change name, address or language (same rules as creating). Audited with before/after."""
    email = _check_recipient(recipient.organization_id, recipient.partner_id, data, recipient)
    before = snapshot(recipient)
    recipient.name, recipient.email, recipient.language = data.name.strip(), email, data.language
    db.session.flush()
    after = snapshot(recipient)
    if after != before:
        record(organization_id=recipient.organization_id, user_id=user_id, action="update", obj=recipient,
               before=before, after=after)
    return recipient


def delete_recipient(recipient: ReportRecipient, user_id: int | None) -> None:
    """Remove a recipient. The delivery log keeps the name and address it sent to (its link to
    the recipient row becomes empty). Audited."""
    before = snapshot(recipient)
    organization_id = recipient.organization_id
    db.session.execute(sa.update(ReportDelivery).where(ReportDelivery.recipient_id == recipient.id)
                       .values(recipient_id=None))
    db.session.delete(recipient)
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="delete", object_type="ReportRecipient",
           object_id=before["id"], before=before)


def get_recipient(organization_id: int, partner_id: int, recipient_id: Any) -> ReportRecipient:
    """The recipient of this partner in this organization, or NotFound."""
    recipient = get_scoped(ReportRecipient, recipient_id, organization_id)
    if recipient.partner_id != partner_id:
        raise NotFound(_("No such object in your organization: %(object)s %(id)s.", object="ReportRecipient",
                         id=recipient_id))
    return recipient


def recipients_of(organization_id: int, partner_id: int) -> list[ReportRecipient]:
    return list(db.session.scalars(scoped(ReportRecipient, organization_id).where(
        ReportRecipient.partner_id == partner_id).order_by(ReportRecipient.name, ReportRecipient.id)))


def frequency_of(organization_id: int, partner_id: int) -> SummaryFrequency:
    schedule = db.session.scalar(scoped(ReportSchedule, organization_id).where(ReportSchedule.partner_id == partner_id))
    return schedule.frequency if schedule else SummaryFrequency.none


def set_frequency(organization_id: int, user_id: int | None, partner_id: int,
                  frequency: SummaryFrequency | str) -> SummaryFrequency:
    """How often the partner receives its summary by itself: none, monthly or quarterly. "none"
    removes the schedule row. Audited (before/after)."""
    partner = get_scoped(Partner, partner_id, organization_id)
    try:
        wanted = SummaryFrequency(frequency)
    except ValueError:
        raise ValidationFailed("frequency", _("Frequency must be one of none, monthly, quarterly.")) from None
    schedule = db.session.scalar(scoped(ReportSchedule, organization_id).where(ReportSchedule.partner_id == partner.id))
    before = schedule.frequency if schedule else SummaryFrequency.none
    if before == wanted:
        return wanted
    if wanted == SummaryFrequency.none:
        assert schedule is not None
        db.session.delete(schedule)
    elif schedule is None:
        db.session.add(ReportSchedule(organization_id=organization_id, partner_id=partner.id, frequency=wanted))
    else:
        schedule.frequency = wanted
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="update", obj=partner,
           object_type="ReportSchedule", before={"partner_id": partner.id, "frequency": before.value},
           after={"partner_id": partner.id, "frequency": wanted.value})
    return wanted


# =========================================================================== planning


@dataclass(frozen=True)
class SendRequest:
    """A finance head's "send to partner": which partner, which period, in which language
    ("" = each recipient's own), with an optional personal note."""

    partner_id: int
    period_start: date
    period_end: date
    language: str = ""
    note: str = ""


@dataclass(frozen=True)
class RenderedReport:
    language: str
    content: bytes
    sha256: str
    file_name: str

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class PlannedMail:
    """One e-mail as it will be sent (the preview shows exactly this)."""

    recipient_id: int
    recipient_name: str
    recipient_email: str
    language: str
    period: Period
    report: RenderedReport
    mode: DeliveryMode
    text: MailText


def check_send_request(request: SendRequest) -> None:
    errors = Errors()
    errors.add("period_start", check_date(request.period_start))
    errors.add("period_end", check_date(request.period_end))
    if request.period_start and request.period_end and request.period_end < request.period_start:
        errors.add("period_end", _("The end of the period is before its start."))
    if request.language and request.language not in DONOR_LANGUAGES:
        errors.add("language", _("Language must be one of uk, en, de."))
    errors.add("note", check_length(request.note, NOTE_MAX))
    errors.raise_if_any()


def file_name(org: Organization, period: Period, language: str) -> str:
    return f"aid-summary-{org.edrpou}-{period.key.replace('..', '_')}-{language}.pdf"


def render_report(org: Organization, partner: Partner, period: Period, language: str) -> RenderedReport:
    """The donor summary PDF through the report seam, with its checksum and file name."""
    check_report_request(language, period.start, period.end)
    content = render_donor_report(org.id, partner.id, period.start, period.end, language)
    return RenderedReport(language, content, hashlib.sha256(content).hexdigest(), file_name(org, period, language))


def preview_body(mail: PlannedMail) -> str:
    """The body as the preview shows it: a note where the signed link will be."""
    return mail.text.body.replace(LINK_MARKER, _("(the download link is made when the e-mail is sent)"))


def plan_mails(org: Organization, partner: Partner, period: Period, recipients: Sequence[ReportRecipient],
               config: DeliveryConfig, *, language: str = "", note: str = "", note_author: str = "",
               now: datetime | None = None) -> list[PlannedMail]:
    """The e-mails to ``recipients``: one PDF per language, attached when it is at most
    DELIVERY_MAX_ATTACHMENT_BYTES, else announced as a link. ValidationFailed when the partner
    has no recipients; MailNotConfigured-like DomainError when a link is needed but there is no
    public address to put in it."""
    if not recipients:
        raise ValidationFailed("partner_id", _("%(partner)s has no report recipients: add one on the partner's page "
                                               "first.", partner=partner.name))
    now = now or utcnow()
    reports: dict[str, RenderedReport] = {}
    planned = []
    for recipient in recipients:
        lang = language or recipient.language
        if lang not in reports:
            reports[lang] = render_report(org, partner, period, lang)
        rendered = reports[lang]
        mode = DeliveryMode.link if rendered.size > config.max_attachment_bytes else DeliveryMode.attachment
        if mode == DeliveryMode.link and not config.base_url:
            raise DomainError(_("The PDF for %(partner)s is larger than the attachment limit and must be sent as a "
                                "link, but PUBLIC_BASE_URL is not set.", partner=partner.name))
        text = compose_text(
            language=lang, recipient_name=recipient.name, organization=org.display_name(lang),
            partner=partner.name, period=period, note=note, note_author=note_author,
            link=LINK_MARKER if mode == DeliveryMode.link else None,
            link_expires_at=now + timedelta(days=config.link_days) if mode == DeliveryMode.link else None,
            max_attachment_bytes=config.max_attachment_bytes, timezone=config.timezone)
        planned.append(PlannedMail(recipient.id, recipient.name, recipient.email, lang, period, rendered, mode, text))
    return planned


# =========================================================================== the delivery log


def store_pdf(folder: str, content: bytes) -> str:
    """Keep the PDF under its SHA-256 (written atomically; the same content is stored once)."""
    sha = hashlib.sha256(content).hexdigest()
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, f"{sha}.pdf")
    if not os.path.exists(target):
        fd, tmp_path = tempfile.mkstemp(dir=folder, prefix=".delivery-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp_path, target)
        except BaseException:
            if os.path.exists(tmp_path):
                os.unlink(tmp_path)
            raise
    return sha


def read_pdf(folder: str, sha256: str) -> bytes:
    """The stored PDF with this checksum; NotFound when missing or altered."""
    if not _SHA256.fullmatch(sha256 or ""):
        raise NotFound(_("The file that was sent is missing or was altered."))
    try:
        with open(os.path.join(folder, f"{sha256}.pdf"), "rb") as fh:
            content = fh.read()
    except FileNotFoundError:
        raise NotFound(_("The file that was sent is missing or was altered.")) from None
    if hashlib.sha256(content).hexdigest() != sha256:
        raise NotFound(_("The file that was sent is missing or was altered."))
    return content


def delivery_exists(organization_id: int, partner_id: int, email: str, period: Period, language: str,
                    request_key: str) -> bool:
    return db.session.scalar(sa.select(ReportDelivery.id).where(*_key(organization_id, partner_id, email, period,
                                                                      language, request_key))) is not None


def already_delivered(organization_id: int, partner_id: int, email: str, period: Period, language: str) -> bool:
    """True when this recipient already got this period's report in this language (any trigger)."""
    query = sa.select(ReportDelivery.id).where(
        ReportDelivery.organization_id == organization_id, ReportDelivery.partner_id == partner_id,
        sa.func.lower(ReportDelivery.recipient_email) == email.lower(), ReportDelivery.report == REPORT_NAME,
        ReportDelivery.period_start == period.start, ReportDelivery.period_end == period.end,
        ReportDelivery.language == language, ReportDelivery.status == DeliveryStatus.sent)
    return db.session.scalar(query.limit(1)) is not None


def _key(organization_id: int, partner_id: int, email: str, period: Period, language: str,
         request_key: str) -> list[Any]:
    return [ReportDelivery.organization_id == organization_id, ReportDelivery.partner_id == partner_id,
            ReportDelivery.recipient_email == email, ReportDelivery.report == REPORT_NAME,
            ReportDelivery.period_start == period.start, ReportDelivery.period_end == period.end,
            ReportDelivery.language == language, ReportDelivery.request_key == request_key]


def queue_delivery(organization_id: int, user_id: int | None, partner_id: int, mail: PlannedMail,
                   config: DeliveryConfig, *, trigger: DeliveryTrigger, request_key: str, note: str,
                   sender_domain: str, now: datetime) -> ReportDelivery | None:
    """Write the log row (pending, no attempt yet) unless one with the same key exists: None then.

    The PDF is stored first (content-addressed, so a rolled-back row leaves at most an unused
    copy). The insert runs in a savepoint: a concurrent run that inserted the same key first
    makes this one return None instead of failing the whole transaction.
    """
    if not request_key or len(request_key) > 64:
        raise ValidationFailed("request_key", _("The form has expired or was sent from elsewhere. Reload the page "
                                                "and try again."))
    if delivery_exists(organization_id, partner_id, mail.recipient_email, mail.period, mail.language, request_key):
        return None
    store_pdf(config.folder, mail.report.content)
    delivery = ReportDelivery(
        organization_id=organization_id, partner_id=partner_id, recipient_id=mail.recipient_id,
        recipient_name=mail.recipient_name, recipient_email=mail.recipient_email, report=REPORT_NAME,
        period_start=mail.period.start, period_end=mail.period.end, language=mail.language, trigger=trigger,
        request_key=request_key, note=note.strip(), subject=mail.text.subject[:300], body="", mode=mail.mode,
        file_name=mail.report.file_name, file_sha256=mail.report.sha256, file_size=mail.report.size,
        status=DeliveryStatus.pending, attempts=0, last_error="",
        message_id=f"<{uuid.uuid4().hex}@{sender_domain}>", created_at=now, created_by_id=user_id,
        link_expires_at=now + timedelta(days=config.link_days) if mail.mode == DeliveryMode.link else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(delivery)
    except sa.exc.IntegrityError:
        return None
    link = download_link(delivery, config) if mail.mode == DeliveryMode.link else ""
    delivery.body = mail.text.body.replace(LINK_MARKER, link)
    db.session.flush()
    return delivery


def claim_attempt(delivery: ReportDelivery, expected: DeliveryStatus, now: datetime) -> bool:
    """Start an SMTP attempt on the row if it is still ``expected`` with the attempts we saw
    (compare-and-set): True when this caller may send it, False when someone else took it."""
    result = db.session.execute(
        sa.update(ReportDelivery)
        .where(ReportDelivery.id == delivery.id, ReportDelivery.status == expected,
               ReportDelivery.attempts == delivery.attempts)
        .values(status=DeliveryStatus.pending, attempts=ReportDelivery.attempts + 1, last_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    db.session.refresh(delivery)
    return result.rowcount == 1


def record_result(delivery: ReportDelivery, user_id: int | None, error: str | None, now: datetime) -> None:
    """The attempt's outcome: sent (the server accepted it) or failed with the reason. Audited."""
    before = {"status": delivery.status.value, "attempts": delivery.attempts}
    if error is None:
        delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.sent, now, ""
    else:
        delivery.status, delivery.last_error = DeliveryStatus.failed, error[:500]
    db.session.flush()
    record(organization_id=delivery.organization_id, user_id=user_id,
           action="delivery.sent" if error is None else "delivery.failed", obj=delivery, before=before,
           after=_log_snapshot(delivery))


def _log_snapshot(delivery: ReportDelivery) -> dict[str, Any]:
    keep = ("id", "partner_id", "recipient_email", "report", "period_start", "period_end", "language", "trigger",
            "mode", "file_sha256", "file_size", "status", "attempts", "last_error", "message_id", "created_by_id")
    data = snapshot(delivery)
    return {k: data[k] for k in keep}


def retry_limit(config: DeliveryConfig) -> int:
    """Attempts a delivery may have in all through the scheduled job (the first + the retries)."""
    return 1 + config.max_retries


def retryable(organization_id: int | None, partner_id: int | None, config: DeliveryConfig) -> list[ReportDelivery]:
    """Failed deliveries the scheduled job still retries: fewer than 1 + DELIVERY_MAX_RETRIES
    attempts so far."""
    query = sa.select(ReportDelivery).where(ReportDelivery.status == DeliveryStatus.failed,
                                            ReportDelivery.attempts < retry_limit(config))
    if organization_id is not None:
        query = query.where(ReportDelivery.organization_id == organization_id)
    if partner_id is not None:
        query = query.where(ReportDelivery.partner_id == partner_id)
    return list(db.session.scalars(query.order_by(ReportDelivery.id)))


def resolve_stale(config: DeliveryConfig, now: datetime, organization_id: int | None = None) -> list[ReportDelivery]:
    """Pending rows left behind by an interrupted sender. Queued but never attempted: failed
    ("interrupted before sending", retried). Attempted: uncertain (maybe sent; never re-sent
    automatically). Audited; returns the rows changed."""
    cutoff = now - timedelta(minutes=config.stale_minutes)
    query = sa.select(ReportDelivery).where(
        ReportDelivery.status == DeliveryStatus.pending,
        sa.func.coalesce(ReportDelivery.last_attempt_at, ReportDelivery.created_at) < cutoff)
    if organization_id is not None:
        query = query.where(ReportDelivery.organization_id == organization_id)
    changed = []
    for delivery in db.session.scalars(query.order_by(ReportDelivery.id)).all():
        target = DeliveryStatus.failed if delivery.attempts == 0 else DeliveryStatus.uncertain
        reason = _("Interrupted before sending.") if delivery.attempts == 0 else \
            _("Interrupted while sending: the e-mail may or may not have gone out. Check with the recipient, then "
              "retry or leave it.")
        done = db.session.execute(
            sa.update(ReportDelivery).where(ReportDelivery.id == delivery.id,
                                            ReportDelivery.status == DeliveryStatus.pending,
                                            ReportDelivery.attempts == delivery.attempts)
            .values(status=target, last_error=reason).execution_options(synchronize_session=False))
        if done.rowcount != 1:
            continue
        db.session.refresh(delivery)
        record(organization_id=delivery.organization_id, user_id=None, action=f"delivery.{target.value}",
               obj=delivery, before={"status": "pending"}, after=_log_snapshot(delivery))
        changed.append(delivery)
    return changed


def get_delivery(organization_id: int, delivery_id: Any) -> ReportDelivery:
    return get_scoped(ReportDelivery, delivery_id, organization_id)


def check_manual_retry(delivery: ReportDelivery) -> None:
    """Only failed or uncertain deliveries can be retried by hand (Conflict otherwise)."""
    if delivery.status not in (DeliveryStatus.failed, DeliveryStatus.uncertain):
        raise Conflict(_("Only failed or uncertain deliveries can be retried; this one is %(status)s.",
                         status=delivery.status.value))


# =========================================================================== links, downloads


class LinkExpired(DomainError):
    """A genuine link after its expiry (410 Gone)."""

    status = 410


def download_link(delivery: ReportDelivery, config: DeliveryConfig) -> str:
    """The signed link to the delivery's PDF (link mode)."""
    from tracker.delivery.links import DOWNLOAD_PATH

    assert delivery.link_expires_at is not None and config.base_url
    token = links.make_token(config.secret_key, delivery.id, delivery.file_sha256, delivery.link_expires_at)
    return f"{config.base_url.rstrip('/')}{DOWNLOAD_PATH}{token}"


def resolve_download(token: str, config: DeliveryConfig, now: datetime) -> tuple[ReportDelivery, bytes]:
    """The delivery and PDF a signed link names. NotFound for anything not signed by us or not
    matching a link delivery's file; LinkExpired (410) after its expiry."""
    claim = links.read_token(config.secret_key, token)
    delivery = db.session.get(ReportDelivery, claim.delivery_id) if claim and 0 < claim.delivery_id < 2**31 else None
    if claim is None or delivery is None or delivery.mode != DeliveryMode.link \
            or not delivery.file_sha256.startswith(claim.sha256_prefix) or len(claim.sha256_prefix) != 32:
        raise NotFound(_("This download link is not valid."))
    if claim.expired(now):
        raise LinkExpired(_("This download link expired on %(date)s. Ask %(organization)s for a new one.",
                            date=claim.expires_at.date().isoformat(),
                            organization=db.session.get(Organization, delivery.organization_id)
                            .display_name(delivery.language)))
    return delivery, read_pdf(config.folder, delivery.file_sha256)


def record_download(delivery: ReportDelivery, remote_addr: str, now: datetime) -> ReportDownload:
    """Every download through a link: a row in the log and an audit event (no user)."""
    download = ReportDownload(organization_id=delivery.organization_id, delivery_id=delivery.id, at=now,
                              remote_addr=(remote_addr or "")[:45])
    db.session.add(download)
    db.session.flush()
    record(organization_id=delivery.organization_id, user_id=None, action="delivery.download", obj=delivery,
           after={"delivery_id": delivery.id, "file_sha256": delivery.file_sha256, "remote_addr": download.remote_addr,
                  "download_id": download.id})
    return download
