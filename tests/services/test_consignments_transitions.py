"""The consignment state machine: every step, every refusal with its reason, audit, read-only
after acceptance, acceptance posting stock receipts, and race-free numbering."""
from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.consignment_factories import (
    LOOKBACK,
    TODAY,
    add_line,
    clear_through_customs,
    file_documents,
    line_data,
    make_consignment,
    move,
    ready_to_accept,
    standard_rates,
)
from tests.factories import category, make_agreement, make_warehouse, unit
from tracker.consignments import service
from tracker.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from tracker.extensions import db
from tracker.models import (
    AidType,
    AuditEvent,
    ConsignmentEvent,
    ConsignmentStatus,
    GoodsKind,
    MovementKind,
    Origin,
    Role,
    StockMovement,
)
from tracker.stock.queries import balances, on_hand

S = ConsignmentStatus


@pytest.fixture(autouse=True)
def rates(app):
    standard_rates()


def test_numbers_run_per_organization_and_year(world):
    first = make_consignment(world.org, world.partner)
    second = make_consignment(world.org, world.partner)
    other = make_consignment(world.other, world.other_partner)
    next_year = make_consignment(world.org, world.partner, dispatched_on=date(2027, 1, 5),
                                 valuation_on=date(2027, 1, 5))
    assert (first.number, second.number, other.number, next_year.number) == \
        ("2026-0001", "2026-0002", "2026-0001", "2027-0001")


def test_concurrent_creations_never_share_a_number(app, world):
    org_id, partner_id = world.org.id, world.partner.id
    numbers: list[str] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(6)

    def create() -> None:
        with app.app_context():
            try:
                barrier.wait()
                consignment = service.create_consignment(org_id, None, service.ConsignmentData(
                    aid_type=AidType.humanitarian, origin=Origin.abroad, partner_id=partner_id, currency="EUR",
                    valuation_on=date(2026, 11, 10)))
                numbers.append(consignment.number)
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                failures.append(exc)
            finally:
                db.session.remove()

    db.session.commit()
    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert sorted(numbers) == [f"2026-{n:04d}" for n in range(1, 7)]


def test_full_customs_journey_to_closed(world):
    user = world.users["accountant"]
    consignment = ready_to_accept(world.org, world.partner, user.id)
    assert consignment.status == S.cleared
    assert consignment.cleared_on == date(2026, 11, 14)
    assert consignment.report_due_on == date(2027, 2, 12)
    move(consignment, S.accepted, user.id, on=date(2026, 11, 17))
    assert consignment.accepted_on == date(2026, 11, 17)
    with pytest.raises(InvalidTransition) as caught:
        move(consignment, S.closed, user.id)
    assert "report" in caught.value.message
    service.record_report(consignment, user.id, date(2026, 11, 25), today=TODAY)
    move(consignment, S.closed, user.id)
    statuses = db.session.scalars(sa.select(ConsignmentEvent.to_status).where(
        ConsignmentEvent.consignment_id == consignment.id, ConsignmentEvent.action == "transition")
        .order_by(ConsignmentEvent.id)).all()
    assert statuses == ["in_transit", "at_customs", "cleared", "accepted", "closed"]


def test_every_transition_is_audited_with_who_and_what(world):
    user = world.users["accountant"]
    consignment = make_consignment(world.org, world.partner, user.id)
    add_line(consignment, user.id)
    move(consignment, S.in_transit, user.id)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "transition"))
    assert event.user_id == user.id and event.object_id == str(consignment.id)
    assert event.before == {"status": "draft"} and event.after["status"] == "in_transit"


def test_step_out_of_order_names_the_possible_next_steps(world):
    consignment = make_consignment(world.org, world.partner)
    add_line(consignment)
    with pytest.raises(InvalidTransition) as caught:
        move(consignment, S.cleared)
    assert caught.value.status == 409
    assert "in transit" in caught.value.message.lower() and "cancelled" in caught.value.message.lower()
    assert consignment.status == S.draft


def test_goods_from_abroad_cannot_skip_customs(world):
    consignment = make_consignment(world.org, world.partner)
    add_line(consignment)
    with pytest.raises(InvalidTransition):
        move(consignment, S.accepted)


def test_in_transit_needs_lines_and_the_ha_code(world):
    consignment = make_consignment(world.org, world.partner, declaration_code="")
    with pytest.raises(InvalidTransition) as caught:
        move(consignment, S.in_transit)
    problems = caught.value.errors["to"]
    assert any("line" in p for p in problems) and any("unique code" in p for p in problems)


