"""Forms of the stock documents: shapes only (the services hold every rule).

A document's lines are a fixed number of rows; an empty row is ignored. The lot of a row is one
select whose value is ``line_id:warehouse_id`` (the lot in that warehouse), so a row names both.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, FieldList, Form, FormField, HiddenField, IntegerField, SelectField, StringField, \
    TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.models import BeneficiaryCategory, RecipientKind, ReturnKind, WriteOffReason
from tracker.web.fields import QtyField
from tracker.web.labels import choices

#: Rows offered on a new document (more can be added by saving and editing).
LINE_ROWS = 8


def optional_choices(enum_cls: Any) -> list[Any]:
    from wtforms import SelectChoice

    return [SelectChoice("", "—"), *choices(enum_cls)]


def coerce_optional_int(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class LotRowForm(Form):
    lot = SelectField(_l("Lot"), choices=[], validate_choice=False, validators=[Optional()])
    quantity = QtyField(_l("Quantity"), validators=[Optional()])


class WriteOffRowForm(LotRowForm):
    reason = SelectField(_l("Reason"), choices=optional_choices(WriteOffReason), validators=[Optional()])


class DocumentForm(FlaskForm):
    on = DateField(_l("Date"), validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    version = HiddenField()


class DistributionForm(DocumentForm):
    recipient_kind = SelectField(_l("Recipient"), choices=choices(RecipientKind), validators=[DataRequired()])
    recipient_name = StringField(_l("Recipient name"), validators=[DataRequired(), Length(max=300)])
    recipient_edrpou = StringField(_l("Recipient EDRPOU"), validators=[Optional(), Length(max=8)])
    beneficiary_category = SelectField(_l("Beneficiary category"), choices=optional_choices(BeneficiaryCategory),
                                       validators=[Optional()])
    beneficiaries_count = IntegerField(_l("Number of people"), validators=[Optional(), NumberRange(min=1)])
    purpose = StringField(_l("Purpose"), validators=[DataRequired(), Length(max=500)])
    lines = FieldList(FormField(LotRowForm), min_entries=LINE_ROWS)


class TransferForm(DocumentForm):
    from_warehouse_id = SelectField(_l("From warehouse"), coerce=coerce_optional_int, validators=[DataRequired()])
    to_warehouse_id = SelectField(_l("To warehouse"), coerce=coerce_optional_int, validators=[DataRequired()])
    lines = FieldList(FormField(LotRowForm), min_entries=LINE_ROWS)


class WriteOffForm(DocumentForm):
    commission_members = TextAreaField(_l("Commission members (one per line)"),
                                       validators=[DataRequired(), Length(max=5000)])
    basis = StringField(_l("Basis (order number and date)"), validators=[Optional(), Length(max=300)])
    lines = FieldList(FormField(WriteOffRowForm), min_entries=LINE_ROWS)


class StockReturnForm(DocumentForm):
    kind = SelectField(_l("Kind"), choices=choices(ReturnKind), validators=[DataRequired()])
    counterparty_name = StringField(_l("Donor or receiving recipient"), validators=[Optional(), Length(max=300)])
    counterparty_edrpou = StringField(_l("Their EDRPOU"), validators=[Optional(), Length(max=8)])
    basis = StringField(_l("Request or consent letter"), validators=[Optional(), Length(max=300)])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])
    lines = FieldList(FormField(LotRowForm), min_entries=LINE_ROWS)


class StockCountForm(DocumentForm):
    warehouse_id = SelectField(_l("Warehouse"), coerce=coerce_optional_int, validators=[DataRequired()])
    commission_members = TextAreaField(_l("Commission members (one per line)"),
                                       validators=[Optional(), Length(max=5000)])


class CountRowForm(Form):
    line_id = HiddenField()
    counted_quantity = QtyField(_l("Counted"), validators=[Optional()])


class ExtraCountRowForm(Form):
    lot = SelectField(_l("Lot found"), choices=[], validate_choice=False, validators=[Optional()])
    counted_quantity = QtyField(_l("Counted"), validators=[Optional()])


class StockCountEditForm(DocumentForm):
    commission_members = TextAreaField(_l("Commission members (one per line)"),
                                       validators=[Optional(), Length(max=5000)])
    counts = FieldList(FormField(CountRowForm), min_entries=0)
    extra = FieldList(FormField(ExtraCountRowForm), min_entries=3)


class PostForm(FlaskForm):
    version = HiddenField()


class ReverseForm(FlaskForm):
    reason = StringField(_l("Reason for the reversal"), validators=[DataRequired(), Length(max=500)])
    on = DateField(_l("Date of the reversal"), validators=[Optional()])


class AttachmentForm(FlaskForm):
    file = FileField(_l("Scan (PDF, JPEG or PNG)"), validators=[FileRequired()])
    description = StringField(_l("What it is"), validators=[Optional(), Length(max=200)])


class FefoForm(Form):
    """GET form on a new distribution: suggest lots, first expiry first."""

    fefo_item = SelectField(_l("Catalogue item"), coerce=coerce_optional_int, validators=[Optional()])
    fefo_quantity = QtyField(_l("Quantity"), validators=[Optional()])
