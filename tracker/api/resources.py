"""API resources for master data: partners, agreements, categories, units, items, warehouses, rates.

Each handler parses with a schema, calls one service, commits once; service errors become
problem+json answers through the application's error handlers.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, g
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint as ApiBlueprint
from flask_smorest.fields import Upload
from marshmallow import Schema

from tracker import crud
from tracker.api import api_blueprint
from tracker.api import schemas as s
from tracker.catalog import service as catalog
from tracker.errors import NotFound, ValidationFailed
from tracker.extensions import db
from tracker.models import Agreement, Category, ExchangeRate, Item, Partner, Unit, Warehouse
from tracker.partners import service as partners
from tracker.rates import service as rates
from tracker.rates.views import rate_query
from tracker.scoping import get_scoped, scoped

ERROR_RESPONSES = {
    401: "Missing, expired or revoked token",
    403: "The token's role may not do this",
    404: "No such object in the token's organization",
    409: "Conflicts with existing data",
    422: "Invalid data; `errors` maps fields to messages",
}


def _document_errors(blp: ApiBlueprint, *codes: int) -> Callable[[Any], Any]:
    def decorator(func: Any) -> Any:
        for code in codes:
            func = blp.alt_response(code, schema=s.ProblemSchema, description=ERROR_RESPONSES[code],
                                    content_type="application/problem+json")(func)
        return func

    return decorator


def paginate(query: sa.Select[Any], args: dict[str, Any]) -> dict[str, Any]:
    page = db.paginate(query, page=args["page"], per_page=args["per_page"], max_per_page=200, error_out=False)
    return {"items": list(page.items), "total": page.total}


def _merge(data_class: type[Any], obj: Any, payload: dict[str, Any], column_map: dict[str, str]) -> Any:
    """The service input for an update: stored values overridden by the payload's fields."""
    values = {f.name: getattr(obj, column_map.get(f.name, f.name)) for f in dataclasses.fields(data_class)}
    values.update({k: v for k, v in payload.items() if k in values})
    return data_class(**values)


def resource_blueprint(
    name: str,
    resource: crud.Resource,
    schema: type[Schema],
    description: str,
    *,
    args_schema: type[Schema] = s.SearchArgsSchema,
    search: tuple[Any, ...] = (),
    order_by: tuple[Any, ...] = (),
    filters: Callable[[sa.Select[Any], dict[str, Any]], sa.Select[Any]] | None = None,
) -> ApiBlueprint:
    """List, create, read, update (PUT/PATCH) and delete one master-data resource."""
    blp = api_blueprint(name, name, description)
    model = resource.model
    page_schema = s.page_schema(schema, f"{schema.__name__.removesuffix('Schema')}Page")
    patch_schema = schema(partial=True)

    @blp.route("")
    class Collection(MethodView):
        @blp.arguments(args_schema, location="query")
        @blp.response(200, page_schema)
        @_document_errors(blp, 401, 422)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """List (paginated; `q` searches names and codes)."""
            query = scoped(model, g.actor.org.id)
            if args.get("q") and search:
                pattern = f"%{args['q'].lower()}%"
                query = query.where(sa.or_(*(sa.func.lower(col).like(pattern) for col in search)))
            if filters:
                query = filters(query, args)
            return paginate(query.order_by(*(order_by or (model.id,))), args)

        @blp.arguments(schema)
        @blp.response(201, schema)
        @_document_errors(blp, 401, 403, 422)
        def post(self, payload: dict[str, Any]) -> Any:
            """Create."""
            obj = crud.create(resource, g.actor.org.id, g.actor.user.id, resource.data_class(**payload))
            db.session.commit()
            return obj

    @blp.route("/<int:object_id>")
    class Member(MethodView):
        @blp.response(200, schema)
        @_document_errors(blp, 401, 404)
        def get(self, object_id: int) -> Any:
            """Read one."""
            return get_scoped(model, object_id, g.actor.org.id)

        @blp.arguments(schema)
        @blp.response(200, schema)
        @_document_errors(blp, 401, 403, 404, 422)
        def put(self, payload: dict[str, Any], object_id: int) -> Any:
            """Replace all fields."""
            obj = get_scoped(model, object_id, g.actor.org.id)
            crud.update(resource, obj, g.actor.user.id, _merge(resource.data_class, obj, payload, resource.column_map))
            db.session.commit()
            return obj

        @blp.arguments(patch_schema)
        @blp.response(200, schema)
        @_document_errors(blp, 401, 403, 404, 422)
        def patch(self, payload: dict[str, Any], object_id: int) -> Any:
            """Change the given fields."""
            obj = get_scoped(model, object_id, g.actor.org.id)
            crud.update(resource, obj, g.actor.user.id, _merge(resource.data_class, obj, payload, resource.column_map))
            db.session.commit()
            return obj

        @blp.response(204)
        @_document_errors(blp, 401, 403, 404, 409)
        def delete(self, object_id: int) -> None:
            """Delete; refused with 409 while anything refers to it."""
            obj = get_scoped(model, object_id, g.actor.org.id)
            crud.delete(obj, g.actor.user.id)
            db.session.commit()

    return blp


