"""The one list of blueprints (pages and API)."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from tracker.api import init_api
    from tracker.audit.views import bp as audit_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.catalog.views import categories_bp, items_bp, units_bp, warehouses_bp
    from tracker.dashboard.views import bp as dashboard_bp
    from tracker.delivery.views import bp as delivery_bp
    from tracker.orgs.views import bp as orgs_bp
    from tracker.partners.views import agreements_bp, partners_bp
    from tracker.rates.views import bp as rates_bp
    from tracker.reports.views import bp as reports_bp

    for bp in (auth_bp, dashboard_bp, orgs_bp, partners_bp, agreements_bp, categories_bp, units_bp, items_bp,
               warehouses_bp, rates_bp, delivery_bp, reports_bp, audit_bp):
        app.register_blueprint(bp)
    # issue 3: consignments, customs, stock, settings
    from tracker.consignments.views import bp as consignments_bp
    from tracker.customs.views import bp as customs_bp
    from tracker.customs.views import document_rules_bp, document_types_bp
    from tracker.settings.views import bp as settings_bp
    from tracker.stock.views import bp as stock_bp

    for bp in (consignments_bp, customs_bp, document_types_bp, document_rules_bp, stock_bp, settings_bp):
        app.register_blueprint(bp)
    # issue 4: stock documents, stock card, the books
    from tracker.ledger.views import bp as ledger_bp
    from tracker.stock.document_views import BLUEPRINTS as stock_document_bps

    for bp in (*stock_document_bps, ledger_bp):
        app.register_blueprint(bp)
    # issue 6: PDF acts on the document pages, donor reports
    from tracker.acts.views import bp as acts_bp
    from tracker.donor.views import bp as donor_bp

    for bp in (acts_bp, donor_bp):
        app.register_blueprint(bp)
    init_api(app)
