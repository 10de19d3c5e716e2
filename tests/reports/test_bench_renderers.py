"""The renderer bench's pieces: the synthetic source and both variants of each bench."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bench import BenchResult, Measurement, rows_from_env
from bench.renderers import BENCHES, pdf_bare, pdf_ours, synthetic_receipts, xlsx_bare, xlsx_ours


def test_synthetic_receipts_are_fifteen_exact_columns_over_five_years():
    meta, section = synthetic_receipts(1_000)
    rows = list(section.iter_values())
    assert len(rows) == 1_000 and len(section.columns) == 15
    first, last = rows[0], rows[-1]
    assert first[2] == date(2021, 1, 1) and last[2].year == 2025
    for row in rows[:50]:
        assert isinstance(row[7], Decimal) and isinstance(row[12], Decimal) and isinstance(row[11], Decimal)
    # generated lazily: a second source with the same seed gives the same values
    assert list(synthetic_receipts(1_000)[1].iter_values()) == rows


@pytest.mark.parametrize(("ours", "bare"), [(xlsx_ours, xlsx_bare), (pdf_ours, pdf_bare)])
def test_both_variants_render_the_same_rows(tmp_path, ours, bare):
    for variant in (ours, bare):
        meta, section = synthetic_receipts(120)
        is_xlsx = variant in (xlsx_ours, xlsx_bare)
        out = tmp_path / f"{variant.__name__}.{'xlsx' if is_xlsx else 'pdf'}"
        variant(meta, section, str(out))
        if is_xlsx:
            ws = load_workbook(out, read_only=True)
            values = [r for r in ws.active.iter_rows(values_only=True) if r and isinstance(r[0], int)]
            ws.close()
            assert len(values) == 120
        else:
            assert len(PdfReader(out).pages) >= 2


def test_row_counts_come_from_the_bench_variable_then_bench_rows(monkeypatch):
    monkeypatch.delenv("BENCH_ROWS", raising=False)
    monkeypatch.delenv("BENCH_PDF_ROWS", raising=False)
    assert rows_from_env("BENCH_PDF_ROWS", 10_000) == 10_000
    monkeypatch.setenv("BENCH_ROWS", "5_000")
    assert rows_from_env("BENCH_PDF_ROWS", 10_000) == 5_000
    monkeypatch.setenv("BENCH_PDF_ROWS", "200")
    assert rows_from_env("BENCH_PDF_ROWS", 10_000) == 200
    assert set(BENCHES) == {"xlsx-receipts", "pdf-auditor"}


def test_result_line_is_the_one_make_bench_ends_with():
    ours = Measurement("ours", 10, 1.2, 51.04, 34.0, 1)
    bare = Measurement("bare", 10, 1.0, 50.0, 34.0, 1)
    assert BenchResult("xlsx-receipts", 10, ours, bare).line == "bench xlsx-receipts rows=10 ratio=1.20 peak_mb=51.0"
