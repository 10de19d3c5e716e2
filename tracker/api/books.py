"""API for stock documents and the books — DESIGN.md §6: ``distributions``, ``transfers``,
``write-offs``, ``stock-counts`` and ``returns`` (each with ``/{id}/post`` and ``/{id}/reverse``
and files), the stock card and FEFO suggestions, ``journal``, ``trial-balance``, ``periods``,
``accounts`` and ``posting-rules``.

Handlers parse with a schema, call one service, commit once. A refused state action answers 409,
invalid data 422 (``errors`` keyed like ``lines.0.quantity``), a role that may not act 403, a
foreign id 404. Drafts carry ``version``: send back the one you read to be told (409) when
someone else saved in between.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import current_app, g, send_file
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint as ApiBlueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from tracker.api import api_blueprint, write_roles
from tracker.api.fields import DecimalString, SafeDate, SafeInt, StrictBoolean, Text
from tracker.api.resources import _document_errors, paginate
from tracker.api.schemas import PageArgsSchema, page_schema
from tracker.errors import NotFound, ValidationFailed
from tracker.extensions import db
from tracker.ledger import service as ledger
from tracker.models import (
    Account,
    AccountKind,
    AidType,
    BeneficiaryCategory,
    ConsignmentLine,
    IntendedUse,
    Item,
    JournalEntry,
    PostingEvent,
    PostingRule,
    RecipientKind,
    ReturnKind,
    StockAttachment,
    StockDocumentStatus,
    WriteOffReason,
)
from tracker.scoping import get_scoped, scoped
from tracker.stock import balances as stock
from tracker.stock import documents as docs


def _today() -> date:
    return date.today()


# --------------------------------------------------------------------------- schemas

class MovementSchema(Schema):
    id = fields.Integer()
    on = fields.Date()
    kind = fields.Function(lambda m: m.kind.value)
    line_id = fields.Integer()
    warehouse_id = fields.Integer()
    quantity = DecimalString(places=3)
    value_uah = DecimalString(places=2)
    reversal_of_id = fields.Integer(allow_none=True)


class AttachmentSchema(Schema):
    id = fields.Integer()
    name = fields.String(attribute="original_name")
    description = fields.String()
    size = fields.Integer()
    content_type = fields.String()
    sha256 = fields.String()
    uploaded_at = fields.DateTime()


class DocumentBaseSchema(Schema):
    """Fields every stock document has."""

    id = fields.Integer(dump_only=True)
    number = fields.String(dump_only=True, allow_none=True, metadata={"description": "Given when posted"})
    on = SafeDate(required=True)
    status = fields.Enum(StockDocumentStatus, by_value=True, dump_only=True)
    note = Text(load_default="", validate=validate.Length(max=5000))
    version = fields.Integer(load_default=None, allow_none=True, metadata={
        "description": "Send the version you read to refuse overwriting a concurrent change (409)"})
    posted_at = fields.DateTime(dump_only=True)
    reversal_of_id = fields.Integer(dump_only=True, allow_none=True)
    reversed_by_id = fields.Integer(dump_only=True, allow_none=True)
    reversal_reason = fields.String(dump_only=True)
    journal_entry_id = fields.Integer(dump_only=True, allow_none=True)
    movements = fields.Function(lambda d: MovementSchema(many=True).dump(docs.movements_of(d)), dump_only=True)
    files = fields.Function(lambda d: AttachmentSchema(many=True).dump(docs.attachments_of(d)), dump_only=True)
    warnings = fields.Function(lambda d: docs.warnings_for(d), dump_only=True)


class LotLineSchema(Schema):
    line_id = SafeInt(required=True, metadata={"description": "The lot: a consignment line in stock"})
    warehouse_id = SafeInt(required=True)
    quantity = DecimalString(places=3, required=True)
    name = fields.Function(lambda line: line.lot.name, dump_only=True)
    unit = fields.Function(lambda line: line.lot.unit.code, dump_only=True)
    value_uah = DecimalString(places=2, dump_only=True)


class TransferLineSchema(LotLineSchema):
    class Meta:
        exclude = ("warehouse_id",)


class WriteOffLineSchema(LotLineSchema):
    reason = fields.Enum(WriteOffReason, by_value=True, required=True)


class DistributionSchema(DocumentBaseSchema):
    recipient_kind = fields.Enum(RecipientKind, by_value=True, required=True)
    recipient_name = Text(required=True, validate=validate.Length(max=300))
    recipient_edrpou = Text(load_default="", validate=validate.Length(max=8))
    beneficiary_category = fields.Enum(BeneficiaryCategory, by_value=True, allow_none=True, load_default=None)
    beneficiaries_count = fields.Integer(allow_none=True, load_default=None, strict=True)
    purpose = Text(required=True, validate=validate.Length(max=500))
    lines = fields.List(fields.Nested(LotLineSchema), required=True)


class TransferSchema(DocumentBaseSchema):
    from_warehouse_id = SafeInt(required=True)
    to_warehouse_id = SafeInt(required=True)
    lines = fields.List(fields.Nested(TransferLineSchema), required=True)


class WriteOffSchema(DocumentBaseSchema):
    commission_members = Text(required=True, validate=validate.Length(max=5000),
                              metadata={"description": "One member per line"})
    basis = Text(load_default="", validate=validate.Length(max=300))
    lines = fields.List(fields.Nested(WriteOffLineSchema), required=True)


class StockReturnSchema(DocumentBaseSchema):
    kind = fields.Enum(ReturnKind, by_value=True, required=True)
    counterparty_name = Text(load_default="", validate=validate.Length(max=300))
    counterparty_edrpou = Text(load_default="", validate=validate.Length(max=8))
    basis = Text(load_default="", validate=validate.Length(max=300))
    reason = Text(load_default="", validate=validate.Length(max=500))
    lines = fields.List(fields.Nested(LotLineSchema), required=True)


class CountLineSchema(Schema):
    line_id = SafeInt(required=True)
    counted_quantity = DecimalString(places=3, allow_none=True, load_default=None)
    name = fields.Function(lambda line: line.lot.name, dump_only=True)
    unit = fields.Function(lambda line: line.lot.unit.code, dump_only=True)
    book_quantity = DecimalString(places=3, dump_only=True)
    difference = DecimalString(places=3, dump_only=True, allow_none=True)
    adjustment_quantity = DecimalString(places=3, dump_only=True, allow_none=True)
    value_uah = DecimalString(places=2, dump_only=True, allow_none=True)


class StockCountSchema(DocumentBaseSchema):
    warehouse_id = SafeInt(required=True)
    commission_members = Text(load_default="", validate=validate.Length(max=5000))
    lines = fields.List(fields.Nested(CountLineSchema), load_default=list, metadata={
        "description": "On create: ignored (the sheet lists what is on the books). On update: counted quantities"})


class DocumentArgsSchema(PageArgsSchema):
    status = fields.Enum(StockDocumentStatus, by_value=True)
    date_from = SafeDate(data_key="from")
    date_to = SafeDate(data_key="to")


class PostSchema(Schema):
    version = fields.Integer(load_default=None, allow_none=True)


class ReverseSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=500))
    on = SafeDate(allow_none=True, load_default=None, metadata={"description": "Default: today"})


FileUploadSchema = Schema.from_dict({"file": Upload(required=True)}, name="StockDocumentFile")


class FileArgsSchema(Schema):
    description = Text(load_default="", validate=validate.Length(max=200))


# --------------------------------------------------------------------------- document resources

def _lines(payload: dict[str, Any], kind: str) -> tuple[docs.LineInput, ...]:
    return tuple(docs.LineInput(line_id=line.get("line_id"), quantity=line.get("quantity"),
                                warehouse_id=line.get("warehouse_id"), reason=line.get("reason"))
                 for line in payload.get("lines", []))


def _data(kind: str, payload: dict[str, Any]) -> Any:
    values = {k: v for k, v in payload.items() if k not in ("lines", "version")}
    if kind == "stock_count":
        return docs.StockCountData(**values)
    return docs.DATA_CLASSES[kind](**values, lines=_lines(payload, kind))


def _counts(payload: dict[str, Any]) -> list[docs.CountInput]:
    return [docs.CountInput(line.get("line_id"), line.get("counted_quantity")) for line in payload.get("lines", [])]


def document_blueprint(kind: str, url: str, schema: type[Schema], description: str) -> ApiBlueprint:
    """List, create, read, replace and delete drafts; post; reverse; files — for one kind."""
    spec = docs.KINDS[kind]
    model = spec.model
    blp = api_blueprint(kind, url, description)
    list_schema = page_schema(schema, f"{schema.__name__.removesuffix('Schema')}Page")

    def _get(document_id: int) -> Any:
        return docs.get_document(kind, document_id, g.actor.org.id)

    @blp.route("")
    class Collection(MethodView):
        @blp.arguments(DocumentArgsSchema, location="query")
        @blp.response(200, list_schema)
        @_document_errors(blp, 401, 422)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """List, newest first; filter by `status` and date range `from`/`to`."""
            query = scoped(model, g.actor.org.id)
            if args.get("status"):
                query = query.where(model.status == args["status"])
            if args.get("date_from"):
                query = query.where(model.on >= args["date_from"])
            if args.get("date_to"):
                query = query.where(model.on <= args["date_to"])
            return paginate(query.order_by(model.on.desc(), model.id.desc()), args)

        @write_roles(*docs.DRAFT_ROLES)
        @blp.arguments(schema)
        @blp.response(201, schema)
        @_document_errors(blp, 401, 403, 404, 422)
        def post(self, payload: dict[str, Any]) -> Any:
            """Create a draft (a stock count gets the sheet of what is on the books)."""
            doc = docs.create_document(kind, g.actor.org.id, g.actor.user.id, g.actor.role, _data(kind, payload),
                                       today=_today())
            db.session.commit()
            return doc

    @blp.route("/<int:document_id>")
    class Member(MethodView):
        @blp.response(200, schema)
        @_document_errors(blp, 401, 404)
        def get(self, document_id: int) -> Any:
            """Read one, with its movements, files and journal entry id."""
            return _get(document_id)

        @write_roles(*docs.DRAFT_ROLES)
        @blp.arguments(schema)
        @blp.response(200, schema)
        @_document_errors(blp, 401, 403, 404, 409, 422)
        def put(self, payload: dict[str, Any], document_id: int) -> Any:
            """Replace a draft (409 once posted, or when `version` is outdated)."""
            doc = _get(document_id)
            if kind == "stock_count":
                docs.update_stock_count(doc, g.actor.user.id, g.actor.role, _data(kind, payload), _counts(payload),
                                        today=_today(), expected_version=payload.get("version"))
            else:
                docs.update_document(doc, g.actor.user.id, g.actor.role, _data(kind, payload), today=_today(),
                                     expected_version=payload.get("version"))
            db.session.commit()
            return doc

        @write_roles(*docs.DRAFT_ROLES)
        @blp.response(204)
        @_document_errors(blp, 401, 403, 404, 409)
        def delete(self, document_id: int) -> None:
            """Delete a draft (posted documents are reversed, never deleted: 409)."""
            docs.delete_draft(_get(document_id), g.actor.user.id, g.actor.role)
            db.session.commit()

    @blp.route("/<int:document_id>/post")
    class Post(MethodView):
        @write_roles(*spec.post_roles)
        @blp.arguments(PostSchema)
        @blp.response(200, schema)
        @_document_errors(blp, 401, 403, 404, 409, 422)
        def post(self, payload: dict[str, Any], document_id: int) -> Any:
            """Post the draft: movements, one balanced journal entry, a number. 422 naming how much
            is on hand when a line asks for more; 422 for a date in a closed period."""
            doc = docs.post_document(_get(document_id), g.actor.user.id, g.actor.role, today=_today(),
                                     expected_version=payload.get("version"))
            db.session.commit()
            return doc

    @blp.route("/<int:document_id>/reverse")
    class Reverse(MethodView):
        @write_roles(*ledger.FINANCE_ROLES)
        @blp.arguments(ReverseSchema)
        @blp.response(201, schema)
        @_document_errors(blp, 401, 403, 404, 409, 422)
        def post(self, payload: dict[str, Any], document_id: int) -> Any:
            """Reverse a posted document (finance head): answers the new reversal document; the
            original stays, marked reversed. 409 for a draft, a reversal or a reversed document."""
            reversal = docs.reverse_document(_get(document_id), g.actor.user.id, g.actor.role,
                                             reason=payload["reason"], on=payload["on"], today=_today())
            db.session.commit()
            return reversal

    @blp.route("/<int:document_id>/files")
    class Files(MethodView):
        @write_roles(*docs.DRAFT_ROLES)
        @blp.arguments(FileArgsSchema, location="form")
        @blp.arguments(FileUploadSchema, location="files")
        @blp.response(201, AttachmentSchema)
        @_document_errors(blp, 401, 403, 404, 422)
        def post(self, form: dict[str, Any], files: dict[str, Any], document_id: int) -> Any:
            """Attach a scan (PDF, JPEG or PNG, checked by content): the signed issue list or act."""
            doc = _get(document_id)
            upload = files["file"]
            limit = int(current_app.config["UPLOAD_MAX_BYTES"])
            attachment = docs.attach_file(doc, g.actor.user.id, g.actor.role, upload.read(limit + 1),
                                          upload.filename or "", description=form["description"],
                                          folder=current_app.config["UPLOAD_FOLDER"], max_bytes=limit)
            db.session.commit()
            return attachment

    @blp.route("/<int:document_id>/files/<int:file_id>")
    class File(MethodView):
        @blp.response(200, description="The file")
        @_document_errors(blp, 401, 404)
        def get(self, document_id: int, file_id: int) -> Any:
            """Download a file of the document."""
            from tracker.uploads import open_stored

            doc = _get(document_id)
            attachment = get_scoped(StockAttachment, file_id, g.actor.org.id)
            if attachment.document_kind != kind or attachment.document_id != doc.id:
                raise NotFound(_("No such file on this document."))
            content = open_stored(current_app.config["UPLOAD_FOLDER"], attachment.stored_name)
            response = send_file(io.BytesIO(content), mimetype=attachment.content_type, as_attachment=True,
                                 download_name=attachment.original_name, max_age=0)
            response.headers["Cache-Control"] = "private, no-store"
            return response

    return blp


# --------------------------------------------------------------------------- stock card, FEFO

class CardArgsSchema(Schema):
    warehouse_id = SafeInt(strict=False)
    date_from = SafeDate(data_key="from")
    date_to = SafeDate(data_key="to")


class CardRowSchema(Schema):
    movement = fields.Nested(MovementSchema)
    source_type = fields.Function(lambda r: r.movement.source_type)
    source_id = fields.Function(lambda r: r.movement.source_id)
    balance_quantity = DecimalString(places=3, attribute="balance_qty")
    balance_value_uah = DecimalString(places=2, attribute="balance_value")


class CardSchema(Schema):
    line_id = fields.Function(lambda c: c.lot.id)
    name = fields.Function(lambda c: c.lot.name)
    lot = fields.Function(lambda c: c.lot.lot)
    expiry_on = fields.Function(lambda c: c.lot.expiry_on.isoformat() if c.lot.expiry_on else None)
    unit = fields.Function(lambda c: c.lot.unit.code)
    partner_id = fields.Function(lambda c: c.lot.consignment.partner_id)
    consignment_number = fields.Function(lambda c: c.lot.consignment.number)
    warehouse_id = fields.Integer(allow_none=True)
    opening_quantity = DecimalString(places=3, attribute="opening_qty")
    opening_value_uah = DecimalString(places=2, attribute="opening_value")
    closing_quantity = DecimalString(places=3, attribute="closing_qty")
    closing_value_uah = DecimalString(places=2, attribute="closing_value")
    rows = fields.List(fields.Nested(CardRowSchema))


class FefoArgsSchema(Schema):
    item_id = SafeInt(strict=False)
    name = Text(load_default="", validate=validate.Length(max=300))
    quantity = DecimalString(places=3, required=True)
    on = SafeDate(load_default=None, metadata={"description": "Date of the issue; default today"})
    warehouse_id = SafeInt(strict=False)


class FefoPickSchema(Schema):
    line_id = fields.Function(lambda p: p.row.line_id)
    warehouse_id = fields.Function(lambda p: p.row.warehouse_id)
    name = fields.Function(lambda p: p.row.name)
    lot = fields.Function(lambda p: p.row.lot)
    expiry_on = fields.Function(lambda p: p.row.expiry_on.isoformat() if p.row.expiry_on else None)
    quantity = DecimalString(places=3)
    available = DecimalString(places=3)


class FefoSchema(Schema):
    requested = DecimalString(places=3)
    shortfall = DecimalString(places=3)
    picks = fields.List(fields.Nested(FefoPickSchema))
    expired = fields.Function(lambda s: [{"line_id": r.line_id, "warehouse_id": r.warehouse_id,
                                          "quantity": str(r.quantity)} for r in s.expired])


def stock_tools_blueprint() -> ApiBlueprint:
    blp = api_blueprint("stock_lots", "stock/lots", "Stock card of a lot, and first-expiry-first-out suggestions")

    @blp.route("/<int:line_id>/card")
    class Card(MethodView):
        @blp.arguments(CardArgsSchema, location="query")
        @blp.response(200, CardSchema)
        @_document_errors(blp, 401, 404, 422)
        def get(self, args: dict[str, Any], line_id: int) -> Any:
            """The lot's movements in date order with the running balance (one warehouse or all)."""
            lot = get_scoped(ConsignmentLine, line_id, g.actor.org.id)
            if args.get("warehouse_id"):
                get_scoped_warehouse(args["warehouse_id"])
            return stock.stock_card(g.actor.org.id, lot, args.get("warehouse_id"), args.get("date_from"),
                                    args.get("date_to"))

    @blp.route("/fefo")
    class Fefo(MethodView):
        @blp.arguments(FefoArgsSchema, location="query")
        @blp.response(200, FefoSchema)
        @_document_errors(blp, 401, 404, 422)
        def get(self, args: dict[str, Any]) -> Any:
            """Which lots to issue `quantity` of an item from (`item_id`, or lots named `name`):
            first expiry first, never an expired lot, never more than can be taken on `on`."""
            if not args.get("item_id") and not args.get("name"):
                raise ValidationFailed("item_id", _("Give the catalogue item or the name of the goods."))
            if args["quantity"] <= 0:
                raise ValidationFailed("quantity", _("The quantity must be greater than zero."))
            if args.get("item_id"):
                get_scoped(Item, args["item_id"], g.actor.org.id)
            if args.get("warehouse_id"):
                get_scoped_warehouse(args["warehouse_id"])
            return stock.fefo(g.actor.org.id, args["quantity"], args.get("on") or _today(),
                              item_id=args.get("item_id"), name=args.get("name", ""),
                              warehouse_id=args.get("warehouse_id"))

    return blp


