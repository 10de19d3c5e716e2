"""Pages for stock documents — distributions, transfers, write-offs, stock counts, returns — and
for the stock card of a lot.

One :class:`DocumentPages` per kind registers list, create, view, edit, post, reverse, delete,
file upload and download on the kind's blueprint. Views parse the form, call one service,
commit, flash and redirect; service errors go back onto the form's rows (``lines.3.quantity``).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from tracker.errors import DomainError, Forbidden, NotFound
from tracker.extensions import db
from tracker.ledger.service import FINANCE_ROLES
from tracker.models import (
    BeneficiaryCategory,
    ConsignmentLine,
    Item,
    RecipientKind,
    ReturnKind,
    StockAttachment,
    StockDocumentStatus,
    Warehouse,
    WriteOffReason,
)
from tracker.scoping import get_scoped, scoped
from tracker.stock import balances as stock
from tracker.stock import documents as docs
from tracker.stock import forms as f
from tracker.web.access import actor, roles_required
from tracker.web.forms import populate_errors

DRAFT_ROLES = tuple(docs.DRAFT_ROLES)


def today() -> date:
    return date.today()


# --------------------------------------------------------------------------- helpers

def lot_label(row: stock.StockRow) -> str:
    parts = [row.name]
    if row.lot:
        parts.append(_("lot %(lot)s", lot=row.lot))
    if row.expiry_on:
        parts.append(_("exp. %(date)s", date=row.expiry_on.isoformat()))
    parts.append(row.warehouse)
    parts.append(_("%(quantity)s %(unit)s on hand", quantity=docs.fmt_qty(row.quantity), unit=row.unit))
    parts.append(row.partner)
    return " · ".join(parts)


def lot_choices(organization_id: int, keep: list[tuple[int, int]] = ()) -> list[SelectChoice]:
    """Lots in stock now, per warehouse (value ``line_id:warehouse_id``), plus lots already on
    the document even if nothing is left of them."""
    rows = [r for r in stock.balances(organization_id) if r.quantity > 0]
    have = {(r.line_id, r.warehouse_id) for r in rows}
    result = [SelectChoice("", "—")]
    result += [SelectChoice(f"{r.line_id}:{r.warehouse_id}", lot_label(r)) for r in rows]
    for line_id, warehouse_id in keep:
        if (line_id, warehouse_id) not in have:
            lot = db.session.get(ConsignmentLine, line_id)
            warehouse = db.session.get(Warehouse, warehouse_id)
            if lot is not None and warehouse is not None:
                result.append(SelectChoice(f"{line_id}:{warehouse_id}",
                                           f"{docs.lot_label(lot)} · {warehouse.name} · {_('none on hand')}"))
    return result


def parse_lot(value: str | None) -> tuple[int | None, int | None]:
    try:
        line_id, warehouse_id = (value or "").split(":")
        return int(line_id), int(warehouse_id)
    except ValueError:
        return None, None


def warehouse_choices(organization_id: int) -> list[SelectChoice]:
    return [SelectChoice("", "—")] + [SelectChoice(w.id, w.name) for w in db.session.scalars(
        scoped(Warehouse, organization_id).order_by(Warehouse.name))]


def enum_or_none(enum_cls: Any, value: Any) -> Any:
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


def place_errors(form: FlaskForm, exc: DomainError) -> None:
    """Row errors (``lines.3.quantity``, ``counts.0.counted_quantity``) onto their rows; the rest
    through ``populate_errors``."""
    rest: dict[str, list[str]] = {}
    for key, messages in exc.errors.items():
        parts = key.split(".")
        target = None
        if len(parts) == 3 and parts[0] in ("lines", "counts") and parts[1].isdigit():
            rows = getattr(form, parts[0], None)
            index = int(parts[1])
            if rows is not None and index < len(rows.entries):
                row = rows.entries[index]
                name = {"line_id": "lot", "warehouse_id": "lot"}.get(parts[2], parts[2])
                target = getattr(row.form, name, None) or getattr(row.form, "counted_quantity", None)
        if target is not None:
            target.errors = [*target.errors, *messages] if isinstance(target.errors, list) else list(messages)
        else:
            rest[key] = messages
    if "version" in rest:  # a concurrent save: say so where it is seen
        rest.pop("version")
        form.form_errors.append(exc.message)
    if rest or not exc.errors:
        populate_errors(form, DomainError(exc.message, rest))
    form.failed = True  # type: ignore[attr-defined]  (FieldList keeps the errors of its validation only)


def _row_inputs(form: FlaskForm) -> tuple[docs.LineInput, ...]:
    rows = []
    for row in form.lines.entries:
        line_id, warehouse_id = parse_lot(row.form.lot.data)
        reason = enum_or_none(WriteOffReason, getattr(row.form, "reason", None) and row.form.reason.data)
        rows.append(docs.LineInput(line_id, row.form.quantity.data, warehouse_id, reason))
    return tuple(rows)


def _version(form: FlaskForm) -> int | None:
    try:
        return int(form.version.data) if form.version.data not in (None, "") else None
    except ValueError:
        return -1


# --------------------------------------------------------------------------- per kind

@dataclass
class DocumentPages:
    kind: str
    name: str
    form_class: type[FlaskForm]
    title: Any
    title_plural: Any
    #: (label, getter) columns of the list
    columns: list[tuple[Any, Callable[[Any], Any]]]
    #: (label, getter) rows of the header on the document page
    details: list[tuple[Any, Callable[[Any], Any]]]
    #: form → service input (without lines for counts)
    to_data: Callable[[FlaskForm], Any]
    #: fill choices of the form
    prepare: Callable[[FlaskForm, int, Any], None] | None = None
    #: document → form data for editing
    fill: Callable[[FlaskForm, Any], None] | None = None

    @property
    def spec(self) -> docs.DocKind:
        return docs.KINDS[self.kind]

    def register(self, bp: Blueprint) -> None:
        draft = roles_required(*DRAFT_ROLES)
        bp.add_url_rule("/", "index", self.index)
        bp.add_url_rule("/new", "create", draft(self.create), methods=["GET", "POST"])
        bp.add_url_rule("/<int:document_id>", "view", self.view)
        bp.add_url_rule("/<int:document_id>/edit", "edit", draft(self.edit), methods=["GET", "POST"])
        bp.add_url_rule("/<int:document_id>/post", "post", roles_required(*self.spec.post_roles)(self.post),
                        methods=["POST"])
        bp.add_url_rule("/<int:document_id>/reverse", "reverse", roles_required(*FINANCE_ROLES)(self.reverse),
                        methods=["POST"])
        bp.add_url_rule("/<int:document_id>/delete", "delete", draft(self.delete), methods=["POST"])
        bp.add_url_rule("/<int:document_id>/files", "upload", draft(self.upload), methods=["POST"])
        bp.add_url_rule("/<int:document_id>/files/<int:file_id>", "download", self.download)

    def _get(self, document_id: int) -> Any:
        try:
            return docs.get_document(self.kind, document_id, actor().org.id)
        except NotFound:
            abort(404)

    def _context(self, **values: Any) -> dict[str, Any]:
        current = actor()
        return {"pages": self, "may_draft": current.role in docs.DRAFT_ROLES,
                "may_post": current.role in self.spec.post_roles, "may_reverse": current.role in FINANCE_ROLES,
                "today": today(), **values}

    def _form(self, doc: Any = None) -> FlaskForm:
        form = self.form_class()
        if self.prepare:
            self.prepare(form, actor().org.id, doc)
        return form

    # ------------------------------------------------------------------ views
    def index(self) -> Any:
        current = actor()
        model = self.spec.model
        query = scoped(model, current.org.id)
        status = enum_or_none(StockDocumentStatus, request.args.get("status"))
        if status:
            query = query.where(model.status == status)
        text = (request.args.get("q") or "").strip()[:60]
        if text:
            query = query.where(sa.func.lower(model.number).like(f"%{text.lower()}%"))
        page = db.paginate(query.order_by(model.on.desc(), model.id.desc()), per_page=current_app.config["PER_PAGE"],
                           max_per_page=100, error_out=False)
        return render_template("stock/document_index.html", **self._context(page=page, args=request.args,
                                                                            statuses=list(StockDocumentStatus)))

    def view(self, document_id: int) -> Any:
        doc = self._get(document_id)
        return self._render_view(doc)

    def _render_view(self, doc: Any, status: int = 200, reverse_form: FlaskForm | None = None) -> Any:
        return render_template("stock/document_view.html", **self._context(
            doc=doc, movements=docs.movements_of(doc), files=docs.attachments_of(doc),
            warnings=docs.warnings_for(doc), post_form=f.PostForm(formdata=None, version=doc.version),
            reverse_form=reverse_form or f.ReverseForm(formdata=None), upload_form=f.AttachmentForm(formdata=None))), \
            status

    def create(self) -> Any:
        current = actor()
        form = self._form()
        if request.method == "GET":
            form.on.data = today()
            if self.kind == "distribution":
                self._fefo_prefill(form)
        if form.validate_on_submit():
            try:
                doc = docs.create_document(self.kind, current.org.id, current.user.id, current.role,
                                           self.to_data(form), today=today())
                db.session.commit()
            except Forbidden:
                db.session.rollback()
                abort(403)
            except DomainError as exc:
                db.session.rollback()
                place_errors(form, exc)
            else:
                flash(_("Draft saved: check it, then post it."), "success")
                return redirect(url_for(f"{self.name}.view", document_id=doc.id))
        return self._render_form(form, None)

    def _render_form(self, form: FlaskForm, doc: Any) -> Any:
        context = {"form": form, "doc": doc}
        if self.kind == "distribution" and doc is None:
            fefo = f.FefoForm(request.args if request.method == "GET" else None)
            fefo.fefo_item.choices = [SelectChoice("", "—")] + [SelectChoice(i.id, i.name) for i in db.session.scalars(
                scoped(Item, actor().org.id).order_by(Item.name))]
            context["fefo_form"] = fefo
            context["fefo"] = getattr(form, "_fefo", None)
        template = "stock/count_form.html" if self.kind == "stock_count" and doc is not None \
            else "stock/document_form.html"
        status = 422 if form.errors or form.form_errors or getattr(form, "failed", False) else 200
        return render_template(template, **self._context(**context)), status

    def _fefo_prefill(self, form: FlaskForm) -> None:
        item_id = f.coerce_optional_int(request.args.get("fefo_item"))
        try:
            quantity = Decimal((request.args.get("fefo_quantity") or "").replace(",", "."))
        except ArithmeticError:
            return
        if not item_id or not quantity.is_finite() or quantity <= 0:
            return
        try:
            get_scoped(Item, item_id, actor().org.id)
        except NotFound:
            return
        suggestion = stock.fefo(actor().org.id, quantity.quantize(Decimal("0.001")), today(), item_id=item_id)
        for row, pick in zip(form.lines.entries, suggestion.picks):
            row.form.lot.data = f"{pick.row.line_id}:{pick.row.warehouse_id}"
            row.form.quantity.data = pick.quantity
        form._fefo = suggestion  # type: ignore[attr-defined]

    def edit(self, document_id: int) -> Any:
        current = actor()
        doc = self._get(document_id)
        if doc.status != StockDocumentStatus.draft:
            flash(_("A posted document cannot be changed; correct it by a reversal."), "error")
            return redirect(url_for(f"{self.name}.view", document_id=doc.id))
        if self.kind == "stock_count":
            return self._edit_count(doc)
        form = self._form(doc)
        if request.method == "GET" and self.fill:
            self.fill(form, doc)
        if form.validate_on_submit():
            try:
                docs.update_document(doc, current.user.id, current.role, self.to_data(form), today=today(),
                                     expected_version=_version(form))
                db.session.commit()
            except Forbidden:
                db.session.rollback()
                abort(403)
            except DomainError as exc:
                db.session.rollback()
                place_errors(form, exc)
            else:
                flash(_("Draft saved: check it, then post it."), "success")
                return redirect(url_for(f"{self.name}.view", document_id=doc.id))
        return self._render_form(form, doc)

    def _edit_count(self, doc: Any) -> Any:
        current = actor()
        form = f.StockCountEditForm()
        if request.method == "GET":
            form.on.data, form.commission_members.data, form.note.data = doc.on, doc.commission_members, doc.note
            form.version.data = doc.version
            for line in doc.lines:
                form.counts.append_entry({"line_id": line.line_id, "counted_quantity": line.counted_quantity})
        for row in form.extra.entries:
            row.form.lot.choices = lot_choices(current.org.id)
        lines = {line.line_id: line for line in doc.lines}
        if form.validate_on_submit():
            counts = [docs.CountInput(f.coerce_optional_int(row.form.line_id.data), row.form.counted_quantity.data)
                      for row in form.counts.entries]
            counts += [docs.CountInput(parse_lot(row.form.lot.data)[0], row.form.counted_quantity.data)
                       for row in form.extra.entries if row.form.lot.data]
            data = docs.StockCountData(on=form.on.data, warehouse_id=doc.warehouse_id,
                                       commission_members=form.commission_members.data or "", note=form.note.data or "")
            try:
                docs.update_stock_count(doc, current.user.id, current.role, data, counts, today=today(),
                                        expected_version=_version(form))
                db.session.commit()
            except Forbidden:
                db.session.rollback()
                abort(403)
            except DomainError as exc:
                db.session.rollback()
                place_errors(form, exc)
            else:
                flash(_("Counts saved."), "success")
                return redirect(url_for(f"{self.name}.view", document_id=doc.id))
        rows = [(row, lines.get(f.coerce_optional_int(row.form.line_id.data))) for row in form.counts.entries]
        return render_template("stock/count_form.html", **self._context(form=form, doc=doc, rows=rows)), \
            422 if form.errors or form.form_errors or getattr(form, "failed", False) else 200

    def post(self, document_id: int) -> Any:
        current = actor()
        doc = self._get(document_id)
        form = f.PostForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            docs.post_document(doc, current.user.id, current.role, today=today(), expected_version=_version(form))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return self._render_view(self._get(document_id), exc.status)
        flash(_("Posted as %(number)s.", number=doc.number), "success")
        return redirect(url_for(f"{self.name}.view", document_id=doc.id)), 303

    def reverse(self, document_id: int) -> Any:
        current = actor()
        doc = self._get(document_id)
        form = f.ReverseForm()
        if not form.validate_on_submit():
            flash(_("Give the reason for the reversal."), "error")
            return self._render_view(doc, 422, form)
        try:
            reversal = docs.reverse_document(doc, current.user.id, current.role, reason=form.reason.data,
                                             on=form.on.data, today=today())
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return self._render_view(self._get(document_id), exc.status, form)
        flash(_("Reversed by %(number)s.", number=reversal.number), "success")
        return redirect(url_for(f"{self.name}.view", document_id=reversal.id)), 303

    def delete(self, document_id: int) -> Any:
        current = actor()
        doc = self._get(document_id)
        try:
            docs.delete_draft(doc, current.user.id, current.role)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return self._render_view(self._get(document_id), exc.status)
        flash(_("Draft deleted."), "success")
        return redirect(url_for(f"{self.name}.index")), 303

    def upload(self, document_id: int) -> Any:
        current = actor()
        doc = self._get(document_id)
        form = f.AttachmentForm()
        if not form.validate_on_submit():
            flash(_("Choose a file to attach."), "error")
            return self._render_view(doc, 422)
        limit = int(current_app.config["UPLOAD_MAX_BYTES"])
        try:
            docs.attach_file(doc, current.user.id, current.role, form.file.data.read(limit + 1),
                             form.file.data.filename or "", description=form.description.data or "",
                             folder=current_app.config["UPLOAD_FOLDER"], max_bytes=limit)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return self._render_view(self._get(document_id), exc.status)
        flash(_("File attached."), "success")
        return redirect(url_for(f"{self.name}.view", document_id=doc.id)), 303

    def download(self, document_id: int, file_id: int) -> Any:
        import io

        from tracker.uploads import open_stored

        doc = self._get(document_id)
        try:
            attachment = get_scoped(StockAttachment, file_id, actor().org.id)
            if attachment.document_kind != self.kind or attachment.document_id != doc.id:
                raise NotFound("file")
            content = open_stored(current_app.config["UPLOAD_FOLDER"], attachment.stored_name)
        except NotFound:
            abort(404)
        response = send_file(io.BytesIO(content), mimetype=attachment.content_type, as_attachment=True,
                             download_name=attachment.original_name, max_age=0)
        response.headers["Cache-Control"] = "private, no-store"
        return response


# --------------------------------------------------------------------------- the five kinds

def _prepare_lines(form: FlaskForm, organization_id: int, doc: Any) -> None:
    keep = []
    if doc is not None:
        keep = [(line.line_id, getattr(line, "warehouse_id", None) or getattr(doc, "from_warehouse_id", None))
                for line in doc.lines]
    options = lot_choices(organization_id, keep)
    for row in form.lines.entries:
        row.form.lot.choices = options


def _fill_lines(form: FlaskForm, doc: Any) -> None:
    for row, line in zip(form.lines.entries, doc.lines):
        warehouse_id = getattr(line, "warehouse_id", None) or getattr(doc, "from_warehouse_id", None)
        row.form.lot.data = f"{line.line_id}:{warehouse_id}"
        row.form.quantity.data = line.quantity
        if hasattr(row.form, "reason"):
            row.form.reason.data = line.reason.value
    form.on.data, form.note.data, form.version.data = doc.on, doc.note, doc.version


def _ensure_rows(form: FlaskForm, doc: Any) -> None:
    while len(form.lines.entries) < max(f.LINE_ROWS, len(doc.lines) + 2 if doc is not None else 0):
        form.lines.append_entry()


def _prepare_document(form: FlaskForm, organization_id: int, doc: Any) -> None:
    _ensure_rows(form, doc)
    _prepare_lines(form, organization_id, doc)
    for name in ("from_warehouse_id", "to_warehouse_id", "warehouse_id"):
        if hasattr(form, name):
            getattr(form, name).choices = warehouse_choices(organization_id)


def _fill_distribution(form: FlaskForm, doc: Any) -> None:
    _fill_lines(form, doc)
    form.recipient_kind.data = doc.recipient_kind.value
    form.recipient_name.data, form.recipient_edrpou.data, form.purpose.data = \
        doc.recipient_name, doc.recipient_edrpou, doc.purpose
    form.beneficiary_category.data = doc.beneficiary_category.value if doc.beneficiary_category else ""
    form.beneficiaries_count.data = doc.beneficiaries_count


def _distribution_data(form: FlaskForm) -> docs.DistributionData:
    return docs.DistributionData(
        on=form.on.data, recipient_kind=enum_or_none(RecipientKind, form.recipient_kind.data),
        recipient_name=form.recipient_name.data or "", recipient_edrpou=form.recipient_edrpou.data or "",
        beneficiary_category=enum_or_none(BeneficiaryCategory, form.beneficiary_category.data),
        beneficiaries_count=form.beneficiaries_count.data, purpose=form.purpose.data or "",
        note=form.note.data or "", lines=_row_inputs(form))


def _fill_transfer(form: FlaskForm, doc: Any) -> None:
    _fill_lines(form, doc)
    form.from_warehouse_id.data, form.to_warehouse_id.data = doc.from_warehouse_id, doc.to_warehouse_id


def _transfer_data(form: FlaskForm) -> docs.TransferData:
    return docs.TransferData(on=form.on.data, from_warehouse_id=form.from_warehouse_id.data,
                             to_warehouse_id=form.to_warehouse_id.data, note=form.note.data or "",
                             lines=_row_inputs(form))


def _fill_write_off(form: FlaskForm, doc: Any) -> None:
    _fill_lines(form, doc)
    form.commission_members.data, form.basis.data = doc.commission_members, doc.basis


def _write_off_data(form: FlaskForm) -> docs.WriteOffData:
    return docs.WriteOffData(on=form.on.data, commission_members=form.commission_members.data or "",
                             basis=form.basis.data or "", note=form.note.data or "", lines=_row_inputs(form))


def _fill_return(form: FlaskForm, doc: Any) -> None:
    _fill_lines(form, doc)
    form.kind.data = doc.kind.value
    form.counterparty_name.data, form.counterparty_edrpou.data = doc.counterparty_name, doc.counterparty_edrpou
    form.basis.data, form.reason.data = doc.basis, doc.reason


def _return_data(form: FlaskForm) -> docs.StockReturnData:
    return docs.StockReturnData(on=form.on.data, kind=enum_or_none(ReturnKind, form.kind.data),
                                counterparty_name=form.counterparty_name.data or "",
                                counterparty_edrpou=form.counterparty_edrpou.data or "", basis=form.basis.data or "",
                                reason=form.reason.data or "", note=form.note.data or "", lines=_row_inputs(form))


def _prepare_count(form: FlaskForm, organization_id: int, doc: Any) -> None:
    form.warehouse_id.choices = warehouse_choices(organization_id)


def _count_data(form: FlaskForm) -> docs.StockCountData:
    return docs.StockCountData(on=form.on.data, warehouse_id=form.warehouse_id.data,
                               commission_members=form.commission_members.data or "", note=form.note.data or "")


def _recipient(doc: Any) -> str:
    from tracker.web.labels import label

    text = f"{label(doc.recipient_kind)}: {doc.recipient_name}"
    if doc.beneficiaries_count:
        text += f" · {label(doc.beneficiary_category)} × {doc.beneficiaries_count}"
    return text


def _total(doc: Any) -> Any:
    values = [line.value_uah for line in doc.lines if line.value_uah is not None]
    return sum(values, Decimal("0.00")) if values else None


def _label(value: Any) -> str:
    from tracker.web.labels import label

    return label(value)


distributions_bp = Blueprint("distributions", __name__, url_prefix="/stock/distributions")
transfers_bp = Blueprint("transfers", __name__, url_prefix="/stock/transfers")
write_offs_bp = Blueprint("write_offs", __name__, url_prefix="/stock/write-offs")
stock_counts_bp = Blueprint("stock_counts", __name__, url_prefix="/stock/counts")
returns_bp = Blueprint("returns", __name__, url_prefix="/stock/returns")

PAGES = {
    "distribution": DocumentPages(
        "distribution", "distributions", f.DistributionForm, _l("Distribution"), _l("Distributions"),
        columns=[(_l("Recipient"), _recipient), (_l("Purpose"), lambda d: d.purpose)],
        details=[(_l("Recipient"), _recipient), (_l("EDRPOU"), lambda d: d.recipient_edrpou),
                 (_l("Purpose"), lambda d: d.purpose)],
        to_data=_distribution_data, prepare=_prepare_document, fill=_fill_distribution),
    "transfer": DocumentPages(
        "transfer", "transfers", f.TransferForm, _l("Transfer"), _l("Transfers"),
        columns=[(_l("From"), lambda d: d.from_warehouse.name), (_l("To"), lambda d: d.to_warehouse.name)],
        details=[(_l("From warehouse"), lambda d: d.from_warehouse.name),
                 (_l("To warehouse"), lambda d: d.to_warehouse.name)],
        to_data=_transfer_data, prepare=_prepare_document, fill=_fill_transfer),
    "write_off": DocumentPages(
        "write_off", "write_offs", f.WriteOffForm, _l("Write-off"), _l("Write-offs"),
        columns=[(_l("Basis"), lambda d: d.basis),
                 (_l("Reasons"), lambda d: ", ".join(sorted({_label(line.reason) for line in d.lines})))],
        details=[(_l("Commission"), lambda d: d.commission_members), (_l("Basis"), lambda d: d.basis)],
        to_data=_write_off_data, prepare=_prepare_document, fill=_fill_write_off),
    "stock_count": DocumentPages(
        "stock_count", "stock_counts", f.StockCountForm, _l("Stock count"), _l("Stock counts"),
        columns=[(_l("Warehouse"), lambda d: d.warehouse.name)],
        details=[(_l("Warehouse"), lambda d: d.warehouse.name), (_l("Commission"), lambda d: d.commission_members)],
        to_data=_count_data, prepare=_prepare_count),
    "stock_return": DocumentPages(
        "stock_return", "returns", f.StockReturnForm, _l("Return / redistribution"), _l("Returns and redistribution"),
        columns=[(_l("Kind"), lambda d: _label(d.kind)), (_l("To"), lambda d: d.counterparty_name)],
        details=[(_l("Kind"), lambda d: _label(d.kind)), (_l("To"), lambda d: d.counterparty_name),
                 (_l("EDRPOU"), lambda d: d.counterparty_edrpou), (_l("Basis"), lambda d: d.basis),
                 (_l("Reason"), lambda d: d.reason)],
        to_data=_return_data, prepare=_prepare_document, fill=_fill_return),
}
for _pages, _bp in zip(PAGES.values(), (distributions_bp, transfers_bp, write_offs_bp, stock_counts_bp, returns_bp)):
    _pages.register(_bp)


# --------------------------------------------------------------------------- lots: stock card

lots_bp = Blueprint("lots", __name__, url_prefix="/stock/lots")


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@lots_bp.get("/<int:line_id>")
def card(line_id: int) -> Any:
    """The stock card of a lot: every movement with its document and the running balance."""
    current = actor()
    try:
        lot = get_scoped(ConsignmentLine, line_id, current.org.id)
    except NotFound:
        abort(404)
    warehouse_id = request.args.get("warehouse_id", type=int)
    if warehouse_id:
        try:
            get_scoped(Warehouse, warehouse_id, current.org.id)
        except NotFound:
            abort(404)
    result = stock.stock_card(current.org.id, lot, warehouse_id, _date_arg("from"), _date_arg("to"))
    return render_template("stock/card.html", card=result, lot=lot, args=request.args,
                           warehouses=db.session.scalars(scoped(Warehouse, current.org.id).order_by(Warehouse.name)),
                           source_url=source_url, today=today())


def source_url(source_type: str, source_id: int) -> str | None:
    """The page of the document a movement or an entry came from."""
    if source_type == "consignment":
        return url_for("consignments.view", consignment_id=source_id)
    pages = PAGES.get(source_type)
    return url_for(f"{pages.name}.view", document_id=source_id) if pages else None


@lots_bp.get("/documents")
def documents() -> Any:
    """The stock documents at a glance: drafts waiting and the latest posted of each kind."""
    current = actor()
    summary = []
    for pages in PAGES.values():
        model = pages.spec.model
        drafts = db.session.scalar(sa.select(sa.func.count()).select_from(model).where(
            model.organization_id == current.org.id, model.status == StockDocumentStatus.draft))
        latest = db.session.scalars(scoped(model, current.org.id).where(model.status != StockDocumentStatus.draft)
                                    .order_by(model.on.desc(), model.id.desc()).limit(5)).all()
        summary.append((pages, drafts, latest))
    return render_template("stock/documents.html", summary=summary)


BLUEPRINTS = (distributions_bp, transfers_bp, write_offs_bp, stock_counts_bp, returns_bp, lots_bp)
