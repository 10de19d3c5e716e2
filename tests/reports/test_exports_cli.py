"""``flask tracker export``: a workbook on disk, audited; bad input exits 1 with a message."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.reports.books import RECEIPTS_UAH, make_books
from tests.reports.workbook import read_workbook
from tracker.extensions import db
from tracker.models import AuditEvent

ARGS = ["--from", "2026-11-01", "--to", "2026-11-30", "--org", "04053625"]


@pytest.fixture
def books(app, world):
    return make_books(world)


def run(runner, *args):
    return runner.invoke(args=["tracker", "export", *args])


def test_export_writes_the_workbook_and_records_it(runner, books, tmp_path):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "receipts.xlsx"
    result = run(runner, "receipts", "--format", "xlsx", *ARGS, "--lang", "en", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "receipts_04053625_2026-11-01_2026-11-30.xlsx" in result.output
    (sheet,) = read_workbook(out.read_bytes()).values()
    assert sheet.total("Value, UAH")[1] == RECEIPTS_UAH
    assert any("Exported by: flask tracker export" in (line or "") for line in sheet.title_lines)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.after["channel"] == "cli" and event.user_id is None
    assert [p.name for p in out.parent.iterdir()] == ["receipts.xlsx"]  # no partial files left


def test_filters_and_language(runner, books, tmp_path):
    out = tmp_path / "t.xlsx"
    result = run(runner, "stock-turnover", *ARGS, "--warehouse", str(books.second.id), "--partner",
                 str(books.world.partner.id), "--aid-type", "humanitarian", "--lang", "uk", "--out", str(out))
    assert result.exit_code == 0, result.output
    (sheet,) = read_workbook(out.read_bytes()).values()
    assert sheet.labels[0] == "Категорія"
    assert [sheet.ws.cell(r, sheet.column("Склад")).value for r in sheet.data_rows()] == ["Склад №2"]


def test_unknown_report_exits_1_listing_the_reports(runner, world, tmp_path):
    result = run(runner, "balance-sheet", *ARGS, "--out", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1
    for name in ("receipts", "stock-turnover", "ledger"):
        assert name in result.output
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("args, text", [
    (["--format", "docx"], "docx"),
    (["--from", "2026-12-01"], "before it starts"),
    (["--to", "30.11.2026"], "YYYY-MM-DD"),
    (["--aid-type", "loan"], "loan"),
    (["--lang", "fr"], "fr"),
    (["--org", "99999999"], "99999999"),
])
def test_bad_input_exits_1_with_a_message(runner, world, tmp_path, args, text):
    result = run(runner, "receipts", *ARGS, *args, "--out", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1
    assert text in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_another_organizations_partner_is_refused(runner, world, tmp_path):
    result = run(runner, "receipts", *ARGS, "--partner", str(world.other_partner.id), "--out",
                 str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1 and "Partner" in result.output



def test_several_organizations_need_org(runner, world, tmp_path):
    result = run(runner, "receipts", "--from", "2026-11-01", "--to", "2026-11-30", "--out", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1 and "--org" in result.output
