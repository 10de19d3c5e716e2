"""Customs declarations with their status history, documents of consignments and agreements,
and the admin-editable document types and requirement rules.

Rules: declarations move ``draft → submitted → cleared | rejected`` (a rejected one may be
resubmitted; any open one may be cancelled); clearing a declaration of a consignment that is
at customs clears the consignment through the one transition function. While an HA report of
the organization is overdue, no new HA declaration is accepted (DOMAIN.md §2, state 8).
Services flush, never commit, and audit every change.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker import crud
from tracker.audit.service import record, snapshot
from tracker.consignments import service as consignments
from tracker.customs.deadlines import overdue_ha_reports
from tracker.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from tracker.extensions import db
from tracker.models import (
    Agreement,
    Attachment,
    AidType,
    Category,
    Condition,
    Consignment,
    ConsignmentStatus,
    CustomsDeclaration,
    DeclarationEvent,
    DeclarationKind,
    DeclarationStatus,
    Document,
    DocumentRule,
    DocumentStatus,
    DocumentType,
    GoodsKind,
    Origin,
    Role,
)
from tracker.models.base import utcnow
from tracker.money import MONEY_PLACES
from tracker.scoping import get_scoped
from tracker.uploads import check_upload, open_stored, store_file
from tracker.validators import Errors, check_amount, check_date, check_length, check_required
from tracker.web.labels import label

DS = DeclarationStatus

DECLARATION_FLOW: dict[DeclarationStatus, frozenset[DeclarationStatus]] = {
    DS.draft: frozenset({DS.submitted, DS.cancelled}),
    DS.submitted: frozenset({DS.cleared, DS.rejected, DS.cancelled}),
    DS.rejected: frozenset({DS.submitted, DS.cancelled}),
    DS.cleared: frozenset(),
    DS.cancelled: frozenset(),
}


@dataclass(frozen=True)
class DeclarationData:
    kind: DeclarationKind
    number: str = ""
    customs_office: str = ""
    checkpoint: str = ""
    duty_exempted_uah: Decimal | None = None
    vat_exempted_uah: Decimal | None = None
    note: str = ""


def _validate_declaration(data: DeclarationData, consignment: Consignment) -> Errors:
    errors = Errors()
    if not isinstance(data.kind, DeclarationKind):
        errors.add("kind", _("Choose a kind of declaration."))
    elif data.kind == DeclarationKind.ha_declaration and consignment.aid_type not in (AidType.humanitarian,
                                                                                   AidType.charitable):
        errors.add("kind", _("HA declarations are for humanitarian (or charitable) aid."))
    elif data.kind == DeclarationKind.ita and consignment.aid_type != AidType.technical:
        errors.add("kind", _("ITA papers are for technical assistance."))
    for name, maximum in (("number", 60), ("customs_office", 200), ("checkpoint", 200), ("note", 500)):
        errors.add(name, check_length(getattr(data, name), maximum))
    for name in ("duty_exempted_uah", "vat_exempted_uah"):
        errors.add(name, check_amount(getattr(data, name), MONEY_PLACES))
    return errors


def _ensure_declarable(consignment: Consignment) -> None:
    if consignment.status in (ConsignmentStatus.cancelled, ConsignmentStatus.closed):
        raise Conflict(_("Consignment %(number)s is %(status)s: no declarations can be added.",
                         number=consignment.number, status=label(consignment.status).lower()))
    if consignment.origin != Origin.abroad or consignment.goods_kind != GoodsKind.goods:
        raise ValidationFailed("kind", _("Only goods from abroad go through customs."))


def add_declaration(consignment: Consignment, user_id: int | None, data: DeclarationData, *,
                    today: date) -> CustomsDeclaration:
    """Register a declaration (draft) of a consignment from abroad; an HA declaration also fills
    the consignment's HA code when it has none. Refused while an HA report is overdue."""
    _ensure_declarable(consignment)
    data = dataclasses.replace(data, number=data.number.strip(), customs_office=data.customs_office.strip(),
                               checkpoint=data.checkpoint.strip(), note=data.note.strip())
    _validate_declaration(data, consignment).raise_if_any()
    if data.kind == DeclarationKind.ha_declaration:
        overdue = overdue_ha_reports(consignment.organization_id, today)
        if overdue:
            raise Conflict(_("The HA reports of %(numbers)s are overdue: no new HA declarations until they are "
                             "reported.", numbers=", ".join(c.number for c in overdue)))
    declaration = CustomsDeclaration(organization_id=consignment.organization_id, consignment=consignment,
                                     status=DS.draft, **dataclasses.asdict(data))
    db.session.add(declaration)
    db.session.flush()
    declaration.history.append(DeclarationEvent(organization_id=consignment.organization_id, status=DS.draft,
                                                on=today, user_id=user_id, at=utcnow()))
    if data.kind == DeclarationKind.ha_declaration and data.number and not consignment.declaration_code \
            and not consignment.is_locked:
        consignment.declaration_code = data.number
    db.session.flush()
    consignments.log_event(consignment, user_id, "add_declaration",
                           _("Declaration registered: %(kind)s %(number)s.", kind=label(data.kind),
                             number=data.number))
    record(organization_id=consignment.organization_id, user_id=user_id, action="create", obj=declaration,
           after=snapshot(declaration))
    return declaration


