"""Forms for declarations, documents and files, document types and rules (shape only)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.consignments.forms import optional_int
from tracker.models import AidType, Condition, DeclarationKind, DeclarationStatus, DocumentStatus, GoodsKind, Origin
from tracker.web.fields import MoneyField
from tracker.web.forms import strip
from tracker.web.labels import LazyLabel, choices


def optional_enum(enum_cls):  # noqa: ANN001, ANN201 - a coerce factory
    def coerce(value):  # noqa: ANN001, ANN202
        if value in (None, "", "None"):
            return None
        try:
            return enum_cls(value)
        except ValueError:
            return value  # the service answers "choose a value from the list"
    return coerce


def any_choices(enum_cls) -> list[SelectChoice]:  # noqa: ANN001
    return [SelectChoice("", LazyLabel("any")), *choices(enum_cls)]


class DeclarationForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(DeclarationKind), coerce=DeclarationKind)
    number = StringField(_l("Number or unique code"), filters=[strip], validators=[Length(max=60)])
    customs_office = StringField(_l("Customs office"), filters=[strip], validators=[Length(max=200)])
    checkpoint = StringField(_l("Checkpoint"), filters=[strip], validators=[Length(max=200)])
    duty_exempted_uah = MoneyField(_l("Duty exempted, UAH"), validators=[Optional()])
    vat_exempted_uah = MoneyField(_l("VAT exempted, UAH"), validators=[Optional()])
    note = StringField(_l("Note"), filters=[strip], validators=[Length(max=500)])


class DeclarationStatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=choices(DeclarationStatus), coerce=DeclarationStatus)
    on = DateField(_l("Date"), validators=[Optional()])
    note = StringField(_l("Note"), filters=[strip], validators=[Length(max=500)])


class DocumentForm(FlaskForm):
    document_type_id = SelectField(_l("Document type"), coerce=optional_int, validate_choice=False)
    number = StringField(_l("Number"), filters=[strip], validators=[Length(max=100)])
    issued_on = DateField(_l("Issued on"), validators=[Optional()])
    issuer = StringField(_l("Issuer"), filters=[strip], validators=[Length(max=200)])
    status = SelectField(_l("Status"), choices=choices(DocumentStatus), coerce=DocumentStatus,
                         default=DocumentStatus.received.value)
    note = StringField(_l("Note"), filters=[strip], validators=[Length(max=500)])
    file = FileField(_l("File (PDF, JPEG, PNG or XLSX)"))


class AttachmentForm(FlaskForm):
    file = FileField(_l("File (PDF, JPEG, PNG or XLSX)"), validators=[FileRequired()])


class DocumentTypeForm(FlaskForm):
    code = StringField(_l("Code"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    name_uk = StringField(_l("Name (Ukrainian)"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), filters=[strip], validators=[Length(max=200)])
    name_de = StringField(_l("Name (German)"), filters=[strip], validators=[Length(max=200)])


class DocumentRuleForm(FlaskForm):
    document_type_id = SelectField(_l("Required document"), coerce=optional_int, validate_choice=False)
    aid_type = SelectField(_l("Aid type"), choices=any_choices(AidType), coerce=optional_enum(AidType))
    origin = SelectField(_l("Origin"), choices=any_choices(Origin), coerce=optional_enum(Origin))
    goods_kind = SelectField(_l("Goods, services or cash"), choices=any_choices(GoodsKind),
                             coerce=optional_enum(GoodsKind))
    category_code = SelectField(_l("Category of a line"), validate_choice=False)
    condition = SelectField(_l("Condition of that line"), choices=any_choices(Condition),
                            coerce=optional_enum(Condition))
    valid_from = DateField(_l("Valid from"), validators=[DataRequired()])
    valid_to = DateField(_l("Valid to"), validators=[Optional()])
    note = TextAreaField(_l("Legal basis or practice"), filters=[strip], validators=[Length(max=300)])
