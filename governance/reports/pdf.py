"""The steering-committee PDF: cover, executive summary, one section per part, method appendix.

Every string from an input passes through `pdf_text` before it reaches a Paragraph; the document
is built with `invariant=1` and a fixed creation date so the same inputs give the same bytes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import time
from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from governance.reports import chart_data, charts, layout, words
from governance.reports import sections as S
from governance.reports.chart_data import term_charts
from governance.reports.decision import decision
from governance.reports.fonts import register_fonts
from governance.reports.model import (
    BAND_ENTERPRISE,
    BAND_LOWER_ENTERPRISE,
    BAND_LOWER_OVERSIGHT,
    BAND_OVERSIGHT,
    BAND_RISK,
    DIMENSION_SHORT,
    FORMULA,
    ColumnFormat,
    ReportInput,
    ScorecardPayload,
    Section,
    SlaPayload,
    SwitchingPayload,
)
from governance.reports.safe_text import pdf_text
from governance.reports.sla_sections import sla_sections
from governance.reports.summary import credits_text, evaluated_text, executive_summary
from governance.reports.switching_sections import (
    stay_vs_switch_section,
    switching_breakdown_section,
    taxonomy_section,
    tornado_section,
    variance_sections,
)
from ingest import InputError, limits, over_limit

PAGE = A4
MARGIN = 18 * mm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN - 12  # the frame's own padding is 6 pt a side
CELL_CHARS = 1200
CELL_LINES = 40
CONFUSION_TABLE_MAX = 12
STATUS_COLOURS = {status: colors.HexColor("#" + fill) for status, fill in S.STATUS_FILLS.items()}
BAND_COLOURS = {
    BAND_ENTERPRISE: STATUS_COLOURS["pass"],
    BAND_OVERSIGHT: STATUS_COLOURS["inconclusive"],
    BAND_RISK: STATUS_COLOURS["fail"],
}
HEADER_BG = colors.HexColor("#dde4ee")
LISTED = {"Risks", "Questions to put to the vendor", "What would change it", "The reasons, with the numbers"}


def _styles(regular: str, bold: str) -> StyleSheet1:
    """The sample styles, every one switched to the registered TrueType font."""
    sheet = getSampleStyleSheet()
    for name in sheet.byName:
        style = sheet[name]
        if isinstance(style, ParagraphStyle):
            heading = name.startswith(("Heading", "Title"))
            style.fontName = bold if heading else regular
            if heading:
                style.keepWithNext = 1
    sheet.add(ParagraphStyle("Cell", parent=sheet["BodyText"], fontSize=7.5, leading=9))
    sheet.add(ParagraphStyle("CellHead", parent=sheet["Cell"], fontName=bold))
    sheet.add(ParagraphStyle("GridHead", parent=sheet["CellHead"], fontSize=6.5, leading=8))
    sheet.add(ParagraphStyle("CellNum", parent=sheet["Cell"], alignment=TA_RIGHT))
    sheet.add(ParagraphStyle("CellCompact", parent=sheet["Cell"], fontSize=layout.COMPACT_SIZE, leading=8))
    sheet.add(ParagraphStyle("CellHeadCompact", parent=sheet["CellCompact"], fontName=bold))
    sheet.add(ParagraphStyle("CellNumCompact", parent=sheet["CellCompact"], alignment=TA_RIGHT))
    sheet.add(ParagraphStyle("Note", parent=sheet["BodyText"], fontSize=8, textColor=colors.grey, keepWithNext=1))
    sheet.add(ParagraphStyle("Caption", parent=sheet["BodyText"], fontSize=8, leading=10, spaceAfter=8,
                             textColor=colors.HexColor("#444444")))
    sheet.add(ParagraphStyle("Cover", parent=sheet["Title"], fontSize=24, leading=30, spaceAfter=18))
    sheet.add(ParagraphStyle("CoverFact", parent=sheet["BodyText"], fontSize=12, leading=16))
    return sheet


def fmt_number(value: Any, kind: ColumnFormat | None, currency: str = "") -> str:
    """A number as the column's format asks (`words.number`, the one formatter of report values)."""
    return words.number(value, kind, currency)


