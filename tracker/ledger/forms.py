"""Forms of the books: manual entries, period changes, accounts and posting rules (shapes only)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FieldList, Form, FormField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from tracker.models import AccountKind, AidType, IntendedUse
from tracker.models.ledger import RULE_EVENTS
from tracker.stock.forms import coerce_optional_int, optional_choices
from tracker.web.fields import MoneyField
from tracker.web.labels import choices


class ManualLineForm(Form):
    account_id = SelectField(_l("Account"), coerce=coerce_optional_int, validators=[Optional()],
                             validate_choice=False)
    debit = MoneyField(_l("Debit"), validators=[Optional()])
    credit = MoneyField(_l("Credit"), validators=[Optional()])
    memo = StringField(_l("Memo"), validators=[Optional(), Length(max=300)])


class ManualEntryForm(FlaskForm):
    on = DateField(_l("Date"), validators=[DataRequired()])
    description = StringField(_l("Description"), validators=[DataRequired(), Length(max=500)])
    lines = FieldList(FormField(ManualLineForm), min_entries=4)


class ReverseEntryForm(FlaskForm):
    reason = StringField(_l("Reason for the reversal"), validators=[DataRequired(), Length(max=300)])
    on = DateField(_l("Date of the reversal"), validators=[Optional()])


class PeriodForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class AccountForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])
    name_uk = StringField(_l("Name (Ukrainian)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=choices(AccountKind), validators=[DataRequired()])
    holds_stock = BooleanField(_l("Holds stock (must equal the stock value)"))
    confirmed = BooleanField(_l("Confirmed by the chief accountant (otherwise ⚠)"))
    note = StringField(_l("Source or caveat"), validators=[Optional(), Length(max=300)])
    active = BooleanField(_l("Open for postings"), default=True)


class RuleForm(FlaskForm):
    event = SelectField(_l("Event"), choices=[], validators=[DataRequired()])
    aid_type = SelectField(_l("Aid type"), choices=optional_choices(AidType), validators=[Optional()])
    intended_use = SelectField(_l("Intended use"), choices=optional_choices(IntendedUse), validators=[Optional()])
    category_code = SelectField(_l("Category"), choices=[], validators=[Optional()], validate_choice=False)
    debit_account_id = SelectField(_l("Debit account"), coerce=coerce_optional_int, validators=[Optional()],
                                   validate_choice=False)
    credit_account_id = SelectField(_l("Credit account"), coerce=coerce_optional_int, validators=[Optional()],
                                    validate_choice=False)
    note = StringField(_l("Basis"), validators=[Optional(), Length(max=300)])


#: Events that a rule can book, in their natural order.
RULE_EVENT_VALUES = [e.value for e in RULE_EVENTS]