def get_scoped_warehouse(warehouse_id: int) -> Any:
    from tracker.models import Warehouse

    return get_scoped(Warehouse, warehouse_id, g.actor.org.id)


# --------------------------------------------------------------------------- journal

class PostingSchema(Schema):
    account_id = fields.Integer()
    account = fields.Function(lambda p: p.account.code)
    debit = fields.Function(lambda p: str(p.amount) if p.amount > 0 else None, metadata={"type": "string"})
    credit = fields.Function(lambda p: str(-p.amount) if p.amount < 0 else None, metadata={"type": "string"})
    line_id = fields.Integer(allow_none=True)
    warehouse_id = fields.Integer(allow_none=True)
    memo = fields.String()


class EntrySchema(Schema):
    id = fields.Integer()
    number = fields.Integer()
    on = fields.Date()
    event = fields.Function(lambda e: e.event.value)
    source_type = fields.String()
    source_id = fields.Integer(allow_none=True)
    description = fields.String()
    total = DecimalString(places=2)
    reversal_of_id = fields.Integer(allow_none=True)
    reversed_by_id = fields.Function(lambda e: e.reversed_by.id if e.reversed_by else None)
    hash = fields.String()
    postings = fields.List(fields.Nested(PostingSchema))


class JournalArgsSchema(PageArgsSchema):
    date_from = SafeDate(data_key="from")
    date_to = SafeDate(data_key="to")
    account_id = SafeInt(strict=False)
    event = fields.Enum(PostingEvent, by_value=True)


