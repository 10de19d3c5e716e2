"""The start page: what needs attention today in the current organization."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, render_template

from tracker.consignments import queries as consignment_queries
from tracker.customs.deadlines import open_deadlines, overdue_ha_reports
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
    today = date.today()
    return render_template("dashboard/index.html", counts=counts, latest_rate_on=latest_rate_on,
                           at_customs=consignment_queries.at_customs(current.org.id),
                           missing_documents=consignment_queries.with_missing_documents(current.org.id),
                           deadlines=open_deadlines(current.org.id, today),
                           overdue_ha=overdue_ha_reports(current.org.id, today))
