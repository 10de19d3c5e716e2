"""A real process killed (SIGKILL) in the middle of a long transaction leaves no partial record."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

from tracker.audit.service import verify_chain
from tracker.crashpoints import ENV, MARKER
from tracker.extensions import db
from tracker.models import AuditEvent, ExchangeRate

ROOT = Path(__file__).resolve().parent.parent
CURRENCIES = ("EUR", "USD", "PLN", "CHF")
DAYS = 1250


def _big_rates_csv(path: Path) -> int:
    start = date(2019, 1, 1)
    lines = ["date,currency,rate"]
    for n in range(DAYS):
        day = (start + timedelta(days=n)).isoformat()
        lines.extend(f"{day},{code},{40 + (n % 997) / 1000 + i:.6f}" for i, code in enumerate(CURRENCIES))
    path.write_text("\n".join(lines) + "\n")
    return len(lines) - 1


def _flask(app, *args: str, pause: str | None = None) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update({"FLASK_APP": "tracker:create_app", "TRACKER_SECRET_KEY": "crash-test",
                "TRACKER_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "TRACKER_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"]})
    if pause:
        env[ENV] = pause
    return subprocess.Popen([sys.executable, "-m", "flask", "tracker", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for_marker(process: subprocess.Popen[str], timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if MARKER in line:
            return line
        if not line and process.poll() is not None:
            raise AssertionError(f"the import ended before its crash point: {process.stderr.read()}")
    raise AssertionError("the crash point was not reached in time")


def _counts() -> tuple[int, int]:
    db.session.remove()
    rates = db.session.scalar(sa.select(sa.func.count()).select_from(ExchangeRate))
    imports = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                .where(AuditEvent.action == "import_rates"))
    return rates, imports


def test_an_import_killed_before_commit_leaves_no_rate_and_no_audit_event(app, tmp_path):
    rows = _big_rates_csv(tmp_path / "rates.csv")
    db.session.commit()
    db.session.remove()

    process = _flask(app, "import-rates", str(tmp_path / "rates.csv"), pause="import-rates")
    try:
        reached = _wait_for_marker(process)
        assert f"({rows} rates written, not committed)" in reached
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL

    assert _counts() == (0, 0)
    assert verify_chain() == []

    # the database is not left locked or damaged: the same import now runs to the end
    again = _flask(app, "import-rates", str(tmp_path / "rates.csv"))
    out, err = again.communicate(timeout=180)
    assert again.returncode == 0, err
    assert f"{rows} rates: {rows} new" in out
    assert _counts() == (rows, 1)
    assert verify_chain() == []
