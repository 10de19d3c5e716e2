"""Exporting a report: dataset → renderer → a temporary file, and the audit event.

The pages, the API and the CLI all call :func:`export_report`. It builds the report's dataset
(``reports/datasets.py``), hands it to the renderer registered for the format, records an
``export`` audit event (also for auditors, who change nothing else) and returns the file,
rewound, for the caller to stream and close.

Formats are plug-ins: :data:`RENDERERS` maps a format to a :class:`Renderer`. Excel and PDF
(``reports/pdf_reports.py``: every report but the journal, the trial balance and the ledger
workbook) are registered here; :func:`register_renderer` adds or replaces one. A known format
without a renderer answers a clear "not available" error, never a 500.

The acts (``acceptance-act``, ``distribution-act``, ``write-off-act``; ``reports/acts.py``) are
PDF-only reports of one document: they take the document's id instead of a period.
"""
from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import IO, Any

from flask_babel import gettext as _

from tracker.audit.service import record
from tracker.errors import NotFound
from tracker.models import Agreement, Organization, Partner, User
from tracker.reports import acts, datasets
from tracker.reports.datasets import Dataset
from tracker.reports.pdf_reports import PDF_REPORTS
from tracker.scoping import get_scoped

__all__ = [
    "FORMATS",
    "RENDERERS",
    "Export",
    "ExportRequest",
    "Renderer",
    "export_report",
    "register_renderer",
    "renderer_for",
]

#: Formats the application knows (DESIGN.md §5); each needs a registered renderer to be used.
FORMATS = ("xlsx", "pdf")


@dataclass(frozen=True)
class Renderer:
    """How one format is written: ``render(dataset, out)`` writes the file to a binary file."""

    format: str
    mimetype: str
    render: Callable[[Dataset, IO[bytes]], None]
    #: The reports this format produces; None = every dataset report.
    reports: frozenset[str] | None = None

    def supports(self, name: str) -> bool:
        return self.reports is None or name in self.reports


def _render_xlsx(dataset: Dataset, out: IO[bytes]) -> None:
    from tracker.reports.xlsx import write_xlsx

    write_xlsx(dataset.meta, dataset.sections, out)


