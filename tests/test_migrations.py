"""The migrations build the models' schema from an empty database, and `flask db check` is clean."""
from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask_migrate import check, upgrade

from tests.conftest import ON_SERVER_DB, TEST_DB_URL
from tracker import create_app, normalize_database_url
from tracker.extensions import db


def _migration_url(tmp_path) -> tuple[str, str | None]:
    if not ON_SERVER_DB:
        return f"sqlite:///{tmp_path / 'migrate.sqlite3'}", None
    schema = f"mig_{uuid.uuid4().hex[:8]}"
    base = normalize_database_url(TEST_DB_URL)
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}options=-csearch_path%3D{schema}", schema


def test_upgrade_empty_database_to_head_then_check_is_clean(tmp_path):
    url, schema = _migration_url(tmp_path)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            upgrade()
            tables = set(sa.inspect(db.engine).get_table_names())
            assert {"organization", "user", "membership", "partner", "agreement", "exchange_rate",
                    "audit_event", "alembic_version"} <= tables
            check()  # raises (exits) when the models have changes no migration covers
            db.engine.dispose()
    finally:
        if schema:
            engine = sa.create_engine(normalize_database_url(TEST_DB_URL))
            with engine.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
            engine.dispose()
