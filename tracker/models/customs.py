"""Customs and the document vault: declarations with their status history, document types,
date-effective rules saying which documents a consignment needs, documents and their files."""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.models.base import TenantMixin, TimestampMixin, UTCDateTime, db, str_enum, utcnow
from tracker.models.consignment import AidType, Condition, GoodsKind, Origin
from tracker.models.types import Money

if TYPE_CHECKING:
    from tracker.models.consignment import Consignment
    from tracker.models.partner import Agreement


class DeclarationKind(enum.StrEnum):
    #: Declaration in the state Automated System "Humanitarian aid" (unique code).
    ha_declaration = "ha_declaration"
    #: Customs declaration.
    customs_declaration = "customs_declaration"
    #: International technical assistance: the registration card / customs papers of the project.
    ita = "ita"


class DeclarationStatus(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"
    cleared = "cleared"
    rejected = "rejected"
    cancelled = "cancelled"


class CustomsDeclaration(TenantMixin, TimestampMixin, db.Model):
    __table_args__ = (
        sa.CheckConstraint("duty_exempted_uah IS NULL OR duty_exempted_uah >= 0", name="duty_not_negative"),
        sa.CheckConstraint("vat_exempted_uah IS NULL OR vat_exempted_uah >= 0", name="vat_not_negative"),
        sa.CheckConstraint("cleared_on IS NULL OR submitted_on IS NULL OR cleared_on >= submitted_on",
                           name="cleared_after_submitted"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    consignment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consignment.id", ondelete="CASCADE"),
                                                      index=True)
    kind: so.Mapped[DeclarationKind] = so.mapped_column(str_enum(DeclarationKind, "declaration_kind"))
    #: Declaration number or the HA unique code.
    number: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    customs_office: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    checkpoint: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    status: so.Mapped[DeclarationStatus] = so.mapped_column(
        str_enum(DeclarationStatus, "declaration_status"), default=DeclarationStatus.draft)
    submitted_on: so.Mapped[date | None]
    cleared_on: so.Mapped[date | None]
    #: Import duty not charged thanks to the aid status, UAH, 2 dp, >= 0.
    duty_exempted_uah: so.Mapped[Money | None]
    #: Import VAT not charged thanks to the aid status, UAH, 2 dp, >= 0.
    vat_exempted_uah: so.Mapped[Money | None]
    note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")

    consignment: so.Mapped[Consignment] = so.relationship(back_populates="declarations")
    history: so.Mapped[list[DeclarationEvent]] = so.relationship(
        back_populates="declaration", order_by="DeclarationEvent.id", cascade="all, delete-orphan")


class DeclarationEvent(TenantMixin, db.Model):
    """One status of a declaration's history (append-only)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    declaration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("customs_declaration.id", ondelete="CASCADE"), index=True)
    status: so.Mapped[DeclarationStatus] = so.mapped_column(str_enum(DeclarationStatus, "declaration_status"))
    #: The date the status took effect (as reported by customs).
    on: so.Mapped[date]
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")

    declaration: so.Mapped[CustomsDeclaration] = so.relationship(back_populates="history")
    user = so.relationship("User", lazy="joined")


class DocumentType(TenantMixin, TimestampMixin, db.Model):
    """A kind of paper: HA declaration, donation letter, CMR, disinfection certificate, …"""

    __table_args__ = (sa.UniqueConstraint("organization_id", "code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40))
    name_uk: so.Mapped[str] = so.mapped_column(sa.String(200))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    name_de: so.Mapped[str] = so.mapped_column(sa.String(200), default="")

    def display_name(self, locale: str) -> str:
        return {"en": self.name_en, "de": self.name_de}.get(locale) or self.name_uk

    def __str__(self) -> str:
        return self.name_en or self.name_uk


class DocumentRule(TenantMixin, TimestampMixin, db.Model):
    """``document_type`` is required for consignments matching every non-empty condition,
    dispatched (or valued) within ``valid_from`` … ``valid_to``. Empty conditions mean "any"."""

    __table_args__ = (
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period_order"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    document_type_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("document_type.id", ondelete="CASCADE"),
                                                        index=True)
    aid_type: so.Mapped[AidType | None] = so.mapped_column(str_enum(AidType, "aid_type"))
    origin: so.Mapped[Origin | None] = so.mapped_column(str_enum(Origin, "origin"))
    goods_kind: so.Mapped[GoodsKind | None] = so.mapped_column(str_enum(GoodsKind, "goods_kind"))
    #: Category code of at least one line ("" = any consignment).
    category_code: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    #: Condition of at least one line of that category (None = any).
    condition: so.Mapped[Condition | None] = so.mapped_column(str_enum(Condition, "line_condition"))
    valid_from: so.Mapped[date]
    valid_to: so.Mapped[date | None]
    #: Legal basis or practice behind the rule (⚠ when unconfirmed).
    note: so.Mapped[str] = so.mapped_column(sa.String(300), default="")

    document_type: so.Mapped[DocumentType] = so.relationship(lazy="joined")

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class DocumentStatus(enum.StrEnum):
    missing = "missing"
    received = "received"
    verified = "verified"
    expired = "expired"


#: Statuses that count as "present" on a checklist.
PRESENT_STATUSES = frozenset({DocumentStatus.received, DocumentStatus.verified})


class Document(TenantMixin, TimestampMixin, db.Model):
    """A document of a consignment or of an agreement, with its files."""

    __table_args__ = (
        sa.CheckConstraint("(consignment_id IS NULL) <> (agreement_id IS NULL)", name="one_owner"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    consignment_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("consignment.id", ondelete="CASCADE"), index=True)
    agreement_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("agreement.id"), index=True)
    document_type_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("document_type.id"), index=True)
    number: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    issued_on: so.Mapped[date | None]
    issuer: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    status: so.Mapped[DocumentStatus] = so.mapped_column(
        str_enum(DocumentStatus, "document_status"), default=DocumentStatus.received)
    note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")

    consignment: so.Mapped[Consignment | None] = so.relationship(back_populates="documents")
    agreement: so.Mapped[Agreement | None] = so.relationship()
    document_type: so.Mapped[DocumentType] = so.relationship(lazy="joined")
    files: so.Mapped[list[Attachment]] = so.relationship(
        back_populates="document", order_by="Attachment.id", cascade="all, delete-orphan")


class Attachment(TenantMixin, db.Model):
    """A file of a document, stored outside ``static/`` under a random name."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    document_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("document.id", ondelete="CASCADE"), index=True)
    #: Random file name inside the upload folder (never derived from user input).
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(100), unique=True)
    #: The name the file had on the uploader's computer (display only).
    original_name: so.Mapped[str] = so.mapped_column(sa.String(255))
    #: Size in bytes.
    size: so.Mapped[int]
    #: Content type determined from the content, not from the name.
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    document: so.Mapped[Document] = so.relationship(back_populates="files")
    uploaded_by = so.relationship("User")

