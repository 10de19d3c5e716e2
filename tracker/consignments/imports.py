"""Importing a partner's packing list into a consignment: preview, then all rows or none.

The file is read by :func:`tracker.imports.packing_list.parse_packing_list` (header row, column
mapping, numbers, dates, total rows). Here each row becomes a consignment line: the partner's
unit words are mapped to our units, the catalogue item is suggested from what the user chose
for the same partner's wording before (:class:`~tracker.models.ItemAlias`), the category comes
from that item, else from a category column, else from the HS code. A row with any problem
blocks the whole import; on success the lines are valued, the choices are remembered and the
file itself is filed as the consignment's packing-list document.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.audit.service import record
from tracker.consignments import service
from tracker.errors import ValidationFailed
from tracker.extensions import db
from tracker.imports.packing_list import PackingList, parse_packing_list
from tracker.models import (
    Attachment,
    Category,
    Condition,
    Consignment,
    ConsignmentLine,
    Document,
    DocumentStatus,
    DocumentType,
    Item,
    ItemAlias,
    Unit,
)
from tracker.models.base import utcnow
from tracker.uploads import StoredFile
from tracker.validators import Errors

#: The partner's unit words → our unit codes (case-folded, without trailing dots).
UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "pcs": ("pcs", "pc", "pce", "piece", "pieces", "ea", "each", "unit", "units", "stk", "stck", "stück", "stueck",
            "st", "szt", "sztuk", "sztuka", "шт", "штук", "штука", "dose", "dosen", "can", "cans", "tin", "puszka",
            "банка", "flasche", "bottle", "butelka", "пляшка", "rolle", "roll", "rolka", "рулон"),
    "pack": ("pack", "packs", "pk", "pkg", "pckg", "packung", "pack.", "op", "opak", "opakowanie", "уп", "упак",
             "упаковка", "пачка"),
    "set": ("set", "sets", "satz", "kpl", "komplet", "zestaw", "компл", "комплект", "набір"),
    "box": ("box", "boxes", "carton", "ctn", "karton", "kiste", "schachtel", "pudełko", "ящ", "ящик", "коробка"),
    "pair": ("pair", "pairs", "paar", "para", "pary", "пара"),
    "kg": ("kg", "kgs", "kilogram", "kilogramm", "кг"),
    "t": ("t", "tonne", "tonnes", "ton", "tons", "т"),
    "l": ("l", "ltr", "liter", "litre", "litr", "л"),
    "m": ("m", "meter", "metre", "metr", "м"),
    "m2": ("m2", "m²", "qm", "м2", "м²"),
    "m3": ("m3", "m³", "cbm", "м3", "м³"),
    "service": ("service", "services", "dienstleistung", "usługa", "послуга"),
}

#: HS code prefixes → seeded category codes (longest prefix wins); everything else: other_goods.
HS_CATEGORIES: dict[str, str] = {
    "3001": "medicines", "3002": "medicines", "3003": "medicines", "3004": "medicines",
    "3005": "medical_supplies", "3006": "medical_supplies", "4015": "medical_supplies", "9018": "medical_equipment",
    "9019": "medical_equipment", "9020": "medical_equipment", "9021": "medical_equipment",
    "9022": "medical_equipment", "9402": "medical_equipment",
    "8501": "generators", "8502": "generators", "8504": "generators",
    "8702": "vehicles", "8703": "vehicles", "8704": "vehicles", "8705": "vehicles", "8711": "vehicles",
    "8716": "vehicles",
    "8471": "it_equipment", "8517": "it_equipment", "8528": "it_equipment", "8443": "it_equipment",
    "61": "clothing", "62": "clothing", "64": "clothing", "6505": "clothing",
    "6301": "shelter", "6302": "shelter", "6306": "shelter", "6307": "shelter", "9403": "shelter", "9404": "shelter",
    "3401": "hygiene", "3306": "hygiene", "3307": "hygiene", "4818": "hygiene", "9619": "hygiene",
    "2710": "fuel", "2711": "fuel",
    "25": "construction", "44": "construction", "68": "construction", "69": "construction", "70": "construction",
    "72": "construction", "73": "construction",
    "8507": "equipment", "8413": "equipment", "8414": "equipment", "8415": "equipment", "8418": "equipment",
    "8424": "equipment", "8467": "equipment", "8713": "equipment",
}
#: HS chapters 01–24 are food.
_FOOD_CHAPTERS = frozenset(f"{n:02d}" for n in range(1, 25))

_SPACES = re.compile(r"\s+")


def name_key(text: str) -> str:
    """How partner wordings are matched: NFKC, case-folded, spaces collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip().casefold()[:300]


