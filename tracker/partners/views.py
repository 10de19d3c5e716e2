"""Pages for partners and agreements."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint
from wtforms import SelectChoice
from flask_babel import lazy_gettext as _l

from tracker.extensions import db
from tracker.models import Agreement, Partner
from tracker.money import format_money
from tracker.partners import service
from tracker.partners.forms import AgreementForm, PartnerForm
from tracker.web.access import Actor
from tracker.web.crud import Column, CrudPages
from tracker.web.labels import label

partners_bp = Blueprint("partners", __name__, url_prefix="/partners")
agreements_bp = Blueprint("agreements", __name__, url_prefix="/agreements")


def _partner_choices(form: Any, current: Actor) -> None:
    form.partner_id.choices = [
        SelectChoice(p.id, p.name) for p in db.session.scalars(
            sa.select(Partner).where(Partner.organization_id == current.org.id).order_by(Partner.name))
    ]


def _filter_agreements(query: sa.Select[Any], args: Any, current: Actor) -> sa.Select[Any]:
    partner_id = args.get("partner_id", type=int)
    if partner_id:
        query = query.where(Agreement.partner_id == partner_id)
    kind = args.get("kind")
    if kind:
        query = query.where(Agreement.kind == kind) if kind in {k.value for k in Agreement.kind.type.enum_class} \
            else query.where(sa.false())
    return query


def _partner_context(partner: Partner, current: Actor) -> dict[str, Any]:
    from tracker.delivery.views import partner_context as delivery_context

    return {"related_title": _l("Agreements"), "related": partner.agreements, "related_endpoint": "agreements.view",
            "related_create": ("agreements.create", {"partner_id": partner.id}),
            **delivery_context(partner, current)}


PARTNER_PAGES = CrudPages(
    name="partners",
    resource=service.PARTNER,
    form_class=PartnerForm,
    title=_l("Partner"),
    title_plural=_l("Partners"),
    columns=[
        Column("name", _l("Name")),
        Column("kind", _l("Kind"), lambda p: label(p.kind)),
        Column("country", _l("Country")),
        Column("city", _l("City")),
        Column("report_language", _l("Report language")),
    ],
    details=[
        Column("name", _l("Name")),
        Column("kind", _l("Kind"), lambda p: label(p.kind)),
        Column("country", _l("Country")),
        Column("city", _l("City")),
        Column("contact_name", _l("Contact person")),
        Column("contact_email", _l("Contact e-mail")),
        Column("report_language", _l("Report language"), lambda p: label(p.report_language)),
        Column("iati_ref", _l("IATI organisation identifier")),
    ],
    search=(Partner.name, Partner.city, Partner.country),
    order_by=(Partner.name,),
    extra_context=_partner_context,
)
PARTNER_PAGES.register(partners_bp)

AGREEMENT_DETAILS = [
    Column("partner", _l("Partner"), lambda a: a.partner.name),
    Column("kind", _l("Kind"), lambda a: label(a.kind)),
    Column("number", _l("Number")),
    Column("signed_on", _l("Signed on")),
    Column("title", _l("Title")),
    Column("valid_from", _l("Valid from")),
    Column("valid_to", _l("Valid to")),
    Column("budget", _l("Budget"), lambda a: format_money(a.budget_amount, a.budget_currency), numeric=True),
    Column("ita_registration_number", _l("ITA registration number")),
    Column("ita_registered_on", _l("ITA registered on")),
    Column("budget_revenue_code", _l("Budget revenue code")),
]

AGREEMENT_PAGES = CrudPages(
    name="agreements",
    resource=service.AGREEMENT,
    form_class=AgreementForm,
    title=_l("Agreement"),
    title_plural=_l("Agreements"),
    columns=[c for c in AGREEMENT_DETAILS if c.key in {"partner", "kind", "number", "signed_on", "title", "budget"}],
    details=AGREEMENT_DETAILS,
    search=(Agreement.number, Agreement.title),
    order_by=(Agreement.signed_on.desc(), Agreement.id),
    prepare_form=_partner_choices,
    filter_query=_filter_agreements,
    filter_template="agreements/_filters.html",
)
AGREEMENT_PAGES.register(agreements_bp)
