"""Legal deadlines of a consignment, from date-effective settings (DOMAIN.md §3, §7.2).

- Humanitarian aid: the report on availability and distribution is due ``cleared_on`` +
  ``ha_report_due_days`` (90); warnings at ``ha_report_warn_days`` (60, 80) days after
  clearance; overdue afterwards, which blocks new HA declarations of the organization.
- International technical assistance: the received property is published within
  ``ita_publication_days`` (10) of acceptance.

The settings in force on the start date (clearance or acceptance) apply.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AidType, Consignment, ConsignmentStatus
from tracker.settings.service import get_value


class DeadlineKind(enum.StrEnum):
    ha_report = "ha_report"
    ita_publication = "ita_publication"


class DeadlineLevel(enum.StrEnum):
    done = "done"
    ok = "ok"
    warning = "warning"
    urgent = "urgent"
    overdue = "overdue"


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    #: T0: customs clearance (HA) or acceptance (ITA).
    start_on: date
    due_on: date
    reported_on: date | None
    level: DeadlineLevel
    #: Days until due (negative when overdue), counted from ``today``.
    days_left: int

    @property
    def is_overdue(self) -> bool:
        return self.level == DeadlineLevel.overdue


def deadline_start(consignment: Consignment) -> tuple[DeadlineKind, date] | None:
    """Which deadline applies and from when, or None (no report due yet / at all)."""
    if consignment.status == ConsignmentStatus.cancelled:
        return None
    if consignment.aid_type == AidType.humanitarian and consignment.cleared_on is not None:
        return DeadlineKind.ha_report, consignment.cleared_on
    if consignment.aid_type == AidType.technical and consignment.accepted_on is not None:
        return DeadlineKind.ita_publication, consignment.accepted_on
    return None


def compute_due_on(consignment: Consignment) -> date | None:
    """The due date to store in ``report_due_on`` (None when no report is due)."""
    start = deadline_start(consignment)
    if start is None:
        return None
    kind, start_on = start
    key = "ha_report_due_days" if kind == DeadlineKind.ha_report else "ita_publication_days"
    return start_on + timedelta(days=get_value(key, start_on, consignment.organization_id))


def deadline(consignment: Consignment, today: date) -> Deadline | None:
    """The consignment's deadline and how urgent it is on ``today``."""
    start = deadline_start(consignment)
    due_on = consignment.report_due_on or compute_due_on(consignment)
    if start is None or due_on is None:
        return None
    kind, start_on = start
    days_left = (due_on - today).days
    if consignment.reported_on is not None:
        level = DeadlineLevel.done
    elif today > due_on:
        level = DeadlineLevel.overdue
    elif kind == DeadlineKind.ita_publication:
        level = DeadlineLevel.urgent if days_left <= 3 else DeadlineLevel.warning
    else:
        warn = get_value("ha_report_warn_days", start_on, consignment.organization_id)
        elapsed = (today - start_on).days
        if elapsed >= warn[-1]:
            level = DeadlineLevel.urgent
        elif elapsed >= warn[0]:
            level = DeadlineLevel.warning
        else:
            level = DeadlineLevel.ok
    return Deadline(kind=kind, start_on=start_on, due_on=due_on, reported_on=consignment.reported_on, level=level,
                    days_left=days_left)


def open_deadlines(organization_id: int, today: date) -> list[tuple[Consignment, Deadline]]:
    """Consignments with a report still to file, most urgent first."""
    rows = db.session.scalars(sa.select(Consignment).where(
        Consignment.organization_id == organization_id, Consignment.report_due_on.is_not(None),
        Consignment.reported_on.is_(None), Consignment.status != ConsignmentStatus.cancelled,
    ).order_by(Consignment.report_due_on, Consignment.id))
    found = []
    for consignment in rows:
        info = deadline(consignment, today)
        if info is not None:
            found.append((consignment, info))
    return found


def overdue_ha_reports(organization_id: int, today: date) -> list[Consignment]:
    """HA consignments whose 90-day report is overdue: while any exists, the organization may
    not file new HA declarations (DOMAIN.md §2, state 8)."""
    return list(db.session.scalars(sa.select(Consignment).where(
        Consignment.organization_id == organization_id, Consignment.aid_type == AidType.humanitarian,
        Consignment.report_due_on < today, Consignment.reported_on.is_(None),
        Consignment.status != ConsignmentStatus.cancelled,
    ).order_by(Consignment.report_due_on)))
