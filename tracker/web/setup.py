"""Application-wide web set-up: languages, sign-in, security headers, errors, template helpers."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Flask, g, jsonify, redirect, render_template, request, session, url_for
from flask.json.provider import DefaultJSONProvider
from flask_babel import get_locale
from flask_babel import refresh as refresh_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from tracker.errors import DomainError, ValidationFailed
from tracker.extensions import babel, csrf, db, login_manager
from tracker.models import User
from tracker.money import format_amount, format_money
from tracker.web.access import load_actor
from tracker.web.messages import translate

#: Endpoints reachable without signing in (delivery.download: signed links mailed to donors).
PUBLIC_ENDPOINTS = frozenset({"auth.login", "static", "auth.set_language", "health", "delivery.download"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class DecimalJSONProvider(DefaultJSONProvider):
    """JSON in and out without floats: incoming numbers become Decimal, Decimals go out as strings."""

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, Decimal):
            return str(o)
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_float", Decimal)
        kwargs.setdefault("parse_constant", _reject_constant)
        return json.loads(s, **kwargs)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def select_locale() -> str:
    """The interface language: the one chosen in this session (``/language/<lang>``, also set
    from the user's stored choice at sign-in), else the signed-in user's stored locale (an API
    token's user too), else ``BABEL_DEFAULT_LOCALE`` (uk). The browser's Accept-Language is
    deliberately not consulted: the interface is Ukrainian unless the user chose otherwise."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    wanted = session.get("lang") if request else None
    if wanted in languages:
        return wanted
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    token_actor = g.get("actor") if request else None
    if token_actor is not None and token_actor.user.locale in languages:
        return token_actor.user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, title: str, detail: str = "", errors: dict[str, list[str]] | None = None):
    """An ``application/problem+json`` answer (RFC 9457) with field errors."""
    body: dict[str, Any] = {"type": "about:blank", "status": status, "title": title, "detail": detail or title}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


ERROR_TITLES = {
    400: _l("Bad request"),
    401: _l("Sign-in required"),
    403: _l("Access denied"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("File too large"),
    422: _l("Invalid data"),
    429: _l("Too many attempts"),
    500: _l("Internal error"),
}
ERROR_TEXTS = {
    400: _l("The request could not be understood. Reload the page and try again."),
    401: _l("Please sign in."),
    403: _l("Your role does not allow this action."),
    404: _l("There is no such page or object in your organization."),
    405: _l("This action is not available here."),
    409: _l("The action conflicts with the current state."),
    413: _l("The upload is larger than allowed."),
    422: _l("The data is invalid."),
    429: _l("Too many attempts. Wait a minute and try again."),
    500: _l("Something went wrong on our side. Nothing was saved; the error was logged."),
}


def render_error(status: int, detail: str | None = None, errors: dict[str, list[str]] | None = None):
    db.session.rollback()
    title = str(ERROR_TITLES.get(status, ERROR_TITLES[400] if status < 500 else ERROR_TITLES[500]))
    text = detail or str(ERROR_TEXTS.get(status, ""))
    if is_api_request():
        return problem(status, title, text, errors)
    return render_template("errors/error.html", status=status, title=title, text=text), status


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs' ``{location: {field: [msg] | {nested}}}`` → ``{"field" or "a.0.b": [msg]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not prefix and key in {"json", "query", "form", "files", "view_args", "headers"} \
                    and isinstance(value, dict):
                for k, v in flatten_messages(value).items():
                    flat.setdefault(k, []).extend(v)
                continue
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in flatten_messages(value, name).items():
                flat.setdefault(k, []).extend(v)
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            flat[prefix or "_schema"] = [translate(str(m)) for m in messages]
        else:
            for value in messages:
                for k, v in flatten_messages(value, prefix).items():
                    flat.setdefault(k, []).extend(v)
    else:
        flat[prefix or "_schema"] = [translate(str(messages))]
    return flat


def nul_field() -> str | None:
    """The name of the first query, form or JSON field holding a NUL character, if any."""
    for source in (request.args, request.form):
        for key, value in source.items(multi=True):
            # a malformed multipart part may carry no name (None)
            if (isinstance(key, str) and "\x00" in key) or (isinstance(value, str) and "\x00" in value):
                return (key or "").replace("\x00", "") or "_schema"
    if request.is_json:
        raw = request.get_data(cache=True)
        if b"\x00" in raw or b"\\u0000" in raw.lower():
            try:
                return _nul_path(json.loads(raw)) or "_schema"
            except ValueError:
                return "_schema"
    return None


def _nul_path(value: Any, path: str = "") -> str | None:
    if isinstance(value, str):
        return (path or "_schema") if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return name.replace("\x00", "") or "_schema"
            found = _nul_path(item, name)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_path(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def init_app(app: Flask) -> None:
    app.json = DecimalJSONProvider(app)

    @app.before_request
    def csrf_outside_the_api() -> None:
        # Pages use the session cookie, so every form carries a CSRF token; the API is
        # authenticated by bearer tokens only and needs none. Deciding by path (rather than
        # csrf.exempt per blueprint) keeps the module-level CSRFProtect from holding on to every
        # application's API blueprints.
        if app.config["WTF_CSRF_ENABLED"] and not is_api_request():
            csrf.protect(apply_exemptions=True)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        try:
            return db.session.get(User, int(user_id))
        except ValueError:
            return None

    @app.before_request
    def refuse_nul_characters():
        # PostgreSQL cannot store NUL in text (the insert would fail with a 500) and no legitimate
        # input contains one: refuse it up front, for every page and API route, present and future.
        field = nul_field()
        if field is not None:
            raise ValidationFailed(field, str(_l("Text must not contain NUL characters.")))

    @app.before_request
    def require_sign_in():
        # g can outlive a request when an app context was already pushed (tests, CLI): the
        # actor is always resolved afresh for each request.
        g.pop("actor", None)
        refresh_locale()
        if is_api_request() or request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
        load_actor()
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return render_error(exc.status, exc.message, exc.errors)

    @app.errorhandler(StaleDataError)
    def stale_data(exc: StaleDataError):
        # optimistic locking (tracker.concurrency): another transaction updated the row first
        return render_error(409, str(_l("Someone else saved this record at the same moment. Reload the page "
                                        "to see their changes, then make yours again.")))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        detail = None
        errors = None
        if exc.code == 400 and exc.description and "CSRF" in exc.description:
            detail = str(_l("The form has expired or was sent from elsewhere. Reload the page and try again."))
        data = getattr(exc, "data", None)
        if isinstance(data, dict) and "messages" in data:  # webargs/marshmallow validation
            errors = flatten_messages(data["messages"])
            if exc.code == 400 and "json" in (data.get("messages") or {}):
                detail = str(_l("The request body is not valid JSON."))
        response = render_error(exc.code or 500, detail, errors)
        if exc.code == 401 and is_api_request():
            response.headers["WWW-Authenticate"] = 'Bearer realm="aid-tracker"'
        if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            target = response[0] if isinstance(response, tuple) else response
            if hasattr(target, "headers"):
                target.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return render_error(500)

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.context_processor
    def template_globals() -> dict[str, Any]:
        return {
            "actor": getattr(g, "actor", None),
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
        }

    from tracker.idempotency.web import once_token

    app.jinja_env.globals["once_token"] = once_token

    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["amount"] = format_amount
    app.jinja_env.filters["enum_label"] = enum_label

    from tracker.web.blueprints import register_blueprints

    register_blueprints(app)


def enum_label(value: Any) -> str:
    from tracker.web.labels import label

    return label(value)
