"""The declared access table: who may call every route of the application, and what they get.

``tests/test_access.py`` walks ``app.url_map`` and calls every route with every method as a
signed-out visitor, as each role of one organization and as a user of another organization, and
compares each answer with this table. A route that is not in the table fails the test with its
endpoint name, so a new route cannot be forgotten.

Adding routes
-------------
* Master-data style pages (index, view, create, edit, delete): ``**crud_pages("consignments",
  "consignment")``. A flask-smorest resource (Collection + Member): ``**api_resource("api_consignments",
  "consignment")``.
* Anything else: ``"stock.post": Access({"POST": EDIT}, args={"object_id": "distribution"},
  destructive={"POST"})``.
* Object arguments name a builder in ``OBJECTS`` (add yours there: it gets the test ``World`` and
  returns an object of ``world.org`` with an ``id``); literals start with ``=`` (``"=EUR"``).
  ``query`` gives query-string parameters the same way.
* API writes whose role check is narrower than EDIT (admin + finance head…) declare it on the
  handler with ``tracker.api.write_roles`` so that a refused role gets 403 before its body is read.

What the walk sends and expects
-------------------------------
* GET: allowed roles get ``200``; other roles ``403``; signed-out visitors are redirected to the
  sign-in page (pages) or get ``401`` (API); a user of another organization gets ``404`` for an
  object URL.
* Writes (POST/PUT/PATCH/DELETE) are sent with an empty form or an invalid JSON body, so they
  change nothing: allowed roles get ``422`` (the refusal of the empty input); for a
  ``destructive`` method (one that needs no input: delete, revoke, post, reverse) allowed roles are
  sent a missing id and get ``404``. ``expect`` declares other answers. Every write is checked to
  leave the database unchanged (audit trail aside). A user of another organization gets ``404``
  (``422`` is accepted for an API write whose invalid body is refused before the object lookup;
  PUT/PATCH are sent a valid body, the object as its owner reads it).
* The auditor role never gets a 2xx answer on a write, and the table may not allow it one,
  except on ``self_service`` routes (own session, password, tokens).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

ADMIN, ACCOUNTANT, FINANCE_HEAD, AUDITOR = "admin", "accountant", "finance_head", "auditor"
ROLES = (ADMIN, ACCOUNTANT, FINANCE_HEAD, AUDITOR)
ALL = frozenset(ROLES)
EDIT = frozenset({ADMIN, ACCOUNTANT, FINANCE_HEAD})
AUDIT = frozenset({ADMIN, FINANCE_HEAD, AUDITOR})
ADMIN_ONLY = frozenset({ADMIN})
SEND = frozenset({ADMIN, FINANCE_HEAD})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Access:
    """Who may call one endpoint, by HTTP method, and what an allowed caller gets."""

    #: method → roles allowed (every method of the route must be listed)
    methods: dict[str, frozenset[str]]
    #: URL argument → name of a builder in OBJECTS, or a literal "=value"
    args: dict[str, str] = field(default_factory=dict)
    #: query-string parameters, the same way (``?partner_id=`` of a report)
    query: dict[str, str] = field(default_factory=dict)
    #: the objects in ``args`` belong to an organization (another organization's users get 404);
    #: False for shared data (exchange rates)
    tenant: bool = True
    #: methods that act without input (delete, revoke…): allowed callers get a missing id → 404
    destructive: frozenset[str] = frozenset()
    #: method → status for allowed callers when the default (GET 200, writes 422) does not apply
    expect: dict[str, int] = field(default_factory=dict)
    #: reachable signed out; method → status a signed-out visitor gets
    public: dict[str, int] | None = None
    #: method → form data (pages) or JSON body (API) to send instead of the empty/invalid default
    body: dict[str, Any] = field(default_factory=dict)
    #: acts on the caller's own session or account: every role, auditors included, may write
    self_service: bool = False


def crud_pages(name: str, obj: str, *, read: frozenset[str] = ALL, edit: frozenset[str] = EDIT,
               tenant: bool = True) -> dict[str, Access]:
    """The five endpoints ``tracker.web.crud.CrudPages`` registers."""
    arg = {"object_id": obj}
    return {
        f"{name}.index": Access({"GET": read}),
        f"{name}.view": Access({"GET": read}, args=arg, tenant=tenant),
        f"{name}.create": Access({"GET": edit, "POST": edit}),
        f"{name}.edit": Access({"GET": edit, "POST": edit}, args=arg, tenant=tenant),
        f"{name}.delete": Access({"POST": edit}, args=arg, tenant=tenant, destructive=frozenset({"POST"})),
    }


def api_resource(name: str, obj: str, *, read: frozenset[str] = ALL, edit: frozenset[str] = EDIT,
                 member_methods: tuple[str, ...] = ("GET", "PUT", "PATCH", "DELETE"), arg: str = "object_id",
                 tenant: bool = True) -> dict[str, Access]:
    """``Collection`` (list, create) and ``Member`` (read, replace, change, delete) of one resource."""
    member = {m: (read if m == "GET" else edit) for m in member_methods}
    return {
        f"{name}.Collection": Access({"GET": read, "POST": edit}),
        f"{name}.Member": Access(member, args={arg: obj}, tenant=tenant, destructive=frozenset({"DELETE"})),
    }


# --------------------------------------------------------------------------- objects
def _agreement(world: Any) -> Any:
    from tests import factories

    return factories.make_agreement(world.org, world.partner, number="ACCESS-1")


def _item(world: Any) -> Any:
    from tests import factories

    return factories.make_item(world.org, name="Access walk generator")


def _warehouse(world: Any) -> Any:
    from tests import factories

    return factories.make_warehouse(world.org, name="Access walk warehouse")


def _category(world: Any) -> Any:
    from tests import factories

    return factories.category(world.org, "generators")


def _unit(world: Any) -> Any:
    from tests import factories

    return factories.unit(world.org, "pcs")


def _rate(world: Any) -> Any:
    from tracker.rates import service

    return service.create_rate(service.RateData("EUR", date(2026, 1, 5), Decimal("44.123456")), None, world.org.id)


def _membership(world: Any) -> Any:
    return next(m for m in world.users[ACCOUNTANT].memberships if m.organization_id == world.org.id)


def _token(world: Any) -> Any:
    from tracker.orgs import service

    token, _raw = service.create_token(world.users[ADMIN], world.org.id, days=30, name="access walk")
    return token


def _recipient(world: Any) -> Any:
    from tracker.delivery import service

    return service.create_recipient(world.org.id, None, world.partner.id,
                                    service.RecipientData(name="Julia Becker", email="julia@dortmund.example",
                                                          language="de"))


def _delivery(world: Any) -> Any:
    """A delivery-log row (pending) with its stored PDF, for the partner's recipient."""
    from flask import current_app

    from tracker.delivery import service
    from tracker.delivery.periods import Period
    from tracker.models import DeliveryTrigger
    from tracker.models.base import utcnow

    config = service.DeliveryConfig.from_config(current_app.config)
    recipients = service.recipients_of(world.org.id, world.partner.id)
    mail = service.plan_mails(world.org, world.partner, Period(date(2026, 1, 1), date(2026, 1, 31)), recipients,
                              config)[0]
    return service.queue_delivery(world.org.id, None, world.partner.id, mail, config, trigger=DeliveryTrigger.manual,
                                  request_key="access-walk", note="", sender_domain="example.org", now=utcnow())


