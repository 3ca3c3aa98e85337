"""The QA sampling plan as a PDF: the plan and its risks, the operating-characteristic curve
(reportlab graphics) and the verdict per category; every text escaped, in DejaVu Sans."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from governance.quality.sla.qa_plan import AcceptancePlan
from governance.reports.fonts import register_fonts


def oc_chart(plan: AcceptancePlan, width: float, font: str) -> Drawing:
    """P(accept) against the defect rate, with the AQL and LTPD marked."""
    height = 190
    drawing = Drawing(width, height)
    chart = LinePlot()
    chart.x, chart.y, chart.height = 45, 35, height - 60
    chart.width = int(width - 70)
    curve = plan.oc_curve(81)
    chart.data = [curve]
    chart.lines[0].strokeColor = colors.HexColor("#1f4e79")
    chart.lines[0].strokeWidth = 1.5
    top = curve[-1][0]
    chart.xValueAxis.valueMin, chart.xValueAxis.valueMax = 0, top
    chart.yValueAxis.valueMin, chart.yValueAxis.valueMax = 0, 1
    chart.yValueAxis.valueSteps = [0, 0.25, 0.5, 0.75, 1.0]
    chart.xValueAxis.labelTextFormat = lambda v: f"{v:.1%}"
    chart.yValueAxis.labelTextFormat = lambda v: f"{v:.0%}"
    for axis in (chart.xValueAxis, chart.yValueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = 7
    drawing.add(chart)
    for p, name in ((plan.aql, "AQL"), (plan.ltpd, "LTPD")):
        x = chart.x + chart.width * p / top
        drawing.add(
            Line(x, chart.y, x, chart.y + chart.height, strokeColor=colors.HexColor("#c55a11"), strokeDashArray=[3, 2])
        )
        drawing.add(String(x + 2, chart.y + chart.height - 10, name, fontName=font, fontSize=7))
    drawing.add(String(chart.x, 8, "defect rate of the lot", fontName=font, fontSize=8))
    drawing.add(String(4, chart.y + chart.height + 8, "P(accept)", fontName=font, fontSize=8))
    return drawing


def qa_plan_pdf(plan: AcceptancePlan, verdicts: list[dict[str, Any]], title: str) -> bytes:
    """One-page PDF: plan, achieved risks, OC curve, verdict per category (lot)."""
    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12)
    head = ParagraphStyle("head", fontName=bold, fontSize=14, leading=18)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title=title, invariant=1)
    width = A4[0] - 36 * mm
    facts = (
        f"Review n = {plan.n} items per lot; accept when at most c = {plan.c} fail. "
        f"AQL {plan.aql:.2%} (producer's risk asked {plan.producer_risk:.0%}, achieved "
        f"{plan.actual_producer_risk:.1%}); LTPD {plan.ltpd:.2%} (consumer's risk asked "
        f"{plan.consumer_risk:.0%}, achieved {plan.actual_consumer_risk:.1%}). Method: {plan.method}."
    )
    rows = [["category", "delivered", "reviewed", "failed", "verdict"]]
    rows += [[escape(str(v["category"])), v["delivered"], v["reviewed"], v["failed"], v["verdict"]] for v in verdicts]
    table = Table([[Paragraph(str(c), body) for c in r] for r in rows], repeatRows=1)
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[Any] = [
        Paragraph(escape(title), head),
        Spacer(1, 6),
        Paragraph(escape(facts), body),
        Spacer(1, 8),
        oc_chart(plan, width, regular),
    ]
    if verdicts:
        story += [Spacer(1, 8), table]
    doc.build(story)
    return out.getvalue()
