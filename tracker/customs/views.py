"""Pages for customs: the register of declarations and deadlines, declarations with their
status, documents with files (downloaded only by users of the organization), and the admin
pages for document types and requirement rules."""
from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from tracker.consignments import queries
from tracker.customs import service
from tracker.customs.deadlines import open_deadlines, overdue_ha_reports
from tracker.customs.forms import AttachmentForm, DeclarationForm, DeclarationStatusForm, DocumentForm, \
    DocumentRuleForm, DocumentTypeForm
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.models import (
    Attachment,
    Category,
    Consignment,
    CustomsDeclaration,
    Document,
    DocumentRule,
    DocumentType,
)
from tracker.scoping import get_scoped, scoped
from tracker.web.access import EDIT_ROLES, MANAGE_ROLES, Actor, actor, roles_required
from tracker.web.crud import Column, CrudPages
from tracker.web.forms import form_to, populate_errors
from tracker.web.labels import label

bp = Blueprint("customs", __name__, url_prefix="/customs")
document_types_bp = Blueprint("document_types", __name__, url_prefix="/customs/document-types")
document_rules_bp = Blueprint("document_rules", __name__, url_prefix="/customs/document-rules")


def today() -> date:
    return date.today()


def _consignment(consignment_id: int) -> Consignment:
    return get_scoped(Consignment, consignment_id, actor().org.id)


def _back(consignment_id: int, anchor: str) -> Any:
    return redirect(url_for("consignments.view", consignment_id=consignment_id) + anchor)


@bp.get("/")
def index():
    current = actor()
    page = db.paginate(queries.declarations(current.org.id), per_page=current_app.config["PER_PAGE"],
                       max_per_page=100, error_out=False)
    return render_template("customs/index.html", page=page, deadlines=open_deadlines(current.org.id, today()),
                           overdue=overdue_ha_reports(current.org.id, today()),
                           missing=queries.with_missing_documents(current.org.id))


# --------------------------------------------------------------------------- declarations

@bp.route("/consignments/<int:consignment_id>/declarations/new", methods=["GET", "POST"])
@roles_required(*EDIT_ROLES)
def declaration_create(consignment_id: int):
    current = actor()
    consignment = _consignment(consignment_id)
    form = DeclarationForm()
    failed: int | None = None
    if form.validate_on_submit():
        try:
            service.add_declaration(consignment, current.user.id, form_to(service.DeclarationData, form), today=today())
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
            failed = exc.status
        else:
            flash(_("Declaration registered."), "success")
            return _back(consignment.id, "#declarations")
    return render_template("customs/declaration_form.html", form=form, consignment=_consignment(consignment_id),
                           declaration=None), failed or (422 if form.errors or form.form_errors else 200)


@bp.route("/declarations/<int:declaration_id>/edit", methods=["GET", "POST"])
@roles_required(*EDIT_ROLES)
def declaration_edit(declaration_id: int):
    current = actor()
    declaration = get_scoped(CustomsDeclaration, declaration_id, current.org.id)
    form = DeclarationForm(obj=declaration if request.method == "GET" else None)
    failed: int | None = None
    if form.validate_on_submit():
        try:
            service.update_declaration(declaration, current.user.id, form_to(service.DeclarationData, form))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
            failed = exc.status
        else:
            flash(_("Declaration saved."), "success")
            return _back(declaration.consignment_id, "#declarations")
    declaration = get_scoped(CustomsDeclaration, declaration_id, current.org.id)
    return render_template("customs/declaration_form.html", form=form, consignment=declaration.consignment,
                           declaration=declaration), failed or (422 if form.errors or form.form_errors else 200)


@bp.post("/declarations/<int:declaration_id>/status")
@roles_required(*EDIT_ROLES)
def declaration_status(declaration_id: int):
    current = actor()
    declaration = get_scoped(CustomsDeclaration, declaration_id, current.org.id)
    consignment_id = declaration.consignment_id
    form = DeclarationStatusForm()
    if not form.validate_on_submit():
        flash(" ".join(m for messages in form.errors.values() for m in messages), "error")
        return _back(consignment_id, "#declarations"), 303
    try:
        service.change_declaration_status(declaration, current.user.id, form.status.data, form.on.data,
                                          today=today(), note=form.note.data or "", role=current.role)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        from tracker.consignments.views import page_context

        return render_template("consignments/view.html",
                               **page_context(_consignment(consignment_id), current)), exc.status
    flash(_("Declaration %(number)s: %(status)s.", number=declaration.number, status=label(form.status.data).lower()),
          "success")
    return _back(consignment_id, "#declarations")


