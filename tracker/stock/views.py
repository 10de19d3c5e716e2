"""The stock page: balance per lot (consignment line) and warehouse, now or at a past date."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, render_template, request

from tracker.extensions import db
from tracker.models import Partner, Warehouse
from tracker.scoping import scoped
from tracker.stock.queries import balances
from tracker.web.access import actor

bp = Blueprint("stock", __name__, url_prefix="/stock")


@bp.get("/")
def index():
    current = actor()
    try:
        as_of = date.fromisoformat(request.args.get("as_of", ""))
    except ValueError:
        as_of = None
    warehouse_id = request.args.get("warehouse_id", type=int)
    partner_id = request.args.get("partner_id", type=int)
    rows = balances(current.org.id, as_of, warehouse_id=warehouse_id, partner_id=partner_id)
    warehouses = db.session.scalars(scoped(Warehouse, current.org.id).order_by(Warehouse.name)).all()
    partners = db.session.scalars(scoped(Partner, current.org.id).order_by(Partner.name)).all()
    total = sum((r.value_uah for r in rows), Decimal("0.00"))
    return render_template("stock/index.html", rows=rows, as_of=as_of, warehouses=warehouses, partners=partners,
                           partner_names={p.id: p.name for p in partners}, total=total, args=request.args)
