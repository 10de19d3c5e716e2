"""The donor report: a German Verwendungsnachweis in the donor's language (DOMAIN.md §3).

Per partner (or one agreement of it) and period, in uk, en or de (the partner's report language
unless another is chosen):

1. cover — the recipient and the donor, the agreement, the period;
2. the narrative the user wrote for this report and language (``tracker/donor``);
3. the financial statement — received by aid type and category in UAH and the donor's
   currency, what became of it (distributed, written off, returned, on hand) per category, the
   exchange rates used, and a chart of received against distributed by category;
4. the consignments with their customs status;
5. distribution in aggregates only: recipients by kind, people by beneficiary category and
   count — never a name, an EDRPOU or a purpose text (privacy by design, DOMAIN.md §7.8);
6. what remains on hand at the period's end;
7. the photos chosen for the report; the recipient's signatures.

The figures of 3, 5 (values) and 6 are the "donor" dataset's rows (``queries.donor_rows`` and
``donor_summary_rows``), the same the Excel export prints; this module only groups them. The
consignment list, the rates and the distribution aggregates are read here (the dataset has no
such sections). :func:`donor_document` gathers everything into a :class:`DonorDocument` of
plain blocks; :func:`build_donor_pdf` (pure) lays it out. :func:`render_donor_report` is the
one call for other features (the monthly e-mail).
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import IO, Any, NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from tracker.errors import DomainError, ValidationFailed
from tracker.extensions import db
from tracker.models import (
    Agreement,
    AidType,
    BeneficiaryCategory,
    Consignment,
    ConsignmentLine,
    ConsignmentStatus,
    DeclarationKind,
    Distribution,
    DistributionLine,
    Organization,
    Partner,
    RecipientKind,
    StockDocumentStatus,
)
from tracker.money import format_money
from tracker.reports import datasets, queries
from tracker.reports.datasets import Dataset
from tracker.reports.pdf import PdfReport
from tracker.reports.queries import DonorRow, ReportFilter, Words
from tracker.reports.rows import ColumnKind, ColumnSpec, ReportMeta, Section, Signatory, Total, format_date
from tracker.scoping import get_scoped

__all__ = [
    "Block",
    "DonorDocument",
    "build_donor_pdf",
    "donor_document",
    "render_donor_dataset",
    "render_donor_report",
]

T, M, Q, R, DT, I = (ColumnKind.TEXT, ColumnKind.MONEY, ColumnKind.QTY, ColumnKind.RATE, ColumnKind.DATE,
                     ColumnKind.INT)
S = Total.SUM
ZERO = Decimal("0.00")
ZERO_QTY = Decimal("0.000")


# --------------------------------------------------------------------------- the document model

@dataclass(frozen=True)
class Block:
    """One piece of the report, in order: heading, text, pairs, table, chart, photo, signatures."""

    kind: str
    text: str = ""
    level: int = 1
    small: bool = False
    pairs: Sequence[tuple[str, str]] = ()
    section: Section | None = None
    categories: Sequence[str] = ()
    series: Sequence[tuple[str, Sequence[Decimal]]] = ()
    image: bytes = b""
    people: Sequence[Signatory] = ()


@dataclass(frozen=True)
class DonorDocument:
    """A donor report ready to print, and its key figures (for callers and tests)."""

    meta: ReportMeta
    blocks: Sequence[Block]
    language: str
    partner_id: int
    totals: dict[str, Decimal] = field(default_factory=dict)
    #: Donor currency → received value in that currency.
    received_by_currency: dict[str, Decimal] = field(default_factory=dict)


def build_donor_pdf(document: DonorDocument, out: IO[bytes] | None = None) -> bytes | None:
    """Lay the donor report out (pure: no database, no Flask). Bytes, or None into ``out``."""
    report = PdfReport(document.meta)
    for block in document.blocks:
        if block.kind == "heading":
            report.heading(block.text, level=block.level)
        elif block.kind == "text":
            report.paragraph(block.text, small=block.small)
        elif block.kind == "pairs":
            report.key_values(block.pairs)
        elif block.kind == "table":
            assert block.section is not None
            report.table(block.section, heading=False)
        elif block.kind == "chart":
            report.bar_chart(block.categories, block.series, title=block.text, places=0)
        elif block.kind == "photo":
            report.image(block.image, caption=block.text)
        elif block.kind == "signatures":
            report.signatures(block.people, heading=block.text)
        elif block.kind == "break":
            report.page_break()
        else:  # pragma: no cover - a programming error
            raise ValueError(f"unknown block {block.kind!r}")
    return report.build(out)


# --------------------------------------------------------------------------- reads the dataset lacks

class ConsignmentRow(NamedTuple):
    number: str
    aid_type: str
    status: str
    dispatched_on: date | None
    cleared_on: date | None
    accepted_on: date | None
    declaration: str
    customs: str
    value: str
    value_uah: Decimal


def consignment_rows(f: ReportFilter, words: Words) -> list[ConsignmentRow]:
    """The partner's consignments of the period with their customs status: received (accepted)
    in it, cleared in it, or still on the way or at customs by its end."""
    start = f.date_from or date(1900, 1, 1)
    end = f.date_to or date(9999, 12, 31)
    on_the_way = (ConsignmentStatus.in_transit, ConsignmentStatus.at_customs, ConsignmentStatus.cleared)
    query = (sa.select(Consignment)
             .where(Consignment.organization_id == f.organization_id,
                    Consignment.status.not_in((ConsignmentStatus.draft, ConsignmentStatus.cancelled)),
                    sa.or_(Consignment.accepted_on.between(start, end), Consignment.cleared_on.between(start, end),
                           sa.and_(Consignment.status.in_(on_the_way),
                                   sa.func.coalesce(Consignment.dispatched_on, Consignment.valuation_on) <= end)))
             .order_by(sa.func.coalesce(Consignment.accepted_on, Consignment.cleared_on, Consignment.dispatched_on,
                                        Consignment.valuation_on), Consignment.number))
    query = queries._consignment_filters(query, f, warehouse=False)
    rows = []
    for c in db.session.scalars(query):
        customs = []
        for d in c.declarations:
            if d.kind == DeclarationKind.ha_declaration and d.number == c.declaration_code:
                continue
            text = " ".join(p for p in (d.number, f"({words.label(d.status)})") if p)
            if d.cleared_on:
                text += " " + format_date(d.cleared_on)
            customs.append(text)
        by_currency: dict[str, Decimal] = defaultdict(Decimal)
        for line in c.lines:
            if line.value is not None:
                by_currency[line.currency] += line.value
        value = "; ".join(format_money(v, cur) for cur, v in sorted(by_currency.items()))
        value_uah = sum((line.value_uah or ZERO for line in c.lines), ZERO)
        rows.append(ConsignmentRow(c.number, words.label(c.aid_type), words.label(c.status), c.dispatched_on,
                                   c.cleared_on, c.accepted_on, c.declaration_code, "; ".join(customs), value,
                                   value_uah))
    return rows


class RateRow(NamedTuple):
    currency: str
    rate_on: date | None
    rate: Decimal | None
    lines: int
    value: Decimal
    value_uah: Decimal


def rate_rows(f: ReportFilter) -> list[RateRow]:
    """The NBU rates the donor statement's lots were valued at: per currency, rate date and rate,
    the lines and their value in the currency and in UAH (the same lots as ``donor_rows``)."""
    s = queries._lot_sums(f, by_warehouse=False, opening=False)
    query = queries._lots(f, s, (ConsignmentLine.currency, ConsignmentLine.rate_on, ConsignmentLine.rate,
                                 ConsignmentLine.value, ConsignmentLine.value_uah), received_from=True)
    grouped: dict[tuple[str, date | None, Decimal | None], list[Any]] = {}
    for currency, rate_on, rate, value, value_uah in db.session.execute(query):
        acc = grouped.setdefault((currency, rate_on, rate), [0, ZERO, ZERO])
        acc[0] += 1
        acc[1] += value or ZERO
        acc[2] += value_uah or ZERO
    return [RateRow(cur, on, rate, *acc) for (cur, on, rate), acc in
            sorted(grouped.items(), key=lambda item: (item[0][0], item[0][1] or date.min, item[0][2] or 0))]


class RecipientRow(NamedTuple):
    recipient_kind: str
    acts: int
    value_uah: Decimal


class BeneficiaryRow(NamedTuple):
    beneficiary_category: str
    people: int
    acts: int
    value_uah: Decimal


def distribution_aggregates(f: ReportFilter, words: Words) -> tuple[list[RecipientRow], list[BeneficiaryRow]]:
    """Distributions of the period of the partner's goods, in aggregates only: per kind of
    recipient (acts, UAH) and, for people, per beneficiary category (people, acts, UAH).
    Netted like the distribution register: a reversal counts against its original. No name,
    EDRPOU or purpose is read."""
    value = sa.func.coalesce(sa.func.sum(sa.type_coerce(DistributionLine.value_uah, sa.BigInteger)), 0)
    query = (sa.select(Distribution.id, Distribution.reversal_of_id, Distribution.recipient_kind,
                       Distribution.beneficiary_category, Distribution.beneficiaries_count, value)
             .select_from(DistributionLine)
             .join(Distribution, Distribution.id == DistributionLine.document_id)
             .join(ConsignmentLine, ConsignmentLine.id == DistributionLine.line_id)
             .join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
             .where(Distribution.organization_id == f.organization_id,
                    Distribution.status.in_((StockDocumentStatus.posted, StockDocumentStatus.reversed)),
                    *queries._in_period(Distribution.on, f))
             .group_by(Distribution.id, Distribution.reversal_of_id, Distribution.recipient_kind,
                       Distribution.beneficiary_category, Distribution.beneficiaries_count))
    query = queries._consignment_filters(query, f, warehouse=False)
    kinds: dict[RecipientKind, list[Any]] = {}
    categories: dict[BeneficiaryCategory | None, list[Any]] = {}
    for _id, reversal_of, kind, category, people, cents in db.session.execute(query):
        sign = -1 if reversal_of is not None else 1
        amount = queries._uah(cents) * sign
        acc = kinds.setdefault(kind, [0, ZERO])
        acc[0] += sign
        acc[1] += amount
        if kind == RecipientKind.individuals:
            cat = categories.setdefault(category, [0, 0, ZERO])
            cat[0] += sign * (people or 0)
            cat[1] += sign
            cat[2] += amount
    recipients = [RecipientRow(words.label(kind), acc[0], acc[1]) for kind, acc in
                  sorted(kinds.items(), key=lambda item: list(RecipientKind).index(item[0]))]
    order = list(BeneficiaryCategory)
    beneficiaries = [BeneficiaryRow(words.label(cat) if cat is not None else _("Not stated"), *acc)
                     for cat, acc in sorted(categories.items(),
                                            key=lambda item: order.index(item[0]) if item[0] else len(order))]
    return recipients, beneficiaries


# --------------------------------------------------------------------------- grouping the dataset's rows

class CategoryRow(NamedTuple):
    aid_type: str
    category: str
    currency: str
    lots: int
    received_value: Decimal
    received_uah: Decimal


class UseRow(NamedTuple):
    category: str
    received: Decimal
    distributed: Decimal
    written_off: Decimal
    returned: Decimal
    on_hand: Decimal


class OnHandRow(NamedTuple):
    number: str
    name: str
    category: str
    unit: str
    quantity: Decimal
    currency: str
    value: Decimal
    value_uah: Decimal


def _aid_types(organization_id: int, numbers: Iterable[str]) -> dict[str, AidType]:
    numbers = sorted(set(numbers))
    if not numbers:
        return {}
    return dict(db.session.execute(sa.select(Consignment.number, Consignment.aid_type).where(
        Consignment.organization_id == organization_id, Consignment.number.in_(numbers))).all())


def _by_category(rows: Sequence[DonorRow], aid_types: dict[str, AidType], words: Words) -> list[CategoryRow]:
    grouped: dict[tuple[str, str, str], list[Any]] = {}
    order = list(AidType)
    for row in rows:
        aid = aid_types.get(row.number)
        key = (words.label(aid), row.category, row.currency)
        acc = grouped.setdefault(key, [order.index(aid) if aid else len(order), 0, ZERO, ZERO])
        acc[1] += 1
        acc[2] += row.received_value
        acc[3] += row.received_uah
    return [CategoryRow(aid, category, currency, acc[1], acc[2], acc[3])
            for (aid, category, currency), acc in sorted(grouped.items(), key=lambda i: (i[1][0], i[0][1], i[0][2]))]


def _use(rows: Sequence[DonorRow], *, currency: str | None = None) -> list[UseRow]:
    """Per category: received, distributed, written off, returned, on hand — in UAH, or in
    ``currency`` for that currency's lots."""
    grouped: dict[str, list[Decimal]] = {}
    for row in rows:
        if currency is not None and row.currency != currency:
            continue
        acc = grouped.setdefault(row.category, [ZERO] * 5)
        if currency is None:
            values = (row.received_uah, row.distributed_uah, row.written_off_uah, row.returned_uah, row.on_hand_uah)
        else:
            values = (row.received_value, row.distributed_value, row.written_off_value, row.returned_value,
                      row.on_hand_value)
        for i, v in enumerate(values):
            acc[i] += v
    return [UseRow(category, *acc) for category, acc in sorted(grouped.items())]


