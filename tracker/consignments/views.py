"""Pages for consignments: list with filters, register and edit, the consignment page (lines,
totals, checklist, declarations, documents, deadline, timeline), lines, transitions, the report
date, packing-list import with preview, and the acceptance act."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from tracker.consignments import imports, queries, service
from tracker.consignments.forms import ConsignmentForm, ImportConfirmForm, ImportUploadForm, LineForm, \
    ReportForm, TransitionForm, optional_int
from tracker.customs.checklist import build_checklist
from tracker.customs.deadlines import deadline
from tracker.customs.forms import AttachmentForm, DeclarationStatusForm
from tracker.errors import DomainError, NotFound
from tracker.extensions import db
from tracker.imports.packing_list import FIELDS, field_labels
from tracker.models import (
    Agreement,
    AidType,
    Category,
    Consignment,
    ConsignmentLine,
    ConsignmentStatus,
    Item,
    Partner,
    Role,
    Unit,
    Warehouse,
)
from tracker.rates.service import RateMissing
from tracker.scoping import get_scoped, scoped
from tracker.uploads import check_upload, open_stored, store_file
from tracker.web.access import EDIT_ROLES, Actor, actor, roles_required
from tracker.web.forms import form_to, populate_errors
from tracker.web.labels import label
from wtforms import SelectChoice

bp = Blueprint("consignments", __name__, url_prefix="/consignments")


@bp.app_template_filter("long_date")
def long_date(value: date | None) -> str:
    return format_date(value, "long") if value else ""


def today() -> date:
    return date.today()


def lookback() -> int:
    return int(current_app.config["RATE_LOOKBACK_DAYS"])


def _get(consignment_id: int) -> Consignment:
    return get_scoped(Consignment, consignment_id, actor().org.id)


def _get_line(consignment: Consignment, line_id: int) -> ConsignmentLine:
    line = get_scoped(ConsignmentLine, line_id, consignment.organization_id)
    if line.consignment_id != consignment.id:
        raise NotFound(_("No such line on this consignment."))
    return line


def _options(model: type[Any], org_id: int, order: Any, text: Any = str, none: str | None = None) -> list[Any]:
    found = [SelectChoice(o.id, text(o)) for o in db.session.scalars(scoped(model, org_id).order_by(order))]
    return ([SelectChoice("", none)] if none is not None else []) + found


def _prepare_header_form(form: ConsignmentForm, current: Actor) -> None:
    org = current.org.id
    form.partner_id.choices = _options(Partner, org, Partner.name, none="—")
    form.agreement_id.choices = _options(Agreement, org, Agreement.number,
                                         lambda a: f"{a.partner.name}: {a}", none=_("none"))
    form.warehouse_id.choices = _options(Warehouse, org, Warehouse.name, lambda w: w.name, none=_("not chosen yet"))


def _prepare_line_form(form: LineForm, current: Actor) -> None:
    org = current.org.id
    locale = str(get_locale())
    form.item_id.choices = _options(Item, org, Item.name, lambda i: i.name, none=_("free name (not in the catalogue)"))
    form.category_id.choices = _options(Category, org, Category.code,
                                        lambda c: c.display_name(locale), none="—")
    form.unit_id.choices = _options(Unit, org, Unit.code, lambda u: u.code, none="—")


def _status_arg(name: str, enum_cls: Any) -> Any:
    value = request.args.get(name) or ""
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


# --------------------------------------------------------------------------- list, register, edit

@bp.get("/")
def index():
    current = actor()
    filters = queries.ConsignmentFilters(
        status=_status_arg("status", ConsignmentStatus), aid_type=_status_arg("aid_type", AidType),
        partner_id=request.args.get("partner_id", type=int), date_from=_date_arg("from"), date_to=_date_arg("to"),
        overdue=request.args.get("overdue") == "1", q=(request.args.get("q") or "").strip()[:60])
    query = queries.consignment_query(current.org.id, filters, today())
    page = db.paginate(query, per_page=current_app.config["PER_PAGE"], max_per_page=100, error_out=False)
    partners = db.session.scalars(scoped(Partner, current.org.id).order_by(Partner.name)).all()
    return render_template("consignments/index.html", page=page, args=request.args, partners=partners,
                           statuses=list(ConsignmentStatus), aid_types=list(AidType), totals=service.totals,
                           deadline=deadline, today=today())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDIT_ROLES)
def create():
    current = actor()
    form = ConsignmentForm()
    _prepare_header_form(form, current)
    if request.method == "GET":
        form.valuation_on.data = form.valuation_on.data or today()
        partner_id = request.args.get("partner_id", type=int)
        if partner_id:
            form.partner_id.data = partner_id
    failed: int | None = None
    if form.validate_on_submit():
        try:
            consignment = service.create_consignment(current.org.id, current.user.id,
                                                     form_to(service.ConsignmentData, form))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
            failed = exc.status
        else:
            flash(_("Consignment %(number)s registered.", number=consignment.number), "success")
            return redirect(url_for("consignments.view", consignment_id=consignment.id))
    return render_template("consignments/form.html", form=form, consignment=None), \
        failed or (422 if form.errors or form.form_errors else 200)


@bp.route("/<int:consignment_id>/edit", methods=["GET", "POST"])
@roles_required(*EDIT_ROLES)
def edit(consignment_id: int):
    current = actor()
    consignment = _get(consignment_id)
    form = ConsignmentForm(obj=consignment if request.method == "GET" else None)
    _prepare_header_form(form, current)
    failed: int | None = None
    if form.validate_on_submit():
        try:
            service.update_consignment(consignment, current.user.id, form_to(service.ConsignmentData, form),
                                       lookback_days=lookback(), expected_version=form.version.data)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
            failed = exc.status
        else:
            flash(_("Saved: %(name)s.", name=consignment.number), "success")
            return redirect(url_for("consignments.view", consignment_id=consignment.id))
    elif request.method == "GET" and consignment.is_locked:
        flash(_("Consignment %(number)s is %(status)s: it and its lines are read-only.", number=consignment.number,
                status=label(consignment.status).lower()), "error")
        return redirect(url_for("consignments.view", consignment_id=consignment.id))
    return render_template("consignments/form.html", form=form, consignment=consignment), \
        failed or (422 if form.errors or form.form_errors else 200)


# --------------------------------------------------------------------------- the consignment page

def page_context(consignment: Consignment, current: Actor) -> dict[str, Any]:
    checklist = build_checklist(consignment)
    return {
        "consignment": consignment,
        "totals": service.totals(consignment),
        "checklist": checklist,
        "deadline": deadline(consignment, today()),
        "timeline": queries.timeline(consignment),
        "next_statuses": service.allowed_transitions(consignment) if current.can_edit else [],
        "transition_form": TransitionForm(formdata=None),
        "report_form": ReportForm(formdata=None, reported_on=consignment.reported_on),
        "status_form": DeclarationStatusForm(formdata=None),
        "attachment_form": AttachmentForm(formdata=None),
        "may_override": current.role == Role.finance_head and bool(checklist.missing),
        "today": today(),
    }


@bp.get("/<int:consignment_id>")
def view(consignment_id: int):
    current = actor()
    consignment = _get(consignment_id)
    return render_template("consignments/view.html", **page_context(consignment, current))


@bp.post("/<int:consignment_id>/transition")
@roles_required(*EDIT_ROLES)
def transition(consignment_id: int):
    current = actor()
    consignment = _get(consignment_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        flash(" ".join(m for messages in form.errors.values() for m in messages), "error")
        return render_template("consignments/view.html", **page_context(consignment, current)), 422
    try:
        target = ConsignmentStatus(form.to.data)
    except ValueError:
        abort(422)
    try:
        service.transition(consignment, current.user.id, service.TransitionData(
            to=target, on=form.on.data, reason=form.reason.data or "", override_reason=form.override_reason.data or ""),
            today=today(), role=current.role)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        consignment = _get(consignment_id)
        return render_template("consignments/view.html", **page_context(consignment, current)), exc.status
    flash(_("Consignment %(number)s: %(status)s.", number=consignment.number, status=label(target).lower()), "success")
    return redirect(url_for("consignments.view", consignment_id=consignment.id))


@bp.post("/<int:consignment_id>/report")
@roles_required(*EDIT_ROLES)
def report(consignment_id: int):
    current = actor()
    consignment = _get(consignment_id)
    form = ReportForm()
    failed: int | None = None
    if form.validate_on_submit():
        try:
            service.record_report(consignment, current.user.id, form.reported_on.data, today=today())
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return render_template("consignments/view.html",
                                   **page_context(_get(consignment_id), current)), exc.status
        flash(_("Report date saved."), "success")
        return redirect(url_for("consignments.view", consignment_id=consignment.id))
    flash(" ".join(m for messages in form.errors.values() for m in messages), "error")
    return render_template("consignments/view.html", **page_context(consignment, current)), 422


@bp.get("/<int:consignment_id>/act")
def act(consignment_id: int):
    actor()
    consignment = _get(consignment_id)
    if consignment.status not in (ConsignmentStatus.accepted, ConsignmentStatus.closed):
        flash(_("The acceptance act exists once the consignment is accepted."), "error")
        return redirect(url_for("consignments.view", consignment_id=consignment.id))
    return render_template("consignments/act.html", consignment=consignment,
                           act=service.acceptance_act(consignment))


# --------------------------------------------------------------------------- lines

def _line_data(form: LineForm) -> service.LineData:
    return form_to(service.LineData, form)


@bp.route("/<int:consignment_id>/lines/new", methods=["GET", "POST"])
@roles_required(*EDIT_ROLES)
def line_create(consignment_id: int):
    current = actor()
    consignment = _get(consignment_id)
    form = LineForm()
    _prepare_line_form(form, current)
    if request.method == "GET":
        form.currency.data = consignment.currency
        form.version.data = consignment.version
    missing = None
    failed: int | None = None
    if form.validate_on_submit():
        try:
            service.add_line(consignment, current.user.id, _line_data(form), lookback_days=lookback(),
                             expected_version=form.version.data, entered_rate=form.missing_rate.data)
            db.session.commit()
        except RateMissing as exc:
            db.session.rollback()
            missing = exc
            failed = exc.status
            form.missing_rate.errors = [exc.message]
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
            failed = exc.status
        else:
            flash(_("Line added."), "success")
            return redirect(url_for("consignments.view", consignment_id=consignment.id) + "#lines")
    return render_template("consignments/line_form.html", form=form, consignment=_get(consignment_id), line=None,
                           missing=missing), failed or (422 if form.errors or form.form_errors else 200)


@bp.route("/<int:consignment_id>/lines/<int:line_id>/edit", methods=["GET", "POST"])
@roles_required(*EDIT_ROLES)
def line_edit(consignment_id: int, line_id: int):
    current = actor()
    consignment = _get(consignment_id)
    line = _get_line(consignment, line_id)
    form = LineForm(obj=line if request.method == "GET" else None)
    _prepare_line_form(form, current)
    if request.method == "GET":
        form.version.data = consignment.version
    missing = None
    failed: int | None = None
    if form.validate_on_submit():
        try:
            service.update_line(line, current.user.id, _line_data(form), lookback_days=lookback(),
                                expected_version=form.version.data, entered_rate=form.missing_rate.data)
            db.session.commit()
        except RateMissing as exc:
            db.session.rollback()
            missing = exc
            failed = exc.status
            form.missing_rate.errors = [exc.message]
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
            failed = exc.status
        else:
            flash(_("Line %(n)d saved.", n=line.position), "success")
            return redirect(url_for("consignments.view", consignment_id=consignment.id) + "#lines")
    consignment = _get(consignment_id)
    return render_template("consignments/line_form.html", form=form, consignment=consignment,
                           line=_get_line(consignment, line_id), missing=missing), \
        failed or (422 if form.errors or form.form_errors else 200)


@bp.post("/<int:consignment_id>/lines/<int:line_id>/delete")
@roles_required(*EDIT_ROLES)
def line_delete(consignment_id: int, line_id: int):
    current = actor()
    consignment = _get(consignment_id)
    line = _get_line(consignment, line_id)
    try:
        service.delete_line(line, current.user.id, expected_version=request.form.get("version", type=int))
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return render_template("consignments/view.html", **page_context(_get(consignment_id), current)), exc.status
    flash(_("Line removed."), "success")
    return redirect(url_for("consignments.view", consignment_id=consignment.id) + "#lines"), 303


# --------------------------------------------------------------------------- packing-list import

def _import_key(consignment: Consignment) -> str:
    return f"import:{consignment.organization_id}:{consignment.id}"


@bp.route("/<int:consignment_id>/import", methods=["GET", "POST"])
@roles_required(*EDIT_ROLES)
def import_upload(consignment_id: int):
    current = actor()
    consignment = _get(consignment_id)
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        content = upload.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
        try:
            service.ensure_editable(consignment)
            kind = check_upload(content, {"xlsx", "csv"}, current_app.config["UPLOAD_MAX_BYTES"])
            imports.preview_import(consignment, content, upload.filename or "packing-list")
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
            return render_template("consignments/import_upload.html", form=form, consignment=consignment), exc.status
        stored = store_file(content, current_app.config["UPLOAD_FOLDER"])
        session[_import_key(consignment)] = {"stored": stored.stored_name, "filename": upload.filename or "",
                                             "kind": kind, "sha256": stored.sha256, "size": stored.size}
        return redirect(url_for("consignments.import_preview", consignment_id=consignment.id))
    return render_template("consignments/import_upload.html", form=form, consignment=consignment), \
        422 if form.errors else 200


def _import_options(values: Any) -> imports.ImportOptions:
    mapping = {f: values.get(f"map_{f}", "") for f in FIELDS if f"map_{f}" in values}
    date_format = values.get("date_format") or None
    if date_format not in imports.DATE_FORMATS:
        date_format = None
    decimal = values.get("decimal_comma", "")
    items = {}
    categories = {}
    for key, value in values.items():
        if key.startswith("item_") and key[5:].isdigit() and value != "":
            items[int(key[5:])] = optional_int(value) or 0  # "0": explicitly no catalogue item
        if key.startswith("category_") and key[9:].isdigit() and value:
            category_id = optional_int(value)
            if category_id:
                categories[int(key[9:])] = category_id
    return imports.ImportOptions(mapping=mapping or None, date_format=date_format,
                                 decimal_comma={"comma": True, "point": False}.get(decimal),
                                 items=items, categories=categories)


@bp.route("/<int:consignment_id>/import/preview", methods=["GET", "POST"])
@roles_required(*EDIT_ROLES)
def import_preview(consignment_id: int):
    current = actor()
    consignment = _get(consignment_id)
    pending = session.get(_import_key(consignment))
    if not pending:
        flash(_("Upload the packing list first."), "error")
        return redirect(url_for("consignments.import_upload", consignment_id=consignment.id))
    folder = current_app.config["UPLOAD_FOLDER"]
    content = open_stored(folder, pending["stored"])
    filename = pending["filename"]
    form = ImportConfirmForm()
    options = _import_options(request.form if request.method == "POST" else {})
    status = 200
    if form.validate_on_submit() and request.form.get("action") == "import":
        from tracker.uploads import StoredFile

        stored = StoredFile(stored_name=pending["stored"], sha256=pending["sha256"], size=pending["size"])
        try:
            lines = imports.import_packing_list(
                consignment, current.user.id, content, filename, options, lookback_days=lookback(), stored=stored,
                content_type="text/csv" if pending["kind"] == "csv" else
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            consignment = _get(consignment_id)
            flash(exc.message, "error")
            status = exc.status
        else:
            session.pop(_import_key(consignment), None)
            flash(_("%(n)d lines imported from %(file)s.", n=len(lines), file=filename), "success")
            return redirect(url_for("consignments.view", consignment_id=consignment.id) + "#lines")
    try:
        preview = imports.preview_import(consignment, content, filename, options)
    except DomainError as exc:
        flash(exc.message, "error")
        preview = None
        status = 422
        try:  # show the file's columns with the automatic mapping, so the user can correct it
            preview = imports.preview_import(consignment, content, filename,
                                             imports.ImportOptions(date_format=options.date_format))
        except DomainError:
            pass
    org = current.org.id
    return render_template(
        "consignments/import_preview.html", consignment=consignment, form=form, preview=preview, filename=filename,
        options=options, fields=FIELDS, field_labels=field_labels(), date_formats=imports.DATE_FORMATS,
        items=db.session.scalars(scoped(Item, org).order_by(Item.name)).all(),
        categories=db.session.scalars(scoped(Category, org).order_by(Category.code)).all(),
        units={u.id: u.code for u in db.session.scalars(scoped(Unit, org))}), status

