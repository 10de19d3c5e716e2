"""Forms for partners and agreements (shape only; the rules live in partners.service)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from tracker.models import AgreementKind, PartnerKind
from tracker.web.fields import MoneyField, UpperStringField
from tracker.web.forms import strip
from tracker.web.labels import LazyLabel, choices


class PartnerForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=choices(PartnerKind), coerce=PartnerKind)
    country = UpperStringField(_l("Country (ISO code)"), validators=[DataRequired(), Length(max=2)])
    city = StringField(_l("City"), filters=[strip], validators=[Length(max=100)])
    contact_name = StringField(_l("Contact person"), filters=[strip], validators=[Length(max=200)])
    contact_email = StringField(_l("Contact e-mail"), filters=[strip], validators=[Length(max=254)])
    report_language = SelectField(_l("Report language"), choices=[SelectChoice(v, LazyLabel(v)) for v in ("uk", "en", "de")],
                                  default="en")
    iati_ref = StringField(_l("IATI organisation identifier"), filters=[strip], validators=[Length(max=100)])


class AgreementForm(FlaskForm):
    partner_id = SelectField(_l("Partner"), coerce=int, validate_choice=False)
    kind = SelectField(_l("Kind"), choices=choices(AgreementKind), coerce=AgreementKind)
    number = StringField(_l("Number"), filters=[strip], validators=[DataRequired(), Length(max=100)])
    signed_on = DateField(_l("Signed on"), validators=[Optional()])
    title = StringField(_l("Title"), filters=[strip], validators=[Length(max=300)])
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_to = DateField(_l("Valid to"), validators=[Optional()])
    budget_amount = MoneyField(_l("Budget"), validators=[Optional()])
    budget_currency = UpperStringField(_l("Budget currency"), validators=[Optional(), Length(max=3)])
    ita_registration_number = StringField(_l("ITA registration number"), filters=[strip],
                                          validators=[Length(max=50)])
    ita_registered_on = DateField(_l("ITA registered on"), validators=[Optional()])
    budget_revenue_code = StringField(_l("Budget revenue code"), filters=[strip], validators=[Length(max=8)])
