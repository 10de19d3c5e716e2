"""Pages for donor delivery: the donor report page with "send to partner" (preview, then send),
the PDF download, the delivery log with retries, recipients and frequency on the partner page,
and the public download of a signed link.

Sending commits inside ``tracker.delivery.runner`` (an e-mail cannot be rolled back: the log row
is committed before the SMTP conversation and again with its result); every other view commits
once, as everywhere else.
"""
from __future__ import annotations

import io
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from flask import (
    Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for,
)
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import SelectChoice

from tracker.audit.service import record
from tracker.delivery import links, queries, runner, service
from tracker.delivery.forms import FREQUENCY_LABELS, FrequencyForm, RecipientForm, SendForm
from tracker.delivery.mailer import SmtpSettings
from tracker.delivery.periods import Period, format_period
from tracker.delivery.report import REPORT_NAME
from tracker.errors import DomainError, ValidationFailed
from tracker.extensions import db, limiter
from tracker.models import DeliveryStatus, Partner, ReportDelivery
from tracker.models.base import utcnow
from tracker.scoping import get_scoped
from tracker.web.access import Actor, actor, roles_required
from tracker.web.forms import populate_errors

bp = Blueprint("delivery", __name__, url_prefix="/delivery")

STATUS_LABELS = {"pending": _l("pending"), "sent": _l("sent"), "failed": _l("failed"), "uncertain": _l("uncertain")}
MODE_LABELS = {"attachment": _l("attachment"), "link": _l("download link")}


@bp.app_template_filter("delivery_status")
def delivery_status_label(value: str) -> str:
    return str(STATUS_LABELS.get(value, value))


@bp.app_template_filter("delivery_mode")
def delivery_mode_label(value: str) -> str:
    return str(MODE_LABELS.get(value, value))


@bp.app_template_filter("delivery_time")
def delivery_time(value: datetime | None) -> str:
    """A UTC timestamp in the interface's time zone and language (e.g. 1 груд. 2026 р., 06:00)."""
    if value is None:
        return ""
    return format_datetime(value, "medium")

assert links.DOWNLOAD_PATH == "/delivery/download/", "keep the public route and the mailed links in step"


def _config() -> service.DeliveryConfig:
    return service.DeliveryConfig.from_config(current_app.config, base_url=request.url_root)


def _status(form: Any) -> int:
    return 422 if form.errors or form.form_errors else 200


def _previous_month(today: date) -> Period:
    last = today.replace(day=1) - timedelta(days=1)
    return Period(last.replace(day=1), last)


def can_send(current: Actor) -> bool:
    return current.role in service.SEND_ROLES


# --------------------------------------------------------------------------- donor report page


def _send_form(formdata: Any, *, csrf: bool) -> SendForm:
    form = SendForm(formdata=formdata, meta={"csrf": csrf}) if formdata is not None or not csrf else SendForm()
    form.partner_id.choices = [SelectChoice(pid, name) for pid, name in queries.partner_choices(actor().org.id)]
    return form


def _render_page(form: SendForm, preview: list[service.PlannedMail], status: int | None = None):
    pdf_links = {}
    for mail in preview:
        pdf_links.setdefault(mail.language, url_for(
            "delivery.pdf", partner_id=form.partner_id.data, period_start=form.period_start.data.isoformat(),
            period_end=form.period_end.data.isoformat(), language=mail.language))
    return render_template("delivery/send.html", form=form, preview=preview, pdf_links=pdf_links,
                           preview_body=service.preview_body, can_send=can_send(actor()),
                           max_attachment_bytes=current_app.config["DELIVERY_MAX_ATTACHMENT_BYTES"]), \
        status or _status(form)


