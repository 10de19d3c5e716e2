"""The stock page: balance per lot (consignment line) and warehouse, now or at a past date, by
donor, aid type, category, warehouse and expiry."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask import Blueprint, render_template, request

from tracker.extensions import db
from tracker.models import AidType, Category, Partner, Warehouse
from tracker.scoping import scoped
from tracker.stock.balances import StockFilters, balances
from tracker.web.access import actor

bp = Blueprint("stock", __name__, url_prefix="/stock")


@bp.get("/")
def index():
    current = actor()
    try:
        as_of = date.fromisoformat(request.args.get("as_of", ""))
    except ValueError:
        as_of = None
    try:
        aid_type = AidType(request.args.get("aid_type", "")) if request.args.get("aid_type") else None
    except ValueError:
        aid_type = None
    expiring_within = request.args.get("expiring_within", type=int)
    filters = StockFilters(
        warehouse_id=request.args.get("warehouse_id", type=int), partner_id=request.args.get("partner_id", type=int),
        aid_type=aid_type, category_id=request.args.get("category_id", type=int),
        expiring_by=(as_of or date.today()) + timedelta(days=expiring_within)
        if expiring_within is not None and 0 <= expiring_within <= 3650 else None,
        q=(request.args.get("q") or "").strip()[:100])
    rows = balances(current.org.id, as_of, filters)
    warehouses = db.session.scalars(scoped(Warehouse, current.org.id).order_by(Warehouse.name)).all()
    partners = db.session.scalars(scoped(Partner, current.org.id).order_by(Partner.name)).all()
    categories = db.session.scalars(scoped(Category, current.org.id).order_by(Category.code)).all()
    total = sum((r.value_uah for r in rows), Decimal("0.00"))
    return render_template("stock/index.html", rows=rows, as_of=as_of, warehouses=warehouses, partners=partners,
                           partner_names={p.id: p.name for p in partners}, total=total, args=request.args,
                           categories=categories, aid_types=list(AidType), today=date.today())
