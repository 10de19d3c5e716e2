"""Stock documents: distributions, transfers, write-offs, stock counts and returns (to the donor or
redistributed to another recipient), with their lines, files and per-year numbering.

Every document goes ``draft → posted``; a posted document is never edited: it is corrected by a
reversal — a new posted document of the same kind that points at it (``reversal_of_id``) while
the original becomes ``reversed`` and points back (``reversed_by_id``). Drafts carry a version
number (optimistic locking), so the second of two people editing one draft is told so instead
of overwriting the first. Numbers (``D-2026-0001``) are given when a document is posted.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.models.base import TenantMixin, TimestampMixin, UTCDateTime, db, str_enum, utcnow
from tracker.models.types import Money, Qty

if TYPE_CHECKING:
    from tracker.models.catalog import Warehouse
    from tracker.models.consignment import ConsignmentLine
    from tracker.models.ledger import JournalEntry


class StockDocumentStatus(enum.StrEnum):
    draft = "draft"
    posted = "posted"
    reversed = "reversed"


class RecipientKind(enum.StrEnum):
    #: An institution or enterprise with its own EDRPOU (hospital, school, utility).
    institution = "institution"
    military_unit = "military_unit"
    #: Another territorial community (its council).
    hromada = "hromada"
    #: People, counted by beneficiary category (no personal data in the document).
    individuals = "individuals"


class BeneficiaryCategory(enum.StrEnum):
    idps = "idps"
    people_with_disabilities = "people_with_disabilities"
    large_families = "large_families"
    low_income = "low_income"
    elderly = "elderly"
    children = "children"
    military_families = "military_families"
    veterans = "veterans"
    patients = "patients"
    other = "other"


class WriteOffReason(enum.StrEnum):
    expired = "expired"
    damaged = "damaged"
    consumed = "consumed"
    lost = "lost"
    substandard_destroyed = "substandard_destroyed"


class ReturnKind(enum.StrEnum):
    #: The goods go back to the donor.
    return_to_donor = "return_to_donor"
    #: The goods go to another HA recipient for the same purpose (its consent letter attached).
    redistribution = "redistribution"


class DocumentCounter(db.Model):
    """The last number handed out per organization, document kind and year (the journal uses
    year 0: one gap-free sequence). Incremented inside the posting transaction: the UPDATE holds
    the row lock (PostgreSQL) or the write lock (SQLite) until commit, so numbers never repeat."""

    __table_args__ = (
        sa.UniqueConstraint("organization_id", "kind", "year"),
        sa.CheckConstraint("last_number >= 0", name="last_number_not_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    organization_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("organization.id", ondelete="RESTRICT"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(30))
    year: so.Mapped[int]
    last_number: so.Mapped[int] = so.mapped_column(default=0)


class StockDocumentMixin(TenantMixin, TimestampMixin):
    """Columns every stock document has: number, date, status, who and when, reversal links,
    and the version counter of optimistic locking (see ``tracker.concurrency``)."""

    #: Incremented by every UPDATE of the row (SQLAlchemy's version counter); starts at 1.
    version: so.Mapped[int] = so.mapped_column(default=1, server_default=sa.text("1"))

    @so.declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: ``D-2026-0001``: prefix of the kind, year of ``on``, number; None while a draft.
    number: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    #: Date of the document: the movements and the entry take effect on it.
    on: so.Mapped[date] = so.mapped_column(index=True)
    status: so.Mapped[StockDocumentStatus] = so.mapped_column(
        str_enum(StockDocumentStatus, "stock_document_status"), default=StockDocumentStatus.draft, index=True)
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    posted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    posted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: Why the document was reversed (on the reversal document).
    reversal_reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    journal_entry_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("journal_entry.id"))

    @so.declared_attr
    def reversal_of_id(cls) -> so.Mapped[int | None]:
        #: The posted document this one reverses (a document is reversed at most once).
        return so.mapped_column(sa.ForeignKey(f"{cls.__tablename__}.id"), unique=True)

    @so.declared_attr
    def reversed_by_id(cls) -> so.Mapped[int | None]:
        #: The reversal of this document, once reversed.
        return so.mapped_column(sa.ForeignKey(f"{cls.__tablename__}.id"))

    @so.declared_attr
    def reversal_of(cls) -> so.Mapped[Any]:
        return so.relationship(cls.__name__, remote_side=f"{cls.__name__}.id",
                               foreign_keys=f"[{cls.__name__}.reversal_of_id]", post_update=False)

    @so.declared_attr
    def reversed_by(cls) -> so.Mapped[Any]:
        return so.relationship(cls.__name__, remote_side=f"{cls.__name__}.id",
                               foreign_keys=f"[{cls.__name__}.reversed_by_id]")

    @so.declared_attr
    def journal_entry(cls) -> so.Mapped[JournalEntry | None]:
        return so.relationship("JournalEntry", foreign_keys=f"[{cls.__name__}.journal_entry_id]")

    @so.declared_attr
    def created_by(cls) -> so.Mapped[Any]:
        return so.relationship("User", foreign_keys=f"[{cls.__name__}.created_by_id]")

    @so.declared_attr
    def posted_by(cls) -> so.Mapped[Any]:
        return so.relationship("User", foreign_keys=f"[{cls.__name__}.posted_by_id]")

    @property
    def is_draft(self) -> bool:
        return self.status == StockDocumentStatus.draft

    @property
    def is_reversal(self) -> bool:
        return self.reversal_of_id is not None

    @property
    def can_reverse(self) -> bool:
        return self.status == StockDocumentStatus.posted and self.reversal_of_id is None

    def __str__(self) -> str:
        return self.number or f"#{self.id}"


def _document_fk(table: str) -> Any:
    return so.mapped_column(sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True)


class LotLineMixin(TenantMixin):
    """A line taking a quantity of one lot (consignment line)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    position: so.Mapped[int] = so.mapped_column(default=0)
    #: The lot: the consignment line the goods came in on.
    line_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consignment_line.id"), index=True)
    #: Quantity in the lot's unit, 3 dp, > 0.
    quantity: so.Mapped[Qty]
    #: Value in UAH taken out of (or put into) stock, 2 dp, >= 0; set when the document is posted.
    value_uah: so.Mapped[Money | None]

    @so.declared_attr
    def lot(cls) -> so.Mapped[ConsignmentLine]:
        return so.relationship("ConsignmentLine", lazy="joined")

    @so.declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.CheckConstraint("quantity > 0", name="quantity_positive"),
            sa.CheckConstraint("value_uah IS NULL OR value_uah >= 0", name="value_not_negative"),
        )