@bp.get("/")
def index():
    """The donor report page: choose partner, period and language; download the PDF (every
    role) or preview the e-mail to the partner's recipients (finance head, admin). A GET with
    ``?partner_id=&period_start=&period_end=&language=`` prefills it, so a donor report page can
    link here; ``&preview=1`` shows the preview (nothing is written)."""
    current = actor()
    form = _send_form(request.args if request.args else None, csrf=False)
    default = _previous_month(date.today())
    if not request.args:
        form.period_start.data, form.period_end.data = default.start, default.end
    preview: list[service.PlannedMail] = []
    if request.args.get("preview"):
        if not can_send(current):
            abort(403)
        if form.validate():
            try:
                preview = _preview(current, _send_request(form))
                form.request_key.data = uuid.uuid4().hex
            except DomainError as exc:
                db.session.rollback()
                populate_errors(form, exc)
    return _render_page(form, preview)


@bp.post("/send")
@roles_required(*service.SEND_ROLES)
def send():
    """Send the previewed e-mail (the form carries the preview's one-time key: a second click
    sends nothing twice)."""
    current = actor()
    form = _send_form(None, csrf=True)
    if form.validate_on_submit():
        if not (form.request_key.data or "").strip():
            form.form_errors.append(_("Preview the e-mail first, then send it."))
        else:
            try:
                return _send(current, _send_request(form), form.request_key.data.strip())
            except DomainError as exc:
                db.session.rollback()
                populate_errors(form, exc)
    return _render_page(form, [], 422)


def _send_request(form: SendForm) -> service.SendRequest:
    return service.SendRequest(
        partner_id=form.partner_id.data, period_start=form.period_start.data, period_end=form.period_end.data,
        language=form.language.data or "", note=form.note.data or "")


def _preview(current: Actor, send_request: service.SendRequest) -> list[service.PlannedMail]:
    service.check_send_request(send_request)
    partner = get_scoped(Partner, send_request.partner_id, current.org.id)
    return service.plan_mails(current.org, partner, Period(send_request.period_start, send_request.period_end),
                              service.recipients_of(current.org.id, partner.id), _config(),
                              language=send_request.language, note=send_request.note,
                              note_author=current.user.name or current.user.email)


def _send(current: Actor, send_request: service.SendRequest, key: str):
    smtp = SmtpSettings.from_config(current_app.config)  # not configured: refused before anything is written
    outcome = runner.send_to_partner(current.org.id, current.user, send_request, key, _config(), smtp)
    if outcome.sent:
        flash(ngettext("Sent to %(num)d recipient: %(emails)s.", "Sent to %(num)d recipients: %(emails)s.",
                       len(outcome.sent), emails=", ".join(d.recipient_email for d in outcome.sent)), "success")
    for delivery in outcome.failed:
        flash(_("Not sent to %(email)s: %(reason)s The failure is recorded; the next scheduled run retries it "
                "(at most %(n)d times), or retry it from the delivery log.", email=delivery.recipient_email,
                reason=delivery.last_error, n=current_app.config["DELIVERY_MAX_RETRIES"]), "error")
    if outcome.skipped and not outcome.sent and not outcome.failed:
        flash(_("This e-mail was already sent with this form; nothing was sent again."), "error")
    return redirect(url_for("delivery.log", partner_id=send_request.partner_id)), 303


def _parse_report_args() -> tuple[int, Period, str]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for key in ("period_start", "period_end"):
        try:
            values[key] = date.fromisoformat(request.args.get(key, ""))
        except ValueError:
            errors[key] = [_("Enter the date as YYYY-MM-DD.")]
    partner_id = request.args.get("partner_id", type=int)
    if not partner_id:
        errors["partner_id"] = [_("Choose a partner of your organization.")]
    if errors:
        raise ValidationFailed(errors)
    return partner_id, Period(values["period_start"], values["period_end"]), request.args.get("language", "")


