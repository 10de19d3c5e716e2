"""``…/act.pdf`` on the consignment, distribution and write-off pages.

Each route streams the act of one document through the export service (``reports/service.py``:
the act's data and PDF from ``reports/acts.py``, an ``export`` audit event), so the pages, the
API (``/api/v1/reports/acceptance-act.pdf?id=…``) and the CLI print the same act. Another
organization's document answers 404; a draft or a consignment not yet accepted, 409. The act's
language is ``?lang=`` (uk, en, de), Ukrainian by default.
"""
from __future__ import annotations

from flask import Blueprint, request

from tracker.extensions import db
from tracker.reports import service
from tracker.reports.downloads import attachment
from tracker.web.access import actor

bp = Blueprint("acts", __name__)


def _act(name: str, document_id: int):
    current = actor()
    result = service.export_report(service.ExportRequest(
        name=name, format="pdf", organization_id=current.org.id, user_id=current.user.id,
        language=request.args.get("lang") or None, document_id=document_id, channel="web"))
    db.session.commit()
    return attachment(result)


@bp.get("/consignments/<int:consignment_id>/act.pdf")
def acceptance(consignment_id: int):
    """The acceptance act of an accepted consignment."""
    return _act("acceptance-act", consignment_id)


@bp.get("/distributions/<int:distribution_id>/act.pdf")
def distribution(distribution_id: int):
    """The distribution (issue) act of a posted distribution."""
    return _act("distribution-act", distribution_id)


@bp.get("/write-offs/<int:write_off_id>/act.pdf")
def write_off(write_off_id: int):
    """The write-off act of a posted write-off."""
    return _act("write-off-act", write_off_id)