class ManualLineSchema(Schema):
    account_id = SafeInt(required=True)
    debit = DecimalString(places=2, allow_none=True, load_default=None)
    credit = DecimalString(places=2, allow_none=True, load_default=None)
    memo = Text(load_default="", validate=validate.Length(max=300))


class ManualEntrySchema(Schema):
    on = SafeDate(required=True)
    description = Text(required=True, validate=validate.Length(max=500))
    lines = fields.List(fields.Nested(ManualLineSchema), required=True, validate=validate.Length(max=200))


def journal_blueprint() -> ApiBlueprint:
    blp = api_blueprint("journal", "journal", "The journal: balanced, immutable entries")

    @blp.route("")
    class Collection(MethodView):
        @blp.arguments(JournalArgsSchema, location="query")
        @blp.response(200, page_schema(EntrySchema, "EntryPage"))
        @_document_errors(blp, 401, 422)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """Entries in a date range, newest first; filter by account or event."""
            return paginate(ledger.journal_query(g.actor.org.id, date_from=args.get("date_from"),
                                                 date_to=args.get("date_to"), account_id=args.get("account_id"),
                                                 event=args.get("event")), args)

        @write_roles(*ledger.FINANCE_ROLES)
        @blp.arguments(ManualEntrySchema)
        @blp.response(201, EntrySchema)
        @_document_errors(blp, 401, 403, 422)
        def post(self, payload: dict[str, Any]) -> Any:
            """A manual entry (finance head): each line a debit or a credit; it must balance (422)."""
            data = ledger.ManualEntryData(on=payload["on"], description=payload["description"], lines=tuple(
                ledger.ManualLine(**line) for line in payload["lines"]))
            entry = ledger.post_manual_entry(g.actor.org.id, g.actor.user.id, g.actor.role, data, today=_today())
            db.session.commit()
            return entry

    @blp.route("/<int:entry_id>")
    class Member(MethodView):
        @blp.response(200, EntrySchema)
        @_document_errors(blp, 401, 404)
        def get(self, entry_id: int) -> Any:
            """Read one entry with its postings."""
            return get_scoped(JournalEntry, entry_id, g.actor.org.id)

    @blp.route("/<int:entry_id>/reverse")
    class Reverse(MethodView):
        @write_roles(*ledger.FINANCE_ROLES)
        @blp.arguments(ReverseSchema)
        @blp.response(201, EntrySchema)
        @_document_errors(blp, 401, 403, 404, 409, 422)
        def post(self, payload: dict[str, Any], entry_id: int) -> Any:
            """Reverse a manual entry (finance head); entries of documents: reverse the document (409)."""
            entry = get_scoped(JournalEntry, entry_id, g.actor.org.id)
            reversal = ledger.reverse_manual_entry(entry, g.actor.user.id, g.actor.role, on=payload["on"],
                                                   reason=payload["reason"], today=_today())
            db.session.commit()
            return reversal

    return blp


