"""Partners, agreements, catalogue and warehouses through the generic master-data operations."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests import factories
from tracker import crud
from tracker.catalog import service as catalog
from tracker.errors import Conflict, ValidationFailed
from tracker.models import AgreementKind, PartnerKind
from tracker.partners import service


def test_partner_rules(app):
    org = factories.make_org()
    with pytest.raises(ValidationFailed) as exc:
        crud.create(service.PARTNER, org.id, None, service.PartnerData(
            name="", kind=PartnerKind.ngo, country="XX", contact_email="nope", report_language="fr"))
    assert set(exc.value.errors) == {"name", "country", "contact_email", "report_language"}
    factories.make_partner(org)
    with pytest.raises(ValidationFailed) as dup:
        factories.make_partner(org)
    assert "name" in dup.value.errors


def test_same_partner_name_in_two_organizations_is_fine(app):
    factories.make_partner(factories.make_org("04053625"))
    factories.make_partner(factories.make_org("01990016"))


def test_agreement_rules(app):
    org = factories.make_org()
    other = factories.make_org("01990016")
    partner = factories.make_partner(org)
    foreign = factories.make_partner(other)
    with pytest.raises(ValidationFailed) as exc:
        factories.make_agreement(org, foreign)
    assert "partner_id" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        factories.make_agreement(org, partner, budget_amount=Decimal("100.001"), budget_currency="EUR")
    assert "budget_amount" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        factories.make_agreement(org, partner, budget_amount=Decimal("100.50"), budget_currency="JPY")
    assert "budget_amount" in exc.value.errors  # JPY has no minor units
    with pytest.raises(ValidationFailed) as exc:
        factories.make_agreement(org, partner, budget_amount=Decimal("5"), budget_currency="ABC")
    assert "budget_currency" in exc.value.errors
    from datetime import date

    with pytest.raises(ValidationFailed) as exc:
        factories.make_agreement(org, partner, valid_from=date(2026, 5, 1), valid_to=date(2026, 4, 1))
    assert "valid_to" in exc.value.errors
    agreement = factories.make_agreement(org, partner, kind=AgreementKind.technical_assistance.value,
                                         ita_registration_number="4521-06", ita_registered_on=date(2026, 4, 15),
                                         budget_amount=Decimal("250000.00"), budget_currency="EUR")
    assert agreement.budget_amount == Decimal("250000.00")
    with pytest.raises(ValidationFailed) as exc:
        factories.make_agreement(org, partner, kind=AgreementKind.technical_assistance.value,
                                 ita_registration_number="4521-06")
    assert "number" in exc.value.errors  # SP-1 twice for one partner


def test_referenced_rows_cannot_be_deleted(app):
    org = factories.make_org()
    partner = factories.make_partner(org)
    factories.make_agreement(org, partner)
    with pytest.raises(Conflict) as exc:
        crud.delete(partner, None)
    assert "угоди (1)" in exc.value.message  # names what refers to it, in the user's language
    category = factories.category(org, "generators")
    factories.make_item(org)
    with pytest.raises(Conflict):
        crud.delete(category, None)
    warehouse = factories.make_warehouse(org)
    crud.delete(warehouse, None)


def test_item_must_use_own_catalogue_and_valid_hs_code(app):
    org = factories.make_org()
    other = factories.make_org("01990016")
    with pytest.raises(ValidationFailed) as exc:
        crud.create(catalog.ITEM, org.id, None, catalog.ItemData(
            name="X", category_id=factories.category(other, "food").id, unit_id=factories.unit(org, "kg").id,
            hs_code="85A"))
    assert set(exc.value.errors) == {"category_id", "hs_code"}


def test_update_audits_before_and_after(app):
    from tracker.extensions import db
    from tracker.models import AuditEvent
    import sqlalchemy as sa

    org = factories.make_org()
    partner = factories.make_partner(org)
    crud.update(service.PARTNER, partner, None, service.PartnerData(
        name="Stadt Dortmund", kind=PartnerKind.municipality, country="DE", city="Dortmund (NRW)",
        report_language="de"))
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "update"))
    assert event.before["city"] == "Dortmund" and event.after["city"] == "Dortmund (NRW)"
