"""Donor delivery through the services and the runner, against a real SMTP server on 127.0.0.1:
recipients and frequency, the monthly job (due periods, idempotence), the message in each
language with its PDF, the link variant and its expiry, failures, bounded retries, crash
windows, and the delivery log with its audit trail."""
from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests import factories
from tests.delivery_support import (  # noqa: F401 - fixtures
    SENDER, add_recipient, config, free_port, mail, pdf_text, smtp_server, smtp_settings,
)
from tracker.audit.service import verify_chain
from tracker.delivery import runner, service
from tracker.delivery.periods import Period, parse_month
from tracker.errors import NotFound, ValidationFailed
from tracker.extensions import db
from tracker.models import (
    AuditEvent, DeliveryMode, DeliveryStatus, DeliveryTrigger, ReportDelivery, ReportDownload, SummaryFrequency,
)

#: a moment safely after the months the tests send
NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
NOVEMBER = parse_month("2026-11")


@pytest.fixture(autouse=True)
def english(app):
    """Messages of the services in English (the default language is Ukrainian)."""
    from flask_babel import force_locale

    with force_locale("en"):
        yield


def deliveries() -> list[ReportDelivery]:
    return list(db.session.scalars(sa.select(ReportDelivery).order_by(ReportDelivery.id)))


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def dortmund(world):
    """Dortmund with three recipients (de, en, uk) and a monthly summary, an agreement in force."""
    factories.make_agreement(world.org, world.partner, number="SP-2023-01", title="Solidaritätspartnerschaft",
                             valid_from=date(2023, 2, 23))
    add_recipient(world.org, world.partner, "julia.becker@dortmund.example", "de", "Julia Becker")
    add_recipient(world.org, world.partner, "tom@dortmund.example", "en", "Tom Miller")
    add_recipient(world.org, world.partner, "olha@dortmund.example", "uk", "Ольга Шевчук")
    service.set_frequency(world.org.id, None, world.partner.id, SummaryFrequency.monthly)
    db.session.commit()
    return world.partner


def run(app, month=NOVEMBER, **kwargs):
    kwargs.setdefault("now", NOW)
    return runner.run_scheduled(month, config(app), smtp_settings(app), **kwargs)


# --------------------------------------------------------------------------- recipients, frequency


def test_recipient_addresses_are_validated_normalised_and_unique_per_partner(app, world):
    with pytest.raises(ValidationFailed) as bad:
        add_recipient(world.org, world.partner, "julia at dortmund")
    assert "julia at dortmund is not a valid e-mail address." in bad.value.errors["email"]
    with pytest.raises(ValidationFailed) as lang:
        add_recipient(world.org, world.partner, "julia@dortmund.example", language="fr")
    assert "language" in lang.value.errors
    recipient = add_recipient(world.org, world.partner, "Julia@Dortmund.EXAMPLE")
    assert recipient.email == "Julia@dortmund.example"
    with pytest.raises(ValidationFailed) as dup:
        add_recipient(world.org, world.partner, "julia@DORTMUND.example", name="Julia again")
    assert "already exists" in dup.value.errors["email"][0]
    # the same address may receive another partner's reports
    other = factories.make_partner(world.org, name="Miasto Lublin", country="PL", report_language="en")
    add_recipient(world.org, other, "julia@dortmund.example", "en")


def test_recipients_and_frequency_of_another_organization_are_not_found(app, world):
    with pytest.raises(NotFound):
        add_recipient(world.org, world.other_partner, "x@lublin.example")
    with pytest.raises(NotFound):
        service.set_frequency(world.org.id, None, world.other_partner.id, "monthly")
    recipient = add_recipient(world.other, world.other_partner, "x@lublin.example", "en")
    with pytest.raises(NotFound):
        service.get_recipient(world.org.id, world.other_partner.id, recipient.id)
    with pytest.raises(NotFound):  # right organization, wrong partner
        service.get_recipient(world.other.id, world.partner.id, recipient.id)