#: Objects of ``world.org`` used in object URLs, built once per walk (in this order).
OBJECTS: dict[str, Callable[[Any], Any]] = {
    "partner": lambda world: world.partner,
    "agreement": _agreement,
    "category": _category,
    "unit": _unit,
    "item": _item,
    "warehouse": _warehouse,
    "rate": _rate,
    "membership": _membership,
    "token": _token,
    "recipient": _recipient,
    "delivery": _delivery,
}

# --------------------------------------------------------------------------- the table
ACCESS: dict[str, Access] = {
    # signing in and out, own account
    "auth.login": Access({"GET": ALL, "POST": ALL}, expect={"GET": 302, "POST": 302},
                         public={"GET": 200, "POST": 422}, self_service=True),
    "auth.logout": Access({"POST": ALL}, expect={"POST": 302}, self_service=True),
    "auth.switch_org": Access({"POST": ALL}, expect={"POST": 302}, self_service=True),
    "auth.set_language": Access({"GET": ALL, "POST": ALL}, args={"lang": "=uk"}, expect={"GET": 302, "POST": 302},
                                public={"GET": 302, "POST": 302}, self_service=True),
    "auth.password": Access({"GET": ALL, "POST": ALL}, self_service=True),
    "health": Access({"GET": ALL}, public={"GET": 200}),
    "dashboard.index": Access({"GET": ALL}),
    # the organization, its members, own API tokens
    "orgs.view": Access({"GET": ALL}),
    "orgs.edit": Access({"GET": ADMIN_ONLY, "POST": ADMIN_ONLY}),
    "orgs.add_member": Access({"GET": ADMIN_ONLY, "POST": ADMIN_ONLY}),
    "orgs.change_role": Access({"POST": ADMIN_ONLY}, args={"membership_id": "membership"},
                               destructive=frozenset({"POST"}), body={"POST": {"role": AUDITOR}}),
    "orgs.remove_member": Access({"POST": ADMIN_ONLY}, args={"membership_id": "membership"},
                                 destructive=frozenset({"POST"})),
    "orgs.tokens": Access({"GET": ALL, "POST": ALL}, body={"POST": {"days": "many"}}, self_service=True),
    "orgs.revoke_token": Access({"POST": ALL}, args={"token_id": "token"}, destructive=frozenset({"POST"}),
                                self_service=True),
    # master data pages
    **crud_pages("partners", "partner"),
    **crud_pages("agreements", "agreement"),
    **crud_pages("categories", "category"),
    **crud_pages("units", "unit"),
    **crud_pages("items", "item"),
    **crud_pages("warehouses", "warehouse"),
    # exchange rates are shared by all organizations
    "rates.index": Access({"GET": ALL}),
    "rates.create": Access({"GET": EDIT, "POST": EDIT}),
    "rates.edit": Access({"GET": EDIT, "POST": EDIT}, args={"rate_id": "rate"}, tenant=False),
    "rates.delete": Access({"POST": EDIT}, args={"rate_id": "rate"}, tenant=False, destructive=frozenset({"POST"})),
    "rates.import_file": Access({"POST": EDIT}, expect={"POST": 303}),
    # the audit trail
    "audit.index": Access({"GET": AUDIT}),
    "audit.export": Access({"GET": AUDIT}),
    # the API
    "api-docs.openapi_json": Access({"GET": ALL}, public={"GET": 200}),
    **api_resource("api_partners", "partner"),
    **api_resource("api_agreements", "agreement"),
    **api_resource("api_categories", "category"),
    **api_resource("api_units", "unit"),
    **api_resource("api_items", "item"),
    **api_resource("api_warehouses", "warehouse"),
    **api_resource("api_rates", "rate", member_methods=("GET", "PATCH", "DELETE"), arg="rate_id", tenant=False),
    "api_rates.Lookup": Access({"GET": ALL}, args={"currency": "=EUR", "on": "=2026-01-05"}, tenant=False),
    "api_rates.Import": Access({"POST": EDIT}),
    "api_audit.Collection": Access({"GET": AUDIT}),
    # donor reports by e-mail: everyone reads, finance heads and admins send and manage recipients
    "delivery.index": Access({"GET": ALL}),
    "delivery.pdf": Access({"GET": ALL}, query={"partner_id": "partner", "period_start": "=2026-01-01",
                                               "period_end": "=2026-01-31"}),
    "delivery.send": Access({"POST": SEND}),
    "delivery.log": Access({"GET": ALL}),
    "delivery.view": Access({"GET": ALL}, args={"delivery_id": "delivery"}),
    "delivery.sent_pdf": Access({"GET": ALL}, args={"delivery_id": "delivery"}),
    "delivery.retry": Access({"POST": SEND}, args={"delivery_id": "delivery"}, destructive=frozenset({"POST"})),
    "delivery.download": Access({"GET": ALL}, args={"token": "=not-a-signed-link"}, tenant=False,
                                expect={"GET": 404}, public={"GET": 404}),
    "delivery.add_recipient": Access({"GET": SEND, "POST": SEND}, args={"partner_id": "partner"}),
    "delivery.edit_recipient": Access({"GET": SEND, "POST": SEND},
                                      args={"partner_id": "partner", "recipient_id": "recipient"}),
    "delivery.delete_recipient": Access({"POST": SEND}, args={"partner_id": "partner", "recipient_id": "recipient"},
                                        destructive=frozenset({"POST"})),
    "delivery.set_frequency": Access({"POST": SEND}, args={"partner_id": "partner"}, expect={"POST": 303}),
    "api_deliveries.Deliveries": Access({"GET": ALL}),
    "api_deliveries.Delivery": Access({"GET": ALL}, args={"delivery_id": "delivery"}),
    "api_partner_delivery.Recipients": Access({"GET": ALL, "POST": SEND}, args={"partner_id": "partner"}),
    "api_partner_delivery.Recipient": Access({"GET": ALL, "PUT": SEND, "PATCH": SEND, "DELETE": SEND},
                                             args={"partner_id": "partner", "recipient_id": "recipient"},
                                             destructive=frozenset({"DELETE"})),
    "api_partner_delivery.Schedule": Access({"GET": ALL, "PUT": SEND}, args={"partner_id": "partner"}),
}

#: Routes the walk does not call (served files, no data behind them).
SKIP = frozenset({"static"})
