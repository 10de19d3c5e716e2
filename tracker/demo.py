"""Demo data: Zhytomyr city council receiving aid from Dortmund, Lublin and a German agency.

Loaded once by ``flask tracker demo`` (and by ``make run``); running it again changes nothing.
All objects are created through the real services, so the demo obeys every rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources

import sqlalchemy as sa

from tracker import crud
from tracker.catalog import service as catalog
from tracker.extensions import db
from tracker.models import AgreementKind, Category, Organization, OrgKind, PartnerKind, Role, Unit
from tracker.orgs import service as orgs
from tracker.partners import service as partners
from tracker.rates import service as rates

DEMO_EDRPOU = "04053625"
DEMO_PASSWORD = "demo-password-2026"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    name: str


DEMO_USERS = (
    DemoLogin("admin@zhytomyr.demo", "admin", "Андрій Коваль"),
    DemoLogin("olena@zhytomyr.demo", "accountant", "Олена Бондар"),
    DemoLogin("petro@zhytomyr.demo", "finance_head", "Петро Мельник"),
    DemoLogin("iryna@audit.demo", "auditor", "Ірина Савчук"),
)

ITEMS = (
    ("Генератор бензиновий 5–6 кВт", "generators", "pcs", "850220"),
    ("Генератор дизельний 30 кВА", "generators", "pcs", "850212"),
    ("Аптечка першої допомоги", "medical_supplies", "pcs", "300650"),
    ("Інсулін, шприц-ручка", "medicines", "pcs", "300431"),
    ("Спальний мішок зимовий", "shelter", "pcs", "940440"),
    ("Ноутбук", "it_equipment", "pcs", "847130"),
    ("Ковдра термічна", "shelter", "pcs", "630790"),
    ("Парацетамол 500 мг, уп. 20 таб.", "medicines", "pack", "300490"),
    ("Ліхтар налобний LED", "other_goods", "pcs", "851310"),
)


def demo_loaded() -> bool:
    return db.session.scalar(sa.select(Organization.id).where(Organization.edrpou == DEMO_EDRPOU)) is not None


def load_demo(password: str = DEMO_PASSWORD) -> bool:
    """Create the demo organizations, users, partners, agreements, catalogue and rates.

    Returns False (and changes nothing) when the demo is already there.
    """
    if demo_loaded():
        return False
    council = orgs.create_organization(orgs.OrganizationData(
        name_uk="Житомирська міська рада", name_en="Zhytomyr City Council", edrpou=DEMO_EDRPOU,
        kind=OrgKind.council, ha_register_entry="ГД-0412", address="м. Житомир, майдан Корольова, 4/2"))
    hospital = orgs.create_organization(orgs.OrganizationData(
        name_uk="КНП «Лікарня № 1» Житомирської міської ради", name_en="City Hospital No. 1",
        edrpou="01990016", kind=OrgKind.communal_enterprise, address="м. Житомир, вул. Червоного Хреста, 3"))
    school = orgs.create_organization(orgs.OrganizationData(
        name_uk="Житомирський ліцей № 25", name_en="Zhytomyr Lyceum No. 25", edrpou="05361429",
        kind=OrgKind.budget_institution, address="м. Житомир, вул. Шевченка, 12"))

    users = {}
    for login in DEMO_USERS:
        user = orgs.create_user(orgs.UserData(email=login.email, name=login.name), password, min_length=10)
        orgs.add_membership(council.id, user, Role(login.role))
        users[login.role] = user
    orgs.add_membership(hospital.id, users["finance_head"], Role.finance_head)
    orgs.add_membership(hospital.id, users["admin"], Role.admin)
    orgs.add_membership(school.id, users["admin"], Role.admin)

    actor_id = users["admin"].id
    dortmund = crud.create(partners.PARTNER, council.id, actor_id, partners.PartnerData(
        name="Stadt Dortmund", kind=PartnerKind.municipality, country="DE", city="Dortmund",
        contact_name="Julia Becker", contact_email="partnerschaft@dortmund.example", report_language="de"))
    lublin = crud.create(partners.PARTNER, council.id, actor_id, partners.PartnerData(
        name="Miasto Lublin", kind=PartnerKind.municipality, country="PL", city="Lublin",
        contact_name="Anna Nowak", contact_email="wspolpraca@lublin.example", report_language="en"))
    agency = crud.create(partners.PARTNER, council.id, actor_id, partners.PartnerData(
        name="Deutsche Entwicklungsagentur (Projekt Verwaltung digital)", kind=PartnerKind.government, country="DE",
        city="Bonn", contact_name="Markus Klein", contact_email="projekt@agency.example", report_language="de"))
    crud.create(partners.AGREEMENT, council.id, actor_id, partners.AgreementData(
        partner_id=dortmund.id, kind=AgreementKind.partnership, number="SP-2023-01", signed_on=date(2023, 2, 23),
        title="Solidaritätspartnerschaft Dortmund – Schytomyr", valid_from=date(2023, 2, 23)))
    crud.create(partners.AGREEMENT, council.id, actor_id, partners.AgreementData(
        partner_id=lublin.id, kind=AgreementKind.donation, number="LUB/2026/14", signed_on=date(2026, 10, 2),
        title="Darowizna: wyposażenie na zimę", budget_amount=Decimal("60000.00"), budget_currency="PLN"))
    crud.create(partners.AGREEMENT, council.id, actor_id, partners.AgreementData(
        partner_id=agency.id, kind=AgreementKind.technical_assistance, number="ITA-DIGI-2026",
        signed_on=date(2026, 3, 1), title="ЦНАП: цифрові послуги", valid_from=date(2026, 3, 1),
        valid_to=date(2027, 12, 31), budget_amount=Decimal("250000.00"), budget_currency="EUR",
        ita_registration_number="4521-06", ita_registered_on=date(2026, 4, 15)))

    # Journey 3: Dortmund gets its monthly summary in German, Lublin its own in English.
    from tracker.delivery import service as delivery

    delivery.create_recipient(council.id, actor_id, dortmund.id, delivery.RecipientData(
        "Julia Becker", "partnerschaft@dortmund.example", "de"))
    delivery.create_recipient(council.id, actor_id, lublin.id, delivery.RecipientData(
        "Anna Nowak", "wspolpraca@lublin.example", "en"))
    for partner in (dortmund, lublin):
        delivery.set_frequency(council.id, actor_id, partner.id, "monthly")

    categories = {c.code: c.id for c in db.session.scalars(sa.select(Category).where(
        Category.organization_id == council.id))}
    units = {u.code: u.id for u in db.session.scalars(sa.select(Unit).where(Unit.organization_id == council.id))}
    for name, category, unit, hs_code in ITEMS:
        crud.create(catalog.ITEM, council.id, actor_id, catalog.ItemData(
            name=name, category_id=categories[category], unit_id=units[unit], hs_code=hs_code))
    for org_id, name, address, person in (
        (council.id, "Центральний склад", "м. Житомир, вул. Промислова, 7", "Олег Кравчук"),
        (council.id, "Склад ЦНАП", "м. Житомир, вул. Київська, 1", "Світлана Лис"),
        (hospital.id, "Аптечний склад лікарні", "м. Житомир, вул. Червоного Хреста, 3", "Марія Гнатюк"),
    ):
        crud.create(catalog.WAREHOUSE, org_id, actor_id, catalog.WarehouseData(
            name=name, address=address, responsible_person=person))

    sample = resources.files("tracker.seed").joinpath("nbu-rates-sample.json").read_bytes()
    rates.import_rates(sample, actor_id, council.id)
    return True
