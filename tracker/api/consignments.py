"""API for consignments (with lines, transitions, packing-list import, checklist, declarations,
documents and their files) and for stock balances — DESIGN.md §6.

Handlers parse with a schema, call one service, commit once. Amounts are decimal strings; a
refused transition answers 409 with the precise reason in ``detail``; a packing list with row
errors answers 422 with ``errors`` per row and imports nothing; foreign ids answer 404.
"""
from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import current_app, g, send_file
from flask.views import MethodView
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint as ApiBlueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from tracker.api import api_blueprint
from tracker.api.fields import Code, DecimalString, FlagBoolean, SafeDate, SafeInt, Text, rule
from tracker.api.resources import _document_errors, paginate
from tracker.api.schemas import PageArgsSchema, page_schema
from tracker.consignments import imports, queries, service
from tracker.customs import service as customs
from tracker.customs.checklist import build_checklist
from tracker.customs.deadlines import deadline
from tracker.errors import NotFound, ValidationFailed
from tracker.extensions import db
from tracker.models import (
    AidType,
    Attachment,
    Category,
    Condition,
    Consignment,
    ConsignmentLine,
    ConsignmentStatus,
    CustomsDeclaration,
    DeclarationKind,
    DeclarationStatus,
    Document,
    DocumentStatus,
    DocumentType,
    GoodsKind,
    IntendedUse,
    Origin,
    Unit,
    ValuationMethod,
)
from tracker.money import quantize_money
from tracker.scoping import get_scoped, scoped
from tracker.stock.queries import balances
from tracker.uploads import check_upload, store_file
from tracker.validators import check_currency


def _amount(value: Any, currency: str | None) -> str | None:
    """An amount as a string with the currency's minor units (JPY "3005", EUR "12490.00")."""
    if value is None:
        return None
    return str(quantize_money(value, currency)) if currency else str(value)


# --------------------------------------------------------------------------- schemas

class LineSchema(Schema):
    id = fields.Integer(dump_only=True)
    position = fields.Integer(dump_only=True)
    item_id = SafeInt(allow_none=True, load_default=None)
    name = Text(load_default="", validate=validate.Length(max=300))
    category = Text(required=True, validate=validate.Length(min=1, max=40),
                    metadata={"description": "Category code, e.g. medicines"})
    unit = Text(required=True, validate=validate.Length(min=1, max=20), metadata={"description": "Unit code, e.g. pcs"})
    quantity = DecimalString(places=3, required=True)
    unit_value = DecimalString(places=4, allow_none=True, load_default=None)
    currency = Code(required=True, validate=rule(check_currency))
    value = fields.Method("dump_value", dump_only=True, metadata={"type": "string"})
    rate = DecimalString(places=6, dump_only=True)
    rate_on = fields.Date(dump_only=True)
    value_uah = DecimalString(places=2, dump_only=True)
    gross_weight_kg = DecimalString(places=3, allow_none=True, load_default=None)
    condition = fields.Enum(Condition, by_value=True, load_default=Condition.new)
    wear_percent = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=100))
    lot = Text(load_default="", validate=validate.Length(max=100))
    expiry_on = SafeDate(allow_none=True, load_default=None)
    serial = Text(load_default="", validate=validate.Length(max=500))
    hs_code = Text(load_default="", validate=validate.Length(max=16))
    intended_use = fields.Enum(IntendedUse, by_value=True, load_default=IntendedUse.distribution)
    source = fields.String(dump_only=True)

    def dump_value(self, line: ConsignmentLine) -> str | None:
        return _amount(line.value, line.currency)


class LineOutSchema(LineSchema):
    """Lines as read: category and unit as codes."""

    category = fields.Function(lambda line: line.category.code)
    unit = fields.Function(lambda line: line.unit.code)


