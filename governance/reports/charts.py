"""Charts for the PDF, drawn with reportlab's own graphics (no matplotlib at run time).

Chart labels are drawn as plain strings (never parsed as markup) in the registered TrueType font.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib import colors

from governance.reports.chart_data import (
    MAX_BARS,
    SERIES_COLOURS,
    STATUS_COLOURS,
    ConfusionChart,
    RangeChart,
    StackedChart,
    TermChart,
)
from governance.reports.model import SwitchingPayload
from governance.reports.sections import area_label
from governance.reports.words import number

PALETTE = [colors.HexColor(c) for c in SERIES_COLOURS]
LABEL_CHARS = 30


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """A label cut to fit beside a bar; the full text is in the tables."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _box(x: float, y: float, width: float, height: float, fill: colors.Color) -> Rect:
    """A filled rectangle without outline."""
    rect = Rect(x, y, width, height)
    rect.fillColor = fill
    rect.strokeColor = None
    return rect


def _bar_chart(
    width: float,
    names: Sequence[str],
    series: Sequence[Sequence[float]],
    font: str,
    stacked: bool,
    value_max: float | None = None,
) -> tuple[Drawing, HorizontalBarChart]:
    rows = max(len(names), 1)
    per_row = 18 if stacked else 10 * max(len(series), 1) + 8
    plot_h = rows * per_row
    drawing = Drawing(width, plot_h + 80)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 40
    chart.width, chart.height = int(width - 170), int(plot_h)
    chart.data = [list(s) for s in series]
    chart.categoryAxis.categoryNames = [short(n, 26) for n in names]
    chart.categoryAxis.reverseDirection = 1
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    if value_max is not None:
        chart.valueAxis.valueMax = value_max
        chart.valueAxis.valueStep = value_max / 5
    if stacked:
        chart.categoryAxis.style = "stacked"
    chart.barSpacing = 1
    chart.groupSpacing = 4
    for i in range(len(series)):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    return drawing, chart


def _legend(drawing: Drawing, x: float, y: float, names: Sequence[str], font: str) -> None:
    legend = Legend()
    legend.x, legend.y = x, y  # type: ignore[assignment]
    legend.fontName = font
    legend.fontSize = 7
    legend.alignment = "right"
    legend.columnMaximum = 2
    legend.dx = legend.dy = 7
    legend.deltax = 110
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], short(n, 24)) for i, n in enumerate(names)]
    drawing.add(legend)


def scorecard_chart(spec: StackedChart, width: float, font: str) -> Drawing:
    """Each provider's total as stacked points per dimension, with lines at the band floors."""
    drawing, chart = _bar_chart(width, spec.rows, spec.points, font, True, spec.axis_max)
    for bound in spec.rules:
        x = chart.x + chart.width * bound / spec.axis_max
        drawing.add(
            Line(
                x,
                chart.y,
                x,
                chart.y + chart.height,
                strokeColor=colors.red,
                strokeDashArray=[2, 2],
                strokeWidth=0.7,
            )
        )
        drawing.add(
            String(
                x,
                chart.y + chart.height + 3,
                f"{bound:g}",
                fontName=font,
                fontSize=6,
                textAnchor="middle",
                fillColor=colors.red,
            )
        )
    _legend(drawing, chart.x, chart.y + chart.height + 36, spec.series, font)
    return drawing


def switching_breakdown_chart(sw: SwitchingPayload, width: float, font: str) -> Drawing:
    """Deterministic cost per area (every input at its most likely value)."""
    keys = sw.areas()
    det = [float(sw.deterministic.get(k) or 0.0) for k in keys]
    drawing, chart = _bar_chart(width, [area_label(k) for k in keys], [det], font, False)
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
    return drawing