def test_frequency_changes_are_audited_and_none_removes_the_schedule(app, world):
    assert service.frequency_of(world.org.id, world.partner.id) == SummaryFrequency.none
    service.set_frequency(world.org.id, world.users["finance_head"].id, world.partner.id, "quarterly")
    service.set_frequency(world.org.id, world.users["finance_head"].id, world.partner.id, "monthly")
    assert service.frequency_of(world.org.id, world.partner.id) == SummaryFrequency.monthly
    service.set_frequency(world.org.id, world.users["finance_head"].id, world.partner.id, "none")
    assert service.frequency_of(world.org.id, world.partner.id) == SummaryFrequency.none
    with pytest.raises(ValidationFailed):
        service.set_frequency(world.org.id, None, world.partner.id, "weekly")
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "ReportSchedule")).all()
    assert [(e.before["frequency"], e.after["frequency"]) for e in events] == [
        ("none", "quarterly"), ("quarterly", "monthly"), ("monthly", "none")]
    # nothing left that would stop deleting the partner once its recipients are gone
    from tracker import crud
    crud.delete(world.partner, None)


# --------------------------------------------------------------------------- the monthly job


def test_monthly_run_sends_each_recipient_its_language_with_the_pdf(app, dortmund, mail, world):
    report = run(app)

    assert report.ok and report.sent == 3 and report.failed == 0
    assert len(mail.received) == 3
    de, = mail.to("julia.becker@dortmund.example")
    en, = mail.to("tom@dortmund.example")
    uk, = mail.to("olha@dortmund.example")
    assert de.mail_from == "aid@zhytomyr.example"
    assert de.subject == "Zusammenfassung der Hilfe von Organization 04053625 für Stadt Dortmund: November 2026"
    assert de.body.startswith("Guten Tag Julia Becker,")
    assert "als PDF-Datei angehängt" in de.body
    assert en.subject == "Aid summary of Organization 04053625 for Stadt Dortmund: November 2026"
    assert en.body.startswith("Dear Tom Miller,")
    assert uk.subject == "Звіт про отриману допомогу — Організація 04053625 для Stadt Dortmund: листопад 2026\u202fр."
    assert "Ольга Шевчук" in uk.body
    assert de.message["Auto-Submitted"] == "auto-generated" and de.message["Reply-To"] is None

    de_text = pdf_text(de.pdf())
    # the attachment is the donor report of issue 6 (tracker.reports.donor), in the recipient's language
    assert "Verwendungsnachweis" in de_text and "Stadt Dortmund" in de_text and "01.11.2026" in de_text
    uk_text = pdf_text(uk.pdf())
    assert "Організація 04053625" in uk_text and "01.11.2026" in uk_text

    rows = deliveries()
    assert [(d.recipient_email, d.language, d.status, d.attempts, d.trigger, d.mode) for d in rows] == [
        ("julia.becker@dortmund.example", "de", DeliveryStatus.sent, 1, DeliveryTrigger.schedule,
         DeliveryMode.attachment),
        ("tom@dortmund.example", "en", DeliveryStatus.sent, 1, DeliveryTrigger.schedule, DeliveryMode.attachment),
        ("olha@dortmund.example", "uk", DeliveryStatus.sent, 1, DeliveryTrigger.schedule, DeliveryMode.attachment),
    ]
    julia = rows[0]
    assert julia.file_sha256 == hashlib.sha256(de.pdf()).hexdigest() and julia.file_size == len(de.pdf())
    assert (julia.period_start, julia.period_end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert julia.sent_at == NOW and julia.created_by_id is None and julia.report == "donor"
    assert julia.message_id == de.message["Message-ID"] and julia.subject == de.subject
    assert audit_actions().count("delivery.sent") == 3
    assert verify_chain() == []


def test_running_the_month_again_sends_nothing_twice(app, dortmund, mail, world):
    first = run(app)
    second = run(app)
    third = run(app, now=NOW + timedelta(days=3))

    assert first.sent == 3
    assert second.sent == third.sent == 0 and second.skipped == third.skipped == 3 and second.ok
    assert len(mail.received) == 3 and len(deliveries()) == 3
    # a recipient added later gets the month once, the others nothing
    add_recipient(world.org, dortmund, "new@dortmund.example", "de", "Neu")
    db.session.commit()
    fourth = run(app)
    assert fourth.sent == 1 and [r.rcpt_tos for r in mail.received[3:]] == [["new@dortmund.example"]]


def test_a_manual_send_of_the_month_counts_for_the_job(app, dortmund, mail, world):
    outcome = runner.send_to_partner(world.org.id, world.users["finance_head"], service.SendRequest(
        dortmund.id, NOVEMBER.start, NOVEMBER.end), "key-1", config(app), smtp_settings(app), now=NOW)
    assert len(outcome.sent) == 3
    report = run(app)
    assert report.sent == 0 and report.skipped == 3 and len(mail.received) == 3


def test_quarterly_partners_get_the_quarter_when_it_ends(app, dortmund, mail, world):
    service.set_frequency(world.org.id, None, dortmund.id, "quarterly")
    db.session.commit()

    assert run(app).sent == 0  # November ends no quarter
    december = run(app, month=parse_month("2026-12"), now=datetime(2027, 1, 1, 6, tzinfo=UTC))

    assert december.sent == 3
    row = deliveries()[0]
    assert (row.period_start, row.period_end) == (date(2026, 10, 1), date(2026, 12, 31))
    de, = mail.to("julia.becker@dortmund.example")
    assert "Oktober–Dezember 2026" in de.subject
    assert "01.10.2026 – 31.12.2026" in pdf_text(de.pdf())  # the donor report covers the quarter


def test_partners_without_schedule_get_nothing_and_a_due_partner_without_recipients_is_a_problem(app, world, mail):
    lublin = factories.make_partner(world.org, name="Miasto Lublin", country="PL", report_language="en")
    add_recipient(world.org, lublin, "anna@lublin.example", "en")  # frequency none: never sent by the job
    service.set_frequency(world.org.id, None, world.partner.id, "monthly")  # Dortmund: no recipients
    db.session.commit()

    report = run(app)

    assert report.sent == 0 and not report.ok
    assert report.problems == ["Stadt Dortmund: a summary is due for 2026-11 but the partner has no report "
                               "recipients."]
    assert mail.received == [] and deliveries() == []


def test_a_month_that_has_not_ended_is_refused(app, dortmund, mail):
    with pytest.raises(ValidationFailed) as refused:
        run(app, month=parse_month("2026-12"))
    assert refused.value.errors == {"period": ["The period 2026-12 has not ended yet."]}
    assert mail.received == []


def test_dry_run_writes_and_sends_nothing(app, dortmund, mail):
    report = runner.run_scheduled(NOVEMBER, config(app), None, dry_run=True, now=NOW)
    assert report.planned == 3 and report.sent == 0
    assert any(line.startswith("would send: Stadt Dortmund, 2026-11, de → julia.becker@dortmund.example")
               for line in report.lines)
    assert mail.received == [] and deliveries() == []


def test_period_with_no_data_says_so_in_the_pdf(app, world, mail):
    add_recipient(world.org, world.partner, "julia@dortmund.example", "de")
    service.set_frequency(world.org.id, None, world.partner.id, "monthly")
    db.session.commit()  # no agreement at all

    assert run(app).sent == 1
    text = pdf_text(mail.received[0].pdf())
    assert "Für diesen Zeitraum gibt es nichts zu berichten." in text and "Stadt Dortmund" in text


# --------------------------------------------------------------------------- link variant


def last_month_before(moment: datetime) -> Period:
    first = moment.date().replace(day=1)
    return parse_month(f"{(first - timedelta(days=1)):%Y-%m}")


def test_a_large_pdf_goes_as_a_signed_link_that_downloads_only_that_file(app, client, dortmund, mail, world):
    app.config["DELIVERY_MAX_ATTACHMENT_BYTES"] = 1000
    sent_at = datetime.now(UTC)  # the link is followed with the real clock
    assert run(app, month=last_month_before(sent_at), now=sent_at).sent == 3

    de, = mail.to("julia.becker@dortmund.example")
    assert de.attachments() == []
    row = next(d for d in deliveries() if d.language == "de")
    assert row.mode == DeliveryMode.link
    assert abs(row.link_expires_at - (sent_at + timedelta(days=30))) < timedelta(seconds=1)
    assert "größer als" in de.body
    link = next(line for line in de.body.splitlines() if line.startswith("https://aid.zhytomyr.example/"))
    assert row.body == de.body.replace("\r\n", "\n")

    path = link.removeprefix("https://aid.zhytomyr.example")
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert hashlib.sha256(response.data).hexdigest() == row.file_sha256
    assert "Stadt Dortmund" in pdf_text(response.data)
    assert response.headers["Cache-Control"] == "no-store"
    client.get(path)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportDownload)) == 2
    assert audit_actions().count("delivery.download") == 2

    token = path.rsplit("/", 1)[1]
    assert client.get(path[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")).status_code == 404
    other = next(d for d in deliveries() if d.language == "en")
    forged = service.links.make_token("not-our-secret", other.id, other.file_sha256, other.link_expires_at)
    assert client.get(f"/delivery/download/{forged}").status_code == 404


def test_links_expire_after_the_configured_time(app, client, dortmund, mail):
    app.config["DELIVERY_MAX_ATTACHMENT_BYTES"] = 1000
    long_ago = datetime.now(UTC) - timedelta(days=31)
    assert run(app, month=last_month_before(long_ago), now=long_ago).sent == 3
    de, = mail.to("julia.becker@dortmund.example")
    path = next(line for line in de.body.splitlines() if "/delivery/download/" in line) \
        .removeprefix("https://aid.zhytomyr.example")

    response = client.get(path)

    assert response.status_code == 410
    assert "abgelaufen" in response.get_data(as_text=True)  # in the recipient's language
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportDownload)) == 0
    token = path.rsplit("/", 1)[1]
    row = next(d for d in deliveries() if d.language == "de")
    cfg = config(app)
    assert service.resolve_download(token, cfg, row.link_expires_at - timedelta(seconds=1))[0].id == row.id
    with pytest.raises(service.LinkExpired):
        service.resolve_download(token, cfg, row.link_expires_at)