@bp.get("/pdf")
def pdf():
    """The donor summary PDF for the signed-in user (every role; recorded as an export)."""
    current = actor()
    partner_id, period, language = _parse_report_args()
    partner = get_scoped(Partner, partner_id, current.org.id)
    language = language or partner.report_language
    rendered = service.render_report(current.org, partner, period, language)
    record(organization_id=current.org.id, user_id=current.user.id, action="export", object_type="Report",
           object_id=REPORT_NAME, after={"partner_id": partner.id, "period_start": period.start,
                                         "period_end": period.end, "language": language, "sha256": rendered.sha256})
    db.session.commit()
    return _pdf_response(rendered.content, rendered.file_name)


def _pdf_response(content: bytes, name: str):
    response = send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- delivery log


@bp.get("/log")
def log():
    current = actor()
    partner_id = request.args.get("partner_id", type=int)
    status = (request.args.get("status") or "")[:20]
    page = db.paginate(queries.log_query(current.org.id, partner_id=partner_id, status=status),
                       per_page=current_app.config["PER_PAGE"], max_per_page=100, error_out=False)
    partners = queries.partner_choices(current.org.id)
    return render_template("delivery/log.html", page=page, partners=partners, partner_id=partner_id, status=status,
                           statuses=[s.value for s in DeliveryStatus], format_period=_period_text)


def _period_text(delivery: ReportDelivery) -> str:
    from flask_babel import get_locale

    return format_period(Period(delivery.period_start, delivery.period_end), str(get_locale()))


@bp.get("/log/<int:delivery_id>")
def view(delivery_id: int):
    current = actor()
    delivery = service.get_delivery(current.org.id, delivery_id)
    config = _config()
    exhausted = delivery.status == DeliveryStatus.failed and delivery.attempts >= service.retry_limit(config)
    return render_template("delivery/view.html", d=delivery, can_send=can_send(current), exhausted=exhausted,
                           period_text=_period_text(delivery), max_retries=config.max_retries)


@bp.get("/log/<int:delivery_id>/pdf")
def sent_pdf(delivery_id: int):
    """The very PDF that was sent (every role; recorded as an export)."""
    current = actor()
    delivery = service.get_delivery(current.org.id, delivery_id)
    content = service.read_pdf(_config().folder, delivery.file_sha256)
    record(organization_id=current.org.id, user_id=current.user.id, action="export", obj=delivery,
           after={"file_sha256": delivery.file_sha256})
    db.session.commit()
    return _pdf_response(content, delivery.file_name)


@bp.post("/log/<int:delivery_id>/retry")
@roles_required(*service.SEND_ROLES)
def retry(delivery_id: int):
    current = actor()
    try:
        smtp = SmtpSettings.from_config(current_app.config)
        ok = runner.retry_now(current.org.id, current.user, delivery_id, _config(), smtp)
    except DomainError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        flash(exc.message, "error")
    else:
        delivery = db.session.get(ReportDelivery, delivery_id)
        if ok:
            flash(_("Sent to %(email)s.", email=delivery.recipient_email), "success")
        else:
            flash(_("Not sent to %(email)s: %(reason)s", email=delivery.recipient_email, reason=delivery.last_error),
                  "error")
    return redirect(url_for("delivery.view", delivery_id=delivery_id)), 303


# --------------------------------------------------------------------------- public download


@bp.get("/download/<token>")
@limiter.limit("60 per minute")
def download(token: str):
    """A signed link from an e-mail: the one PDF it names, without signing in; every download is
    recorded (delivery log and audit trail). Answers in the recipient's language."""
    config = _config()
    claim = links.read_token(config.secret_key, token)
    target = db.session.get(ReportDelivery, claim.delivery_id) if claim and 0 < claim.delivery_id < 2**31 else None
    language = target.language if target is not None else current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        try:
            delivery, content = service.resolve_download(token, config, utcnow())
        except DomainError as exc:
            db.session.rollback()
            response = current_app.make_response(
                (render_template("delivery/link.html", message=exc.message, status=exc.status, language=language),
                 exc.status))
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Robots-Tag"] = "noindex"
            return response
    service.record_download(delivery, request.remote_addr or "", utcnow())
    db.session.commit()
    response = _pdf_response(content, delivery.file_name)
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --------------------------------------------------------------------------- partner page: recipients, frequency


