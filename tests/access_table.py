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
#: stock documents: accountants and finance heads draft (admins do not), finance heads alone
#: reverse, post write-offs, stock counts and returns, post manual entries and close periods
DRAFT = frozenset({ACCOUNTANT, FINANCE_HEAD})
FINANCE = frozenset({FINANCE_HEAD})
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


def document_pages(name: str, obj: str, post: frozenset[str]) -> dict[str, Access]:
    """The pages ``tracker.stock.document_views.DocumentPages`` registers for one kind of stock document."""
    arg = {"document_id": obj}
    once = frozenset({"POST"})
    return {
        f"{name}.index": Access({"GET": ALL}),
        f"{name}.create": Access({"GET": DRAFT, "POST": DRAFT}),
        f"{name}.view": Access({"GET": ALL}, args=arg),
        f"{name}.edit": Access({"GET": DRAFT, "POST": DRAFT}, args=arg),
        f"{name}.post": Access({"POST": post}, args=arg, destructive=once),
        f"{name}.reverse": Access({"POST": FINANCE}, args=arg, destructive=once),
        f"{name}.delete": Access({"POST": DRAFT}, args=arg, destructive=once),
        f"{name}.upload": Access({"POST": DRAFT}, args=arg),
        f"{name}.download": Access({"GET": ALL}, args={"document_id": obj, "file_id": f"{obj}_file"}),
    }