def _agreement_filters(query: sa.Select[Any], args: dict[str, Any]) -> sa.Select[Any]:
    if args.get("partner_id"):
        query = query.where(Agreement.partner_id == args["partner_id"])
    if args.get("kind"):
        query = query.where(Agreement.kind == args["kind"])
    return query


def _item_filters(query: sa.Select[Any], args: dict[str, Any]) -> sa.Select[Any]:
    if args.get("category_id"):
        query = query.where(Item.category_id == args["category_id"])
    return query


def rates_blueprint() -> ApiBlueprint:
    blp = api_blueprint("rates", "rates", "NBU exchange rates (UAH per 1 unit), shared by all organizations")
    page_schema = s.page_schema(s.RateSchema, "RatePage")

    @blp.route("")
    class Collection(MethodView):
        @blp.arguments(s.RateArgsSchema, location="query")
        @blp.response(200, page_schema)
        @_document_errors(blp, 401, 422)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            """List rates, newest first; filter by `currency`, `from`, `to` or one day `on`."""
            date_from = args.get("on") or args.get("date_from")
            date_to = args.get("on") or args.get("date_to")
            return paginate(rate_query(args.get("currency"), date_from, date_to), args)

        @blp.arguments(s.RateSchema)
        @blp.response(201, s.RateSchema)
        @_document_errors(blp, 401, 403, 422)
        def post(self, payload: dict[str, Any]) -> Any:
            """Enter a rate by hand (source `manual`)."""
            rate = rates.create_rate(rates.RateData(**payload), g.actor.user.id, g.actor.org.id)
            db.session.commit()
            return rate

    @blp.route("/<int:rate_id>")
    class Member(MethodView):
        @blp.response(200, s.RateSchema)
        @_document_errors(blp, 401, 404)
        def get(self, rate_id: int) -> Any:
            """Read one rate."""
            return _rate(rate_id)

        @blp.arguments(s.RateUpdateSchema)
        @blp.response(200, s.RateSchema)
        @_document_errors(blp, 401, 403, 404, 422)
        def patch(self, payload: dict[str, Any], rate_id: int) -> Any:
            """Correct a rate (lines valued earlier keep the rate they stored)."""
            rate = rates.update_rate(_rate(rate_id), payload["rate"], g.actor.user.id, g.actor.org.id)
            db.session.commit()
            return rate

        @blp.response(204)
        @_document_errors(blp, 401, 403, 404)
        def delete(self, rate_id: int) -> None:
            """Delete a rate."""
            rates.delete_rate(_rate(rate_id), g.actor.user.id, g.actor.org.id)
            db.session.commit()

    @blp.route("/<string:currency>/<string:on>")
    class Lookup(MethodView):
        @blp.response(200, s.RateLookupSchema)
        @_document_errors(blp, 401, 404, 422)
        def get(self, currency: str, on: str) -> dict[str, Any]:
            """The rate to value an amount in `currency` on date `on` (the last rate set within the
            configured look-back); 404 naming currency and date when there is none."""
            from datetime import date

            from tracker.validators import check_currency

            code = currency.upper()
            errors: dict[str, list[str]] = {}
            message = check_currency(code)
            if message:
                errors["currency"] = [message]
            try:
                day = date.fromisoformat(on)
            except ValueError:
                errors["on"] = [_("Enter the date as YYYY-MM-DD.")]
            if errors:
                raise ValidationFailed(errors)
            try:
                value, rate_on = rates.get_rate(code, day, current_app.config["RATE_LOOKBACK_DAYS"])
            except rates.RateMissing as exc:
                raise NotFound(exc.message) from None
            return {"currency": code, "on": day, "rate": value, "rate_on": rate_on}

    ImportFiles = Schema.from_dict({"file": Upload(required=True)}, name="RatesImportFile")

    @blp.route("/import")
    class Import(MethodView):
        @blp.arguments(ImportFiles, location="files")
        @blp.response(200, s.ImportResultSchema)
        @_document_errors(blp, 401, 403, 422)
        def post(self, files: dict[str, Any]) -> Any:
            """Import an NBU JSON feed or a `date,currency,rate` CSV: all rows or none (422 with
            row errors). Re-importing the same file changes nothing."""
            limit = current_app.config["RATES_IMPORT_MAX_BYTES"]
            content = files["file"].read(limit + 1)
            if len(content) > limit:
                abort(413)
            result = rates.import_rates(content, g.actor.user.id, g.actor.org.id)
            db.session.commit()
            return dataclasses.asdict(result)

    return blp