class ConsignmentSchema(Schema):
    id = fields.Integer(dump_only=True)
    number = fields.String(dump_only=True)
    aid_type = fields.Enum(AidType, by_value=True, required=True)
    origin = fields.Enum(Origin, by_value=True, required=True)
    goods_kind = fields.Enum(GoodsKind, by_value=True, load_default=GoodsKind.goods)
    partner_id = SafeInt(required=True)
    agreement_id = SafeInt(allow_none=True, load_default=None)
    status = fields.Enum(ConsignmentStatus, by_value=True, dump_only=True)
    currency = Code(required=True, validate=rule(check_currency))
    warehouse_id = SafeInt(allow_none=True, load_default=None)
    declaration_code = Text(load_default="", validate=validate.Length(max=60))
    dispatched_on = SafeDate(allow_none=True, load_default=None)
    arrived_on = SafeDate(allow_none=True, load_default=None)
    cleared_on = fields.Date(dump_only=True)
    accepted_on = fields.Date(dump_only=True)
    valuation_on = SafeDate(required=True, metadata={"description": "Date whose NBU rates value the lines"})
    report_due_on = fields.Date(dump_only=True)
    reported_on = fields.Date(dump_only=True)
    valuation_method = fields.Enum(ValuationMethod, by_value=True, load_default=ValuationMethod.donor_value)
    valuation_justification = Text(load_default="", validate=validate.Length(max=4000))
    commission_members = Text(load_default="", validate=validate.Length(max=2000))
    carrier = Text(load_default="", validate=validate.Length(max=200))
    vehicle_plate = Text(load_default="", validate=validate.Length(max=40))
    cmr_number = Text(load_default="", validate=validate.Length(max=60))
    notes = Text(load_default="", validate=validate.Length(max=4000))
    total_value = fields.Method("dump_total", dump_only=True, metadata={
        "type": "string", "description": "Sum of the rounded line values in the consignment's currency"})
    total_value_uah = fields.Method("dump_total_uah", dump_only=True, metadata={"type": "string"})
    totals_by_currency = fields.Method("dump_totals", dump_only=True, metadata={"type": "object"})
    documents_override_reason = fields.String(dump_only=True)
    cancel_reason = fields.String(dump_only=True)
    version = fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "Send the version you read to refuse overwriting a concurrent change (409)"})
    lines = fields.List(fields.Nested(LineOutSchema), dump_only=True)

    def dump_total(self, consignment: Consignment) -> str | None:
        return _amount(service.totals(consignment).by_currency.get(consignment.currency), consignment.currency)

    def dump_total_uah(self, consignment: Consignment) -> str:
        return str(service.totals(consignment).value_uah)

    def dump_totals(self, consignment: Consignment) -> dict[str, str]:
        return {cur: _amount(v, cur) or "" for cur, v in service.totals(consignment).by_currency.items()}


class ConsignmentListItemSchema(ConsignmentSchema):
    class Meta:
        exclude = ("lines",)


class ConsignmentArgsSchema(PageArgsSchema):
    status = fields.Enum(ConsignmentStatus, by_value=True)
    aid_type = fields.Enum(AidType, by_value=True)
    partner_id = SafeInt(strict=False)
    date_from = SafeDate(data_key="from")
    date_to = SafeDate(data_key="to")
    overdue = FlagBoolean(load_default=False)
    q = fields.String(load_default="", validate=validate.Length(max=60))


class TransitionSchema(Schema):
    to = fields.Enum(ConsignmentStatus, by_value=True, required=True)
    on = SafeDate(allow_none=True, load_default=None, metadata={"description": "Date of the step; default today"})
    reason = Text(load_default="", validate=validate.Length(max=500))
    override_reason = Text(load_default="", validate=validate.Length(max=2000), metadata={
        "description": "Finance head only: accept although required documents are missing"})


class ReportSchema(Schema):
    reported_on = SafeDate(required=True, allow_none=True)


class ChecklistItemSchema(Schema):
    type = fields.Function(lambda i: i.document_type.code)
    name = fields.Function(lambda i: i.document_type.name_en or i.document_type.name_uk)
    state = fields.Function(lambda i: i.state.value)
    required = fields.Boolean()
    rules = fields.Function(lambda i: [r.note for r in i.rules])
    documents = fields.Function(lambda i: [d.id for d in i.documents])


