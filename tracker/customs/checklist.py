"""The document checklist of a consignment: which documents the rules require, which are present
(received or verified, on the consignment or on its agreement) and which are missing.

Rules match on aid type, origin, goods kind, and a category (with an optional condition) of at
least one line; empty conditions mean "any". The rules in force on the consignment's reference
date apply (dispatch date, else valuation date), so a consignment keeps the rules of its time.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import Consignment, Document, DocumentRule, DocumentType
from tracker.models.customs import PRESENT_STATUSES


class ItemState(enum.StrEnum):
    present = "present"
    missing = "missing"
    #: a document on file that no rule requires
    extra = "extra"


@dataclass(frozen=True)
class ChecklistItem:
    document_type: DocumentType
    state: ItemState
    required: bool
    #: the rules that require it (empty for extra documents)
    rules: tuple[DocumentRule, ...] = ()
    documents: tuple[Document, ...] = ()


@dataclass(frozen=True)
class Checklist:
    on: date
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def required(self) -> list[ChecklistItem]:
        return [i for i in self.items if i.required]

    @property
    def present(self) -> list[ChecklistItem]:
        return [i for i in self.items if i.required and i.state == ItemState.present]

    @property
    def missing(self) -> list[ChecklistItem]:
        return [i for i in self.items if i.state == ItemState.missing]

    @property
    def complete(self) -> bool:
        return not self.missing


def reference_date(consignment: Consignment) -> date:
    """The date whose rules apply: dispatch, else the valuation date."""
    return consignment.dispatched_on or consignment.valuation_on


def rule_applies(rule: DocumentRule, consignment: Consignment, on: date) -> bool:
    if not rule.in_force(on):
        return False
    if rule.aid_type is not None and rule.aid_type != consignment.aid_type:
        return False
    if rule.origin is not None and rule.origin != consignment.origin:
        return False
    if rule.goods_kind is not None and rule.goods_kind != consignment.goods_kind:
        return False
    if rule.category_code:
        return any(line.category.code == rule.category_code
                   and (rule.condition is None or line.condition == rule.condition)
                   for line in consignment.lines)
    return True


def consignment_documents(consignment: Consignment) -> list[Document]:
    """Documents of the consignment and of its agreement (a registration card filed once)."""
    owner = Document.consignment_id == consignment.id
    if consignment.agreement_id is not None:
        owner = sa.or_(owner, Document.agreement_id == consignment.agreement_id)
    return list(db.session.scalars(sa.select(Document).where(
        Document.organization_id == consignment.organization_id, owner).order_by(Document.id)))


def build_checklist(consignment: Consignment) -> Checklist:
    """Required / present / missing documents of the consignment."""
    on = reference_date(consignment)
    rules = db.session.scalars(sa.select(DocumentRule).where(
        DocumentRule.organization_id == consignment.organization_id).order_by(DocumentRule.id)).all()
    required: dict[int, list[DocumentRule]] = {}
    for rule in rules:
        if rule_applies(rule, consignment, on):
            required.setdefault(rule.document_type_id, []).append(rule)
    documents = consignment_documents(consignment)
    by_type: dict[int, list[Document]] = {}
    for document in documents:
        by_type.setdefault(document.document_type_id, []).append(document)
    items: list[ChecklistItem] = []
    seen: set[int] = set()
    for type_id, type_rules in required.items():
        docs = tuple(by_type.get(type_id, ()))
        present = any(d.status in PRESENT_STATUSES for d in docs)
        items.append(ChecklistItem(document_type=type_rules[0].document_type,
                                   state=ItemState.present if present else ItemState.missing,
                                   required=True, rules=tuple(type_rules), documents=docs))
        seen.add(type_id)
    for type_id, docs in by_type.items():
        if type_id not in seen:
            items.append(ChecklistItem(document_type=docs[0].document_type, state=ItemState.extra, required=False,
                                       documents=tuple(docs)))
    items.sort(key=lambda i: (not i.required, i.state != ItemState.missing, i.document_type.code))
    return Checklist(on=on, items=items)
