"""The settings page: legal thresholds in force today and their date-effective history; an
admin records a new value from a date."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from tracker.errors import DomainError
from tracker.extensions import db
from tracker.models import Setting
from tracker.settings import service
from tracker.settings.forms import SettingForm
from tracker.web.access import MANAGE_ROLES, actor, roles_required
from tracker.web.forms import form_to, populate_errors

bp = Blueprint("settings", __name__, url_prefix="/settings")


def _render(form: SettingForm, status: int = 200):
    current = actor()
    today = date.today()
    in_force = [(spec, service.get_setting(key, today, current.org.id)) for key, spec in service.SPECS.items()]
    return render_template("settings/index.html", form=form, in_force=in_force,
                           history=service.history(current.org.id), specs=service.SPECS, today=today), status


@bp.get("/")
def index():
    form = SettingForm(formdata=None)
    form.valid_from.data = date.today()
    return _render(form)


@bp.post("/")
@roles_required(*MANAGE_ROLES)
def save():
    current = actor()
    form = SettingForm()
    if form.validate_on_submit():
        try:
            service.set_setting(current.org.id, current.user.id, form_to(service.SettingData, form))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
        else:
            flash(_("Setting saved."), "success")
            return redirect(url_for("settings.index"))
    return _render(form, 422)


@bp.post("/<int:setting_id>/delete")
@roles_required(*MANAGE_ROLES)
def delete(setting_id: int):
    current = actor()
    row = db.session.get(Setting, setting_id) if 0 < setting_id < 2**31 else None
    if row is None or row.organization_id != current.org.id:
        return _render(SettingForm(formdata=None), 404)
    try:
        service.delete_setting(row, current.user.id)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("settings.index")), 303