def _unit_word(text: str) -> str:
    return name_key(text).rstrip(".")


def category_for_hs(hs_code: str | None) -> str:
    """The seeded category code suggested by an HS code."""
    code = "".join(ch for ch in (hs_code or "") if ch.isdigit())
    for length in (4, 2):
        found = HS_CATEGORIES.get(code[:length])
        if found and len(code) >= length:
            return found
    if code[:2] in _FOOD_CHAPTERS:
        return "food"
    return "other_goods"


@dataclass
class PreviewRow:
    row_number: int
    values: dict[str, Any]
    line: service.LineData | None
    item_id: int | None
    category_id: int | None
    unit_id: int | None
    #: item suggested from an earlier choice for this partner's wording
    suggested: bool = False
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    packing: PackingList
    rows: list[PreviewRow]
    currency: str
    #: "row N" → messages (the parser's and ours)
    errors: dict[str, list[str]]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors

    @property
    def total(self) -> Decimal | None:
        return self.packing.total

    @property
    def needs_date_format(self) -> bool:
        return any("date format" in message for messages in self.errors.values() for message in messages)


@dataclass(frozen=True)
class ImportOptions:
    mapping: dict[str, str] | None = None
    date_format: str | None = None
    decimal_comma: bool | None = None
    #: row number → catalogue item chosen by the user (0 = none)
    items: dict[int, int] = field(default_factory=dict)
    #: row number → category chosen by the user
    categories: dict[int, int] = field(default_factory=dict)


#: Date formats the user can confirm for dates typed as text.
DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%y")


def _catalogue(organization_id: int) -> tuple[dict[str, Unit], dict[str, Category], dict[int, Category]]:
    units = {u.code: u for u in db.session.scalars(sa.select(Unit).where(Unit.organization_id == organization_id))}
    categories = list(db.session.scalars(sa.select(Category).where(Category.organization_id == organization_id)))
    return units, {c.code: c for c in categories}, {c.id: c for c in categories}


def _match_unit(text: str | None, units: dict[str, Unit]) -> Unit | None:
    if not text:
        return units.get("pcs")
    word = _unit_word(text)
    for unit in units.values():
        if word in {_unit_word(unit.code), _unit_word(unit.name_uk), _unit_word(unit.name_en)}:
            return unit
    for code, words in UNIT_WORDS.items():
        if word in {_unit_word(w) for w in words} and code in units:
            return units[code]
    return None


def _match_category(text: str | None, by_code: dict[str, Category]) -> Category | None:
    if not text:
        return None
    wanted = name_key(text)
    for category in by_code.values():
        if wanted in {name_key(category.code), name_key(category.name_uk), name_key(category.name_en),
                      name_key(category.name_de)}:
            return category
    return None


def suggestions(organization_id: int, partner_id: int, names: list[str]) -> dict[str, Item]:
    """name_key → the catalogue item chosen before for this partner's wording."""
    keys = {name_key(n) for n in names if n}
    if not keys:
        return {}
    aliases = db.session.scalars(sa.select(ItemAlias).where(
        ItemAlias.organization_id == organization_id, ItemAlias.partner_id == partner_id,
        ItemAlias.name_key.in_(keys)))
    return {alias.name_key: alias.item for alias in aliases}