def document_api(name: str, obj: str, post: frozenset[str]) -> dict[str, Access]:
    """The API ``tracker.api.books.document_blueprint`` registers for one kind of stock document."""
    arg = {"document_id": obj}
    return {
        f"{name}.Collection": Access({"GET": ALL, "POST": DRAFT}),
        f"{name}.Member": Access({"GET": ALL, "PUT": DRAFT, "DELETE": DRAFT}, args=arg,
                                 destructive=frozenset({"DELETE"})),
        f"{name}.Post": Access({"POST": post}, args=arg),
        f"{name}.Reverse": Access({"POST": FINANCE}, args=arg),
        f"{name}.Files": Access({"POST": DRAFT}, args=arg),
        f"{name}.File": Access({"GET": ALL}, args={"document_id": obj, "file_id": f"{obj}_file"}),
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


# objects of the consignment, customs, stock and ledger features
_OBJ_CACHE: dict[str, Any] = {}


def _consignment(world: Any) -> Any:
    """A cleared HA consignment with a line, a cleared declaration and its filed documents."""
    from tests import consignment_factories as cf

    cf.standard_rates()
    return cf.ready_to_accept(world.org, world.partner, warehouse=_stock_warehouse(world))


def _lot(world: Any) -> Any:
    """An accepted lot in stock (its consignment was accepted, with a journal entry)."""
    from tests import stock_factories as sf

    return sf.make_lot(world.org, world.partner, into=_stock_warehouse(world))


def _stock_draft(world: Any, kind: str, post: bool = False) -> Any:
    from tests import stock_factories as sf
    from tracker.models import ReturnKind, Role, WriteOffReason
    from tracker.stock import documents as docs

    lot = _lot(world)
    user = world.users[FINANCE_HEAD]
    line = sf.line(lot, "1", reason=WriteOffReason.damaged) if kind == "write_off" else sf.line(lot, "1")
    on = date(2026, 11, 20)
    if kind == "stock_count":
        return docs.create_stock_count(world.org.id, user.id, Role.finance_head, docs.StockCountData(
            on=on, warehouse_id=lot.consignment.warehouse_id, commission_members="O. Bondar\nP. Melnyk"), today=sf.TODAY)
    data = {
        "distribution": lambda: sf.distribution_data(line, on=on),
        "transfer": lambda: docs.TransferData(on=on, from_warehouse_id=lot.consignment.warehouse_id,
                                              to_warehouse_id=_other_warehouse(world).id, lines=(line,)),
        "write_off": lambda: docs.WriteOffData(on=on, commission_members="O. Bondar\nP. Melnyk", basis="Damaged",
                                               lines=(line,)),
        "stock_return": lambda: docs.StockReturnData(on=on, kind=next(iter(ReturnKind)), counterparty_name="Donor",
                                                     basis="Letter", reason="Surplus", lines=(line,)),
    }[kind]()
    doc = docs.create_document(kind, world.org.id, user.id, Role.finance_head, data, today=sf.TODAY)
    if post:
        docs.post_document(doc, user.id, Role.finance_head, today=sf.TODAY)
    return doc


def _stock_warehouse(world: Any) -> Any:
    from tests import stock_factories as sf

    return sf.warehouse(world.org, "Access walk warehouse")


def _other_warehouse(world: Any) -> Any:
    from tests import factories

    if "other_warehouse" not in _OBJ_CACHE or _OBJ_CACHE["other_warehouse"][0] is not world:
        _OBJ_CACHE["other_warehouse"] = (world, factories.make_warehouse(world.org, name="Access walk second"))
    return _OBJ_CACHE["other_warehouse"][1]


def _stock_file(world: Any, kind: str) -> Any:
    """A scan attached to a draft of ``kind`` (the draft is the object named ``kind``)."""
    from flask import current_app

    from tracker.models import Role
    from tracker.stock import documents as docs

    doc = _stock_draft(world, kind)
    _OBJ_CACHE[f"{kind}_doc"] = doc
    return docs.attach_file(doc, world.users[FINANCE_HEAD].id, Role.finance_head, b"%PDF-1.7 access walk", "scan.pdf",
                            folder=current_app.config["UPLOAD_FOLDER"], max_bytes=10_000_000)


def _customs_file(world: Any) -> Any:
    from flask import current_app

    from tracker.customs import service

    document = _built(world, "consignment").documents[0]
    return service.attach_file(document, None, b"%PDF-1.7 access walk", "scan.pdf",
                               folder=current_app.config["UPLOAD_FOLDER"], max_bytes=10_000_000)


def _first(model_name: str) -> Callable[[Any], Any]:
    def build(world: Any) -> Any:
        import sqlalchemy as sa

        from tracker import models
        from tracker.extensions import db

        model = getattr(models, model_name)
        return db.session.scalars(sa.select(model).where(model.organization_id == world.org.id)
                                  .order_by(model.id)).first()
    return build


def _setting(world: Any) -> Any:
    from tracker.settings import service

    return service.set_setting(world.org.id, None, service.SettingData("ha_report_due_days", "60", date(2026, 1, 1)))


def _document_type(world: Any) -> Any:
    from tests import consignment_factories as cf

    return cf.document_type(world.org, "cmr")


def _built(world: Any, name: str) -> Any:
    """An object built earlier in the same walk (OBJECTS are built in order)."""
    cached = _OBJ_CACHE.get(name)
    if cached is None or cached[0] is not world:
        _OBJ_CACHE[name] = (world, OBJECTS[name](world))
    return _OBJ_CACHE[name][1]


def _cached(name: str, build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def wrapper(world: Any) -> Any:
        cached = _OBJ_CACHE.get(name)
        if cached is None or cached[0] is not world:
            _OBJ_CACHE[name] = (world, build(world))
        return _OBJ_CACHE[name][1]
    return wrapper



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
    "consignment": _cached("consignment", _consignment),
    "consignment_line": lambda world: _built(world, "consignment").lines[0],
    "declaration": lambda world: _built(world, "consignment").declarations[0],
    "customs_document": lambda world: _built(world, "consignment").documents[0],
    "customs_file": _customs_file,
    "lot": _cached("lot", _lot),
    "accepted": lambda world: _built(world, "lot").consignment,
    "distribution_file": lambda world: _stock_file(world, "distribution"),
    "distribution": lambda world: _OBJ_CACHE["distribution_doc"],
    "transfer_file": lambda world: _stock_file(world, "transfer"),
    "transfer": lambda world: _OBJ_CACHE["transfer_doc"],
    "write_off_file": lambda world: _stock_file(world, "write_off"),
    "write_off": lambda world: _OBJ_CACHE["write_off_doc"],
    "stock_count_file": lambda world: _stock_file(world, "stock_count"),
    "stock_count": lambda world: _OBJ_CACHE["stock_count_doc"],
    "stock_return_file": lambda world: _stock_file(world, "stock_return"),
    "stock_return": lambda world: _OBJ_CACHE["stock_return_doc"],
    "posted_distribution": lambda world: _stock_draft(world, "distribution", post=True),
    "posted_write_off": lambda world: _stock_draft(world, "write_off", post=True),
    "journal_entry": _first("JournalEntry"),
    "account": _first("Account"),
    "posting_rule": _first("PostingRule"),
    "setting": _setting,
    "document_type": _document_type,
    "document_rule": _first("DocumentRule"),
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

    # consignments and their lines
    "consignments.index": Access({"GET": ALL}),
    "consignments.create": Access({"GET": EDIT, "POST": EDIT}),
    "consignments.view": Access({"GET": ALL}, args={"consignment_id": "consignment"}),
    "consignments.edit": Access({"GET": EDIT, "POST": EDIT}, args={"consignment_id": "consignment"}),
    "consignments.transition": Access({"POST": EDIT}, args={"consignment_id": "consignment"}),
    # the report date needs no input (today by default): sent a missing id
    "consignments.report": Access({"POST": EDIT}, args={"consignment_id": "consignment"},
                                  destructive=frozenset({"POST"})),
    "consignments.act": Access({"GET": ALL}, args={"consignment_id": "accepted"}),
    "consignments.line_create": Access({"GET": EDIT, "POST": EDIT}, args={"consignment_id": "consignment"}),
    "consignments.line_edit": Access({"GET": EDIT, "POST": EDIT},
                                     args={"consignment_id": "consignment", "line_id": "consignment_line"}),
    "consignments.line_delete": Access({"POST": EDIT},
                                       args={"consignment_id": "consignment", "line_id": "consignment_line"},
                                       destructive=frozenset({"POST"})),
    "consignments.import_upload": Access({"GET": EDIT, "POST": EDIT}, args={"consignment_id": "consignment"}),
    # without an uploaded file waiting, the preview sends back to the upload page
    "consignments.import_preview": Access({"GET": EDIT, "POST": EDIT}, args={"consignment_id": "consignment"},
                                          expect={"GET": 302, "POST": 302}),
    # customs: declarations, documents and their files; document types and rules (admins)
    "customs.index": Access({"GET": ALL}),
    "customs.declaration_create": Access({"GET": EDIT, "POST": EDIT}, args={"consignment_id": "consignment"}),
    "customs.declaration_edit": Access({"GET": EDIT, "POST": EDIT}, args={"declaration_id": "declaration"}),
    # an invalid status change or upload is refused back to the consignment page (303)
    "customs.declaration_status": Access({"POST": EDIT}, args={"declaration_id": "declaration"},
                                         expect={"POST": 303}),
    "customs.document_create": Access({"GET": EDIT, "POST": EDIT}, args={"consignment_id": "consignment"}),
    "customs.document_edit": Access({"GET": EDIT, "POST": EDIT}, args={"document_id": "customs_document"}),
    "customs.document_delete": Access({"POST": EDIT}, args={"document_id": "customs_document"},
                                      destructive=frozenset({"POST"})),
    "customs.attachment_upload": Access({"POST": EDIT}, args={"document_id": "customs_document"},
                                        expect={"POST": 303}),
    "customs.attachment_download": Access({"GET": ALL}, args={"attachment_id": "customs_file"}),
    **crud_pages("document_types", "document_type", edit=ADMIN_ONLY),
    **crud_pages("document_rules", "document_rule", edit=ADMIN_ONLY),
    # stock, stock documents and lots
    "stock.index": Access({"GET": ALL}),
    **document_pages("distributions", "distribution", DRAFT),
    **document_pages("transfers", "transfer", DRAFT),
    **document_pages("write_offs", "write_off", FINANCE),
    **document_pages("stock_counts", "stock_count", FINANCE),
    **document_pages("returns", "stock_return", FINANCE),
    "lots.card": Access({"GET": ALL}, args={"line_id": "lot"}),
    "lots.documents": Access({"GET": ALL}),
    # acts (PDF)
    "acts.acceptance": Access({"GET": ALL}, args={"consignment_id": "accepted"}),
    "acts.distribution": Access({"GET": ALL}, args={"distribution_id": "posted_distribution"}),
    "acts.write_off": Access({"GET": ALL}, args={"write_off_id": "posted_write_off"}),
    # the ledger: everyone reads; finance heads post manual entries, reverse, close and reopen
    # periods; admins keep the chart of accounts and the posting rules
    "ledger.journal": Access({"GET": ALL}),
    "ledger.entry": Access({"GET": ALL}, args={"entry_id": "journal_entry"}),
    "ledger.create_entry": Access({"GET": FINANCE, "POST": FINANCE}),
    "ledger.reverse_entry": Access({"POST": FINANCE}, args={"entry_id": "journal_entry"},
                                   destructive=frozenset({"POST"})),
    "ledger.trial_balance": Access({"GET": ALL}),
    "ledger.periods": Access({"GET": ALL}),
    # closing needs no input (the reason is optional), so the walk reopens: refused without a reason
    "ledger.change_period": Access({"POST": FINANCE}, args={"period": "=2026-11", "action": "=reopen"}),
    "ledger.accounts": Access({"GET": ALL}),
    "ledger.edit_account": Access({"GET": ADMIN_ONLY, "POST": ADMIN_ONLY}, args={"account_id": "account"}),
    "ledger.rules": Access({"GET": ALL}),
    "ledger.edit_rule": Access({"GET": ADMIN_ONLY, "POST": ADMIN_ONLY}, args={"rule_id": "posting_rule"}),
    "ledger.delete_rule": Access({"POST": ADMIN_ONLY}, args={"rule_id": "posting_rule"},
                                 destructive=frozenset({"POST"})),
    # reports, donor reports, settings
    "reports.index": Access({"GET": ALL}),
    "reports.export": Access({"GET": ALL}, query={"report": "=receipts.xlsx"}),
    "reports.download": Access({"GET": ALL}, args={"name": "=receipts", "fmt": "=xlsx"}),
    "donor.index": Access({"GET": ALL}),
    "donor.save": Access({"POST": EDIT}),
    "donor.download": Access({"GET": ALL}, query={"partner_id": "partner", "from": "=2026-11-01",
                                                  "to": "=2026-11-30"}),
    "settings.index": Access({"GET": ALL}),
    "settings.save": Access({"POST": ADMIN_ONLY}),
    "settings.delete": Access({"POST": ADMIN_ONLY}, args={"setting_id": "setting"}, destructive=frozenset({"POST"})),
    # the API of consignments and customs
    "api_consignments.Collection": Access({"GET": ALL, "POST": EDIT}),
    "api_consignments.Member": Access({"GET": ALL, "PATCH": EDIT}, args={"consignment_id": "consignment"}),
    "api_consignments.Lines": Access({"GET": ALL, "POST": EDIT}, args={"consignment_id": "consignment"}),
    "api_consignments.Line": Access({"GET": ALL, "PATCH": EDIT, "DELETE": EDIT},
                                    args={"consignment_id": "consignment", "line_id": "consignment_line"},
                                    destructive=frozenset({"DELETE"})),
    "api_consignments.Transitions": Access({"POST": EDIT}, args={"consignment_id": "consignment"}),
    "api_consignments.Report": Access({"POST": EDIT}, args={"consignment_id": "consignment"}),
    "api_consignments.Import": Access({"POST": EDIT}, args={"consignment_id": "consignment"}),
    "api_consignments.Checklist": Access({"GET": ALL}, args={"consignment_id": "consignment"}),
    "api_consignments.Declarations": Access({"GET": ALL, "POST": EDIT}, args={"consignment_id": "consignment"}),
    "api_consignments.Declaration": Access({"GET": ALL, "PATCH": EDIT},
                                           args={"consignment_id": "consignment", "declaration_id": "declaration"}),
    "api_consignments.DeclarationStatusChange": Access(
        {"POST": EDIT}, args={"consignment_id": "consignment", "declaration_id": "declaration"}),
    "api_consignments.Documents": Access({"GET": ALL, "POST": EDIT}, args={"consignment_id": "consignment"}),
    "api_consignments.DocumentMember": Access({"GET": ALL, "PATCH": EDIT},
                                              args={"consignment_id": "consignment",
                                                    "document_id": "customs_document"}),
    "api_consignments.Files": Access({"POST": EDIT},
                                     args={"consignment_id": "consignment", "document_id": "customs_document"}),
    "api_consignments.FileDownload": Access({"GET": ALL}, args={"consignment_id": "consignment",
                                                                "document_id": "customs_document",
                                                                "file_id": "customs_file"}),
    "api_stock.Stock": Access({"GET": ALL}),
    # the API of stock documents, lots, the ledger and reports
    **document_api("api_distribution", "distribution", DRAFT),
    **document_api("api_transfer", "transfer", DRAFT),
    **document_api("api_write_off", "write_off", FINANCE),
    **document_api("api_stock_count", "stock_count", FINANCE),
    **document_api("api_stock_return", "stock_return", FINANCE),
    "api_stock_lots.Card": Access({"GET": ALL}, args={"line_id": "lot"}),
    "api_stock_lots.Fefo": Access({"GET": ALL}, query={"item_id": "item", "quantity": "=1"}),
    "api_journal.Collection": Access({"GET": ALL, "POST": FINANCE}),
    "api_journal.Member": Access({"GET": ALL}, args={"entry_id": "journal_entry"}),
    "api_journal.Reverse": Access({"POST": FINANCE}, args={"entry_id": "journal_entry"}),
    "api_trial_balance.TrialBalance": Access({"GET": ALL}),
    "api_periods.Collection": Access({"GET": ALL}),
    "api_periods.Close": Access({"POST": FINANCE}, args={"period": "=2026-11"}),
    "api_periods.Reopen": Access({"POST": FINANCE}, args={"period": "=2026-11"}),
    "api_accounts.AccountCollection": Access({"GET": ALL, "POST": ADMIN_ONLY}),
    "api_accounts.AccountMember": Access({"GET": ALL, "PUT": ADMIN_ONLY}, args={"account_id": "account"}),
    "api_posting_rules.RuleCollection": Access({"GET": ALL, "POST": ADMIN_ONLY}),
    "api_posting_rules.RuleMember": Access({"GET": ALL, "PUT": ADMIN_ONLY, "DELETE": ADMIN_ONLY},
                                           args={"rule_id": "posting_rule"}, destructive=frozenset({"DELETE"})),
    "api_reports.Report": Access({"GET": ALL}, args={"name": "=receipts", "fmt": "=xlsx"}),
}

#: Routes the walk does not call (served files, no data behind them).
SKIP = frozenset({"static"})
