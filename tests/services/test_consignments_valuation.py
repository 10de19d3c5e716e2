"""Valuation by DESIGN.md §3: to the kopeck, ROUND_HALF_UP, rate stored with its date, totals of rounded lines."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.consignment_factories import LOOKBACK, add_line, add_rate, line_data, make_consignment, standard_rates
from tests.factories import category, unit
from tracker.consignments import service
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.models import ConsignmentLine, ExchangeRate
from tracker.rates.service import RateMissing


@pytest.fixture
def consignment(world):
    standard_rates()
    consignment = make_consignment(world.org, world.partner)
    db.session.commit()  # as after the request that registered it
    return consignment


def test_line_value_and_uah_value_to_the_kopeck(consignment):
    line = add_line(consignment)
    assert line.value == Decimal("12490.00")
    assert line.rate == Decimal("48.651200") and line.rate_on == date(2026, 11, 10)
    # 12490.00 × 48.6512 = 607 653.488 → 607 653.49
    assert line.value_uah == Decimal("607653.49")


def test_half_a_cent_and_half_a_kopeck_round_up(world, consignment):
    add_rate("CZK", date(2026, 11, 10), "1.9325")
    # 1 × 0.0250 = 0.025 → 0.03 (half-even would give 0.02)
    line = add_line(consignment, quantity=Decimal("1"), unit_value=Decimal("0.0250"), currency="CZK")
    assert line.value == Decimal("0.03")
    # 2 × 1 = 2.00 CZK × 1.9325 = 3.865 → 3.87 (half-even would give 3.86)
    other = add_line(consignment, quantity=Decimal("2"), unit_value=Decimal("1.0000"), currency="CZK")
    assert other.value_uah == Decimal("3.87")


def test_currency_without_minor_units_rounds_to_whole_yen(consignment):
    # 3 × 1001.5 = 3004.5 JPY → 3005 JPY; × 0.27311 = 820.69555 → 820.70 UAH
    line = add_line(consignment, quantity=Decimal("3"), unit_value=Decimal("1001.5000"), currency="JPY")
    assert line.value == Decimal("3005")
    assert line.value_uah == Decimal("820.70")


def test_totals_are_sums_of_rounded_lines(consignment):
    add_rate("CZK", date(2026, 11, 10), "1.9325")
    for _ in range(2):
        add_line(consignment, quantity=Decimal("1"), unit_value=Decimal("0.0250"), currency="CZK")
    add_line(consignment)
    sums = service.totals(consignment)
    assert sums.by_currency == {"CZK": Decimal("0.06"), "EUR": Decimal("12490.00")}  # not round(0.05) = 0.05
    # 0.03 × 1.9325 = 0.057975 → 0.06, twice, plus 607 653.49
    assert sums.value_uah == Decimal("607653.61")
    assert sums.unvalued == 0 and sums.lines == 3


def test_weekend_valuation_uses_last_rate_and_stores_its_date(world):
    standard_rates()
    consignment = make_consignment(world.org, world.partner, valuation_on=date(2026, 11, 15),
                                   dispatched_on=date(2026, 11, 14))
    line = add_line(consignment)
    assert line.rate_on == date(2026, 11, 13)
    assert line.rate == Decimal("48.703400")


def test_missing_rate_names_currency_and_date_and_saves_nothing(consignment):
    with pytest.raises(RateMissing) as caught:
        add_line(consignment, currency="GBP")
    assert "GBP" in caught.value.message and "2026-11-10" in caught.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConsignmentLine)) == 0


def test_entering_the_missing_rate_and_retrying_values_the_line(consignment):
    with pytest.raises(RateMissing):
        add_line(consignment, currency="GBP")
    db.session.rollback()
    add_rate("GBP", date(2026, 11, 10), "55.1200")
    line = add_line(consignment, currency="GBP", quantity=Decimal("2"), unit_value=Decimal("10.0000"))
    assert line.value_uah == Decimal("1102.40")


def test_uah_lines_have_rate_one(consignment):
    line = add_line(consignment, currency="UAH", unit_value=Decimal("100.5000"), quantity=Decimal("3"))
    assert line.value == Decimal("301.50") and line.rate == Decimal("1") and line.value_uah == Decimal("301.50")


def test_stored_rate_is_never_recomputed_when_the_line_changes(world, consignment):
    line = add_line(consignment)
    stored = db.session.scalar(sa.select(ExchangeRate).where(ExchangeRate.currency == "EUR",
                                                             ExchangeRate.on == date(2026, 11, 10)))
    stored.rate = Decimal("50.000000")
    db.session.flush()
    service.update_line(line, None, line_data(world.org, quantity=Decimal("2")), lookback_days=LOOKBACK)
    assert line.rate == Decimal("48.651200")
    assert line.value_uah == Decimal("121530.70")  # 2498.00 × 48.6512 = 121 530.6976


def test_new_valuation_date_revalues_every_line(world, consignment):
    line = add_line(consignment)
    data = service.ConsignmentData(aid_type=consignment.aid_type, origin=consignment.origin,
                                   partner_id=consignment.partner_id, currency="EUR",
                                   valuation_on=date(2026, 11, 12), dispatched_on=consignment.dispatched_on,
                                   declaration_code=consignment.declaration_code)
    service.update_consignment(consignment, None, data, lookback_days=LOOKBACK)
    assert line.rate_on == date(2026, 11, 12) and line.rate == Decimal("48.703400")
    assert line.value_uah == Decimal("608305.47")  # 12490 × 48.7034 = 608 305.466


def test_line_without_unit_value_stays_unvalued(consignment):
    line = add_line(consignment, unit_value=None)
    assert line.value is None and line.rate is None and line.value_uah is None
    assert service.totals(consignment).unvalued == 1


@pytest.mark.parametrize(("over", "field"), [
    ({"quantity": Decimal("0")}, "quantity"),
    ({"quantity": Decimal("-1")}, "quantity"),
    ({"quantity": Decimal("1.0001")}, "quantity"),
    ({"unit_value": Decimal("1.00001")}, "unit_value"),
    ({"currency": "XYZ"}, "currency"),
    ({"wear_percent": 120, "condition": "used"}, "wear_percent"),
    ({"hs_code": "85a"}, "hs_code"),
])
def test_bad_line_input_is_refused_with_the_field(world, consignment, over, field):
    from tracker.models import Condition

    if "condition" in over:
        over["condition"] = Condition(over["condition"])
    with pytest.raises(ValidationFailed) as caught:
        add_line(consignment, **over)
    assert field in caught.value.errors


def test_medicines_need_lot_and_expiry(world, consignment):
    with pytest.raises(ValidationFailed) as caught:
        add_line(consignment, name="Insulin", category_id=category(world.org, "medicines").id, serial="")
    assert {"lot", "expiry_on"} <= set(caught.value.errors)


def test_expiry_before_dispatch_is_refused(world, consignment):
    with pytest.raises(ValidationFailed) as caught:
        add_line(consignment, name="Insulin", category_id=category(world.org, "medicines").id, lot="INS-1",
                 expiry_on=date(2026, 11, 1))
    assert "before the dispatch date" in caught.value.errors["expiry_on"][0]


def test_another_organizations_category_is_refused(world, consignment):
    foreign = category(world.other, "generators")
    with pytest.raises(ValidationFailed) as caught:
        add_line(consignment, category_id=foreign.id)
    assert "category_id" in caught.value.errors


def test_item_supplies_category_unit_and_name(world, consignment):
    from tests.factories import make_item

    item = make_item(world.org, "Генератор бензиновий 5–6 кВт")
    line = service.add_line(consignment, None, service.LineData(
        name="", quantity=Decimal("1"), unit_value=Decimal("10"), currency="EUR", item_id=item.id, serial="S1"),
        lookback_days=LOOKBACK)
    assert line.name == item.name and line.category_id == item.category_id and line.unit_id == unit(world.org, "pcs").id


def test_hs_codes_are_stored_without_dots_and_spaces(consignment):
    assert add_line(consignment, hs_code="8502.11").hs_code == "850211"
    assert add_line(consignment, hs_code="8502 11").hs_code == "850211"
