"""How big a report would be, decided before any work, so page, service and command refuse alike."""

from __future__ import annotations

from governance.reports.model import ReportInput
from ingest import limits, over_limit


def table_rows(report: ReportInput) -> int:
    """How many table rows the PDF would hold: what its build time and memory grow with."""
    rows = sum(len(s.rows) for s in report.sections)
    if report.scorecard is not None:
        rows += 2 * len(report.scorecard.providers) + len(report.scorecard.evaluations)
    if report.sla is not None:
        rows += len(report.sla.terms) + sum(len(s.rows) for s in report.sla.categories)
    if report.switching is not None:
        rows += len(report.switching.tornado)
    return rows


def check_size(report: ReportInput) -> None:
    """Refuse, before any work, a PDF too long to build in reasonable time (the workbook is not limited)."""
    rows = table_rows(report)
    if rows > limits().max_report_rows:
        raise over_limit(
            "max_report_rows",
            f"the PDF report would hold {rows:,} table rows; ask for the Excel report (.xlsx) instead",
            "PDF report",
        )
