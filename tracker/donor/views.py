"""The donor-report page: choose partner (or agreement), period and language; write the
narrative, choose the photos; download the PDF.

The narrative and the photos are stored per report (``tracker/donor/service.py``); the figures
come from the books when the PDF is made, through the export service (audited, like every
export). Another organization's partner, agreement or file answers 404; bad input, 422.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy.orm as so
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from tracker.donor import service
from tracker.donor.forms import DonorNarrativeForm, DonorReportChoiceForm
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.models import Agreement, Partner
from tracker.reports import service as exports
from tracker.reports.donor import default_language
from tracker.reports.downloads import attachment
from tracker.scoping import get_scoped, scoped
from tracker.web.access import actor, roles_required
from tracker.web.forms import populate_errors

bp = Blueprint("donor", __name__, url_prefix="/donor-reports")


def _previous_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def _choice_form(org_id: int, data: Any) -> DonorReportChoiceForm:
    form = DonorReportChoiceForm(data)
    form.set_choices(
        db.session.scalars(scoped(Partner, org_id).order_by(Partner.name)).all(),
        db.session.scalars(scoped(Agreement, org_id).options(so.joinedload(Agreement.partner))
                           .order_by(Agreement.signed_on, Agreement.number)).unique().all())
    return form


def _report_context(org_id: int, partner_id: int | None, agreement_id: int | None, start: date | None,
                    end: date | None, lang: str | None) -> dict[str, Any]:
    """The chosen report: partner, agreement, period, language, stored text, photo candidates."""
    agreement = get_scoped(Agreement, agreement_id, org_id) if agreement_id else None
    if partner_id is None and agreement is not None:
        partner_id = agreement.partner_id
    if partner_id is None or start is None or end is None:
        return {"chosen": False}
    partner = get_scoped(Partner, partner_id, org_id)
    language = lang if lang in service.LANGUAGES else default_language(partner)
    stored = service.find_donor_report(org_id, partner.id, agreement.id if agreement else None, start, end)
    chosen_photos = {p.attachment_id: p.caption for p in stored.photos} if stored else {}
    return {"chosen": True, "partner": partner, "agreement": agreement, "period_start": start, "period_end": end,
            "language": language, "stored": stored, "narrative": stored.text_for(language) if stored else "",
            "candidates": service.photo_candidates(org_id, partner.id, agreement.id if agreement else None),
            "chosen_photos": chosen_photos}


def _narrative_form(context: dict[str, Any], formdata: Any = None) -> DonorNarrativeForm:
    form = DonorNarrativeForm(formdata)
    if formdata is None and context.get("chosen"):
        form.partner_id.data = str(context["partner"].id)
        form.agreement_id.data = str(context["agreement"].id) if context["agreement"] else ""
        form.period_start.data = context["period_start"].isoformat()
        form.period_end.data = context["period_end"].isoformat()
        form.language.data = context["language"]
        form.narrative.data = context["narrative"]
        form.photos.data = list(context["chosen_photos"])
    return form


def _page(choice: DonorReportChoiceForm, context: dict[str, Any], narrative: DonorNarrativeForm | None = None,
          status: int = 200):
    if narrative is None:
        narrative = _narrative_form(context)
    return render_template("donor/index.html", form=choice, context=context, narrative_form=narrative), status


@bp.get("/")
def index():
    """Choose the report; show its narrative and photos for editing and the PDF link."""
    current = actor()
    form = _choice_form(current.org.id, request.args)
    if not form.validate():
        return _page(form, {"chosen": False}, status=422)
    if form.date_from.data is None and form.date_to.data is None:
        form.date_from.data, form.date_to.data = _previous_month(date.today())
    context = _report_context(current.org.id, form.partner_id.data, form.agreement_id.data, form.date_from.data,
                              form.date_to.data, form.lang.data)
    return _page(form, context)


def _int(value: str | None, field: str) -> int | None:
    if value in (None, ""):
        return None
    if not str(value).isdigit() or len(str(value)) > 9:
        raise ValidationFailed(field, _("Choose one of the listed values."))
    return int(value)


def _day(value: str | None, field: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise ValidationFailed(field, _("Enter the date as YYYY-MM-DD.")) from None


@bp.post("/")
@roles_required(*service.EDIT_ROLES)
def save():
    """Store the narrative of the chosen language and the photo selection."""
    current = actor()
    form = DonorNarrativeForm()
    try:
        partner_id = _int(form.partner_id.data, "partner_id")
        agreement_id = _int(form.agreement_id.data, "agreement_id")
        start = _day(form.period_start.data, "period_start")
        end = _day(form.period_end.data, "period_end")
        if not form.validate():
            raise ValidationFailed({name: list(errors) for name, errors in form.errors.items()})
        photos = tuple(service.PhotoChoice(attachment_id, request.form.get(f"caption-{attachment_id}", ""))
                       for attachment_id in form.photos.data or () if attachment_id is not None)
        service.save_donor_report(current.org.id, current.user.id, current.role, service.DonorReportData(
            partner_id=partner_id, agreement_id=agreement_id, period_start=start, period_end=end,
            language=form.language.data or "", narrative=form.narrative.data or "", photos=photos))
    except ValidationFailed as exc:
        db.session.rollback()
        populate_errors(form, exc)
        choice = _choice_form(current.org.id, None)
        try:
            context = _report_context(current.org.id, _int(form.partner_id.data, "partner_id"),
                                      _int(form.agreement_id.data, "agreement_id"),
                                      _day(form.period_start.data, "period_start"),
                                      _day(form.period_end.data, "period_end"), form.language.data)
        except ValidationFailed:
            context = {"chosen": False}
        return _page(choice, context, form, status=422)
    db.session.commit()
    flash(_("The donor report was saved."), "success")
    return redirect(url_for("donor.index", partner_id=partner_id, agreement_id=agreement_id or "",
                            lang=form.language.data, **{"from": start.isoformat(), "to": end.isoformat()}))


@bp.get("/report.pdf")
def download():
    """The donor report as PDF (any role: it is a read, and it is audited)."""
    current = actor()
    form = _choice_form(current.org.id, request.args)
    if not form.validate():
        return _page(form, {"chosen": False}, status=422)
    result = exports.export_report(exports.ExportRequest(
        name="donor", format="pdf", organization_id=current.org.id, user_id=current.user.id,
        date_from=form.date_from.data, date_to=form.date_to.data, partner_id=form.partner_id.data,
        agreement_id=form.agreement_id.data, language=form.lang.data or None, channel="web"))
    db.session.commit()
    return attachment(result)
