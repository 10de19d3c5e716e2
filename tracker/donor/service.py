"""The user's part of a donor report: the narrative per language and the chosen photos.

A donor report is identified by its partner, optional agreement and period; its narrative is
kept per language (uk, en, de) and its photos are image attachments (JPEG, PNG, checked from
the content when they were uploaded) of the documents of that partner's consignments. The
figures of the report are never stored: they come from the books when the PDF is made
(``tracker/reports/donor.py``).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.audit.service import record
from tracker.errors import Forbidden, ValidationFailed
from tracker.extensions import db
from tracker.models import (
    Agreement,
    Attachment,
    Consignment,
    ConsignmentStatus,
    Document,
    DonorReport,
    DonorReportPhoto,
    DonorReportText,
    Partner,
    Role,
)
from tracker.scoping import get_scoped
from tracker.validators import Errors, check_date, check_length, check_required

__all__ = [
    "EDIT_ROLES",
    "IMAGE_TYPES",
    "LANGUAGES",
    "MAX_NARRATIVE",
    "MAX_PHOTOS",
    "DonorReportData",
    "PhotoChoice",
    "find_donor_report",
    "photo_candidates",
    "save_donor_report",
]

#: Languages a donor report is written in.
LANGUAGES = ("uk", "en", "de")
#: Content types of attachments that can be printed as photos.
IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
#: Longest narrative per language, in characters.
MAX_NARRATIVE = 20_000
#: Most photos one report carries.
MAX_PHOTOS = 24
MAX_CAPTION = 300
EDIT_ROLES = frozenset({Role.admin, Role.accountant, Role.finance_head})


@dataclass(frozen=True)
class PhotoChoice:
    attachment_id: int
    caption: str = ""


@dataclass(frozen=True)
class DonorReportData:
    """What the donor-report page sends: which report, the narrative in one language, the photos."""

    partner_id: int | None
    period_start: date | None
    period_end: date | None
    language: str
    narrative: str = ""
    agreement_id: int | None = None
    photos: Sequence[PhotoChoice] = field(default_factory=tuple)


def _check_scope(organization_id: int, partner_id: int | None, agreement_id: int | None,
                 period_start: date | None, period_end: date | None, errors: Errors) -> tuple[Partner | None,
                                                                                             Agreement | None]:
    errors.add("partner_id", check_required(partner_id))
    errors.add("period_start", check_required(period_start) or check_date(period_start))
    errors.add("period_end", check_required(period_end) or check_date(period_end))
    if period_start and period_end and "period_start" not in errors and "period_end" not in errors \
            and period_end < period_start:
        errors.add("period_end", _("The period ends before it starts."))
    partner = get_scoped(Partner, partner_id, organization_id) if partner_id is not None else None
    agreement = get_scoped(Agreement, agreement_id, organization_id) if agreement_id is not None else None
    if partner is not None and agreement is not None and agreement.partner_id != partner.id:
        errors.add("agreement_id", _("The agreement belongs to another partner."))
    return partner, agreement


def find_donor_report(organization_id: int, partner_id: int, agreement_id: int | None, period_start: date,
                      period_end: date) -> DonorReport | None:
    """The stored part of this donor report, or None when nothing was written for it yet."""
    query = sa.select(DonorReport).where(
        DonorReport.organization_id == organization_id, DonorReport.partner_id == partner_id,
        DonorReport.period_start == period_start, DonorReport.period_end == period_end,
        DonorReport.agreement_id.is_(None) if agreement_id is None else DonorReport.agreement_id == agreement_id)
    return db.session.scalar(query)


def photo_candidates(organization_id: int, partner_id: int, agreement_id: int | None = None) -> list[Attachment]:
    """Image files (JPEG, PNG) attached to the documents of the partner's consignments (of the
    agreement, when given), newest consignment first."""
    query = (sa.select(Attachment)
             .join(Document, Document.id == Attachment.document_id)
             .join(Consignment, Consignment.id == Document.consignment_id)
             .where(Attachment.organization_id == organization_id, Consignment.partner_id == partner_id,
                    Consignment.status != ConsignmentStatus.cancelled, Attachment.content_type.in_(IMAGE_TYPES))
             .order_by(Consignment.id.desc(), Attachment.id))
    if agreement_id is not None:
        query = query.where(Consignment.agreement_id == agreement_id)
    return list(db.session.scalars(query))


def _check_photos(organization_id: int, partner: Partner | None, agreement: Agreement | None,
                  photos: Sequence[PhotoChoice], errors: Errors) -> list[tuple[Attachment, str]]:
    if len(photos) > MAX_PHOTOS:
        errors.add("photos", _("At most %(n)d photos.", n=MAX_PHOTOS))
        return []
    chosen: list[tuple[Attachment, str]] = []
    seen: set[int] = set()
    for choice in photos:
        attachment = get_scoped(Attachment, choice.attachment_id, organization_id)
        if attachment.id in seen:
            continue
        seen.add(attachment.id)
        if attachment.content_type not in IMAGE_TYPES:
            errors.add("photos", _("%(name)s is not a photo: only JPEG and PNG images can be printed.",
                                   name=attachment.original_name))
            continue
        consignment = attachment.document.consignment
        if partner is not None and (consignment is None or consignment.partner_id != partner.id
                                    or (agreement is not None and consignment.agreement_id != agreement.id)):
            errors.add("photos", _("%(name)s is not a file of this partner's consignments.",
                                   name=attachment.original_name))
            continue
        caption = (choice.caption or "").strip()
        errors.add("photos", check_length(caption, MAX_CAPTION))
        chosen.append((attachment, caption))
    return chosen


def save_donor_report(organization_id: int, user_id: int | None, role: Role | None,
                      data: DonorReportData) -> DonorReport:
    """Store the narrative of one language and the photo selection of a donor report (created on
    first save). Rules: a partner of the organization and, optionally, one of its agreements; a
    period that ends after it starts; a known language; a narrative of at most
    :data:`MAX_NARRATIVE` characters; at most :data:`MAX_PHOTOS` photos, each a JPEG or PNG
    attached to one of the partner's consignments. Errors: ``Forbidden`` (role), ``NotFound``
    (another organization's partner, agreement or file), ``ValidationFailed`` (the rest)."""
    if role not in EDIT_ROLES:
        raise Forbidden(_("Your role may not edit donor reports."))
    errors = Errors()
    partner, agreement = _check_scope(organization_id, data.partner_id, data.agreement_id, data.period_start,
                                      data.period_end, errors)
    if data.language not in LANGUAGES:
        errors.add("language", _("Unknown language: %(value)s. Choose one of %(choices)s.", value=data.language,
                                 choices=", ".join(LANGUAGES)))
    narrative = (data.narrative or "").replace("\r\n", "\n").strip()
    errors.add("narrative", check_length(narrative, MAX_NARRATIVE))
    photos = _check_photos(organization_id, partner, agreement, data.photos, errors)
    errors.raise_if_any()
    assert partner is not None and data.period_start is not None and data.period_end is not None
    report = find_donor_report(organization_id, partner.id, agreement.id if agreement else None, data.period_start,
                               data.period_end)
    before = None
    if report is None:
        report = DonorReport(organization_id=organization_id, partner_id=partner.id,
                             agreement_id=agreement.id if agreement else None, period_start=data.period_start,
                             period_end=data.period_end)
        db.session.add(report)
        db.session.flush()
    else:
        before = {"narrative": report.text_for(data.language), "photos": [p.attachment_id for p in report.photos]}
    text = next((t for t in report.texts if t.language == data.language), None)
    if text is None:
        report.texts.append(DonorReportText(organization_id=organization_id, language=data.language,
                                            narrative=narrative))
    else:
        text.narrative = narrative
    report.photos.clear()
    db.session.flush()
    for position, (attachment, caption) in enumerate(photos):
        report.photos.append(DonorReportPhoto(organization_id=organization_id, attachment_id=attachment.id,
                                              position=position, caption=caption))
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="save_donor_report", obj=report, before=before,
           after={"partner_id": partner.id, "agreement_id": report.agreement_id,
                  "period": f"{data.period_start.isoformat()}..{data.period_end.isoformat()}",
                  "language": data.language, "narrative": narrative,
                  "photos": [a.id for a, _caption in photos]})
    return report