def update_declaration(declaration: CustomsDeclaration, user_id: int | None,
                       data: DeclarationData) -> CustomsDeclaration:
    """Correct a declaration's details (its kind only while a draft); status moves separately."""
    consignment = declaration.consignment
    if consignment.status == ConsignmentStatus.cancelled:
        raise Conflict(_("Consignment %(number)s is cancelled.", number=consignment.number))
    data = dataclasses.replace(data, number=data.number.strip(), customs_office=data.customs_office.strip(),
                               checkpoint=data.checkpoint.strip(), note=data.note.strip())
    errors = _validate_declaration(data, consignment)
    if data.kind != declaration.kind and declaration.status != DS.draft:
        errors.add("kind", _("The kind can only be changed while the declaration is a draft."))
    errors.raise_if_any()
    before = snapshot(declaration)
    for key, value in dataclasses.asdict(data).items():
        setattr(declaration, key, value)
    db.session.flush()
    after = snapshot(declaration)
    if after != before:
        consignments.log_event(consignment, user_id, "update_declaration",
                               _("Declaration %(number)s changed.", number=declaration.number))
        record(organization_id=declaration.organization_id, user_id=user_id, action="update", obj=declaration,
               before=before, after=after)
    return declaration


def change_declaration_status(declaration: CustomsDeclaration, user_id: int | None, status: DeclarationStatus,
                              on: date | None, *, today: date, note: str = "",
                              role: Role | None = None) -> CustomsDeclaration:
    """Move a declaration along its status history. Clearing needs the clearance date; it
    clears a consignment that is at customs (T0 of the HA report deadline).

    Errors: :class:`InvalidTransition` (409) out of order; :class:`ValidationFailed` for dates.
    """
    if not isinstance(status, DeclarationStatus):
        raise ValidationFailed("status", _("Unknown status."))
    current = declaration.status
    if status not in DECLARATION_FLOW[current]:
        allowed = [label(s).lower() for s in DS if s in DECLARATION_FLOW[current]]
        message = _("Declaration %(number)s cannot go from %(a)s to %(b)s. Next possible: %(next)s.",
                    number=declaration.number or declaration.id, a=label(current).lower(), b=label(status).lower(),
                    next=", ".join(allowed) or _("none"))
        raise InvalidTransition(message, {"status": [message]})
    consignment = declaration.consignment
    if consignment.status == ConsignmentStatus.cancelled:
        raise Conflict(_("Consignment %(number)s is cancelled.", number=consignment.number))
    on = on or today
    errors = Errors()
    errors.add("on", check_date(on))
    if on > today:
        errors.add("on", _("The date cannot be in the future."))
    if status == DS.cleared and declaration.submitted_on and on < declaration.submitted_on:
        errors.add("on", _("Clearance (%(on)s) cannot be before submission (%(date)s).", on=on.isoformat(),
                           date=declaration.submitted_on.isoformat()))
    errors.add("note", check_length(note, 500))
    errors.raise_if_any()
    before = snapshot(declaration)
    declaration.status = status
    if status == DS.submitted:
        declaration.submitted_on = on
    elif status == DS.cleared:
        declaration.cleared_on = on
    declaration.history.append(DeclarationEvent(organization_id=declaration.organization_id, status=status, on=on,
                                                user_id=user_id, note=note.strip(), at=utcnow()))
    db.session.flush()
    consignments.log_event(consignment, user_id, "declaration_status",
                           _("Declaration %(number)s: %(status)s on %(date)s.", number=declaration.number,
                             status=label(status).lower(), date=on.isoformat()))
    record(organization_id=declaration.organization_id, user_id=user_id, action="declaration_status",
           obj=declaration, before=before, after=snapshot(declaration))
    if status == DS.cleared and consignment.status == ConsignmentStatus.at_customs:
        consignments.transition(consignment, user_id, consignments.TransitionData(to=ConsignmentStatus.cleared, on=on),
                                today=today, role=role)
    return declaration


