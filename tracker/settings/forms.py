"""The form for a date-effective setting value (shape only; the rules live in settings.service)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from tracker.settings.service import SPECS
from tracker.web.forms import strip


class SettingForm(FlaskForm):
    key = SelectField(_l("Setting"), choices=[SelectChoice(key, spec.label) for key, spec in SPECS.items()])
    value = StringField(_l("Value"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    valid_from = DateField(_l("Valid from"), validators=[DataRequired()])
    note = StringField(_l("Legal basis"), filters=[strip], validators=[Length(max=300)])
