"""Sending: the "send to partner" action, the scheduled job and manual retries.

This is the one place outside views and CLI commands that commits, because an e-mail cannot be
rolled back. The order, per delivery, is:

1. queue: the log row is written as ``pending`` with no attempt (PDF stored, key unique) — commit;
2. claim: ``attempts + 1`` and ``last_attempt_at`` by compare-and-set — commit;
3. the SMTP conversation;
4. result: ``sent`` or ``failed`` with the reason, and an audit event — commit.

Crash windows and what they leave: before 1, nothing (the next run sends it); between 1 and 2, a
queued row that a later run turns into ``failed`` ("interrupted before sending") and retries —
it was certainly not sent; between 2 and 4, a row pending with an attempt, which a later run
marks ``uncertain`` after DELIVERY_STALE_MINUTES: it may have gone out, so it is never re-sent
automatically (that is the one case where "nothing sent twice" and "nothing lost" conflict; we
choose not to send twice, and show it on the dashboard for a person to decide, who can retry it
with the same Message-ID). The unique key of the log makes a second run, or a second click,
find the row and send nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.delivery import mailer, service
from tracker.delivery.compose import MailText, build_message
from tracker.delivery.mailer import SendFailed, SmtpSettings
from tracker.delivery.periods import Period, due_period
from tracker.errors import Conflict, DomainError, ValidationFailed
from tracker.extensions import db
from tracker.models import (
    DeliveryMode, DeliveryStatus, DeliveryTrigger, Organization, Partner, ReportDelivery, ReportSchedule,
    SummaryFrequency, User,
)
from tracker.models.base import utcnow
from tracker.scoping import get_scoped


@dataclass
class SendOutcome:
    sent: list[ReportDelivery] = field(default_factory=list)
    failed: list[ReportDelivery] = field(default_factory=list)
    #: recipients whose row for this key already existed (a second click, a second run)
    skipped: list[str] = field(default_factory=list)


@dataclass
class RunReport:
    month: Period
    dry_run: bool
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retried: int = 0
    planned: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and not self.failed


def _message(delivery: ReportDelivery, config: service.DeliveryConfig, smtp: SmtpSettings, now: datetime):
    attachment = service.read_pdf(config.folder, delivery.file_sha256) if delivery.mode == DeliveryMode.attachment \
        else None
    reply_to = delivery.created_by.email if delivery.trigger == DeliveryTrigger.manual and delivery.created_by else ""
    return build_message(
        text=MailText(delivery.subject, delivery.body), sender=smtp.sender, to_name=delivery.recipient_name,
        to_address=delivery.recipient_email, message_id=delivery.message_id, date=now, reply_to=reply_to,
        automatic=delivery.trigger == DeliveryTrigger.schedule, attachment=attachment,
        attachment_name=delivery.file_name)


def attempt(delivery: ReportDelivery, expected: DeliveryStatus, user_id: int | None, config: service.DeliveryConfig,
            smtp: SmtpSettings, now: datetime) -> bool | None:
    """Claim, send and record one delivery (commits twice). True sent, False failed, None when
    another sender had claimed it."""
    if not service.claim_attempt(delivery, expected, now):
        db.session.commit()
        return None
    db.session.commit()
    error: str | None = None
    try:
        mailer.send(smtp, _message(delivery, config, smtp, now))
    except SendFailed as exc:
        error = exc.reason
    except DomainError as exc:  # the stored PDF is missing or altered
        error = exc.message
    service.record_result(delivery, user_id, error, now)
    db.session.commit()
    return error is None


def send_to_partner(organization_id: int, user: User, request: service.SendRequest, request_key: str,
                    config: service.DeliveryConfig, smtp: SmtpSettings, now: datetime | None = None) -> SendOutcome:
    """"Send to partner": one e-mail per recipient of the partner, in the chosen language or each
    recipient's own, with the PDF attached or linked, the finance head's note, Reply-To the
    finance head. The same request key sends nothing twice (a second click reports "skipped")."""
    now = now or utcnow()
    service.check_send_request(request)
    org = db.session.get(Organization, organization_id)
    partner = get_scoped(Partner, request.partner_id, organization_id)
    period = Period(request.period_start, request.period_end)
    mails = service.plan_mails(org, partner, period, service.recipients_of(organization_id, partner.id), config,
                               language=request.language, note=request.note, note_author=user.name or user.email,
                               now=now)
    outcome = SendOutcome()
    queued = []
    for mail in mails:
        delivery = service.queue_delivery(organization_id, user.id, partner.id, mail, config,
                                          trigger=DeliveryTrigger.manual, request_key=request_key, note=request.note,
                                          sender_domain=smtp.sender_domain, now=now)
        if delivery is None:
            outcome.skipped.append(mail.recipient_email)
        else:
            queued.append(delivery)
    db.session.commit()
    for delivery in queued:
        result = attempt(delivery, DeliveryStatus.pending, user.id, config, smtp, now)
        if result is True:
            outcome.sent.append(delivery)
        elif result is False:
            outcome.failed.append(delivery)
    return outcome


def retry_now(organization_id: int, user: User, delivery_id: int, config: service.DeliveryConfig,
              smtp: SmtpSettings, now: datetime | None = None) -> bool:
    """A finance head retries one failed or uncertain delivery now (same message, same
    Message-ID); Conflict for any other status. True when the server accepted it."""
    delivery = service.get_delivery(organization_id, delivery_id)
    service.check_manual_retry(delivery)
    result = attempt(delivery, delivery.status, user.id, config, smtp, now or utcnow())
    if result is None:
        raise Conflict(_("Another sender is handling this delivery right now."))
    return result


def local_today(config: service.DeliveryConfig, now: datetime) -> date:
    return now.astimezone(ZoneInfo(config.timezone)).date()


def run_scheduled(month: Period, config: service.DeliveryConfig, smtp: SmtpSettings | None, *,
                  partner_id: int | None = None, dry_run: bool = False, now: datetime | None = None) -> RunReport:
    """The monthly job for ``month`` (a calendar month that has ended): first stale rows are
    resolved and failed deliveries retried (bounded), then every due summary is sent once —
    monthly partners every month, quarterly partners the whole quarter when ``month`` ends one —
    to every recipient that has not received this period's report in their language yet.
    ``dry_run`` writes and sends nothing and lists what would happen."""
    now = now or utcnow()
    if month.end >= local_today(config, now):
        raise ValidationFailed("period", _("The period %(period)s has not ended yet.", period=month.key))
    if not dry_run and smtp is None:
        raise ValidationFailed("smtp", _("E-mail is not configured."))
    report = RunReport(month=month, dry_run=dry_run)

    if partner_id is not None:
        partner = db.session.get(Partner, partner_id) if 0 < partner_id < 2**31 else None
        if partner is None:
            raise ValidationFailed("partner", _("No partner with id %(id)s.", id=partner_id))

    if not dry_run:
        for delivery in service.resolve_stale(config, now):
            report.lines.append(_("%(status)s after an interruption: delivery %(id)s to %(email)s",
                                  status=delivery.status.value, id=delivery.id, email=delivery.recipient_email))
            if delivery.status == DeliveryStatus.uncertain:
                report.problems.append(_("Delivery %(id)s to %(email)s is uncertain: check and decide on the "
                                         "delivery log.", id=delivery.id, email=delivery.recipient_email))
        db.session.commit()

    for delivery in service.retryable(None, partner_id, config):
        what = _("retry %(n)d of %(max)d: %(partner)s, %(period)s, %(lang)s → %(email)s", n=delivery.attempts,
                 max=config.max_retries, partner=delivery.partner.name,
                 period=Period(delivery.period_start, delivery.period_end).key, lang=delivery.language,
                 email=delivery.recipient_email)
        if dry_run:
            report.lines.append(_("would %(what)s", what=what))
            report.planned += 1
            continue
        assert smtp is not None
        result = attempt(delivery, DeliveryStatus.failed, None, config, smtp, now)
        if result is None:
            continue
        report.retried += 1
        _count(report, delivery, result, what)

    query = sa.select(ReportSchedule).join(Partner, Partner.id == ReportSchedule.partner_id).where(
        ReportSchedule.frequency != SummaryFrequency.none)
    if partner_id is not None:
        query = query.where(ReportSchedule.partner_id == partner_id)
    schedules = db.session.scalars(query.order_by(ReportSchedule.organization_id, Partner.name)).all()
    if partner_id is not None and not schedules:
        report.lines.append(_("Partner %(id)s receives no summaries (frequency: none).", id=partner_id))
    for schedule in schedules:
        period = due_period(schedule.frequency, month)
        partner = db.session.get(Partner, schedule.partner_id)
        if period is None:
            report.lines.append(_("%(partner)s: nothing due (%(frequency)s).", partner=partner.name,
                                  frequency=schedule.frequency.value))
            continue
        _run_partner(report, schedule.organization_id, partner, period, config, smtp, now)
    return report


def _run_partner(report: RunReport, organization_id: int, partner: Partner, period: Period,
                 config: service.DeliveryConfig, smtp: SmtpSettings | None, now: datetime) -> None:
    recipients = service.recipients_of(organization_id, partner.id)
    if not recipients:
        report.problems.append(_("%(partner)s: a summary is due for %(period)s but the partner has no report "
                                 "recipients.", partner=partner.name, period=period.key))
        return
    todo = []
    for recipient in recipients:
        if service.delivery_exists(organization_id, partner.id, recipient.email, period, recipient.language,
                                   service.SCHEDULE_KEY) or \
                service.already_delivered(organization_id, partner.id, recipient.email, period, recipient.language):
            report.skipped += 1
            report.lines.append(_("already done: %(partner)s, %(period)s, %(lang)s → %(email)s", partner=partner.name,
                                  period=period.key, lang=recipient.language, email=recipient.email))
        else:
            todo.append(recipient)
    if not todo:
        return
    org = db.session.get(Organization, organization_id)
    try:
        mails = service.plan_mails(org, partner, period, todo, config, now=now)
    except DomainError as exc:
        report.problems.append(f"{partner.name}: {exc.message}")
        return
    if report.dry_run:
        for mail in mails:
            report.planned += 1
            report.lines.append(_("would send: %(partner)s, %(period)s, %(lang)s → %(email)s (%(mode)s, %(size)d bytes)",
                                  partner=partner.name, period=period.key, lang=mail.language,
                                  email=mail.recipient_email, mode=mail.mode.value, size=mail.report.size))
        return
    assert smtp is not None
    queued = []
    for mail in mails:
        delivery = service.queue_delivery(organization_id, None, partner.id, mail, config,
                                          trigger=DeliveryTrigger.schedule, request_key=service.SCHEDULE_KEY,
                                          note="", sender_domain=smtp.sender_domain, now=now)
        if delivery is None:
            report.skipped += 1
        else:
            queued.append(delivery)
    db.session.commit()
    for delivery in queued:
        result = attempt(delivery, DeliveryStatus.pending, None, config, smtp, now)
        if result is not None:
            what = f"{partner.name}, {period.key}, {delivery.language} → {delivery.recipient_email}"
            _count(report, delivery, result, what)


def _count(report: RunReport, delivery: ReportDelivery, result: bool, what: str) -> None:
    if result:
        report.sent += 1
        report.lines.append(_("sent: %(what)s", what=what))
    else:
        report.failed += 1
        report.lines.append(_("FAILED: %(what)s: %(reason)s", what=what, reason=delivery.last_error))

