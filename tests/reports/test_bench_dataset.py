"""The bench data set: generated once with the real rules, cached, and read by both variants
of the receipts bench through the export's own query."""
from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from bench import dataset as bench_dataset
from tracker.money import convert, line_value


@pytest.fixture
def small(tmp_path_factory, monkeypatch) -> Path:
    out = tmp_path_factory.mktemp("bench-out")
    monkeypatch.setenv("BENCH_OUT", str(out))
    monkeypatch.setattr(bench_dataset, "OUT", out)
    return out


def test_dataset_is_generated_once_with_exact_values_and_cached(small):
    lines: list[str] = []
    path = bench_dataset.ensure_dataset(600, report=lines.append)
    assert path.parent == small and "generated" in lines[0]
    assert bench_dataset.ensure_dataset(600, report=lines.append) == path and "cached" in lines[1]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM consignment_line").fetchone()[0] == 600
        assert db.execute("SELECT count(DISTINCT partner_id) FROM consignment").fetchone()[0] > 10
        first, last = db.execute("SELECT min(accepted_on), max(accepted_on) FROM consignment").fetchone()
        assert first.startswith("2021") and last.startswith("2025")
        for qty, unit_value, currency, value, rate, value_uah in db.execute(
                "SELECT quantity, unit_value, currency, value, rate, value_uah FROM consignment_line LIMIT 50"):
            exact = line_value(Decimal(qty).scaleb(-3), Decimal(unit_value).scaleb(-4), currency)
            assert Decimal(value).scaleb(-2) == exact
            assert Decimal(value_uah).scaleb(-2) == convert(exact, Decimal(rate).scaleb(-6))
        # every lot's movements never take it below zero, and every line was received
        assert db.execute("SELECT count(*) FROM stock_movement WHERE kind = 'receipt'").fetchone()[0] == 600
        assert db.execute("SELECT count(*) FROM (SELECT line_id, sum(quantity) q FROM stock_movement "
                          "GROUP BY line_id HAVING q < 0)").fetchone()[0] == 0
    assert not list(small.glob("*.partial"))


def test_both_variants_read_the_same_rows_from_the_data_set(small, tmp_path):
    from openpyxl import load_workbook

    from bench.renderers import xlsx_bare, xlsx_ours

    bench_dataset.ensure_dataset(300, report=lambda line: None)
    try:
        meta, section = bench_dataset.receipts_dataset(300)
        xlsx_ours(meta, section, str(tmp_path / "o.xlsx"))
        meta, section = bench_dataset.receipts_query_rows(300)
        xlsx_bare(meta, section, str(tmp_path / "b.xlsx"))
    finally:
        bench_dataset.close()

    def data(path: Path) -> list[tuple]:
        ws = load_workbook(path).active
        return [r for r in ws.iter_rows(values_only=True) if len(r) > 16 and isinstance(r[6], int)]

    ours_rows, bare_rows = data(tmp_path / "o.xlsx"), data(tmp_path / "b.xlsx")
    assert len(ours_rows) == len(bare_rows) == 300
    # same lines in the same order: consignment, line, quantity, UAH value
    assert [(r[0], r[6], r[10], r[16]) for r in ours_rows] == [(r[0], r[6], r[10], r[16]) for r in bare_rows]
