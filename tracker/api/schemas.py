"""API schemas: the field names of DESIGN.md §6, shapes only (value rules are the services')."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from tracker.api.fields import Code, DecimalString, SafeDate, SafeInt, StrictBoolean, Text, rule
from tracker.validators import check_country, check_currency, check_email
from tracker.models import AgreementKind, PartnerKind, RateSource


class ProblemSchema(Schema):
    type = fields.String()
    status = fields.Integer()
    title = fields.String()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=200))


class SearchArgsSchema(PageArgsSchema):
    q = fields.String(load_default="", validate=validate.Length(max=100))


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item_schema)), "total": fields.Integer()}, name=name
    )


class PartnerSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.Enum(PartnerKind, by_value=True, required=True)
    country = Code(required=True, validate=rule(check_country))
    city = Text(load_default="", validate=validate.Length(max=100))
    contact_name = Text(load_default="", validate=validate.Length(max=200))
    contact_email = Text(load_default="", validate=[validate.Length(max=254), rule(check_email)])
    report_language = fields.String(load_default="en", validate=validate.OneOf(["uk", "en", "de"]))
    iati_ref = Text(load_default="", validate=validate.Length(max=100))


class AgreementSchema(Schema):
    id = fields.Integer(dump_only=True)
    partner_id = SafeInt(required=True)
    kind = fields.Enum(AgreementKind, by_value=True, required=True)
    number = Text(required=True, validate=validate.Length(min=1, max=100))
    signed_on = SafeDate(allow_none=True, load_default=None)
    title = Text(load_default="", validate=validate.Length(max=300))
    valid_from = SafeDate(allow_none=True, load_default=None)
    valid_to = SafeDate(allow_none=True, load_default=None)
    budget_amount = DecimalString(places=2, allow_none=True, load_default=None)
    budget_currency = Code(allow_none=True, load_default=None, validate=rule(check_currency))
    ita_registration_number = Text(load_default="", validate=validate.Length(max=50))
    ita_registered_on = SafeDate(allow_none=True, load_default=None)
    budget_revenue_code = Text(load_default="", validate=validate.Length(max=8))


class AgreementArgsSchema(SearchArgsSchema):
    partner_id = SafeInt(strict=False)
    kind = fields.Enum(AgreementKind, by_value=True)


class CategorySchema(Schema):
    id = fields.Integer(dump_only=True)
    code = Text(required=True, validate=validate.Length(min=1, max=40))
    name_uk = Text(required=True, validate=validate.Length(min=1, max=200))
    name_en = Text(load_default="", validate=validate.Length(max=200))
    name_de = Text(load_default="", validate=validate.Length(max=200))
    needs_expiry = StrictBoolean(load_default=False)
    needs_serial = StrictBoolean(load_default=False)
    fixed_asset_default = StrictBoolean(load_default=False)
    non_stock = StrictBoolean(load_default=False)


class UnitSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = Text(required=True, validate=validate.Length(min=1, max=20))
    name_uk = Text(required=True, validate=validate.Length(min=1, max=100))
    name_en = Text(load_default="", validate=validate.Length(max=100))


class ItemSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    category_id = SafeInt(required=True)
    unit_id = SafeInt(required=True)
    hs_code = Text(load_default="", validate=validate.Length(max=13))
    description = Text(load_default="", validate=validate.Length(max=500))


class ItemArgsSchema(SearchArgsSchema):
    category_id = SafeInt(strict=False)


class WarehouseSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    address = Text(load_default="", validate=validate.Length(max=300))
    responsible_person = Text(load_default="", validate=validate.Length(max=200))


class RateSchema(Schema):
    id = fields.Integer(dump_only=True)
    currency = Code(required=True, validate=rule(check_currency))
    on = SafeDate(required=True)
    rate = DecimalString(places=6, required=True)
    source = fields.Enum(RateSource, by_value=True, dump_only=True)


class RateUpdateSchema(Schema):
    rate = DecimalString(places=6, required=True)


class RateArgsSchema(PageArgsSchema):
    currency = Code(validate=validate.Length(equal=3))
    date_from = SafeDate(data_key="from")
    date_to = SafeDate(data_key="to")
    on = SafeDate()


class RateLookupSchema(Schema):
    currency = fields.String()
    on = fields.Date()
    rate = DecimalString(places=6)
    rate_on = fields.Date()


class ImportResultSchema(Schema):
    rows = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