def test_attachment_deliveries_have_no_working_link(app, client, dortmund, mail):
    run(app)
    row = deliveries()[0]
    token = service.links.make_token(app.config["SECRET_KEY"], row.id, row.file_sha256,
                                     datetime.now(UTC) + timedelta(days=1))
    assert client.get(f"/delivery/download/{token}").status_code == 404


# --------------------------------------------------------------------------- failures and retries


def test_a_refused_recipient_is_recorded_and_the_others_are_sent(app, dortmund, mail, world):
    add_recipient(world.org, dortmund, "refuse-me@dortmund.example", "en", "Nobody")
    db.session.commit()

    report = run(app)

    assert report.sent == 3 and report.failed == 1 and not report.ok
    failed = next(d for d in deliveries() if d.recipient_email == "refuse-me@dortmund.example")
    assert failed.status == DeliveryStatus.failed and failed.attempts == 1
    assert "refuse-me@dortmund.example: 550" in failed.last_error and "Mailbox unavailable" in failed.last_error
    assert "delivery.failed" in audit_actions()


def test_smtp_down_then_back_retries_once_per_run_and_sends_nothing_twice(app, dortmund, mail, world):
    app.config["SMTP_PORT"] = free_port()  # nothing listens there
    down = run(app)
    assert down.failed == 3 and down.sent == 0
    row = deliveries()[0]
    assert row.status == DeliveryStatus.failed and "Cannot reach the SMTP server 127.0.0.1" in row.last_error

    app.config["SMTP_PORT"] = mail.port
    back = run(app, now=NOW + timedelta(hours=1))

    assert back.retried == 3 and back.sent == 3 and back.failed == 0
    assert len(mail.received) == 3 and len(deliveries()) == 3
    assert {(d.status, d.attempts, d.retries) for d in deliveries()} == {(DeliveryStatus.sent, 2, 1)}
    assert mail.received[0].message["Message-ID"] in {d.message_id for d in deliveries()}
    assert run(app, now=NOW + timedelta(hours=2)).sent == 0 and len(mail.received) == 3


