"""One measured run in its own process: ``python -m bench._child VARIANT SOURCE ROWS OUT``.

Prints one JSON line: seconds of the render call (the source's rows are produced lazily inside
it, for both variants alike), the process's peak resident set size and its size just before
rendering, in MB, and the size of the file written.
"""
from __future__ import annotations

import gc
import json
import os
import resource
import sys
import time

from bench import resolve


def _rss_peak_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> None:
    variant_path, source_path, rows_text, out = argv
    variant = resolve(variant_path)
    source = resolve(source_path)
    meta, section = source(int(rows_text))
    gc.collect()
    start_mb = _rss_peak_mb()
    began = time.perf_counter()
    variant(meta, section, out)
    seconds = time.perf_counter() - began
    print(json.dumps({
        "seconds": seconds,
        "peak_mb": _rss_peak_mb(),
        "start_mb": start_mb,
        "output_bytes": os.path.getsize(out),
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
