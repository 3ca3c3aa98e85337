"""The switching part of the report as Sections: cost by area, tornado, stay versus switch, variance, taxonomy."""

from __future__ import annotations

from typing import Any

from governance.reports.model import AREA_LABELS, Section, SwitchingPayload, TaxonomyPayload, TornadoBar
from governance.reports.safe_text import describe
from governance.reports.sections import area_label, humanise
from governance.reports.words import money, month, number, percent, plain_key

VENDOR_LABELS = {"current_vendor": "Current vendor", "new_vendor": "New vendor", "volume": "Volume"}


def switching_breakdown_section(sw: SwitchingPayload) -> Section:
    """Per area: the deterministic cost and the simulated P10, P50 and P90."""
    rows: list[list[Any]] = []
    for key in [*sw.areas(), "total"]:
        pct = sw.percentiles.get(key)
        det = sw.deterministic.get(key)
        if det is None and pct is None:
            continue
        rows.append(
            [
                area_label(key),
                det,
                pct.p10 if pct else None,
                pct.p50 if pct else None,
                pct.p90 if pct else None,
            ]
        )
    money = ["Most likely inputs", "P10", "P50", "P90"]
    return Section(
        title="Switching cost by area",
        note="Most likely inputs: every input at its most likely value. P10, P50, P90: one in ten simulations "
        "costs less, half cost less, nine in ten cost less.",
        columns=["Area", *money],
        rows=rows,
        formats=dict.fromkeys(money, "currency"),
    )


def input_label(bar: TornadoBar) -> str:
    """A tornado input named with its area, e.g. 'Model retraining: runs'."""
    return parameter_label(bar.parameter, bar.label)


def parameter_label(parameter: str, label: str | None = None) -> str:
    """A scenario input key ('retraining.runs') in words with its area ('Model retraining: runs')."""
    area, _, name = parameter.partition(".")
    label = label or plain_key(name or area)
    prefix = AREA_LABELS.get(area) or VENDOR_LABELS.get(area)
    if prefix and not label.startswith(f"{prefix}:"):
        return f"{prefix}: {label}"
    return label


def _amount(value: float | None, unit: str, currency: str = "") -> str:
    """An input value with its unit: '4 runs', '30%' for a share, 'EUR 2,000 per run' for money."""
    if value is None:
        return ""
    if unit == "share":
        return percent(value, 0 if round(value * 100, 6).is_integer() else 1)
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit.startswith("currency") and currency:
        per = unit.partition("/")[2]
        return f"{currency} {shown}" + (f" per {per}" if per else "")
    return f"{shown} {unit}".strip()


def tornado_section(sw: SwitchingPayload) -> Section | None:
    """The inputs ranked by how far the total moves when each swings from low to high.

    The money columns are switching totals (the input's own range is shown as text), in the
    chart's order.
    """
    bars = sw.tornado_bars()
    if not bars:
        return None
    amounts = ["Total at the low value", "Total at the high value", "Swing of the total"]
    rows: list[list[Any]] = []
    for b in bars:
        ends = b.totals() or (None, None)
        low, high = _amount(b.low, b.unit, sw.currency), _amount(b.high, b.unit, sw.currency)
        rows.append([input_label(b), f"{low} to {high}", *ends, b.width()])
    base = sw.deterministic.get("total")
    note = "Each input swung over its range with the others at their most likely value"
    if isinstance(base, int | float):
        note += f"; with every input at its most likely value the total is {money(base, sw.currency)}"
    note += "."
    return Section(
        title="Which inputs move the switching cost most",
        note=note,
        columns=["Input", "Range of the input", *amounts],
        rows=rows,
        formats=dict.fromkeys(amounts, "currency"),
    )


def stay_vs_switch_section(sw: SwitchingPayload) -> Section | None:
    """Stay-versus-switch figures as label/value rows."""
    if not sw.stay_vs_switch:
        return None
    rows = []
    for key, value in sw.stay_vs_switch.items():
        label, kind = STAY_MEASURES.get(key, (humanise(key), "text"))
        if value is None and kind != "month" or value == "":
            continue
        rows.append([label, _stay_value(value, kind, sw.currency)])
    return Section(title="Stay versus switch", columns=["Measure", "Value"], rows=rows)


