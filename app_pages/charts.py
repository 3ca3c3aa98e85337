"""The app's Altair charts, each drawn from the same spec as the PDF's (`governance.reports.chart_data`),
so a chart shows the same numbers with the same title and caption in both."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import ui
from governance.reports.chart_data import (
    SERIES_COLOURS,
    STATUS_COLOURS,
    STATUS_ORDER,
    ConfusionChart,
    RangeChart,
    StackedChart,
    TermChart,
)


def stacked_frame(spec: StackedChart) -> pd.DataFrame:
    """One row per (row, series) part of a stacked chart, in the spec's order."""
    return pd.DataFrame(
        [
            {"row": row, "series": name, "points": spec.points[s][r], "order": r, "stack": s}
            for s, name in enumerate(spec.series)
            for r, row in enumerate(spec.rows)
        ]
    )


def stacked_chart(spec: StackedChart) -> alt.LayerChart:
    """Stacked bars per row with the spec's rules dashed (the scorecard's points by dimension)."""
    bars = (
        alt.Chart(stacked_frame(spec))
        .mark_bar()
        .encode(
            x=alt.X("sum(points):Q", title=spec.axis_title, scale=alt.Scale(domain=[0, spec.axis_max])),
            y=alt.Y("row:N", sort=spec.rows, title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color("series:N", sort=spec.series, legend=alt.Legend(orient="bottom", title=None),
                            scale=alt.Scale(domain=spec.series, range=[SERIES_COLOURS[i % len(SERIES_COLOURS)]
                                                                       for i in range(len(spec.series))])),
            order=alt.Order("stack:Q"),
            tooltip=[alt.Tooltip("row:N", title="Provider"), alt.Tooltip("series:N", title="Dimension"),
                     alt.Tooltip("points:Q", format=".2f")],
        )
    )
    rules = alt.Chart(pd.DataFrame({"x": spec.rules})).mark_rule(strokeDash=[4, 4], color="#c62828").encode(x="x:Q")
    return alt.layer(bars, rules)


RANGE_SIDES = ("input at its low value", "input at its high value")


def range_frame(spec: RangeChart) -> pd.DataFrame:
    """Two rows per bar, widest first: from the base line to the total with the input at its low,
    and at its high value (as the PDF draws them)."""
    return pd.DataFrame(
        [{"label": b.label, "side": side, "from": spec.base, "total": end, "swing": b.swing, "rank": i}
         for i, b in enumerate(spec.bars) for side, end in zip(RANGE_SIDES, (b.at_low, b.at_high), strict=True)]
    )


def range_chart(spec: RangeChart) -> alt.LayerChart:
    """Bars from the base line to each end, in the PDF's colours (the switching tornado)."""
    colours = alt.Scale(domain=list(RANGE_SIDES), range=[SERIES_COLOURS[2], SERIES_COLOURS[3]])
    chart = alt.Chart(range_frame(spec)).mark_bar().encode(
        y=alt.Y("label:N", sort=alt.EncodingSortField("rank", order="ascending"), title=None,
                axis=alt.Axis(labelLimit=280)),
        x=alt.X("from:Q", title=spec.axis_title, scale=alt.Scale(zero=False)),
        x2="total:Q",
        color=alt.Color("side:N", scale=colours, legend=alt.Legend(orient="bottom", direction="vertical", title=None)),
        tooltip=["label", "side", alt.Tooltip("total:Q", format=",.0f"), alt.Tooltip("swing:Q", format=",.0f")],
    )
    base = alt.Chart(pd.DataFrame({"base": [spec.base]})).mark_rule(color="black").encode(x="base:Q")
    return alt.layer(chart, base)


def term_frame(spec: TermChart) -> pd.DataFrame:
    """One row per group with a measured value."""
    return pd.DataFrame([b.model_dump() for b in spec.bars if b.value is not None])


def term_chart(spec: TermChart) -> alt.LayerChart:
    """One SLA term group by group: bars coloured by their own status, the target as a rule."""
    frame = term_frame(spec)
    colours = alt.Scale(domain=list(STATUS_ORDER), range=[STATUS_COLOURS[s] for s in STATUS_ORDER])
    shown = {"percent": ".1%", "integer": ",.0f"}.get(spec.kind, ".3f")
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("value:Q", title=None, axis=alt.Axis(format=".0%") if spec.kind == "percent" else alt.Axis()),
        y=alt.Y("group:N", title=None, sort=None, axis=alt.Axis(labelLimit=240)),
        color=alt.Color("status:N", scale=colours, title="Status"),
        tooltip=["group", alt.Tooltip("value:Q", format=shown), "n", "status"],
    )
    layers: list[Any] = [bars]
    if spec.target is not None:
        target = pd.DataFrame({"target": [spec.target]})
        layers.append(alt.Chart(target).mark_rule(color="black", strokeDash=[4, 3]).encode(x="target:Q"))
    return alt.layer(*layers).properties(height=max(60, 26 * len(frame)))


def confusion_frame(spec: ConfusionChart) -> pd.DataFrame:
    """One row per (gold, delivered) cell with its count and its share of the gold row."""
    return pd.DataFrame(
        [{"gold": g, "delivered": d, "count": spec.counts[i][j], "share": spec.shares[i][j]}
         for i, g in enumerate(spec.labels) for j, d in enumerate(spec.labels)]
    )


def confusion_chart(spec: ConfusionChart) -> alt.LayerChart:
    """Gold down, delivered across, shaded by each gold row's share; every label shown, counts
    written while the cells are large enough (readable at 30 classes)."""
    n = len(spec.labels)
    cell = 28 if n <= 12 else 22
    base = alt.Chart(confusion_frame(spec)).encode(
        x=alt.X("delivered:N", sort=spec.labels, title="Delivered label",
                axis=alt.Axis(labelAngle=-60, labelLimit=200, labelOverlap=False)),
        y=alt.Y("gold:N", sort=spec.labels, title="Gold label", axis=alt.Axis(labelLimit=200, labelOverlap=False)),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("share:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), title="Share of the row"),
        tooltip=["gold", "delivered", "count", alt.Tooltip("share:Q", format=".0%")],
    )
    layers: list[Any] = [heat]
    if n <= 20:
        layers.append(base.mark_text(fontSize=11 if n <= 12 else 9).encode(
            text=alt.condition("datum.count > 0", "count:Q", alt.value("")),
            color=alt.condition("datum.share > 0.6", alt.value("white"), alt.value("black"))))
    return alt.layer(*layers).properties(width=cell * n, height=cell * n)


def show(spec: StackedChart | RangeChart | TermChart | ConfusionChart, *, heading: bool = True,
         stretch: bool = True) -> None:
    """A chart with the spec's title as its heading and its one-line caption under it, as in the PDF."""
    draw = {StackedChart: stacked_chart, RangeChart: range_chart, TermChart: term_chart,
            ConfusionChart: confusion_chart}[type(spec)]
    if heading:
        st.markdown(f"**{ui.md(spec.title)}**")
    st.altair_chart(draw(spec), width="stretch" if stretch else "content")  # type: ignore[operator]
    st.caption(spec.caption)
