"""The report datasets: the figures of every register against the services and the stock
ledger, the filters, the period rules and bad arguments (tests/reports/books.py has the month)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.reports.books import GENERATORS_UAH, PERIOD, RECEIPTS_UAH, make_books
from tracker.errors import NotFound, ValidationFailed
from tracker.extensions import db
from tracker.ledger import service as ledger
from tracker.models import ConsignmentLine, Consignment, ConsignmentStatus
from tracker.reports import datasets
from tracker.stock.balances import balances

ZERO = Decimal("0.00")


@pytest.fixture
def books(app, world):
    return make_books(world)


def rows(dataset, index: int = 0):
    return list(dataset.sections[index].rows)


def total(items, field: str) -> Decimal:
    return sum((getattr(r, field) or ZERO for r in items), ZERO)


def test_every_report_has_a_dataset_function_named_after_it():
    assert datasets.report_names() == ["receipts", "customs", "stock-turnover", "distributions", "journal",
                                       "trial-balance", "ha-report", "donor", "auditor", "ledger"]
    for name in datasets.report_names():
        assert getattr(datasets, name.replace("-", "_")).__name__ == name.replace("-", "_")


def test_receipts_total_is_the_sum_of_the_accepted_lines_value_uah(books):
    data = datasets.receipts(books.world.org.id, *PERIOD)
    lines = rows(data)
    assert [r.number for r in lines] == [books.consignment.number, books.bags.consignment.number,
                                         books.insulin.consignment.number]
    assert total(lines, "value_uah") == RECEIPTS_UAH == Decimal("662653.49")
    accepted = db.session.scalar(
        sa.select(sa.func.count()).select_from(ConsignmentLine).join(Consignment)
        .where(Consignment.organization_id == books.world.org.id,
               Consignment.status.in_([ConsignmentStatus.accepted, ConsignmentStatus.closed]),
               Consignment.accepted_on.between(*PERIOD)))
    assert len(lines) == accepted
    generators = lines[0]
    assert (generators.quantity, generators.unit_value, generators.currency, generators.value) == \
        (Decimal("10.000"), Decimal("1249.0000"), "EUR", Decimal("12490.00"))
    assert (generators.rate, generators.rate_on, generators.value_uah) == \
        (Decimal("48.651200"), date(2026, 11, 10), GENERATORS_UAH)
    assert generators.declaration_code == "HA-2026-000123"
    assert generators.agreement == "SP-2023/1"


def test_receipts_leave_out_other_periods_and_other_organizations(books):
    october = datasets.receipts(books.world.org.id, date(2026, 10, 1), date(2026, 10, 31))
    assert [r.name for r in rows(october)] == ["Консерви м'ясні"]
    other = datasets.receipts(books.world.other.id, *PERIOD)
    assert rows(other) == []


def test_filters_select_partner_agreement_aid_type_and_warehouse(books):
    org = books.world.org.id
    by_partner = rows(datasets.receipts(org, date(2026, 1, 1), date(2026, 12, 31), partner_id=books.lublin.id))
    assert [r.partner for r in by_partner] == ["Miasto Lublin"]
    by_agreement = rows(datasets.receipts(org, *PERIOD, agreement_id=books.agreement.id))
    assert [r.number for r in by_agreement] == [books.consignment.number]
    assert rows(datasets.receipts(org, *PERIOD, aid_type="charitable")) == []
    assert len(rows(datasets.receipts(org, *PERIOD, aid_type="humanitarian"))) == 3
    turnover = rows(datasets.stock_turnover(org, *PERIOD, warehouse_id=books.second.id))
    assert [(r.warehouse, r.transferred_qty, r.closing_uah) for r in turnover] == \
        [("Склад №2", Decimal("50.000"), Decimal("7500.00"))]


def test_filters_are_shown_in_the_title_block(books):
    data = datasets.receipts(books.world.org.id, *PERIOD, partner_id=books.world.partner.id, aid_type="humanitarian",
                             warehouse_id=books.central.id, language="en", exported_by="Petro",
                             exported_at=datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc))
    meta = data.meta
    assert (meta.organization_edrpou, meta.organization_name) == ("04053625", "Organization 04053625")
    assert meta.title == "Receipts register"
    assert (meta.period_from, meta.period_to) == PERIOD
    assert meta.filters == (("Partner", "Stadt Dortmund"), ("Aid type", "Humanitarian aid"),
                            ("Warehouse", "Центральний склад"))
    assert meta.exported_by == "Petro" and meta.language == "en"


def test_turnover_opening_plus_in_minus_out_is_closing_per_lot_and_equals_the_stock_balances(books):
    org = books.world.org.id
    lines = rows(datasets.stock_turnover(org, *PERIOD))
    assert [r.category for r in lines] == sorted(r.category for r in lines)  # grouped by category
    for r in lines:
        assert r.opening_qty + r.received_qty - r.issued_qty - r.written_off_qty - r.returned_qty \
            + r.transferred_qty + r.adjusted_qty == r.closing_qty
        assert r.opening_uah + r.received_uah - r.issued_uah - r.written_off_uah - r.returned_uah \
            + r.transferred_uah + r.adjusted_uah == r.closing_uah
    on_hand = {(b.consignment_number, b.warehouse): (b.quantity, b.value_uah) for b in balances(org, PERIOD[1])}
    assert {(r.number, r.warehouse): (r.closing_qty, r.closing_uah) for r in lines} == on_hand
    food = next(r for r in lines if r.name == "Консерви м'ясні")
    assert (food.opening_qty, food.opening_uah, food.closing_uah) == (Decimal("30.000"), Decimal("3000.00"),
                                                                      Decimal("3000.00"))
    insulin = next(r for r in lines if r.lot == "INS-4471")
    # the distribution of 10 pens and its reversal net to nothing; 12 written off
    assert (insulin.issued_qty, insulin.written_off_qty, insulin.written_off_uah, insulin.closing_qty) == \
        (Decimal("0.000"), Decimal("12.000"), Decimal("1200.00"), Decimal("88.000"))
    central_bags = next(r for r in lines if r.name.startswith("Спальний") and r.warehouse == "Центральний склад")
    assert (central_bags.issued_uah, central_bags.transferred_uah, central_bags.closing_uah) == \
        (Decimal("6000.00"), Decimal("-7500.00"), Decimal("31500.00"))


def test_turnover_as_of_an_earlier_period_shows_only_that_history(books):
    lines = rows(datasets.stock_turnover(books.world.org.id, date(2026, 10, 1), date(2026, 10, 31)))
    assert [(r.name, r.received_qty, r.issued_qty, r.closing_qty) for r in lines] == \
        [("Консерви м'ясні", Decimal("50.000"), Decimal("20.000"), Decimal("30.000"))]


def test_distribution_register_shows_reversals_negative_so_totals_are_net(books):
    lines = rows(datasets.distributions(books.world.org.id, *PERIOD, language="en"))
    assert [(r.number, r.status, r.quantity) for r in lines] == [
        (books.d1.number, "Posted", Decimal("40.000")), (books.d1.number, "Posted", Decimal("3.000")),
        (books.d2.number, "Reversed", Decimal("10.000")), (books.d2_reversal.number, "Reversal", Decimal("-10.000"))]
    assert total(lines, "value_uah") == Decimal("188296.05")
    turnover = rows(datasets.stock_turnover(books.world.org.id, *PERIOD))
    assert total(lines, "value_uah") == total(turnover, "issued_uah")


def test_journal_debits_equal_credits_and_the_trial_balance_turnover(books):
    org = books.world.org.id
    postings = rows(datasets.journal(org, *PERIOD))
    assert postings and total(postings, "debit") == total(postings, "credit")
    assert all((p.debit is None) != (p.credit is None) for p in postings)
    trial = rows(datasets.trial_balance(org, *PERIOD))
    assert total(trial, "debit") == total(trial, "credit") == total(postings, "debit")
    assert total(trial, "opening_debit") == total(trial, "opening_credit")
    assert total(trial, "closing_debit") == total(trial, "closing_credit")
    reversal = [p for p in postings if p.reversal_of is not None]
    assert reversal and {p.number for p in reversal} == {books.d2_reversal.journal_entry.number}


def test_trial_balance_equals_the_ledger_service(books):
    org = books.world.org.id
    service = ledger.trial_balance(org, *PERIOD)
    ours = rows(datasets.trial_balance(org, *PERIOD))
    assert [(r.account, r.opening_debit, r.opening_credit, r.debit, r.credit, r.closing_debit, r.closing_credit)
            for r in ours] == \
        [(r.account.code, r.opening_debit, r.opening_credit, r.debit, r.credit, r.closing_debit, r.closing_credit)
         for r in service.rows]
    medicines = next(r for r in ours if r.account == "1512")
    assert (medicines.debit, medicines.credit, medicines.closing_debit) == \
        (Decimal("11000.00"), Decimal("2200.00"), Decimal("8800.00"))


def test_filtered_journal_keeps_whole_entries_so_it_still_balances(books):
    org = books.world.org.id
    postings = rows(datasets.journal(org, *PERIOD, partner_id=books.lublin.id))
    assert postings == []  # Lublin's food moved only in October
    october = rows(datasets.journal(org, date(2026, 10, 1), date(2026, 10, 31), partner_id=books.lublin.id))
    assert october and total(october, "debit") == total(october, "credit")
    assert {p.consignment for p in october} <= {books.food.consignment.number, ""}
    trial = rows(datasets.trial_balance(org, date(2026, 10, 1), date(2026, 10, 31), partner_id=books.lublin.id))
    assert total(trial, "debit") == total(trial, "credit") == total(october, "debit")


def test_ha_report_lists_the_declared_lines_and_what_became_of_them(books):
    lines = rows(datasets.ha_report(books.world.org.id, *PERIOD))
    assert [(r.declaration, r.name, r.declared_qty, r.declared_uah) for r in lines] == \
        [("HA-2026-000123", "Stromerzeuger 5,5 kW", Decimal("10.000"), GENERATORS_UAH)]
    line = lines[0]
    assert (line.distributed_qty, line.distributed_uah) == (Decimal("3.000"), Decimal("182296.05"))
    assert (line.on_hand_qty, line.on_hand_uah) == (Decimal("7.000"), Decimal("425357.44"))
    assert line.distributed_uah + line.written_off_uah + line.returned_uah + line.on_hand_uah == line.declared_uah
    assert (line.cleared_on, line.report_due_on) == (date(2026, 11, 14), date(2027, 2, 12))


def test_donor_statement_adds_up_in_uah_and_in_the_donor_currency(books):
    data = datasets.donor(books.world.org.id, *PERIOD, partner_id=books.world.partner.id)
    lots = rows(data, 0)
    assert {r.partner for r in lots} == {"Stadt Dortmund"}
    generators = next(r for r in lots if r.currency == "EUR")
    assert (generators.received_value, generators.distributed_value, generators.on_hand_value) == \
        (Decimal("12490.00"), Decimal("3747.00"), Decimal("8743.00"))
    for r in lots:
        for unit in ("value", "uah"):
            assert getattr(r, f"received_{unit}") == sum(
                getattr(r, f"{part}_{unit}") for part in ("distributed", "written_off", "returned", "on_hand"))
    summary = rows(data, 1)
    assert [(s.currency, s.lots, s.received_uah) for s in summary] == \
        [("EUR", 1, GENERATORS_UAH), ("UAH", 2, Decimal("55000.00"))]
    assert total(summary, "received_uah") == total(lots, "received_uah")


def test_auditor_reconciles_every_lot_and_lists_differences(books):
    org = books.world.org.id
    data = datasets.auditor(org, *PERIOD)
    lots = rows(data, 0)
    assert {r.name for r in lots} == {"Stromerzeuger 5,5 kW", "Спальний мішок зимовий", "Інсулін гларгін 100 ОД/мл",
                                      "Консерви м'ясні"}  # food: on hand at the start of November
    for r in lots:
        assert r.received_qty == r.issued_qty + r.written_off_qty + r.returned_qty - r.adjusted_qty + r.on_hand_qty
        assert r.difference_qty == 0 and r.difference_uah == 0
    bags = next(r for r in lots if r.name.startswith("Спальний"))
    assert (bags.received_qty, bags.issued_qty, bags.on_hand_qty) == \
        (Decimal("300.000"), Decimal("40.000"), Decimal("260.000"))  # both warehouses
    assert rows(data, 1) == []


def test_auditor_lists_a_lot_whose_movements_do_not_match_what_was_accepted(books):
    # Someone edits a receipt movement behind the application's back.
    org = books.world.org.id
    db.session.execute(sa.text("UPDATE stock_movement SET quantity = quantity - 1000 "
                               "WHERE line_id = :line AND kind = 'receipt'"), {"line": books.bags.id})
    db.session.commit()
    differences = rows(datasets.auditor(org, *PERIOD), 1)
    assert [(r.name, r.difference_qty) for r in differences] == [("Спальний мішок зимовий", Decimal("1.000"))]


def test_customs_register_shows_declarations_documents_and_deadline(books):
    data = datasets.customs(books.world.org.id, *PERIOD, language="en", today=date(2026, 11, 26))
    (consignment,) = rows(data, 0)
    assert (consignment.number, consignment.cleared_on, consignment.report_due_on) == \
        (books.consignment.number, date(2026, 11, 14), date(2027, 2, 12))
    assert (consignment.documents_missing, consignment.missing, consignment.days_left) == (0, "", 78)
    (declaration,) = rows(data, 1)
    assert (declaration.declaration_number, declaration.status) == ("UA100000/2026/123456", "Cleared")
    documents = rows(data, 2)
    assert {d.state for d in documents} == {"Present"} and len(documents) == 4


def test_customs_register_names_missing_documents(app, world):
    from tests.consignment_factories import add_line, make_consignment, standard_rates

    standard_rates()
    consignment = make_consignment(world.org, world.partner)
    add_line(consignment)
    db.session.commit()
    data = datasets.customs(world.org.id, date(2026, 11, 1), date(2026, 11, 30), language="en")
    (row,) = rows(data, 0)
    assert row.documents_missing >= 1 and row.missing
    missing = [d for d in rows(data, 2) if d.state == "Missing"]
    assert len(missing) == row.documents_missing


def test_empty_period_gives_sections_without_rows(books):
    data = datasets.ledger(books.world.org.id, date(2020, 1, 1), date(2020, 1, 31))
    titles = [s.title for s in data.sections]
    assert len(titles) == 13 and "Журнал" in titles or "Journal" in titles
    for section in data.sections:
        values = list(section.iter_values())
        if section.title in ("Trial balance", "Оборотно-сальдова відомість"):
            assert all(v[3:] == (ZERO,) * 6 for v in values)
        else:
            assert values == []


def test_period_ending_before_it_starts_is_refused(app, world):
    with pytest.raises(ValidationFailed) as info:
        datasets.receipts(world.org.id, date(2026, 12, 1), date(2026, 11, 1))
    assert "date_to" in info.value.errors


@pytest.mark.parametrize("kwargs, field", [({"aid_type": "loan"}, "aid_type"), ({"language": "fr"}, "language")])
def test_unknown_aid_type_or_language_is_refused(app, world, kwargs, field):
    with pytest.raises(ValidationFailed) as info:
        datasets.receipts(world.org.id, *PERIOD, **kwargs)
    assert field in info.value.errors


@pytest.mark.parametrize("name", ["partner_id", "agreement_id", "warehouse_id"])
def test_another_organizations_objects_are_not_found(app, world, name):
    from tests.factories import make_agreement, make_warehouse

    foreign = {"partner_id": world.other_partner,
               "agreement_id": make_agreement(world.other, world.other_partner),
               "warehouse_id": make_warehouse(world.other, "Lublin")}[name]
    with pytest.raises(NotFound):
        datasets.receipts(world.org.id, *PERIOD, **{name: foreign.id})


def test_unknown_report_is_not_found_and_names_the_known_ones(app, world):
    with pytest.raises(NotFound) as info:
        datasets.build("balance-sheet", world.org.id)
    assert "receipts" in info.value.message


def test_headers_and_words_follow_the_language(books):
    uk = datasets.distributions(books.world.org.id, *PERIOD, language="uk")
    en = datasets.distributions(books.world.org.id, *PERIOD, language="en")
    assert uk.section.columns[0].label != en.section.columns[0].label
    assert en.meta.labels.total == "Total" and uk.meta.labels.total == "Разом"
    assert rows(uk)[0].status != rows(en)[0].status == "Posted"
