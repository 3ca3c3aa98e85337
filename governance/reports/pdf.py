"""The steering-committee PDF: cover, executive summary, one section per part, method appendix.

Every string from an input passes through `pdf_text` before it reaches a Paragraph; the document
is built with `invariant=1` and a fixed creation date so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import StyleSheet1
from reportlab.lib.units import mm
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
    ReportInput,
    ScorecardPayload,
    SlaPayload,
    SwitchingPayload,
)
from governance.reports.pdf_page import (
    BAND_COLOURS,
    CONFUSION_TABLE_MAX,
    FRAME_WIDTH,
    HEADER_BG,
    _canvas_class,
    _clip,
    _styles,
    section_table,
)
from governance.reports.safe_text import pdf_text
from governance.reports.size import check_size
from governance.reports.sla_sections import sla_sections
from governance.reports.summary import credits_text, evaluated_text, executive_summary
from governance.reports.switching_sections import (
    stay_vs_switch_section,
    switching_breakdown_section,
    taxonomy_section,
    tornado_section,
    variance_sections,
)
from ingest import InputError

LISTED = {"Risks", "Questions to put to the vendor", "What would change it", "The reasons, with the numbers"}


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
