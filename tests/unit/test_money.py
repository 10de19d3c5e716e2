"""The one rounding rule and exact storage of money, quantities and rates."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import ExchangeRate, RateSource
from tracker.models.types import MoneyType
from tracker.money import D, MoneyError, convert, format_money, line_value, minor_units, quantize_money


def test_d_refuses_float_and_non_finite():
    with pytest.raises(MoneyError):
        D(0.1)  # type: ignore[arg-type]
    for bad in ("NaN", "Infinity", "-inf", "abc", ""):
        with pytest.raises(MoneyError):
            D(bad)
    assert D("1 234,5".replace(",", ".")) == Decimal("1234.5")


def test_half_kopeck_rounds_up_not_to_even():
    assert quantize_money(Decimal("0.125")) == Decimal("0.13")
    assert quantize_money(Decimal("0.135")) == Decimal("0.14")
    assert convert(Decimal("10.00"), Decimal("0.012500")) == Decimal("0.13")


def test_currency_without_minor_units():
    assert minor_units("JPY") == 0
    assert line_value(Decimal("3"), Decimal("333.5000"), "JPY") == Decimal("1001")
    assert line_value(Decimal("3"), Decimal("333.3333"), "EUR") == Decimal("1000.00")
    assert format_money(Decimal("1001"), "JPY") == "1\u00a0001 JPY"


def test_value_in_uah_uses_rate_of_six_places():
    # 1200 packs × 4.29 PLN = 5148.00 PLN at 11.3162 → 58255.80 UAH (rounded once, on the line)
    value = line_value(Decimal("1200"), Decimal("4.29"), "PLN")
    assert value == Decimal("5148.00")
    assert convert(value, Decimal("11.316200")) == Decimal("58255.80")


def test_money_column_is_exact_for_many_small_and_huge_values(app):
    values = [Decimal("0.01")] * 5000 + [Decimal("99999999999.99"), Decimal("0.07")]
    rates = [
        ExchangeRate(currency="EUR", on=__import__("datetime").date(2000, 1, 1) + __import__("datetime").timedelta(days=i),
                     rate=Decimal("0.000001") if i % 2 else Decimal("999999.999999"), source=RateSource.manual)
        for i in range(10)
    ]
    db.session.add_all(rates)
    table = sa.table("probe", sa.column("amount", MoneyType))
    with db.engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE probe (amount BIGINT)"))
        conn.execute(table.insert(), [{"amount": v} for v in values])
        total = conn.execute(sa.select(sa.func.sum(table.c.amount, type_=MoneyType))).scalar_one()
        conn.execute(sa.text("DROP TABLE probe"))
    assert total == sum(values, Decimal(0)) == Decimal("100000000050.06")
    db.session.flush()
    stored = db.session.scalars(sa.select(ExchangeRate.rate).order_by(ExchangeRate.on)).all()
    assert stored[0] == Decimal("999999.999999") and stored[1] == Decimal("0.000001")


def test_money_column_refuses_more_places_than_its_scale(app):
    with pytest.raises(MoneyError):
        MoneyType.process_bind_param(Decimal("1.005"), db.engine.dialect)
    assert MoneyType.process_bind_param(Decimal("1.50"), db.engine.dialect) == 150
