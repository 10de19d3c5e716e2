"""A realistic data set in a SQLite file, and the receipts-register bench that reads it.

``ensure_dataset(rows)`` builds ``bench/out/dataset-<rows>-v<N>.sqlite3`` once (git-ignored,
reused by later runs): one organization (its catalogue, chart of accounts and posting rules seeded
by the real service), 240 partners in six countries with their currencies, 16 warehouses, and
``rows`` consignment lines (default 1,000,000, ``BENCH_ROWS``) spread over five years
(2021–2025) in consignments of 1–40 lines, each line valued with the real rounding rules
(``money.line_value`` / ``money.convert`` at a monthly rate), with their stock movements: a
receipt for every line, and issues, write-offs and transfers for a part of them, values taken
out at the lot's average like the stock service does. The big tables are inserted with Core
``executemany`` of plain values in batches (no ORM objects), with SQLite's journal off while
the file is built under a temporary name; it is renamed into place only when complete.

The bench ``xlsx-receipts`` then measures, in separate processes on the same file:

- ours: ``tracker.reports.datasets.receipts`` (the export's own query, rows streamed with
  ``yield_per``, translated labels) written by ``tracker.reports.xlsx.write_xlsx`` (title block,
  styles, number formats, total formula with its cached value);
- bare: the same SQL (``tracker.reports.queries.receipt_query``) streamed the same way, each row
  appended as-is to a bare openpyxl write-only sheet (``bench.renderers:xlsx_bare``).
"""
from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench import Bench
from tracker.money import convert, line_value, quantize_money, quantize_qty

#: Bump when the generated data changes shape: old cached files are then ignored.
GENERATOR_VERSION = 1
#: Where data sets are cached (git-ignored); ``BENCH_OUT`` moves it (the tests use a temp dir).
OUT = Path(os.environ.get("BENCH_OUT") or Path(__file__).resolve().parent / "out")
FIRST_DAY = date(2021, 1, 1)
LAST_DAY = date(2025, 12, 31)
BATCH = 20_000
EDRPOU = "04053625"

_CITIES = [("DE", "EUR", ["Dortmund", "Leipzig", "Köln", "Bremen", "Kiel", "Jena", "Ulm", "Trier"]),
           ("PL", "PLN", ["Lublin", "Rzeszów", "Kraków", "Gdańsk", "Opole", "Toruń", "Łódź", "Zamość"]),
           ("US", "USD", ["Buffalo", "Toledo", "Akron", "Tulsa", "Reno", "Boise", "Fresno", "Tacoma"]),
           ("GB", "GBP", ["Leeds", "Bath", "York", "Hull", "Derby", "Luton", "Exeter", "Bolton"]),
           ("LT", "EUR", ["Kaunas", "Šiauliai", "Alytus", "Utena", "Telšiai", "Tauragė", "Ukmergė", "Jonava"]),
           ("UA", "UAH", ["Львів", "Вінниця", "Рівне", "Луцьк", "Ужгород", "Чернівці", "Тернопіль", "Хмельницький"])]
_KINDS = ["Stadtverwaltung", "Feuerwehr", "Klinikum", "e.V.", "Stiftung"]
_BASE_RATES = {"EUR": Decimal("30.000000"), "PLN": Decimal("7.000000"), "USD": Decimal("27.500000"),
               "GBP": Decimal("35.000000"), "UAH": Decimal("1.000000")}
_ITEMS = [  # (name, category code, unit code, needs lot/expiry)
    ("Генератор дизельний 30 кВт", "generators", "pcs", False), ("Stromerzeuger 5,5 kW", "generators", "pcs", False),
    ("Ліжко медичне функціональне", "medical_equipment", "pcs", False), ("Krankenbett gebraucht", "medical_equipment", "pcs", False),
    ("Матрац протипролежневий", "shelter", "pcs", False), ("Спальний мішок зимовий", "shelter", "pcs", False),
    ("Консерви м'ясні", "food", "kg", True), ("Борошно пшеничне", "food", "kg", True),
    ("Insulin Glargin 100 IE/ml", "medicines", "pack", True), ("Парацетамол 500 мг", "medicines", "pack", True),
    ("Бинт стерильний", "medical_supplies", "pack", True), ("Pflaster & Verbände", "medical_supplies", "pack", True),
    ("Куртка зимова", "clothing", "pcs", False), ("Взуття зимове", "clothing", "pair", False),
    ("Ноутбук б/в", "it_equipment", "pcs", False), ("Плита OSB 12 мм", "construction", "m", False),
    ("Дизельне пальне", "fuel", "l", False), ("Гігієнічний набір", "hygiene", "set", False),
    ("=SUM(A1:A9) (назва з формулою)", "other_goods", "pcs", False), ("Feuerwehrfahrzeug MAN TGM", "vehicles", "pcs", False),
]