def preview_import(consignment: Consignment, content: bytes, filename: str,
                   options: ImportOptions = ImportOptions()) -> ImportPreview:
    """Parse the file and turn every row into a line as it would be imported, with all errors.

    Raises :class:`ValidationFailed` on ``file``/``mapping`` when the file cannot be read at all
    (wrong type, no header row, required columns missing)."""
    packing = parse_packing_list(content, filename, mapping=options.mapping, date_format=options.date_format,
                                 decimal_comma=options.decimal_comma)
    org_id = consignment.organization_id
    units, by_code, by_id = _catalogue(org_id)
    items = {i.id: i for i in db.session.scalars(sa.select(Item).where(Item.organization_id == org_id))}
    suggested = suggestions(org_id, consignment.partner_id, [r.values.get("name") or "" for r in packing.rows])
    currency = packing.currency or consignment.currency
    rows: list[PreviewRow] = []
    errors: dict[str, list[str]] = {}
    for parsed in packing.rows:
        values = parsed.values
        problems = list(parsed.errors)
        name = values.get("name") or ""
        item = None
        was_suggested = False
        chosen_item = options.items.get(parsed.row_number)
        if chosen_item:
            item = items.get(chosen_item)
            if item is None:
                problems.append(_("Choose an item of your organization's catalogue."))
        elif chosen_item is None and name_key(name) in suggested:
            item = suggested[name_key(name)]
            was_suggested = True
        category = None
        chosen_category = options.categories.get(parsed.row_number)
        if chosen_category:
            category = by_id.get(chosen_category)
            if category is None:
                problems.append(_("Choose a category of your organization."))
        elif item is not None:
            category = by_id.get(item.category_id)
        else:
            category = _match_category(values.get("category"), by_code) or by_code.get(
                category_for_hs(values.get("hs_code"))) or by_code.get("other_goods")
        unit = _match_unit(values.get("unit"), units)
        if unit is None:
            problems.append(_("Unknown unit %(unit)s: use one of %(codes)s, or add the unit to the catalogue.",
                              unit=values.get("unit"), codes=", ".join(sorted(units))))
        row_currency = values.get("currency") or currency
        wear = values.get("wear_percent")
        if wear is not None and wear != wear.to_integral_value():
            problems.append(_("Wear must be a whole percentage."))
            wear = None
        line = None
        if not parsed.errors and values.get("quantity") is not None:
            line = service.LineData(
                name=name, quantity=values["quantity"], currency=row_currency,
                category_id=category.id if category else None, unit_id=unit.id if unit else None,
                item_id=item.id if item else None, unit_value=values.get("unit_value"),
                gross_weight_kg=values.get("gross_weight_kg"),
                condition=Condition(values["condition"]) if values.get("condition") else Condition.new,
                wear_percent=int(wear) if wear is not None else None, lot=values.get("lot") or "",
                expiry_on=values.get("expiry_on"), serial=values.get("serial") or "",
                hs_code=values.get("hs_code") or "",
                source=_("%(file)s, row %(n)d", file=filename[:200], n=parsed.row_number))
            if line.unit_value is None and values.get("value") is not None:
                problems.append(_("Give the unit price: the line value alone is not enough."))
            row_errors: dict[str, list[str]] = {}
            collected = Errors()
            service.resolve_line(line, consignment, collected)  # the same rules as typing the line in
            for key, messages in collected.items():
                if key in ("unit_id", "category_id") and not (unit and category):
                    continue
                for text in messages:
                    row_errors.setdefault(key, []).append(text)
            for key, messages in row_errors.items():
                problems.extend(f"{_field_label(key)}: {m}" for m in messages)
        row = PreviewRow(row_number=parsed.row_number, values=values, line=line, item_id=item.id if item else None,
                         category_id=category.id if category else None, unit_id=unit.id if unit else None,
                         suggested=was_suggested, errors=_unique(problems), warnings=list(parsed.warnings))
        if row.errors:
            errors[f"row {parsed.row_number}"] = row.errors
        rows.append(row)
    return ImportPreview(packing=packing, rows=rows, currency=currency, errors=errors)