class TrialBalanceArgsSchema(Schema):
    date_from = SafeDate(data_key="from")
    date_to = SafeDate(data_key="to")


class TrialBalanceRowSchema(Schema):
    account_id = fields.Function(lambda r: r.account.id)
    account = fields.Function(lambda r: r.account.code)
    name = fields.Function(lambda r: r.account.name_uk)
    kind = fields.Function(lambda r: r.account.kind.value)
    opening_debit = DecimalString(places=2)
    opening_credit = DecimalString(places=2)
    debit = DecimalString(places=2)
    credit = DecimalString(places=2)
    closing_debit = DecimalString(places=2)
    closing_credit = DecimalString(places=2)


class TrialBalanceSchema(Schema):
    date_from = fields.Date(data_key="from", allow_none=True)
    date_to = fields.Date(data_key="to", allow_none=True)
    rows = fields.List(fields.Nested(TrialBalanceRowSchema))
    totals = fields.Function(lambda b: {name: str(b.total(name)) for name in (
        "opening_debit", "opening_credit", "debit", "credit", "closing_debit", "closing_credit")})
    balanced = fields.Boolean()


def trial_balance_blueprint() -> ApiBlueprint:
    blp = api_blueprint("trial_balance", "trial-balance", "Trial balance: opening, turnover, closing per account")

    @blp.route("")
    class TrialBalance(MethodView):
        @blp.arguments(TrialBalanceArgsSchema, location="query")
        @blp.response(200, TrialBalanceSchema)
        @_document_errors(blp, 401, 422)
        def get(self, args: dict[str, Any]) -> Any:
            """Opening balance before `from`, debit and credit turnover from `from` to `to`, closing."""
            date_from, date_to = args.get("date_from"), args.get("date_to")
            if date_from and date_to and date_to < date_from:
                raise ValidationFailed("to", _("The end of the period is before its start."))
            return ledger.trial_balance(g.actor.org.id, date_from, date_to)

    return blp


