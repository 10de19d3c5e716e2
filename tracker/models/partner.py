"""Partners (donors and development partners) and the agreements aid arrives under."""
from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.models.base import db, TenantMixin, TimestampMixin, str_enum
from tracker.models.types import Money


class PartnerKind(enum.StrEnum):
    municipality = "municipality"
    government = "government"
    ngo = "ngo"
    international_org = "international_org"
    company = "company"
    individual = "individual"


class AgreementKind(enum.StrEnum):
    partnership = "partnership"
    donation = "donation"
    technical_assistance = "technical_assistance"
    grant = "grant"


class Partner(TenantMixin, TimestampMixin, db.Model):
    __table_args__ = (sa.UniqueConstraint("organization_id", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    kind: so.Mapped[PartnerKind] = so.mapped_column(str_enum(PartnerKind, "partner_kind"))
    #: ISO 3166-1 alpha-2 country code.
    country: so.Mapped[str] = so.mapped_column(sa.String(2))
    city: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    contact_name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    contact_email: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    #: Language of the donor's reports: uk, en or de.
    report_language: so.Mapped[str] = so.mapped_column(sa.String(2), default="en")
    #: IATI organisation identifier, if the partner has one.
    iati_ref: so.Mapped[str] = so.mapped_column(sa.String(100), default="")

    agreements: so.Mapped[list[Agreement]] = so.relationship(back_populates="partner", order_by="Agreement.signed_on")

    def __str__(self) -> str:
        return self.name


class Agreement(TenantMixin, TimestampMixin, db.Model):
    __table_args__ = (
        sa.UniqueConstraint("organization_id", "partner_id", "number"),
        sa.CheckConstraint("budget_amount IS NULL OR budget_amount >= 0", name="budget_not_negative"),
        sa.CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from", name="period_order"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partner.id"), index=True)
    kind: so.Mapped[AgreementKind] = so.mapped_column(str_enum(AgreementKind, "agreement_kind"))
    number: so.Mapped[str] = so.mapped_column(sa.String(100))
    signed_on: so.Mapped[date | None]
    title: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    valid_from: so.Mapped[date | None]
    valid_to: so.Mapped[date | None]
    #: Budget in ``budget_currency``, 2 dp (0 for currencies without minor units); None if open.
    budget_amount: so.Mapped[Money | None]
    budget_currency: so.Mapped[str | None] = so.mapped_column(sa.String(3))
    #: State registration of an international technical-assistance project (CMU Res. 153).
    ita_registration_number: so.Mapped[str] = so.mapped_column(sa.String(50), default="")
    ita_registered_on: so.Mapped[date | None]
    #: Budget revenue code for grants and charitable money (e.g. 25020100, 42020000).
    budget_revenue_code: so.Mapped[str] = so.mapped_column(sa.String(8), default="")

    partner: so.Mapped[Partner] = so.relationship(back_populates="agreements", lazy="joined")

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

