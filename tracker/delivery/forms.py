"""Forms for donor delivery (shape only; the rules live in tracker.delivery.service)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.delivery.service import NOTE_MAX
from tracker.models import SummaryFrequency
from tracker.models.delivery import DONOR_LANGUAGES
from tracker.web.forms import strip
from tracker.web.labels import LazyLabel


def _language_choices() -> list[SelectChoice]:
    return [SelectChoice(v, LazyLabel(v)) for v in DONOR_LANGUAGES]


FREQUENCY_LABELS = {"none": _l("No automatic summary"), "monthly": _l("Monthly"), "quarterly": _l("Quarterly")}


class RecipientForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    email = StringField(_l("E-mail"), filters=[strip], validators=[DataRequired(), Length(max=254)])
    language = SelectField(_l("Language"), choices=_language_choices(), default="en")


class FrequencyForm(FlaskForm):
    frequency = SelectField(_l("Summary by e-mail"), choices=[SelectChoice(f.value, FREQUENCY_LABELS[f.value])
                                                              for f in SummaryFrequency])


class SendForm(FlaskForm):
    partner_id = SelectField(_l("Partner"), coerce=int, validate_choice=False, validators=[DataRequired()])
    period_start = DateField(_l("Period from"), validators=[DataRequired()])
    period_end = DateField(_l("Period to"), validators=[DataRequired()])
    language = SelectField(_l("Language"), choices=[SelectChoice("", _l("Each recipient's own language"))]
                           + _language_choices(), default="")
    note = TextAreaField(_l("Personal note (optional)"), filters=[strip], validators=[Optional(),
                                                                                      Length(max=NOTE_MAX)])
    #: one-time key of this preview: sending twice with it sends nothing twice
    request_key = HiddenField()