# --------------------------------------------------------------------------- periods

class PeriodSchema(Schema):
    period = fields.String(attribute="label")
    year = fields.Integer()
    month = fields.Integer()
    status = fields.Function(lambda p: p.status.value)
    entries = fields.Integer()


class PeriodChangeSchema(Schema):
    reason = Text(load_default="", validate=validate.Length(max=500))


def periods_blueprint() -> ApiBlueprint:
    blp = api_blueprint("periods", "periods", "Monthly periods of the books; a finance head closes and reopens them")

    @blp.route("")
    class Collection(MethodView):
        @blp.response(200, PeriodSchema(many=True))
        @_document_errors(blp, 401)
        def get(self) -> Any:
            """The last 24 months and any older month with entries, newest first."""
            return ledger.list_periods(g.actor.org.id, _today())

    def _change(action: str):
        def handler(self: Any, payload: dict[str, Any], period: str) -> Any:
            year, month = ledger.parse_period(period)
            if action == "close":
                ledger.close_period(g.actor.org.id, g.actor.user.id, g.actor.role, year, month, today=_today(),
                                    reason=payload["reason"])
            else:
                ledger.reopen_period(g.actor.org.id, g.actor.user.id, g.actor.role, year, month,
                                     reason=payload["reason"])
            db.session.commit()
            return next(p for p in ledger.list_periods(g.actor.org.id, _today()) if (p.year, p.month) == (year, month))
        return handler

    @blp.route("/<string:period>/close")
    class Close(MethodView):
        @write_roles(*ledger.FINANCE_ROLES)
        @blp.arguments(PeriodChangeSchema)
        @blp.response(200, PeriodSchema)
        @_document_errors(blp, 401, 403, 409, 422)
        def post(self, payload: dict[str, Any], period: str) -> Any:
            """Close the month `YYYY-MM` (finance head): nothing dated in it can be posted afterwards."""
            return _change("close")(self, payload, period)

    @blp.route("/<string:period>/reopen")
    class Reopen(MethodView):
        @write_roles(*ledger.FINANCE_ROLES)
        @blp.arguments(PeriodChangeSchema)
        @blp.response(200, PeriodSchema)
        @_document_errors(blp, 401, 403, 409, 422)
        def post(self, payload: dict[str, Any], period: str) -> Any:
            """Reopen a closed month (finance head, `reason` required)."""
            return _change("reopen")(self, payload, period)

    return blp


