"""Pages of donor delivery: recipients and frequency on the partner page, the donor report page
(PDF, preview, send), the delivery log with retries, the dashboard, and who may do what."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.delivery_support import add_recipient, free_port, mail, pdf_text, smtp_server  # noqa: F401
from tracker.delivery import service
from tracker.extensions import db
from tracker.models import AuditEvent, DeliveryStatus, ReportDelivery, ReportRecipient

PERIOD = {"period_start": "2026-10-01", "period_end": "2026-10-31"}


@pytest.fixture
def dortmund(world):
    add_recipient(world.org, world.partner, "julia@dortmund.example", "de", "Julia Becker")
    add_recipient(world.org, world.partner, "tom@dortmund.example", "en", "Tom Miller")
    db.session.commit()
    return world.partner


@pytest.fixture(autouse=True)
def english(auth, client):
    """Sign-ins of these tests switch the interface to English (the default is Ukrainian)."""
    login = auth.login

    def login_in_english(email, *args, **kwargs):
        response = login(email, *args, **kwargs)
        client.get("/language/en")
        return response

    auth.login = login_in_english


def rows() -> list[ReportDelivery]:
    return list(db.session.scalars(sa.select(ReportDelivery).order_by(ReportDelivery.id)))


def preview(client, partner_id, **extra):
    return client.get("/delivery/", query_string={"partner_id": partner_id, **PERIOD, "language": "",
                                                  "preview": "1", **extra})


def send_form(html: str) -> dict[str, str]:
    """The hidden fields of the preview's send form, as the browser would post them."""
    form = html[html.index('action="/delivery/send"'):]
    form = form[:form.index("</form>")]
    return {name: value.replace("&#39;", "'").replace("&amp;", "&")
            for name, value in re.findall(r'name="([a-z_]+)" value="([^"]*)"', form)}


# --------------------------------------------------------------------------- partner page


def test_finance_head_manages_recipients_and_frequency_on_the_partner_page(client, auth, world):
    auth.login(world.users["finance_head"].email)
    page = client.get(f"/partners/{world.partner.id}").get_data(as_text=True)
    assert 'id="report-delivery"' in page and "No report recipients yet" in page

    bad = client.post(f"/delivery/partners/{world.partner.id}/recipients/new",
                      data={"name": "Julia", "email": "julia at dortmund", "language": "de"})
    assert bad.status_code == 422 and "julia at dortmund is not a valid e-mail address." in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportRecipient)) == 0

    created = client.post(f"/delivery/partners/{world.partner.id}/recipients/new",
                          data={"name": "Julia Becker", "email": "julia@dortmund.example", "language": "de"})
    assert created.status_code == 302
    page = client.get(f"/partners/{world.partner.id}").get_data(as_text=True)
    assert "julia@dortmund.example" in page and "German" in page

    recipient = db.session.scalar(sa.select(ReportRecipient))
    edited = client.post(f"/delivery/partners/{world.partner.id}/recipients/{recipient.id}/edit",
                         data={"name": "Julia Becker", "email": "j.becker@dortmund.example", "language": "en"})
    assert edited.status_code == 302
    db.session.expire_all()
    assert (recipient.email, recipient.language) == ("j.becker@dortmund.example", "en")

    assert client.post(f"/delivery/partners/{world.partner.id}/frequency",
                       data={"frequency": "quarterly"}).status_code == 303
    assert service.frequency_of(world.org.id, world.partner.id).value == "quarterly"
    assert client.post(f"/delivery/partners/{world.partner.id}/frequency",
                       data={"frequency": "weekly"}).status_code == 303
    assert service.frequency_of(world.org.id, world.partner.id).value == "quarterly"

    assert client.post(f"/delivery/partners/{world.partner.id}/recipients/{recipient.id}/delete").status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportRecipient)) == 0
    actions = db.session.scalars(sa.select(AuditEvent.object_type).where(AuditEvent.user_id ==
                                                                         world.users["finance_head"].id)).all()
    assert actions.count("ReportRecipient") == 3 and "ReportSchedule" in actions


def test_other_roles_see_recipients_but_cannot_change_them(client, auth, world, dortmund):
    recipient = db.session.scalar(sa.select(ReportRecipient))
    for role in ("accountant", "auditor"):
        auth.login(world.users[role].email)
        page = client.get(f"/partners/{dortmund.id}").get_data(as_text=True)
        assert "julia@dortmund.example" in page and "Add a recipient" not in page
        assert client.get(f"/delivery/partners/{dortmund.id}/recipients/new").status_code == 403
        assert client.post(f"/delivery/partners/{dortmund.id}/recipients/{recipient.id}/delete").status_code == 403
        assert client.post(f"/delivery/partners/{dortmund.id}/frequency", data={"frequency": "monthly"}) \
            .status_code == 403
        auth.logout()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportRecipient)) == 2