# --------------------------------------------------------------------------- documents

@dataclass(frozen=True)
class DocumentData:
    document_type_id: int
    number: str = ""
    issued_on: date | None = None
    issuer: str = ""
    status: DocumentStatus = DocumentStatus.received
    note: str = ""


def _validate_document(data: DocumentData, organization_id: int) -> Errors:
    errors = Errors()
    try:
        get_scoped(DocumentType, data.document_type_id, organization_id)
    except NotFound:
        errors.add("document_type_id", _("Choose a document type of your organization."))
    if not isinstance(data.status, DocumentStatus):
        errors.add("status", _("Choose a status."))
    for name, maximum in (("number", 100), ("issuer", 200), ("note", 500)):
        errors.add(name, check_length(getattr(data, name), maximum))
    errors.add("issued_on", check_date(data.issued_on))
    return errors


def _strip_document(data: DocumentData) -> DocumentData:
    return dataclasses.replace(data, number=data.number.strip(), issuer=data.issuer.strip(), note=data.note.strip())


def add_document(organization_id: int, user_id: int | None, data: DocumentData, *,
                 consignment: Consignment | None = None, agreement: Agreement | None = None) -> Document:
    """File a document on a consignment (also after acceptance: acts, report confirmations) or
    on an agreement (a registration card valid for all its consignments)."""
    if (consignment is None) == (agreement is None):
        raise ValidationFailed("document", _("A document belongs to one consignment or one agreement."))
    owner = consignment or agreement
    if owner.organization_id != organization_id:  # type: ignore[union-attr]
        raise NotFound("owner")
    if consignment is not None and consignment.status == ConsignmentStatus.cancelled:
        raise Conflict(_("Consignment %(number)s is cancelled.", number=consignment.number))
    data = _strip_document(data)
    _validate_document(data, organization_id).raise_if_any()
    document = Document(organization_id=organization_id, consignment=consignment, agreement=agreement,
                        **dataclasses.asdict(data))
    db.session.add(document)
    db.session.flush()
    if consignment is not None:
        consignments.log_event(consignment, user_id, "add_document", _("Document filed: %(type)s %(number)s.",
                                                                       type=document.document_type.code,
                                                                       number=document.number))
    record(organization_id=organization_id, user_id=user_id, action="create", obj=document, after=snapshot(document))
    return document


def update_document(document: Document, user_id: int | None, data: DocumentData) -> Document:
    """Correct a document's details or status (received → verified, → expired…)."""
    data = _strip_document(data)
    _validate_document(data, document.organization_id).raise_if_any()
    before = snapshot(document)
    for key, value in dataclasses.asdict(data).items():
        setattr(document, key, value)
    db.session.flush()
    after = snapshot(document)
    if after != before:
        if document.consignment is not None:
            consignments.log_event(document.consignment, user_id, "update_document",
                                   _("Document %(type)s %(number)s: %(status)s.", type=document.document_type.code,
                                     number=document.number, status=label(document.status).lower()))
        record(organization_id=document.organization_id, user_id=user_id, action="update", obj=document,
               before=before, after=after)
    return document


def delete_document(document: Document, user_id: int | None) -> None:
    """Remove a document (and its files) filed by mistake; refused once the consignment is
    accepted, when its papers are evidence."""
    consignment = document.consignment
    if consignment is not None and consignment.is_locked:
        raise Conflict(_("Consignment %(number)s is %(status)s: its documents are kept as evidence.",
                         number=consignment.number, status=label(consignment.status).lower()))
    before = snapshot(document)
    before["files"] = [f.stored_name for f in document.files]
    db.session.delete(document)
    db.session.flush()
    if consignment is not None:
        consignments.log_event(consignment, user_id, "delete_document",
                               _("Document removed: %(number)s.", number=before["number"]))
    record(organization_id=before["organization_id"], user_id=user_id, action="delete", object_type="Document",
           object_id=before["id"], before=before)


# --------------------------------------------------------------------------- types and rules (admin)

@dataclass(frozen=True)
class DocumentTypeData:
    code: str
    name_uk: str
    name_en: str = ""
    name_de: str = ""