def test_retries_are_bounded(app, dortmund, mail, world):
    from tracker.delivery.queries import attention

    app.config["SMTP_PORT"] = free_port()
    for hour in range(5):
        run(app, now=NOW + timedelta(hours=hour))
    # DELIVERY_MAX_RETRIES = 2: the first attempt and two retries, then the job gives up
    assert {d.attempts for d in deliveries()} == {3}
    state = attention(world.org.id, service.retry_limit(config(app)))
    assert (state.failed, state.exhausted) == (3, 3)
    # a person can still retry by hand once the server is back
    app.config["SMTP_PORT"] = mail.port
    assert runner.retry_now(world.org.id, world.users["finance_head"], deliveries()[0].id, config(app),
                            smtp_settings(app), now=NOW + timedelta(hours=6)) is True
    assert deliveries()[0].status == DeliveryStatus.sent and deliveries()[0].attempts == 4


def test_an_interrupted_queue_is_sent_but_an_interrupted_attempt_is_left_to_a_person(app, dortmund, mail, world):
    cfg, smtp = config(app), smtp_settings(app)
    mails = service.plan_mails(world.org, dortmund, NOVEMBER, service.recipients_of(world.org.id, dortmund.id)[:2],
                               cfg, now=NOW)
    queued = [service.queue_delivery(world.org.id, None, dortmund.id, m, cfg, trigger=DeliveryTrigger.schedule,
                                     request_key=service.SCHEDULE_KEY, note="", sender_domain="zhytomyr.example",
                                     now=NOW) for m in mails]
    db.session.commit()
    # the process died: one row right after being queued, one in the middle of its SMTP conversation
    assert service.claim_attempt(queued[1], DeliveryStatus.pending, NOW)
    db.session.commit()

    report = run(app, now=NOW + timedelta(minutes=30))  # too early to call them interrupted
    assert {d.status for d in queued} == {DeliveryStatus.pending}
    assert report.skipped == 2 and report.sent == 1  # the third recipient

    later = run(app, now=NOW + timedelta(hours=2))
    db.session.expire_all()
    never_started, in_flight = queued
    assert never_started.status == DeliveryStatus.sent and never_started.attempts == 1
    assert in_flight.status == DeliveryStatus.uncertain and in_flight.attempts == 1
    assert "may or may not have gone out" in in_flight.last_error
    assert not later.ok and any("uncertain" in p for p in later.problems)
    assert len(mail.to(in_flight.recipient_email)) == 0  # never re-sent automatically
    assert run(app, now=NOW + timedelta(hours=3)).sent == 0

    assert runner.retry_now(world.org.id, world.users["finance_head"], in_flight.id, cfg, smtp, now=NOW) is True
    received, = mail.to(in_flight.recipient_email)
    assert received.message["Message-ID"] == in_flight.message_id


