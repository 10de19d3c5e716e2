"""Benchmarks: our exports against the bare library on the same rows (``make bench``).

A bench compares two *variants* (ours and the bare library dump) that render the same rows
from the same *source*. Each variant runs in a fresh Python process (``python -m bench._child``)
so that its peak memory is its own: the child reports the wall time of the render call and
the process's peak resident set size (``getrusage(RUSAGE_SELF).ru_maxrss``, the kernel's
high-water mark of real memory, VmHWM). That peak is of the whole process, so it includes the
interpreter and the imported libraries (about 40-60 MB), not only what the render allocated;
the child also reports the resident size just before rendering, so the growth can be read off.

Sources and variants are named by ``"module:function"`` paths, so a later dataset-driven bench
(rows read from the database through a report dataset) plugs in by naming another source:
``source(rows: int) -> (ReportMeta, Section)``; a variant is
``variant(meta, section, out_path) -> None``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, Callable

__all__ = ["Bench", "BenchResult", "Measurement", "measure", "resolve", "rows_from_env"]


@dataclass(frozen=True)
class Measurement:
    """One variant's run: seconds for the render call, peak RSS of its process, output size."""

    variant: str
    rows: int
    seconds: float
    peak_mb: float
    start_mb: float
    output_bytes: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else float("inf")


@dataclass(frozen=True)
class BenchResult:
    name: str
    rows: int
    ours: Measurement
    bare: Measurement

    @property
    def ratio(self) -> float:
        """Our time over the bare library's time on the same rows (lower is better)."""
        return self.ours.seconds / self.bare.seconds

    @property
    def line(self) -> str:
        return f"bench {self.name} rows={self.rows} ratio={self.ratio:.2f} peak_mb={self.ours.peak_mb:.1f}"


@dataclass(frozen=True)
class Bench:
    """A named comparison: a row source, our variant and the bare variant, default size."""

    name: str
    source: str
    ours: str
    bare: str
    default_rows: int
    rows_env: str
    suffix: str
    #: The bare variant's own row source (e.g. the same SQL without our row building);
    #: None = the same source as ours.
    bare_source: str | None = None
    #: ``module:function(rows, report)`` run once before the variants (e.g. build a data set).
    prepare: str | None = None

    def run(self, rows: int, *, repeat: int = 1, source: str | None = None,
            workdir: Path, report: Callable[[str], None] = print) -> BenchResult:
        """Run bare and ours alternately ``repeat`` times; keep each one's fastest run and
        highest peak."""
        best: dict[str, Measurement] = {}
        if self.prepare and not source:
            resolve(self.prepare)(rows, report)
        sources = {"ours": source or self.source, "bare": source or self.bare_source or self.source}
        for attempt in range(repeat):
            for label, target in (("bare", self.bare), ("ours", self.ours)):
                out = workdir / f"{self.name}-{label}{self.suffix}"
                m = measure(label, target, sources[label], rows, out)
                out.unlink(missing_ok=True)
                report(f"  {self.name} {label:4} run {attempt + 1}: {m.seconds:8.2f} s "
                       f"{m.rows_per_second:9.0f} rows/s  peak {m.peak_mb:6.1f} MB "
                       f"(start {m.start_mb:5.1f} MB)  {m.output_bytes / 1e6:7.1f} MB out")
                previous = best.get(label)
                if previous is None:
                    best[label] = m
                else:
                    best[label] = Measurement(label, rows, min(previous.seconds, m.seconds),
                                              max(previous.peak_mb, m.peak_mb),
                                              min(previous.start_mb, m.start_mb), m.output_bytes)
        return BenchResult(self.name, rows, ours=best["ours"], bare=best["bare"])


def resolve(path: str) -> Callable[..., Any]:
    """``"package.module:function"`` → the function."""
    module, _, name = path.partition(":")
    if not module or not name:
        raise ValueError(f"expected module:function, got {path!r}")
    return getattr(import_module(module), name)


def measure(variant: str, target: str, source: str, rows: int, out: Path) -> Measurement:
    """Run ``target`` on ``rows`` rows of ``source`` in a fresh process and measure it."""
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "bench._child", target, source, str(rows), str(out)]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{variant} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return Measurement(variant, rows, result["seconds"], result["peak_mb"], result["start_mb"],
                       result["output_bytes"])


def rows_from_env(specific: str, default: int) -> int:
    """Row count: the bench's own variable, else ``BENCH_ROWS``, else ``default``."""
    for name in (specific, "BENCH_ROWS"):
        value = os.environ.get(name, "").replace("_", "").strip()
        if value:
            count = int(value)
            if count < 0:
                raise ValueError(f"{name} must not be negative")
            return count
    return default