# --------------------------------------------------------------------------- chart and rules

class AccountSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = Text(required=True, validate=validate.Length(min=1, max=20))
    name_uk = Text(required=True, validate=validate.Length(min=1, max=200))
    name_en = Text(load_default="", validate=validate.Length(max=200))
    kind = fields.Enum(AccountKind, by_value=True, required=True)
    holds_stock = StrictBoolean(load_default=False)
    confirmed = StrictBoolean(load_default=False, metadata={"description": "False: ⚠ not confirmed by a source"})
    note = Text(load_default="", validate=validate.Length(max=300))
    active = StrictBoolean(load_default=True)


class RuleSchema(Schema):
    id = fields.Integer(dump_only=True)
    event = fields.Enum(PostingEvent, by_value=True, required=True)
    aid_type = fields.Enum(AidType, by_value=True, allow_none=True, load_default=None)
    intended_use = fields.Enum(IntendedUse, by_value=True, allow_none=True, load_default=None)
    category_code = Text(load_default="", validate=validate.Length(max=40))
    debit_account_id = SafeInt(allow_none=True, load_default=None, metadata={
        "description": "Empty: the lot's own stock account"})
    credit_account_id = SafeInt(allow_none=True, load_default=None, metadata={
        "description": "Empty: the lot's own stock account"})
    note = Text(load_default="", validate=validate.Length(max=300))
    confirmed = fields.Boolean(dump_only=True)


