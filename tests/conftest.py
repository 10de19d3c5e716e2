"""Fixtures: a fresh app and database per test, on SQLite or (TRACKER_TEST_DB=url) on the
database named by TRACKER_TEST_DATABASE_URL. Data is made through the real services."""
from __future__ import annotations

import functools
import os
from collections.abc import Iterator

import email_validator
import pytest
import sqlalchemy as sa
from flask import Flask, g
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from tracker import create_app, normalize_database_url
from tracker.extensions import db
from tracker.orgs import service as orgs_service

# Factory users have addresses under the reserved .test domain, which email-validator refuses
# outside its test environment.
email_validator.TEST_ENVIRONMENT = True

# Test users' passwords are hashed cheaply: scrypt's deliberate cost (~0.2 s a hash, eight users
# per ``world``) would otherwise dominate the suite's time. Production keeps Werkzeug's default.
orgs_service.generate_password_hash = functools.partial(generate_password_hash, method="pbkdf2:sha256:1000")

TEST_DB_URL = os.environ.get("TRACKER_TEST_DATABASE_URL", "")
ON_SERVER_DB = os.environ.get("TRACKER_TEST_DB") == "url" and bool(TEST_DB_URL)
PASSWORD = "correct-horse-42"


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
    }
    config.update(overrides)
    app = create_app(config)

    def fresh_request_globals() -> None:
        # The app fixture keeps one app context pushed, so ``g`` outlives a test request; drop
        # what a request derives from its own credentials (as a fresh context in production would).
        for name in ("actor", "api_token", "_login_user", "csrf_token"):
            g.pop(name, None)

    app.before_request_funcs.setdefault(None, []).insert(0, fresh_request_globals)
    with app.app_context():
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
