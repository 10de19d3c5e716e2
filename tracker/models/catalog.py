"""The catalogue (categories with their flags, units, items) and warehouses of an organization."""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.models.base import db, TenantMixin, TimestampMixin


class Category(TenantMixin, TimestampMixin, db.Model):
    """A goods category; its flags decide which line fields are required."""

    __table_args__ = (sa.UniqueConstraint("organization_id", "code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40))
    name_uk: so.Mapped[str] = so.mapped_column(sa.String(200))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    name_de: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: Lines need a lot and an expiry date (medicines, food).
    needs_expiry: so.Mapped[bool] = so.mapped_column(default=False)
    #: Lines need a serial number or VIN (vehicles, equipment).
    needs_serial: so.Mapped[bool] = so.mapped_column(default=False)
    #: Own-use items of this category are fixed assets by default (NP(S)BODS 121).
    fixed_asset_default: so.Mapped[bool] = so.mapped_column(default=False)
    #: Goods of this category are cash or services, not stock.
    non_stock: so.Mapped[bool] = so.mapped_column(default=False)

    def display_name(self, locale: str) -> str:
        return {"en": self.name_en, "de": self.name_de}.get(locale) or self.name_uk


class Unit(TenantMixin, TimestampMixin, db.Model):
    __table_args__ = (sa.UniqueConstraint("organization_id", "code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: Short code as printed on documents (pcs, kg, pack).
    code: so.Mapped[str] = so.mapped_column(sa.String(20))
    name_uk: so.Mapped[str] = so.mapped_column(sa.String(100))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(100), default="")

    def display_name(self, locale: str) -> str:
        return self.name_en if locale != "uk" and self.name_en else self.name_uk


class Item(TenantMixin, TimestampMixin, db.Model):
    __table_args__ = (sa.UniqueConstraint("organization_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    category_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("category.id"), index=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("unit.id"), index=True)
    #: HS / УКТ ЗЕД code: 4 to 10 digits, stored without spaces.
    hs_code: so.Mapped[str] = so.mapped_column(sa.String(10), default="")
    description: so.Mapped[str] = so.mapped_column(sa.String(500), default="")

    category: so.Mapped[Category] = so.relationship(lazy="joined")
    unit: so.Mapped[Unit] = so.relationship(lazy="joined")


class Warehouse(TenantMixin, TimestampMixin, db.Model):
    __table_args__ = (sa.UniqueConstraint("organization_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    address: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    responsible_person: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