STAY_MEASURES: dict[str, tuple[str, str]] = {
    "horizon_months": ("Horizon (months)", "count"),
    "current_monthly_fee": ("Current provider, monthly fee for usable labels", "money"),
    "new_monthly_fee": ("New provider, monthly fee for usable labels", "money"),
    "monthly_saving": ("Saving a month", "money"),
    "stay_cost_over_horizon": ("Staying, cost over the horizon", "money"),
    "switch_cost_over_horizon": ("Switching, cost over the horizon (switching cost included)", "money"),
    "break_even_month": ("Break-even, most likely inputs", "month"),
    "break_even_month_p50": ("Break-even, median simulation (P50)", "month"),
    "break_even_month_p90": ("Break-even, cautious (P90)", "month"),
    "break_even_reason": ("Why it does not break even", "text"),
    "probability_switch_cheaper": ("Chance that switching is cheaper within the horizon", "percent"),
    "months_of_current_fees": ("Switching cost in months of current fees", "number"),
    "cost_in_months_of_current_fees": ("Switching cost in months of current fees", "months"),
}
"""Stay-versus-switch keys as labels with how their values read."""


def _stay_value(value: Any, kind: str, currency: str) -> str:
    if kind == "money":
        return money(value, currency)
    if kind == "month":
        return month(value)
    if kind == "percent":
        return percent(value)
    if kind == "count" and isinstance(value, int | float) and float(value).is_integer():
        return number(value, "integer")
    if kind == "months" and isinstance(value, dict):
        names = {"deterministic": "most likely inputs", "p50": "P50", "p90": "P90"}
        return ", ".join(f"{v:.1f} ({names.get(k, k)})" for k, v in value.items() if isinstance(v, int | float))
    if isinstance(value, float):
        return f"{value:,.1f}"
    return describe(value)


def taxonomy_section(tax: TaxonomyPayload) -> Section:
    """Each old class with its kind of mapping, its targets and the items affected."""
    rows: list[list[Any]] = [
        [c.label, humanise(plain_key(c.kind)), ", ".join(c.targets), c.affected] for c in tax.classes
    ]
    rows += [[describe(n), "New (no source)", "", None] for n in tax.new]
    return Section(
        title="Taxonomy mapping",
        note="One-to-one, merge, split, dropped; new classes have no old source.",
        columns=["Old class", "Kind", "New class(es)", "Items affected"],
        rows=rows,
        formats={"Items affected": "integer"},
    )


def variance_sections(sw: SwitchingPayload) -> list[Section]:
    """Each input's share of the total's variance beside the tornado, and the rank correlation
    the simulation imposed (the `sensitivity` and `correlation` parts of the payload)."""
    extra = sw.model_extra or {}
    out: list[Section] = []
    sens = extra.get("sensitivity")
    if isinstance(sens, dict) and sens.get("rows"):
        out.append(Section(
            title="Share of the variance of the total",
            note=sens["method"],
            columns=["Input", "Contribution to variance", "First-order index", "Rank correlation"],
            rows=[[parameter_label(r["parameter"]), r["contribution"], r["first_order"], r["rank_correlation"]]
                  for r in sens["rows"]],
            formats={"Contribution to variance": "percent", "First-order index": "decimal",
                     "Rank correlation": "decimal"}))
    corr = extra.get("correlation")
    if isinstance(corr, dict):
        inputs = corr["inputs"]
        numbers = [f"({i + 1})" for i in range(len(inputs))]
        rows = [
            [f"{n} {parameter_label(name)}", *row] for n, name, row in zip(numbers, inputs, corr["used"], strict=True)
        ]
        out.append(Section(
            title="Rank correlation between inputs", note=corr["note"],
            columns=["Input", *numbers], rows=rows, formats=dict.fromkeys(numbers, "decimal")))
    return out
