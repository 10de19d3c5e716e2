"""Demo data: Zhytomyr city council receiving aid from Dortmund, Lublin and a German agency,
with consignments at every stage (accepted, at customs, draft, technical assistance).

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
from tracker.models import AgreementKind, Category, IntendedUse, Organization, OrgKind, PartnerKind, Role, Unit
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
    load_consignments(council.id, users, dortmund.id, lublin.id, agency.id)
    return True


def _upload_folder() -> str | None:
    from flask import current_app, has_app_context

    return current_app.config.get("UPLOAD_FOLDER") if has_app_context() else None


def load_consignments(org_id: int, users: dict, dortmund_id: int, lublin_id: int, agency_id: int) -> None:
    """The consignments of the journeys (JOURNEYS.md 1, 3, 5), made through the services: the
    Dortmund convoy imported from its packing list, cleared on 14 November and accepted; a second
    Dortmund truck at customs with the donation letter missing; a draft from Lublin; laptops of a
    technical-assistance project accepted into the service centre's store."""
    from datetime import date as day

    from tracker.consignments import imports
    from tracker.consignments import service as consignments
    from tracker.customs import service as customs
    from tracker.models import (
        Agreement,
        AidType,
        ConsignmentStatus,
        DeclarationKind,
        DeclarationStatus,
        DocumentType,
        GoodsKind,
        Item,
        Origin,
        Warehouse,
    )
    from tracker.uploads import store_file

    olena = users["accountant"].id
    today = day.today()
    lookback = 4
    warehouses = {w.name: w.id for w in db.session.scalars(sa.select(Warehouse).where(
        Warehouse.organization_id == org_id))}
    items = {i.name: i.id for i in db.session.scalars(sa.select(Item).where(Item.organization_id == org_id))}
    agreements = {a.number: a.id for a in db.session.scalars(sa.select(Agreement).where(
        Agreement.organization_id == org_id))}
    doc_types = {t.code: t.id for t in db.session.scalars(sa.select(DocumentType).where(
        DocumentType.organization_id == org_id))}
    folder = _upload_folder()

    def file_documents(consignment, *codes: str) -> None:
        for code in codes:
            customs.add_document(org_id, olena, customs.DocumentData(
                document_type_id=doc_types[code], number=f"{code.upper()}-{consignment.number}",
                issuer="Stadt Dortmund" if code == "donation_letter" else ""), consignment=consignment)

    def move(consignment, to: ConsignmentStatus, on: day, user_id: int = olena) -> None:
        consignments.transition(consignment, user_id, consignments.TransitionData(to=to, on=on), today=today)

    # 1. The convoy from Dortmund: imported, cleared, accepted into "Central".
    convoy = consignments.create_consignment(org_id, olena, consignments.ConsignmentData(
        aid_type=AidType.humanitarian, origin=Origin.abroad, partner_id=dortmund_id, currency="EUR",
        valuation_on=day(2026, 11, 10), dispatched_on=day(2026, 11, 10), agreement_id=agreements["SP-2023-01"],
        warehouse_id=warehouses["Центральний склад"], declaration_code="ГД-2026-0412-001873",
        carrier="Spedition Westfalen GmbH", vehicle_plate="DO-HT 412", cmr_number="CMR 0412/2026",
        commission_members="Олена Бондар, бухгалтер\nОлег Кравчук, завідувач складу\nПетро Мельник, "
                           "начальник фінансового управління"))
    packing = resources.files("tracker.seed").joinpath("packing-list-dortmund.xlsx").read_bytes()
    stored = store_file(packing, folder) if folder else None
    chosen = {7: "Генератор бензиновий 5–6 кВт", 8: "Генератор дизельний 30 кВА", 9: "Аптечка першої допомоги",
              11: "Інсулін, шприц-ручка", 12: "Спальний мішок зимовий", 14: "Ноутбук"}
    lines = imports.import_packing_list(
        convoy, olena, packing, "packing-list-dortmund.xlsx",
        imports.ImportOptions(date_format="%d.%m.%Y", items={row: items[name] for row, name in chosen.items()}),
        lookback_days=lookback, stored=stored,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    serials = {1: "SN DO-GEN55-0001 … DO-GEN55-0010 (Anlage 1)", 2: "SN DG30-77120, DG30-77121",
               8: "SN LT15-2026-001 … LT15-2026-025 (Anlage 2)"}
    for line in lines:
        if line.position in serials:
            data = consignments.LineData(
                name=line.name, quantity=line.quantity, currency=line.currency, category_id=line.category_id,
                unit_id=line.unit_id, item_id=line.item_id, unit_value=line.unit_value,
                gross_weight_kg=line.gross_weight_kg, condition=line.condition, wear_percent=line.wear_percent,
                lot=line.lot, expiry_on=line.expiry_on, serial=serials[line.position], hs_code=line.hs_code,
                intended_use=line.intended_use, source=line.source)
            consignments.update_line(line, olena, data, lookback_days=lookback)
    move(convoy, ConsignmentStatus.in_transit, day(2026, 11, 10))
    move(convoy, ConsignmentStatus.at_customs, day(2026, 11, 13))
    declaration = customs.add_declaration(convoy, olena, customs.DeclarationData(
        kind=DeclarationKind.customs_declaration, number="UA205050/2026/012345", customs_office="Волинська митниця",
        checkpoint="Ягодин – Дорогуськ", duty_exempted_uah=Decimal("0.00"),
        vat_exempted_uah=Decimal("1149577.26")), today=today)
    customs.change_declaration_status(declaration, olena, DeclarationStatus.submitted, day(2026, 11, 13), today=today)
    customs.change_declaration_status(declaration, olena, DeclarationStatus.cleared, day(2026, 11, 14), today=today)
    file_documents(convoy, "ha_declaration", "donation_letter", "cmr", "quality_certificate")
    move(convoy, ConsignmentStatus.accepted, day(2026, 11, 17))

    # 2. A second truck from Dortmund, at customs; the donation letter has not arrived yet.
    truck = consignments.create_consignment(org_id, olena, consignments.ConsignmentData(
        aid_type=AidType.humanitarian, origin=Origin.abroad, partner_id=dortmund_id, currency="EUR",
        valuation_on=day(2026, 11, 23), dispatched_on=day(2026, 11, 23), agreement_id=agreements["SP-2023-01"],
        warehouse_id=warehouses["Центральний склад"], declaration_code="ГД-2026-0412-002011",
        carrier="Spedition Westfalen GmbH", vehicle_plate="DO-HT 415", cmr_number="CMR 0415/2026"))
    categories = {c.code: c.id for c in db.session.scalars(sa.select(Category).where(
        Category.organization_id == org_id))}
    units = {u.code: u.id for u in db.session.scalars(sa.select(Unit).where(Unit.organization_id == org_id))}
    for name, category, unit, quantity, value, hs in (
        ("Wolldecke / Wool blanket", "shelter", "pcs", "800", "12.5000", "630120"),
        ("Wasserkanister 20 l / Water canister", "other_goods", "pcs", "400", "6.8000", "392330"),
        ("Hygienepaket / Hygiene kit", "hygiene", "set", "500", "14.2000", "340111"),
    ):
        consignments.add_line(truck, olena, consignments.LineData(
            name=name, quantity=Decimal(quantity), currency="EUR", category_id=categories[category],
            unit_id=units[unit], unit_value=Decimal(value), hs_code=hs), lookback_days=lookback)
    move(truck, ConsignmentStatus.in_transit, day(2026, 11, 23))
    move(truck, ConsignmentStatus.at_customs, day(2026, 11, 25))
    pending = customs.add_declaration(truck, olena, customs.DeclarationData(
        kind=DeclarationKind.customs_declaration, number="UA205050/2026/013002", customs_office="Волинська митниця",
        checkpoint="Ягодин – Дорогуськ"), today=today)
    customs.change_declaration_status(pending, olena, DeclarationStatus.submitted, day(2026, 11, 25), today=today)
    file_documents(truck, "ha_declaration", "cmr", "packing_list")

    # 3. A draft from Lublin, imported from the partner's CSV.
    lublin_draft = consignments.create_consignment(org_id, olena, consignments.ConsignmentData(
        aid_type=AidType.humanitarian, origin=Origin.abroad, partner_id=lublin_id, currency="PLN",
        valuation_on=day(2026, 11, 24), agreement_id=agreements["LUB/2026/14"],
        warehouse_id=warehouses["Центральний склад"]))
    csv_list = resources.files("tracker.seed").joinpath("packing-list-lublin.csv").read_bytes()
    imports.import_packing_list(lublin_draft, olena, csv_list, "packing-list-lublin.csv", lookback_days=lookback,
                                stored=store_file(csv_list, folder) if folder else None, content_type="text/csv")

    # 4. Technical assistance: laptops bought by the project in Ukraine for the service centre (own use).
    laptops = consignments.create_consignment(org_id, olena, consignments.ConsignmentData(
        aid_type=AidType.technical, origin=Origin.domestic, goods_kind=GoodsKind.goods, partner_id=agency_id,
        currency="EUR", valuation_on=day(2026, 11, 20), agreement_id=agreements["ITA-DIGI-2026"],
        warehouse_id=warehouses["Склад ЦНАП"], commission_members="Світлана Лис\nОлена Бондар, бухгалтер"))
    consignments.add_line(laptops, olena, consignments.LineData(
        name="Ноутбук 14\" для ЦНАП", quantity=Decimal("25"), currency="EUR", item_id=items["Ноутбук"],
        unit_value=Decimal("742.0000"), serial="SN CNAP-NB-001 … CNAP-NB-025",
        intended_use=IntendedUse.own_use, hs_code="847130"), lookback_days=lookback)
    customs.add_document(org_id, olena, customs.DocumentData(
        document_type_id=doc_types["ita_registration"], number="4521-06", issued_on=day(2026, 4, 15),
        issuer="Секретаріат КМУ"), agreement=db.session.get(Agreement, agreements["ITA-DIGI-2026"]))
    move(laptops, ConsignmentStatus.accepted, day(2026, 11, 20))