# --------------------------------------------------------------------------- documents and files

def _document_types(form: DocumentForm, current: Actor) -> None:
    form.document_type_id.choices = [
        SelectChoice(t.id, t.display_name(current.user.locale))
        for t in db.session.scalars(scoped(DocumentType, current.org.id).order_by(DocumentType.code))]


def _upload_limit() -> int:
    return int(current_app.config["UPLOAD_MAX_BYTES"])


def _read_upload(storage: Any) -> bytes:
    return storage.read(_upload_limit() + 1)


@bp.route("/consignments/<int:consignment_id>/documents/new", methods=["GET", "POST"])
@roles_required(*EDIT_ROLES)
def document_create(consignment_id: int):
    current = actor()
    consignment = _consignment(consignment_id)
    form = DocumentForm()
    _document_types(form, current)
    if request.method == "GET" and request.args.get("type"):
        wanted = db.session.scalar(scoped(DocumentType, current.org.id).where(
            DocumentType.code == request.args["type"]))
        if wanted is not None:
            form.document_type_id.data = wanted.id
    failed: int | None = None
    if form.validate_on_submit():
        try:
            document = service.add_document(current.org.id, current.user.id, form_to(service.DocumentData, form),
                                            consignment=consignment)
            if form.file.data:
                service.attach_file(document, current.user.id, _read_upload(form.file.data),
                                    form.file.data.filename or "", folder=current_app.config["UPLOAD_FOLDER"],
                                    max_bytes=_upload_limit())
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
            failed = exc.status
            status = exc.status if exc.status == 413 else 422
            return render_template("customs/document_form.html", form=form, consignment=_consignment(consignment_id),
                                   document=None), status
        flash(_("Document filed."), "success")
        return _back(consignment.id, "#documents")
    return render_template("customs/document_form.html", form=form, consignment=consignment, document=None), \
        failed or (422 if form.errors or form.form_errors else 200)


@bp.route("/documents/<int:document_id>/edit", methods=["GET", "POST"])
@roles_required(*EDIT_ROLES)
def document_edit(document_id: int):
    current = actor()
    document = get_scoped(Document, document_id, current.org.id)
    form = DocumentForm(obj=document if request.method == "GET" else None)
    _document_types(form, current)
    failed: int | None = None
    if form.validate_on_submit():
        try:
            service.update_document(document, current.user.id, form_to(service.DocumentData, form))
            if form.file.data:
                service.attach_file(document, current.user.id, _read_upload(form.file.data),
                                    form.file.data.filename or "", folder=current_app.config["UPLOAD_FOLDER"],
                                    max_bytes=_upload_limit())
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            populate_errors(form, exc)
            failed = exc.status
        else:
            flash(_("Document saved."), "success")
            if document.consignment_id:
                return _back(document.consignment_id, "#documents")
            return redirect(url_for("agreements.view", object_id=document.agreement_id))
    document = get_scoped(Document, document_id, current.org.id)
    return render_template("customs/document_form.html", form=form, consignment=document.consignment,
                           document=document), failed or (422 if form.errors or form.form_errors else 200)


@bp.post("/documents/<int:document_id>/delete")
@roles_required(*EDIT_ROLES)
def document_delete(document_id: int):
    current = actor()
    document = get_scoped(Document, document_id, current.org.id)
    consignment_id = document.consignment_id
    try:
        service.delete_document(document, current.user.id)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("customs.document_edit", document_id=document_id)), 303
    flash(_("Document removed."), "success")
    if consignment_id:
        return _back(consignment_id, "#documents"), 303
    return redirect(url_for("customs.index")), 303


