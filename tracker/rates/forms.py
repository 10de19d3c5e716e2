"""Forms for exchange rates: manual entry, correction, filter, file import."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField
from wtforms.validators import DataRequired, Length

from tracker.web.fields import RateField, UpperStringField


class RateForm(FlaskForm):
    currency = UpperStringField(_l("Currency"), validators=[DataRequired(), Length(min=3, max=3)])
    on = DateField(_l("Date"), validators=[DataRequired()])
    rate = RateField(_l("UAH per 1 unit"), validators=[DataRequired()])


class RateEditForm(FlaskForm):
    rate = RateField(_l("UAH per 1 unit"), validators=[DataRequired()])


class RateImportForm(FlaskForm):
    file = FileField(_l("NBU JSON or CSV file"), validators=[FileRequired()])