def test_the_unique_key_stops_a_concurrent_duplicate_without_breaking_the_transaction(app, dortmund, mail, world,
                                                                                      monkeypatch):
    cfg = config(app)
    mail_de = service.plan_mails(world.org, dortmund, NOVEMBER, service.recipients_of(world.org.id, dortmund.id)[:1],
                                 cfg, now=NOW)[0]
    args = dict(trigger=DeliveryTrigger.schedule, request_key=service.SCHEDULE_KEY, note="",
                sender_domain="zhytomyr.example", now=NOW)
    first = service.queue_delivery(world.org.id, None, dortmund.id, mail_de, cfg, **args)
    assert first is not None
    assert service.queue_delivery(world.org.id, None, dortmund.id, mail_de, cfg, **args) is None
    # a run that did not see the other's row yet: the database's unique key decides
    monkeypatch.setattr(service, "delivery_exists", lambda *a, **k: False)
    assert service.queue_delivery(world.org.id, None, dortmund.id, mail_de, cfg, **args) is None
    db.session.commit()  # the transaction is still usable (PostgreSQL aborts it without the savepoint)
    assert len(deliveries()) == 1


def test_a_claim_is_compare_and_set(app, dortmund, mail, world):
    run(app)
    row = deliveries()[0]
    row.status = DeliveryStatus.failed
    db.session.commit()
    stale_copy_attempts = row.attempts
    assert service.claim_attempt(row, DeliveryStatus.failed, NOW)
    row.attempts = stale_copy_attempts  # another sender's view of the row before the claim
    assert not service.claim_attempt(row, DeliveryStatus.failed, NOW)


