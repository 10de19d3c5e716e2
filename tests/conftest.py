"""Fixtures: a fresh app and database per test, on SQLite or (TRACKER_TEST_DB=url) on the
database named by TRACKER_TEST_DATABASE_URL. Data is made through the real services."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import email_validator
import pytest
import sqlalchemy as sa
from flask import Flask, g
from flask.testing import FlaskClient

from tracker import create_app, normalize_database_url
from tracker.extensions import db

TEST_DB_URL = os.environ.get("TRACKER_TEST_DATABASE_URL", "")
ON_SERVER_DB = os.environ.get("TRACKER_TEST_DB") == "url" and bool(TEST_DB_URL)
PASSWORD = "correct-horse-42"
# Factory users have e-mails under the special-use domain ".test", which email-validator refuses
# unless it is told that it runs in a test environment.
email_validator.TEST_ENVIRONMENT = True


def database_url(tmp_path) -> str:
    if ON_SERVER_DB:
        return normalize_database_url(TEST_DB_URL)
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


def _reset_server_db(app: Flask) -> None:
    """Empty every table between tests (faster than dropping them) on the server database."""
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


_schema_ready = False

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "tracker" / "translations"


def compile_catalogs(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile every ``*.po`` under ``directory`` whose ``.mo`` is missing or older (babel's API).

    The ``.mo`` files are git-ignored and normally built by ``make install``; this lets the suite
    run without make. A catalog that does not parse or fails babel's checks (placeholders, plural
    forms) raises, naming the file and line, instead of leaving the interface untranslated.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name, abort_invalid=True)
        problems = [f"{po}:{message.lineno}: {error}" for message, errors in catalog.check() for error in errors]
        if problems:
            raise RuntimeError("broken message catalog:\n" + "\n".join(problems))
        partial = mo.with_name(mo.name + f".{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            write_mo(handle, catalog)
        partial.replace(mo)  # atomic: a concurrent reader never sees half a file
        written.append(mo)
    return written


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> list[Path]:
    """The message catalogs compiled into place before any test renders a page."""
    return compile_catalogs()


def make_app(tmp_path, **overrides) -> Flask:
    global _schema_ready
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "PASSWORD_MIN_LENGTH": 10,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast in tests; production uses scrypt
    }
    config.update(overrides)
    app = create_app(config)
    # The `app` fixture keeps one app context pushed for the whole test, and Flask reuses it for
    # every request made meanwhile, so `g` would carry one request's state into the next (the
    # interface language cached by Flask-Babel, the user cached by Flask-Login, the actor). In
    # production every request has a fresh app context; empty `g` first thing to match.
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)
    with app.app_context():
        if not ON_SERVER_DB:
            # A throw-away test database needs no fsync per statement (DDL and commits were most
            # of the suite's time); locking, and so the concurrency tests, work as in production.
            sa.event.listen(db.engine, "connect", _sqlite_without_fsync)
        if ON_SERVER_DB:
            if not _schema_ready:
                db.drop_all()
                with db.engine.begin() as conn:
                    conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
                db.create_all()
                _schema_ready = True
            _reset_server_db(app)
        else:
            db.create_all()
    return app


def _fresh_request_globals() -> None:
    for name in list(vars(g._get_current_object())):
        delattr(g, name)


def _sqlite_without_fsync(dbapi_connection, connection_record) -> None:
    dbapi_connection.execute("PRAGMA synchronous = OFF")


@pytest.fixture
def app(tmp_path) -> Iterator[Flask]:
    app = make_app(tmp_path)
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    ctx.pop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


class AuthActions:
    """Sign in and out through the real pages (flaskr's AuthActions)."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = PASSWORD):
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def world(app: Flask):
    """Two organizations with one user per role each, committed."""
    from tests import factories

    data = factories.make_world()
    db.session.commit()
    return data