class ChecklistSchema(Schema):
    on = fields.Date()
    complete = fields.Boolean()
    items = fields.List(fields.Nested(ChecklistItemSchema))
    deadline = fields.Dict()


class DeclarationEventSchema(Schema):
    status = fields.Enum(DeclarationStatus, by_value=True)
    on = fields.Date()
    at = fields.DateTime()
    user_id = fields.Integer()
    note = fields.String()


class DeclarationSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.Enum(DeclarationKind, by_value=True, required=True)
    number = Text(load_default="", validate=validate.Length(max=60))
    customs_office = Text(load_default="", validate=validate.Length(max=200))
    checkpoint = Text(load_default="", validate=validate.Length(max=200))
    status = fields.Enum(DeclarationStatus, by_value=True, dump_only=True)
    submitted_on = fields.Date(dump_only=True)
    cleared_on = fields.Date(dump_only=True)
    duty_exempted_uah = DecimalString(places=2, allow_none=True, load_default=None)
    vat_exempted_uah = DecimalString(places=2, allow_none=True, load_default=None)
    note = Text(load_default="", validate=validate.Length(max=500))
    history = fields.List(fields.Nested(DeclarationEventSchema), dump_only=True)


class DeclarationStatusSchema(Schema):
    status = fields.Enum(DeclarationStatus, by_value=True, required=True)
    on = SafeDate(allow_none=True, load_default=None)
    note = Text(load_default="", validate=validate.Length(max=500))


class FileSchema(Schema):
    id = fields.Integer()
    name = fields.String(attribute="original_name")
    size = fields.Integer()
    content_type = fields.String()
    sha256 = fields.String()
    uploaded_at = fields.DateTime()


class DocumentSchema(Schema):
    id = fields.Integer(dump_only=True)
    type = Text(required=True, validate=validate.Length(min=1, max=40),
                metadata={"description": "Document type code, e.g. cmr"})
    number = Text(load_default="", validate=validate.Length(max=100))
    issued_on = SafeDate(allow_none=True, load_default=None)
    issuer = Text(load_default="", validate=validate.Length(max=200))
    status = fields.Enum(DocumentStatus, by_value=True, load_default=DocumentStatus.received)
    note = Text(load_default="", validate=validate.Length(max=500))
    files = fields.List(fields.Nested(FileSchema), dump_only=True)


class DocumentOutSchema(DocumentSchema):
    type = fields.Function(lambda d: d.document_type.code)


class StockRowSchema(Schema):
    line_id = fields.Integer()
    warehouse_id = fields.Integer()
    name = fields.String()
    lot = fields.String()
    expiry_on = fields.Date()
    unit = fields.String()
    quantity = DecimalString(places=3)
    value_uah = DecimalString(places=2)
    consignment_id = fields.Integer()
    consignment_number = fields.String()
    partner_id = fields.Integer()


class StockArgsSchema(Schema):
    as_of = SafeDate(metadata={"description": "Balances at the end of this day (default: now)"})
    warehouse_id = SafeInt(strict=False)
    partner_id = SafeInt(strict=False)


class ImportFormSchema(Schema):
    mapping = fields.String(load_default=None, metadata={
        "description": 'JSON object {field: header text | column letter | 1-based column}, e.g. {"quantity": "C"}'})
    date_format = fields.String(load_default=None, validate=validate.OneOf(imports.DATE_FORMATS))
    decimal_comma = FlagBoolean(load_default=None, allow_none=True)
    items = fields.String(load_default=None, metadata={
        "description": 'JSON object {row number: catalogue item id} (remembered for the partner)'})
    preview = FlagBoolean(load_default=False, metadata={"description": "Only check and show; import nothing"})

    @validates_schema
    def _json_objects(self, data: dict[str, Any], **kwargs: Any) -> None:
        for name in ("mapping", "items"):
            if data.get(name):
                try:
                    value = json.loads(data[name])
                except ValueError:
                    raise ValidationError(str(_l("Send a JSON object.")), name) from None
                if not isinstance(value, dict):
                    raise ValidationError(str(_l("Send a JSON object.")), name)


