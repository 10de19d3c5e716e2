"""Portable backups: every table as JSON lines in one zip file, restorable on SQLite or PostgreSQL.

Format (``aid-tracker-backup`` version 1)::

    manifest.json          format, version, schema revision, created_at, source dialect, and per
                           table: columns, row count, SHA-256 of its file
    tables/<table>.jsonl   one JSON array per row, columns in manifest order, rows by primary key
    uploads/<name>         the uploaded files (instance/uploads)

Values are written by column type so that they come back exactly: amounts, quantities and rates
as decimal strings (never floats), timestamps as ISO 8601 with their UTC offset, dates as ISO
dates, enums as their values, JSON as JSON.

The dump reads every table in one transaction (REPEATABLE READ, read-only on PostgreSQL; one
read transaction holding SQLite's shared lock), so the copy is consistent while the application
keeps running. The restore refuses a file of another schema revision, a damaged file, and a
database that is not empty (unless forced, when it first deletes every row); it writes all rows in
one transaction and then moves PostgreSQL's id sequences past the restored ids.
"""
from __future__ import annotations

import base64
import enum
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from tracker.extensions import db
from tracker.models.base import UTCDateTime, utcnow
from tracker.models.types import ScaledDecimal

FORMAT = "aid-tracker-backup"
VERSION = 1
BATCH = 1000


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class BackupInfo:
    schema_revision: str
    tables: int
    rows: int
    files: int


# ----------------------------------------------------------------------------- values
def encode_value(column: sa.Column[Any], value: Any) -> Any:
    """A column value as JSON, exact: Decimals and timestamps as strings."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def decode_value(column: sa.Column[Any], value: Any) -> Any:
    """The inverse of :func:`encode_value`, guided by the column's type."""
    if value is None:
        return None
    column_type = column.type
    if isinstance(column_type, ScaledDecimal):
        return Decimal(value)
    if isinstance(column_type, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, sa.Date):
        return date.fromisoformat(value)
    if isinstance(column_type, sa.LargeBinary):
        return base64.b64decode(value)
    if isinstance(column_type, sa.Numeric) and isinstance(value, str):
        return Decimal(value)
    return value


# ----------------------------------------------------------------------------- schema
def script_heads() -> list[str]:
    """The head revision(s) of the migration scripts shipped with this code."""
    from alembic.script import ScriptDirectory

    directory = current_app.extensions["migrate"].directory
    return sorted(ScriptDirectory(directory).get_heads())


def schema_revision(conn: sa.Connection) -> str:
    """The database's Alembic revision(s); a database built without Alembic (``create_all``)
    has the models' schema, that is the scripts' head."""
    if sa.inspect(conn).has_table("alembic_version"):
        revisions = sorted(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
        if revisions:
            return "+".join(revisions)
    return "+".join(script_heads())


def _tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)


def _columns(table: sa.Table) -> list[sa.Column[Any]]:
    return list(table.columns)


# ----------------------------------------------------------------------------- dump
@contextmanager
def _consistent_connection(engine: sa.Engine) -> Iterator[sa.Connection]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                conn.execute(sa.text("SET TRANSACTION READ ONLY"))
                yield conn
    else:
        # pysqlite opens no transaction for SELECTs: begin one explicitly, so that every table is
        # read under the same shared lock (rollback journal) or snapshot (WAL)
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("BEGIN")
            try:
                yield conn
            finally:
                conn.exec_driver_sql("COMMIT")


def _upload_files() -> list[Path]:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file())


