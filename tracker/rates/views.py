"""Pages for NBU exchange rates: list and filter, manual entry, correction, import."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from tracker.errors import DomainError
from tracker.extensions import db
from tracker.models import ExchangeRate
from tracker.rates import service
from tracker.rates.forms import RateEditForm, RateForm, RateImportForm
from tracker.web.access import EDIT_ROLES, actor, roles_required
from tracker.web.forms import populate_errors

bp = Blueprint("rates", __name__, url_prefix="/rates")


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def rate_query(currency: str | None, date_from: date | None, date_to: date | None) -> sa.Select:
    query = sa.select(ExchangeRate)
    if currency:
        query = query.where(ExchangeRate.currency == currency.upper())
    if date_from:
        query = query.where(ExchangeRate.on >= date_from)
    if date_to:
        query = query.where(ExchangeRate.on <= date_to)
    return query.order_by(ExchangeRate.on.desc(), ExchangeRate.currency)


@bp.get("/")
def index():
    actor()
    currency = (request.args.get("currency") or "").strip()[:3]
    query = rate_query(currency, _date_arg("from"), _date_arg("to"))
    page = db.paginate(query, per_page=current_app.config["PER_PAGE"], max_per_page=100, error_out=False)
    currencies = db.session.scalars(sa.select(ExchangeRate.currency).distinct().order_by(ExchangeRate.currency)).all()
    return render_template("rates/index.html", page=page, currency=currency, currencies=currencies,
                           args=request.args, import_form=RateImportForm())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDIT_ROLES)
def create():
    current = actor()
    form = RateForm()
    if form.validate_on_submit():
        try:
            service.create_rate(service.RateData(form.currency.data, form.on.data, form.rate.data),
                                current.user.id, current.org.id)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
        else:
            flash(_("Rate saved."), "success")
            return redirect(url_for("rates.index", currency=form.currency.data))
    return render_template("rates/form.html", form=form, obj=None), 422 if form.errors or form.form_errors else 200


def _get(rate_id: int) -> ExchangeRate:
    rate = db.session.get(ExchangeRate, rate_id) if 0 < rate_id < 2**31 else None
    if rate is None:
        abort(404)
    return rate


@bp.route("/<int:rate_id>/edit", methods=["GET", "POST"])
@roles_required(*EDIT_ROLES)
def edit(rate_id: int):
    current = actor()
    rate = _get(rate_id)
    form = RateEditForm(obj=rate if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            service.update_rate(rate, form.rate.data, current.user.id, current.org.id)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
        else:
            flash(_("Rate saved."), "success")
            return redirect(url_for("rates.index", currency=rate.currency))
    return render_template("rates/form.html", form=form, obj=rate), 422 if form.errors or form.form_errors else 200


@bp.post("/<int:rate_id>/delete")
@roles_required(*EDIT_ROLES)
def delete(rate_id: int):
    current = actor()
    rate = _get(rate_id)
    service.delete_rate(rate, current.user.id, current.org.id)
    db.session.commit()
    flash(_("Rate deleted."), "success")
    return redirect(url_for("rates.index")), 303


@bp.post("/import")
@roles_required(*EDIT_ROLES)
def import_file():
    current = actor()
    form = RateImportForm()
    if not form.validate_on_submit():
        flash(_("Choose a file to import."), "error")
        return redirect(url_for("rates.index")), 303
    content = form.file.data.read(current_app.config["RATES_IMPORT_MAX_BYTES"] + 1)
    if len(content) > current_app.config["RATES_IMPORT_MAX_BYTES"]:
        abort(413)
    try:
        result = service.import_rates(content, current.user.id, current.org.id)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return render_template("rates/import_errors.html", message=exc.message, errors=exc.errors), 422
    flash(_("Imported %(rows)d rates: %(created)d new, %(updated)d corrected, %(unchanged)d unchanged.",
            rows=result.rows, created=result.created, updated=result.updated, unchanged=result.unchanged), "success")
    return redirect(url_for("rates.index")), 303
