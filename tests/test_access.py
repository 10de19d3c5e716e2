"""Every route of the application answers every kind of caller as the access table declares.

The table is ``tests/access_table.py`` (read its docstring to add routes). The walk calls each
route of ``app.url_map`` with each of its methods as: a signed-out visitor, each role of one
organization, and a user of another organization (object URLs). Reads are GETs; writes carry an
empty form or an invalid JSON body, so nothing changes — and the database is compared before and
after every write to prove it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask

from tests import access_table as t
from tests.conftest import PASSWORD
from tests.dbstate import database_state
from tests.factories import token_for
from tracker.extensions import db

MISSING_ID = "2147483000"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
#: Not compared before/after a write: the trail records refused sign-ins, exports etc. on purpose.
UNCOMPARED_TABLES = frozenset({"audit_event", "audit_chain_head"})
UNCOMPARED_COLUMNS = frozenset({("api_token", "last_used_at"), ("user", "last_login_at")})


def _rules(app: Flask):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in t.SKIP), key=lambda r: r.endpoint)


def _methods(rule) -> list[str]:
    return sorted(rule.methods - IGNORED_METHODS)


def test_every_route_is_in_the_access_table(app):
    problems = []
    endpoints = set()
    for rule in _rules(app):
        endpoints.add(rule.endpoint)
        entry = t.ACCESS.get(rule.endpoint)
        if entry is None:
            problems.append(f"no access-table entry for endpoint {rule.endpoint!r} ({rule.rule}, methods "
                            f"{', '.join(_methods(rule))}): add one to tests/access_table.py ACCESS")
            continue
        for method in _methods(rule):
            if method not in entry.methods:
                problems.append(f"{rule.endpoint}: method {method} ({rule.rule}) is not declared in its entry")
        for arg in rule.arguments:
            if arg not in entry.args:
                problems.append(f"{rule.endpoint}: URL argument {arg!r} has no value in its entry's args")
        for name in (*entry.args.values(), *entry.query.values()):
            if not name.startswith("=") and name not in t.OBJECTS:
                problems.append(f"{rule.endpoint}: object {name!r} has no builder in tests/access_table.py OBJECTS")
    for endpoint in sorted(set(t.ACCESS) - endpoints):
        problems.append(f"access-table entry {endpoint!r} matches no route (renamed or removed?)")
    assert not problems, "\n".join(problems)


def test_the_table_lets_auditors_write_only_to_their_own_account():
    wrong = [f"{endpoint} {method}" for endpoint, entry in t.ACCESS.items() for method, roles in entry.methods.items()
             if method in t.WRITE_METHODS and t.AUDITOR in roles and not entry.self_service]
    assert wrong == []


@dataclass(frozen=True)
class Caller:
    label: str
    role: str | None = None
    cookie: str | None = None
    token: str | None = None
    other_org: bool = False


def _session_cookie(app: Flask, email: str) -> str:
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302, email
    return client.get_cookie("session").value


def _database_state() -> str:
    return database_state(UNCOMPARED_TABLES, UNCOMPARED_COLUMNS)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\s(on[a-z]+|style)\s*=", re.I)


class Walk:
    def __init__(self, app: Flask, world) -> None:
        self.app = app
        self.world = world
        # a mail server is configured (nothing is sent: every walked send or retry is refused
        # before it would connect), so that mail actions reach their object lookups
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=9, SMTP_SECURITY="none", SMTP_SENDER="aid@example.org")
        self.objects = {name: build(world) for name, build in t.OBJECTS.items()}
        db.session.commit()
        self.ids = {name: str(obj.id) for name, obj in self.objects.items()}
        self.callers = {None: Caller("signed-out visitor")}
        self.other = {}
        for role in t.ROLES:
            user = world.users[role]
            self.callers[role] = Caller(role, role, _session_cookie(app, user.email), token_for(user, world.org))
            other = world.other_users[role]
            self.other[role] = Caller(f"{role} of another organization", role, _session_cookie(app, other.email),
                                      token_for(other, world.other), other_org=True)
        db.session.commit()
        self.problems: list[str] = []
        self.calls = 0

    def url(self, rule, entry: t.Access, missing: bool) -> str:
        values = {}
        for arg, name in entry.args.items():
            values[arg] = name[1:] if name.startswith("=") else (MISSING_ID if missing else self.ids[name])
        for arg, name in entry.query.items():
            values[arg] = name[1:] if name.startswith("=") else self.ids[name]
        with self.app.test_request_context():
            from flask import url_for

            return url_for(rule.endpoint, **values)

    def request(self, caller: Caller, method: str, url: str, api: bool, body):
        client = self.app.test_client()
        headers = {}
        if api:
            if caller.token:
                headers["Authorization"] = f"Bearer {caller.token}"
        elif caller.cookie:
            client.set_cookie("session", caller.cookie)
        kwargs = {}
        if method not in ("GET", "DELETE"):
            kwargs = {"json": body} if api else {"data": body}
        self.calls += 1
        return client.open(url, method=method, headers=headers, **kwargs)

    def expected(self, entry: t.Access, method: str, caller: Caller, api: bool) -> int:
        if caller.role is None:
            if entry.public is not None:
                return entry.public[method]
            return 401 if api else 302
        if caller.other_org:
            return 404
        if caller.role in entry.methods[method]:
            if method in entry.expect:
                return entry.expect[method]
            if method in entry.destructive:
                return 404
            return 200 if method == "GET" else 422
        return 403

    def check(self, rule, entry: t.Access, method: str, caller: Caller) -> None:
        api = rule.rule.startswith("/api/")
        allowed = caller.role in entry.methods[method] and not caller.other_org
        url = self.url(rule, entry, missing=allowed and method in entry.destructive)
        body = entry.body.get(method, {"__access_walk__": True} if api else {})
        if caller.other_org and api and method in ("PUT", "PATCH"):
            body = self.owner_view(rule, entry, method)  # a valid body: only the object's owner is wrong
        write = method in t.WRITE_METHODS
        before = _database_state() if write else None
        response = self.request(caller, method, url, api, body)
        want = self.expected(entry, method, caller, api)
        where = f"{rule.endpoint} {method} {url} as {caller.label}"
        accepted = {want}
        if caller.other_org and write and method not in ("PUT", "PATCH") and body == {"__access_walk__": True}:
            accepted.add(422)  # the invalid body is refused before the object is looked up: nothing shown
        if response.status_code not in accepted:
            self.problems.append(f"{where}: expected {want}, got {response.status_code}")
        if want == 302 and caller.role is None and entry.public is None and \
                "/login" not in response.headers.get("Location", ""):
            self.problems.append(f"{where}: redirected to {response.headers.get('Location')}, not the sign-in page")
        if write and _database_state() != before:
            self.problems.append(f"{where}: the database changed")
        if caller.role == t.AUDITOR and write and 200 <= response.status_code < 300 and not entry.self_service:
            self.problems.append(f"{where}: an auditor got {response.status_code} on a write")
        if response.status_code == 200 and response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            if INLINE_SCRIPT.search(html) or INLINE_HANDLER.search(html):
                self.problems.append(f"{where}: inline script or style (forbidden by the CSP)")
        response.close()

    def owner_view(self, rule, entry: t.Access, method: str) -> dict:
        """The object as its owner reads it, reduced to the fields the operation accepts."""
        response = self.request(self.callers[t.ADMIN], "GET", self.url(rule, entry, missing=False), True, None)
        return self.writable(self.request_schema(rule, method), response.json)

    def request_schema(self, rule, method: str) -> dict:
        if not hasattr(self, "_document"):
            self._document = self.app.test_client().get("/api/v1/openapi.json").get_json()
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        operation = self._document["paths"][path][method.lower()]
        return operation["requestBody"]["content"]["application/json"]["schema"]

    def writable(self, schema: dict, value):
        """``value`` reduced to the writable fields of ``schema``, nested objects (lines) included."""
        if "$ref" in schema:
            schema = self._document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        if isinstance(value, list) and "items" in schema:
            return [self.writable(schema["items"], v) for v in value]
        if isinstance(value, dict) and "properties" in schema:
            return {k: self.writable(schema["properties"][k], v) for k, v in value.items()
                    if k in schema["properties"] and not schema["properties"][k].get("readOnly")}
        return value

    def run(self) -> None:
        for rule in _rules(self.app):
            entry = t.ACCESS[rule.endpoint]
            has_objects = any(not name.startswith("=") for name in (*entry.args.values(), *entry.query.values()))
            for method in _methods(rule):
                for caller in self.callers.values():
                    self.check(rule, entry, method, caller)
                if has_objects and entry.tenant:
                    role = next((r for r in t.ROLES if r in entry.methods[method]), None)
                    if role is not None:
                        self.check(rule, entry, method, self.other[role])


def test_every_route_answers_each_caller_as_declared(app, world):
    missing = [r.endpoint for r in _rules(app) if r.endpoint not in t.ACCESS]
    if missing:
        pytest.fail(f"routes missing from the access table: {', '.join(missing)}")
    walk = Walk(app, world)
    walk.run()
    assert walk.calls > 300
    assert not walk.problems, f"{len(walk.problems)} of {walk.calls} answers differ from tests/access_table.py:\n" \
        + "\n".join(walk.problems)


def test_api_ignores_session_cookies(app, world):
    client = app.test_client()
    client.set_cookie("session", _session_cookie(app, world.users["admin"].email))
    assert client.get("/api/v1/partners").status_code == 401
    assert client.post("/api/v1/partners", json={"name": "x", "kind": "company", "country": "PL"}).status_code == 401
