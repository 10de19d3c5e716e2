"""Customs: declarations and their history, the document checklist rules, legal deadlines, settings."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.consignment_factories import (
    TODAY,
    add_line,
    clear_through_customs,
    document_type,
    file_documents,
    make_consignment,
    move,
    ready_to_accept,
    standard_rates,
)
from tests.factories import category, make_agreement
from tracker import crud
from tracker.customs import service as customs
from tracker.customs.checklist import ItemState, build_checklist
from tracker.customs.deadlines import DeadlineKind, DeadlineLevel, deadline, open_deadlines, overdue_ha_reports
from tracker.consignments import service as consignments
from tracker.errors import Conflict, InvalidTransition, ValidationFailed
from tracker.models import (
    AidType,
    Condition,
    ConsignmentStatus,
    DeclarationKind,
    DeclarationStatus,
    DocumentStatus,
    GoodsKind,
    Origin,
)
from tracker.settings import service as settings

S = ConsignmentStatus


@pytest.fixture(autouse=True)
def rates(app):
    standard_rates()


def codes(items) -> set[str]:
    return {i.document_type.code for i in items}


# --------------------------------------------------------------------------- checklist

def test_ha_from_abroad_requires_declaration_donation_letter_packing_list_and_cmr(world):
    consignment = make_consignment(world.org, world.partner)
    add_line(consignment)
    checklist = build_checklist(consignment)
    assert codes(checklist.required) == {"ha_declaration", "donation_letter", "packing_list", "cmr"}
    assert codes(checklist.missing) == codes(checklist.required) and not checklist.complete
    file_documents(consignment, "ha_declaration", "cmr")
    checklist = build_checklist(consignment)
    assert codes(checklist.present) == {"ha_declaration", "cmr"}
    assert codes(checklist.missing) == {"donation_letter", "packing_list"}


def test_category_rules_add_documents_for_medicines_and_used_clothing_only(world):
    consignment = make_consignment(world.org, world.partner)
    add_line(consignment, name="Winter jackets", category_id=category(world.org, "clothing").id, serial="")
    assert "disinfection_certificate" not in codes(build_checklist(consignment).required)
    add_line(consignment, name="Used coats", category_id=category(world.org, "clothing").id, serial="",
             condition=Condition.used, wear_percent=30)
    add_line(consignment, name="Insulin", category_id=category(world.org, "medicines").id, serial="", lot="L1",
             expiry_on=date(2027, 5, 1))
    required = codes(build_checklist(consignment).required)
    assert {"disinfection_certificate", "quality_certificate"} <= required


def test_rules_are_date_effective(world):
    before_953 = make_consignment(world.org, world.partner, dispatched_on=date(2023, 6, 1),
                                  valuation_on=date(2023, 6, 1))
    rules = next(i for i in build_checklist(before_953).items if i.document_type.code == "ha_declaration").rules
    assert [r.note[:15] for r in rules] == ["CMU Res. 174: t"]
    before_any = make_consignment(world.org, world.partner, dispatched_on=date(2021, 6, 1),
                                  valuation_on=date(2021, 6, 1))
    assert build_checklist(before_any).required == []


def test_domestic_receipt_needs_no_customs_papers(world):
    consignment = make_consignment(world.org, world.partner, origin=Origin.domestic, declaration_code="",
                                   aid_type=AidType.humanitarian)
    add_line(consignment)
    assert build_checklist(consignment).required == []


def test_documents_of_the_agreement_count_and_missing_or_expired_ones_do_not(world):
    agreement = make_agreement(world.org, world.partner, kind="technical_assistance", number="ITA-1")
    consignment = make_consignment(world.org, world.partner, aid_type=AidType.technical, agreement_id=agreement.id,
                                   declaration_code="")
    doc = customs.add_document(world.org.id, None, customs.DocumentData(
        document_type_id=document_type(world.org, "ita_registration").id, status=DocumentStatus.missing),
        agreement=agreement)
    assert "ita_registration" in codes(build_checklist(consignment).missing)
    customs.update_document(doc, None, customs.DocumentData(
        document_type_id=doc.document_type_id, number="4521-06", status=DocumentStatus.verified))
    assert "ita_registration" in codes(build_checklist(consignment).present)
    customs.update_document(doc, None, customs.DocumentData(
        document_type_id=doc.document_type_id, number="4521-06", status=DocumentStatus.expired))
    assert "ita_registration" in codes(build_checklist(consignment).missing)


def test_documents_nobody_requires_are_listed_as_extra(world):
    consignment = make_consignment(world.org, world.partner)
    file_documents(consignment, "invoice")
    item = next(i for i in build_checklist(consignment).items if i.document_type.code == "invoice")
    assert item.state == ItemState.extra and not item.required


def test_an_admin_can_end_a_rule_and_add_one(world):
    rule = next(i for i in build_checklist(make_consignment(world.org, world.partner)).items
                if i.document_type.code == "cmr").rules[0]
    crud.update(customs.DOCUMENT_RULE, rule, None, customs.DocumentRuleData(
        document_type_id=rule.document_type_id, valid_from=rule.valid_from, origin=rule.origin,
        goods_kind=rule.goods_kind, valid_to=date(2026, 1, 1), note=rule.note))
    crud.create(customs.DOCUMENT_RULE, world.org.id, None, customs.DocumentRuleData(
        document_type_id=document_type(world.org, "invoice").id, valid_from=date(2026, 1, 1),
        aid_type=AidType.humanitarian))
    required = codes(build_checklist(make_consignment(world.org, world.partner)).required)
    assert "cmr" not in required and "invoice" in required


def test_rule_with_unknown_category_or_reversed_period_is_refused(world):
    with pytest.raises(ValidationFailed) as caught:
        crud.create(customs.DOCUMENT_RULE, world.org.id, None, customs.DocumentRuleData(
            document_type_id=document_type(world.org, "invoice").id, valid_from=date(2026, 1, 1),
            valid_to=date(2025, 1, 1), category_code="rockets"))
    assert {"valid_to", "category_code"} <= set(caught.value.errors)


def test_new_organizations_get_the_standard_types_and_rules(world):
    assert document_type(world.other, "cmr") is not None
    assert document_type(world.other, "ha_declaration").name_de


# --------------------------------------------------------------------------- declarations

def test_declaration_history_and_clearing_clears_the_consignment(world):
    user = world.users["accountant"]
    consignment = make_consignment(world.org, world.partner)
    add_line(consignment)
    move(consignment, S.in_transit)
    move(consignment, S.at_customs, on=date(2026, 11, 13))
    declaration = customs.add_declaration(consignment, user.id, customs.DeclarationData(
        kind=DeclarationKind.customs_declaration, number="UA100/1", customs_office="Volyn", checkpoint="Yahodyn",
        duty_exempted_uah=Decimal("15000.00"), vat_exempted_uah=Decimal("121530.70")), today=TODAY)
    with pytest.raises(InvalidTransition):
        customs.change_declaration_status(declaration, user.id, DeclarationStatus.cleared, date(2026, 11, 14),
                                          today=TODAY)
    customs.change_declaration_status(declaration, user.id, DeclarationStatus.submitted, date(2026, 11, 13),
                                      today=TODAY)
    with pytest.raises(ValidationFailed):
        customs.change_declaration_status(declaration, user.id, DeclarationStatus.cleared, date(2026, 11, 12),
                                          today=TODAY)
    customs.change_declaration_status(declaration, user.id, DeclarationStatus.cleared, date(2026, 11, 14),
                                      today=TODAY)
    assert [h.status for h in declaration.history] == [DeclarationStatus.draft, DeclarationStatus.submitted,
                                                       DeclarationStatus.cleared]
    assert consignment.status == S.cleared and consignment.cleared_on == date(2026, 11, 14)


def test_rejected_declaration_can_be_resubmitted(world):
    consignment = make_consignment(world.org, world.partner)
    declaration = customs.add_declaration(consignment, None, customs.DeclarationData(
        kind=DeclarationKind.customs_declaration, number="UA100/2"), today=TODAY)
    for status in (DeclarationStatus.submitted, DeclarationStatus.rejected, DeclarationStatus.submitted):
        customs.change_declaration_status(declaration, None, status, date(2026, 11, 13), today=TODAY)
    assert declaration.status == DeclarationStatus.submitted


def test_domestic_consignments_have_no_declarations(world):
    consignment = make_consignment(world.org, world.partner, origin=Origin.domestic, declaration_code="")
    with pytest.raises(ValidationFailed):
        customs.add_declaration(consignment, None, customs.DeclarationData(
            kind=DeclarationKind.customs_declaration), today=TODAY)


def test_ha_declaration_fills_the_consignment_code(world):
    consignment = make_consignment(world.org, world.partner, declaration_code="")
    customs.add_declaration(consignment, None, customs.DeclarationData(
        kind=DeclarationKind.ha_declaration, number="HA-77-2026"), today=TODAY)
    assert consignment.declaration_code == "HA-77-2026"


def test_negative_duty_is_refused(world):
    consignment = make_consignment(world.org, world.partner)
    with pytest.raises(ValidationFailed) as caught:
        customs.add_declaration(consignment, None, customs.DeclarationData(
            kind=DeclarationKind.customs_declaration, duty_exempted_uah=Decimal("-1")), today=TODAY)
    assert "duty_exempted_uah" in caught.value.errors


# --------------------------------------------------------------------------- deadlines

def test_ha_report_due_ninety_days_after_clearance(world):
    consignment = ready_to_accept(world.org, world.partner)
    info = deadline(consignment, TODAY)
    assert info.kind == DeadlineKind.ha_report and info.due_on == date(2027, 2, 12)
    assert info.level == DeadlineLevel.ok and info.days_left == 78


@pytest.mark.parametrize(("days_after", "level"), [
    (59, DeadlineLevel.ok), (60, DeadlineLevel.warning), (79, DeadlineLevel.warning), (80, DeadlineLevel.urgent),
    (90, DeadlineLevel.urgent), (91, DeadlineLevel.overdue),
])
def test_ha_report_warnings_at_60_and_80_days_and_overdue_after_90(world, days_after, level):
    consignment = ready_to_accept(world.org, world.partner)
    assert deadline(consignment, date(2026, 11, 14) + timedelta(days=days_after)).level == level


def test_recording_the_report_marks_it_done(world):
    consignment = ready_to_accept(world.org, world.partner)
    with pytest.raises(ValidationFailed):
        consignments.record_report(consignment, None, date(2026, 11, 1), today=TODAY)
    with pytest.raises(ValidationFailed):
        consignments.record_report(consignment, None, date(2026, 12, 1), today=TODAY)
    consignments.record_report(consignment, None, date(2026, 11, 25), today=TODAY)
    assert deadline(consignment, date(2027, 6, 1)).level == DeadlineLevel.done
    assert open_deadlines(world.org.id, TODAY) == []


def test_no_report_is_due_before_clearance(world):
    consignment = make_consignment(world.org, world.partner)
    assert deadline(consignment, TODAY) is None
    with pytest.raises(ValidationFailed):
        consignments.record_report(consignment, None, TODAY, today=TODAY)


def test_settings_in_force_at_clearance_decide_the_deadline(world):
    settings.set_setting(world.org.id, None, settings.SettingData("ha_report_due_days", "120", date(2026, 1, 1)))
    settings.set_setting(world.org.id, None, settings.SettingData("ha_report_due_days", "30", date(2026, 12, 1)))
    consignment = ready_to_accept(world.org, world.partner)
    assert consignment.report_due_on == date(2026, 11, 14) + timedelta(days=120)
    other = ready_to_accept(world.other, world.other_partner)
    assert other.report_due_on == date(2027, 2, 12)


def test_bad_setting_values_are_refused(world):
    for value in ("0", "abc", "80,60", "-5"):
        with pytest.raises(ValidationFailed):
            settings.set_setting(world.org.id, None, settings.SettingData("ha_report_warn_days", value,
                                                                          date(2026, 1, 1)))
    with pytest.raises(ValidationFailed):
        settings.set_setting(world.org.id, None, settings.SettingData("no_such_key", "1", date(2026, 1, 1)))


def test_ita_property_publication_due_ten_days_after_acceptance(world):
    agreement = make_agreement(world.org, world.partner, kind="technical_assistance", number="ITA-2",
                               ita_registration_number="4521-06", ita_registered_on=date(2026, 4, 15))
    consignment = make_consignment(world.org, world.partner, aid_type=AidType.technical, agreement_id=agreement.id,
                                   origin=Origin.domestic, declaration_code="", goods_kind=GoodsKind.services)
    add_line(consignment, name="Training", category_id=category(world.org, "services").id, serial="")
    file_documents(consignment, "ita_registration")
    move(consignment, S.accepted, on=date(2026, 11, 20))
    info = deadline(consignment, date(2026, 11, 25))
    assert info.kind == DeadlineKind.ita_publication and info.due_on == date(2026, 11, 30)
    assert deadline(consignment, date(2026, 12, 1)).level == DeadlineLevel.overdue


def test_overdue_ha_report_blocks_new_ha_declarations(world):
    late = ready_to_accept(world.org, world.partner)
    later = date(2027, 3, 1)
    assert overdue_ha_reports(world.org.id, later) == [late]
    fresh = make_consignment(world.org, world.partner, declaration_code="")
    with pytest.raises(Conflict) as caught:
        customs.add_declaration(fresh, None, customs.DeclarationData(kind=DeclarationKind.ha_declaration,
                                                                     number="HA-9"), today=later)
    assert late.number in caught.value.message
    coded = make_consignment(world.org, world.partner)
    add_line(coded)
    with pytest.raises(InvalidTransition) as caught:
        consignments.transition(coded, None, consignments.TransitionData(to=S.in_transit, on=later), today=later)
    assert "overdue" in caught.value.message
    consignments.record_report(late, None, date(2027, 2, 10), today=later)
    consignments.transition(coded, None, consignments.TransitionData(to=S.in_transit, on=later), today=later)
    assert coded.status == S.in_transit
    assert overdue_ha_reports(world.other.id, later) == []


def test_clearing_sets_the_deadline_also_via_a_cleared_declaration_later(world):
    consignment = make_consignment(world.org, world.partner)
    add_line(consignment)
    clear_through_customs(consignment, cleared_on=date(2026, 11, 16))
    assert consignment.report_due_on == date(2027, 2, 14)