XLSX = Renderer("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _render_xlsx)

def _render_pdf(dataset: Dataset, out: IO[bytes]) -> None:
    from tracker.reports.pdf_reports import render_pdf

    render_pdf(dataset, out)


PDF = Renderer("pdf", "application/pdf", _render_pdf, reports=PDF_REPORTS)

#: format → renderer.
RENDERERS: dict[str, Renderer] = {"xlsx": XLSX, "pdf": PDF}


def report_names() -> list[str]:
    """Every report name the exports accept: the dataset reports, then the acts."""
    return [*datasets.REPORTS, *acts.ACTS]


def register_renderer(renderer: Renderer) -> None:
    """Make a format available (replaces an earlier renderer of the same format)."""
    RENDERERS[renderer.format] = renderer


def renderer_for(fmt: str, name: str) -> Renderer:
    """The renderer of ``fmt`` for report ``name``. ``NotFound`` for an unknown report or
    format, and for a format (or a report in it) that is not available yet."""
    if name not in datasets.REPORTS and name not in acts.ACTS:
        raise NotFound(_("Unknown report: %(name)s. Known reports: %(names)s.", name=name,
                         names=", ".join(report_names())))
    if fmt not in FORMATS:
        raise NotFound(_("Unknown format: %(format)s. Known formats: %(formats)s.", format=fmt,
                         formats=", ".join(FORMATS)))
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise NotFound(_("The %(format)s export is not available yet.", format=fmt.upper()))
    if name in acts.ACTS:
        if fmt != "pdf":
            raise NotFound(_("The %(name)s report is not available as %(format)s.", name=name, format=fmt.upper()))
        return renderer
    if not renderer.supports(name):
        raise NotFound(_("The %(name)s report is not available as %(format)s.", name=name, format=fmt.upper()))
    return renderer


def available_formats(name: str) -> list[str]:
    """Formats report ``name`` can be downloaded in now, in :data:`FORMATS` order."""
    if name in acts.ACTS:
        return ["pdf"] if "pdf" in RENDERERS else []
    return [fmt for fmt in FORMATS if fmt in RENDERERS and RENDERERS[fmt].supports(name)]


@dataclass(frozen=True)
class ExportRequest:
    """What to export, for whom, filtered how (ids unchecked: the dataset checks them)."""

    name: str
    format: str
    organization_id: int
    user_id: int | None
    date_from: date | None = None
    date_to: date | None = None
    partner_id: int | None = None
    agreement_id: int | None = None
    aid_type: str | None = None
    warehouse_id: int | None = None
    #: None = the report's default: the partner's report language for the donor report, else uk.
    language: str | None = "uk"
    #: The document of an act (consignment, distribution or write-off id).
    document_id: int | None = None
    #: Where the export was made (web, api, cli), for the audit trail.
    channel: str = ""
    #: Shown as "Exported by" when there is no user (the CLI).
    exported_by: str = ""


@dataclass
class Export:
    """A finished export: the file (rewound; the caller closes it), its name and type."""

    file: IO[bytes]
    filename: str
    mimetype: str
    #: The rendered dataset (None for an act).
    dataset: Dataset | None
    size: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def filename_for(name: str, fmt: str, edrpou: str, date_from: date | None, date_to: date | None) -> str:
    """``receipts_04053625_2026-11-01_2026-11-30.xlsx`` (ASCII only, safe everywhere)."""
    parts = [name, edrpou]
    if date_from is not None:
        parts.append(date_from.isoformat())
    if date_to is not None:
        parts.append(date_to.isoformat())
    return _UNSAFE_FILENAME.sub("-", "_".join(parts)) + "." + fmt


def _who(user: User | None) -> str:
    if user is None:
        return ""
    return f"{user.name} <{user.email}>" if user.name else user.email


def export_report(request: ExportRequest, *, today: date | None = None) -> Export:
    """Render report ``request.name`` as ``request.format`` into a temporary file and record
    an ``export`` audit event (flushes; the caller commits). Errors: ``NotFound`` for an unknown
    report or format, a format not available yet, another organization's partner, agreement or
    warehouse; ``ValidationFailed`` for a bad period, aid type or language."""
    from tracker.extensions import db

    renderer = renderer_for(request.format, request.name)
    user = db.session.get(User, request.user_id) if request.user_id is not None else None
    if request.name in acts.ACTS:
        return _export_act(request, _who(user) or request.exported_by)
    exported_at = datetime.now(UTC)
    dataset = datasets.build(
        request.name, request.organization_id, request.date_from, request.date_to,
        partner_id=request.partner_id, agreement_id=request.agreement_id, aid_type=request.aid_type,
        warehouse_id=request.warehouse_id, language=request.language or _default_language(request),
        exported_by=_who(user) or request.exported_by, exported_at=exported_at, today=today)
    handle: IO[bytes] = tempfile.TemporaryFile(suffix="." + request.format)
    try:
        renderer.render(dataset, handle)
        size = handle.tell()
        handle.seek(0)
        org = db.session.get(Organization, request.organization_id)
        assert org is not None
        f = dataset.filter
        record(organization_id=request.organization_id, user_id=request.user_id, action="export",
               object_type="report", object_id=request.name,
               after={"report": request.name, "format": request.format, "date_from": f.date_from,
                      "date_to": f.date_to, "partner_id": f.partner_id, "agreement_id": f.agreement_id,
                      "aid_type": f.aid_type, "warehouse_id": f.warehouse_id, "language": f.language,
                      "channel": request.channel, "bytes": size})
    except BaseException:
        handle.close()
        raise
    return Export(file=handle, filename=filename_for(request.name, request.format, org.edrpou, f.date_from,
                                                     f.date_to),
                  mimetype=renderer.mimetype, dataset=dataset, size=size)


def _default_language(request: ExportRequest) -> str:
    """The donor report speaks the partner's report language unless another was chosen."""
    if request.name == "donor":
        from tracker.reports.donor import default_language

        partner_id = request.partner_id
        if partner_id is None and request.agreement_id is not None:
            partner_id = get_scoped(Agreement, request.agreement_id, request.organization_id).partner_id
        if partner_id is not None:
            return default_language(get_scoped(Partner, partner_id, request.organization_id))
    return "uk"


def _export_act(request: ExportRequest, exported_by: str) -> Export:
    """An act of one document as PDF, audited like any export. Errors: ``NotFound`` (no such
    document in the organization), ``ValidationFailed`` (no id, unknown language),
    ``InvalidTransition`` (a document not in effect)."""
    from tracker.extensions import db

    act, data = acts.render_act(request.name, request.organization_id, request.document_id,
                                request.language or "uk", exported_by=exported_by)
    handle: IO[bytes] = tempfile.TemporaryFile(suffix=".pdf")
    try:
        handle.write(data)
        handle.seek(0)
        org = db.session.get(Organization, request.organization_id)
        assert org is not None
        record(organization_id=request.organization_id, user_id=request.user_id, action="export",
               object_type="report", object_id=request.name,
               after={"report": request.name, "format": "pdf", "document_id": int(request.document_id or 0),
                      "number": act.number, "language": act.meta.language, "channel": request.channel,
                      "bytes": len(data)})
    except BaseException:
        handle.close()
        raise
    filename = _UNSAFE_FILENAME.sub("-", f"{request.name}_{org.edrpou}_{act.number}") + ".pdf"
    return Export(file=handle, filename=filename, mimetype="application/pdf", dataset=None, size=len(data),
                  extra={"act": act})
