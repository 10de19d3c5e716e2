"""`flask tracker backup` / `restore`: every table round-trips exactly, on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
import json
import uuid
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import factories
from tests.conftest import ON_SERVER_DB, TEST_DB_URL, make_app
from tracker import normalize_database_url
from tracker.audit.service import record, verify_chain
from tracker.extensions import db
from tracker.idempotency.service import claim_key, complete, fingerprint_of
from tracker.models import Partner, Setting
from tracker.rates import service as rates


def checksums() -> dict[str, tuple[int, str]]:
    """(rows, SHA-256 of the rows' Python values) per table, independent of the backup's encoding."""
    result = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            result[table.name] = (len(rows), hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest())
    return result


def _rich_data(world) -> None:
    """Something in every kind of column: exact amounts, rates, dates, timestamps, JSON, text."""
    partner = factories.make_partner(world.org, name="Ґмина «Люблін» = +380 @x", country="PL")
    factories.make_agreement(world.org, partner, number="G-1", budget_amount=Decimal("1234567.89"),
                             budget_currency="EUR", valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31))
    factories.make_item(world.org)
    factories.make_warehouse(world.org)
    rates.create_rate(rates.RateData("EUR", date(2026, 1, 5), Decimal("44.123456")), None, world.org.id)
    rates.create_rate(rates.RateData("JPY", date(2026, 1, 5), Decimal("0.276543")), None, world.org.id)
    factories.token_for(world.users["auditor"], world.org)
    record(organization_id=world.org.id, user_id=world.users["admin"].id, action="note",
           after={"nested": {"list": [1, "два", None, True]}, "amount": Decimal("0.01")})
    claim = claim_key(organization_id=world.org.id, user_id=world.users["admin"].id, key="k-1", scope="partners.create",
                      fingerprint=fingerprint_of({"name": partner.name}))
    complete(claim, partner)
    db.session.add(Setting(organization_id=None, key="ha_report_due_days", value="90", valid_from=date(2020, 1, 1),
                           note="Постанова КМУ № 1925"))


def _second_database(tmp_path):
    """An empty database with this schema: a second SQLite file, or a fresh PostgreSQL schema."""
    if not ON_SERVER_DB:
        return make_app(tmp_path / "target", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'target.sqlite3'}",
                        UPLOAD_FOLDER=str(tmp_path / "target-uploads")), None
    schema = f"bk_{uuid.uuid4().hex[:8]}"
    base = normalize_database_url(TEST_DB_URL)
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    from tracker import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": url,
                      "UPLOAD_FOLDER": str(tmp_path / "target-uploads"), "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
    return app, schema


@pytest.fixture
def target(tmp_path):
    app, schema = _second_database(tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if schema:
        engine = sa.create_engine(normalize_database_url(TEST_DB_URL))
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def test_backup_and_restore_round_trip_every_table_exactly(world, app, runner, target, tmp_path):
    _rich_data(world)
    db.session.commit()
    upload = Path(app.config["UPLOAD_FOLDER"]) / "ab" / "scan.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.7 scan")
    before = checksums()
    filled = {"organization", "user", "membership", "api_token", "partner", "agreement", "category", "unit", "item",
              "warehouse", "exchange_rate", "setting", "audit_event", "audit_chain_head", "idempotency_key"}
    assert all(before[name][0] for name in filled), before
    file = tmp_path / "backup.zip"
    made = runner.invoke(args=["tracker", "backup", str(file)])
    assert made.exit_code == 0, made.output
    assert "Backed up" in made.output and "1 uploaded files" in made.output

    with target.app_context():
        restored = target.test_cli_runner().invoke(args=["tracker", "restore", str(file)])
        assert restored.exit_code == 0, restored.output
        assert checksums() == before
        assert verify_chain() == []
        assert (Path(target.config["UPLOAD_FOLDER"]) / "ab" / "scan.pdf").read_bytes() == b"%PDF-1.7 scan"
        # ids continue after the restored ones (PostgreSQL sequences were moved on)
        largest = db.session.scalar(sa.select(sa.func.max(Partner.id)))
        org = db.session.scalar(sa.select(factories.Organization).where(factories.Organization.edrpou == "04053625"))
        fresh = factories.make_partner(org, name="After restore", country="DE")
        db.session.commit()
        assert fresh.id > largest
        db.session.remove()


def test_the_file_is_portable_json_lines_with_exact_decimals(world, runner, tmp_path):
    _rich_data(world)
    db.session.commit()
    file = tmp_path / "backup.zip"
    runner.invoke(args=["tracker", "backup", str(file)])
    with zipfile.ZipFile(file) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format"] == "aid-tracker-backup" and manifest["schema_revision"]
        names = [t["name"] for t in manifest["tables"]]
        assert names == [t.name for t in db.metadata.sorted_tables]
        agreements = archive.read("tables/agreement.jsonl").decode()
        assert '"1234567.89"' in agreements
        rates_file = archive.read("tables/exchange_rate.jsonl").decode()
        assert '"44.123456"' in rates_file and '"0.276543"' in rates_file


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(world, runner, tmp_path):
    db.session.commit()
    file = tmp_path / "backup.zip"
    runner.invoke(args=["tracker", "backup", str(file)])
    before = checksums()
    factories.make_partner(world.org, name="Made after the backup", country="DE")
    db.session.commit()
    changed = checksums()
    refused = runner.invoke(args=["tracker", "restore", str(file)])
    assert refused.exit_code == 1
    assert "not empty" in refused.output and "Nothing was changed" in refused.output
    assert checksums() == changed
    db.session.remove()
    forced = runner.invoke(args=["tracker", "restore", str(file), "--force"])
    assert forced.exit_code == 0, forced.output
    assert checksums() == before


def _rewrite(file: Path, out: Path, change) -> None:
    with zipfile.ZipFile(file) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, change(item.filename, src.read(item.filename)))


def test_restore_refuses_another_schema_revision_and_damaged_files(world, runner, target, tmp_path):
    db.session.commit()
    file = tmp_path / "backup.zip"
    runner.invoke(args=["tracker", "backup", str(file)])

    def other_revision(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["schema_revision"] = "0123456789ab"
        return json.dumps(manifest).encode()

    def damaged(name, data):
        return data.replace(b"04053625", b"04053626") if name == "tables/organization.jsonl" else data

    _rewrite(file, tmp_path / "other.zip", other_revision)
    _rewrite(file, tmp_path / "damaged.zip", damaged)
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with target.app_context():
        cli = target.test_cli_runner()
        for name, message in (("other.zip", "schema revision 0123456789ab"), ("damaged.zip", "damaged"),
                              ("junk.zip", "cannot read")):
            result = cli.invoke(args=["tracker", "restore", str(tmp_path / name)])
            assert result.exit_code == 1, name
            assert message in result.output, result.output
        assert sum(rows for rows, _ in checksums().values()) == 0
        db.session.remove()


def test_restore_refuses_upload_names_outside_the_upload_folder(world, runner, target, tmp_path):
    db.session.commit()
    file = tmp_path / "backup.zip"
    runner.invoke(args=["tracker", "backup", str(file)])
    with zipfile.ZipFile(file, "a") as archive:
        archive.writestr("uploads/../../evil.txt", b"x")
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["tracker", "restore", str(file)])
        assert result.exit_code == 1 and "outside the upload folder" in result.output
        assert not (tmp_path / "evil.txt").exists()
        assert sum(rows for rows, _ in checksums().values()) == 0
        db.session.remove()


def test_the_dump_reads_one_snapshot_while_others_write(world, app, tmp_path, monkeypatch):
    """A partner committed by someone else while the dump is between tables is not half in it:
    PostgreSQL's REPEATABLE READ snapshot hides it; on SQLite the dump's read lock holds the writer
    off until the dump ends."""
    from tracker import backup

    db.session.commit()
    tables = list(db.metadata.sorted_tables)
    outcome: list[str] = []

    def write_meanwhile() -> None:
        engine = sa.create_engine(db.engine.url, connect_args={} if ON_SERVER_DB else {"timeout": 0.3})
        try:
            with engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO partner (organization_id, name, kind, country, city, contact_name, "
                                     "contact_email, report_language, iati_ref, created_at, updated_at) VALUES "
                                     "(:org, 'Written meanwhile', 'company', 'DE', '', '', '', 'en', '', "
                                     "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"org": world.org.id})
            outcome.append("committed")
        except sa.exc.OperationalError:
            outcome.append("locked out")
        finally:
            engine.dispose()

    def racing_tables():
        for index, table in enumerate(tables):
            yield table
            if index == 0:
                write_meanwhile()

    monkeypatch.setattr(backup, "_tables", racing_tables)
    with app.test_request_context():
        backup.dump(tmp_path / "b.zip")
    assert outcome == (["committed"] if ON_SERVER_DB else ["locked out"])
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        assert "Written meanwhile" not in archive.read("tables/partner.jsonl").decode()
