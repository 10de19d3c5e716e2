"""``flask tracker export NAME --format xlsx|pdf --from --to … --out FILE``.

Writes the report through the same service as the pages and the API (dataset, renderer, audit
event with channel "cli"), into a temporary file next to ``--out`` that replaces it only when
complete. Bad input exits with status 1 and a message; an unknown report lists the known ones.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask_babel import gettext as _

from tracker.cli import _fail, tracker_cli
from tracker.errors import DomainError, NotFound, ValidationFailed
from tracker.extensions import db
from tracker.models import Organization


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(name, _("Enter the date as YYYY-MM-DD.")) from None


def _organization(edrpou: str | None) -> Organization:
    if edrpou:
        org = db.session.scalar(sa.select(Organization).where(Organization.edrpou == edrpou.strip()))
        if org is None:
            raise NotFound(_("No organization with EDRPOU %(code)s.", code=edrpou))
        return org
    orgs = db.session.scalars(sa.select(Organization).order_by(Organization.id).limit(2)).all()
    if len(orgs) == 1:
        return orgs[0]
    raise ValidationFailed("org", _("Name the organization with --org EDRPOU."))


@tracker_cli.command("export")
@click.argument("name")
@click.option("--format", "fmt", default="xlsx", show_default=True, help="File format: xlsx or pdf.")
@click.option("--from", "date_from", default=None, help="First day of the period, YYYY-MM-DD (reports).")
@click.option("--to", "date_to", default=None, help="Last day of the period, YYYY-MM-DD (reports).")
@click.option("--id", "document_id", type=int, default=None,
              help="Acts: id of the consignment, distribution or write-off.")
@click.option("--partner", "partner_id", type=int, default=None, help="Only this partner (id).")
@click.option("--agreement", "agreement_id", type=int, default=None, help="Only this agreement (id).")
@click.option("--aid-type", default=None, help="Only this aid type: humanitarian, technical, charitable, grant.")
@click.option("--warehouse", "warehouse_id", type=int, default=None, help="Only this warehouse (id).")
@click.option("--lang", "language", default=None,
              help="Language: uk, en or de (default uk; the donor report: the partner's report language).")
@click.option("--org", "edrpou", default=None, help="EDRPOU of the organization (needed when there are several).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (replaced only when the export is complete).")
def export_command(name: str, fmt: str, date_from: str | None, date_to: str | None, document_id: int | None,
                   partner_id: int | None, agreement_id: int | None, aid_type: str | None,
                   warehouse_id: int | None, language: str | None, edrpou: str | None, out: Path) -> None:
    """Export report NAME (receipts, customs, stock-turnover, distributions, journal,
    trial-balance, ha-report, donor, auditor, ledger) for a period to a file, or the act
    (acceptance-act, distribution-act, write-off-act; --format pdf) of document --id."""
    from tracker.reports import acts, service

    result = None
    try:
        start, end = _date(date_from, "from"), _date(date_to, "to")
        service.renderer_for(fmt, name)
        if name not in acts.ACTS and (start is None or end is None):
            raise ValidationFailed("from", _("Give the period with --from and --to."))
        org = _organization(edrpou)
        result = service.export_report(service.ExportRequest(
            name=name, format=fmt, organization_id=org.id, user_id=None, date_from=start, date_to=end,
            partner_id=partner_id, agreement_id=agreement_id, aid_type=aid_type, warehouse_id=warehouse_id,
            language=language if language or name == "donor" or name in acts.ACTS else "uk", document_id=document_id,
            channel="cli", exported_by="flask tracker export"))
        target = out.resolve()
        if not target.parent.is_dir():
            raise ValidationFailed("out", _("The folder %(path)s does not exist.", path=str(target.parent)))
        fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                shutil.copyfileobj(result.file, handle)
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        db.session.commit()
    except DomainError as exc:
        _fail(exc)
    finally:
        if result is not None:
            result.file.close()
    click.echo(f"{result.filename}: {result.size} bytes written to {out}")