def validate_document_type(data: DocumentTypeData, organization_id: int, existing: DocumentType | None) -> Errors:
    errors = Errors()
    errors.add("code", check_required(data.code) or check_length(data.code, 40))
    if data.code and not data.code.replace("_", "").replace("-", "").isalnum():
        errors.add("code", _("Use letters, digits, - and _ only."))
    errors.add("name_uk", check_required(data.name_uk) or check_length(data.name_uk, 200))
    errors.add("name_en", check_length(data.name_en, 200))
    errors.add("name_de", check_length(data.name_de, 200))
    return errors


DOCUMENT_TYPE = crud.Resource(DocumentType, DocumentTypeData, validate_document_type, unique=("code",))


@dataclass(frozen=True)
class DocumentRuleData:
    document_type_id: int
    valid_from: date
    aid_type: AidType | None = None
    origin: Origin | None = None
    goods_kind: GoodsKind | None = None
    category_code: str = ""
    condition: Condition | None = None
    valid_to: date | None = None
    note: str = ""


def validate_document_rule(data: DocumentRuleData, organization_id: int, existing: DocumentRule | None) -> Errors:
    errors = Errors()
    try:
        get_scoped(DocumentType, data.document_type_id, organization_id)
    except NotFound:
        errors.add("document_type_id", _("Choose a document type of your organization."))
    if not isinstance(data.valid_from, date):
        errors.add("valid_from", _("Enter the date the rule takes effect."))
    else:
        errors.add("valid_from", check_date(data.valid_from))
    errors.add("valid_to", check_date(data.valid_to))
    if isinstance(data.valid_from, date) and data.valid_to and data.valid_to < data.valid_from:
        errors.add("valid_to", _("The end of the period is before its start."))
    for name, enum_cls in (("aid_type", AidType), ("origin", Origin), ("goods_kind", GoodsKind),
                           ("condition", Condition)):
        value = getattr(data, name)
        if value is not None and not isinstance(value, enum_cls):
            errors.add(name, _("Choose a value from the list."))
    if data.category_code:
        exists = db.session.scalar(sa.select(Category.id).where(
            Category.organization_id == organization_id, Category.code == data.category_code))
        if exists is None:
            errors.add("category_code", _("No category with code %(code)s.", code=data.category_code))
    elif data.condition is not None:
        errors.add("condition", _("A condition applies to the lines of a category: choose the category."))
    errors.add("note", check_length(data.note, 300))
    return errors


DOCUMENT_RULE = crud.Resource(DocumentRule, DocumentRuleData, validate_document_rule)


def rule_summary(rule: DocumentRule) -> dict[str, Any]:
    """The conditions of a rule with "any" for empty ones (pages and API)."""
    return {"aid_type": rule.aid_type, "origin": rule.origin, "goods_kind": rule.goods_kind,
            "category_code": rule.category_code or None, "condition": rule.condition}


# --------------------------------------------------------------------------- files

#: Kinds of files a document may carry (checked from the content) and how they are served.
ATTACHMENT_KINDS = frozenset({"pdf", "jpeg", "png", "xlsx"})
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


def safe_filename(name: str | None) -> str:
    """The user's file name for display and download: no directories, no control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?').strip(" .")
    return cleaned[:255] or "file"


def attach_file(document: Document, user_id: int | None, content: bytes, filename: str, *, folder: str,
                max_bytes: int) -> Attachment:
    """Store an uploaded file with a document: PDF, JPEG, PNG or XLSX by content, at most
    ``max_bytes`` (413 beyond), under a random name outside ``static/``, with its SHA-256.

    Errors: :class:`~tracker.uploads.FileTooLarge` (413), :class:`ValidationFailed` on ``file``.
    """
    kind = check_upload(content, ATTACHMENT_KINDS, max_bytes)
    stored = store_file(content, folder)
    attachment = Attachment(organization_id=document.organization_id, document_id=document.id,
                            stored_name=stored.stored_name, original_name=safe_filename(filename), size=stored.size,
                            content_type=CONTENT_TYPES[kind], sha256=stored.sha256, uploaded_by_id=user_id,
                            uploaded_at=utcnow())
    db.session.add(attachment)
    db.session.flush()
    if document.consignment is not None:
        consignments.log_event(document.consignment, user_id, "attach_file",
                               _("File %(name)s attached to %(type)s.", name=attachment.original_name,
                                 type=document.document_type.code))
    record(organization_id=document.organization_id, user_id=user_id, action="attach_file", obj=attachment,
           after=snapshot(attachment))
    return attachment


def read_attachment(attachment: Attachment, folder: str) -> bytes:
    """The stored bytes of an attachment (the caller has scoped it to the organization)."""
    return open_stored(folder, attachment.stored_name)