def dump(target: Path) -> BackupInfo:
    """Write a backup of the whole database (and uploads) to ``target`` (replaced atomically)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".backup-", suffix=".zip", dir=target.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temp_name, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            info = _write_archive(archive)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return info


def _write_archive(archive: zipfile.ZipFile) -> BackupInfo:
    manifest_tables = []
    total = 0
    with _consistent_connection(db.engine) as conn:
        revision = schema_revision(conn)
        for table in _tables():
            columns = _columns(table)
            digest = hashlib.sha256()
            count = 0
            with archive.open(f"tables/{table.name}.jsonl", "w") as raw:
                result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(
                    sa.select(*columns).order_by(*table.primary_key.columns))
                for row in result:
                    line = json.dumps([encode_value(c, v) for c, v in zip(columns, row, strict=True)],
                                      ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
                    raw.write(line)
                    digest.update(line)
                    count += 1
            manifest_tables.append({"name": table.name, "columns": [c.name for c in columns], "rows": count,
                                    "sha256": digest.hexdigest()})
            total += count
    files = _upload_files()
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    for path in files:
        archive.write(path, f"uploads/{path.relative_to(folder).as_posix()}")
    manifest = {"format": FORMAT, "version": VERSION, "schema_revision": revision, "created_at": utcnow().isoformat(),
                "dialect": db.engine.dialect.name, "tables": manifest_tables, "uploads": len(files)}
    archive.writestr("manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False))
    return BackupInfo(revision, len(manifest_tables), total, len(files))


# ----------------------------------------------------------------------------- restore
def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise BackupError("not an Aid Tracker backup (no readable manifest.json)") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("not an Aid Tracker backup")
    if manifest.get("version") != VERSION:
        raise BackupError(f"backup format version {manifest.get('version')} is not supported (expected {VERSION})")
    return manifest


def _check_against_schema(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    expected = {t.name: [c.name for c in _columns(t)] for t in _tables()}
    found = {t["name"]: t["columns"] for t in manifest["tables"]}
    if expected != found:
        missing = sorted(set(expected) - set(found))
        extra = sorted(set(found) - set(expected))
        changed = sorted(n for n in set(expected) & set(found) if expected[n] != found[n])
        raise BackupError(f"the backup's tables do not match this version's schema (missing {missing}, "
                          f"unknown {extra}, different columns {changed})")
    for entry in manifest["tables"]:
        digest = hashlib.sha256()
        with archive.open(f"tables/{entry['name']}.jsonl") as raw:
            for chunk in iter(lambda: raw.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != entry["sha256"]:
            raise BackupError(f"the backup is damaged: tables/{entry['name']}.jsonl does not match its checksum")


def _rows(archive: zipfile.ZipFile, table: sa.Table) -> Iterator[list[dict[str, Any]]]:
    columns = _columns(table)
    batch: list[dict[str, Any]] = []
    with archive.open(f"tables/{table.name}.jsonl") as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            values = json.loads(line)
            batch.append({c.key: decode_value(c, v) for c, v in zip(columns, values, strict=True)})
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def _row_count(conn: sa.Connection) -> int:
    return sum(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() for t in _tables())


def _reset_sequences(conn: sa.Connection) -> None:
    """After explicit ids were inserted, PostgreSQL's sequences must continue after the largest."""
    quote = conn.dialect.identifier_preparer.quote
    for table in _tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
            continue
        sequence = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                {"t": quote(table.name), "c": pk[0].name}).scalar()
        if sequence:
            conn.execute(sa.text(f"SELECT setval(:s, COALESCE((SELECT MAX({quote(pk[0].name)}) FROM "
                                 f"{quote(table.name)}), 0) + 1, false)"), {"s": sequence})


def restore(source: Path, *, force: bool = False) -> BackupInfo:
    """Replace the database's content with the backup's, all or nothing.

    Refuses (BackupError) a file that is not a backup or is damaged, one of another schema
    revision, and a database holding any row unless ``force``.
    """
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"cannot read {source}: {exc}") from None
    with archive:
        manifest = read_manifest(archive)
        uploads = _upload_targets(archive)
        engine = db.engine
        with engine.begin() as conn:
            revision = schema_revision(conn)
            if manifest["schema_revision"] != revision:
                raise BackupError(f"the backup is of schema revision {manifest['schema_revision']}, this database "
                                  f"is at {revision}: restore it with the matching version of Aid Tracker")
            _check_against_schema(archive, manifest)
            existing = _row_count(conn)
            if existing and not force:
                raise BackupError(f"the database is not empty ({existing} rows); use --force to replace its content")
            for table in reversed(_tables()):
                conn.execute(table.delete())
            total = 0
            for table in _tables():
                for batch in _rows(archive, table):
                    conn.execute(table.insert(), batch)
                    total += len(batch)
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn)
        files = _restore_uploads(archive, uploads, force=force)
    return BackupInfo(revision, len(manifest["tables"]), total, files)


def _upload_targets(archive: zipfile.ZipFile) -> dict[str, Path]:
    """Archive member → file in the upload folder; a crafted name pointing outside is refused."""
    folder = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    targets = {}
    for name in archive.namelist():
        if not name.startswith("uploads/") or name.endswith("/"):
            continue
        target = (folder / name.removeprefix("uploads/")).resolve()
        if folder not in target.parents:
            raise BackupError(f"refusing to restore {name}: outside the upload folder")
        targets[name] = target
    return targets


def _restore_uploads(archive: zipfile.ZipFile, targets: dict[str, Path], *, force: bool) -> int:
    count = 0
    for name, target in targets.items():
        if target.exists() and not force:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(name) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        count += 1
    return count
