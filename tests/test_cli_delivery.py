"""`flask tracker send-donor-reports` as cron runs it, against a real SMTP server on 127.0.0.1."""
from __future__ import annotations

import sqlalchemy as sa

from tests import factories
from tests.delivery_support import add_recipient, mail, pdf_text, smtp_server  # noqa: F401
from tracker.delivery import service
from tracker.extensions import db
from tracker.models import DeliveryStatus, ReportDelivery

MONTH = "2025-06"  # long ended: the command refuses months that have not


def deliveries() -> list[ReportDelivery]:
    return list(db.session.scalars(sa.select(ReportDelivery).order_by(ReportDelivery.id)))


def setup_partners(world):
    add_recipient(world.org, world.partner, "julia@dortmund.example", "de")
    service.set_frequency(world.org.id, None, world.partner.id, "monthly")
    lublin = factories.make_partner(world.org, name="Miasto Lublin", country="PL", report_language="en")
    add_recipient(world.org, lublin, "anna@lublin.example", "en", "Anna Nowak")
    service.set_frequency(world.org.id, None, lublin.id, "quarterly")
    db.session.commit()
    return lublin


def invoke(runner, *args):
    return runner.invoke(args=["tracker", "send-donor-reports", *args])


def test_monthly_job_sends_once_and_a_second_run_sends_nothing(runner, world, mail):
    setup_partners(world)

    first = invoke(runner, "--period", MONTH)
    second = invoke(runner, "--period", MONTH)

    assert first.exit_code == 0, first.output
    assert "2025-06: 2 sent, 0 failed, 0 already done, 0 retried." in first.output
    assert second.exit_code == 0 and "2025-06: 0 sent, 0 failed, 2 already done, 0 retried." in second.output
    assert sorted(r for m in mail.received for r in m.rcpt_tos) == ["anna@lublin.example", "julia@dortmund.example"]
    anna, = mail.to("anna@lublin.example")
    assert "April – June 2025" in anna.subject.replace("\u2009", " ")  # the quarter ending in June
    assert "Miasto Lublin" in pdf_text(anna.pdf())
    assert [d.status for d in deliveries()] == [DeliveryStatus.sent, DeliveryStatus.sent]


def test_dry_run_lists_and_changes_nothing(app, runner, world, mail):
    setup_partners(world)
    app.config["SMTP_HOST"] = ""  # not needed for a dry run

    result = invoke(runner, "--period", MONTH, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "would send: Stadt Dortmund, 2025-06, de → julia@dortmund.example (attachment" in result.output
    assert "would send: Miasto Lublin, 2025-04..2025-06, en → anna@lublin.example" in result.output
    assert "Dry run for 2025-06: 2 e-mail(s) would be sent or retried" in result.output
    assert deliveries() == [] and mail.received == []


def test_partner_option_limits_the_run(runner, world, mail):
    lublin = setup_partners(world)
    result = invoke(runner, "--period", "2025-05", "--partner", str(lublin.id))
    assert result.exit_code == 0, result.output
    assert "Miasto Lublin: nothing due (quarterly)." in result.output
    assert mail.received == []
    result = invoke(runner, "--period", MONTH, "--partner", str(world.partner.id))
    assert result.exit_code == 0 and [m.rcpt_tos for m in mail.received] == [["julia@dortmund.example"]]
    assert invoke(runner, "--period", MONTH, "--partner", "999999").exit_code == 1


def test_bad_periods_and_missing_settings_are_clear_errors(app, runner, world, mail):
    setup_partners(world)
    bad = invoke(runner, "--period", "2025-13")
    assert bad.exit_code == 1 and "Give the period as a month YYYY-MM, e.g. 2026-11." in bad.output
    future = invoke(runner, "--period", "2099-01")
    assert future.exit_code == 1 and "The period 2099-01 has not ended yet." in future.output
    assert invoke(runner).exit_code == 2  # --period is required
    app.config["SMTP_HOST"] = ""
    unset = invoke(runner, "--period", MONTH)
    assert unset.exit_code == 1 and "E-mail is not configured: SMTP_HOST is not set." in unset.output
    assert deliveries() == [] and mail.received == []


def test_failures_and_partners_without_recipients_make_the_run_fail(runner, world, mail):
    setup_partners(world)
    add_recipient(world.org, world.partner, "refuse@dortmund.example", "en")
    grants = factories.make_partner(world.org, name="Grant Office", country="DE", report_language="de")
    service.set_frequency(world.org.id, None, grants.id, "monthly")
    db.session.commit()

    result = invoke(runner, "--period", MONTH)

    assert result.exit_code == 1
    assert "FAILED: Stadt Dortmund, 2025-06, en → refuse@dortmund.example: The server refused the recipient" \
        in result.output
    assert "Problem: Grant Office: a summary is due for 2025-06 but the partner has no report recipients." \
        in result.output
    assert "2025-06: 2 sent, 1 failed" in result.output

    retry = invoke(runner, "--period", MONTH)  # the refused one is retried (and refused again)
    assert retry.exit_code == 1
    assert "FAILED: retry 1 of 2: Stadt Dortmund, 2025-06, en → refuse@dortmund.example" in retry.output
    assert next(d for d in deliveries() if d.recipient_email.startswith("refuse")).attempts == 2


def test_a_pdf_too_large_to_attach_needs_the_public_address_for_its_link(app, runner, world, mail):
    setup_partners(world)
    app.config.update(DELIVERY_MAX_ATTACHMENT_BYTES=1000, PUBLIC_BASE_URL=None)

    result = invoke(runner, "--period", MONTH, "--partner", str(world.partner.id))

    assert result.exit_code == 1
    assert "Problem: Stadt Dortmund: The PDF for Stadt Dortmund is larger than the attachment limit and must be " \
           "sent as a link, but PUBLIC_BASE_URL is not set." in result.output
    assert deliveries() == [] and mail.received == []

    app.config["PUBLIC_BASE_URL"] = "https://aid.zhytomyr.example/"
    assert invoke(runner, "--period", MONTH, "--partner", str(world.partner.id)).exit_code == 0
    julia, = mail.received
    assert julia.attachments() == [] and "https://aid.zhytomyr.example/delivery/download/" in julia.body
