"""The audit page's filter form (GET, no CSRF: it changes nothing)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError


def optional_int(value: object) -> int | None:
    return None if value in ("", None) else int(value)  # type: ignore[call-overload]


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    user_id = SelectField(_l("User"), coerce=optional_int, validate_choice=False, validators=[Optional()])
    action = SelectField(_l("Action"), validate_choice=False, validators=[Optional(), Length(max=50)])
    object_type = StringField(_l("Object type"), validators=[Optional(), Length(max=50)])
    object_id = StringField(_l("Object id"), validators=[Optional(), Length(max=50)])
    date_from = DateField(_l("From"), name="from", validators=[Optional()])
    date_to = DateField(_l("To"), name="to", validators=[Optional()])

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The period ends before it starts."))