def test_leaving_customs_needs_a_cleared_declaration(world):
    consignment = make_consignment(world.org, world.partner)
    add_line(consignment)
    move(consignment, S.in_transit)
    move(consignment, S.at_customs)
    with pytest.raises(InvalidTransition) as caught:
        move(consignment, S.cleared)
    assert "cleared declaration" in caught.value.message


def test_acceptance_lists_every_unmet_precondition(world):
    consignment = make_consignment(world.org, world.partner)
    add_line(consignment, serial="", unit_value=None)
    clear_through_customs(consignment)
    with pytest.raises(InvalidTransition) as caught:
        move(consignment, S.accepted)
    text = caught.value.message
    for expected in ("without a value", "Serial number", "warehouse", "commission", "Required documents missing",
                     "CMR"):
        assert expected in text
    assert consignment.status == S.cleared
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement)) == 0


def test_acceptance_before_clearance_date_is_refused(world):
    consignment = ready_to_accept(world.org, world.partner)
    with pytest.raises(InvalidTransition) as caught:
        move(consignment, S.accepted, on=date(2026, 11, 13))
    assert "before customs clearance" in caught.value.message


def test_missing_documents_only_a_finance_head_may_override(world):
    consignment = make_consignment(world.org, world.partner, warehouse_id=make_warehouse(world.org).id,
                                   commission_members="O. Bondar")
    add_line(consignment)
    clear_through_customs(consignment)
    file_documents(consignment, "ha_declaration")
    with pytest.raises(Forbidden):
        move(consignment, S.accepted, world.users["accountant"].id, role=Role.accountant,
             override_reason="Originals follow by post")
    head = world.users["finance_head"]
    move(consignment, S.accepted, head.id, role=Role.finance_head, override_reason="Originals follow by post")
    assert consignment.status == S.accepted
    assert consignment.documents_override_reason == "Originals follow by post"
    assert consignment.documents_override_by_id == head.id


def test_acceptance_posts_one_receipt_per_line_into_the_warehouse(world):
    consignment = ready_to_accept(world.org, world.partner)
    second = add_line(consignment, name="Insulin pen", category_id=category(world.org, "medicines").id,
                      unit_id=unit(world.org, "pack").id, quantity=Decimal("240"), unit_value=Decimal("41.9000"),
                      lot="INS-4471", expiry_on=date(2027, 4, 30), serial="")
    file_documents(consignment, "quality_certificate")
    move(consignment, S.accepted, on=date(2026, 11, 17))
    movements = db.session.scalars(sa.select(StockMovement).order_by(StockMovement.id)).all()
    assert [(m.kind, m.line_id, m.quantity, m.value_uah, m.on, m.warehouse_id) for m in movements] == [
        (MovementKind.receipt, consignment.lines[0].id, Decimal("10.000"), Decimal("607653.49"),
         date(2026, 11, 17), consignment.warehouse_id),
        (MovementKind.receipt, second.id, Decimal("240.000"), Decimal("489236.47"), date(2026, 11, 17),
         consignment.warehouse_id),
    ]
    assert on_hand(world.org.id, second.id, consignment.warehouse_id) == Decimal("240.000")
    rows = balances(world.org.id)
    assert {(r.lot, r.quantity, r.value_uah) for r in rows} == {
        ("", Decimal("10.000"), Decimal("607653.49")), ("INS-4471", Decimal("240.000"), Decimal("489236.47"))}
    assert balances(world.org.id, date(2026, 11, 16)) == []
    assert balances(world.other.id) == []


def test_acceptance_act_collects_lines_totals_and_commission(world):
    consignment = ready_to_accept(world.org, world.partner)
    move(consignment, S.accepted, on=date(2026, 11, 17))
    act = service.acceptance_act(consignment)
    assert act.number == consignment.number and act.warehouse == "Central"
    assert act.commission_members == ("O. Bondar, accountant", "O. Kravchuk")
    assert act.total_value_uah == Decimal("607653.49") and act.totals_by_currency == {"EUR": Decimal("12490.00")}
    assert len(act.lines) == 1 and len(act.stock_movement_ids) == 1


def test_accepted_consignment_and_lines_are_read_only(world):
    consignment = ready_to_accept(world.org, world.partner)
    move(consignment, S.accepted)
    line = consignment.lines[0]
    data = service.ConsignmentData(aid_type=consignment.aid_type, origin=consignment.origin,
                                   partner_id=consignment.partner_id, currency="EUR", valuation_on=date(2026, 11, 12))
    for attempt in (
        lambda: service.update_consignment(consignment, None, data, lookback_days=LOOKBACK),
        lambda: add_line(consignment),
        lambda: service.update_line(line, None, line_data(world.org, quantity=Decimal("1")), lookback_days=LOOKBACK),
        lambda: service.delete_line(line, None),
    ):
        with pytest.raises(Conflict) as caught:
            attempt()
        assert caught.value.status == 409 and "read-only" in caught.value.message
    with pytest.raises(InvalidTransition):
        move(consignment, S.cancelled, reason="changed mind")


