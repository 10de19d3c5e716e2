"""NBU rates: import of both sample formats, re-import, lookup and its clear errors."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import resources

import pytest
import sqlalchemy as sa

from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.models import ExchangeRate
from tracker.rates import service


def sample(name: str) -> bytes:
    return resources.files("tracker.seed").joinpath(name).read_bytes()


def test_import_nbu_json_then_reimport_changes_nothing(app):
    first = service.import_rates(sample("nbu-rates-sample.json"), None, None)
    assert first.created == first.rows > 200 and first.updated == 0
    again = service.import_rates(sample("nbu-rates-sample.json"), None, None)
    assert again.created == 0 and again.updated == 0 and again.unchanged == first.rows
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExchangeRate)) == first.rows


def test_csv_and_json_agree_and_jpy_keeps_its_small_rate(app):
    service.import_rates(sample("rates-sample.csv"), None, None)
    result = service.import_rates(sample("nbu-rates-sample.json"), None, None)
    assert result.updated == 0  # same figures in both files, parsed without float
    assert service.get_rate("JPY", date(2026, 10, 1)) == (Decimal("0.275040"), date(2026, 10, 1))
    assert service.get_rate("EUR", date(2026, 10, 1))[0] == Decimal("48.123400")


def test_lookup_uses_last_rate_within_lookback_and_names_what_is_missing(app):
    service.import_rates(b"date,currency,rate\n2026-10-02,EUR,48.2536\n", None, None)
    assert service.get_rate("EUR", date(2026, 10, 4), lookback_days=4) == (Decimal("48.253600"), date(2026, 10, 2))
    with pytest.raises(service.RateMissing) as exc:
        service.get_rate("EUR", date(2026, 10, 4))
    assert "EUR" in exc.value.message and "2026-10-04" in exc.value.message
    with pytest.raises(service.RateMissing):
        service.get_rate("USD", date(2026, 10, 2), lookback_days=4)
    assert service.get_rate("UAH", date(2026, 10, 2))[0] == Decimal("1")


def test_broken_file_imports_nothing_and_lists_rows(app):
    content = (b"date,currency,rate\n2026-10-01,EUR,48.1\n32.13.2026,EUR,1\n2026-10-02,XYZ,1\n"
               b"2026-10-03,USD,-4\n2026-10-04,USD,1.1234567\n2026-10-05,GBP,NaN\n")
    with pytest.raises(ValidationFailed) as exc:
        service.import_rates(content, None, None)
    assert set(exc.value.errors) == {"row 3", "row 4", "row 5", "row 6", "row 7"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExchangeRate)) == 0


@pytest.mark.parametrize("content", [b"", b"not,a,rates\n1,2,3\n", b"[{]", b"\xff\xfe\x00", b"{\"a\": 1}"])
def test_malformed_files_are_refused(app, content):
    with pytest.raises(ValidationFailed):
        service.import_rates(content, None, None)


def test_manual_rate_rules(app):
    rate = service.create_rate(service.RateData("EUR", date(2026, 11, 2), Decimal("48.5")), None, None)
    with pytest.raises(ValidationFailed):
        service.create_rate(service.RateData("EUR", date(2026, 11, 2), Decimal("48.6")), None, None)
    for bad in (Decimal("0"), Decimal("-1"), Decimal("1.0000001")):
        with pytest.raises(ValidationFailed):
            service.create_rate(service.RateData("USD", date(2026, 11, 2), bad), None, None)
    with pytest.raises(ValidationFailed):
        service.create_rate(service.RateData("UAH", date(2026, 11, 2), Decimal("1")), None, None)
    service.update_rate(rate, Decimal("48.51"), None, None)
    assert rate.rate == Decimal("48.510000")
