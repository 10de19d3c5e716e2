"""A month of books for the report tests, made through the real services (November 2026).

- Consignment ``A`` (humanitarian, Stadt Dortmund, HA declaration HA-2026-000123): 10 generators
  at 1,249.0000 EUR, valued at the NBU rate 48.6512 of 10.11 → 607,653.49 UAH; cleared 14.11,
  accepted into "Центральний склад" on 14.11 through the consignment state machine.
- Lots (accepted 14.11 into the central warehouse): 300 sleeping bags, 45,000.00 UAH; 100 insulin
  pens (lot INS-4471), 10,000.00 UAH.
- An October lot of Miasto Lublin: 50 kg of food, 5,000.00 UAH, of which 20 kg were given out on
  15.10 (so November opens with 30 kg, 3,000.00 UAH).
- 20.11 distribution D1 to the city hospital: 40 bags (6,000.00) and 3 generators (182,296.05).
- 21.11 distribution D2 of 10 insulin pens (1,000.00), reversed on 22.11.
- 23.11 write-off of 12 expired insulin pens (1,200.00).
- 24.11 transfer of 50 bags (7,500.00) to "Склад №2".
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tests import stock_factories as sf
from tests.consignment_factories import move, ready_to_accept, standard_rates
from tests.factories import make_agreement, make_partner
from tracker.extensions import db
from tracker.models import ConsignmentStatus, ConsignmentLine, Role, WriteOffReason
from tracker.stock import documents as docs

PERIOD = (date(2026, 11, 1), date(2026, 11, 30))
GENERATORS_UAH = Decimal("607653.49")
RECEIPTS_UAH = GENERATORS_UAH + Decimal("45000.00") + Decimal("10000.00")


@dataclass
class Books:
    world: Any
    central: Any
    second: Any
    consignment: Any
    generators: ConsignmentLine
    bags: ConsignmentLine
    insulin: ConsignmentLine
    food: ConsignmentLine
    lublin: Any
    agreement: Any
    d1: Any
    d2: Any
    d2_reversal: Any
    write_off: Any
    transfer: Any


def make_books(world: Any) -> Books:
    org = world.org
    accountant, head = world.users["accountant"], world.users["finance_head"]
    standard_rates()
    central = sf.warehouse(org)
    second = sf.warehouse(org, "Склад №2")
    agreement = make_agreement(org, world.partner, number="SP-2023/1")
    consignment = ready_to_accept(org, world.partner, accountant.id, warehouse=central, agreement_id=agreement.id)
    move(consignment, ConsignmentStatus.accepted, accountant.id, on=date(2026, 11, 14))
    generators = consignment.lines[0]
    bags = sf.make_lot(org, world.partner, name="Спальний мішок зимовий", quantity="300", value_uah="45000.00",
                       into=central)
    insulin = sf.make_lot(org, world.partner, name="Інсулін гларгін 100 ОД/мл", category_code="medicines",
                          quantity="100", value_uah="10000.00", lot="INS-4471", expiry_on=date(2027, 2, 18),
                          into=central)
    lublin = make_partner(org, name="Miasto Lublin", country="PL", city="Lublin", report_language="en")
    food = sf.make_lot(org, lublin, name="Консерви м'ясні", category_code="food", quantity="50",
                       value_uah="5000.00", accepted_on=date(2026, 10, 1), into=central)
    sf.make_distribution(org, accountant, sf.line(food, "20"), on=date(2026, 10, 15), post=True,
                         recipient_name="Шелтер № 3", recipient_kind=docs.RecipientKind.individuals,
                         beneficiary_category=docs.BeneficiaryCategory.idps, beneficiaries_count=20,
                         recipient_edrpou="")
    d1 = sf.make_distribution(org, accountant, sf.line(bags, "40"), sf.line(generators, "3"), post=True)
    d2 = sf.make_distribution(org, accountant, sf.line(insulin, "10"), on=date(2026, 11, 21), post=True,
                              purpose="=HYPERLINK(\"http://evil\")")
    d2_reversal = sf.reverse(d2, head, on=date(2026, 11, 22))
    write_off = docs.create_document("write_off", org.id, accountant.id, Role.accountant, docs.WriteOffData(
        on=date(2026, 11, 23), commission_members="О. Бондар\nП. Коваль",
        lines=(sf.line(insulin, "12", reason=WriteOffReason.expired),)), today=sf.TODAY)
    sf.post(write_off, head)
    transfer = docs.create_document("transfer", org.id, accountant.id, Role.accountant, docs.TransferData(
        on=date(2026, 11, 24), from_warehouse_id=central.id, to_warehouse_id=second.id,
        lines=(docs.LineInput(line_id=bags.id, quantity=Decimal("50")),)), today=sf.TODAY)
    sf.post(transfer, head)
    db.session.commit()
    return Books(world, central, second, consignment, generators, bags, insulin, food, lublin, agreement,
                 d1, d2, d2_reversal, write_off, transfer)
