"""The main forms fuzzed with hypothesis through the test client: whatever is typed, the answer is
never a 500, and a refused submission saves nothing (the whole database is unchanged, audit
trail included)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tests.dbstate import database_state
from tracker.extensions import db

#: Submissions per form.
EXAMPLES = 40

JUNK = st.sampled_from([
    "", " ", "NaN", "nan", "Infinity", "-inf", "1e5", "-0", "0", "-1", "1,5", "1 000,50", "0.001", "12.3456789",
    "99999999999999999999999", "2026-02-30", "0001-01-01", "9999-12-31", "31.12.2026", "abc", "=1+1", "+380",
    "@SUM(A1)", "<script>alert(1)</script>", "' OR 1=1 --", "\u202egnp.exe", "😀", "ÄÖÜ", "Ω" * 300,
])
TEXT = st.one_of(JUNK, st.text(max_size=40), st.text(min_size=195, max_size=310))


def one_of(*valid: Any) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from([str(v) for v in valid]), TEXT)


def form(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Any subset of the fields, each valid-looking or junk."""
    return st.fixed_dictionaries({}, optional=fields)


DATES = one_of("2026-01-31", "2023-02-23", "2026-12-01")


def partner_form(ids: dict[str, int]) -> st.SearchStrategy[dict[str, Any]]:
    return form(name=one_of("Stadt Dortmund", "Miasto Lublin", "GIZ"), kind=one_of("municipality", "ngo", "company"),
                country=one_of("DE", "PL", "UA", "de", "XX", "D"), city=TEXT, contact_name=TEXT,
                contact_email=one_of("a@example.org", "not-an-email"), report_language=one_of("uk", "en", "de", "fr"),
                iati_ref=TEXT)


def agreement_form(ids: dict[str, int]) -> st.SearchStrategy[dict[str, Any]]:
    return form(partner_id=one_of(ids["partner"], ids["other_partner"], 0, 2**31), kind=one_of("partnership", "grant"),
                number=one_of("SP-1", "G-2026/7"), signed_on=DATES, title=TEXT, valid_from=DATES, valid_to=DATES,
                budget_amount=one_of("1000.00", "0", "-5", "1.005"), budget_currency=one_of("EUR", "UAH", "JPY", "XXX"),
                ita_registration_number=TEXT, ita_registered_on=DATES, budget_revenue_code=one_of("41010000", "x"))


def item_form(ids: dict[str, int]) -> st.SearchStrategy[dict[str, Any]]:
    return form(name=one_of("Генератор 5 кВт", "Спальник"), category_id=one_of(ids["category"], ids["other_category"]),
                unit_id=one_of(ids["unit"], ids["other_unit"]), hs_code=one_of("850220", "8502 20", "12", "ABCDEF"),
                description=TEXT)


def warehouse_form(ids: dict[str, int]) -> st.SearchStrategy[dict[str, Any]]:
    return form(name=one_of("Центральний склад", "Склад №2"), address=TEXT, responsible_person=TEXT)


def rate_form(ids: dict[str, int]) -> st.SearchStrategy[dict[str, Any]]:
    return form(currency=one_of("EUR", "usd", "UAH", "XXX"), on=DATES,
                rate=one_of("41.123456", "41.1234567", "0", "-1", "1000000"))


def organization_form(ids: dict[str, int]) -> st.SearchStrategy[dict[str, Any]]:
    return form(name_uk=one_of("Житомирська міська рада"), name_en=TEXT,
                edrpou=one_of(*factories.ORG_CODES, "12345678", "0405362"), kind=one_of("council", "ngo", "other"),
                ha_register_entry=TEXT, address=TEXT)


FORMS: dict[str, tuple[Callable[[dict[str, int]], str], Callable[[dict[str, int]], st.SearchStrategy[Any]]]] = {
    "partner (new)": (lambda ids: "/partners/new", partner_form),
    "partner (edit)": (lambda ids: f"/partners/{ids['partner']}/edit", partner_form),
    "agreement": (lambda ids: "/agreements/new", agreement_form),
    "item": (lambda ids: "/catalog/items/new", item_form),
    "warehouse": (lambda ids: "/warehouses/new", warehouse_form),
    "rate": (lambda ids: "/rates/new", rate_form),
    "organization": (lambda ids: "/organization/edit", organization_form),
}


@pytest.fixture
def signed_in(world, client, auth):
    ids = {
        "partner": world.partner.id, "other_partner": world.other_partner.id,
        "category": factories.category(world.org, "generators").id,
        "other_category": factories.category(world.other, "generators").id,
        "unit": factories.unit(world.org, "pcs").id, "other_unit": factories.unit(world.other, "pcs").id,
    }
    auth.login(world.users["admin"].email)
    return client, ids


@pytest.mark.parametrize("name", list(FORMS))
def test_no_submission_fails_and_a_refused_one_saves_nothing(signed_in, name):
    client, ids = signed_in
    url_of, strategy = FORMS[name]
    url = url_of(ids)
    seen: list[int] = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(data=strategy(ids))
    def submit(data: dict[str, Any]) -> None:
        before = database_state()
        response = client.post(url, data=data)
        seen.append(response.status_code)
        assert response.status_code in (302, 422), f"{name}: {response.status_code} for {data!r}"
        if response.status_code == 422:
            assert database_state() == before, f"{name}: a refused submission changed the database: {data!r}"
        db.session.rollback()

    submit()
    assert 422 in seen  # the junk was refused at least once (the check above ran)