def partner_context(partner: Partner, current: Actor) -> dict[str, Any]:
    """What the partner page shows about delivery (``templates/partners/view.html``)."""
    frequency = service.frequency_of(current.org.id, partner.id)
    form = FrequencyForm(formdata=None, frequency=frequency.value)
    return {
        "recipients": service.recipients_of(current.org.id, partner.id),
        "frequency": frequency,
        "frequency_label": FREQUENCY_LABELS[frequency.value],
        "frequency_form": form,
        "can_send": can_send(current),
    }


def _partner(partner_id: int) -> Partner:
    return get_scoped(Partner, partner_id, actor().org.id)


def _recipient_data(form: RecipientForm) -> service.RecipientData:
    return service.RecipientData(name=form.name.data or "", email=form.email.data or "",
                                 language=form.language.data or "")


@bp.route("/partners/<int:partner_id>/recipients/new", methods=["GET", "POST"])
@roles_required(*service.SEND_ROLES)
def add_recipient(partner_id: int):
    current = actor()
    partner = _partner(partner_id)
    form = RecipientForm()
    if request.method == "GET":
        form.language.data = partner.report_language
    if form.validate_on_submit():
        try:
            recipient = service.create_recipient(current.org.id, current.user.id, partner.id, _recipient_data(form))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
        else:
            flash(_("Saved: %(name)s.", name=str(recipient)), "success")
            return redirect(url_for("partners.view", object_id=partner.id) + "#report-delivery")
    return render_template("delivery/recipient_form.html", form=form, partner=partner, recipient=None), \
        _status(form)


@bp.route("/partners/<int:partner_id>/recipients/<int:recipient_id>/edit", methods=["GET", "POST"])
@roles_required(*service.SEND_ROLES)
def edit_recipient(partner_id: int, recipient_id: int):
    current = actor()
    partner = _partner(partner_id)
    recipient = service.get_recipient(current.org.id, partner.id, recipient_id)
    form = RecipientForm(obj=recipient if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            service.update_recipient(recipient, current.user.id, _recipient_data(form))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
        else:
            flash(_("Saved: %(name)s.", name=str(recipient)), "success")
            return redirect(url_for("partners.view", object_id=partner.id) + "#report-delivery")
    return render_template("delivery/recipient_form.html", form=form, partner=partner, recipient=recipient), \
        _status(form)


@bp.post("/partners/<int:partner_id>/recipients/<int:recipient_id>/delete")
@roles_required(*service.SEND_ROLES)
def delete_recipient(partner_id: int, recipient_id: int):
    current = actor()
    partner = _partner(partner_id)
    recipient = service.get_recipient(current.org.id, partner.id, recipient_id)
    name = str(recipient)
    service.delete_recipient(recipient, current.user.id)
    db.session.commit()
    flash(_("Deleted: %(name)s.", name=name), "success")
    return redirect(url_for("partners.view", object_id=partner.id) + "#report-delivery"), 303


@bp.post("/partners/<int:partner_id>/frequency")
@roles_required(*service.SEND_ROLES)
def set_frequency(partner_id: int):
    current = actor()
    partner = _partner(partner_id)
    form = FrequencyForm()
    if not form.validate_on_submit():
        flash(_("Choose how often the partner receives its summary."), "error")
        return redirect(url_for("partners.view", object_id=partner.id) + "#report-delivery"), 303
    frequency = service.set_frequency(current.org.id, current.user.id, partner.id, form.frequency.data)
    db.session.commit()
    flash(_("Summary by e-mail: %(frequency)s.", frequency=FREQUENCY_LABELS[frequency.value]), "success")
    if service.recipients_of(current.org.id, partner.id) == [] and frequency.value != "none":
        flash(_("%(partner)s has no report recipients yet: add one, or nothing can be sent.", partner=partner.name),
              "error")
    return redirect(url_for("partners.view", object_id=partner.id) + "#report-delivery"), 303
