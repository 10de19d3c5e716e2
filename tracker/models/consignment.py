"""Consignments of incoming aid, their lines (the lots of the stock ledger), their timeline, the
per-organization number counter and the remembered partner item names."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.models.base import TenantMixin, TimestampMixin, UTCDateTime, db, str_enum, utcnow
from tracker.models.types import Money, Qty, Rate, UnitValue

if TYPE_CHECKING:
    from tracker.models.catalog import Category, Item, Unit, Warehouse
    from tracker.models.customs import CustomsDeclaration, Document
    from tracker.models.partner import Agreement, Partner


class AidType(enum.StrEnum):
    humanitarian = "humanitarian"
    technical = "technical"
    charitable = "charitable"
    grant = "grant"


class Origin(enum.StrEnum):
    abroad = "abroad"
    domestic = "domestic"


class GoodsKind(enum.StrEnum):
    goods = "goods"
    services = "services"
    cash = "cash"


class ConsignmentStatus(enum.StrEnum):
    draft = "draft"
    in_transit = "in_transit"
    at_customs = "at_customs"
    cleared = "cleared"
    accepted = "accepted"
    closed = "closed"
    cancelled = "cancelled"


class ValuationMethod(enum.StrEnum):
    donor_value = "donor_value"
    fair_value = "fair_value"


class Condition(enum.StrEnum):
    new = "new"
    used = "used"


class IntendedUse(enum.StrEnum):
    own_use = "own_use"
    distribution = "distribution"


#: Statuses after which a consignment and its lines are read-only.
LOCKED_STATUSES = frozenset({ConsignmentStatus.accepted, ConsignmentStatus.closed, ConsignmentStatus.cancelled})


class ConsignmentCounter(db.Model):
    """The last consignment number handed out per organization and year.

    Numbers are allocated by incrementing this row inside the creating transaction (the UPDATE
    takes a row lock on PostgreSQL and the write lock on SQLite), so two concurrent creations
    never receive the same number; the unique constraint on consignment numbers is the backstop.
    """

    __table_args__ = (
        sa.UniqueConstraint("organization_id", "year"),
        sa.CheckConstraint("last_number >= 0", name="last_number_not_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organization_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organization.id", ondelete="RESTRICT"))
    year: so.Mapped[int]
    last_number: so.Mapped[int] = so.mapped_column(default=0)


class Consignment(TenantMixin, TimestampMixin, db.Model):
    """One incoming delivery of aid (goods, services or cash) from a partner."""

    __table_args__ = (
        sa.UniqueConstraint("organization_id", "number"),
        sa.CheckConstraint("arrived_on IS NULL OR dispatched_on IS NULL OR arrived_on >= dispatched_on",
                           name="arrival_after_dispatch"),
        sa.CheckConstraint("accepted_on IS NULL OR status IN ('accepted', 'closed')", name="accepted_on_only_accepted"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: ``YYYY-NNNN``, per organization and year (2026-0007).
    number: so.Mapped[str] = so.mapped_column(sa.String(20))
    aid_type: so.Mapped[AidType] = so.mapped_column(str_enum(AidType, "aid_type"))
    origin: so.Mapped[Origin] = so.mapped_column(str_enum(Origin, "origin"))
    goods_kind: so.Mapped[GoodsKind] = so.mapped_column(str_enum(GoodsKind, "goods_kind"), default=GoodsKind.goods)
    status: so.Mapped[ConsignmentStatus] = so.mapped_column(
        str_enum(ConsignmentStatus, "consignment_status"), default=ConsignmentStatus.draft, index=True)
    partner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partner.id"), index=True)
    agreement_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("agreement.id"), index=True)
    #: The partner's currency: the default currency of new lines (ISO 4217).
    currency: so.Mapped[str] = so.mapped_column(sa.String(3))
    #: Where the goods are (to be) accepted; required for accepting goods.
    warehouse_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("warehouse.id"), index=True)
    #: Unique code of the HA declaration issued by the state Automated System (QR code).
    declaration_code: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    dispatched_on: so.Mapped[date | None]
    arrived_on: so.Mapped[date | None]
    #: Customs clearance (T0 of the HA report deadline).
    cleared_on: so.Mapped[date | None]
    #: Acceptance into stock / onto the balance sheet.
    accepted_on: so.Mapped[date | None]
    #: Date whose NBU rates value the lines (DESIGN.md §3).
    valuation_on: so.Mapped[date]
    #: Legal reporting deadline, derived from the settings: HA report (cleared_on + days) or
    #: ITA publication (accepted_on + days); None when no report is due.
    report_due_on: so.Mapped[date | None] = so.mapped_column(index=True)
    #: When the HA report was filed / the ITA property was published.
    reported_on: so.Mapped[date | None]
    carrier: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    vehicle_plate: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    cmr_number: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    valuation_method: so.Mapped[ValuationMethod] = so.mapped_column(
        str_enum(ValuationMethod, "valuation_method"), default=ValuationMethod.donor_value)
    #: Why and how the commission set a fair value (required for fair_value).
    valuation_justification: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: Members of the receiving commission, one per line (must include an accountant).
    commission_members: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: Set when a finance head accepted although required documents were missing.
    documents_override_reason: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    documents_override_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    cancel_reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: Optimistic locking: bumped on every change; an edit based on an older version is refused.
    version: so.Mapped[int] = so.mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    partner: so.Mapped[Partner] = so.relationship(lazy="joined")
    agreement: so.Mapped[Agreement | None] = so.relationship()
    warehouse: so.Mapped[Warehouse | None] = so.relationship()
    lines: so.Mapped[list[ConsignmentLine]] = so.relationship(
        back_populates="consignment", order_by="ConsignmentLine.position, ConsignmentLine.id",
        cascade="all, delete-orphan")
    declarations: so.Mapped[list[CustomsDeclaration]] = so.relationship(
        back_populates="consignment", order_by="CustomsDeclaration.id")
    documents: so.Mapped[list[Document]] = so.relationship(back_populates="consignment", order_by="Document.id")

    @property
    def is_locked(self) -> bool:
        """Accepted, closed or cancelled: header and lines can no longer change."""
        return self.status in LOCKED_STATUSES

    @property
    def needs_customs(self) -> bool:
        """Goods from abroad go through customs; domestic receipts, services and cash do not."""
        return self.origin == Origin.abroad and self.goods_kind == GoodsKind.goods

    def __str__(self) -> str:
        return self.number


class ConsignmentLine(TenantMixin, TimestampMixin, db.Model):
    """One line of a consignment: a lot of the stock ledger once accepted."""

    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_value IS NULL OR unit_value >= 0", name="unit_value_not_negative"),
        sa.CheckConstraint("value IS NULL OR value >= 0", name="value_not_negative"),
        sa.CheckConstraint("rate IS NULL OR rate > 0", name="rate_positive"),
        sa.CheckConstraint("value_uah IS NULL OR value_uah >= 0", name="value_uah_not_negative"),
        sa.CheckConstraint("value_uah IS NULL OR (value IS NOT NULL AND rate IS NOT NULL AND rate_on IS NOT NULL)",
                           name="valued_with_rate"),
        sa.CheckConstraint("gross_weight_kg IS NULL OR gross_weight_kg >= 0", name="weight_not_negative"),
        sa.CheckConstraint("wear_percent IS NULL OR (wear_percent >= 0 AND wear_percent <= 100)",
                           name="wear_percent_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    consignment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consignment.id", ondelete="CASCADE"),
                                                      index=True)
    #: Order on the consignment (the packing list's position).
    position: so.Mapped[int] = so.mapped_column(default=0)
    item_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("item.id"), index=True)
    #: The name as declared (the partner's wording or the catalogue item's name).
    name: so.Mapped[str] = so.mapped_column(sa.String(300))
    category_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("category.id"), index=True)
    unit_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("unit.id"), index=True)
    #: Quantity in ``unit``, 3 dp, > 0.
    quantity: so.Mapped[Qty]
    #: Value of one unit in ``currency``, 4 dp, >= 0; None until valued (fair value pending).
    unit_value: so.Mapped[UnitValue | None]
    #: ISO 4217 currency of ``unit_value`` and ``value``.
    currency: so.Mapped[str] = so.mapped_column(sa.String(3))
    #: round(quantity × unit_value, minor units of currency), >= 0.
    value: so.Mapped[Money | None]
    #: NBU rate actually used (UAH per 1 unit of currency), 6 dp; never recomputed.
    rate: so.Mapped[Rate | None]
    #: Date of the NBU rate used (may precede the valuation date on weekends).
    rate_on: so.Mapped[date | None]
    #: round(value × rate, 2) in UAH, >= 0.
    value_uah: so.Mapped[Money | None]
    #: Gross weight in kg, 3 dp, >= 0.
    gross_weight_kg: so.Mapped[Qty | None]
    condition: so.Mapped[Condition] = so.mapped_column(str_enum(Condition, "line_condition"), default=Condition.new)
    #: Wear of used goods in percent (0–100).
    wear_percent: so.Mapped[int | None]
    lot: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    expiry_on: so.Mapped[date | None]
    #: Serial number(s) or VIN.
    serial: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    #: HS / УКТ ЗЕД code, 4–10 digits.
    hs_code: so.Mapped[str] = so.mapped_column(sa.String(10), default="")
    intended_use: so.Mapped[IntendedUse] = so.mapped_column(
        str_enum(IntendedUse, "intended_use"), default=IntendedUse.distribution)
    #: Where the line came from, e.g. "packing-list-dortmund.xlsx, row 9".
    source: so.Mapped[str] = so.mapped_column(sa.String(300), default="")

    consignment: so.Mapped[Consignment] = so.relationship(back_populates="lines")
    item: so.Mapped[Item | None] = so.relationship()
    category: so.Mapped[Category] = so.relationship(lazy="joined")
    unit: so.Mapped[Unit] = so.relationship(lazy="joined")

    @property
    def is_valued(self) -> bool:
        return self.value_uah is not None

    def __str__(self) -> str:
        return self.name


class ConsignmentEvent(TenantMixin, db.Model):
    """The consignment's timeline: status changes and every edit, newest last (append-only)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    consignment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consignment.id", ondelete="CASCADE"),
                                                      index=True)
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: What happened: create, update, transition, add_line, import, add_document, …
    action: so.Mapped[str] = so.mapped_column(sa.String(50))
    from_status: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    to_status: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    message: so.Mapped[str] = so.mapped_column(sa.String(1000), default="")

    user = so.relationship("User", lazy="joined")


class ItemAlias(TenantMixin, TimestampMixin, db.Model):
    """How a partner names a catalogue item ("Stromerzeuger 5,5 kW" → "Генератор …"), for suggestions."""

    __table_args__ = (sa.UniqueConstraint("organization_id", "partner_id", "name_key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    #: The partner's wording as it appeared.
    name: so.Mapped[str] = so.mapped_column(sa.String(300))
    #: Normalized for matching: case-folded, spaces collapsed.
    name_key: so.Mapped[str] = so.mapped_column(sa.String(300))
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("item.id", ondelete="CASCADE"), index=True)
    #: How often the mapping was confirmed.
    uses: so.Mapped[int] = so.mapped_column(default=1)

    item = so.relationship("Item", lazy="joined")
