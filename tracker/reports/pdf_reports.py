"""The PDF of a dataset report: the registers, the HA report, the auditor and donor reports.

:func:`render_pdf` is the PDF renderer of the export registry (``reports/service.py``): it takes
a built :class:`~tracker.reports.datasets.Dataset` and writes the PDF to a binary file. The
figures are the dataset's own sections (the same functions the Excel export prints), laid out
by :class:`~tracker.reports.pdf.PdfReport`; a report may add sections of its own:

* registers (receipts, customs, stock turnover, distributions): the dataset's tables, each with
  its totals, and the signature lines of who prepared and who checked them;
* ``ha-report``: the declarations line by line (grouped per declaration, with subtotals) and the
  signatures of the head and the accountant;
* ``auditor``: the receipts, distribution and write-off registers, the reconciliation per lot
  and its differences, the exceptions (``reports/auditor.py``) and the signature block;
* ``donor``: the Verwendungsnachweis-like donor report of ``reports/donor.py``.

Journal, trial balance and the ledger workbook are Excel-only (DESIGN.md §5).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import IO

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.reports.datasets import REPORTS, Dataset
from tracker.reports.pdf import PdfReport
from tracker.reports.rows import Signatory

__all__ = ["PDF_REPORTS", "TITLES", "render_pdf"]

#: Reports that have a PDF (DESIGN.md §5): every dataset report except the books' own.
PDF_REPORTS = frozenset(name for name in REPORTS if name not in {"journal", "trial-balance", "ledger"})

#: PDF titles that differ from the dataset's (the PDF holds more than the dataset's tables).
TITLES = {"auditor": _l("Auditor report")}


def _signatories_prepared() -> list[Signatory]:
    return [Signatory(_("Prepared by (accountant)")), Signatory(_("Checked by (head of the finance department)"))]


def _with_title(dataset: Dataset) -> Dataset:
    title = TITLES.get(dataset.name)
    if title is None:
        return dataset
    return dataclasses.replace(dataset, meta=dataclasses.replace(dataset.meta, title=str(title)))


def _registers(dataset: Dataset, out: IO[bytes]) -> None:
    report = PdfReport(dataset.meta)
    for section in dataset.sections:
        report.table(section)
    report.signatures(_signatories_prepared())
    report.build(out)


def _ha_report(dataset: Dataset, out: IO[bytes]) -> None:
    report = PdfReport(dataset.meta)
    report.paragraph(_("Availability and distribution of the humanitarian aid received, per declaration and line "
                       "as declared, at the end of the period."), small=True)
    for section in dataset.sections:
        report.table(section)
    report.signatures([Signatory(_("Head of the organization")), Signatory(_("Chief accountant"))])
    report.build(out)


def _auditor(dataset: Dataset, out: IO[bytes]) -> None:
    from tracker.reports.auditor import exception_section, write_off_section

    f, words = dataset.filter, dataset.words
    report = PdfReport(dataset.meta)
    report.paragraph(_("Registers of the period with their totals; per lot, received = distributed + written off "
                       "+ returned − count differences + on hand at the period's end, every difference listed; "
                       "then the exceptions."), small=True)
    registers = [REPORTS["receipts"].sections(f, words)[0], REPORTS["distributions"].sections(f, words)[0],
                 write_off_section(f, words)]
    for section in (*registers, *dataset.sections):
        report.table(section)
    report.table(exception_section(f, words))
    report.signatures([Signatory(_("Prepared by (accountant)")),
                       Signatory(_("Checked by (head of the finance department)")),
                       Signatory(_("Auditor"))], heading=_("Signatures"))
    report.build(out)


def _donor(dataset: Dataset, out: IO[bytes]) -> None:
    from tracker.reports.donor import render_donor_dataset

    render_donor_dataset(dataset, out)


BUILDERS: dict[str, Callable[[Dataset, IO[bytes]], None]] = {
    "ha-report": _ha_report,
    "auditor": _auditor,
    "donor": _donor,
}


def render_pdf(dataset: Dataset, out: IO[bytes]) -> None:
    """Write the PDF of ``dataset`` to ``out`` (labels in the dataset's language)."""
    with force_locale(dataset.filter.language):
        dataset = _with_title(dataset)
        BUILDERS.get(dataset.name, _registers)(dataset, out)