# --------------------------------------------------------------------------- manual sends


def test_send_to_partner_with_a_note_and_a_language_override(app, dortmund, mail, world):
    petro = world.users["finance_head"]
    petro.name = "Петро Мельник"
    outcome = runner.send_to_partner(world.org.id, petro, service.SendRequest(
        dortmund.id, date(2026, 10, 1), date(2026, 11, 30), language="en", note="Thank you for the generators!"),
        "preview-key-1", config(app), smtp_settings(app), now=NOW)

    assert len(outcome.sent) == 3 and not outcome.failed
    assert {r.subject for r in mail.received} == {
        "Aid summary of Organization 04053625 for Stadt Dortmund: October\u2009–\u2009November 2026"}
    first = mail.received[0]
    assert "A note from Петро Мельник:" in first.body and "Thank you for the generators!" in first.body
    assert first.message["Reply-To"] == petro.email and first.message["Auto-Submitted"] is None
    assert {d.created_by_id for d in deliveries()} == {petro.id}
    assert {d.trigger for d in deliveries()} == {DeliveryTrigger.manual}

    again = runner.send_to_partner(world.org.id, petro, service.SendRequest(
        dortmund.id, date(2026, 10, 1), date(2026, 11, 30), language="en", note="Thank you for the generators!"),
        "preview-key-1", config(app), smtp_settings(app), now=NOW)
    assert again.sent == [] and len(again.skipped) == 3 and len(mail.received) == 3


def test_bad_send_requests_change_nothing(app, world, mail):
    petro = world.users["finance_head"]
    cfg, smtp = config(app), smtp_settings(app)
    with pytest.raises(ValidationFailed) as no_recipients:
        runner.send_to_partner(world.org.id, petro, service.SendRequest(world.partner.id, NOVEMBER.start,
                                                                        NOVEMBER.end), "k", cfg, smtp, now=NOW)
    assert no_recipients.value.errors["partner_id"] == [
        "Stadt Dortmund has no report recipients: add one on the partner's page first."]
    add_recipient(world.org, world.partner, "julia@dortmund.example")
    with pytest.raises(ValidationFailed) as backwards:
        runner.send_to_partner(world.org.id, petro, service.SendRequest(world.partner.id, NOVEMBER.end,
                                                                        NOVEMBER.start), "k", cfg, smtp, now=NOW)
    assert "period_end" in backwards.value.errors
    with pytest.raises(ValidationFailed):
        runner.send_to_partner(world.org.id, petro, service.SendRequest(world.partner.id, NOVEMBER.start,
                                                                        NOVEMBER.end, note="x" * 2001),
                               "k", cfg, smtp, now=NOW)
    with pytest.raises(NotFound):
        runner.send_to_partner(world.org.id, petro, service.SendRequest(world.other_partner.id, NOVEMBER.start,
                                                                        NOVEMBER.end), "k", cfg, smtp, now=NOW)
    assert deliveries() == [] and mail.received == []


def test_smtp_settings_are_checked_before_anything_is_written(app, monkeypatch):
    from tracker.delivery.mailer import MailNotConfigured, SmtpSettings

    with pytest.raises(MailNotConfigured) as missing:
        SmtpSettings.from_config({**app.config, "SMTP_HOST": "", "SMTP_SENDER": "nobody"})
    assert "SMTP_HOST is not set." in missing.value.message and "SMTP_SENDER" in missing.value.message
    with pytest.raises(MailNotConfigured):
        SmtpSettings.from_config({**app.config, "SMTP_HOST": "mail", "SMTP_SENDER": SENDER, "SMTP_SECURITY": "tls"})
    monkeypatch.delenv("TRACKER_SMTP_PASSWORD", raising=False)
    with pytest.raises(MailNotConfigured) as no_password:
        SmtpSettings.from_config({**app.config, "SMTP_HOST": "mail", "SMTP_SENDER": SENDER, "SMTP_USER": "aid"})
    assert "TRACKER_SMTP_PASSWORD" in no_password.value.message
    monkeypatch.setenv("TRACKER_SMTP_PASSWORD", "0042")  # digits stay a string, leading zero kept
    settings = SmtpSettings.from_config({**app.config, "SMTP_HOST": "mail", "SMTP_SENDER": SENDER,
                                         "SMTP_USER": "aid", "SMTP_PASSWORD": 42})
    assert settings.password == "0042" and "0042" not in repr(settings)


