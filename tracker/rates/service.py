"""NBU exchange rates: manual entry, import of the NBU JSON feed and of CSV, and the rate lookup.

Rates are UAH per one unit of currency, 6 dp, never parsed through float: the JSON feed is
read with ``parse_float=Decimal`` and CSV cells are parsed as text.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.audit.service import record, snapshot
from tracker.errors import DomainError, ValidationFailed
from tracker.extensions import db
from tracker.models import ExchangeRate, RateSource
from tracker.money import FUNCTIONAL_CURRENCY, RATE_PLACES, places_of
from tracker.validators import Errors, check_currency, check_date


class RateMissing(DomainError):
    """No NBU rate for a currency and date: the user must enter or import it, then retry."""

    def __init__(self, currency: str, on: date) -> None:
        super().__init__(_("No NBU rate for %(currency)s on %(date)s. Enter or import the rate and try again.",
                           currency=currency, date=on.isoformat()), {"rate": [_("missing")]})
        self.currency = currency
        self.on = on


@dataclass(frozen=True)
class RateData:
    currency: str
    on: date
    rate: Decimal
    source: RateSource = RateSource.manual


def check_rate_value(rate: Decimal | None) -> str | None:
    if rate is None:
        return _("This field is required.")
    if not rate.is_finite():
        return _("Enter a finite number.")
    if rate <= 0:
        return _("Must be greater than zero.")
    if places_of(rate) > RATE_PLACES:
        return _("At most %(n)d decimal places.", n=RATE_PLACES)
    if rate >= Decimal("1000000"):
        return _("Number is too large.")
    return None


def _validate(data: RateData) -> Errors:
    errors = Errors()
    errors.add("currency", check_currency(data.currency))
    if data.currency == FUNCTIONAL_CURRENCY:
        errors.add("currency", _("UAH is the functional currency; it has no exchange rate."))
    errors.add("on", check_date(data.on) if isinstance(data.on, date) else _("Enter a date."))
    errors.add("rate", check_rate_value(data.rate))
    return errors


def find_rate(currency: str, on: date) -> ExchangeRate | None:
    return db.session.scalar(sa.select(ExchangeRate).where(ExchangeRate.currency == currency, ExchangeRate.on == on))


def create_rate(data: RateData, user_id: int | None, organization_id: int | None) -> ExchangeRate:
    """Enter one rate; a rate for the same currency and date already exists → 409."""
    errors = _validate(data)
    errors.raise_if_any()
    if find_rate(data.currency, data.on) is not None:
        raise ValidationFailed("on", _("A %(currency)s rate for %(date)s already exists; edit it instead.",
                                       currency=data.currency, date=data.on.isoformat()))
    rate = ExchangeRate(currency=data.currency, on=data.on, rate=data.rate, source=data.source)
    db.session.add(rate)
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="create", obj=rate, after=snapshot(rate))
    return rate


def update_rate(rate: ExchangeRate, new_rate: Decimal, user_id: int | None, organization_id: int | None) -> ExchangeRate:
    """Correct a stored rate. Lines valued earlier keep the rate they stored."""
    error = check_rate_value(new_rate)
    if error:
        raise ValidationFailed("rate", error)
    before = snapshot(rate)
    rate.rate = new_rate
    rate.source = RateSource.manual
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="update", obj=rate, before=before,
           after=snapshot(rate))
    return rate


def delete_rate(rate: ExchangeRate, user_id: int | None, organization_id: int | None) -> None:
    before = snapshot(rate)
    db.session.delete(rate)
    db.session.flush()
    record(organization_id=organization_id, user_id=user_id, action="delete", object_type="ExchangeRate",
           object_id=before["id"], before=before)


def get_rate(currency: str, on: date, lookback_days: int = 0) -> tuple[Decimal, date]:
    """UAH per 1 unit of ``currency`` on ``on`` and the date of the rate used.

    UAH answers 1 for that date. Otherwise the rate of that date, or the last one set within
    ``lookback_days`` before it; else :class:`RateMissing` naming currency and date.
    """
    if currency == FUNCTIONAL_CURRENCY:
        return Decimal("1.000000"), on
    row = db.session.execute(
        sa.select(ExchangeRate.rate, ExchangeRate.on)
        .where(ExchangeRate.currency == currency, ExchangeRate.on <= on,
               ExchangeRate.on >= on - timedelta(days=max(lookback_days, 0)))
        .order_by(ExchangeRate.on.desc())
        .limit(1)
    ).first()
    if row is None:
        raise RateMissing(currency, on)
    return row[0], row[1]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)


def _parse_date(text: str) -> date:
    text = text.strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _parse_rate(value: object) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def parse_rates(content: bytes) -> tuple[list[RateData], dict[str, list[str]]]:
    """Rows of an NBU JSON feed or a ``date,currency,rate`` CSV, and per-row errors."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed("file", _("The file is not UTF-8 text.")) from None
    stripped = text.lstrip()
    records: list[tuple[str, object, object, object]] = []  # (row label, date, currency, rate)
    if stripped.startswith("[") or stripped.startswith("{"):
        try:
            payload = json.loads(stripped, parse_float=Decimal, parse_int=Decimal)
        except ValueError:
            raise ValidationFailed("file", _("The file is not valid JSON.")) from None
        if isinstance(payload, dict):
            payload = [payload]
        if not isinstance(payload, list):
            raise ValidationFailed("file", _("Expected a list of NBU rates."))
        for index, item in enumerate(payload, start=1):
            if not isinstance(item, dict):
                records.append((str(index), None, None, None))
                continue
            records.append((str(index), item.get("exchangedate"), item.get("cc"), item.get("rate")))
    else:
        sample = text[:2048]
        delimiter = max((",", ";", "\t"), key=lambda d: sample.splitlines()[0].count(d) if sample else 0)
        # newline="" lets the csv module see every line ending (a lone CR too), as its docs require
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = [h.strip().lower() for h in next(reader, [])]
            csv_rows = list(reader)
        except csv.Error:
            raise ValidationFailed("file", _("The file is neither NBU JSON nor a readable CSV.")) from None
        wanted = {"date": ("date", "on", "exchangedate", "дата"), "currency": ("currency", "cc", "валюта"),
                  "rate": ("rate", "курс")}
        columns: dict[str, int] = {}
        for key, names in wanted.items():
            for index, name in enumerate(header):
                if name in names:
                    columns[key] = index
                    break
        missing = [key for key in wanted if key not in columns]
        if missing:
            raise ValidationFailed("file", _("Missing columns: %(names)s. Expected date, currency, rate.",
                                             names=", ".join(missing)))
        for line_no, row in enumerate(csv_rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            cells = [row[columns[k]] if columns[k] < len(row) else "" for k in ("date", "currency", "rate")]
            records.append((str(line_no), cells[0], cells[1], cells[2]))

    rows: list[RateData] = []
    errors: dict[str, list[str]] = {}
    seen: dict[tuple[str, date], Decimal] = {}
    for label, raw_date, raw_currency, raw_rate in records:
        problems: list[str] = []
        on = rate = None
        currency = str(raw_currency or "").strip().upper()
        try:
            on = _parse_date(str(raw_date or ""))
        except ValueError:
            problems.append(_("bad date %(value)s (expected dd.mm.yyyy or yyyy-mm-dd)", value=raw_date or ""))
        try:
            rate = _parse_rate(raw_rate)
        except ValueError:
            problems.append(_("bad rate %(value)s", value=raw_rate if raw_rate is not None else ""))
        if on is not None and rate is not None:
            data = RateData(currency=currency, on=on, rate=rate, source=RateSource.nbu)
            for messages in _validate(data).values():
                problems.extend(messages)
            key = (currency, on)
            if not problems and key in seen and seen[key] != rate:
                problems.append(_("conflicts with an earlier row for the same currency and date"))
            if not problems:
                if key not in seen:
                    rows.append(data)
                seen[key] = rate
        elif not currency or check_currency(currency):
            problems.append(check_currency(currency) or "")
        if problems:
            errors[f"row {label}"] = [p for p in problems if p]  # a stable key; messages are translated
    if not records:
        raise ValidationFailed("file", _("The file holds no rates."))
    return rows, errors


def import_rates(content: bytes, user_id: int | None, organization_id: int | None) -> ImportResult:
    """Import all rows or none: any row error refuses the whole file (422 with row errors).

    An equal stored rate is left unchanged, a different one is corrected; re-importing the same
    file changes nothing.
    """
    rows, errors = parse_rates(content)
    if errors:
        raise ValidationFailed(errors, _("The file has %(n)d rows with errors; nothing was imported.", n=len(errors)))
    result = ImportResult(rows=len(rows))
    existing = {
        (r.currency, r.on): r
        for r in db.session.scalars(sa.select(ExchangeRate).where(
            ExchangeRate.currency.in_({d.currency for d in rows}),
            ExchangeRate.on.between(min(d.on for d in rows), max(d.on for d in rows)),
        ))
    } if rows else {}
    for data in rows:
        stored = existing.get((data.currency, data.on))
        if stored is None:
            db.session.add(ExchangeRate(currency=data.currency, on=data.on, rate=data.rate, source=RateSource.nbu))
            result.created += 1
        elif stored.rate == data.rate:
            result.unchanged += 1
        else:
            stored.rate = data.rate
            stored.source = RateSource.nbu
            result.updated += 1
    db.session.flush()
    if result.created or result.updated:
        record(organization_id=organization_id, user_id=user_id, action="import_rates", object_type="ExchangeRate",
               after={"created": result.created, "updated": result.updated, "unchanged": result.unchanged})
    return result
