"""The Excel workbook: a sheet per part, the scorecard kept alive with formulas over named weights.

Procurement keeps working in this file, so totals, points, bands and ranks are formulas over the
`Weights` defined name: change a weight and everything follows. Untrusted text is always a string.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from governance.reports import sections as S
from governance.reports.decision import decision
from governance.reports.model import (
    ReportInput,
    Section,
    SlaPayload,
    SwitchingPayload,
)
from governance.reports.safe_text import cell_text
from governance.reports.size import check_size
from governance.reports.sla_sections import sla_sections
from governance.reports.summary import evaluated_text, executive_summary
from governance.reports.switching_sections import (
    stay_vs_switch_section,
    switching_breakdown_section,
    taxonomy_section,
    tornado_section,
    variance_sections,
)
from governance.reports.words import money_format
from governance.reports.xlsx_scorecard import _scorecard_sheet, _weights_sheet
from governance.reports.xlsx_sheet import (
    BOLD,
    TITLE,
    _new_sheet,
    _Sheet,
    write_sections,
)

SUMMARY_WIDTH = 100


def _summary_sheet(wb: Workbook, report: ReportInput, created: dt.date) -> _Sheet:
    active = wb.active
    assert isinstance(active, Worksheet)
    sheet = _Sheet(active)
    sheet.ws.title = "Summary"
    sheet.put(1, 1, report.title, width=False).font = Font(bold=True, size=15)
    facts = [
        ("Program", report.program or "(not named)"),
        ("Date", created),
        ("What was evaluated", evaluated_text(report)),
        ("Static text", "The sentences below were computed when this file was made and do not follow edits."),
    ]
    row = 3
    for label, value in facts:
        sheet.put(row, 1, label).font = BOLD
        sheet.put(row, 2, value, width=False)
        row += 1
    row += 1
    blocks = [(b.heading, b.sentences) for b in decision(report)]
    sheet.put(row, 1, "The decision", width=False).font = Font(bold=True, size=14)
    row += 1
    for i, (heading, sentences) in enumerate([*blocks, ("Summary by part", []), *executive_summary(report)]):
        if i == len(blocks):
            row += 1
            sheet.put(row, 1, heading, width=False).font = Font(bold=True, size=14)
            row += 2
            continue
        sheet.put(row, 1, heading, width=False).font = TITLE
        row += 1
        for sentence in sentences:
            sheet.wrap(sheet.put(row, 2, sentence, width=False), SUMMARY_WIDTH)
            row += 1
        row += 1
    sheet.widths[2] = SUMMARY_WIDTH
    sheet.widths[1] = max(sheet.widths.get(1, 8), 30)
    return sheet


def _live_summary(sheet: _Sheet, grid: tuple[int, str, str], n: int) -> None:
    """Below the static summary: the current leader, recomputed from the Scorecard sheet."""
    last_row, tot, band = grid
    row = sheet.ws.max_row + 2
    sheet.put(row, 1, "Live from the Scorecard sheet (follows weight edits)", width=False).font = TITLE
    ranks, names = f"Scorecard!$A$2:$A${last_row}", f"Scorecard!$B$2:$B${last_row}"
    totals = f"Scorecard!${tot}$2:${tot}${last_row}"
    bands = f"Scorecard!${band}$2:${band}${last_row}"
    lookups = [
        ("Ranked first", f'=IFERROR(INDEX({names},MATCH(1,{ranks},0)),"")', None),
        ("Its total", f'=IFERROR(INDEX({totals},MATCH(1,{ranks},0)),"")', "0.00"),
        ("Its band", f'=IFERROR(INDEX({bands},MATCH(1,{ranks},0)),"")', None),
    ]
    for i, (label, text, fmt) in enumerate(lookups, start=1):
        sheet.put(row + i, 1, label).font = BOLD
        sheet.formula(row + i, 2, text, fmt)
    sheet.put(row + len(lookups) + 1, 1, f"Providers scored: {n}", width=False)


def _switching_sheet(wb: Workbook, sw: SwitchingPayload, currency: str) -> None:
    sheet = _new_sheet(wb, "Switching cost")
    blocks = [switching_breakdown_section(sw)]
    blocks += [s for s in (tornado_section(sw), stay_vs_switch_section(sw)) if s is not None]
    blocks += variance_sections(sw)
    heads = write_sections(sheet, blocks, currency=currency)
    sheet.widths[1] = max(sheet.widths.get(1, 8), 30)
    sheet.finish()
    breakdown = blocks[0]
    n_areas = sum(1 for r in breakdown.rows if r[0] != "Total")
    if n_areas == 0:
        return
    ws = sheet.ws
    head = heads[0]
    cats = Reference(ws, min_col=1, min_row=head + 1, max_row=head + n_areas)
    col = 7
    specs = [("Deterministic cost by area", 2, 2), ("P10 / P50 / P90 by area", 3, 5)]
    for i, (title, c0, c1) in enumerate(specs):
        chart = BarChart()
        chart.type = "bar"
        chart.title = title
        chart.x_axis.scaling.orientation = "maxMin"
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.y_axis.number_format = "#,##0"
        chart.add_data(
            Reference(ws, min_col=c0, max_col=c1, min_row=head, max_row=head + n_areas),
            titles_from_data=True,
        )
        chart.set_categories(cats)
        chart.width, chart.height = 18, 7.5
        ws.add_chart(chart, f"{get_column_letter(col)}{1 + 16 * i}")


def _sla_sheet(wb: Workbook, sla: SlaPayload, currency: str) -> None:
    sheet = _new_sheet(wb, "SLA check")
    sheet.put(1, 1, "Verdict").font = BOLD
    verdict = sheet.put(1, 2, sla.verdict)
    colour = S.STATUS_FILLS.get(str(sla.verdict).lower())
    if colour:
        verdict.fill = PatternFill("solid", fgColor=colour)
    sheet.put(2, 1, "Credits owed").font = BOLD
    sheet.put(2, 2, sla.credits, money_format(currency))
    write_sections(sheet, sla_sections(sla, currency), row=4, currency=currency)
    sheet.finish()


def _section_sheet(wb: Workbook, title: str, sections: Sequence[Section], currency: str = "") -> None:
    sheet = _new_sheet(wb, title)
    write_sections(sheet, sections, currency=currency)
    sheet.finish()


def _normalise_zip(data: bytes, created: dt.datetime) -> bytes:
    """Same workbook, same bytes: fixed member timestamps and order, fixed document dates."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    body,
                )
            member = zipfile.ZipInfo(info.filename, date_time=created.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            dst.writestr(member, body)
    return out.getvalue()


def build_xlsx(report: ReportInput, created: dt.date | None = None) -> bytes:
    """The workbook as bytes; `created` (default: the report's date, else today) fixes its dates.
    Refused before any work above the workbook's size limits (`size.check_size`)."""
    check_size(report, "xlsx")
    day = created or report.created or dt.date.today()
    moment = dt.datetime(day.year, day.month, day.day)
    unit = report.money_unit()
    wb = Workbook()
    summary = _summary_sheet(wb, report, day)
    card = report.scorecard
    if card is not None:
        _weights_sheet(wb, card)
        grid = _scorecard_sheet(wb, card)
        _live_summary(summary, grid, len(card.providers))
        parts = (
            S.excluded_section(card),
            S.red_flags_section(card),
            S.evaluations_section(card),
            S.gates_and_flags_section(card),
        )
        evidence = [s for s in parts if s]
        if evidence:
            _section_sheet(wb, "Evaluators and evidence", evidence)
        robust = S.robustness_sections(card.robustness) + S.decision_sections(card)
        if robust:
            _section_sheet(wb, "Robustness", robust)
        guide = S.guide_sections(card)
        if guide:
            _section_sheet(wb, "Questions and anchors", guide)
    if report.switching is not None:
        _switching_sheet(wb, report.switching, report.switching_unit())
    taxonomy = report.taxonomy_part()
    if taxonomy is not None:
        _section_sheet(wb, "Taxonomy mapping", [taxonomy_section(taxonomy)])
    if report.sla is not None:
        _sla_sheet(wb, report.sla, report.sla_unit())
    for section in report.sections:
        _section_sheet(wb, section.title, [section], unit)
    summary.finish()
    props = wb.properties
    props.title = cell_text(report.title)
    props.subject = cell_text(report.program)
    props.creator = "annogov"
    props.description = cell_text(evaluated_text(report))
    props.created = props.modified = moment
    props.lastModifiedBy = "annogov"
    custom = wb.custom_doc_props  # type: ignore[attr-defined]
    if report.program:
        custom.append(StringProperty(name="Program", value=cell_text(report.program)))
    custom.append(StringProperty(name="Report date", value=day.isoformat()))
    buffer = io.BytesIO()
    wb.save(buffer)
    return _normalise_zip(buffer.getvalue(), moment)