def _rate(rate_id: int) -> ExchangeRate:
    rate = db.session.get(ExchangeRate, rate_id) if 0 < rate_id < 2**31 else None
    if rate is None:
        raise NotFound(_("No exchange rate with id %(id)s.", id=rate_id))
    return rate


def blueprints() -> Iterator[ApiBlueprint]:
    yield resource_blueprint("partners", partners.PARTNER, s.PartnerSchema, "Donors and development partners",
                             search=(Partner.name, Partner.city, Partner.country), order_by=(Partner.name,))
    yield resource_blueprint("agreements", partners.AGREEMENT, s.AgreementSchema, "Agreements with partners",
                             args_schema=s.AgreementArgsSchema, search=(Agreement.number, Agreement.title),
                             order_by=(Agreement.id,), filters=_agreement_filters)
    yield resource_blueprint("categories", catalog.CATEGORY, s.CategorySchema, "Goods categories and their flags",
                             search=(Category.code, Category.name_uk, Category.name_en), order_by=(Category.code,))
    yield resource_blueprint("units", catalog.UNIT, s.UnitSchema, "Units of measure",
                             search=(Unit.code, Unit.name_uk, Unit.name_en), order_by=(Unit.code,))
    yield resource_blueprint("items", catalog.ITEM, s.ItemSchema, "Catalogue items with HS/UKTZED codes",
                             args_schema=s.ItemArgsSchema, search=(Item.name, Item.hs_code), order_by=(Item.name,),
                             filters=_item_filters)
    yield resource_blueprint("warehouses", catalog.WAREHOUSE, s.WarehouseSchema, "Warehouses",
                             search=(Warehouse.name, Warehouse.address), order_by=(Warehouse.name,))
    yield rates_blueprint()
    from tracker.reports.api import reports_blueprint

    yield reports_blueprint()
    # issue 3: consignments (lines, transitions, import, checklist, declarations, documents) and stock
    from tracker.api import consignments

    yield from consignments.blueprints()
