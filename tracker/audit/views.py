"""The audit page: the organization's trail, filtered by user, object, action and period, an
object's history, and the export of the filtered trail to Excel (itself audited)."""
from __future__ import annotations

from io import BytesIO
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request, send_file
from flask_babel import gettext as _
from wtforms import SelectChoice

from tracker.audit import queries
from tracker.audit.forms import AuditFilterForm
from tracker.audit.service import record_download
from tracker.audit.xlsx import AuditRow, build_audit_workbook
from tracker.extensions import db
from tracker.models import AuditEvent
from tracker.models.base import utcnow
from tracker.web.access import AUDIT_ROLES, Actor, actor, roles_required

bp = Blueprint("audit", __name__, url_prefix="/audit")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter_form(current: Actor) -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    form.user_id.choices = [SelectChoice("", _("All users"))] + [
        SelectChoice(u.id, u.email) for u in queries.users(current.org.id)]
    form.action.choices = [SelectChoice("", _("All actions"))] + [
        SelectChoice(a, a) for a in queries.actions(current.org.id)]
    return form


def _filter(form: AuditFilterForm) -> queries.AuditFilter:
    return queries.AuditFilter(
        user_id=form.user_id.data or None, object_type=(form.object_type.data or "").strip(),
        object_id=(form.object_id.data or "").strip(), action=form.action.data or "",
        date_from=form.date_from.data, date_to=form.date_to.data)


@bp.get("/")
@roles_required(*AUDIT_ROLES)
def index():
    current = actor()
    form = _filter_form(current)
    if not form.validate():
        return render_template("audit/index.html", form=form, page=None, emails={}, args=request.args), 422
    flt = _filter(form)
    query = queries.events_query(current.org.id, flt, current_app.config["BABEL_DEFAULT_TIMEZONE"])
    page = db.paginate(query, per_page=current_app.config["PER_PAGE"], max_per_page=100, error_out=False)
    emails = queries.emails_by_id({e.user_id for e in page.items if e.user_id})
    return render_template("audit/index.html", form=form, page=page, emails=emails, args=request.args,
                           flt=flt, changes=queries.changes)


@bp.get("/export.xlsx")
@roles_required(*AUDIT_ROLES)
def export():
    """The filtered trail as a workbook (newest first, at most AUDIT_EXPORT_MAX_ROWS events)."""
    current = actor()
    form = _filter_form(current)
    if not form.validate():
        return render_template("audit/index.html", form=form, page=None, emails={}, args=request.args), 422
    flt = _filter(form)
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    limit = current_app.config["AUDIT_EXPORT_MAX_ROWS"]
    events: list[AuditEvent] = list(db.session.scalars(queries.events_query(current.org.id, flt, zone).limit(limit)))
    emails = queries.emails_by_id({e.user_id for e in events if e.user_id})
    local = ZoneInfo(zone)
    rows = [AuditRow(id=e.id, at=e.at.astimezone(local).replace(tzinfo=None),
                     user=emails.get(e.user_id, "") if e.user_id else _("system"), action=e.action,
                     object_type=e.object_type, object_id=e.object_id, before=e.before, after=e.after, hash=e.hash)
             for e in events]
    stamp = utcnow().astimezone(local)
    file_name = f"audit-{current.org.edrpou}-{stamp:%Y%m%d-%H%M}.xlsx"
    filters = ", ".join(f"{k}={v}" for k, v in flt.as_dict().items()) or _("none")
    exported_at = f"{stamp:%Y-%m-%d %H:%M}"
    content = build_audit_workbook(
        rows,
        title=_("Audit trail: %(org)s (EDRPOU %(code)s)", org=current.org.name_uk, code=current.org.edrpou),
        header_lines=[_("Filters: %(filters)s", filters=filters),
                      _("Exported %(at)s by %(user)s; %(n)d events (at most %(limit)d).",
                        at=exported_at, user=current.user.email, n=len(rows), limit=limit)],
        headers=[_("No."), _("Time"), _("User"), _("Action"), _("Object type"), _("Object id"), _("Before"),
                 _("After"), _("Hash")],
    )
    record_download(organization_id=current.org.id, user_id=current.user.id, file_name=file_name,
                    object_type="AuditEvent", details={"filters": flt.as_dict(), "rows": len(rows)})
    db.session.commit()
    return send_file(BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=file_name)

