"""Report periods: a month given as ``YYYY-MM``, the period a summary frequency makes of it, and
the period's name in a donor's language."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date, format_interval, format_skeleton
from flask_babel import gettext as _

from tracker.errors import ValidationFailed
from tracker.models import SummaryFrequency

_MONTH = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def key(self) -> str:
        """``2026-11`` for a calendar month, ``2026-10..2026-12`` for several, else the two dates."""
        if self.is_whole_months:
            first, last = f"{self.start:%Y-%m}", f"{self.end:%Y-%m}"
            return first if first == last else f"{first}..{last}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def is_whole_months(self) -> bool:
        return self.start.day == 1 and self.end == month_end(self.end.year, self.end.month)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str) -> Period:
    """``2026-11`` → 1–30 November 2026; anything else is a ValidationFailed on ``period``."""
    found = _MONTH.fullmatch((text or "").strip())
    if not found or not 1 <= int(found.group(2)) <= 12 or not 1991 <= int(found.group(1)) <= 2100:
        raise ValidationFailed("period", _("Give the period as a month YYYY-MM, e.g. 2026-11."))
    year, month = int(found.group(1)), int(found.group(2))
    return Period(date(year, month, 1), month_end(year, month))


def due_period(frequency: SummaryFrequency, month: Period) -> Period | None:
    """The period a partner's summary covers when the job runs for ``month``, or None if nothing
    is due: monthly partners get every month; quarterly partners get the whole quarter when the
    month ends a quarter (March, June, September, December)."""
    if frequency == SummaryFrequency.monthly:
        return month
    if frequency == SummaryFrequency.quarterly and month.start.month % 3 == 0:
        first = month.start.month - 2
        return Period(date(month.start.year, first, 1), month.end)
    return None


def format_period(period: Period, language: str) -> str:
    """The period as a donor reads it: "November 2026", "Oktober–Dezember 2026",
    "1 жовт. — 15 груд. 2026 р."."""
    if period.is_whole_months:
        if (period.start.year, period.start.month) == (period.end.year, period.end.month):
            return format_skeleton("yMMMM", period.start, locale=language)
        return format_interval(period.start, period.end, "yMMMM", locale=language)
    if period.start == period.end:
        return format_date(period.start, "long", locale=language)
    return format_interval(period.start, period.end, "yMMMd", locale=language)
