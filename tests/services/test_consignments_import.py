"""Packing-list import: both sample files to the cent, date format confirmation, all-or-nothing on
row errors, disguised files, remembered partner item names, the file filed as a document."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import resources

import pytest
import sqlalchemy as sa

from tests.consignment_factories import LOOKBACK, make_consignment, standard_rates
from tests.factories import make_item, make_partner
from tracker.consignments import imports, service
from tracker.customs.checklist import build_checklist
from tracker.errors import Conflict, ValidationFailed
from tracker.extensions import db
from tracker.models import Attachment, ConsignmentLine, ConsignmentStatus, ItemAlias
from tracker.uploads import store_file

DORTMUND = "packing-list-dortmund.xlsx"
LUBLIN = "packing-list-lublin.csv"


def sample(name: str) -> bytes:
    return resources.files("tracker.seed").joinpath(name).read_bytes()


@pytest.fixture
def consignment(world):
    standard_rates()
    consignment = make_consignment(world.org, world.partner)
    db.session.commit()
    return consignment


def run_import(consignment, name, **options):
    return imports.import_packing_list(consignment, None, sample(name), name, imports.ImportOptions(**options),
                                       lookback_days=LOOKBACK)


def line_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ConsignmentLine))


def test_dortmund_needs_its_text_date_confirmed_and_imports_nothing_until_then(consignment):
    preview = imports.preview_import(consignment, sample(DORTMUND), DORTMUND)
    assert not preview.ok and preview.needs_date_format
    assert list(preview.errors) == ["row 18"]
    with pytest.raises(ValidationFailed) as caught:
        run_import(consignment, DORTMUND)
    assert "row 18" in caught.value.errors and "nothing was imported" in caught.value.message
    db.session.rollback()
    assert line_count() == 0


def test_dortmund_imports_twelve_lines_with_exact_totals(world, consignment):
    lines = run_import(consignment, DORTMUND, date_format="%d.%m.%Y")
    assert len(lines) == 12
    totals = service.totals(consignment)
    assert totals.by_currency == {"EUR": Decimal("118144.80")}
    assert totals.value_uah == Decimal("5747886.30")
    assert [str(line.value_uah) for line in lines[:3]] == ["607653.49", "1399257.16", "357099.81"]
    insulin = lines[4]
    assert (insulin.lot, insulin.expiry_on, insulin.category.code, insulin.unit.code) == \
        ("INS-4471", date(2027, 4, 30), "medicines", "pack")
    laptop = lines[7]
    assert (laptop.condition.value, laptop.wear_percent, laptop.category.code) == ("used", 10, "it_equipment")
    formula = lines[11]
    assert (formula.expiry_on, formula.category.code, formula.unit.code) == (date(2027, 12, 31), "food", "pcs")
    assert all(line.rate == Decimal("48.651200") and line.rate_on == date(2026, 11, 10) for line in lines)
    assert lines[0].source.endswith("row 7") and lines[0].hs_code == "850211"


def test_lublin_imports_five_lines_with_exact_totals(world):
    standard_rates()
    lublin = make_partner(world.org, name="Miasto Lublin", country="PL", report_language="en")
    consignment = make_consignment(world.org, lublin, currency="PLN")
    lines = run_import(consignment, LUBLIN)
    assert len(lines) == 5
    totals = service.totals(consignment)
    assert totals.by_currency == {"PLN": Decimal("56627.00")}
    assert totals.value_uah == Decimal("645666.72")
    paracetamol = lines[2]
    assert (paracetamol.lot, paracetamol.expiry_on, paracetamol.unit.code, paracetamol.category.code) == \
        ("PAR7731", date(2028, 2, 29), "pack", "medicines")
    assert lines[0].hs_code == "850211" and lines[0].unit_value == Decimal("2899.0000")


def test_broken_spreadsheet_is_refused_with_row_errors_and_nothing_imported(consignment):
    broken = ("Nazwa;Ilość;Cena jedn.;Data ważności;J.m.\n"
              "Koc;abc;3,15;2031-11-30;szt.\n"
              "Śpiwór;-5;119,90;;szt.\n"
              "Latarka;4;24,50;31.02.2031;szt.\n"
              "Paracetamol;10;4,29;;szt.\n").encode()
    with pytest.raises(ValidationFailed) as caught:
        imports.import_packing_list(consignment, None, broken, "broken.csv", lookback_days=LOOKBACK)
    errors = caught.value.errors
    assert set(errors) >= {"row 2", "row 3", "row 4"}
    db.session.rollback()
    assert line_count() == 0


def test_unknown_unit_and_missing_expiry_are_row_errors(consignment):
    content = ("Name;Quantity;Unit;Unit price;HS code\n"
               "Insulin;10;Fass;4,00;3004.31\n").encode()
    preview = imports.preview_import(consignment, content, "x.csv")
    messages = " ".join(preview.errors["row 2"])
    assert "Unknown unit Fass" in messages and "expiry" in messages.lower()


def test_missing_columns_are_refused_naming_them(consignment):
    with pytest.raises(ValidationFailed) as caught:
        imports.import_packing_list(consignment, None, b"Name;Colour\nTent;green\n", "x.csv", lookback_days=LOOKBACK)
    assert "file" in caught.value.errors and "Quantity" in caught.value.errors["file"][0]


@pytest.mark.parametrize("content", [b"%PDF-1.4 not a packing list", b"MZ\x90\x00\x03 an exe", b"\x89PNG\r\n\x1a\nxx"])
def test_disguised_file_is_refused(consignment, content):
    with pytest.raises(ValidationFailed) as caught:
        imports.import_packing_list(consignment, None, content, "packing.xlsx", lookback_days=LOOKBACK)
    assert "file" in caught.value.errors


def test_mapping_can_be_corrected(consignment):
    content = "Artikel;Stück;Preis;Bemerkung\nZelt;3;100,00;grün\n".encode()
    with pytest.raises(ValidationFailed):
        imports.preview_import(consignment, content, "x.csv", imports.ImportOptions(mapping={"quantity": ""}))
    preview = imports.preview_import(consignment, content, "x.csv",
                                     imports.ImportOptions(mapping={"name": "Artikel", "quantity": "B",
                                                                    "unit_value": "Preis"}))
    assert preview.ok and preview.rows[0].values["quantity"] == Decimal("3")


def test_partner_item_names_are_remembered_and_suggested(world):
    standard_rates()
    generator = make_item(world.org, "Генератор бензиновий 5–6 кВт")
    first = make_consignment(world.org, world.partner)
    run_import(first, DORTMUND, date_format="%d.%m.%Y", items={7: generator.id})
    assert first.lines[0].item_id == generator.id
    alias = db.session.scalar(sa.select(ItemAlias))
    assert alias.item_id == generator.id and alias.partner_id == world.partner.id
    second = make_consignment(world.org, world.partner)
    preview = imports.preview_import(second, sample(DORTMUND), DORTMUND, imports.ImportOptions(date_format="%d.%m.%Y"))
    row = preview.rows[0]
    assert row.item_id == generator.id and row.suggested
    assert preview.rows[1].item_id is None
    other_partner = make_partner(world.org, name="Someone else")
    third = make_consignment(world.org, other_partner)
    assert imports.preview_import(third, sample(DORTMUND), DORTMUND).rows[0].item_id is None


def test_imported_file_is_filed_as_the_packing_list_document(app, world, consignment, tmp_path):
    stored = store_file(sample(LUBLIN), str(tmp_path))
    imports.import_packing_list(consignment, None, sample(LUBLIN), LUBLIN, lookback_days=LOOKBACK, stored=stored,
                                content_type="text/csv")
    attachment = db.session.scalar(sa.select(Attachment))
    assert attachment.original_name == LUBLIN and attachment.sha256 == stored.sha256
    assert "packing_list" in {i.document_type.code for i in build_checklist(consignment).present}


def test_no_import_into_a_cancelled_consignment(world, consignment):
    consignment.status = ConsignmentStatus.cancelled
    with pytest.raises(Conflict):
        run_import(consignment, LUBLIN)
