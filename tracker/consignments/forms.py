"""Forms for consignments, their lines, transitions, the report date and packing-list uploads
(shape only; the rules live in consignments.service)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.models import AidType, Condition, GoodsKind, IntendedUse, Origin, ValuationMethod
from tracker.web.fields import ExactDecimalField, QtyField, RateField, UpperStringField
from tracker.web.forms import strip
from tracker.web.labels import choices


def optional_int(value: Any) -> int | None:
    """Coerce for selects with an empty "none" option."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # never a valid id: the service answers "choose … of your organization"


def version_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class ConsignmentForm(FlaskForm):
    aid_type = SelectField(_l("Aid type"), choices=choices(AidType), coerce=AidType)
    origin = SelectField(_l("Origin"), choices=choices(Origin), coerce=Origin)
    goods_kind = SelectField(_l("Goods, services or cash"), choices=choices(GoodsKind), coerce=GoodsKind)
    partner_id = SelectField(_l("Partner"), coerce=optional_int, validate_choice=False)
    agreement_id = SelectField(_l("Agreement"), coerce=optional_int, validate_choice=False)
    currency = UpperStringField(_l("Currency"), validators=[DataRequired(), Length(min=3, max=3)], default="EUR")
    valuation_on = DateField(_l("Valuation date (NBU rate)"), validators=[DataRequired()])
    dispatched_on = DateField(_l("Dispatched on"), validators=[Optional()])
    arrived_on = DateField(_l("Arrived on"), validators=[Optional()])
    warehouse_id = SelectField(_l("Warehouse"), coerce=optional_int, validate_choice=False)
    declaration_code = StringField(_l("HA declaration unique code"), filters=[strip], validators=[Length(max=60)])
    carrier = StringField(_l("Carrier"), filters=[strip], validators=[Length(max=200)])
    vehicle_plate = StringField(_l("Vehicle plate"), filters=[strip], validators=[Length(max=40)])
    cmr_number = StringField(_l("CMR number"), filters=[strip], validators=[Length(max=60)])
    valuation_method = SelectField(_l("Valuation method"), choices=choices(ValuationMethod), coerce=ValuationMethod)
    valuation_justification = TextAreaField(_l("Valuation justification"), filters=[strip],
                                            validators=[Length(max=4000)])
    commission_members = TextAreaField(_l("Receiving commission (one member per line)"), filters=[strip],
                                       validators=[Length(max=2000)])
    notes = TextAreaField(_l("Notes"), filters=[strip], validators=[Length(max=4000)])
    version = HiddenField(filters=[version_int])


class LineForm(FlaskForm):
    item_id = SelectField(_l("Catalogue item"), coerce=optional_int, validate_choice=False)
    name = StringField(_l("Name as declared"), filters=[strip], validators=[Length(max=300)])
    category_id = SelectField(_l("Category"), coerce=optional_int, validate_choice=False)
    unit_id = SelectField(_l("Unit"), coerce=optional_int, validate_choice=False)
    quantity = QtyField(_l("Quantity"), validators=[DataRequired()])
    unit_value = ExactDecimalField(_l("Unit value"), validators=[Optional()], max_places=4)
    currency = UpperStringField(_l("Currency"), validators=[DataRequired(), Length(min=3, max=3)])
    gross_weight_kg = QtyField(_l("Gross weight, kg"), validators=[Optional()])
    condition = SelectField(_l("Condition"), choices=choices(Condition), coerce=Condition)
    wear_percent = IntegerField(_l("Wear, %"), validators=[Optional(), NumberRange(min=0, max=100)])
    lot = StringField(_l("Lot (batch)"), filters=[strip], validators=[Length(max=100)])
    expiry_on = DateField(_l("Expiry date"), validators=[Optional()])
    serial = StringField(_l("Serial number / VIN"), filters=[strip], validators=[Length(max=500)])
    hs_code = StringField(_l("HS / UKTZED code"), filters=[strip], validators=[Length(max=16)])
    intended_use = SelectField(_l("Intended use"), choices=choices(IntendedUse), coerce=IntendedUse,
                               default=IntendedUse.distribution.value)
    missing_rate = RateField(_l("NBU rate (UAH per 1 unit), if it is missing"), validators=[Optional()])
    version = HiddenField(filters=[version_int])


class TransitionForm(FlaskForm):
    to = HiddenField(validators=[DataRequired()])
    on = DateField(_l("Date"), validators=[Optional()])
    reason = StringField(_l("Reason for cancelling"), filters=[strip], validators=[Length(max=500)])
    override_reason = TextAreaField(_l("Reason to accept with missing documents (finance head)"), filters=[strip],
                                    validators=[Length(max=2000)])


class ReportForm(FlaskForm):
    reported_on = DateField(_l("Report filed on"), validators=[Optional()])


class ImportUploadForm(FlaskForm):
    file = FileField(_l("Packing list (.xlsx or .csv)"), validators=[FileRequired()])


class ImportConfirmForm(FlaskForm):
    """CSRF only: the mapping, date format and row choices are dynamic fields read by the view."""