def _unique(messages: list[str]) -> list[str]:
    return list(dict.fromkeys(messages))


def _field_label(key: str) -> str:
    from tracker.imports.packing_list import field_labels

    labels = field_labels()
    return labels.get(key.removesuffix("_id"), key)


def remember_items(organization_id: int, partner_id: int, choices: list[tuple[str, int]]) -> None:
    """Remember (or confirm) the item chosen for each of the partner's wordings."""
    for name, item_id in choices:
        key = name_key(name)
        if not key:
            continue
        alias = db.session.scalar(sa.select(ItemAlias).where(
            ItemAlias.organization_id == organization_id, ItemAlias.partner_id == partner_id,
            ItemAlias.name_key == key))
        if alias is None:
            db.session.add(ItemAlias(organization_id=organization_id, partner_id=partner_id, name=name[:300],
                                     name_key=key, item_id=item_id, uses=1))
        else:
            alias.item_id = item_id
            alias.uses += 1
            alias.updated_at = utcnow()
    db.session.flush()


def import_packing_list(consignment: Consignment, user_id: int | None, content: bytes, filename: str,
                        options: ImportOptions = ImportOptions(), *, lookback_days: int,
                        stored: StoredFile | None = None, content_type: str = "") -> list[ConsignmentLine]:
    """Import every row of the packing list as a line of the (not yet accepted) consignment —
    all or none. Row errors → :class:`ValidationFailed` with ``{"row N": [messages]}``; a missing
    rate → :class:`RateMissing`. With ``stored`` the file is also filed as the consignment's
    packing-list document."""
    service.ensure_editable(consignment)
    preview = preview_import(consignment, content, filename, options)
    if not preview.ok:
        raise ValidationFailed(preview.errors, _("%(n)d rows have errors; nothing was imported.",
                                                  n=len(preview.errors)))
    rows = [row.line for row in preview.rows if row.line is not None]
    lines = service.add_lines(consignment, user_id, rows, lookback_days=lookback_days, action="import",
                              message=_("%(n)d lines imported from %(file)s.", n=len(rows), file=filename[:200]))
    remember_items(consignment.organization_id, consignment.partner_id,
                   [(row.values.get("name") or "", row.item_id) for row in preview.rows if row.item_id])
    if stored is not None:
        _file_packing_list(consignment, user_id, filename, stored, content_type)
    return lines


def _file_packing_list(consignment: Consignment, user_id: int | None, filename: str, stored: StoredFile,
                       content_type: str) -> Document:
    document_type = db.session.scalar(sa.select(DocumentType).where(
        DocumentType.organization_id == consignment.organization_id, DocumentType.code == "packing_list"))
    if document_type is None:  # an admin removed the type: keep the file with no document
        raise ValidationFailed("file", _("The document type packing_list is missing; ask an admin to add it."))
    document = Document(organization_id=consignment.organization_id, consignment=consignment,
                        document_type_id=document_type.id, status=DocumentStatus.received, issuer=consignment.partner.name,
                        number=filename[:100], issued_on=None)
    db.session.add(document)
    db.session.flush()
    db.session.add(Attachment(organization_id=consignment.organization_id, document_id=document.id,
                              stored_name=stored.stored_name, original_name=filename[:255] or "packing-list",
                              size=stored.size, content_type=content_type, sha256=stored.sha256,
                              uploaded_by_id=user_id, uploaded_at=utcnow()))
    db.session.flush()
    record(organization_id=consignment.organization_id, user_id=user_id, action="create", obj=document,
           after={"type": "packing_list", "file": filename[:255], "sha256": stored.sha256})
    return document