def _clip(text: str) -> str:
    """A cell's text cut (by characters and by lines) so that one row always fits on a page; the
    workbook keeps it whole."""
    lines = text.splitlines()
    if len(text) <= CELL_CHARS and len(lines) <= CELL_LINES:
        return text
    return "\n".join(lines[:CELL_LINES])[:CELL_CHARS] + " \u2026 (cut here; the workbook has the full text)"


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


def section_table(
    section: Section, styles: StyleSheet1, currency: str = "", titled: bool = True, room: float = 0.0
) -> list[Flowable]:
    """A Section as a heading, an optional note and a table that repeats its header row; on a new page
    when less than `room` is left (a landscape table starts its own page, unless one is just beginning)."""
    out: list[Flowable] = [Paragraph(pdf_text(section.title), styles["Heading3"])] if titled else []
    if section.note and titled:
        out.append(Paragraph(pdf_text(section.note), styles["Note"]))
    if not section.rows:
        out.append(Paragraph("No rows.", styles["Note"]))
        return out
    texts = [
        [_clip(fmt_number(v, kind, currency)) for v, kind in zip(row, section.row_formats(r), strict=True)]
        for r, row in enumerate(section.rows)
    ]
    font, bold, size = styles["Cell"].fontName, styles["CellHead"].fontName, styles["Cell"].fontSize
    widths, compact, wide = layout.plan(section.columns, texts, font, bold, size)
    small = "Compact" if compact else ""
    head = [Paragraph(pdf_text(c), styles[f"CellHead{small}"]) for c in section.columns]
    body = [
        [
            Paragraph(
                pdf_text(t),
                styles[f"CellNum{small}"] if isinstance(v, int | float) and not isinstance(v, bool)
                else styles[f"Cell{small}"],
            )
            for t, v in zip(text_row, row, strict=True)
        ]
        for text_row, row in zip(texts, section.rows, strict=True)
    ]
    table = Table([head, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if compact:
        commands += [("LEFTPADDING", (0, 0), (-1, -1), layout.COMPACT_PAD / 2),
                     ("RIGHTPADDING", (0, 0), (-1, -1), layout.COMPACT_PAD / 2)]
    if section.status_column in section.columns:
        col = section.columns.index(section.status_column)
        for r, row in enumerate(section.rows, start=1):
            colour = STATUS_COLOURS.get(str(row[col]).lower())
            if colour is not None:
                commands.append(("BACKGROUND", (col, r), (col, r), colour))
    table.setStyle(TableStyle(commands))
    out += [table, Spacer(1, 8)]
    if wide:
        return layout.on_landscape(out)
    return ([CondPageBreak(room)] if room else []) + out


class _Stamp(TimeStamp):
    """reportlab's document time stamp pinned to the report's date."""

    def __init__(self, moment: dt.datetime) -> None:
        super().__init__(invariant=1)
        self.t = calendar.timegm(moment.timetuple())
        self.lt = time.gmtime(self.t)
        self.YMDhms = tuple(self.lt)[:6]


def _canvas_class(moment: dt.datetime, footer: str, font: str) -> type[Canvas]:
    """A canvas that writes 'page N of M' and dates the document to `moment`."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["invariant"] = 1
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = _Stamp(moment)  # type: ignore[attr-defined]
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._saved.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                page = self._pageNumber  # type: ignore[attr-defined]
                self.setFont(font, 7.5)
                self.setFillColor(colors.grey)
                self.drawString(MARGIN, 10 * mm, footer)
                width = self._pagesize[0]  # type: ignore[attr-defined]
                self.drawRightString(width - MARGIN, 10 * mm, f"Page {page} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def _decision_page(report: ReportInput, day: dt.date, styles: StyleSheet1) -> list[Flowable]:
    """Page 1: title, program and date, then the decision in plain sentences (`decision.py`)."""
    facts = f"{report.program or '(program not named)'} \u00b7 {words.day(day)}"
    story: list[Flowable] = [
        Paragraph(pdf_text(report.title), styles["Title"]),
        Paragraph(pdf_text(facts), styles["CoverFact"]),
        Paragraph(pdf_text("What was evaluated: " + evaluated_text(report)), styles["Note"]),
        Spacer(1, 6),
    ]
    for block in decision(report):
        listed = block.heading in LISTED
        style = styles["Bullet"] if listed else styles["BodyText"]
        paras = [Paragraph(pdf_text(s), style, bulletText="\u2022" if listed else None) for s in block.sentences]
        story.append(KeepTogether([Paragraph(pdf_text(block.heading), styles["Heading2"]), *paras[:2]]))
        story += paras[2:]
    story.append(PageBreak())
    return story


def _executive_summary(report: ReportInput, styles: StyleSheet1) -> list[Flowable]:
    story: list[Flowable] = [Paragraph("Summary by part", styles["Heading1"])]
    for heading, sentences in executive_summary(report):
        story.append(Paragraph(pdf_text(heading), styles["Heading3"]))
        story += [Paragraph(pdf_text(s), styles["BodyText"]) for s in sentences]
    return story


def _scorecard_table(card: ScorecardPayload, styles: StyleSheet1) -> Table:
    dims = card.dimensions()
    head = ["#", "Provider", *(DIMENSION_SHORT.get(d, card.label(d)) for d in dims), "Total", "Band"]
    rows: list[list[Any]] = [[Paragraph(pdf_text(h), styles["GridHead"]) for h in head]]
    commands: list[tuple[Any, ...]] = [
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for r, p in enumerate(card.ranked(), start=1):
        cells = []
        for d in dims:
            dim = p.dimensions.get(d)
            score = "missing" if dim is None or dim.score is None else f"{dim.score:.2f}"
            if dim is not None and dim.spread is not None and dim.spread >= 2:
                score += f" (spread {dim.spread:g})"
            cells.append(score)
        total = "" if p.total is None else f"{p.total:.2f}"
        band = p.band or ("incomplete" if not p.complete else "")
        if p.complete and not p.eligible:
            band += " (excluded)"
        values = ["" if p.rank is None else str(p.rank), _clip(p.name), *cells, total, band]
        rows.append([Paragraph(pdf_text(v), styles["Cell"]) for v in values])
        colour = BAND_COLOURS.get(p.band or band)
        if colour is not None:
            commands.append(("BACKGROUND", (len(head) - 1, r), (len(head) - 1, r), colour))
    fixed = 16 + 52 * len(dims) + 34 + 76
    widths = [16, FRAME_WIDTH - fixed, *([52] * len(dims)), 34, 76]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


FLOORS = (BAND_LOWER_OVERSIGHT, BAND_LOWER_ENTERPRISE)


def _bands_text(floors: tuple[float, float]) -> str:
    """The band rule under this rubric's floors."""
    low, high = floors
    return (
        f"Bands on the exact total: below {low:g} {BAND_RISK}; {low:g} up to but not including {high:g} "
        f"{BAND_OVERSIGHT}; {high:g} and above {BAND_ENTERPRISE}. A knock-out gate sets {BAND_RISK} and ranks "
        "the provider after every eligible one."
    )


def _scorecard_part(card: ScorecardPayload, styles: StyleSheet1, font: str) -> list[Flowable]:
    weights = ", ".join(f"{card.label(d)} {card.weights[d]:g}" for d in card.dimensions())
    story: list[Flowable] = [
        PageBreak(),
        Paragraph("Provider scorecard", styles["Heading1"]),
        Paragraph(pdf_text(f"Weights: {weights}. Scores run from 1 to 5; formula and bands: see the appendix."),
                  styles["Note"]),
        Spacer(1, 4),
        _scorecard_table(card, styles),
        Spacer(1, 8),
    ]
    stacked = chart_data.scorecard_chart(card)
    if stacked is not None:
        story.append(_captioned(stacked.title, charts.scorecard_chart(stacked, FRAME_WIDTH, font), stacked.caption,
                                styles))
    parts = (
        S.excluded_section(card),
        S.red_flags_section(card),
        S.gates_and_flags_section(card),
        S.evaluations_section(card, True),
        *S.guide_sections(card),
    )
    for section in parts:
        if section is not None:
            story += section_table(section, styles)
    robust = S.robustness_sections(card.robustness, with_text=False)
    if robust:
        story.append(CondPageBreak(50 * mm))
        story.append(Paragraph("How robust is the ranking?", styles["Heading2"]))
        for text in S.robustness_findings(card.robustness):
            story.append(Paragraph(pdf_text(text), styles["BodyText"]))
        for section in robust:
            story += section_table(section, styles)
    for section in S.decision_sections(card):
        story += section_table(section, styles)
    return story


def _switching_part(sw: SwitchingPayload, styles: StyleSheet1, font: str, currency: str) -> list[Flowable]:
    story: list[Flowable] = [
        PageBreak(),
        Paragraph("Cost of switching provider", styles["Heading1"]),
    ]
    story += section_table(switching_breakdown_section(sw), styles, currency)
    unit = f" ({currency})" if currency else ""
    story.append(
        _captioned(
            f"Cost by area with every input at its most likely value{unit}",
            charts.switching_breakdown_chart(sw, FRAME_WIDTH, font),
            "The longest bar is where the switching money goes.",
            styles,
        )
    )
    story.append(
        _captioned(
            f"Range of each area's cost: P10 to P90, P50 marked{unit}",
            charts.switching_distribution_chart(sw, FRAME_WIDTH, font),
            "A long line is an uncertain area: narrowing its inputs narrows the total most.",
            styles,
        )
    )
    tornado, spec = tornado_section(sw), chart_data.tornado_chart(sw, currency=currency)
    if tornado is not None and spec is not None:
        story.append(_captioned(spec.title, charts.tornado_chart(spec, FRAME_WIDTH, font), spec.caption, styles))
        story += section_table(tornado, styles, currency, titled=False)
    for section in variance_sections(sw):
        story += section_table(section, styles, currency)
    stay = stay_vs_switch_section(sw)
    if stay is not None:
        story += section_table(stay, styles, currency)
    return story


def _sla_part(sla: SlaPayload, styles: StyleSheet1, currency: str, font: str) -> list[Flowable]:
    story: list[Flowable] = [
        PageBreak(),
        Paragraph("SLA check of the delivery", styles["Heading1"]),
        Paragraph(
            pdf_text(f"Verdict: {sla.verdict}. Credits owed: {credits_text(sla.credits, currency)}."),
            styles["BodyText"],
        ),
        Paragraph("Failing terms are listed first.", styles["Note"]),
    ]
    sections = sla_sections(sla, currency)
    story += section_table(sections[0], styles, currency)
    for chart in term_charts(sla):
        story.append(_captioned(chart.title, charts.term_chart(chart, FRAME_WIDTH, font), chart.caption, styles))
    big = sla.confusion is not None and len(sla.confusion.labels) > CONFUSION_TABLE_MAX
    for section in sections[1:]:
        if big and section.title.startswith("Confusion matrix"):
            continue
        story += section_table(section, styles, currency)
    if sla.confusion is not None and sla.confusion.labels:
        cm = chart_data.confusion_chart(sla.confusion, counts_elsewhere=big)
        story.append(_captioned(cm.title, charts.confusion_heatmap(cm, FRAME_WIDTH, font), cm.caption, styles))
    return story


def _captioned(title: str, drawing: Flowable, caption: str, styles: StyleSheet1) -> KeepTogether:
    """A chart with its heading and a one-line caption of what to read from it, kept on one page."""
    return KeepTogether(
        [Paragraph(pdf_text(title), styles["Heading3"]), drawing, Paragraph(pdf_text(caption), styles["Caption"])]
    )


def _appendix(report: ReportInput, styles: StyleSheet1) -> list[Flowable]:
    formula = (report.scorecard.formula if report.scorecard else FORMULA).strip().rstrip(".")
    scoring = f"{formula}."
    if "weights sum" not in formula.lower() and "weights summing" not in formula.lower():
        scoring += " Weights sum to 100 and scores run from 1 to 5, so the total runs from 20 to 100."
    if "bands on the exact total" not in formula.lower():
        scoring += " " + _bands_text(report.scorecard.band_floors if report.scorecard else FLOORS)
    scoring += " A missing score makes a provider incomplete: it gets no band and is never scored as zero."
    notes = [
        ("Scoring formula", scoring),
        (
            "Evaluators",
            "Each evaluator scores independently; the consensus is their mean (or median). A "
            "criterion on which evaluators differ by two points or more is flagged for "
            "calibration.",
        ),
        (
            "Robustness",
            "Because the total is linear in the weights, the smallest single-weight change (others "
            "rescaled to keep the sum at 100) that swaps two providers or crosses a band boundary "
            "has a closed form. Band probabilities come from a seeded Monte Carlo over the "
            "evaluators' spread.",
        ),
        (
            "Switching cost",
            "Deterministic figures put every input at its most likely value. Ranges are drawn as "
            "PERT or triangular distributions in a seeded Monte Carlo; P10, P50 and P90 are its "
            "percentiles. The tornado swings one input from low to high with the others at their "
            "most likely value.",
        ),
        (
            "SLA check",
            "Each term is pass, fail or inconclusive (sample below the minimum, or a statistic "
            "that is undefined on the data). Intervals are 95%, by bootstrap over items unless an "
            "analytic standard error is stated. Credits follow the contract's remedies and caps.",
        ),
        (
            "About this document",
            "Text taken from the inputs is printed as typed. The workbook version keeps the "
            "scorecard live: edit a weight there and points, totals, bands and ranks recompute.",
        ),
    ]
    story: list[Flowable] = [PageBreak(), Paragraph("Appendix: method notes", styles["Heading1"])]
    for heading, text in notes:
        story += [
            Paragraph(heading, styles["Heading3"]),
            Paragraph(pdf_text(text), styles["BodyText"]),
        ]
    return story


def build_pdf(
    report: ReportInput, created: dt.date | None = None, progress: Callable[[str], None] | None = None
) -> bytes:
    """The report as PDF bytes; `created` (default: the report's date, else today) dates it;
    `progress` hears of every tenth page laid out. Refused above `max_report_rows` table rows."""
    check_size(report)
    day = created or report.created or dt.date.today()
    moment = dt.datetime(day.year, day.month, day.day)
    regular, bold = register_fonts()
    styles = _styles(regular, bold)
    unit = report.money_unit()
    story = _decision_page(report, day, styles) + _executive_summary(report, styles)
    if report.scorecard is not None:
        story += _scorecard_part(report.scorecard, styles, regular)
    if report.switching is not None:
        story += _switching_part(report.switching, styles, regular, report.switching_unit())
    taxonomy = report.taxonomy_part()
    if taxonomy is not None:
        story += section_table(taxonomy_section(taxonomy), styles, room=60 * mm)
    if report.sla is not None:
        story += _sla_part(report.sla, styles, report.sla_unit(), regular)
    if report.sections:
        story.append(PageBreak())
        for section in report.sections:
            story += section_table(section, styles, unit, room=40 * mm)
    story += _appendix(report, styles)
    buffer = io.BytesIO()
    footer = " \u00b7 ".join(x for x in (report.title, report.program, day.isoformat()) if x)
    doc = layout.document(
        buffer,
        title=report.title,
        subject=report.program,
        author="annogov",
        creator="annogov",
        invariant=1,
    )
    if progress is not None:
        doc.setProgressCallBack(
            lambda kind, value: progress(f"PDF report: page {value}") if kind == "PAGE" and value % 10 == 0 else None
        )
    try:
        doc.build(story, canvasmaker=_canvas_class(moment, charts.short(footer, 110), regular))
    except LayoutError as exc:
        raise InputError.at(f"a table cell does not fit on a page ({str(exc)[:120]})", "PDF report") from None
    return buffer.getvalue()
