"""What the charts show, computed once for the PDF (reportlab, `charts.py`) and the app (Altair,
`app_pages/charts.py`): the data, the title and the one-line caption of each chart.

A term checked per group (each category, each task type) becomes one chart: a bar per group
coloured by its own pass/fail status, the contract's target as a line, and a one-line caption.
The scorecard's points by dimension, the switching tornado and the confusion map are specs too.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from governance.reports.model import ColumnFormat, ConfusionMatrix, ScorecardPayload, SlaPayload, SwitchingPayload
from governance.reports.sections import metric_label
from governance.reports.sla_sections import metric_format, scope_text, target_text
from governance.reports.switching_sections import input_label
from governance.reports.words import money, number

STATUS_COLOURS: dict[str, str] = {"pass": "#2e7d32", "fail": "#c62828", "inconclusive": "#f9a825"}
"""Bar colours by status, the same in the PDF and the app."""
STATUS_ORDER = ("pass", "fail", "inconclusive")
SERIES_COLOURS: tuple[str, ...] = ("#1f4e79", "#2e75b6", "#9dc3e6", "#c55a11", "#f4b183", "#70ad47")
"""Colours of a chart's series in order (the scorecard's dimensions), the same in the PDF and the app."""


class GroupBar(BaseModel):
    """One group's measured value and its own verdict."""

    group: str
    value: float | None
    n: int | None
    status: str


class TermChart(BaseModel):
    """A per-group chart of one SLA term."""

    title: str
    caption: str
    target: float | None
    comparator: str
    bars: list[GroupBar]
    kind: ColumnFormat = "rate"
    """How the values read (the terms table's format of the metric): 'percent' for rates."""

    def value_text(self, value: float) -> str:
        """A bar's value or the target as the captions print it ('95.0%', '0.85', '1,200')."""
        return f"{value:.3g}" if self.kind == "rate" else number(value, self.kind)


def _bars(evidence: Any) -> list[GroupBar]:
    if not isinstance(evidence, list):
        return []
    bars = []
    for e in evidence:
        if isinstance(e, dict) and "group" in e:
            value = e.get("value")
            bars.append(
                GroupBar(
                    group=str(e["group"]),
                    value=float(value) if isinstance(value, int | float) else None,
                    n=e.get("n") if isinstance(e.get("n"), int) else None,
                    status=str(e.get("status") or "inconclusive").lower(),
                )
            )
    return bars


def term_charts(sla: SlaPayload) -> list[TermChart]:
    """One chart per term whose evidence is per group, failing terms first."""
    charts = []
    for term in sorted(sla.terms, key=lambda t: {"fail": 0, "inconclusive": 1}.get(t.status.lower(), 2)):
        bars = _bars(term.evidence)
        scope = scope_text(term.scope)
        if scope == "overall" or len(bars) < 2 or all(b.value is None for b in bars):
            continue
        failing = [b.group for b in bars if b.status == "fail"]
        target = target_text(term.comparator, term.threshold, term.metric)
        if failing:
            verb = "fails" if len(failing) == 1 else "fail"
            caption = f"Target {target}: {', '.join(failing)} {verb}; amber bars have too few items to judge."
        elif all(b.status == "inconclusive" for b in bars):
            caption = f"Target {target}: no group has enough items to judge yet (amber)."
        else:
            caption = f"Target {target}: every group with enough items meets it; amber bars have too few to judge."
        charts.append(
            TermChart(
                title=f"{metric_label(term.metric)} ({scope}), group by group",
                caption=caption,
                target=term.threshold,
                comparator=term.comparator,
                bars=bars,
                kind=metric_format(term.metric),
            )
        )
    return charts


MAX_BARS = 30
"""Bars a chart draws at most (the tables hold every row)."""


class StackedChart(BaseModel):
    """A stacked bar per row, one part per series, with vertical rules (scorecard points by dimension)."""

    title: str
    caption: str
    rows: list[str]
    series: list[str]
    points: list[list[float]]
    """points[series][row]: the part of the row's bar that series holds."""
    rules: list[float]
    axis_max: float
    axis_title: str


def scorecard_chart(card: ScorecardPayload) -> StackedChart | None:
    """Each complete provider's total out of 100 split by dimension, ranked, with the band floors."""
    complete = [p for p in card.ranked() if p.complete]
    if not complete:
        return None
    providers = complete[:MAX_BARS]
    dims = card.dimensions()
    title = "Points by dimension"
    if len(complete) > MAX_BARS:
        title += f": the first {MAX_BARS} of {len(complete)} ranked providers"
    floors = " and ".join(f"{b:g}" for b in card.band_floors)
    return StackedChart(
        title=title,
        caption=f"Each bar is a provider's total out of 100, split by dimension; the dashed lines at {floors} are "
        "the band boundaries.",
        rows=[p.name for p in providers],
        series=[card.label(d) for d in dims],
        points=[[float(p.dimensions[d].weighted or 0.0) if d in p.dimensions else 0.0 for p in providers]
                for d in dims],
        rules=[float(b) for b in card.band_floors],
        axis_max=100.0,
        axis_title="Weighted points (out of 100)",
    )


class RangeBar(BaseModel):
    """One input of the tornado: the switching total with the input at its low and at its high value."""

    label: str
    at_low: float
    at_high: float
    swing: float


class RangeChart(BaseModel):
    """Bars from a base line to each end, widest first (the switching tornado)."""

    title: str
    caption: str
    base: float
    axis_title: str
    bars: list[RangeBar]


def tornado_chart(sw: SwitchingPayload, limit: int = 10, currency: str = "") -> RangeChart | None:
    """The inputs that move the switching total most, in the table's order, as totals in money."""
    bars = [b for b in sw.tornado_bars(limit) if b.totals() is not None]
    if not bars:
        return None
    base_value = sw.deterministic.get("total")
    ends = [v for b in bars for v in (b.totals() or ())]
    base = float(base_value) if isinstance(base_value, int | float) else sum(ends) / len(ends)
    unit = currency or sw.currency
    return RangeChart(
        title="Which inputs move the switching cost most",
        caption="Each bar spans the total with that input at its low and at its high value, the others at their most "
        f"likely; the black line is the total with every input most likely ({money(base, unit)}).",
        base=base,
        axis_title="Switching total" + (f" ({unit})" if unit else ""),
        bars=[RangeBar(label=input_label(b), at_low=(b.totals() or (base, base))[0],
                       at_high=(b.totals() or (base, base))[1], swing=b.width()) for b in bars],
    )


class ConfusionChart(BaseModel):
    """Gold labels down, delivered across: each cell's count and its share of the gold row."""

    title: str
    caption: str
    labels: list[str]
    counts: list[list[float]]
    shares: list[list[float]]


def confusion_chart(cm: ConfusionMatrix, counts_elsewhere: bool = False) -> ConfusionChart:
    """The confusion matrix as a map, shaded by each gold row's share."""
    shares = [[c / (sum(row) or 1.0) for c in row] for row in cm.matrix]
    caption = ("Read along a row: the gold label's annotations by the label delivered; off-diagonal dark cells are "
               "the confusions to raise." + (" The workbook has the counts." if counts_elsewhere else ""))
    return ConfusionChart(
        title="Confusion matrix as a map (gold down, delivered across)",
        caption=caption,
        labels=[str(x) for x in cm.labels],
        counts=[[float(c) for c in row] for row in cm.matrix],
        shares=shares,
    )