ImportFileSchema = Schema.from_dict({"file": Upload(required=True)}, name="PackingListFile")
AttachmentFileSchema = Schema.from_dict({"file": Upload(required=True)}, name="DocumentFile")


class PackingImportRowSchema(Schema):
    row = fields.Integer(attribute="row_number")
    values = fields.Method("dump_values")
    item_id = fields.Integer(allow_none=True)
    suggested = fields.Boolean()
    errors = fields.List(fields.String())

    def dump_values(self, row: imports.PreviewRow) -> dict[str, Any]:
        return {k: (str(v) if v is not None and not isinstance(v, (str, int)) else v) for k, v in row.values.items()}


class PackingImportResultSchema(Schema):
    imported = fields.Integer()
    rows = fields.List(fields.Nested(PackingImportRowSchema))
    skipped = fields.List(fields.Dict())
    currency = fields.String()
    total = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(LineOutSchema))


# --------------------------------------------------------------------------- helpers

def _consignment(consignment_id: int) -> Consignment:
    return get_scoped(Consignment, consignment_id, g.actor.org.id)


def _child(model: type[Any], object_id: int, consignment: Consignment) -> Any:
    obj = get_scoped(model, object_id, consignment.organization_id)
    if obj.consignment_id != consignment.id:
        raise NotFound(_("No such object on consignment %(number)s.", number=consignment.number))
    return obj


def _lookback() -> int:
    return int(current_app.config["RATE_LOOKBACK_DAYS"])


def _by_code(model: type[Any], code: str, field: str, message: str) -> int:
    found = db.session.scalar(scoped(model, g.actor.org.id).where(model.code == code))
    if found is None:
        raise ValidationFailed(field, message)
    return found.id


def _line_data(payload: dict[str, Any]) -> service.LineData:
    values = dict(payload)
    category_id = _by_code(Category, values.pop("category"), "category",
                           _("Unknown category code %(code)s.", code=payload["category"]))
    unit_id = _by_code(Unit, values.pop("unit"), "unit", _("Unknown unit code %(code)s.", code=payload["unit"]))
    return service.LineData(category_id=category_id, unit_id=unit_id, **values)


def _line_payload(line: ConsignmentLine) -> dict[str, Any]:
    return {"item_id": line.item_id, "name": line.name, "category": line.category.code, "unit": line.unit.code,
            "quantity": line.quantity, "unit_value": line.unit_value, "currency": line.currency,
            "gross_weight_kg": line.gross_weight_kg, "condition": line.condition, "wear_percent": line.wear_percent,
            "lot": line.lot, "expiry_on": line.expiry_on, "serial": line.serial, "hs_code": line.hs_code,
            "intended_use": line.intended_use}


def _header_data(consignment: Consignment | None, payload: dict[str, Any]) -> tuple[service.ConsignmentData,
                                                                                   int | None]:
    values = {f.name: getattr(consignment, f.name) for f in dataclasses.fields(service.ConsignmentData)} \
        if consignment is not None else {}
    version = payload.pop("version", None)
    values.update({k: v for k, v in payload.items() if k in {f.name for f in dataclasses.fields(service.ConsignmentData)}})
    return service.ConsignmentData(**values), version


def _document_type_id(code: str) -> int:
    return _by_code(DocumentType, code, "type", _("Unknown document type %(code)s.", code=code))


def _document_data(payload: dict[str, Any]) -> customs.DocumentData:
    values = dict(payload)
    return customs.DocumentData(document_type_id=_document_type_id(values.pop("type")), **values)


# --------------------------------------------------------------------------- consignments

