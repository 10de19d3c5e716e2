"""The PDF of every dataset report: valid, fonts embedded, page x of y, the dataset's totals in
the text, empty periods, wide registers; the auditor report's registers, reconciliation and
exceptions; the pages, the API and the CLI."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from tests import stock_factories as sf
from tests.consignment_factories import add_line, add_rate, make_consignment, move
from tests.factories import token_for
from tests.reports.books import PERIOD, RECEIPTS_UAH, make_books
from tests.reports.pdftext import amount, assert_dejavu_only, is_landscape, page_count, pages_text, text
from tracker.customs import service as customs
from tracker.extensions import db
from tracker.ledger import service as ledger
from tracker.models import ConsignmentStatus, DeclarationKind, DeclarationStatus, Role
from tracker.reports import datasets
from tracker.reports.pdf import FONT, MIN_TABLE_FONT_SIZE, _StreamedTable, build_pdf
from tracker.reports.pdf_reports import PDF_REPORTS, render_pdf
from tracker.reports.rows import ColumnKind, ColumnSpec, ReportMeta, Section, Total

QUERY = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def books(app, world):
    return make_books(world)


def pdf(name: str, org_id: int, period=PERIOD, **kwargs) -> bytes:
    out = BytesIO()
    render_pdf(datasets.build(name, org_id, *period, **kwargs), out)
    return out.getvalue()


def total(name: str, org_id: int, section: int, field: str, **kwargs) -> Decimal:
    rows = datasets.build(name, org_id, *PERIOD, **kwargs).sections[section].rows
    return sum((getattr(r, field) or Decimal(0) for r in rows), Decimal("0.00"))


def test_the_pdf_reports_are_the_dataset_reports_but_the_books_own():
    assert PDF_REPORTS == set(datasets.REPORTS) - {"journal", "trial-balance", "ledger"}


@pytest.mark.parametrize("name", sorted(PDF_REPORTS - {"donor"}))
def test_every_pdf_report_embeds_dejavu_only_and_numbers_its_pages(books, name):
    data = pdf(name, books.world.org.id, language="uk")
    assert_dejavu_only(data)
    pages = pages_text(data)
    for index, page in enumerate(pages, 1):
        assert f"Сторінка {index} з {len(pages)}" in page
        assert "Організація 04053625 (ЄДРПОУ 04053625)" in page and "Період: 01.11.2026 – 30.11.2026" in page


def test_register_pdfs_print_the_datasets_totals(books):
    org = books.world.org.id
    receipts = text(pdf("receipts", org))
    assert total("receipts", org, 0, "value_uah") == RECEIPTS_UAH
    assert f"Разом {amount(RECEIPTS_UAH)}" in receipts
    distributions = text(pdf("distributions", org))
    assert f"Разом {amount(total('distributions', org, 0, 'value_uah'))}" in distributions
    assert total("distributions", org, 0, "value_uah") == Decimal("188296.05")
    turnover = text(pdf("stock-turnover", org))
    assert amount(total("stock-turnover", org, 0, "closing_uah")) in turnover
    assert turnover.count("Підсумок") == 4  # grouped by category, a subtotal per category


def test_german_register_headers(books):
    body = text(pdf("distributions", books.world.org.id, language="de"))
    assert "Seite 1 von 1" in body and "Summe" in body and "Einrichtung" in body


def test_ha_report_is_grouped_per_declaration_with_the_datasets_figures(books):
    org = books.world.org.id
    body = text(pdf("ha-report", org))
    assert "HA-2026-000123" in body and "Stromerzeuger 5,5 kW" in body
    assert f"Підсумок: HA-2026-000123" in body
    declared = total("ha-report", org, 0, "declared_uah")
    assert declared == Decimal("607653.49")
    assert amount(declared) in body and amount(total("ha-report", org, 0, "on_hand_uah")) in body
    assert "Головний бухгалтер" in body


@pytest.mark.parametrize("name", sorted(PDF_REPORTS))
def test_an_empty_period_is_a_valid_pdf_that_says_so(app, world, name):
    kwargs = {"partner_id": world.partner.id} if name == "donor" else {}
    data = pdf(name, world.org.id, (date(2020, 1, 1), date(2020, 1, 31)), **kwargs)
    assert_dejavu_only(data)
    assert page_count(data) >= 1
    assert "За цей період даних немає." in text(data) or "Für diesen Zeitraum liegen keine Daten vor." in text(data)


def test_wide_registers_go_landscape_and_keep_every_column_and_number_whole(books):
    data = pdf("receipts", books.world.org.id)
    assert is_landscape(data)
    body = text(data)
    for header in ("Партія", "Вид допомоги", "Курс НБУ", "Дата курсу", "Вартість, грн", "Склад"):
        assert header in body
    # A register far too wide even for A3: numbers and dates keep their width, text wraps.
    columns = [ColumnSpec("name", "Назва", width=40)] + \
        [ColumnSpec(f"m{i}", f"Сума {i}", ColumnKind.MONEY, total=Total.SUM) for i in range(30)] + \
        [ColumnSpec("on", "Дата", ColumnKind.DATE)]
    table = _StreamedTable(Section("W", columns, []), _meta(), 7.5)
    layout = table._layout_for(1105.0)
    assert sum(layout.widths) == pytest.approx(1105.0)
    for column, width in zip(columns, layout.widths):
        if column.kind is ColumnKind.MONEY:
            assert stringWidth(amount("9999999.99"), FONT, layout.font_size) <= width - 5
        if column.kind is ColumnKind.DATE:
            assert stringWidth("30.11.2026", FONT, layout.font_size) <= width - 5
    row = tuple(["x" * 60] + [Decimal("9999999.99")] * 30 + [date(2026, 11, 30)])
    wide = build_pdf(_meta(), Section("W", columns, [row]))
    assert is_landscape(wide) and amount("9999999.99") in text(wide)


def _meta() -> ReportMeta:
    return ReportMeta(organization_name="Організація", organization_edrpou="04053625", title="Реєстр")


def test_normal_registers_keep_the_smallest_font_or_larger(books):
    for name in ("distributions", "customs"):
        dataset = datasets.build(name, books.world.org.id, *PERIOD)
        for section in dataset.sections:
            layout = _StreamedTable(section, dataset.meta, 7.5)._layout_for(1105.0)
            assert layout.font_size >= MIN_TABLE_FONT_SIZE


# ------------------------------------------------------------------ the auditor report


def _overdue_consignment(world) -> object:
    """A humanitarian consignment cleared on 1 July 2026 whose HA report (due 29 September) was
    never filed, still not accepted."""
    user = world.users["accountant"].id
    add_rate("EUR", date(2026, 6, 20), "45.120000")
    consignment = make_consignment(world.org, world.partner, user, valuation_on=date(2026, 6, 20),
                                   dispatched_on=date(2026, 6, 20), declaration_code="HA-2026-000077")
    add_line(consignment, user)
    move(consignment, ConsignmentStatus.in_transit, user, on=date(2026, 6, 20))
    move(consignment, ConsignmentStatus.at_customs, user, on=date(2026, 6, 25))
    declaration = customs.add_declaration(consignment, user, customs.DeclarationData(
        kind=DeclarationKind.customs_declaration, number="UA100000/2026/000777", customs_office="Volyn customs"),
        today=date(2026, 11, 26))
    customs.change_declaration_status(declaration, user, DeclarationStatus.submitted, date(2026, 6, 25),
                                      today=date(2026, 11, 26))
    customs.change_declaration_status(declaration, user, DeclarationStatus.cleared, date(2026, 7, 1),
                                      today=date(2026, 11, 26))
    assert consignment.status == ConsignmentStatus.cleared and consignment.cleared_on == date(2026, 7, 1)
    return consignment


def test_auditor_report_has_the_registers_the_reconciliation_and_every_exception(books):
    world, org = books.world, books.world.org
    head = world.users["finance_head"]
    expired = sf.make_lot(org, world.partner, name="Бинт стерильний", category_code="medicines", quantity="10",
                          value_uah="100.00", lot="B-1", expiry_on=date(2026, 11, 20), into=books.central)
    sf.make_distribution(org, world.users["accountant"], sf.line(books.bags, "5"), on=date(2026, 11, 25))
    overdue = _overdue_consignment(world)
    ledger.close_period(org.id, head.id, Role.finance_head, 2026, 11, today=date(2026, 12, 2))
    ledger.reopen_period(org.id, head.id, Role.finance_head, 2026, 11, reason="Виправлення акта D-2026-0002")
    db.session.commit()

    data = pdf("auditor", org.id)
    assert_dejavu_only(data)
    assert is_landscape(data)
    pages = pages_text(data)
    body = " ".join(pages)
    assert f"Сторінка {len(pages)} з {len(pages)}" in pages[-1]
    for expected in ("Звіт для аудитора", "Реєстр надходжень", "Реєстр розподілу", "Реєстр списань",
                     "Звірка за партіями", "Розбіжності", "Винятки"):
        assert expected in body, expected
    # the registers' totals are the datasets'
    assert amount(total("receipts", org.id, 0, "value_uah")) in body
    assert amount(total("distributions", org.id, 0, "value_uah")) in body
    assert amount(total("auditor", org.id, 0, "received_uah")) in body
    assert amount("1200.00") in body  # the write-off register
    # exceptions
    assert "Відсутні документи" in body  # the insulin lot has no quality certificate
    assert f"Прострочені запаси в наявності {expired.consignment.number}" in body
    assert "Бинт стерильний, B-1" in body and "термін минув 20.11.2026" in body
    assert "Непроведений документ" in body and "не проведено" in body
    assert f"Звіт про ГД прострочено {overdue.number}" in body
    assert "HA-2026-000077: строк 29.09.2026, не подано станом на 30.11.2026" in body
    assert f"Надійшло, не оприбутковано {overdue.number}" in body
    assert "Повторно відкритий період 2026-11" in body and "Виправлення акта D-2026-0002" in body
    # signatures
    for role in ("Склав (бухгалтер)", "Перевірив (начальник фінансового відділу)", "Аудитор"):
        assert role in body


def test_auditor_report_lists_every_reconciliation_difference(books):
    from tracker.models import StockMovement
    import sqlalchemy as sa

    # a movement written behind the application's back: the lot no longer reconciles
    movement = db.session.scalar(sa.select(StockMovement).where(StockMovement.line_id == books.food.id)
                                 .order_by(StockMovement.id))
    db.session.execute(sa.update(StockMovement).where(StockMovement.id == movement.id)
                       .values(quantity=Decimal("49.000")))
    db.session.commit()
    body = text(pdf("auditor", books.world.org.id))
    differences = body.split("Розбіжності", 1)[1].split("Винятки", 1)[0]
    assert "Консерви м'ясні" in differences and amount("1", 3) in differences
    assert "Перевірка цілісності" in body


# ------------------------------------------------------------------ pages, API, CLI


def test_reports_page_offers_pdf_and_streams_it(client, auth, books):
    auth.login(books.world.users["auditor"].email)
    html = client.get("/reports/").get_data(as_text=True)
    for name in PDF_REPORTS:
        assert f'value="{name}.pdf"' in html
    for name in ("journal", "trial-balance", "ledger"):
        assert f'value="{name}.pdf"' not in html
    response = client.get("/reports/auditor.pdf", query_string=QUERY)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Звірка за партіями" in text(response.get_data())
    assert client.get("/reports/journal.pdf", query_string=QUERY).status_code == 404
    assert client.get("/reports/nonsense.pdf", query_string=QUERY).status_code == 404


def test_api_and_cli_produce_pdf_reports(client, runner, books, tmp_path):
    token = token_for(books.world.users["finance_head"], books.world.org)
    db.session.commit()
    response = client.get("/api/v1/reports/ha-report.pdf", query_string=QUERY | {"lang": "en"},
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and "Page 1 of" in text(response.get_data())
    bad = client.get("/api/v1/reports/receipts.pdf", query_string={"from": "2026-12-01", "to": "2026-11-01"},
                     headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 422
    out = tmp_path / "customs.pdf"
    result = runner.invoke(args=["tracker", "export", "customs", "--format", "pdf", "--from", "2026-11-01",
                                 "--to", "2026-11-30", "--org", "04053625", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Митний реєстр" in text(out.read_bytes())
    missing = runner.invoke(args=["tracker", "export", "customs", "--format", "pdf", "--org", "04053625",
                                  "--out", str(tmp_path / "x.pdf")])
    assert missing.exit_code == 1 and "--from" in missing.output
