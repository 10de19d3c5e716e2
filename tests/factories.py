"""Test data through the real services (CKAN's way): plain functions with keyword overrides."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from tracker import crud
from tracker.catalog import service as catalog
from tracker.extensions import db
from tracker.models import Category, Organization, OrgKind, PartnerKind, Role, Unit, User
from tracker.orgs import service as orgs
from tracker.partners import service as partners

PASSWORD = "correct-horse-42"
ORG_CODES = ["04053625", "01990016", "05361429", "33456780", "26001110", "44123453"]


def make_org(edrpou: str = "04053625", **over: Any) -> Organization:
    values = {"name_uk": f"Організація {edrpou}", "name_en": f"Organization {edrpou}", "edrpou": edrpou,
              "kind": OrgKind.council} | over
    return orgs.create_organization(orgs.OrganizationData(**values))


def make_user(org: Organization, role: Role | str, email: str | None = None, **over: Any) -> User:
    role = Role(role)
    email = email or f"{role.value}@org{org.edrpou}.example.org"
    user = orgs.user_by_email(email) or orgs.create_user(orgs.UserData(email=email, **over), PASSWORD, min_length=10)
    orgs.add_membership(org.id, user, role)
    return user


def make_partner(org: Organization, **over: Any):
    values = {"name": "Stadt Dortmund", "kind": PartnerKind.municipality, "country": "DE", "city": "Dortmund",
              "report_language": "de"} | over
    return crud.create(partners.PARTNER, org.id, None, partners.PartnerData(**values))


def make_agreement(org: Organization, partner, **over: Any):
    values = {"partner_id": partner.id, "kind": "partnership", "number": "SP-1", "signed_on": date(2023, 2, 23)} | over
    from tracker.models import AgreementKind

    values["kind"] = AgreementKind(values["kind"])
    return crud.create(partners.AGREEMENT, org.id, None, partners.AgreementData(**values))


def category(org: Organization, code: str) -> Category:
    return db.session.scalar(sa.select(Category).where(Category.organization_id == org.id, Category.code == code))


def unit(org: Organization, code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.organization_id == org.id, Unit.code == code))


def make_item(org: Organization, name: str = "Генератор 5 кВт", category_code: str = "generators",
              unit_code: str = "pcs", **over: Any):
    values = {"name": name, "category_id": category(org, category_code).id, "unit_id": unit(org, unit_code).id,
              "hs_code": "850220"} | over
    return crud.create(catalog.ITEM, org.id, None, catalog.ItemData(**values))


def make_warehouse(org: Organization, name: str = "Центральний склад", **over: Any):
    return crud.create(catalog.WAREHOUSE, org.id, None, catalog.WarehouseData(name=name, **over))


@dataclass
class World:
    org: Organization
    other: Organization
    users: dict[str, User] = field(default_factory=dict)
    other_users: dict[str, User] = field(default_factory=dict)
    partner: Any = None
    other_partner: Any = None


def make_world() -> World:
    org = make_org("04053625")
    other = make_org("01990016", kind=OrgKind.communal_enterprise)
    world = World(org=org, other=other)
    for role in Role:
        world.users[role.value] = make_user(org, role)
        world.other_users[role.value] = make_user(other, role)
    world.partner = make_partner(org)
    world.other_partner = make_partner(other, name="Miasto Lublin", country="PL", report_language="en")
    db.session.flush()
    return world


def token_for(user: User, org: Organization, days: int = 30) -> str:
    _token, raw = orgs.create_token(user, org.id, days=days)
    return raw


def D(text: str) -> Decimal:
    return Decimal(text)
