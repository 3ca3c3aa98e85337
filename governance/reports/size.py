"""How big a report would be, decided before any work, so the Reports page, the reporting service
and `annogov report` refuse the same reports with the same words: the PDF by its table rows
(`max_report_rows`: layout time grows with them), the workbook by the rows of its largest sheet
(`max_report_sheet_rows`, under Excel's 1,048,576) and its cells (`max_report_cells`: memory)."""

from __future__ import annotations

from typing import Literal

from governance.reports.model import ReportInput
from ingest import InputError, limits, over_limit

Format = Literal["pdf", "xlsx"]
WHAT = {"pdf": "PDF report", "xlsx": "Excel report"}
_SMALLER = "report a shorter period or fewer parts"


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


def sheet_tables(report: ReportInput) -> list[tuple[str, int, int]]:
    """(sheet, rows, cells) of the workbook's sheets that grow with the data, as `build_xlsx` lays
    them out: one sheet per extra section, the scorecard's, the evaluators', the SLA check's, the
    switching cost's tornado."""
    out = [(s.title, len(s.rows), len(s.rows) * len(s.columns)) for s in report.sections]
    card = report.scorecard
    if card is not None:
        width = len(card.weights) + 6
        out.append(("Scorecard", 2 * len(card.providers), 2 * len(card.providers) * width))
        out.append(("Evaluators and evidence", len(card.evaluations), len(card.evaluations) * width))
    if report.sla is not None:
        rows = len(report.sla.terms) + sum(len(s.rows) for s in report.sla.categories)
        cells = 12 * len(report.sla.terms) + sum(len(s.rows) * len(s.columns) for s in report.sla.categories)
        out.append(("SLA check", rows, cells))
    if report.switching is not None:
        out.append(("Switching cost", len(report.switching.tornado), 6 * len(report.switching.tornado)))
    return out


def size_problem(report: ReportInput, fmt: Format, file: str | None = None) -> InputError | None:
    """The refusal of a report too large for its format (None when it fits), located at `file`
    (default: 'PDF report' / 'Excel report')."""
    where = file or WHAT[fmt]
    if fmt == "pdf":
        rows = table_rows(report)
        if rows > limits().max_report_rows:
            what = f"the PDF report would hold {rows:,} table rows; ask for the Excel report (.xlsx) instead"
            return over_limit("max_report_rows", what, where)
        return None
    tables = sheet_tables(report)
    if not tables:
        return None
    name, rows, _ = max(tables, key=lambda t: t[1])
    if rows > limits().max_report_sheet_rows:
        what = f"the Excel report's sheet {name[:60]!r} would hold {rows:,} rows; {_SMALLER}"
        return over_limit("max_report_sheet_rows", what, where)
    cells = sum(t[2] for t in tables)
    if cells > limits().max_report_cells:
        what = f"the Excel report would hold {cells:,} table cells; {_SMALLER}"
        return over_limit("max_report_cells", what, where)
    return None


def check_size(report: ReportInput, fmt: Format = "pdf", file: str | None = None) -> None:
    """Refuse, before any work, a report too large for its format (`size_problem`)."""
    problem = size_problem(report, fmt, file)
    if problem is not None:
        raise problem
