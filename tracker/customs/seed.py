"""The document types and requirement rules every organization starts with (DOMAIN.md §2).

The same data is written into existing organizations by the migration that created the
tables (as a literal copy there, so later edits here do not change history). Rules marked ⚠
rest on practice or inference, not on a confirmed legal text: an admin can end or edit them.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import AidType, Condition, DocumentRule, DocumentType, GoodsKind, Origin

#: code, name_uk, name_en, name_de
SEED_DOCUMENT_TYPES: tuple[tuple[str, str, str, str], ...] = (
    ("ha_declaration", "Декларація про перелік товарів, що визнаються гуманітарною допомогою",
     "HA goods-list declaration (unique code)", "Erklärung der als humanitäre Hilfe anerkannten Waren"),
    ("donation_letter", "Дарчий лист / сертифікат дарування", "Donation letter / gift certificate",
     "Schenkungsurkunde"),
    ("packing_list", "Пакувальний лист / специфікація", "Packing list", "Packliste"),
    ("invoice", "Інвойс / проформа", "(Pro-forma) invoice", "(Proforma-)Rechnung"),
    ("cmr", "CMR (міжнародна товарно-транспортна накладна)", "CMR road waybill", "CMR-Frachtbrief"),
    ("cover_letter", "Супровідний лист", "Cover letter", "Begleitschreiben"),
    ("disinfection_certificate", "Сертифікат дезінфекції", "Disinfection certificate",
     "Desinfektionsbescheinigung"),
    ("quality_certificate", "Сертифікат якості серії / висновки експертиз", "Batch quality certificate",
     "Chargen-Qualitätszertifikat"),
    ("vehicle_papers", "Документи на транспортний засіб (VIN, реєстрація)", "Vehicle papers (VIN, registration)",
     "Fahrzeugpapiere (FIN, Zulassung)"),
    ("customs_declaration", "Митна декларація", "Customs declaration", "Zollanmeldung"),
    ("ita_registration", "Реєстраційна картка проєкту МТД", "ITA project registration card",
     "Registrierungskarte des TZ-Projekts"),
    ("acceptance_act", "Акт приймання-передачі", "Acceptance act", "Übergabe-/Übernahmeprotokoll"),
    ("ha_report", "Звіт про наявність та розподіл гуманітарної допомоги", "HA availability and distribution report",
     "Bericht über Bestand und Verteilung der humanitären Hilfe"),
    ("ita_publication", "Оприлюднення інформації про майно МТД", "ITA property publication",
     "Veröffentlichung des TZ-Vermögens"),
)

#: aid_type, origin, goods_kind, category_code, condition, document code, valid_from, valid_to, note
SEED_DOCUMENT_RULES: tuple[tuple[str | None, str | None, str | None, str, str | None, str, date, date | None, str],
                           ...] = (
    ("humanitarian", "abroad", "goods", "", None, "ha_declaration", date(2022, 3, 1), date(2023, 11, 30),
     "CMU Res. 174: the carrier's declaration per vehicle at the border [S3]"),
    ("humanitarian", "abroad", "goods", "", None, "ha_declaration", date(2023, 12, 1), None,
     "CMU Res. 953: declared in the Automated System HA, unique code [S2, S53]"),
    ("humanitarian", "abroad", "goods", "", None, "donation_letter", date(2022, 3, 1), None,
     "Customary; firms donating goods are asked for certificates [S42, S43] ⚠"),
    ("humanitarian", "abroad", "goods", "", None, "packing_list", date(2022, 3, 1), None,
     "Customary; weights per package [S42, S43] ⚠"),
    (None, "abroad", "goods", "", None, "cmr", date(2022, 3, 1), None,
     "Road transport [S43] ⚠ end the rule for other transport"),
    (None, None, "goods", "clothing", "used", "disinfection_certificate", date(2022, 3, 1), None,
     "Used clothing, customary [S43] ⚠"),
    (None, None, "goods", "medicines", None, "quality_certificate", date(2022, 3, 1), None,
     "The recipient is liable for quality and safety [S13]"),
    (None, None, "goods", "food", None, "quality_certificate", date(2022, 3, 1), None,
     "The recipient is liable for quality and safety [S13]"),
    (None, None, "goods", "vehicles", None, "vehicle_papers", date(2022, 3, 1), None,
     "VIN and temporary registration (Res. 1235) [S14] ⚠"),
    ("technical", None, None, "", None, "ita_registration", date(2002, 2, 15), None,
     "CMU Res. 153: state registration of the ITA project [S16]"),
    ("charitable", None, None, "", None, "donation_letter", date(2012, 7, 5), None,
     "Law 5073-VI; Res. 1222: the donor sets the purpose [S34, S35]"),
)


def seed_document_rules(organization_id: int) -> None:
    """Give an organization the standard document types and rules (skips type codes it has;
    rules are only added together with newly added types, so edits by an admin survive)."""
    have = {t.code: t for t in db.session.scalars(
        sa.select(DocumentType).where(DocumentType.organization_id == organization_id))}
    added: dict[str, DocumentType] = {}
    for code, uk, en, de in SEED_DOCUMENT_TYPES:
        if code not in have:
            added[code] = DocumentType(organization_id=organization_id, code=code, name_uk=uk, name_en=en, name_de=de)
            db.session.add(added[code])
    db.session.flush()
    for aid, origin, kind, category, condition, code, valid_from, valid_to, note in SEED_DOCUMENT_RULES:
        if code not in added:
            continue
        db.session.add(DocumentRule(
            organization_id=organization_id, document_type_id=added[code].id,
            aid_type=AidType(aid) if aid else None, origin=Origin(origin) if origin else None,
            goods_kind=GoodsKind(kind) if kind else None, category_code=category,
            condition=Condition(condition) if condition else None, valid_from=valid_from, valid_to=valid_to,
            note=note))
    db.session.flush()