def test_recipients_of_another_organization_are_not_found(client, auth, world):
    other = add_recipient(world.other, world.other_partner, "anna@lublin.example", "en")
    db.session.commit()
    auth.login(world.users["finance_head"].email)
    assert client.get(f"/delivery/partners/{world.other_partner.id}/recipients/new").status_code == 404
    assert client.post(f"/delivery/partners/{world.partner.id}/recipients/{other.id}/delete").status_code == 404
    assert client.post(f"/delivery/partners/{world.other_partner.id}/frequency",
                       data={"frequency": "monthly"}).status_code == 404


# --------------------------------------------------------------------------- donor report page


def test_every_role_downloads_the_pdf_and_the_export_is_recorded(client, auth, world, dortmund):
    auth.login(world.users["auditor"].email)
    page = client.get("/delivery/").get_data(as_text=True)
    assert "Download PDF" in page and "Preview e-mail" not in page

    response = client.get("/delivery/pdf", query_string={"partner_id": dortmund.id, **PERIOD})

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Verwendungsnachweis" in text and "01.10.2026" in text  # the partner's report language
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.user_id == world.users["auditor"].id and event.after["language"] == "de"
    assert client.get("/delivery/pdf", query_string={"partner_id": dortmund.id, "period_start": "soon",
                                                     "period_end": "2026-10-31"}).status_code == 422
    assert client.get("/delivery/pdf", query_string={"partner_id": world.other_partner.id, **PERIOD}) \
        .status_code == 404
    assert client.get("/delivery/pdf", query_string={"partner_id": dortmund.id, **PERIOD, "language": "fr"}) \
        .status_code == 422


def test_preview_shows_each_message_in_its_language_and_writes_nothing(client, auth, world, dortmund, mail):
    auth.login(world.users["finance_head"].email)
    response = preview(client, dortmund.id, note="Danke / Thank you")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Zusammenfassung der Hilfe von Organization 04053625 für Stadt Dortmund: Oktober 2026" in html
    assert "Aid summary of Organization 04053625 for Stadt Dortmund: October 2026" in html
    assert "Guten Tag Julia Becker," in html and "Dear Tom Miller," in html and "Danke / Thank you" in html
    assert "aid-summary-04053625-2026-10-de.pdf" in html and "attached" in html
    fields = send_form(html)
    assert len(fields["request_key"]) == 32 and fields["note"] == "Danke / Thank you"
    assert rows() == [] and mail.received == []


def test_sending_after_preview_delivers_once_even_when_clicked_twice(client, auth, world, dortmund, mail):
    auth.login(world.users["finance_head"].email)
    fields = send_form(preview(client, dortmund.id, note="Danke!").get_data(as_text=True))

    first = client.post("/delivery/send", data=fields)
    second = client.post("/delivery/send", data=fields)

    assert first.status_code == 303 and first.headers["Location"].endswith(f"/delivery/log?partner_id={dortmund.id}")
    assert sorted(r for m in mail.received for r in m.rcpt_tos) == ["julia@dortmund.example", "tom@dortmund.example"]
    assert [d.status for d in rows()] == [DeliveryStatus.sent, DeliveryStatus.sent]
    assert second.status_code == 303 and len(mail.received) == 2 and len(rows()) == 2
    log = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "already sent with this form" in log
    assert "julia@dortmund.example" in log and "Oktober 2026" not in log  # periods in the reader's language
    detail = client.get(f"/delivery/log/{rows()[0].id}").get_data(as_text=True)
    assert "Danke!" in detail and rows()[0].file_sha256 in detail


def test_send_refuses_without_a_preview_and_for_roles_that_may_not_send(client, auth, world, dortmund, mail):
    auth.login(world.users["finance_head"].email)
    fields = send_form(preview(client, dortmund.id).get_data(as_text=True))
    no_key = client.post("/delivery/send", data={**fields, "request_key": ""})
    assert no_key.status_code == 422 and "Preview the e-mail first" in no_key.get_data(as_text=True)
    auth.logout()

    auth.login(world.users["accountant"].email)
    assert client.post("/delivery/send", data=fields).status_code == 403
    assert preview(client, dortmund.id).status_code == 403
    assert rows() == [] and mail.received == []


def test_a_partner_without_recipients_cannot_be_sent_to(client, auth, world, mail):
    auth.login(world.users["finance_head"].email)
    response = preview(client, world.partner.id)
    assert response.status_code == 422
    assert "Stadt Dortmund has no report recipients" in response.get_data(as_text=True)
    assert 'action="/delivery/send"' not in response.get_data(as_text=True)


def test_sending_without_smtp_settings_is_refused_before_anything_is_recorded(app, client, auth, world, dortmund,
                                                                              mail):
    auth.login(world.users["finance_head"].email)
    fields = send_form(preview(client, dortmund.id).get_data(as_text=True))
    app.config["SMTP_HOST"] = ""

    response = client.post("/delivery/send", data=fields)

    assert response.status_code == 422
    assert "E-mail is not configured: SMTP_HOST is not set." in response.get_data(as_text=True)
    assert rows() == []