def switching_distribution_chart(sw: SwitchingPayload, width: float, font: str) -> Drawing:
    """Per area a line from P10 to P90 with P50 marked, on one shared scale."""
    rows = [(area_label(k), sw.percentiles[k]) for k in sw.areas() if k in sw.percentiles]
    rows = [(n, p) for n, p in rows if None not in (p.p10, p.p50, p.p90)]
    row_h = 16
    drawing = Drawing(width, row_h * max(len(rows), 1) + 36)
    if not rows:
        return drawing
    hi = max(float(p.p90 or 0.0) for _, p in rows) or 1.0
    left, plot_w = 160.0, width - 180.0
    top = drawing.height - 10

    def x_of(v: float | None) -> float:
        return left + plot_w * float(v or 0.0) / hi

    for i, (name, p) in enumerate(rows):
        y = top - (i + 1) * row_h + row_h / 2
        drawing.add(Line(x_of(p.p10), y, x_of(p.p90), y, strokeColor=PALETTE[1], strokeWidth=3))
        drawing.add(_box(x_of(p.p50) - 2, y - 5, 4, 10, PALETTE[3]))
        drawing.add(String(left - 4, y - 2.5, short(name, 32), fontName=font, fontSize=7, textAnchor="end"))
    axis_y = top - len(rows) * row_h - 4
    drawing.add(Line(left, axis_y, left + plot_w, axis_y, strokeColor=colors.black, strokeWidth=0.5))
    for k in range(6):
        v = hi * k / 5
        drawing.add(String(x_of(v), axis_y - 9, f"{v:,.0f}", fontName=font, fontSize=6, textAnchor="middle"))
    return drawing


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering lo..hi (steps of 1, 2, 2.5 or 5 times a power of ten)."""
    span = (hi - lo) or abs(hi) or 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    ticks = []
    value = first
    while value <= hi + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < hi:
        ticks.append(ticks[-1] + step)
    return ticks


def tornado_chart(spec: RangeChart, width: float, font: str) -> Drawing:
    """The switching total with each input at its low and its high value, widest swing on top.

    Bars run from the base total (every input most likely) to the total at each end, so they
    are read against the same money axis as the table below, in the same order.
    """
    bars = spec.bars
    row_h = 16
    drawing = Drawing(width, row_h * max(len(bars), 1) + 58)
    if not bars:
        return drawing
    base = spec.base
    ends = [v for b in bars for v in (b.at_low, b.at_high)]
    ticks = nice_ticks(min(*ends, base), max(*ends, base))
    lo, hi = ticks[0], ticks[-1]
    left, plot_w = 235.0, width - 245.0

    def x_of(v: float) -> float:
        return left + plot_w * (v - lo) / ((hi - lo) or 1.0)

    top = drawing.height - 24
    xb = x_of(base)
    for i, b in enumerate(bars):
        y = top - (i + 1) * row_h
        for value, colour in ((b.at_low, PALETTE[2]), (b.at_high, PALETTE[3])):
            x0, x1 = sorted((xb, x_of(value)))
            drawing.add(_box(x0, y + 2, max(x1 - x0, 0.5), row_h - 4, colour))
        drawing.add(String(left - 4, y + 5, short(b.label, 52), fontName=font, fontSize=7, textAnchor="end"))
    axis_y = top - len(bars) * row_h - 2
    drawing.add(Line(left, axis_y, left + plot_w, axis_y, strokeColor=colors.black, strokeWidth=0.5))
    for v in ticks:
        drawing.add(Line(x_of(v), axis_y, x_of(v), axis_y - 2, strokeColor=colors.black, strokeWidth=0.5))
        drawing.add(String(x_of(v), axis_y - 10, f"{v:,.0f}", fontName=font, fontSize=6, textAnchor="middle"))
    drawing.add(String(left + plot_w / 2, axis_y - 20, spec.axis_title, fontName=font, fontSize=7,
                       textAnchor="middle"))
    drawing.add(Line(xb, axis_y, xb, top + 2, strokeColor=colors.black, strokeWidth=0.7))
    drawing.add(String(xb, top + 5, f"most likely {base:,.0f}", fontName=font, fontSize=6, textAnchor="middle"))
    keys = (("input at its low value", PALETTE[2]), ("input at its high value", PALETTE[3]))
    for k, (text, colour) in enumerate(keys):
        x = left + k * 130
        drawing.add(_box(x, top + 14, 8, 6, colour))
        drawing.add(String(x + 11, top + 14, text, fontName=font, fontSize=7))
    return drawing


def term_chart(chart: TermChart, width: float, font: str) -> Drawing:
    """A bar per group, coloured by the group's own status, with the target as a dashed line."""
    row_h = 14
    bars = chart.bars[:MAX_BARS]
    drawing = Drawing(width, row_h * len(bars) + 34)
    values = [b.value for b in bars if b.value is not None]
    hi = max([*values, chart.target or 0.0, 0.0])
    ticks = nice_ticks(0.0, hi if hi > 0 else 1.0)
    left, plot_w = 150.0, width - 170.0
    top = drawing.height - 8

    def x_of(v: float) -> float:
        return left + plot_w * v / (ticks[-1] or 1.0)

    for i, b in enumerate(bars):
        y = top - (i + 1) * row_h
        colour = colors.HexColor(STATUS_COLOURS.get(b.status, STATUS_COLOURS["inconclusive"]))
        if b.value is not None:
            drawing.add(_box(left, y + 2, max(x_of(b.value) - left, 0.5), row_h - 4, colour))
            label = f"{chart.value_text(b.value)} (n={number(b.n, 'integer') if b.n is not None else '?'})"
            drawing.add(String(x_of(b.value) + 3, y + 4, label, fontName=font, fontSize=6))
        drawing.add(String(left - 4, y + 4, short(b.group, 30), fontName=font, fontSize=7, textAnchor="end"))
    axis_y = top - len(bars) * row_h - 2
    drawing.add(Line(left, axis_y, left + plot_w, axis_y, strokeColor=colors.black, strokeWidth=0.5))
    for v in ticks:
        tick = f"{v:.0%}" if chart.kind == "percent" else f"{v:,g}"
        drawing.add(String(x_of(v), axis_y - 9, tick, fontName=font, fontSize=6, textAnchor="middle"))
    if chart.target is not None:
        xt = x_of(chart.target)
        drawing.add(Line(xt, axis_y, xt, top + 2, strokeColor=colors.black, strokeDashArray=[3, 2], strokeWidth=0.8))
        target = f"target {chart.value_text(chart.target)}"
        drawing.add(String(xt, axis_y - 18, target, fontName=font, fontSize=6, textAnchor="middle"))
    return drawing


