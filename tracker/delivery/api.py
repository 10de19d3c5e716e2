"""API for donor delivery: a partner's report recipients and summary frequency, and the delivery
log (read-only). Writes are for finance heads and administrators (403 for other roles)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import g
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint as ApiBlueprint
from marshmallow import Schema, fields, validate

from tracker.api import api_blueprint, write_roles
from tracker.api.fields import SafeInt, Text
from tracker.api.resources import _document_errors, paginate
from tracker.api.schemas import PageArgsSchema, page_schema
from tracker.delivery import queries, service
from tracker.errors import Forbidden
from tracker.extensions import db
from tracker.models import (
    DeliveryMode, DeliveryStatus, DeliveryTrigger, Partner, ReportDelivery, ReportRecipient, SummaryFrequency,
)
from tracker.models.delivery import DONOR_LANGUAGES
from tracker.scoping import get_scoped, scoped


class RecipientSchema(Schema):
    id = fields.Integer(dump_only=True)
    partner_id = fields.Integer(dump_only=True)
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    email = Text(required=True, validate=validate.Length(min=1, max=254),
                 metadata={"description": "Validated and normalised (domain lower-cased)."})
    language = fields.String(required=True, validate=validate.OneOf(DONOR_LANGUAGES))


class ReportScheduleSchema(Schema):
    partner_id = fields.Integer(dump_only=True)
    frequency = fields.Enum(SummaryFrequency, by_value=True, required=True,
                            metadata={"description": "none, monthly, or quarterly (sent after March, June, "
                                                     "September and December)."})


class DeliverySchema(Schema):
    id = fields.Integer()
    partner_id = fields.Integer()
    recipient_id = fields.Integer(allow_none=True)
    recipient_name = fields.String()
    recipient_email = fields.String()
    report = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    language = fields.String()
    trigger = fields.Enum(DeliveryTrigger, by_value=True)
    mode = fields.Enum(DeliveryMode, by_value=True)
    subject = fields.String()
    file_name = fields.String()
    file_sha256 = fields.String()
    file_size = fields.Integer()
    status = fields.Enum(DeliveryStatus, by_value=True)
    attempts = fields.Integer()
    retries = fields.Integer()
    last_error = fields.String()
    message_id = fields.String()
    created_at = fields.DateTime()
    created_by_id = fields.Integer(allow_none=True)
    last_attempt_at = fields.DateTime(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)
    link_expires_at = fields.DateTime(allow_none=True)
    downloads = fields.Method("_downloads", metadata={"description": "Downloads through the signed link."})

    def _downloads(self, delivery: ReportDelivery) -> int:
        return len(delivery.downloads)


class DeliveryArgsSchema(PageArgsSchema):
    partner_id = SafeInt(strict=False)
    status = fields.String(validate=validate.OneOf([s.value for s in DeliveryStatus] + ["attention"]),
                           metadata={"description": "A status, or `attention` (failed or uncertain)."})


def _require_send_role() -> None:
    if g.actor.role not in service.SEND_ROLES:
        raise Forbidden(_("Only a finance head or an administrator may manage who receives the partner's reports."))


def _data(payload: dict[str, Any], current: Any = None) -> service.RecipientData:
    values = {"name": current.name, "email": current.email, "language": current.language} if current else {}
    values.update({k: v for k, v in payload.items() if k in ("name", "email", "language")})
    return service.RecipientData(**values)


def partner_blueprint() -> ApiBlueprint:
    blp = api_blueprint("partner_delivery", "partners/<int:partner_id>",
                        "A partner's report recipients and summary frequency")
    page = page_schema(RecipientSchema, "RecipientPage")

    @blp.route("/recipients")
    class Recipients(MethodView):
        @blp.arguments(PageArgsSchema, location="query")
        @blp.response(200, page)
        @_document_errors(blp, 401, 404, 422)
        def get(self, args: dict[str, Any], partner_id: int) -> dict[str, Any]:
            """List the partner's report recipients."""
            partner = get_scoped(Partner, partner_id, g.actor.org.id)
            query = scoped(ReportRecipient, g.actor.org.id).where(ReportRecipient.partner_id == partner.id)
            return paginate(query.order_by(ReportRecipient.name, ReportRecipient.id), args)

        @write_roles(*service.SEND_ROLES)
        @blp.arguments(RecipientSchema)
        @blp.response(201, RecipientSchema)
        @_document_errors(blp, 401, 403, 404, 422)
        def post(self, payload: dict[str, Any], partner_id: int) -> Any:
            """Add a report recipient (name, e-mail, language uk/en/de)."""
            _require_send_role()
            recipient = service.create_recipient(g.actor.org.id, g.actor.user.id, partner_id, _data(payload))
            db.session.commit()
            return recipient

    @blp.route("/recipients/<int:recipient_id>")
    class Recipient(MethodView):
        @blp.response(200, RecipientSchema)
        @_document_errors(blp, 401, 404)
        def get(self, partner_id: int, recipient_id: int) -> Any:
            """Read one recipient."""
            return service.get_recipient(g.actor.org.id, partner_id, recipient_id)

        @write_roles(*service.SEND_ROLES)
        @blp.arguments(RecipientSchema)
        @blp.response(200, RecipientSchema)
        @_document_errors(blp, 401, 403, 404, 422)
        def put(self, payload: dict[str, Any], partner_id: int, recipient_id: int) -> Any:
            """Replace all fields."""
            _require_send_role()
            recipient = service.get_recipient(g.actor.org.id, partner_id, recipient_id)
            service.update_recipient(recipient, g.actor.user.id, _data(payload))
            db.session.commit()
            return recipient

        @write_roles(*service.SEND_ROLES)
        @blp.arguments(RecipientSchema(partial=True))
        @blp.response(200, RecipientSchema)
        @_document_errors(blp, 401, 403, 404, 422)
        def patch(self, payload: dict[str, Any], partner_id: int, recipient_id: int) -> Any:
            """Change the given fields."""
            _require_send_role()
            recipient = service.get_recipient(g.actor.org.id, partner_id, recipient_id)
            service.update_recipient(recipient, g.actor.user.id, _data(payload, recipient))
            db.session.commit()
            return recipient

        @write_roles(*service.SEND_ROLES)
        @blp.response(204)
        @_document_errors(blp, 401, 403, 404)
        def delete(self, partner_id: int, recipient_id: int) -> None:
            """Remove a recipient (the delivery log keeps the name and address it sent to)."""
            _require_send_role()
            recipient = service.get_recipient(g.actor.org.id, partner_id, recipient_id)
            service.delete_recipient(recipient, g.actor.user.id)
            db.session.commit()

    @blp.route("/report-schedule")
    class Schedule(MethodView):
        @blp.response(200, ReportScheduleSchema)
        @_document_errors(blp, 401, 404)
        def get(self, partner_id: int) -> dict[str, Any]:
            """How often the partner receives its summary by itself."""
            partner = get_scoped(Partner, partner_id, g.actor.org.id)
            return {"partner_id": partner.id, "frequency": service.frequency_of(g.actor.org.id, partner.id)}

        @write_roles(*service.SEND_ROLES)
        @blp.arguments(ReportScheduleSchema)
        @blp.response(200, ReportScheduleSchema)
        @_document_errors(blp, 401, 403, 404, 422)
        def put(self, payload: dict[str, Any], partner_id: int) -> dict[str, Any]:
            """Set the frequency: none, monthly or quarterly."""
            _require_send_role()
            frequency = service.set_frequency(g.actor.org.id, g.actor.user.id, partner_id, payload["frequency"])
            db.session.commit()
            return {"partner_id": partner_id, "frequency": frequency}

    return blp


def deliveries_blueprint() -> ApiBlueprint:
    blp = api_blueprint("deliveries", "deliveries", "The delivery log: reports sent to partners by e-mail")
    page = page_schema(DeliverySchema, "DeliveryPage")

    @blp.route("")
    class Deliveries(MethodView):
        @blp.arguments(DeliveryArgsSchema, location="query")
        @blp.response(200, page)
        @_document_errors(blp, 401, 422)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """The delivery log, newest first; filter by `partner_id` and `status`."""
            return paginate(queries.log_query(g.actor.org.id, partner_id=args.get("partner_id"),
                                              status=args.get("status")), args)

    @blp.route("/<int:delivery_id>")
    class Delivery(MethodView):
        @blp.response(200, DeliverySchema)
        @_document_errors(blp, 401, 404)
        def get(self, delivery_id: int) -> Any:
            """One delivery: what, to whom, when, by whom, the result."""
            return service.get_delivery(g.actor.org.id, delivery_id)

    return blp


def blueprints() -> Iterator[ApiBlueprint]:
    yield partner_blueprint()
    yield deliveries_blueprint()
