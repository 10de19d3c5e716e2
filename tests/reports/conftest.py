"""Fixtures for the renderer tests: a Ukrainian report description."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from tests.reports.samples import UK_LABELS
from tracker.reports.rows import ReportMeta


@pytest.fixture
def meta() -> ReportMeta:
    return ReportMeta(
        organization_name="Хмільницька міська рада",
        organization_edrpou="04051264",
        title="Реєстр надходжень",
        period_from=date(2026, 1, 1),
        period_to=date(2026, 3, 31),
        filters=[("Партнер", "Stadt Dortmund"), ("Склад", "Центральний склад")],
        exported_at=datetime(2026, 4, 2, 9, 30, tzinfo=timezone.utc),
        exported_by="Олена Коваль",
        language="uk",
        labels=UK_LABELS,
    )
