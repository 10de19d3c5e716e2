"""The reports page: every report with its period and filters, and the downloads.

A download parses the filter form, calls :func:`tracker.reports.service.export_report` (the
dataset, the renderer, the audit event), commits, and streams the temporary file back as an
attachment. Every role may export — auditors too — and every export is audited.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy.orm as so
from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale

from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.models import Agreement, Partner, Warehouse
from tracker.reports import datasets, service
from tracker.reports.downloads import attachment
from tracker.reports.forms import ReportFilterForm
from tracker.scoping import scoped
from tracker.web.access import actor
from tracker.web.forms import populate_errors

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def _form(org_id: int) -> ReportFilterForm:
    form = ReportFilterForm(request.args)
    form.set_choices(
        db.session.scalars(scoped(Partner, org_id).order_by(Partner.name)).all(),
        db.session.scalars(scoped(Agreement, org_id).options(so.joinedload(Agreement.partner))
                           .order_by(Agreement.signed_on, Agreement.number)).unique().all(),
        db.session.scalars(scoped(Warehouse, org_id).order_by(Warehouse.name)).all(),
        _languages())
    return form


def _previous_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def _reports() -> list[dict[str, Any]]:
    return [{"name": info.name, "title": info.title, "description": info.description,
             "formats": service.available_formats(info.name)} for info in datasets.REPORTS.values()]


def _page(form: ReportFilterForm, status: int = 200):
    return render_template("reports/index.html", form=form, reports=_reports()), status


@bp.get("/")
def index():
    """The list of reports with one filter form; the period defaults to the previous month."""
    current = actor()
    form = _form(current.org.id)
    if not request.args:
        form.date_from.data, form.date_to.data = _previous_month(date.today())
        form.lang.data = str(get_locale())
    return _page(form)


@bp.get("/export")
def export():
    """The page's buttons send ``report=NAME.FORMAT`` with the filters."""
    name, _, fmt = (request.args.get("report") or "").partition(".")
    return download(name, fmt)


@bp.get("/<string:name>.<string:fmt>")
def download(name: str, fmt: str):
    """Stream report ``name`` in format ``fmt`` for the period and filters of the query string
    (``from``, ``to``, ``partner_id``, ``agreement_id``, ``aid_type``, ``warehouse_id``, ``lang``).
    Unknown report or format, another organization's id: 404; bad dates: 422 with the form."""
    current = actor()
    service.renderer_for(fmt, name)  # unknown report / format → 404 before anything else
    form = _form(current.org.id)
    if not form.validate():
        return _page(form, 422)
    try:
        result = service.export_report(service.ExportRequest(
            name=name, format=fmt, organization_id=current.org.id, user_id=current.user.id,
            date_from=form.date_from.data, date_to=form.date_to.data, partner_id=form.partner_id.data,
            agreement_id=form.agreement_id.data, aid_type=form.aid_type.data,
            warehouse_id=form.warehouse_id.data, language=form.lang.data or str(get_locale()), channel="web"))
    except ValidationFailed as exc:
        db.session.rollback()
        populate_errors(form, exc, {"language": "lang"})
        return _page(form, 422)
    db.session.commit()
    return attachment(result)