def dataset_path(rows: int) -> Path:
    return OUT / f"dataset-{rows}-v{GENERATOR_VERSION}.sqlite3"


def _app(path: Path) -> Any:
    from tracker import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench",
                       "RATELIMIT_ENABLED": False})


def _rate(currency: str, day: date) -> Decimal:
    """A synthetic monthly NBU-like rate (6 dp), drifting over the five years."""
    if currency == "UAH":
        return Decimal("1.000000")
    months = (day.year - FIRST_DAY.year) * 12 + day.month - 1
    drift = Decimal(months) * Decimal("0.187") + Decimal((months * 7919) % 97) / 100
    return (_BASE_RATES[currency] + drift * _BASE_RATES[currency] / 30).quantize(Decimal("0.000001"))


def ensure_dataset(rows: int, report: Callable[[str], None] = print) -> Path:
    """The data set file for ``rows`` lines, generated if it is not on disk yet."""
    path = dataset_path(rows)
    if path.exists():
        report(f"  dataset: {path.name} (cached)")
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + f".{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    began = time.perf_counter()
    counts = _generate(partial, rows)
    os.replace(partial, path)
    report(f"  dataset: generated {path.name} in {time.perf_counter() - began:.1f} s "
           f"({counts['consignments']} consignments, {counts['lines']} lines, {counts['movements']} movements)")
    return path


def _generate(path: Path, rows: int) -> dict[str, int]:
    import sqlalchemy as sa

    from tracker.extensions import db
    from tracker.models import Category, OrgKind, Unit
    from tracker.orgs import service as orgs

    app = _app(path)
    with app.app_context():
        engine = db.engine
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA page_size=8192")
        db.create_all()
        org = orgs.create_organization(orgs.OrganizationData(
            name_uk="Хмільницька міська рада", name_en="Khmilnyk City Council", edrpou=EDRPOU, kind=OrgKind.council))
        db.session.commit()
        org_id = org.id
        categories = {c.code: c.id for c in db.session.scalars(sa.select(Category).where(
            Category.organization_id == org_id))}
        units = {u.code: u.id for u in db.session.scalars(sa.select(Unit).where(Unit.organization_id == org_id))}
        db.session.remove()

        now = "2026-01-15 09:00:00.000000"
        rnd = random.Random(2026)
        t = _tables()
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=OFF")
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            conn.exec_driver_sql("PRAGMA cache_size=-200000")
            partners = []
            for country, currency, cities in _CITIES:
                for city in cities:
                    for kind in _KINDS:
                        partners.append({"name": f"{city} {kind}", "kind": "municipality", "country": country,
                                         "city": city, "contact_name": "", "contact_email": "",
                                         "report_language": "de" if country == "DE" else "en", "iati_ref": "",
                                         "organization_id": org_id, "created_at": now, "updated_at": now})
            conn.execute(t["partner"].insert(), partners)
            partner_rows = conn.execute(sa.text("SELECT id, country FROM partner ORDER BY id")).all()
            currency_of = {country: currency for country, currency, _ in _CITIES}
            partner_currency = [(pid, currency_of[country]) for pid, country in partner_rows]
            conn.execute(t["warehouse"].insert(), [
                {"name": f"Склад №{n}", "address": f"вул. Соборна, {n}", "responsible_person": "",
                 "organization_id": org_id, "created_at": now, "updated_at": now} for n in range(1, 17)])
            warehouses = [r[0] for r in conn.execute(sa.text("SELECT id FROM warehouse ORDER BY id"))]
            counts = _insert_lines(conn, t, rnd, rows, org_id, partner_currency, warehouses, categories, units, now)
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
        engine.dispose()
    return counts


def _tables() -> dict[str, Any]:
    """Lightweight tables without column types: values go to SQLite as given (scaled integers
    for amounts, ISO text for dates), like the ORM's own column types would store them."""
    import sqlalchemy as sa

    from tracker.extensions import db

    return {name: sa.table(name, *(sa.column(c.name) for c in db.metadata.tables[name].columns if c.name != "id"))
            for name in ("partner", "warehouse", "consignment", "consignment_line", "stock_movement")}


def _pool(rnd: random.Random) -> dict[str, list[tuple[Decimal, Decimal, Decimal]]]:
    pools: dict[str, list[tuple[Decimal, Decimal, Decimal]]] = {}
    for currency in _BASE_RATES:
        values = []
        for _ in range(2048):
            qty = quantize_qty(Decimal(rnd.randint(1, 500_000)).scaleb(-3))
            unit_value = Decimal(rnd.randint(100, 5_000_000)).scaleb(-4)
            values.append((qty, unit_value, line_value(qty, unit_value, currency)))
        pools[currency] = values
    return pools


