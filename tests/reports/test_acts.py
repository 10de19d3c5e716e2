"""The acts: acceptance (lines in currency and UAH with the rate, commission), distribution
(recipient, signatures), write-off (reason, commission) — their text in uk and de, fonts, the
document pages, the API and the CLI, and the refusals (another organization, drafts)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests import stock_factories as sf
from tests.factories import token_for
from tests.reports.books import GENERATORS_UAH, make_books
from tests.reports.pdftext import amount, assert_dejavu_only, page_count, pages_text, text
from tracker.errors import InvalidTransition, NotFound, ValidationFailed
from tracker.extensions import db
from tracker.models import AuditEvent, BeneficiaryCategory, RecipientKind
from tracker.reports import acts


@pytest.fixture
def books(app, world):
    return make_books(world)


def api_headers(world, role="auditor"):
    token = token_for(world.users[role], world.org)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_acceptance_act_lists_each_line_in_currency_and_uah_with_its_rate_and_the_commission(books):
    act, data = acts.render_act("acceptance-act", books.world.org.id, books.consignment.id, "uk")
    assert_dejavu_only(data)
    pages = pages_text(data)
    assert f"Сторінка {len(pages)} з {len(pages)}" in pages[-1]
    body = " ".join(pages)
    number = books.consignment.number
    for expected in (f"Акт приймання № {number} від 14.11.2026", "ЗАТВЕРДЖУЮ", "Керівник",
                     "Організація 04053625", "ЄДРПОУ 04053625", "Stadt Dortmund, Dortmund, DE", "SP-2023/1",
                     "HA-2026-000123", "UA100000/2026/123456", "Stromerzeuger 5,5 kW", "GEN-001",
                     amount("1249.0000", 4), "EUR", amount("12490.00"), "48.651200", "10.11.2026",
                     amount(GENERATORS_UAH), "Приймальна комісія", "Голова комісії", "O. Bondar, accountant",
                     "Член комісії", "O. Kravchuk", "Прийняв (матеріально відповідальна особа)",
                     f"Разом у валюті документів: {amount('12490.00')} EUR",
                     f"Загальна вартість прийнятого: {amount(GENERATORS_UAH)} UAH"):
        assert expected in body, expected
    # the figures are the consignment's own act data (the HTML act prints the same)
    assert act.extra["total_uah"] == GENERATORS_UAH == sum(l.value_uah for l in books.consignment.lines)
    assert act.extra["by_currency"] == {"EUR": Decimal("12490.00")}


def test_acceptance_act_in_german_keeps_umlauts_and_the_ukrainian_names(books):
    _act, data = acts.render_act("acceptance-act", books.world.org.id, books.consignment.id, "de")
    body = text(data)
    for expected in (f"Übernahmeprotokoll Nr. {books.consignment.number} vom 14.11.2026", "Übernahmekommission",
                     "Vorsitz der Kommission", "Wert in Währung", "Stromerzeuger und Energietechnik",
                     "Seite 1 von", "Humanitäre Hilfe", "Центральний склад"):
        assert expected in body, expected
    assert_dejavu_only(data)


def test_distribution_act_to_an_institution_names_it_with_its_edrpou_and_has_both_signatures(books):
    _act, data = acts.render_act("distribution-act", books.world.org.id, books.d1.id, "uk")
    body = text(data)
    for expected in (f"№ {books.d1.number} від 20.11.2026", "Установа", "КНП «Лікарня № 1»", "01990016",
                     "Спальний мішок зимовий", amount("40", 3), amount("6000.00"), "Stromerzeuger 5,5 kW",
                     amount("182296.05"), f"Разом {amount('188296.05')}", "Передав", "Отримав",
                     "Представник отримувача", "Матеріально відповідальна особа"):
        assert expected in body, expected


def test_distribution_act_to_people_gives_their_category_and_number(books):
    org, accountant = books.world.org, books.world.users["accountant"]
    doc = sf.make_distribution(org, accountant, sf.line(books.bags, "25"), on=date(2026, 11, 25), post=True,
                               recipient_kind=RecipientKind.individuals, recipient_name="ВПО, гуртожиток № 2",
                               recipient_edrpou="", beneficiary_category=BeneficiaryCategory.idps,
                               beneficiaries_count=25)
    db.session.commit()
    body = text(acts.render_act("distribution-act", org.id, doc.id, "uk")[1])
    for expected in ("ВПО, гуртожиток № 2", "Внутрішньо переміщені особи", "Кількість осіб 25",
                     "Особа, відповідальна за видачу набувачам", "відомості видачі"):
        assert expected in body, expected


def test_a_reversed_distribution_act_says_by_which_document(books):
    body = text(acts.render_act("distribution-act", books.world.org.id, books.d2.id, "uk")[1])
    assert f"Сторновано документом {books.d2_reversal.number} від 22.11.2026." in body
    reversal = text(acts.render_act("distribution-act", books.world.org.id, books.d2_reversal.id, "uk")[1])
    assert f"Цей документ сторнує {books.d2.number} від 21.11.2026." in reversal


def test_write_off_act_gives_the_reason_and_the_commission(books):
    _act, data = acts.render_act("write-off-act", books.world.org.id, books.write_off.id, "uk")
    body = text(data)
    for expected in (f"Акт списання № {books.write_off.number} від 23.11.2026", "Інсулін гларгін 100 ОД/мл",
                     "INS-4471", "придатне до 18.02.2027", "Термін придатності минув", amount("12", 3),
                     amount("1200.00"), "Комісія зі списання", "Голова комісії О. Бондар", "Член комісії П. Коваль"):
        assert expected in body, expected
    assert_dejavu_only(data)


def test_very_long_names_wrap_inside_the_act(books):
    org = books.world.org
    lot = sf.make_lot(org, books.world.partner, name="Довженазва" * 30, quantity="1", value_uah="1.00")
    db.session.commit()
    _act, data = acts.render_act("acceptance-act", org.id, lot.consignment_id, "uk")
    assert page_count(data) <= 2
    assert "Довженазва" in text(data)


def test_acts_refuse_other_organizations_documents_drafts_and_unaccepted_consignments(books):
    other = books.world.other
    with pytest.raises(NotFound):
        acts.render_act("acceptance-act", other.id, books.consignment.id)
    with pytest.raises(NotFound):
        acts.render_act("write-off-act", other.id, books.write_off.id)
    draft = sf.make_distribution(books.world.org, books.world.users["accountant"], sf.line(books.bags, "1"))
    with pytest.raises(InvalidTransition):
        acts.render_act("distribution-act", books.world.org.id, draft.id)
    with pytest.raises(ValidationFailed):
        acts.render_act("acceptance-act", books.world.org.id, books.consignment.id, "fr")
    with pytest.raises(ValidationFailed):
        acts.render_act("acceptance-act", books.world.org.id, None)
    with pytest.raises(NotFound):
        acts.render_act("transfer-act", books.world.org.id, 1)


def test_unaccepted_consignment_has_no_acceptance_act_yet(app, world):
    from tests.consignment_factories import add_line, make_consignment, standard_rates

    standard_rates()
    consignment = make_consignment(world.org, world.partner)
    add_line(consignment)
    db.session.commit()
    with pytest.raises(InvalidTransition, match="після її прийняття"):
        acts.render_act("acceptance-act", world.org.id, consignment.id)


# ------------------------------------------------------------------ pages, API, CLI


@pytest.mark.parametrize("kind", ["acceptance", "distribution", "write_off"])
def test_act_pages_stream_the_pdf_and_record_the_export(client, auth, books, kind):
    path, doc_id, name = {"acceptance": ("consignments", books.consignment.id, "acceptance-act"),
                          "distribution": ("distributions", books.d1.id, "distribution-act"),
                          "write_off": ("write-offs", books.write_off.id, "write-off-act")}[kind]
    auth.login(books.world.users["auditor"].email)
    response = client.get(f"/{path}/{doc_id}/act.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    data = response.get_data()
    assert data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{name}_04053625_')
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.object_id == name and event.after["document_id"] == doc_id and event.after["channel"] == "web"
    german = client.get(f"/{path}/{doc_id}/act.pdf?lang=de")
    assert "Seite 1 von" in text(german.get_data())


def test_act_pages_answer_404_for_another_organizations_document_and_409_for_a_draft(client, auth, books):
    auth.login(books.world.other_users["finance_head"].email)
    assert client.get(f"/consignments/{books.consignment.id}/act.pdf").status_code == 404
    assert client.get(f"/distributions/{books.d1.id}/act.pdf").status_code == 404
    assert client.get(f"/write-offs/{books.write_off.id}/act.pdf").status_code == 404
    auth.logout()
    draft = sf.make_distribution(books.world.org, books.world.users["accountant"], sf.line(books.bags, "1"))
    db.session.commit()
    auth.login(books.world.users["accountant"].email)
    response = client.get(f"/distributions/{draft.id}/act.pdf")
    assert response.status_code == 409
    assert client.get(f"/distributions/{books.d1.id}/act.pdf?lang=fr").status_code == 422
    assert client.get("/distributions/99999/act.pdf").status_code == 404


def test_consignment_page_links_the_pdf_act(client, auth, books):
    auth.login(books.world.users["accountant"].email)
    html = client.get(f"/consignments/{books.consignment.id}").get_data(as_text=True)
    assert f"/consignments/{books.consignment.id}/act.pdf" in html


def test_api_prints_acts_by_name_and_id(client, books):
    headers = api_headers(books.world)
    response = client.get("/api/v1/reports/write-off-act.pdf", query_string={"id": books.write_off.id},
                          headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Акт списання" in text(response.get_data())
    missing = client.get("/api/v1/reports/write-off-act.pdf", headers=headers)
    assert missing.status_code == 422 and missing.mimetype == "application/problem+json"
    assert client.get("/api/v1/reports/write-off-act.xlsx", query_string={"id": books.write_off.id},
                      headers=headers).status_code == 404
    other = {"Authorization": f"Bearer {token_for(books.world.other_users['auditor'], books.world.other)}"}
    db.session.commit()
    assert client.get("/api/v1/reports/acceptance-act.pdf", query_string={"id": books.consignment.id},
                      headers=other).status_code == 404


def test_cli_writes_an_act(runner, books, tmp_path):
    out = tmp_path / "act.pdf"
    result = runner.invoke(args=["tracker", "export", "acceptance-act", "--format", "pdf", "--id",
                                 str(books.consignment.id), "--org", "04053625", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Акт приймання" in text(out.read_bytes())
    missing = runner.invoke(args=["tracker", "export", "acceptance-act", "--format", "pdf", "--org", "04053625",
                                  "--out", str(tmp_path / "x.pdf")])
    assert missing.exit_code == 1 and "id" in missing.output
    assert not (tmp_path / "x.pdf").exists()