def test_cancelling_needs_a_reason_and_ends_the_flow(world):
    consignment = make_consignment(world.org, world.partner)
    with pytest.raises(ValidationFailed) as caught:
        move(consignment, S.cancelled)
    assert "reason" in caught.value.errors
    move(consignment, S.cancelled, reason="Convoy called off")
    assert consignment.cancel_reason == "Convoy called off"
    with pytest.raises(InvalidTransition):
        move(consignment, S.draft)
    with pytest.raises(Conflict):
        add_line(consignment)


@pytest.mark.parametrize("over", [
    {"origin": Origin.domestic, "declaration_code": ""},
])
def test_domestic_goods_go_from_draft_to_accepted(world, over):
    warehouse = make_warehouse(world.org)
    consignment = make_consignment(world.org, world.partner, aid_type=AidType.charitable, currency="UAH",
                                   warehouse_id=warehouse.id, commission_members="O. Bondar", **over)
    add_line(consignment, currency="UAH", unit_value=Decimal("1000"))
    with pytest.raises(InvalidTransition):
        move(consignment, S.in_transit)
    file_documents(consignment, "donation_letter")
    move(consignment, S.accepted, on=date(2026, 11, 20))
    assert consignment.status == S.accepted and consignment.arrived_on == date(2026, 11, 20)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement)) == 1


def test_services_are_accepted_without_stock_movements(world):
    agreement = make_agreement(world.org, world.partner, kind="technical_assistance", number="ITA-1",
                               ita_registration_number="4521-06", ita_registered_on=date(2026, 4, 15))
    consignment = make_consignment(world.org, world.partner, aid_type=AidType.technical,
                                   goods_kind=GoodsKind.services, agreement_id=agreement.id, declaration_code="")
    add_line(consignment, name="Consulting", category_id=category(world.org, "services").id,
             unit_id=unit(world.org, "service").id, quantity=Decimal("1"), unit_value=Decimal("5000"), serial="")
    file_documents(consignment, "ita_registration")
    move(consignment, S.accepted, on=date(2026, 11, 20))
    assert consignment.status == S.accepted
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StockMovement)) == 0
    assert consignment.report_due_on == date(2026, 11, 30)  # ITA publication: accepted + 10 days


def test_header_fields_that_define_the_flow_are_fixed_after_the_draft(world):
    consignment = make_consignment(world.org, world.partner)
    add_line(consignment)
    move(consignment, S.in_transit)
    data = service.ConsignmentData(aid_type=AidType.charitable, origin=Origin.abroad,
                                   partner_id=consignment.partner_id, currency="EUR", valuation_on=date(2026, 11, 10))
    with pytest.raises(ValidationFailed) as caught:
        service.update_consignment(consignment, None, data, lookback_days=LOOKBACK)
    assert "aid_type" in caught.value.errors


def test_an_edit_based_on_an_old_version_is_refused(world):
    consignment = make_consignment(world.org, world.partner)
    old = consignment.version
    add_line(consignment)
    with pytest.raises(Conflict) as caught:
        add_line_with_version(consignment, old)
    assert "changed meanwhile" in caught.value.message


def add_line_with_version(consignment, version):
    from tracker.models import Organization

    org = db.session.get(Organization, consignment.organization_id)
    return service.add_line(consignment, None, line_data(org), lookback_days=LOOKBACK, expected_version=version)


def test_foreign_partner_and_warehouse_are_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        make_consignment(world.org, world.other_partner, warehouse_id=make_warehouse(world.other).id)
    assert {"partner_id", "warehouse_id"} <= set(caught.value.errors)


def test_fair_value_needs_a_justification(world):
    from tracker.models import ValuationMethod

    with pytest.raises(ValidationFailed) as caught:
        make_consignment(world.org, world.partner, valuation_method=ValuationMethod.fair_value)
    assert "valuation_justification" in caught.value.errors


def test_timeline_records_lines_and_transitions(world):
    user = world.users["accountant"]
    consignment = make_consignment(world.org, world.partner, user.id)
    add_line(consignment, user.id)
    actions = db.session.scalars(sa.select(ConsignmentEvent.action).where(
        ConsignmentEvent.consignment_id == consignment.id).order_by(ConsignmentEvent.id)).all()
    assert actions == ["create", "add_line"]