def consignments_blueprint() -> ApiBlueprint:
    blp = api_blueprint("consignments", "consignments",
                        "Incoming consignments with lines, transitions, packing-list import, checklist, "
                        "customs declarations and documents")
    page = page_schema(ConsignmentListItemSchema, "ConsignmentPage")
    patch_schema = ConsignmentSchema(partial=True)

    @blp.route("")
    class Collection(MethodView):
        @blp.arguments(ConsignmentArgsSchema, location="query")
        @blp.response(200, page)
        @_document_errors(blp, 401, 422)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """List consignments, newest first; filter by `status`, `aid_type`, `partner_id`, valuation
            date `from`/`to`, `overdue=true` (report overdue) and `q` (number, HA code, CMR)."""
            filters = queries.ConsignmentFilters(
                status=args.get("status"), aid_type=args.get("aid_type"), partner_id=args.get("partner_id"),
                date_from=args.get("date_from"), date_to=args.get("date_to"), overdue=args["overdue"], q=args["q"])
            return paginate(queries.consignment_query(g.actor.org.id, filters, date.today()), args)

        @blp.arguments(ConsignmentSchema)
        @blp.response(201, ConsignmentSchema)
        @_document_errors(blp, 401, 403, 422)
        def post(self, payload: dict[str, Any]) -> Consignment:
            """Register a draft consignment; its number (`2026-0007`) is allocated per organization and year."""
            data, _version = _header_data(None, payload)
            consignment = service.create_consignment(g.actor.org.id, g.actor.user.id, data)
            db.session.commit()
            return consignment

    @blp.route("/<int:consignment_id>")
    class Member(MethodView):
        @blp.response(200, ConsignmentSchema)
        @_document_errors(blp, 401, 404)
        def get(self, consignment_id: int) -> Consignment:
            """Read a consignment with its lines and totals (per currency and in UAH)."""
            return _consignment(consignment_id)

        @blp.arguments(patch_schema)
        @blp.response(200, ConsignmentSchema)
        @_document_errors(blp, 401, 403, 404, 409, 422)
        def patch(self, payload: dict[str, Any], consignment_id: int) -> Consignment:
            """Change header fields; 409 once accepted (read-only) or when `version` is outdated. A new
            `valuation_on` revalues every line at that date's NBU rates."""
            consignment = _consignment(consignment_id)
            data, version = _header_data(consignment, payload)
            service.update_consignment(consignment, g.actor.user.id, data, lookback_days=_lookback(),
                                       expected_version=version)
            db.session.commit()
            return consignment

    @blp.route("/<int:consignment_id>/lines")
    class Lines(MethodView):
        @blp.response(200, LineOutSchema(many=True))
        @_document_errors(blp, 401, 404)
        def get(self, consignment_id: int) -> list[ConsignmentLine]:
            """The lines in order, each with its value, NBU rate, rate date and UAH value."""
            return _consignment(consignment_id).lines

        @blp.arguments(LineSchema)
        @blp.response(201, LineOutSchema)
        @_document_errors(blp, 401, 403, 404, 409, 422)
        def post(self, payload: dict[str, Any], consignment_id: int) -> ConsignmentLine:
            """Add a line and value it; a missing NBU rate answers 422 naming currency and date
            (enter it through `POST /rates` and retry)."""
            consignment = _consignment(consignment_id)
            line = service.add_line(consignment, g.actor.user.id, _line_data(payload), lookback_days=_lookback())
            db.session.commit()
            return line

    @blp.route("/<int:consignment_id>/lines/<int:line_id>")
    class Line(MethodView):
        @blp.response(200, LineOutSchema)
        @_document_errors(blp, 401, 404)
        def get(self, consignment_id: int, line_id: int) -> ConsignmentLine:
            """Read one line."""
            return _child(ConsignmentLine, line_id, _consignment(consignment_id))

        @blp.arguments(LineSchema(partial=True))
        @blp.response(200, LineOutSchema)
        @_document_errors(blp, 401, 403, 404, 409, 422)
        def patch(self, payload: dict[str, Any], consignment_id: int, line_id: int) -> ConsignmentLine:
            """Change a line (409 once the consignment is accepted); the stored rate is kept."""
            consignment = _consignment(consignment_id)
            line = _child(ConsignmentLine, line_id, consignment)
            merged = _line_payload(line) | payload
            service.update_line(line, g.actor.user.id, _line_data(merged), lookback_days=_lookback())
            db.session.commit()
            return line

        @blp.response(204)
        @_document_errors(blp, 401, 403, 404, 409)
        def delete(self, consignment_id: int, line_id: int) -> None:
            """Remove a line (409 once the consignment is accepted)."""
            consignment = _consignment(consignment_id)
            service.delete_line(_child(ConsignmentLine, line_id, consignment), g.actor.user.id)
            db.session.commit()

    @blp.route("/<int:consignment_id>/transitions")
    class Transitions(MethodView):
        @blp.arguments(TransitionSchema)
        @blp.response(200, ConsignmentSchema)
        @_document_errors(blp, 401, 403, 404, 409, 422)
        def post(self, payload: dict[str, Any], consignment_id: int) -> Consignment:
            """Move the consignment to status `to` (draft → in_transit → at_customs → cleared →
            accepted → closed; cancelled before acceptance; domestic, services and cash go draft →
            accepted). A refused step answers 409 with what is missing in `detail`. Acceptance posts
            the stock receipts."""
            consignment = _consignment(consignment_id)
            service.transition(consignment, g.actor.user.id, service.TransitionData(**payload), today=date.today(),
                               role=g.actor.role)
            db.session.commit()
            return consignment

    @blp.route("/<int:consignment_id>/report")
    class Report(MethodView):
        @blp.arguments(ReportSchema)
        @blp.response(200, ConsignmentSchema)
        @_document_errors(blp, 401, 403, 404, 422)
        def post(self, payload: dict[str, Any], consignment_id: int) -> Consignment:
            """Record when the HA report was filed (or the ITA property published); null clears it."""
            consignment = _consignment(consignment_id)
            service.record_report(consignment, g.actor.user.id, payload["reported_on"], today=date.today())
            db.session.commit()
            return consignment

    @blp.route("/<int:consignment_id>/import")
    class Import(MethodView):
        @blp.arguments(ImportFileSchema, location="files")
        @blp.arguments(ImportFormSchema, location="form")
        @blp.response(201, PackingImportResultSchema)
        @_document_errors(blp, 401, 403, 404, 409, 422)
        def post(self, files: dict[str, Any], form: dict[str, Any], consignment_id: int) -> Any:
            """Import a packing list (.xlsx or .csv, multipart `file`): all rows or none. Row errors
            answer 422 with `errors` per row (`"row 18": [...]`) and import nothing; `preview=true`
            only checks. Dates typed as text need `date_format` (e.g. `%d.%m.%Y`)."""
            consignment = _consignment(consignment_id)
            limit = int(current_app.config["UPLOAD_MAX_BYTES"])
            upload = files["file"]
            content = upload.read(limit + 1)
            kind = check_upload(content, {"xlsx", "csv"}, limit)
            options = imports.ImportOptions(
                mapping=json.loads(form["mapping"]) if form.get("mapping") else None,
                date_format=form.get("date_format"), decimal_comma=form.get("decimal_comma"),
                items={int(k): int(v) for k, v in json.loads(form["items"]).items()
                       if str(k).isdigit() and str(v).isdigit()} if form.get("items") else {})
            filename = customs.safe_filename(upload.filename or "packing-list")
            if form["preview"]:
                service.ensure_editable(consignment)
                preview = imports.preview_import(consignment, content, filename, options)
                return _import_result(preview, [], 0), 200
            preview = imports.preview_import(consignment, content, filename, options)
            stored = store_file(content, current_app.config["UPLOAD_FOLDER"]) if preview.ok else None
            lines = imports.import_packing_list(consignment, g.actor.user.id, content, filename, options,
                                                lookback_days=_lookback(), stored=stored,
                                                content_type=customs.CONTENT_TYPES[kind])
            db.session.commit()
            return _import_result(preview, lines, len(lines))

    @blp.route("/<int:consignment_id>/checklist")
    class Checklist(MethodView):
        @blp.response(200, ChecklistSchema)
        @_document_errors(blp, 401, 404)
        def get(self, consignment_id: int) -> dict[str, Any]:
            """Required, present and missing documents by the rules in force, and the report deadline."""
            consignment = _consignment(consignment_id)
            checklist = build_checklist(consignment)
            info = deadline(consignment, date.today())
            return {"on": checklist.on, "complete": checklist.complete, "items": checklist.items,
                    "deadline": None if info is None else {
                        "kind": info.kind.value, "start_on": info.start_on.isoformat(),
                        "due_on": info.due_on.isoformat(), "level": info.level.value, "days_left": info.days_left,
                        "reported_on": info.reported_on.isoformat() if info.reported_on else None}}

    @blp.route("/<int:consignment_id>/declarations")
    class Declarations(MethodView):
        @blp.response(200, DeclarationSchema(many=True))
        @_document_errors(blp, 401, 404)
        def get(self, consignment_id: int) -> list[CustomsDeclaration]:
            """Declarations of the consignment with their status history."""
            return _consignment(consignment_id).declarations

        @blp.arguments(DeclarationSchema)
        @blp.response(201, DeclarationSchema)
        @_document_errors(blp, 401, 403, 404, 409, 422)
        def post(self, payload: dict[str, Any], consignment_id: int) -> CustomsDeclaration:
            """Register a declaration (draft); 409 for a new HA declaration while an HA report is overdue."""
            consignment = _consignment(consignment_id)
            declaration = customs.add_declaration(consignment, g.actor.user.id, customs.DeclarationData(**payload),
                                                  today=date.today())
            db.session.commit()
            return declaration

    @blp.route("/<int:consignment_id>/declarations/<int:declaration_id>")
    class Declaration(MethodView):
        @blp.response(200, DeclarationSchema)
        @_document_errors(blp, 401, 404)
        def get(self, consignment_id: int, declaration_id: int) -> CustomsDeclaration:
            """Read one declaration."""
            return _child(CustomsDeclaration, declaration_id, _consignment(consignment_id))

        @blp.arguments(DeclarationSchema(partial=True))
        @blp.response(200, DeclarationSchema)
        @_document_errors(blp, 401, 403, 404, 409, 422)
        def patch(self, payload: dict[str, Any], consignment_id: int, declaration_id: int) -> CustomsDeclaration:
            """Correct a declaration's details."""
            declaration = _child(CustomsDeclaration, declaration_id, _consignment(consignment_id))
            values = {f.name: getattr(declaration, f.name) for f in dataclasses.fields(customs.DeclarationData)}
            values.update(payload)
            customs.update_declaration(declaration, g.actor.user.id, customs.DeclarationData(**values))
            db.session.commit()
            return declaration

    @blp.route("/<int:consignment_id>/declarations/<int:declaration_id>/status")
    class DeclarationStatusChange(MethodView):
        @blp.arguments(DeclarationStatusSchema)
        @blp.response(200, DeclarationSchema)
        @_document_errors(blp, 401, 403, 404, 409, 422)
        def post(self, payload: dict[str, Any], consignment_id: int, declaration_id: int) -> CustomsDeclaration:
            """Record a status (submitted, cleared, rejected, cancelled) with its date; clearing the
            declaration of a consignment at customs clears the consignment."""
            declaration = _child(CustomsDeclaration, declaration_id, _consignment(consignment_id))
            customs.change_declaration_status(declaration, g.actor.user.id, payload["status"], payload["on"],
                                              today=date.today(), note=payload["note"], role=g.actor.role)
            db.session.commit()
            return declaration

    @blp.route("/<int:consignment_id>/documents")
    class Documents(MethodView):
        @blp.response(200, DocumentOutSchema(many=True))
        @_document_errors(blp, 401, 404)
        def get(self, consignment_id: int) -> list[Document]:
            """Documents filed on the consignment, with their files."""
            return _consignment(consignment_id).documents

        @blp.arguments(DocumentSchema)
        @blp.response(201, DocumentOutSchema)
        @_document_errors(blp, 401, 403, 404, 409, 422)
        def post(self, payload: dict[str, Any], consignment_id: int) -> Document:
            """File a document (type code, number, date, issuer, status); attach files separately."""
            consignment = _consignment(consignment_id)
            document = customs.add_document(g.actor.org.id, g.actor.user.id, _document_data(payload),
                                            consignment=consignment)
            db.session.commit()
            return document

    @blp.route("/<int:consignment_id>/documents/<int:document_id>")
    class DocumentMember(MethodView):
        @blp.response(200, DocumentOutSchema)
        @_document_errors(blp, 401, 404)
        def get(self, consignment_id: int, document_id: int) -> Document:
            """Read one document."""
            return _child(Document, document_id, _consignment(consignment_id))

        @blp.arguments(DocumentSchema(partial=True))
        @blp.response(200, DocumentOutSchema)
        @_document_errors(blp, 401, 403, 404, 422)
        def patch(self, payload: dict[str, Any], consignment_id: int, document_id: int) -> Document:
            """Change a document's details or status (received, verified, expired, missing)."""
            document = _child(Document, document_id, _consignment(consignment_id))
            values = {"type": document.document_type.code, "number": document.number,
                      "issued_on": document.issued_on, "issuer": document.issuer, "status": document.status,
                      "note": document.note} | payload
            customs.update_document(document, g.actor.user.id, _document_data(values))
            db.session.commit()
            return document

    @blp.route("/<int:consignment_id>/documents/<int:document_id>/files")
    class Files(MethodView):
        @blp.arguments(AttachmentFileSchema, location="files")
        @blp.response(201, FileSchema)
        @_document_errors(blp, 401, 403, 404, 422)
        def post(self, files: dict[str, Any], consignment_id: int, document_id: int) -> Attachment:
            """Attach a file (multipart `file`): PDF, JPEG, PNG or XLSX by content; too large answers 413."""
            document = _child(Document, document_id, _consignment(consignment_id))
            limit = int(current_app.config["UPLOAD_MAX_BYTES"])
            upload = files["file"]
            attachment = customs.attach_file(document, g.actor.user.id, upload.read(limit + 1), upload.filename or "",
                                             folder=current_app.config["UPLOAD_FOLDER"], max_bytes=limit)
            db.session.commit()
            return attachment

    @blp.route("/<int:consignment_id>/documents/<int:document_id>/files/<int:file_id>")
    class FileDownload(MethodView):
        @blp.response(200, content_type="application/octet-stream", description="The file, as an attachment")
        @_document_errors(blp, 401, 404)
        def get(self, consignment_id: int, document_id: int, file_id: int) -> Any:
            """Download a file of the document (only within the token's organization)."""
            document = _child(Document, document_id, _consignment(consignment_id))
            attachment = get_scoped(Attachment, file_id, g.actor.org.id)
            if attachment.document_id != document.id:
                raise NotFound(_("No such file on this document."))
            content = customs.read_attachment(attachment, current_app.config["UPLOAD_FOLDER"])
            response = send_file(io.BytesIO(content), mimetype=attachment.content_type, as_attachment=True,
                                 download_name=attachment.original_name, max_age=0)
            response.headers["Cache-Control"] = "private, no-store"
            return response

    return blp


def _import_result(preview: imports.ImportPreview, lines: list[ConsignmentLine], imported: int) -> dict[str, Any]:
    return {"imported": imported, "rows": preview.rows, "currency": preview.currency,
            "total": str(preview.total) if preview.total is not None else None,
            "skipped": [{"row": s.row_number, "reason": s.reason} for s in preview.packing.skipped], "lines": lines}


# --------------------------------------------------------------------------- stock

def stock_blueprint() -> ApiBlueprint:
    blp = api_blueprint("stock", "stock", "Stock balances per lot (consignment line) and warehouse")

    @blp.route("")
    class Stock(MethodView):
        @blp.arguments(StockArgsSchema, location="query")
        @blp.response(200, page_schema(StockRowSchema, "StockPage"))
        @_document_errors(blp, 401, 422)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """Quantity and UAH value on hand per lot and warehouse, now or `as_of` a past date."""
            rows = balances(g.actor.org.id, args.get("as_of"), warehouse_id=args.get("warehouse_id"),
                            partner_id=args.get("partner_id"))
            return {"items": rows, "total": len(rows)}

    return blp


def blueprints() -> Iterator[ApiBlueprint]:
    yield consignments_blueprint()
    yield stock_blueprint()
