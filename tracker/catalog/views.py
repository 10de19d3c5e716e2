"""Pages for the catalogue (categories, units, items) and warehouses."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint
from wtforms import SelectChoice
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from tracker.catalog import service
from tracker.catalog.forms import CategoryForm, ItemForm, UnitForm, WarehouseForm
from tracker.extensions import db
from tracker.models import Category, Item, Unit, Warehouse
from tracker.web.access import Actor
from tracker.web.crud import Column, CrudPages

categories_bp = Blueprint("categories", __name__, url_prefix="/catalog/categories")
units_bp = Blueprint("units", __name__, url_prefix="/catalog/units")
items_bp = Blueprint("items", __name__, url_prefix="/catalog/items")
warehouses_bp = Blueprint("warehouses", __name__, url_prefix="/warehouses")


def _yes(value: bool) -> str:
    return "✓" if value else ""


def _locale() -> str:
    return str(get_locale())


CATEGORY_COLUMNS = [
    Column("code", _l("Code")),
    Column("name", _l("Name"), lambda c: c.display_name(_locale())),
    Column("needs_expiry", _l("Lot and expiry"), lambda c: _yes(c.needs_expiry)),
    Column("needs_serial", _l("Serial / VIN"), lambda c: _yes(c.needs_serial)),
    Column("fixed_asset_default", _l("Fixed asset"), lambda c: _yes(c.fixed_asset_default)),
    Column("non_stock", _l("Not stock"), lambda c: _yes(c.non_stock)),
]

CATEGORY_PAGES = CrudPages(
    name="categories", resource=service.CATEGORY, form_class=CategoryForm,
    title=_l("Category"), title_plural=_l("Categories"),
    columns=CATEGORY_COLUMNS,
    details=[Column("name_uk", _l("Name (Ukrainian)")), Column("name_en", _l("Name (English)")),
             Column("name_de", _l("Name (German)")), *CATEGORY_COLUMNS[:1], *CATEGORY_COLUMNS[2:]],
    search=(Category.code, Category.name_uk, Category.name_en),
    order_by=(Category.code,),
    label_of=lambda c: c.code,
)
CATEGORY_PAGES.register(categories_bp)

UNIT_PAGES = CrudPages(
    name="units", resource=service.UNIT, form_class=UnitForm,
    title=_l("Unit"), title_plural=_l("Units"),
    columns=[Column("code", _l("Code")), Column("name_uk", _l("Name (Ukrainian)")),
             Column("name_en", _l("Name (English)"))],
    search=(Unit.code, Unit.name_uk, Unit.name_en),
    order_by=(Unit.code,),
    label_of=lambda u: u.code,
)
UNIT_PAGES.register(units_bp)


def _item_choices(form: Any, current: Actor) -> None:
    locale = _locale()
    form.category_id.choices = [
        SelectChoice(c.id, c.display_name(locale)) for c in db.session.scalars(
            sa.select(Category).where(Category.organization_id == current.org.id).order_by(Category.code))
    ]
    form.unit_id.choices = [
        SelectChoice(u.id, u.display_name(locale)) for u in db.session.scalars(
            sa.select(Unit).where(Unit.organization_id == current.org.id).order_by(Unit.code))
    ]


def _filter_items(query: sa.Select[Any], args: Any, current: Actor) -> sa.Select[Any]:
    category_id = args.get("category_id", type=int)
    return query.where(Item.category_id == category_id) if category_id else query


ITEM_COLUMNS = [
    Column("name", _l("Name")),
    Column("category", _l("Category"), lambda i: i.category.display_name(_locale())),
    Column("unit", _l("Unit"), lambda i: i.unit.display_name(_locale())),
    Column("hs_code", _l("HS/UKTZED code")),
]

ITEM_PAGES = CrudPages(
    name="items", resource=service.ITEM, form_class=ItemForm,
    title=_l("Item"), title_plural=_l("Catalogue items"),
    columns=ITEM_COLUMNS,
    details=[*ITEM_COLUMNS, Column("description", _l("Description"))],
    search=(Item.name, Item.hs_code),
    order_by=(Item.name,),
    prepare_form=_item_choices,
    filter_query=_filter_items,
    label_of=lambda i: i.name,
)
ITEM_PAGES.register(items_bp)

WAREHOUSE_COLUMNS = [Column("name", _l("Name")), Column("address", _l("Address")),
                     Column("responsible_person", _l("Responsible person"))]
WAREHOUSE_PAGES = CrudPages(
    name="warehouses", resource=service.WAREHOUSE, form_class=WarehouseForm,
    title=_l("Warehouse"), title_plural=_l("Warehouses"),
    columns=WAREHOUSE_COLUMNS, details=WAREHOUSE_COLUMNS,
    search=(Warehouse.name, Warehouse.address),
    order_by=(Warehouse.name,),
    label_of=lambda w: w.name,
)
WAREHOUSE_PAGES.register(warehouses_bp)
