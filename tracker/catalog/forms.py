"""Forms for categories, units, items and warehouses (shape only)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from tracker.web.forms import strip


class CategoryForm(FlaskForm):
    code = StringField(_l("Code"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    name_uk = StringField(_l("Name (Ukrainian)"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), filters=[strip], validators=[Length(max=200)])
    name_de = StringField(_l("Name (German)"), filters=[strip], validators=[Length(max=200)])
    needs_expiry = BooleanField(_l("Lines need lot and expiry date"))
    needs_serial = BooleanField(_l("Lines need serial number or VIN"))
    fixed_asset_default = BooleanField(_l("Fixed asset when for own use"))
    non_stock = BooleanField(_l("Not stock (services, cash)"))


class UnitForm(FlaskForm):
    code = StringField(_l("Code"), filters=[strip], validators=[DataRequired(), Length(max=20)])
    name_uk = StringField(_l("Name (Ukrainian)"), filters=[strip], validators=[DataRequired(), Length(max=100)])
    name_en = StringField(_l("Name (English)"), filters=[strip], validators=[Length(max=100)])


class ItemForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    category_id = SelectField(_l("Category"), coerce=int, validate_choice=False)
    unit_id = SelectField(_l("Unit"), coerce=int, validate_choice=False)
    hs_code = StringField(_l("HS/UKTZED code"), filters=[strip, lambda v: v.replace(" ", "") if v else v],
                          validators=[Length(max=13)])
    description = StringField(_l("Description"), filters=[strip], validators=[Length(max=500)])


class WarehouseForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    address = StringField(_l("Address"), filters=[strip], validators=[Length(max=300)])
    responsible_person = StringField(_l("Responsible person"), filters=[strip], validators=[Length(max=200)])
