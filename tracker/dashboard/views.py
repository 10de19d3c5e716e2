"""The start page: what needs attention today in the current organization."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template

from tracker.delivery.queries import attention
from tracker.extensions import db
from tracker.models import Agreement, ExchangeRate, Item, Partner, Warehouse
from tracker.web.access import actor

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def index():
    current = actor()
    counts = {
        name: db.session.scalar(sa.select(sa.func.count()).select_from(model).where(
            model.organization_id == current.org.id))
        for name, model in (("partners", Partner), ("agreements", Agreement), ("items", Item),
                            ("warehouses", Warehouse))
    }
    latest_rate_on = db.session.scalar(sa.select(sa.func.max(ExchangeRate.on)))
    deliveries = attention(current.org.id, 1 + current_app.config["DELIVERY_MAX_RETRIES"])
    return render_template("dashboard/index.html", counts=counts, latest_rate_on=latest_rate_on,
                           deliveries=deliveries)
