"""The catalogue (categories, units, items) and warehouses: rules and the seed every org starts with."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from tracker import crud
from tracker.errors import NotFound
from tracker.extensions import db
from tracker.models import Category, Item, Unit, Warehouse
from tracker.scoping import get_scoped
from tracker.validators import Errors, check_hs_code, check_length, check_required


@dataclass(frozen=True)
class CategoryData:
    code: str
    name_uk: str
    name_en: str = ""
    name_de: str = ""
    needs_expiry: bool = False
    needs_serial: bool = False
    fixed_asset_default: bool = False
    non_stock: bool = False


def validate_category(data: CategoryData, organization_id: int, existing: Category | None) -> Errors:
    errors = Errors()
    errors.add("code", check_required(data.code) or check_length(data.code, 40))
    if data.code and not data.code.replace("_", "").replace("-", "").isalnum():
        errors.add("code", _("Use letters, digits, - and _ only."))
    errors.add("name_uk", check_required(data.name_uk) or check_length(data.name_uk, 200))
    errors.add("name_en", check_length(data.name_en, 200))
    errors.add("name_de", check_length(data.name_de, 200))
    return errors


CATEGORY = crud.Resource(Category, CategoryData, validate_category, unique=("code",))


@dataclass(frozen=True)
class UnitData:
    code: str
    name_uk: str
    name_en: str = ""


def validate_unit(data: UnitData, organization_id: int, existing: Unit | None) -> Errors:
    errors = Errors()
    errors.add("code", check_required(data.code) or check_length(data.code, 20))
    errors.add("name_uk", check_required(data.name_uk) or check_length(data.name_uk, 100))
    errors.add("name_en", check_length(data.name_en, 100))
    return errors


UNIT = crud.Resource(Unit, UnitData, validate_unit, unique=("code",))


@dataclass(frozen=True)
class ItemData:
    name: str
    category_id: int
    unit_id: int
    hs_code: str = ""
    description: str = ""


def validate_item(data: ItemData, organization_id: int, existing: Item | None) -> Errors:
    errors = Errors()
    errors.add("name", check_required(data.name) or check_length(data.name, 200))
    for field, model, message in (
        ("category_id", Category, _("Choose a category of your organization.")),
        ("unit_id", Unit, _("Choose a unit of your organization.")),
    ):
        try:
            get_scoped(model, getattr(data, field), organization_id)
        except NotFound:
            errors.add(field, message)
    errors.add("hs_code", check_hs_code(data.hs_code))
    errors.add("description", check_length(data.description, 500))
    return errors


ITEM = crud.Resource(Item, ItemData, validate_item, unique=("name",))


@dataclass(frozen=True)
class WarehouseData:
    name: str
    address: str = ""
    responsible_person: str = ""


def validate_warehouse(data: WarehouseData, organization_id: int, existing: Warehouse | None) -> Errors:
    errors = Errors()
    errors.add("name", check_required(data.name) or check_length(data.name, 200))
    errors.add("address", check_length(data.address, 300))
    errors.add("responsible_person", check_length(data.responsible_person, 200))
    return errors


WAREHOUSE = crud.Resource(Warehouse, WarehouseData, validate_warehouse, unique=("name",))


#: Categories every organization starts with (DESIGN.md §2, DOMAIN.md §2 and §7):
#: code, uk, en, de, needs_expiry, needs_serial, fixed_asset_default, non_stock.
SEED_CATEGORIES: tuple[tuple[str, str, str, str, bool, bool, bool, bool], ...] = (
    ("medicines", "Лікарські засоби", "Medicines", "Arzneimittel", True, False, False, False),
    ("medical_supplies", "Медичні вироби", "Medical supplies", "Medizinprodukte", True, False, False, False),
    ("medical_equipment", "Медичне обладнання", "Medical equipment", "Medizinische Geräte", False, True, True, False),
    ("food", "Продукти харчування", "Food", "Lebensmittel", True, False, False, False),
    ("generators", "Генератори та енергообладнання", "Generators and power equipment",
     "Stromerzeuger und Energietechnik", False, True, True, False),
    ("vehicles", "Транспортні засоби", "Vehicles", "Fahrzeuge", False, True, True, False),
    ("it_equipment", "Комп'ютерна техніка", "IT equipment", "IT-Ausstattung", False, True, True, False),
    ("equipment", "Інше обладнання", "Other equipment", "Sonstige Ausrüstung", False, False, True, False),
    ("clothing", "Одяг і взуття", "Clothing and footwear", "Kleidung und Schuhe", False, False, False, False),
    ("shelter", "Спальне приладдя та укриття", "Bedding and shelter", "Schlafsäcke und Notunterkunft",
     False, False, False, False),
    ("hygiene", "Засоби гігієни", "Hygiene products", "Hygieneartikel", False, False, False, False),
    ("construction", "Будівельні матеріали", "Construction materials", "Baumaterial", False, False, False, False),
    ("fuel", "Пальне", "Fuel", "Kraftstoff", False, False, False, False),
    ("other_goods", "Інші товари", "Other goods", "Sonstige Waren", False, False, False, False),
    ("services", "Послуги", "Services", "Dienstleistungen", False, False, False, True),
    ("cash", "Грошові кошти", "Cash", "Geldmittel", False, False, False, True),
)

#: Units every organization starts with: code, uk, en.
SEED_UNITS: tuple[tuple[str, str, str], ...] = (
    ("pcs", "шт.", "pcs"),
    ("pack", "уп.", "pack"),
    ("set", "компл.", "set"),
    ("box", "ящ.", "box"),
    ("pair", "пара", "pair"),
    ("kg", "кг", "kg"),
    ("t", "т", "t"),
    ("l", "л", "l"),
    ("m", "м", "m"),
    ("m2", "м²", "m²"),
    ("m3", "м³", "m³"),
    ("service", "послуга", "service"),
)


def seed_catalogue(organization_id: int) -> None:
    """Give a new organization the standard categories and units (skips codes it already has)."""
    have_categories = set(db.session.scalars(db.select(Category.code).where(Category.organization_id == organization_id)))
    for code, uk, en, de, expiry, serial, fixed, non_stock in SEED_CATEGORIES:
        if code not in have_categories:
            db.session.add(Category(organization_id=organization_id, code=code, name_uk=uk, name_en=en, name_de=de,
                                    needs_expiry=expiry, needs_serial=serial, fixed_asset_default=fixed,
                                    non_stock=non_stock))
    have_units = set(db.session.scalars(db.select(Unit.code).where(Unit.organization_id == organization_id)))
    for code, uk, en in SEED_UNITS:
        if code not in have_units:
            db.session.add(Unit(organization_id=organization_id, code=code, name_uk=uk, name_en=en))
    db.session.flush()