def test_an_unreachable_server_is_reported_logged_shown_and_retried_by_hand(app, client, auth, world, dortmund,
                                                                            mail):
    auth.login(world.users["finance_head"].email)
    fields = send_form(preview(client, dortmund.id).get_data(as_text=True))
    app.config["SMTP_PORT"] = free_port()

    response = client.post("/delivery/send", data=fields, follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "Not sent to julia@dortmund.example: Cannot reach the SMTP server" in html
    assert [d.status for d in rows()] == [DeliveryStatus.failed, DeliveryStatus.failed]
    dashboard = client.get("/").get_data(as_text=True)
    assert "Reports to partners need attention: 2 failed, 0 uncertain." in dashboard
    attention = client.get("/delivery/log?status=attention").get_data(as_text=True)
    assert attention.count("Cannot reach the SMTP server") == 2

    app.config["SMTP_PORT"] = mail.port
    delivery = rows()[0]
    assert "Retry now" in client.get(f"/delivery/log/{delivery.id}").get_data(as_text=True)
    retried = client.post(f"/delivery/log/{delivery.id}/retry", follow_redirects=True)
    assert "Sent to julia@dortmund.example." in retried.get_data(as_text=True)
    db.session.expire_all()
    assert delivery.status == DeliveryStatus.sent and delivery.attempts == 2
    again = client.post(f"/delivery/log/{delivery.id}/retry", follow_redirects=True)
    assert "Only failed or uncertain deliveries can be retried" in again.get_data(as_text=True)
    assert len(mail.received) == 1
    assert "1 failed, 0 uncertain" in client.get("/").get_data(as_text=True)


def test_auditors_read_the_log_and_the_sent_pdf_but_cannot_retry(client, auth, world, dortmund, mail, app):
    auth.login(world.users["finance_head"].email)
    client.post("/delivery/send", data=send_form(preview(client, dortmund.id).get_data(as_text=True)))
    auth.logout()
    delivery = rows()[0]
    delivery.status = DeliveryStatus.failed
    db.session.commit()

    auth.login(world.users["auditor"].email)
    assert "julia@dortmund.example" in client.get("/delivery/log").get_data(as_text=True)
    detail = client.get(f"/delivery/log/{delivery.id}").get_data(as_text=True)
    assert "Retry now" not in detail and delivery.message_id.strip("<>") in detail
    pdf = client.get(f"/delivery/log/{delivery.id}/pdf")
    assert pdf.status_code == 200 and "Stadt Dortmund" in pdf_text(pdf.data)
    assert client.post(f"/delivery/log/{delivery.id}/retry").status_code == 403
    auth.logout()

    auth.login(world.other_users["finance_head"].email)
    assert client.get(f"/delivery/log/{delivery.id}").status_code == 404
    assert client.get(f"/delivery/log/{delivery.id}/pdf").status_code == 404
    assert client.post(f"/delivery/log/{delivery.id}/retry").status_code == 404
    assert "julia@dortmund.example" not in client.get("/delivery/log").get_data(as_text=True)


def test_the_donor_report_page_can_be_prefilled_by_a_link(client, auth, world, dortmund):
    auth.login(world.users["finance_head"].email)
    html = client.get("/delivery/", query_string={"partner_id": dortmund.id, "period_start": "2026-07-01",
                                                  "period_end": "2026-09-30", "language": "en"}).get_data(as_text=True)
    assert 'value="2026-07-01"' in html and 'value="2026-09-30"' in html
    assert re.search(r'<option selected value="en">|<option value="en" selected>', html)


def test_the_pages_speak_ukrainian(client, auth, world, dortmund):
    auth.login(world.users["finance_head"].email)
    client.get("/language/uk")
    html = client.get(f"/partners/{dortmund.id}").get_data(as_text=True)
    assert "Звіти електронною поштою" in html and "Додати одержувача" in html
    assert "Журнал надсилання" in client.get("/delivery/log").get_data(as_text=True)


def test_deleting_a_partner_with_recipients_names_them(client, auth, world, dortmund):
    auth.login(world.users["finance_head"].email)
    response = client.post(f"/partners/{dortmund.id}/delete")
    assert response.status_code == 409
    assert "report recipients (2)" in response.get_data(as_text=True)


def test_the_month_default_is_the_previous_month(client, auth, world):
    auth.login(world.users["finance_head"].email)
    html = client.get("/delivery/").get_data(as_text=True)
    today = date.today()
    last = today.replace(day=1) - timedelta(days=1)
    assert f'value="{last.replace(day=1).isoformat()}"' in html and f'value="{last.isoformat()}"' in html
