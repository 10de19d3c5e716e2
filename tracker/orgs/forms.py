"""Forms for the organization, its members and API tokens."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from tracker.models import OrgKind, Role
from tracker.web.forms import strip
from tracker.web.labels import choices


class OrganizationForm(FlaskForm):
    name_uk = StringField(_l("Name (Ukrainian)"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), filters=[strip], validators=[Length(max=200)])
    edrpou = StringField(_l("EDRPOU"), filters=[strip], validators=[DataRequired(), Length(max=8)])
    kind = SelectField(_l("Kind"), choices=choices(OrgKind), coerce=OrgKind)
    ha_register_entry = StringField(_l("HA recipients register entry"), filters=[strip],
                                    validators=[Length(max=100)])
    address = StringField(_l("Address"), filters=[strip], validators=[Length(max=300)])


class MemberForm(FlaskForm):
    email = StringField(_l("E-mail"), filters=[strip], validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Full name"), filters=[strip], validators=[Length(max=200)])
    role = SelectField(_l("Role"), choices=choices(Role), coerce=Role)
    password = PasswordField(_l("Password (for a new user)"), validators=[Optional(), Length(max=200)])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(Role), coerce=Role)


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[Length(max=100)])
    days = IntegerField(_l("Valid for days"), default=365, validators=[DataRequired(), NumberRange(1, 3650)])
