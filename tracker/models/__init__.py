"""Typed SQLAlchemy models, one module per aggregate; importing this package registers them all."""
from tracker.models.audit import AuditChainHead, AuditEvent
from tracker.models.catalog import Category, Item, Unit, Warehouse
from tracker.models.idempotency import IdempotencyKey
from tracker.models.org import ApiToken, Membership, Organization, OrgKind, Role, User
from tracker.models.partner import Agreement, AgreementKind, Partner, PartnerKind
from tracker.models.rate import ExchangeRate, RateSource
from tracker.models.setting import Setting
from tracker.models.delivery import (
    DeliveryMode, DeliveryStatus, DeliveryTrigger, ReportDelivery, ReportDownload, ReportRecipient, ReportSchedule,
    SummaryFrequency,
)

__all__ = [
    "Agreement", "AgreementKind", "ApiToken", "AuditChainHead", "AuditEvent", "Category", "ExchangeRate",
    "IdempotencyKey", "Item", "Membership", "OrgKind", "Organization", "Partner", "PartnerKind", "RateSource",
    "Role", "Setting", "Unit", "User", "Warehouse",
    # donor delivery
    "DeliveryMode", "DeliveryStatus", "DeliveryTrigger", "ReportDelivery", "ReportDownload", "ReportRecipient",
    "ReportSchedule", "SummaryFrequency",
]