def chart_blueprints() -> Iterator[ApiBlueprint]:
    accounts = api_blueprint("accounts", "accounts", "Chart of accounts (Order 1203 defaults; an admin edits it)")

    @accounts.route("")
    class AccountCollection(MethodView):
        @accounts.response(200, AccountSchema(many=True))
        @_document_errors(accounts, 401)
        def get(self) -> Any:
            """Every account, by code."""
            return db.session.scalars(scoped(Account, g.actor.org.id).order_by(Account.code)).all()

        @write_roles(*ledger.CHART_ROLES)
        @accounts.arguments(AccountSchema)
        @accounts.response(201, AccountSchema)
        @_document_errors(accounts, 401, 403, 422)
        def post(self, payload: dict[str, Any]) -> Any:
            """Add an account (admin)."""
            account = ledger.create_account(g.actor.org.id, g.actor.user.id, g.actor.role, ledger.AccountData(**payload))
            db.session.commit()
            return account

    @accounts.route("/<int:account_id>")
    class AccountMember(MethodView):
        @accounts.response(200, AccountSchema)
        @_document_errors(accounts, 401, 404)
        def get(self, account_id: int) -> Any:
            """Read one account."""
            return get_scoped(Account, account_id, g.actor.org.id)

        @write_roles(*ledger.CHART_ROLES)
        @accounts.arguments(AccountSchema)
        @accounts.response(200, AccountSchema)
        @_document_errors(accounts, 401, 403, 404, 422)
        def put(self, payload: dict[str, Any], account_id: int) -> Any:
            """Change an account (admin); code, kind and stock flag only while nothing is posted to it."""
            account = get_scoped(Account, account_id, g.actor.org.id)
            ledger.update_account(account, g.actor.user.id, g.actor.role, ledger.AccountData(**payload))
            db.session.commit()
            return account

    yield accounts

    rules = api_blueprint("posting_rules", "posting-rules",
                          "Posting rules: accounts per event × aid type × intended use × category (admin edits)")

    @rules.route("")
    class RuleCollection(MethodView):
        @rules.response(200, RuleSchema(many=True))
        @_document_errors(rules, 401)
        def get(self) -> Any:
            """Every rule, by event."""
            return db.session.scalars(scoped(PostingRule, g.actor.org.id).order_by(
                PostingRule.event, PostingRule.category_code, PostingRule.id)).all()

        @write_roles(*ledger.CHART_ROLES)
        @rules.arguments(RuleSchema)
        @rules.response(201, RuleSchema)
        @_document_errors(rules, 401, 403, 422)
        def post(self, payload: dict[str, Any]) -> Any:
            """Add a rule (admin)."""
            rule = ledger.create_rule(g.actor.org.id, g.actor.user.id, g.actor.role, ledger.RuleData(**payload))
            db.session.commit()
            return rule

    @rules.route("/<int:rule_id>")
    class RuleMember(MethodView):
        @rules.response(200, RuleSchema)
        @_document_errors(rules, 401, 404)
        def get(self, rule_id: int) -> Any:
            """Read one rule."""
            return get_scoped(PostingRule, rule_id, g.actor.org.id)

        @write_roles(*ledger.CHART_ROLES)
        @rules.arguments(RuleSchema)
        @rules.response(200, RuleSchema)
        @_document_errors(rules, 401, 403, 404, 422)
        def put(self, payload: dict[str, Any], rule_id: int) -> Any:
            """Change a rule (admin); posted entries keep their accounts."""
            rule = get_scoped(PostingRule, rule_id, g.actor.org.id)
            ledger.update_rule(rule, g.actor.user.id, g.actor.role, ledger.RuleData(**payload))
            db.session.commit()
            return rule

        @write_roles(*ledger.CHART_ROLES)
        @rules.response(204)
        @_document_errors(rules, 401, 403, 404, 409)
        def delete(self, rule_id: int) -> None:
            """Delete a rule (admin); an event's catch-all rule stays (409)."""
            ledger.delete_rule(get_scoped(PostingRule, rule_id, g.actor.org.id), g.actor.user.id, g.actor.role)
            db.session.commit()

    yield rules


def blueprints() -> Iterator[ApiBlueprint]:
    yield document_blueprint("distribution", "distributions", DistributionSchema,
                             "Distributions to institutions, military units, hromadas and people")
    yield document_blueprint("transfer", "transfers", TransferSchema, "Transfers between warehouses")
    yield document_blueprint("write_off", "write-offs", WriteOffSchema, "Write-offs by a commission")
    yield document_blueprint("stock_count", "stock-counts", StockCountSchema,
                             "Stock counts: sheet, counted quantities, adjustments on approval")
    yield document_blueprint("stock_return", "returns", StockReturnSchema,
                             "Returns to the donor and redistribution to another recipient")
    yield stock_tools_blueprint()
    yield journal_blueprint()
    yield trial_balance_blueprint()
    yield periods_blueprint()
    yield from chart_blueprints()