def _on_hand(rows: Sequence[DonorRow]) -> list[OnHandRow]:
    return [OnHandRow(r.number, r.name, r.category, r.unit, r.on_hand_qty, r.currency, r.on_hand_value, r.on_hand_uah)
            for r in rows if r.on_hand_qty or r.on_hand_uah]


# --------------------------------------------------------------------------- the report

def _require_partner(organization_id: int, partner_id: Any, agreement_id: Any) -> tuple[Partner, Agreement | None]:
    agreement = get_scoped(Agreement, agreement_id, organization_id) if agreement_id not in (None, "") else None
    if partner_id in (None, ""):
        if agreement is None:
            raise ValidationFailed("partner_id", _("Choose a partner or an agreement for the donor report."))
        partner_id = agreement.partner_id
    partner = get_scoped(Partner, partner_id, organization_id)
    if agreement is not None and agreement.partner_id != partner.id:
        raise ValidationFailed("agreement_id", _("The agreement belongs to another partner."))
    return partner, agreement


def default_language(partner: Partner) -> str:
    """The partner's report language, when it is one the reports speak (else English)."""
    return partner.report_language if partner.report_language in datasets.LANGUAGES else "en"


def _photos(report: Any, language: str) -> list[Block]:
    from tracker.customs.service import read_attachment

    folder = current_app.config["UPLOAD_FOLDER"]
    blocks = []
    for photo in report.photos if report is not None else ():
        attachment = photo.attachment
        try:
            data = read_attachment(attachment, folder)
        except DomainError:  # the file is gone from the disk: print the "unavailable" label
            data = b""
        document = attachment.document
        default = ", ".join(p for p in (document.document_type.display_name(language),
                                        document.consignment.number if document.consignment else "") if p)
        blocks.append(Block("photo", text=photo.caption or default, image=data))
    return blocks


