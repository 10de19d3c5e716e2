"""Crash points: where the tests that kill a real process stop it mid-transaction.

``pause_before_commit("import-rates")`` does nothing unless the environment variable
``TRACKER_TEST_PAUSE_BEFORE_COMMIT`` names that point; then it reports on stderr that the work is
written but not committed and sleeps, so that a test can SIGKILL the process at exactly that
moment and check that nothing of the transaction survives. Only tests set the variable.
"""
from __future__ import annotations

import os
import sys
import time

ENV = "TRACKER_TEST_PAUSE_BEFORE_COMMIT"
MARKER = "crash point reached:"


def pause_before_commit(point: str, detail: str = "") -> None:
    if os.environ.get(ENV) != point:
        return
    print(f"{MARKER} {point} {detail}".rstrip(), file=sys.stderr, flush=True)
    time.sleep(600)
