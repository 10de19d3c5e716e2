"""Typed SQLAlchemy models, one module per aggregate; importing this package registers them all."""
from tracker.models.audit import AuditChainHead, AuditEvent
from tracker.models.catalog import Category, Item, Unit, Warehouse
from tracker.models.consignment import (
    AidType,
    Condition,
    Consignment,
    ConsignmentCounter,
    ConsignmentEvent,
    ConsignmentLine,
    ConsignmentStatus,
    GoodsKind,
    IntendedUse,
    ItemAlias,
    Origin,
    ValuationMethod,
)
from tracker.models.documents import (
    BeneficiaryCategory,
    Distribution,
    DistributionLine,
    DocumentCounter,
    RecipientKind,
    ReturnKind,
    StockAttachment,
    StockCount,
    StockCountLine,
    StockDocumentStatus,
    StockReturn,
    StockReturnLine,
    Transfer,
    TransferLine,
    WriteOff,
    WriteOffLine,
    WriteOffReason,
)
from tracker.models.donor import DonorReport, DonorReportPhoto, DonorReportText
from tracker.models.customs import (
    Attachment,
    CustomsDeclaration,
    DeclarationEvent,
    DeclarationKind,
    DeclarationStatus,
    Document,
    DocumentRule,
    DocumentStatus,
    DocumentType,
)
from tracker.models.ledger import (
    Account,
    AccountKind,
    JournalEntry,
    Period,
    PeriodEvent,
    PeriodStatus,
    Posting,
    PostingEvent,
    PostingRule,
)
from tracker.models.idempotency import IdempotencyKey
from tracker.models.org import ApiToken, Membership, Organization, OrgKind, Role, User
from tracker.models.partner import Agreement, AgreementKind, Partner, PartnerKind
from tracker.models.rate import ExchangeRate, RateSource
from tracker.models.setting import Setting
from tracker.models.delivery import (
    DeliveryMode, DeliveryStatus, DeliveryTrigger, ReportDelivery, ReportDownload, ReportRecipient, ReportSchedule,
    SummaryFrequency,
)
from tracker.models.stock import MovementKind, StockMovement

__all__ = [
    "Agreement", "AgreementKind", "ApiToken", "AuditChainHead", "AuditEvent", "Category", "ExchangeRate",
    "IdempotencyKey", "Item", "Membership", "OrgKind", "Organization", "Partner", "PartnerKind", "RateSource",
    "Role", "Setting", "Unit", "User", "Warehouse",
    # donor delivery
    "DeliveryMode", "DeliveryStatus", "DeliveryTrigger", "ReportDelivery", "ReportDownload", "ReportRecipient",
    "ReportSchedule", "SummaryFrequency",
    # consignments, customs, stock (issue 3)
    "AidType", "Attachment", "Condition", "Consignment", "ConsignmentCounter", "ConsignmentEvent",
    "ConsignmentLine", "ConsignmentStatus", "CustomsDeclaration", "DeclarationEvent", "DeclarationKind",
    "DeclarationStatus", "Document", "DocumentRule", "DocumentStatus", "DocumentType", "GoodsKind",
    "IntendedUse", "ItemAlias", "MovementKind", "Origin", "StockMovement", "ValuationMethod",
    # stock documents and the books (issue 4)
    "Account", "AccountKind", "BeneficiaryCategory", "Distribution", "DistributionLine", "DocumentCounter",
    "JournalEntry", "Period", "PeriodEvent", "PeriodStatus", "Posting", "PostingEvent", "PostingRule",
    "RecipientKind", "ReturnKind", "StockAttachment", "StockCount", "StockCountLine", "StockDocumentStatus",
    "StockReturn", "StockReturnLine", "Transfer", "TransferLine", "WriteOff", "WriteOffLine", "WriteOffReason",
    # donor reports (issue 6)
    "DonorReport", "DonorReportPhoto", "DonorReportText",
]
