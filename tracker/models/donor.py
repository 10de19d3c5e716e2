"""What the user adds to a donor report: the narrative per language and the selected photos.

A donor report (DOMAIN.md §3, a Verwendungsnachweis) covers one partner — or one agreement of
it — and one period. The figures come from the books; the narrative (Sachbericht) is written by
the user, once per language the report is sent in, and the photos are chosen among the image
files (JPEG, PNG) attached to the partner's consignments.
"""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from tracker.models.base import TenantMixin, TimestampMixin, db

if TYPE_CHECKING:
    from tracker.models.customs import Attachment
    from tracker.models.partner import Agreement, Partner


class DonorReport(TenantMixin, TimestampMixin, db.Model):
    """The user's part of the donor report of one partner (or agreement) and period."""

    __table_args__ = (
        # Named explicitly: the conventional name would exceed PostgreSQL's 63 characters.
        sa.UniqueConstraint("organization_id", "partner_id", "agreement_id", "period_start", "period_end",
                            name="uq_donor_report_partner_agreement_period"),
        sa.CheckConstraint("period_end >= period_start", name="period_order"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    partner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partner.id"), index=True)
    #: The agreement the report is limited to; None = every consignment of the partner.
    agreement_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("agreement.id"), index=True)
    period_start: so.Mapped[date]
    period_end: so.Mapped[date]

    partner: so.Mapped[Partner] = so.relationship(lazy="joined")
    agreement: so.Mapped[Agreement | None] = so.relationship()
    texts: so.Mapped[list[DonorReportText]] = so.relationship(
        back_populates="report", order_by="DonorReportText.language", cascade="all, delete-orphan")
    photos: so.Mapped[list[DonorReportPhoto]] = so.relationship(
        back_populates="report", order_by="DonorReportPhoto.position, DonorReportPhoto.id",
        cascade="all, delete-orphan")

    def text_for(self, language: str) -> str:
        """The narrative in ``language`` ("" when none was written)."""
        return next((t.narrative for t in self.texts if t.language == language), "")


class DonorReportText(TenantMixin, TimestampMixin, db.Model):
    """The narrative (Sachbericht) of a donor report in one language."""

    __table_args__ = (sa.UniqueConstraint("report_id", "language"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("donor_report.id", ondelete="CASCADE"), index=True)
    #: uk, en or de.
    language: so.Mapped[str] = so.mapped_column(sa.String(2))
    narrative: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    report: so.Mapped[DonorReport] = so.relationship(back_populates="texts")


class DonorReportPhoto(TenantMixin, db.Model):
    """A photo chosen for a donor report: an image attached to one of the partner's consignments."""

    __table_args__ = (sa.UniqueConstraint("report_id", "attachment_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("donor_report.id", ondelete="CASCADE"), index=True)
    attachment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("attachment.id", ondelete="CASCADE"), index=True)
    #: Order in the report.
    position: so.Mapped[int] = so.mapped_column(default=0)
    #: Caption printed under the photo ("" = the document type and consignment number).
    caption: so.Mapped[str] = so.mapped_column(sa.String(300), default="")

    report: so.Mapped[DonorReport] = so.relationship(back_populates="photos")
    attachment: so.Mapped[Attachment] = so.relationship(lazy="joined")
