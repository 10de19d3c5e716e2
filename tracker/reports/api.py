"""``GET /api/v1/reports/{name}.{format}``: a report file for the token's organization.

The answer is the file itself (``Content-Disposition: attachment``), streamed from a temporary
file; errors are problem+json like the rest of the API. Any role may export (it is a read),
and every export is audited.
"""
from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from flask_babel import get_locale
from flask_smorest import Blueprint as ApiBlueprint
from marshmallow import Schema, fields, validate

from tracker.api import api_blueprint
from tracker.api.fields import SafeDate, SafeInt
from tracker.extensions import db
from tracker.models import AidType
from tracker.reports import acts, datasets, service
from tracker.reports.downloads import attachment

#: File types by format, for the OpenAPI document.
MEDIA_TYPES = {"xlsx": service.XLSX.mimetype, "pdf": "application/pdf"}


class ReportArgsSchema(Schema):
    date_from = SafeDate(data_key="from", metadata={"description": "First day of the period (ISO date)"})
    date_to = SafeDate(data_key="to", metadata={"description": "Last day of the period (ISO date)"})
    partner_id = SafeInt(strict=False)
    agreement_id = SafeInt(strict=False)
    aid_type = fields.String(validate=validate.OneOf([t.value for t in AidType]))
    warehouse_id = SafeInt(strict=False)
    lang = fields.String(validate=validate.OneOf(list(datasets.LANGUAGES)),
                         metadata={"description": "Language of headers and labels (default: the token user's; "
                                                  "the donor report: the partner's report language; acts: uk)"})
    document_id = SafeInt(strict=False, data_key="id", metadata={
        "description": "Acts: the id of the consignment (acceptance-act), distribution (distribution-act) "
                       "or write-off (write-off-act)"})


def reports_blueprint() -> ApiBlueprint:
    names = ", ".join(service.report_names())
    blp = api_blueprint("reports", "reports",
                        f"Registers and ledgers as files ({names}); formats: {', '.join(service.FORMATS)}")

    @blp.route("/<string:name>.<string:fmt>")
    class Report(MethodView):
        @blp.arguments(ReportArgsSchema, location="query")
        @blp.doc(responses={"200": {
            "description": "The report file, as an attachment (Content-Disposition)",
            "content": {media: {"schema": {"type": "string", "format": "binary"}} for media in MEDIA_TYPES.values()},
        }})
        @_errors(blp)
        def get(self, args: dict[str, Any], name: str, fmt: str) -> Any:
            """Download report `name` (receipts, customs, stock-turnover, distributions, journal,
            trial-balance, ha-report, donor, auditor, ledger) as `fmt` (xlsx; pdf where available)
            for the period `from`–`to` and the filters, or an act (acceptance-act, distribution-act,
            write-off-act; pdf) of the document `id`. Unknown report or format, or another
            organization's partner, agreement, warehouse or document: 404; a period ending before
            it starts, a donor report without partner or agreement, an act without id: 422; an act
            of a document not in effect (draft, not accepted): 409. An empty period gives a file
            with headers and zero totals (PDF: "nothing to report")."""
            actor = g.actor
            result = service.export_report(service.ExportRequest(
                name=name, format=fmt, organization_id=actor.org.id, user_id=actor.user.id,
                date_from=args.get("date_from"), date_to=args.get("date_to"), partner_id=args.get("partner_id"),
                agreement_id=args.get("agreement_id"), aid_type=args.get("aid_type"),
                warehouse_id=args.get("warehouse_id"), language=args.get("lang") or _default_language(name, actor.user),
                document_id=args.get("document_id"), channel="api"))
            db.session.commit()
            return attachment(result)

    return blp


def _default_language(name: str, user: Any) -> str | None:
    """Acts and the donor report choose their own default (uk; the partner's language)."""
    if name == "donor" or name in acts.ACTS:
        return None
    return _language(user)


def _language(user: Any) -> str:
    locale = (user.locale or str(get_locale()) or "uk")[:2]
    return locale if locale in datasets.LANGUAGES else "uk"


def _errors(blp: ApiBlueprint) -> Any:
    from tracker.api.resources import _document_errors

    return _document_errors(blp, 401, 404, 409, 422)
