"""Organizations (the aid recipients), users, their memberships with roles, and API tokens."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from tracker.models.base import db, TimestampMixin, UTCDateTime, str_enum, utcnow


class OrgKind(enum.StrEnum):
    council = "council"
    budget_institution = "budget_institution"
    communal_enterprise = "communal_enterprise"
    ngo = "ngo"


class Role(enum.StrEnum):
    admin = "admin"
    accountant = "accountant"
    finance_head = "finance_head"
    auditor = "auditor"


class Organization(TimestampMixin, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name_uk: so.Mapped[str] = so.mapped_column(sa.String(200))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    #: ЄДРПОУ: 8 digits with the official check digit (validated in tracker.orgs.edrpou).
    edrpou: so.Mapped[str] = so.mapped_column(sa.String(8), unique=True)
    kind: so.Mapped[OrgKind] = so.mapped_column(str_enum(OrgKind, "org_kind"), default=OrgKind.council)
    #: Entry in the Unified Register of humanitarian-aid recipients (number or note).
    ha_register_entry: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    address: so.Mapped[str] = so.mapped_column(sa.String(300), default="")

    memberships: so.WriteOnlyMapped[Membership] = so.relationship(back_populates="organization")

    def display_name(self, locale: str) -> str:
        return self.name_en if locale != "uk" and self.name_en else self.name_uk

    def __repr__(self) -> str:
        return f"<Organization {self.edrpou}>"


class User(UserMixin, TimestampMixin, db.Model):
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    #: Preferred interface language (uk or en).
    locale: so.Mapped[str] = so.mapped_column(sa.String(5), default="uk")
    active: so.Mapped[bool] = so.mapped_column(default=True)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    memberships: so.Mapped[list[Membership]] = so.relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(TimestampMixin, db.Model):
    __table_args__ = (sa.UniqueConstraint("user_id", "organization_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organization_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organization.id"), index=True)
    role: so.Mapped[Role] = so.mapped_column(str_enum(Role, "role"))

    user: so.Mapped[User] = so.relationship(back_populates="memberships")
    organization: so.Mapped[Organization] = so.relationship(back_populates="memberships", lazy="joined")


class ApiToken(db.Model):
    """A bearer token for one user in one organization; only its SHA-256 is stored."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organization_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organization.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    user: so.Mapped[User] = so.relationship(lazy="joined")
    organization: so.Mapped[Organization] = so.relationship(lazy="joined")
