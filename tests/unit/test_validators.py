"""Value rules: EDRPOU check digit, codes, amounts."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tracker.validators import check_amount, check_country, check_currency, check_edrpou, edrpou_check_digit


@pytest.mark.parametrize("code", ["04053625", "00032129", "14360570", "32855961", "43005393", "21560766"])
def test_real_edrpou_codes_pass(app, code):
    assert check_edrpou(code) is None


@pytest.mark.parametrize("code", ["04053626", "1234567", "123456789", "0405362a", "", None])
def test_bad_edrpou_codes_fail(app, code):
    assert check_edrpou(code)


def test_edrpou_second_weight_set_when_remainder_is_ten():
    # 3000000x uses the 7,1,2,… weights; sum 21 → 10? verify both branches produce a digit 0-9
    for first7 in ("3000000", "0000001", "5999999", "9999999"):
        assert 0 <= edrpou_check_digit(first7) <= 9


def test_codes(app):
    assert check_country("DE") is None and check_country("XX")
    assert check_currency("EUR") is None and check_currency("EURO") and check_currency("XYZ")


def test_amount_rules(app):
    assert check_amount(Decimal("1.234"), 2)
    assert check_amount(Decimal("-1"), 2)
    assert check_amount(Decimal("NaN"), 2)
    assert check_amount(Decimal("0"), 2, positive=True)
    assert check_amount(Decimal("12.30"), 2) is None