def test_starttls_against_a_server_without_it_fails_clearly(app, dortmund, mail):
    app.config["SMTP_SECURITY"] = "starttls"
    report = run(app)
    assert report.failed == 3
    assert "STARTTLS" in deliveries()[0].last_error
    assert mail.received == []


def test_smtp_login_uses_the_password_from_the_environment(app, world, dortmund, monkeypatch, tmp_path):
    from aiosmtpd.smtp import AuthResult

    from tests.delivery_support import Handler, SmtpServer

    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        seen.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"s3cret 42", handled=False)

    server = SmtpServer(Handler(), authenticator=authenticator, auth_require_tls=False)
    server.start()
    try:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_SECURITY="none", SMTP_USER="aid",
                          SMTP_SENDER=SENDER, SMTP_PASSWORD=None, DELIVERY_FOLDER=str(tmp_path / "d"))
        monkeypatch.setenv("TRACKER_SMTP_PASSWORD", "s3cret 42")
        assert run(app).sent == 3
        monkeypatch.setenv("TRACKER_SMTP_PASSWORD", "wrong")
        add_recipient(world.org, dortmund, "late@dortmund.example")
        db.session.commit()
        report = run(app)
        assert report.failed == 1 and "user name or password" in deliveries()[-1].last_error
    finally:
        server.stop()
    assert seen[0] == ("aid", "s3cret 42")


def test_deleting_a_recipient_keeps_the_log(app, dortmund, mail, world):
    run(app)
    julia = service.recipients_of(world.org.id, dortmund.id)[0]
    service.delete_recipient(julia, None)
    db.session.commit()
    row = next(d for d in deliveries() if d.recipient_email == julia.email)
    assert row.recipient_id is None and row.recipient_name == julia.name and row.status == DeliveryStatus.sent


def test_the_report_seam_refuses_unknown_languages_and_foreign_partners(app, world):
    from tracker.delivery.report import render_donor_report

    with pytest.raises(ValidationFailed):
        render_donor_report(world.org.id, world.partner.id, NOVEMBER.start, NOVEMBER.end, "fr")
    with pytest.raises(NotFound):
        render_donor_report(world.org.id, world.other_partner.id, NOVEMBER.start, NOVEMBER.end, "en")
    pdf = render_donor_report(world.org.id, world.partner.id, NOVEMBER.start, NOVEMBER.end, "en")
    assert b"DejaVuSans" in pdf and b"/Helvetica" not in pdf
    assert "Nothing to report for this period." in pdf_text(pdf)


def test_period_helpers():
    assert parse_month("2026-03") == Period(date(2026, 3, 1), date(2026, 3, 31))
    for bad in ("2026-13", "2026-3", "march", "", "1900-01"):
        with pytest.raises(ValidationFailed):
            parse_month(bad)
    from tracker.delivery.periods import due_period

    assert due_period(SummaryFrequency.quarterly, parse_month("2026-06")) == Period(date(2026, 4, 1),
                                                                                    date(2026, 6, 30))
    assert due_period(SummaryFrequency.quarterly, parse_month("2026-05")) is None
    assert due_period(SummaryFrequency.none, parse_month("2026-06")) is None
    assert Period(date(2026, 10, 1), date(2026, 12, 31)).key == "2026-10..2026-12"
    assert Period(date(2026, 10, 2), date(2026, 12, 31)).key == "2026-10-02..2026-12-31"