def donor_document(organization_id: int, partner_id: Any = None, period_start: date | None = None,
                   period_end: date | None = None, language: str | None = None, *, agreement_id: Any = None,
                   today: date | None = None, dataset: Dataset | None = None) -> DonorDocument:
    """Everything the donor report prints, read and translated. ``language`` None = the
    partner's report language. Errors: ``NotFound`` (another organization's partner or
    agreement), ``ValidationFailed`` (no partner, no or reversed period, unknown language)."""
    from tracker.donor.service import find_donor_report

    partner, agreement = _require_partner(organization_id, partner_id, agreement_id)
    language = language or default_language(partner)
    errors: dict[str, list[str]] = {}
    if period_start is None:
        errors["date_from"] = [_("Give the first day of the period.")]
    if period_end is None:
        errors["date_to"] = [_("Give the last day of the period.")]
    if errors:
        raise ValidationFailed(errors)
    if dataset is None:
        dataset = datasets.build("donor", organization_id, period_start, period_end, partner_id=partner.id,
                                 agreement_id=agreement.id if agreement else None, language=language, today=today)
    f, words = dataset.filter, dataset.words
    rows: list[DonorRow] = list(dataset.sections[0].rows)
    # The dataset's summary rows as mappings: the PDF prints some of their columns.
    summary = [row._asdict() for row in dataset.sections[1].rows]
    org = db.session.get(Organization, organization_id)
    assert org is not None and f.date_from is not None and f.date_to is not None
    stored = find_donor_report(organization_id, partner.id, agreement.id if agreement else None, f.date_from,
                               f.date_to)
    with force_locale(language):
        title = _("Report on the use of the aid")
        filters = [(_("Donor"), partner.name)]
        if agreement is not None:
            filters.append((_("Agreement"), str(agreement)))
        # No person's name in a donor report: not even who exported it.
        meta = dataclasses.replace(dataset.meta, title=title, filters=filters, exported_by="")
        blocks: list[Block] = []
        add = blocks.append

        # -- cover
        recipient = [org.display_name(language), f"{_('EDRPOU')} {org.edrpou}"]
        if org.address:
            recipient.append(org.address)
        cover = [(_("Recipient"), ", ".join(recipient))]
        if org.ha_register_entry:
            cover.append((_("Entry in the register of humanitarian-aid recipients"), org.ha_register_entry))
        cover.append((_("Donor"), ", ".join(p for p in (partner.name, partner.city, partner.country) if p)))
        if agreement is not None:
            parts = [str(agreement)]
            if agreement.signed_on:
                parts.append(_("signed %(date)s", date=format_date(agreement.signed_on)))
            if agreement.budget_amount is not None and agreement.budget_currency:
                parts.append(_("budget %(amount)s", amount=format_money(agreement.budget_amount,
                                                                          agreement.budget_currency)))
            cover.append((_("Agreement"), ", ".join(parts)))
        cover.append((_("Period"), meta.period_text))
        add(Block("pairs", pairs=cover))

        # -- 1 narrative
        add(Block("heading", _("1. Narrative report")))
        narrative = stored.text_for(language) if stored is not None else ""
        add(Block("text", narrative or _("No narrative has been written for this report in this language."),
                  small=not narrative))

        # -- 2 financial statement
        add(Block("heading", _("2. Financial statement")))
        add(Block("text", _("Values as accepted into the books: in the donor's currency as documented and in "
                            "hryvnias (UAH) at the National Bank of Ukraine rate of the valuation date; what was "
                            "distributed, written off or returned is valued in proportion to the quantity."),
                  small=True))
        add(Block("heading", _("2.1 Received by aid type and category"), level=2))
        aid_types = _aid_types(organization_id, (r.number for r in rows))
        add(Block("table", section=Section(_("Received by aid type and category"), [
            ColumnSpec("aid_type", _("Aid type"), T, width=20),
            ColumnSpec("category", _("Category"), T, width=24),
            ColumnSpec("currency", _("Currency"), T, width=8),
            ColumnSpec("lots", _("Lines"), I, width=7, total=S),
            ColumnSpec("received_value", _("Received, currency"), M),
            ColumnSpec("received_uah", _("Received, UAH"), M, total=S),
        ], _by_category(rows, aid_types, words))))

        add(Block("heading", _("2.2 Use of the aid in UAH, by category"), level=2))
        use_columns = [
            ColumnSpec("category", _("Category"), T, width=24),
            ColumnSpec("received", _("Received"), M, total=S),
            ColumnSpec("distributed", _("Distributed"), M, total=S),
            ColumnSpec("written_off", _("Written off"), M, total=S),
            ColumnSpec("returned", _("Returned or redistributed"), M, total=S),
            ColumnSpec("on_hand", _("On hand"), M, total=S),
        ]
        add(Block("table", section=Section(_("Use of the aid in UAH"), use_columns, _use(rows))))
        currencies = sorted({r.currency for r in rows} - {"UAH"})
        for number, currency in enumerate(currencies, 3):
            add(Block("heading", _("2.%(n)d Use of the aid in %(currency)s, by category", n=number,
                                   currency=currency), level=2))
            add(Block("table", section=Section(currency, use_columns, _use(rows, currency=currency))))
        n = 3 + len(currencies)
        add(Block("heading", _("2.%(n)d Summary per currency", n=n), level=2))
        add(Block("table", section=Section(_("Summary per currency"), [
            ColumnSpec("currency", _("Currency"), T, width=8),
            ColumnSpec("received_value", _("Received"), M),
            ColumnSpec("distributed_value", _("Distributed"), M),
            ColumnSpec("written_off_value", _("Written off"), M),
            ColumnSpec("returned_value", _("Returned or redistributed"), M),
            ColumnSpec("on_hand_value", _("On hand"), M),
        ], summary)))
        add(Block("heading", _("2.%(n)d Exchange rates used", n=n + 1), level=2))
        add(Block("table", section=Section(_("Exchange rates used"), [
            ColumnSpec("currency", _("Currency"), T, width=8),
            ColumnSpec("rate_on", _("Rate date"), DT),
            ColumnSpec("rate", _("NBU rate, UAH"), R, width=13),
            ColumnSpec("lines", _("Lines"), I, width=7, total=S),
            ColumnSpec("value", _("Value in currency"), M),
            ColumnSpec("value_uah", _("Value, UAH"), M, total=S),
        ], rate_rows(f))))
        add(Block("heading", _("2.%(n)d Received and distributed by category, UAH", n=n + 2), level=2))
        use = _use(rows)
        add(Block("chart", categories=[u.category for u in use],
                  series=[(_("Received"), [u.received for u in use]), (_("Distributed"), [u.distributed for u in use])]))

        # -- 3 consignments
        add(Block("heading", _("3. Consignments and customs")))
        add(Block("table", section=Section(_("Consignments and customs"), [
            ColumnSpec("number", _("Consignment"), T, width=11),
            ColumnSpec("aid_type", _("Aid type"), T, width=14),
            ColumnSpec("status", _("Status"), T, width=11),
            ColumnSpec("dispatched_on", _("Dispatched"), DT),
            ColumnSpec("cleared_on", _("Cleared by customs"), DT),
            ColumnSpec("accepted_on", _("Received on"), DT),
            ColumnSpec("declaration", _("HA declaration code"), T, width=16),
            ColumnSpec("customs", _("Customs declarations"), T, width=20),
            ColumnSpec("value", _("Value in currency"), T, width=14),
            ColumnSpec("value_uah", _("Value, UAH"), M, total=S),
        ], consignment_rows(f, words))))

        # -- 4 distribution in aggregates
        add(Block("heading", _("4. Distribution")))
        add(Block("text", _("Aggregates only: recipients by kind and people by category and number. No personal "
                            "data leaves the organization; the signed issue lists are kept there."), small=True))
        recipients, beneficiaries = distribution_aggregates(f, words)
        add(Block("heading", _("4.1 Recipients by kind"), level=2))
        add(Block("table", section=Section(_("Recipients by kind"), [
            ColumnSpec("recipient_kind", _("Recipient kind"), T, width=26),
            ColumnSpec("acts", _("Distribution acts"), I, width=12, total=S),
            ColumnSpec("value_uah", _("Value, UAH"), M, total=S),
        ], recipients)))
        add(Block("heading", _("4.2 People reached, by beneficiary category"), level=2))
        add(Block("table", section=Section(_("People reached"), [
            ColumnSpec("beneficiary_category", _("Beneficiary category"), T, width=30),
            ColumnSpec("people", _("People"), I, width=10, total=S),
            ColumnSpec("acts", _("Distribution acts"), I, width=12, total=S),
            ColumnSpec("value_uah", _("Value, UAH"), M, total=S),
        ], beneficiaries)))

        # -- 5 on hand
        add(Block("heading", _("5. On hand at the end of the period")))
        add(Block("table", section=Section(_("On hand"), [
            ColumnSpec("number", _("Consignment"), T, width=11),
            ColumnSpec("name", _("Name"), T, width=28),
            ColumnSpec("category", _("Category"), T, width=16),
            ColumnSpec("unit", _("Unit"), T, width=6),
            ColumnSpec("quantity", _("Quantity"), Q),
            ColumnSpec("currency", _("Currency"), T, width=8),
            ColumnSpec("value", _("Value in currency"), M),
            ColumnSpec("value_uah", _("Value, UAH"), M, total=S),
        ], _on_hand(rows))))

        # -- 6 photos
        photos = _photos(stored, language)
        if photos:
            add(Block("heading", _("6. Photos")))
            blocks.extend(photos)

        add(Block("signatures", _("For the recipient"), people=[Signatory(_("Head of the organization")),
                                                               Signatory(_("Chief accountant"))]))
    totals = {
        "received_uah": sum((r.received_uah for r in rows), ZERO),
        "distributed_uah": sum((r.distributed_uah for r in rows), ZERO),
        "written_off_uah": sum((r.written_off_uah for r in rows), ZERO),
        "returned_uah": sum((r.returned_uah for r in rows), ZERO),
        "on_hand_uah": sum((r.on_hand_uah for r in rows), ZERO),
    }
    received_by_currency: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        received_by_currency[r.currency] += r.received_value
    return DonorDocument(meta=meta, blocks=blocks, language=language, partner_id=partner.id, totals=totals,
                         received_by_currency=dict(received_by_currency))


def render_donor_dataset(dataset: Dataset, out: IO[bytes]) -> None:
    """The export registry's path: the "donor" dataset (partner or agreement, period, language
    already checked) as the donor report PDF."""
    f = dataset.filter
    document = donor_document(f.organization_id, f.partner_id, f.date_from, f.date_to, f.language,
                              agreement_id=f.agreement_id, today=f.today, dataset=dataset)
    build_donor_pdf(document, out)


def render_donor_report(organization_id: int, partner_id: int, period_start: date, period_end: date,
                        language: str | None) -> bytes:
    """The donor report of ``partner_id`` for the period as PDF bytes, in ``language`` (uk, en,
    de; None = the partner's report language). For other features (the monthly e-mail to the
    donor). Errors: ``NotFound`` (another organization's partner), ``ValidationFailed`` (bad
    period or language)."""
    document = donor_document(organization_id, partner_id, period_start, period_end, language)
    buffer = BytesIO()
    build_donor_pdf(document, buffer)
    return buffer.getvalue()
