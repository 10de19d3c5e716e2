"""Forms of the donor-report page: which report (GET) and its narrative and photos (POST)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional

from tracker.donor.service import LANGUAGES, MAX_NARRATIVE
from tracker.reports.forms import _optional_int, _optional_text
from tracker.web.labels import LazyLabel


class DonorReportChoiceForm(FlaskForm):
    """Partner or agreement, period and language; the names are the report's query parameters."""

    class Meta:
        csrf = False  # a GET form that only chooses what to show

    partner_id = SelectField(_l("Partner"), coerce=_optional_int, validate_choice=False)
    agreement_id = SelectField(_l("Agreement"), coerce=_optional_int, validate_choice=False)
    date_from = DateField(_l("From"), validators=[Optional()], name="from")
    date_to = DateField(_l("To"), validators=[Optional()], name="to")
    lang = SelectField(_l("Language of the report"), coerce=_optional_text, validate_choice=False)

    def set_choices(self, partners: list[Any], agreements: list[Any]) -> None:
        self.partner_id.choices = [SelectChoice("", "—")] + [SelectChoice(str(p.id), p.name) for p in partners]
        self.agreement_id.choices = [SelectChoice("", _l("All agreements"))] + [
            SelectChoice(str(a.id), f"{a.partner.name}: {a}") for a in agreements]
        self.lang.choices = [SelectChoice("", _l("The partner's report language"))] + [
            SelectChoice(code, LazyLabel(code)) for code in LANGUAGES]


class DonorNarrativeForm(FlaskForm):
    """The narrative in one language and the photos of one donor report."""

    partner_id = HiddenField()
    agreement_id = HiddenField()
    period_start = HiddenField()
    period_end = HiddenField()
    language = HiddenField()
    narrative = TextAreaField(_l("Narrative report"), validators=[Length(max=MAX_NARRATIVE)],
                              render_kw={"rows": 14})
    photos = SelectMultipleField(_l("Photos"), coerce=_optional_int, validate_choice=False)
