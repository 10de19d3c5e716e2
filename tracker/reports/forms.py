"""The report filter form of the reports page (GET; shape only — the dataset checks the rules:
period order, ids of the organization)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional

from tracker.models import AidType
from tracker.web.labels import LazyLabel


def _optional_int(value: Any) -> int | None:
    """"" → None; digits → int; anything else is a form error (coerce raises ValueError)."""
    if value in (None, ""):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.isdigit() or len(text) > 9:
        raise ValueError(_l("Choose one of the listed values."))
    return int(text)


def _optional_text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


class ReportFilterForm(FlaskForm):
    """Period and filters; the field names are the API's query parameters (``from``, ``to``,
    ``partner_id`` …). Ids are not limited to the listed choices, so that another
    organization's id reaches the dataset and answers 404 like everywhere else."""

    class Meta:
        csrf = False  # a GET form that changes nothing (the export is audited, not a change)

    date_from = DateField(_l("From"), validators=[Optional()], name="from")
    date_to = DateField(_l("To"), validators=[Optional()], name="to")
    partner_id = SelectField(_l("Partner"), coerce=_optional_int, validate_choice=False)
    agreement_id = SelectField(_l("Agreement"), coerce=_optional_int, validate_choice=False)
    aid_type = SelectField(_l("Aid type"), coerce=_optional_text, validate_choice=False)
    warehouse_id = SelectField(_l("Warehouse"), coerce=_optional_int, validate_choice=False)
    lang = SelectField(_l("Language of the headers"), coerce=_optional_text, validate_choice=False)

    def set_choices(self, partners: list[Any], agreements: list[Any], warehouses: list[Any],
                    languages: tuple[str, ...]) -> None:
        every = SelectChoice("", _l("All"))
        self.partner_id.choices = [every] + [SelectChoice(str(p.id), p.name) for p in partners]
        self.agreement_id.choices = [every] + [SelectChoice(str(a.id), f"{a.partner.name}: {a}") for a in agreements]
        self.aid_type.choices = [every] + [SelectChoice(t.value, LazyLabel(t.value)) for t in AidType]
        self.warehouse_id.choices = [every] + [SelectChoice(str(w.id), w.name) for w in warehouses]
        self.lang.choices = [SelectChoice(code, LazyLabel(code)) for code in languages]