def confusion_heatmap(cm: ConfusionChart, width: float, font: str) -> Drawing:
    """Gold labels down, delivered across, shaded by each row's share; counts when cells are large
    enough. Readable at 30 classes: every label is written, across ones turned upright."""
    n = len(cm.labels)
    label_w = min(110.0, 8 + max((len(str(x)) for x in cm.labels), default=4) * 4.2)
    cell = max(6.0, min(22.0, (width - label_w - 10) / max(n, 1)))
    size = max(4.5, min(7.0, cell * 0.55))
    drawing = Drawing(width, cell * n + label_w + 16)
    top = cell * n + 4
    for i, row in enumerate(cm.counts):
        y = top - (i + 1) * cell
        drawing.add(String(label_w - 3, y + cell / 2 - size / 3, short(cm.labels[i], 24), fontName=font,
                           fontSize=size, textAnchor="end"))
        for j, count in enumerate(row):
            share = cm.shares[i][j]
            shade = colors.Color(1 - 0.85 * share, 1 - 0.6 * share, 1 - 0.25 * share)
            rect = _box(label_w + j * cell, y, cell, cell, shade)
            rect.strokeColor, rect.strokeWidth = colors.white, 0.3
            drawing.add(rect)
            if cell >= 11 and count:
                ink = colors.white if share > 0.6 else colors.black
                drawing.add(String(label_w + (j + 0.5) * cell, y + cell / 2 - size / 3, f"{count:g}", fontName=font,
                                   fontSize=size, textAnchor="middle", fillColor=ink))
    for j, label in enumerate(cm.labels):
        group = Group(String(0, 0, short(label, 24), fontName=font, fontSize=size))
        group.transform = (0, 1, -1, 0, label_w + (j + 0.5) * cell + size / 3, top + 3)
        drawing.add(group)
    return drawing