# --------------------------------------------------------------------------- distribution

class Distribution(StockDocumentMixin, db.Model):
    """Aid given out: to an institution, a military unit, another hromada or to people."""

    __table_args__ = (
        sa.UniqueConstraint("organization_id", "number"),
        sa.CheckConstraint("beneficiaries_count IS NULL OR beneficiaries_count > 0", name="beneficiaries_positive"),
    )

    recipient_kind: so.Mapped[RecipientKind] = so.mapped_column(str_enum(RecipientKind, "recipient_kind"))
    #: Institution, unit or council name; for individuals a short description ("IDPs at shelter No. 3").
    recipient_name: so.Mapped[str] = so.mapped_column(sa.String(300))
    #: ЄДРПОУ of an institution or council (checked digit), "" otherwise.
    recipient_edrpou: so.Mapped[str] = so.mapped_column(sa.String(8), default="")
    beneficiary_category: so.Mapped[BeneficiaryCategory | None] = so.mapped_column(
        str_enum(BeneficiaryCategory, "beneficiary_category"))
    #: Number of people reached (individuals).
    beneficiaries_count: so.Mapped[int | None]
    purpose: so.Mapped[str] = so.mapped_column(sa.String(500))

    lines: so.Mapped[list[DistributionLine]] = so.relationship(
        back_populates="document", order_by="DistributionLine.position, DistributionLine.id",
        cascade="all, delete-orphan")


class DistributionLine(LotLineMixin, db.Model):
    document_id: so.Mapped[int] = _document_fk("distribution")
    warehouse_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("warehouse.id"), index=True)

    document: so.Mapped[Distribution] = so.relationship(back_populates="lines")
    warehouse: so.Mapped[Warehouse] = so.relationship(lazy="joined")


# --------------------------------------------------------------------------- transfer

class Transfer(StockDocumentMixin, db.Model):
    """Goods moved from one warehouse of the organization to another."""

    __table_args__ = (
        sa.UniqueConstraint("organization_id", "number"),
        sa.CheckConstraint("from_warehouse_id <> to_warehouse_id", name="different_warehouses"),
    )

    from_warehouse_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("warehouse.id"), index=True)
    to_warehouse_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("warehouse.id"), index=True)

    from_warehouse: so.Mapped[Warehouse] = so.relationship(foreign_keys=[from_warehouse_id], lazy="joined")
    to_warehouse: so.Mapped[Warehouse] = so.relationship(foreign_keys=[to_warehouse_id], lazy="joined")
    lines: so.Mapped[list[TransferLine]] = so.relationship(
        back_populates="document", order_by="TransferLine.position, TransferLine.id", cascade="all, delete-orphan")


class TransferLine(LotLineMixin, db.Model):
    document_id: so.Mapped[int] = _document_fk("transfer")

    document: so.Mapped[Transfer] = so.relationship(back_populates="lines")


# --------------------------------------------------------------------------- write-off

