"""``python -m bench [NAME ...]`` (``make bench``): run the benches, end with one line each.

Sizes: ``BENCH_XLSX_ROWS`` / ``BENCH_PDF_ROWS``, else ``BENCH_ROWS``, else each bench's
default (1,000,000 rows for xlsx, 10,000 for PDF); ``--rows`` overrides them all.
``BENCH_REPEAT`` (or ``--repeat``) runs each variant several times and keeps the fastest.
``--source module:function`` swaps the row source of both variants.

By default (``make bench``) ``xlsx-receipts`` reads the receipts register from the generated data
set of ``bench/dataset.py`` (built once into ``bench/out/``) and ``pdf-auditor`` renders synthetic
rows; ``xlsx-synthetic`` (the xlsx bench on synthetic rows, no database) runs when named.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from bench import BenchResult, rows_from_env


#: What ``make bench`` runs: the receipts register from the generated data set (bench/dataset.py)
#: and the PDF auditor register; ``xlsx-synthetic`` (generated rows, no database) on request.
DEFAULT_BENCHES = ("xlsx-receipts", "pdf-auditor")


def _benches() -> dict:
    from dataclasses import replace

    from bench.dataset import BENCHES as DATASET_BENCHES
    from bench.renderers import BENCHES

    benches = dict(BENCHES)
    benches["xlsx-synthetic"] = replace(BENCHES["xlsx-receipts"], name="xlsx-synthetic")
    benches.update(DATASET_BENCHES)
    return benches


def main(argv: list[str] | None = None) -> int:
    benches = _benches()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benches to run (default: all of {', '.join(benches)})")
    parser.add_argument("--rows", type=int, help="rows for every bench (overrides the environment)")
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "1")),
                        help="runs per variant; the fastest counts (default 1, or BENCH_REPEAT)")
    parser.add_argument("--source", help="row source as module:function returning (ReportMeta, Section)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in benches]
    if unknown:
        parser.error(f"unknown bench {', '.join(unknown)}; known: {', '.join(benches)}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    results: list[BenchResult] = []
    with tempfile.TemporaryDirectory(prefix="aid-tracker-bench-") as workdir:
        for name in args.names or [n for n in DEFAULT_BENCHES if n in benches]:
            bench = benches[name]
            rows = args.rows if args.rows is not None else rows_from_env(bench.rows_env, bench.default_rows)
            print(f"{name}: {rows} rows, ours vs bare, {args.repeat} run(s) each", flush=True)
            result = bench.run(rows, repeat=args.repeat, source=args.source, workdir=Path(workdir),
                               report=lambda line: print(line, flush=True))
            print(f"  {name}: ours {result.ours.seconds:.2f} s vs bare {result.bare.seconds:.2f} s; "
                  f"peak RSS ours {result.ours.peak_mb:.1f} MB, bare {result.bare.peak_mb:.1f} MB", flush=True)
            results.append(result)
    for result in results:
        print(result.line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
