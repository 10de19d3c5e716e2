"""Reading idempotency keys from requests: the API's ``Idempotency-Key`` header and the
one-time token every posting form carries (``{{ once_token() }}`` in the template).

API handler::

    @blp.arguments(schema)
    @blp.arguments(IdempotencyHeaderSchema, location="headers", as_kwargs=True)
    @blp.response(201, schema)
    def post(self, payload, idempotency_key=None):
        claim = claim_request("distributions.create", payload, idempotency_key)
        if claim.replayed is not None:
            return get_scoped(Distribution, claim.replayed.object_id, g.actor.org.id)
        ...; complete(claim, obj); db.session.commit()

Page::

    <form method="post">{{ form.csrf_token }}{{ once_token() }} …</form>

    claim = claim_form("distributions.post")           # raises Conflict for a reused token
    if claim.replayed is not None:                      # a double click: show the first result
        flash(_("This form was already submitted; nothing was saved twice."), "info")
        return redirect(url_for(".view", object_id=claim.replayed.object_id))

A form re-rendered after a validation error keeps its token (the failed attempt rolled back,
so the token is still free); a fresh form gets a new one.
"""
from __future__ import annotations

import secrets
from typing import Any

from flask import g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from markupsafe import Markup, escape

from tracker.errors import Conflict, ValidationFailed
from tracker.idempotency.service import MAX_KEY_LENGTH, NO_CLAIM, Claim, claim_key, fingerprint_of

HEADER = "Idempotency-Key"
#: Name of the hidden form field with the one-time token.
FORM_TOKEN_FIELD = "once_token"
_NOT_FORM_DATA = frozenset({FORM_TOKEN_FIELD, "csrf_token"})


class IdempotencyHeaderSchema(Schema):
    """The optional ``Idempotency-Key`` header of posting operations (documented in OpenAPI)."""

    idempotency_key = fields.String(
        data_key=HEADER,
        validate=[validate.Length(min=1, max=MAX_KEY_LENGTH), validate.Regexp(r"^[!-~]+$")],
        metadata={"description": str(_l("Any unique string (e.g. a UUID). Repeating the request with the "
                                         "same key and body returns the first result instead of doing it twice; "
                                         "the same key with another body is refused (422)."))},
    )


def claim_request(scope: str, payload: Any, key: str | None) -> Claim:
    """Claim the API request's key for ``scope`` (no key: no protection, ``NO_CLAIM``)."""
    if key is None:
        return NO_CLAIM
    return claim_key(organization_id=g.actor.org.id, user_id=g.actor.user.id, key=key, scope=scope,
                     fingerprint=fingerprint_of(payload))


def claim_form(scope: str) -> Claim:
    """Claim the submitted form's one-time token for ``scope`` (a form without one: ``NO_CLAIM``).

    The same token with other field values (the user went back, changed the form and sent it
    again) is refused with Conflict rather than silently answered with the first result.
    """
    token = request.form.get(FORM_TOKEN_FIELD, "").strip()
    if not token:
        return NO_CLAIM
    content = {k: v for k, v in request.form.to_dict(flat=False).items() if k not in _NOT_FORM_DATA}
    content["_files"] = sorted(f.filename or "" for f in request.files.values())
    try:
        return claim_key(organization_id=g.actor.org.id, user_id=g.actor.user.id, key=token, scope=scope,
                         fingerprint=fingerprint_of(content))
    except ValidationFailed:
        raise Conflict(_("This form was already submitted with other values. Open the form again to "
                         "make a new entry.")) from None


def once_token() -> Markup:
    """A hidden input with a one-time token; a re-rendered form keeps the token it was sent with."""
    token = request.form.get(FORM_TOKEN_FIELD, "") if request.method == "POST" else ""
    if not token or len(token) > MAX_KEY_LENGTH:
        token = secrets.token_urlsafe(24)
    return Markup(f'<input type="hidden" name="{FORM_TOKEN_FIELD}" value="{escape(token)}">')
