"""``GET /api/v1/audit``: the organization's audit trail for auditors, admins and finance heads."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint as ApiBlueprint
from marshmallow import Schema, fields, validate

from tracker.api import api_blueprint
from tracker.api import schemas as s
from tracker.api.fields import SafeDate, SafeInt, Text
from tracker.audit import queries
from tracker.web.access import AUDIT_ROLES


class AuditArgsSchema(s.PageArgsSchema):
    user_id = SafeInt(strict=False)
    object_type = Text(validate=validate.Length(max=50))
    object_id = Text(validate=validate.Length(max=50))
    action = Text(validate=validate.Length(max=50))
    date_from = SafeDate(data_key="from")
    date_to = SafeDate(data_key="to")


class AuditEventSchema(Schema):
    id = fields.Integer()
    at = fields.AwareDateTime(metadata={"description": "UTC time of the event"})
    user_id = fields.Integer(allow_none=True)
    user_email = fields.String(allow_none=True)
    action = fields.String()
    object_type = fields.String()
    object_id = fields.String()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    prev_hash = fields.String()
    hash = fields.String()


def blueprint() -> ApiBlueprint:
    from tracker.api.resources import _document_errors, paginate

    blp = api_blueprint("audit", "audit", "The audit trail (read-only; auditors, admins and finance heads)")
    page_schema = s.page_schema(AuditEventSchema, "AuditEventPage")

    @blp.route("")
    class Collection(MethodView):
        @blp.arguments(AuditArgsSchema, location="query")
        @blp.response(200, page_schema)
        @_document_errors(blp, 401, 403, 422)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """List events, newest first; filter by `user_id`, `object_type` + `object_id` (an object's
            history), `action`, and the period `from`–`to` (days in the organization's time zone)."""
            if g.actor.role not in AUDIT_ROLES:
                abort(403)
            flt = queries.AuditFilter(user_id=args.get("user_id"), object_type=args.get("object_type", ""),
                                      object_id=args.get("object_id", ""), action=args.get("action", ""),
                                      date_from=args.get("date_from"), date_to=args.get("date_to"))
            result = paginate(queries.events_query(g.actor.org.id, flt, current_app.config["BABEL_DEFAULT_TIMEZONE"]),
                              args)
            emails = queries.emails_by_id({e.user_id for e in result["items"] if e.user_id})
            result["items"] = [{**{c: getattr(e, c) for c in AuditEventSchema._declared_fields if c != "user_email"},
                                "user_email": emails.get(e.user_id)} for e in result["items"]]
            return result

    return blp
