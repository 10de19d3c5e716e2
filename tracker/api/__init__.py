"""The JSON API under ``/api/v1``, built with flask-smorest (marshmallow schemas → OpenAPI 3).

Authentication is ``Authorization: Bearer <token>``; a token acts for one user in one
organization. Errors are ``application/problem+json`` with ``errors: {field: [messages]}``,
produced by the app-wide handlers in ``tracker.web.setup`` (flask-smorest's own handler is
switched off so that pages and API share one error path).
"""
from __future__ import annotations

import http
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import flask
from flask import Flask, abort, g, request
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask_smorest import Api
from flask_smorest import Blueprint as ApiBlueprint
from flask_smorest.arguments import ArgumentsMixin
from flask_smorest.utils import prepare_response
from marshmallow import RAISE
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from tracker.api.schemas import ProblemSchema
from tracker.extensions import db
from tracker.models import Role
from tracker.web.access import EDIT_ROLES, Actor

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
F = TypeVar("F", bound=Callable[..., Any])
PROBLEM_JSON = "application/problem+json"


class DecimalFlaskParser(FlaskParser):
    """webargs parser reading JSON numbers as Decimal and refusing NaN/Infinity."""

    DEFAULT_VALIDATION_STATUS = 422
    #: Unknown query parameters are refused (422), not ignored: a mistyped filter
    #: (``?partner=3`` for ``?partner_id=3``) must not silently return an unfiltered list.
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE, "querystring": RAISE}

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return core.missing
        data = req.get_data(cache=True)
        try:
            return json.loads(data, parse_float=Decimal, parse_constant=_refuse_constant)
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
            return self._handle_invalid_json_error(exc, req)  # type: ignore[arg-type]


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


ArgumentsMixin.ARGUMENTS_PARSER = DecimalFlaskParser()


class TrackerApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """Errors are rendered by the application's handlers (one problem+json path)."""

    def _register_responses(self) -> None:
        """flask-smorest's default responses, with errors documented as ``application/problem+json``
        (what the application sends), so that undocumented error codes (400 for a malformed JSON
        body, 405, 413) still match the ``default`` response of every operation."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            content_type = self.DEFAULT_RESPONSE_CONTENT_TYPE
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                content_type = PROBLEM_JSON
            prepare_response(response, self.spec, content_type)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error (application/problem+json)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def schema_name(schema: Any) -> str:
    """Component names: ``PartnerSchema`` → ``Partner``; its partial (PATCH) form → ``PartnerPatch``."""
    cls = resolve_schema_cls(schema)
    name = cls.__name__.removesuffix("Schema")
    if not isinstance(schema, type) and getattr(schema, "partial", False):
        name += "Patch"
    return name


api = TrackerApi(spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name)})


def authenticate_request() -> None:
    """Resolve the bearer token into ``g.actor``; 401 without a valid one, 403 for a role that
    may only read when the request writes."""
    from tracker.orgs.service import resolve_token, touch_token

    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    token = resolve_token(raw.strip()) if scheme.lower() == "bearer" and raw.strip() else None
    if token is None:
        abort(401)
    if touch_token(token):
        db.session.commit()  # its own small transaction, before the handler's
    membership = next(m for m in token.user.memberships if m.organization_id == token.organization_id)
    g.actor = Actor(user=token.user, org=token.organization, role=membership.role)
    g.api_token = token
    if request.method in WRITE_METHODS and membership.role not in _write_roles():
        abort(403)  # before the body is parsed: a refused role learns nothing about its input


def write_roles(*roles: Role) -> Callable[[F], F]:
    """Declare who may call an API write handler (narrower or wider than EDIT_ROLES); the check
    runs in :func:`authenticate_request`, before the request body is read. Put it above the
    flask-smorest decorators of the MethodView method."""

    def decorator(func: F) -> F:
        func.api_write_roles = frozenset(roles)  # type: ignore[attr-defined]
        return func

    return decorator


def _write_roles() -> frozenset[Role]:
    """The roles the current endpoint's handler declared with :func:`write_roles`, else EDIT_ROLES."""
    view = flask.current_app.view_functions.get(request.endpoint or "")
    handler = getattr(getattr(view, "view_class", None), request.method.lower(), None) or view
    declared = getattr(handler, "api_write_roles", None) or getattr(view, "api_write_roles", None)
    return declared if declared is not None else EDIT_ROLES


def api_blueprint(name: str, url: str, description: str) -> ApiBlueprint:
    blp = ApiBlueprint(f"api_{name}", __name__, url_prefix=f"/api/v1/{url}", description=description)
    blp.before_request(authenticate_request)  # no CSRF check on /api/ (tracker.web.setup)
    return blp


_blueprints: list[ApiBlueprint] = []


def _api_blueprints() -> list[ApiBlueprint]:
    """The API's blueprints, built once per process: Flask and flask-smorest register the same
    blueprint in any number of applications (each test builds one), and building them is half
    the cost of ``create_app``."""
    if not _blueprints:
        from tracker.api import resources

        _blueprints.extend(resources.blueprints())
    return _blueprints


def init_api(app: Flask) -> None:
    api.init_app(app)
    api.spec.options.setdefault("servers", [{"url": "/"}])
    for blp in _api_blueprints():
        api.register_blueprint(blp)

    @app.after_request
    def no_store_api(response):
        if request.path.startswith("/api/") and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response

    # API requests commit explicitly in their handlers; make sure nothing lingers.
    @app.teardown_request
    def _cleanup(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()
