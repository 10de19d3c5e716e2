"""The generic report description: column rules, meta lines, row shapes, display formats."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from tracker.reports.rows import (
    ColumnKind,
    ColumnSpec,
    DateStyle,
    ReportMeta,
    Section,
    Total,
    format_date,
    format_value,
)


def test_only_money_qty_and_int_columns_can_be_summed():
    for kind in (ColumnKind.TEXT, ColumnKind.DATE, ColumnKind.RATE):
        with pytest.raises(ValueError, match="summed"):
            ColumnSpec("x", "X", kind, total=Total.SUM)
    assert ColumnSpec("x", "X", "money", total="sum").total is Total.SUM


def test_meta_refuses_a_period_that_ends_before_it_starts():
    with pytest.raises(ValueError, match="ends before"):
        ReportMeta("Org", "12345678", "T", period_from=date(2026, 2, 1), period_to=date(2026, 1, 31))


def test_title_lines_name_organization_report_period_filters_and_exporter(meta):
    lines = [text for _, text in meta.title_lines("Журнал")]
    assert lines[0] == "Організація: Хмільницька міська рада (ЄДРПОУ 04051264)"
    assert lines[1] == "Реєстр надходжень"
    assert lines[2] == "Журнал"
    assert "Період: 01.01.2026 – 31.03.2026" in lines
    assert "Фільтри:" in lines
    assert any(line.strip() == "Партнер: Stadt Dortmund" for line in lines)
    assert lines[-1] == "Експортовано: 2026-04-02 09:30 UTC; Експортував: Олена Коваль"


def test_rows_may_be_tuples_mappings_or_dataclasses():
    @dataclass(frozen=True)
    class Row:
        a: str
        b: Decimal

    columns = [ColumnSpec("a", "A"), ColumnSpec("b", "B", ColumnKind.MONEY)]
    expected = [("x", Decimal("1.00"))]
    for rows in ([("x", Decimal("1.00"))], [{"b": Decimal("1.00"), "a": "x"}], [Row("x", Decimal("1.00"))]):
        assert list(Section("S", columns, iter(rows)).iter_values()) == expected
    single = [ColumnSpec("a", "A")]
    assert list(Section("S", single, [{"a": "only"}]).iter_values()) == [("only",)]


def test_a_row_with_the_wrong_number_of_values_is_refused():
    section = Section("S", [ColumnSpec("a", "A"), ColumnSpec("b", "B")], [("x",)])
    with pytest.raises(ValueError, match="1 values"):
        list(section.iter_values())


def test_section_checks_group_key_and_duplicate_columns():
    with pytest.raises(ValueError, match="not a column"):
        Section("S", [ColumnSpec("a", "A")], [], group_by="b")
    with pytest.raises(ValueError, match="duplicate"):
        Section("S", [ColumnSpec("a", "A"), ColumnSpec("a", "B")], [])


def test_display_formats_follow_the_pages():
    money = ColumnSpec("m", "M", ColumnKind.MONEY)
    assert format_value(Decimal("1234567.5"), money) == "1\u00a0234\u00a0567.50"
    assert format_value(Decimal("-0.005"), money) == "-0.01"  # ROUND_HALF_UP, as money.py
    assert format_value(Decimal("2.5"), ColumnSpec("q", "Q", ColumnKind.QTY)) == "2.500"
    assert format_value(Decimal("41.1"), ColumnSpec("r", "R", ColumnKind.RATE)) == "41.100000"
    assert format_value(Decimal("1.23456"), ColumnSpec("u", "U", ColumnKind.MONEY, places=4)) == "1.2346"
    assert format_value(None, money) == ""
    assert format_date(date(2026, 3, 9)) == "09.03.2026"
    assert format_date(date(2026, 3, 9), DateStyle.ISO) == "2026-03-09"
    assert format_date(datetime(2026, 3, 9, 7, 5), "iso") == "2026-03-09 07:05"
    assert ReportMeta("O", "", "T", exported_at=datetime(2026, 1, 1, tzinfo=timezone.utc)).exported_line \
        == "Exported: 2026-01-01 00:00 UTC"