def _insert_lines(conn: Any, t: dict[str, Any], rnd: random.Random, rows: int, org_id: int,
                  partners: list[tuple[int, str]], warehouses: list[int], categories: dict[str, int],
                  units: dict[str, int], now: str) -> dict[str, int]:
    import sqlalchemy as sa

    pools = _pool(rnd)
    days = (LAST_DAY - FIRST_DAY).days + 1
    aid_types = ["humanitarian"] * 14 + ["charitable"] * 3 + ["technical"] * 2 + ["grant"]
    consignments: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    movements: list[dict[str, Any]] = []
    counts = {"consignments": 0, "lines": 0, "movements": 0}
    next_consignment = 1
    next_line = 1
    numbers: dict[int, int] = {}
    convert_cache: dict[tuple[Decimal, Decimal], Decimal] = {}

    def flush(final: bool = False) -> None:
        if consignments:
            conn.execute(t["consignment"].insert(), consignments)
            consignments.clear()
        if lines:
            conn.execute(t["consignment_line"].insert(), lines)
            lines.clear()
        if movements and (final or len(movements) >= BATCH):
            conn.execute(t["stock_movement"].insert(), movements)
            movements.clear()

    made = 0
    while made < rows:
        size = min(rnd.randint(1, 40), rows - made)
        accepted = FIRST_DAY + timedelta(days=made * days // rows)
        year = accepted.year
        numbers[year] = numbers.get(year, 0) + 1
        partner_id, currency = partners[rnd.randrange(len(partners))]
        aid = aid_types[rnd.randrange(len(aid_types))]
        abroad = currency != "UAH"
        warehouse = warehouses[rnd.randrange(len(warehouses))]
        cleared = accepted - timedelta(days=1) if abroad else None
        consignment_id = next_consignment
        next_consignment += 1
        consignments.append({
            "number": f"{year}-{numbers[year]:05d}", "aid_type": aid, "origin": "abroad" if abroad else "domestic",
            "goods_kind": "goods", "status": "closed" if accepted.year < 2024 else "accepted",
            "partner_id": partner_id, "agreement_id": None, "currency": currency, "warehouse_id": warehouse,
            "declaration_code": f"HA-{year}-{consignment_id:07d}" if aid == "humanitarian" and abroad else "",
            "dispatched_on": (accepted - timedelta(days=6)).isoformat(),
            "arrived_on": (accepted - timedelta(days=2)).isoformat(),
            "cleared_on": cleared.isoformat() if cleared else None, "accepted_on": accepted.isoformat(),
            "valuation_on": (accepted - timedelta(days=6)).isoformat(),
            "report_due_on": (cleared + timedelta(days=90)).isoformat() if cleared and aid == "humanitarian" else None,
            "reported_on": None, "carrier": "", "vehicle_plate": "", "cmr_number": "",
            "valuation_method": "donor_value", "valuation_justification": "", "commission_members": "Комісія",
            "notes": "", "documents_override_reason": "", "documents_override_by_id": None, "cancel_reason": "",
            "created_by_id": None, "version": 1, "organization_id": org_id, "created_at": now, "updated_at": now,
        })
        rate = _rate(currency, accepted - timedelta(days=6))
        rate_on = (accepted - timedelta(days=6)).isoformat()
        pool = pools[currency]
        for position in range(1, size + 1):
            name, category, unit, needs_lot = _ITEMS[rnd.randrange(len(_ITEMS))]
            qty, unit_value, value = pool[rnd.randrange(len(pool))]
            key = (value, rate)
            value_uah = convert_cache.get(key)
            if value_uah is None:
                value_uah = convert_cache[key] = convert(value, rate)
            line_id = next_line
            next_line += 1
            lines.append({
                "consignment_id": consignment_id, "position": position, "item_id": None, "name": name,
                "category_id": categories[category], "unit_id": units[unit], "quantity": int(qty * 1000),
                "unit_value": int(unit_value * 10000), "currency": currency, "value": int(value * 100),
                "rate": int(rate * 1_000_000), "rate_on": rate_on, "value_uah": int(value_uah * 100),
                "gross_weight_kg": None, "condition": "new" if rnd.random() < 0.8 else "used",
                "wear_percent": None, "lot": f"L{line_id:07d}" if needs_lot else "",
                "expiry_on": (accepted + timedelta(days=rnd.randint(30, 900))).isoformat() if needs_lot else None,
                "serial": "", "hs_code": "", "intended_use": "distribution", "source": "",
                "organization_id": org_id, "created_at": now, "updated_at": now,
            })
            movements.extend(_movements(rnd, line_id, consignment_id, warehouse, warehouses, accepted, qty,
                                        value_uah, org_id, now))
        made += size
        counts["consignments"] += 1
        counts["lines"] += size
        if len(lines) >= BATCH:
            flush()
    flush(final=True)
    counts["movements"] = conn.execute(sa.text("SELECT count(*) FROM stock_movement")).scalar_one()
    return counts


def _movements(rnd: random.Random, line_id: int, consignment_id: int, warehouse: int, warehouses: list[int],
               accepted: date, qty: Decimal, value_uah: Decimal, org_id: int, now: str) -> Iterator[dict[str, Any]]:
    """A receipt, then maybe a transfer, an issue and a write-off, valued at the average."""

    def movement(on: date, kind: str, where: int, quantity: Decimal, value: Decimal, source: str) -> dict[str, Any]:
        return {"on": min(on, LAST_DAY).isoformat(), "kind": kind, "line_id": line_id, "warehouse_id": where,
                "quantity": int(quantity * 1000), "value_uah": int(value * 100), "source_type": source,
                "source_id": consignment_id, "reversal_of_id": None, "user_id": None, "created_at": now,
                "note": "", "organization_id": org_id}

    yield movement(accepted, "receipt", warehouse, qty, value_uah, "consignment")
    on_hand, value = qty, value_uah
    where = warehouse
    roll = rnd.random()
    if roll < 0.05 and on_hand > 0:
        other = warehouses[(warehouses.index(warehouse) + 1) % len(warehouses)]
        yield movement(accepted + timedelta(days=3), "transfer", where, -on_hand, -value, "transfer")
        yield movement(accepted + timedelta(days=3), "transfer", other, on_hand, value, "transfer")
        where = other
    if roll < 0.45:
        take = quantize_qty(on_hand / 2)
        if take > 0:
            taken = value if take >= on_hand else quantize_money(value * take / on_hand)
            yield movement(accepted + timedelta(days=rnd.randint(1, 60)), "issue", where, -take, -taken,
                           "distribution")
            on_hand, value = on_hand - take, value - taken
    if roll > 0.97 and on_hand > 0:
        yield movement(accepted + timedelta(days=rnd.randint(61, 120)), "write_off", where, -on_hand, -value,
                       "write_off")


# --------------------------------------------------------------------------- the bench

_APP: Any = None
_CONTEXT: Any = None


def _open(rows: int) -> tuple[Any, int]:
    """The app on the data set (one per process, context kept pushed) and the organization id."""
    global _APP, _CONTEXT
    import sqlalchemy as sa

    from tracker.extensions import db
    from tracker.models import Organization

    if _APP is None:
        _APP = _app(ensure_dataset(rows, report=lambda line: None))
        _CONTEXT = _APP.app_context()
        _CONTEXT.push()
    return _APP, db.session.scalar(sa.select(Organization.id).where(Organization.edrpou == EDRPOU))


def receipts_dataset(rows: int) -> tuple[Any, Any]:
    """Ours: the receipts register of all five years through the export's dataset function."""
    from tracker.reports import datasets

    _app_, org_id = _open(rows)
    data = datasets.receipts(org_id, FIRST_DAY, LAST_DAY, language="uk", exported_by="bench",
                             exported_at=datetime(2026, 1, 15, 9, 0))
    return data.meta, data.section


def receipts_query_rows(rows: int) -> tuple[Any, Any]:
    """Bare: the same SQL streamed the same way, each database row passed on untouched."""
    from tracker.reports import datasets, queries
    from tracker.reports.rows import Section

    _app_, org_id = _open(rows)
    data = datasets.receipts(org_id, FIRST_DAY, LAST_DAY, language="uk")
    query = queries.receipt_query(data.filter)

    def raw() -> Iterator[tuple[Any, ...]]:
        for row in queries.stream_rows(query):
            yield tuple(row)

    return data.meta, Section(data.section.title, data.section.columns, raw())


def close() -> None:
    """Pop the app context the sources pushed (a bench child simply exits instead)."""
    global _APP, _CONTEXT
    if _CONTEXT is not None:
        from tracker.extensions import db

        db.session.remove()
        db.engine.dispose()
        _CONTEXT.pop()
    _APP = _CONTEXT = None


def prepare(rows: int, report: Callable[[str], None] = print) -> None:
    """Build the data set in a separate process: Linux carries a process's peak memory over into
    the children it starts, so the generator must not run in the process that measures."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "bench.dataset", str(rows)], cwd=root, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"generating the data set failed ({done.returncode}):\n{done.stderr[-4000:]}")
    for line in done.stdout.splitlines():
        report(line)


BENCHES = {
    "xlsx-receipts": Bench(
        name="xlsx-receipts",
        source="bench.dataset:receipts_dataset",
        bare_source="bench.dataset:receipts_query_rows",
        prepare="bench.dataset:prepare",
        ours="bench.renderers:xlsx_ours",
        bare="bench.renderers:xlsx_bare",
        default_rows=1_000_000,
        rows_env="BENCH_XLSX_ROWS",
        suffix=".xlsx",
    ),
}


if __name__ == "__main__":
    import sys

    ensure_dataset(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