class WriteOff(StockDocumentMixin, db.Model):
    """Goods written off by a commission: expired, damaged, consumed, lost, destroyed."""

    __table_args__ = (sa.UniqueConstraint("organization_id", "number"),)

    #: Members of the write-off commission, one per line.
    commission_members: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    #: The order or decision the write-off rests on (number and date).
    basis: so.Mapped[str] = so.mapped_column(sa.String(300), default="")

    lines: so.Mapped[list[WriteOffLine]] = so.relationship(
        back_populates="document", order_by="WriteOffLine.position, WriteOffLine.id", cascade="all, delete-orphan")


class WriteOffLine(LotLineMixin, db.Model):
    document_id: so.Mapped[int] = _document_fk("write_off")
    warehouse_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("warehouse.id"), index=True)
    reason: so.Mapped[WriteOffReason] = so.mapped_column(str_enum(WriteOffReason, "write_off_reason"))

    document: so.Mapped[WriteOff] = so.relationship(back_populates="lines")
    warehouse: so.Mapped[Warehouse] = so.relationship(lazy="joined")


# --------------------------------------------------------------------------- stock count

class StockCount(StockDocumentMixin, db.Model):
    """An inventory count of one warehouse: the count sheet (book quantities), the counted
    quantities, and — when a finance head approves (posts) it — the adjustments."""

    __table_args__ = (sa.UniqueConstraint("organization_id", "number"),)

    warehouse_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("warehouse.id"), index=True)
    commission_members: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    warehouse: so.Mapped[Warehouse] = so.relationship(lazy="joined")
    lines: so.Mapped[list[StockCountLine]] = so.relationship(
        back_populates="document", order_by="StockCountLine.position, StockCountLine.id",
        cascade="all, delete-orphan")


class StockCountLine(TenantMixin, db.Model):
    __table_args__ = (
        sa.UniqueConstraint("document_id", "line_id"),
        sa.CheckConstraint("book_quantity >= 0", name="book_not_negative"),
        sa.CheckConstraint("counted_quantity IS NULL OR counted_quantity >= 0", name="counted_not_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    document_id: so.Mapped[int] = _document_fk("stock_count")
    position: so.Mapped[int] = so.mapped_column(default=0)
    line_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("consignment_line.id"), index=True)
    #: Quantity on the books on the count date, 3 dp (refreshed when the count is posted).
    book_quantity: so.Mapped[Qty]
    #: Quantity the commission found, 3 dp; None until counted.
    counted_quantity: so.Mapped[Qty | None]
    #: Signed adjustment posted (counted − book), 3 dp; set on posting.
    adjustment_quantity: so.Mapped[Qty | None]
    #: Signed UAH value of the adjustment, 2 dp; set on posting.
    value_uah: so.Mapped[Money | None]

    document: so.Mapped[StockCount] = so.relationship(back_populates="lines")
    lot: so.Mapped[ConsignmentLine] = so.relationship(lazy="joined")

    @property
    def difference(self) -> Any:
        if self.counted_quantity is None:
            return None
        return self.counted_quantity - self.book_quantity


# --------------------------------------------------------------------------- return / redistribution

class StockReturn(StockDocumentMixin, db.Model):
    """Goods returned to the donor or redistributed to another HA recipient."""

    __table_args__ = (sa.UniqueConstraint("organization_id", "number"),)

    kind: so.Mapped[ReturnKind] = so.mapped_column(str_enum(ReturnKind, "return_kind"))
    #: The donor or the receiving recipient.
    counterparty_name: so.Mapped[str] = so.mapped_column(sa.String(300))
    counterparty_edrpou: so.Mapped[str] = so.mapped_column(sa.String(8), default="")
    #: The request, consent letter or decision behind it (number and date).
    basis: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")

    lines: so.Mapped[list[StockReturnLine]] = so.relationship(
        back_populates="document", order_by="StockReturnLine.position, StockReturnLine.id",
        cascade="all, delete-orphan")


class StockReturnLine(LotLineMixin, db.Model):
    document_id: so.Mapped[int] = _document_fk("stock_return")
    warehouse_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("warehouse.id"), index=True)

    document: so.Mapped[StockReturn] = so.relationship(back_populates="lines")
    warehouse: so.Mapped[Warehouse] = so.relationship(lazy="joined")


# --------------------------------------------------------------------------- files

class StockAttachment(TenantMixin, db.Model):
    """A file of a stock document (signed issue list, signed act, count sheet, consent letter),
    stored outside ``static/`` under a random name."""

    __table_args__ = (sa.Index("ix_stock_attachment_document", "document_kind", "document_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    #: distribution, transfer, write_off, stock_count, stock_return
    document_kind: so.Mapped[str] = so.mapped_column(sa.String(30))
    document_id: so.Mapped[int]
    #: What the file is, e.g. "signed issue list".
    description: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    stored_name: so.Mapped[str] = so.mapped_column(sa.String(100), unique=True)
    original_name: so.Mapped[str] = so.mapped_column(sa.String(255))
    #: Size in bytes.
    size: so.Mapped[int]
    #: Content type determined from the content, not from the name.
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    uploaded_by = so.relationship("User")
