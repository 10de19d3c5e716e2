"""Aid Tracker: incoming aid, customs, stock and books for Ukrainian hromadas.

``create_app`` wires configuration → extensions → models → blueprints → CLI, in that order.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent


def _template_folder() -> str:
    # Inside a built wheel the top-level templates/ is installed as tracker/templates;
    # in a source checkout it sits next to the package.
    packaged = PACKAGE_DIR / "templates"
    return str(packaged if packaged.is_dir() else PACKAGE_DIR.parent / "templates")


def _load_secret_key(instance_path: Path) -> str:
    """Read instance/SECRET_KEY, generating it (0600) on first run; it is never committed."""
    key_file = instance_path / "SECRET_KEY"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _env_overrides() -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for name, value in os.environ.items():
        if not name.startswith("TRACKER_") or name == "TRACKER_TEST_DATABASE_URL":
            continue
        key = name.removeprefix("TRACKER_")
        if key == "DATABASE_URL":
            key = "SQLALCHEMY_DATABASE_URI"
        lowered = value.lower()
        if lowered in {"true", "false"}:
            overrides[key] = lowered == "true"
        elif value.isdigit():
            overrides[key] = int(value)
        else:
            overrides[key] = value
    return overrides


def normalize_database_url(url: str) -> str:
    """postgres:// and postgresql:// use psycopg 3, the driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, template_folder=_template_folder())
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)

    app.config.from_object("tracker.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(_env_overrides())
    if test_config:
        app.config.update(test_config)

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance_path / 'tracker.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _load_secret_key(instance_path)
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(instance_path / "uploads")

    from tracker import extensions, models  # noqa: F401  (models register their tables)
    from tracker.web import setup

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(PACKAGE_DIR.parent / "migrations"))
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    setup.init_app(app)

    from tracker.cli import register_cli

    register_cli(app)
    return app