@bp.post("/documents/<int:document_id>/files")
@roles_required(*EDIT_ROLES)
def attachment_upload(document_id: int):
    current = actor()
    document = get_scoped(Document, document_id, current.org.id)
    form = AttachmentForm()
    target = _back(document.consignment_id, "#documents") if document.consignment_id else \
        redirect(url_for("customs.document_edit", document_id=document.id))
    if not form.validate_on_submit():
        flash(" ".join(m for messages in form.errors.values() for m in messages), "error")
        return target, 303
    try:
        attachment = service.attach_file(document, current.user.id, _read_upload(form.file.data),
                                         form.file.data.filename or "", folder=current_app.config["UPLOAD_FOLDER"],
                                         max_bytes=_upload_limit())
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        if document.consignment_id:
            from tracker.consignments.views import page_context

            return render_template("consignments/view.html",
                                   **page_context(_consignment(document.consignment_id), current)), exc.status
        return target, 303
    flash(_("File %(name)s attached.", name=attachment.original_name), "success")
    return target


@bp.get("/files/<int:attachment_id>")
def attachment_download(attachment_id: int):
    """Only users of the owning organization (404 otherwise); always as a download."""
    current = actor()
    attachment = get_scoped(Attachment, attachment_id, current.org.id)
    content = service.read_attachment(attachment, current_app.config["UPLOAD_FOLDER"])
    response = send_file(io.BytesIO(content), mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.original_name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------- types and rules (admin)

def _rule_form(form: DocumentRuleForm, current: Actor) -> None:
    form.document_type_id.choices = [
        SelectChoice(t.id, f"{t.code} — {t.display_name(current.user.locale)}")
        for t in db.session.scalars(scoped(DocumentType, current.org.id).order_by(DocumentType.code))]
    form.category_code.choices = [SelectChoice("", str(_l("Any")))] + [
        SelectChoice(c.code, c.display_name(current.user.locale))
        for c in db.session.scalars(scoped(Category, current.org.id).order_by(Category.code))]


def _any(value: Any) -> str:
    return label(value) if value else str(_l("Any"))


DOCUMENT_TYPE_PAGES = CrudPages(
    name="document_types",
    resource=service.DOCUMENT_TYPE,
    form_class=DocumentTypeForm,
    title=_l("Document type"),
    title_plural=_l("Document types"),
    columns=[Column("code", _l("Code")), Column("name_uk", _l("Name (Ukrainian)")),
             Column("name_en", _l("Name (English)")), Column("name_de", _l("Name (German)"))],
    search=(DocumentType.code, DocumentType.name_uk, DocumentType.name_en),
    order_by=(DocumentType.code,),
    label_of=lambda t: t.code,
    roles=MANAGE_ROLES,
)
DOCUMENT_TYPE_PAGES.register(document_types_bp)

RULE_COLUMNS = [
    Column("document_type", _l("Required document"), lambda r: r.document_type.code),
    Column("aid_type", _l("Aid type"), lambda r: _any(r.aid_type)),
    Column("origin", _l("Origin"), lambda r: _any(r.origin)),
    Column("goods_kind", _l("Goods, services or cash"), lambda r: _any(r.goods_kind)),
    Column("category_code", _l("Category of a line"), lambda r: r.category_code or str(_l("Any"))),
    Column("condition", _l("Condition of that line"), lambda r: _any(r.condition)),
    Column("valid_from", _l("Valid from")),
    Column("valid_to", _l("Valid to")),
    Column("note", _l("Legal basis or practice")),
]


def _rule_label(rule: DocumentRule) -> str:
    return f"{rule.document_type.code} #{rule.id}"


DOCUMENT_RULE_PAGES = CrudPages(
    name="document_rules",
    resource=service.DOCUMENT_RULE,
    form_class=DocumentRuleForm,
    title=_l("Document rule"),
    title_plural=_l("Document rules"),
    columns=RULE_COLUMNS,
    details=RULE_COLUMNS,
    search=(DocumentRule.category_code, DocumentRule.note),
    order_by=(DocumentRule.document_type_id, DocumentRule.valid_from),
    prepare_form=_rule_form,
    label_of=_rule_label,
    roles=MANAGE_ROLES,
)
DOCUMENT_RULE_PAGES.register(document_rules_bp)
