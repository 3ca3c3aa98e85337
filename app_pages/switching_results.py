"""Switching cost page, results: the simulation (cached) and its bands, distribution, tornado and stay versus switch."""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app_pages import charts, decision
from governance.reports import chart_data
from governance.reports.model import SwitchingPayload
from migration import (
    scenario_from_dict,
)
from migration.scenario import AREAS
from migration.switching import switching_cost_and_totals

AREA_TITLES = {
    "taxonomy_migration": "Taxonomy migration",
    "reannotation": "Re-annotation rework",
    "retraining": "Model retraining",
    "sla_gap": "SLA gap",
    "knowledge_loss": "Knowledge loss",
    "total": "Total",
}


# results -----------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=16)
def _run(scenario_json: str, items: int | None, simulations: int,
         seed: int | None) -> tuple[dict[str, Any], np.ndarray]:
    """The payload and the simulated totals its bands were taken from (one simulation)."""
    scenario = scenario_from_dict(json.loads(scenario_json), "working scenario")
    result, totals = switching_cost_and_totals(scenario, simulations=simulations, seed=seed,
                                               reannotation_items=items)
    return result.to_payload(), totals


@st.cache_data(show_spinner=False, max_entries=16)
def _histogram(totals: np.ndarray, bins: int = 50) -> pd.DataFrame:
    """The simulated totals binned here: the browser gets 50 rows, not every simulation."""
    counts, edges = np.histogram(totals, bins=bins)
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "count": counts})


def _money(x: float | None, currency: str) -> str:
    return "n/a" if x is None else f"{currency} {x:,.0f}"


def _months(x: float | None) -> str:
    return "never within the horizon" if x is None else f"month {x:.1f}"


def _results(payload: dict[str, Any], totals: np.ndarray) -> None:
    cur = payload["currency"]
    pct, det = payload["percentiles"], payload["deterministic"]
    cols = st.columns(4)
    cols[0].metric("Total P10", _money(pct["total"]["p10"], cur))
    cols[1].metric("Total P50", _money(pct["total"]["p50"], cur))
    cols[2].metric("Total P90", _money(pct["total"]["p90"], cur))
    cols[3].metric("At the most likely inputs", _money(det["total"], cur))
    st.caption(f"{payload['simulations']:,} simulations, seed {payload['seed']}; items to "
               f"re-annotate from the {payload['reannotation_items_from']}.")

    st.subheader("Cost per area")
    st.dataframe(pd.DataFrame([{
        "Area": AREA_TITLES[k], "Most likely inputs": det[k], "P10": pct[k]["p10"],
        "P50": pct[k]["p50"], "P90": pct[k]["p90"]} for k in (*AREAS, "total")]),
        hide_index=True, width="stretch", key="sw_areas",
        column_config={c: st.column_config.NumberColumn(c, format="%,.0f")
                       for c in ("Most likely inputs", "P10", "P50", "P90")})

    left, right = st.columns(2)
    with left:
        st.subheader("Distribution of the total")
        frame = _histogram(totals)
        marks = pd.DataFrame({"value": [pct["total"][q] for q in ("p10", "p50", "p90")],
                              "band": ["P10", "P50", "P90"]})
        hist = alt.Chart(frame).mark_bar(opacity=0.8).encode(
            x=alt.X("start:Q", title=f"Switching cost ({cur})"), x2="end:Q",
            y=alt.Y("count:Q", title="Simulations"),
            tooltip=[alt.Tooltip("start:Q", format=",.0f"), alt.Tooltip("end:Q", format=",.0f"), "count:Q"])
        rules = alt.Chart(marks).mark_rule(color="#d62728", strokeDash=[4, 3]).encode(
            x="value:Q", tooltip=["band", alt.Tooltip("value:Q", format=",.0f")])
        st.altair_chart(hist + rules, width="stretch")
        st.caption("How often each total came up in the simulations; the dashed lines are P10, P50 and P90.")
    with right:
        spec = chart_data.tornado_chart(SwitchingPayload.model_validate(payload), currency=cur)
        if spec is None:
            st.subheader("Which inputs move the switching cost most")
            st.info("Every input is a point: nothing to rank.")
        else:
            st.subheader(spec.title)
            charts.show(spec, heading=False)
    decision.variance_panel(payload)

    st.subheader("Stay or switch")
    sv = payload["stay_vs_switch"]
    cols = st.columns(4)
    cols[0].metric("Break-even (P50)", _months(sv["break_even_month_p50"]))
    cols[1].metric("Break-even (P90, cautious)", _months(sv["break_even_month_p90"]))
    cols[2].metric("Chance switching is cheaper", f"{sv['probability_switch_cheaper']:.0%}",
                   help=f"Within the {sv['horizon_months']:g}-month horizon")
    months = sv["cost_in_months_of_current_fees"]
    cols[3].metric("Cost in months of current fees",
                   "n/a" if months.get("p50") is None else f"{months['p50']:.1f} (P50)",
                   help="P90: " + ("n/a" if months.get("p90") is None
                                   else f"{months['p90']:.1f}"))
    if sv.get("break_even_reason"):
        st.warning(sv["break_even_reason"], icon=":material/info:")
    st.write(
        f"Current vendor {_money(sv['current_monthly_fee'], cur)} a month, new vendor "
        f"{_money(sv['new_monthly_fee'], cur)} (most likely): a saving of "
        f"{_money(sv['monthly_saving'], cur)} a month. Over {sv['horizon_months']:g} months, "
        f"staying costs {_money(sv['stay_cost_over_horizon'], cur)} and switching "
        f"{_money(sv['switch_cost_over_horizon'], cur)} including the switching cost.")
    st.caption(f"Current fee, {sv['current_fee_basis']}. New fee, {sv['new_fee_basis']}.")

    with st.expander("Deterministic breakdown and per-label figures"):
        d = payload["derived"]
        st.dataframe(pd.DataFrame([
            {"Figure": "New vendor, cost per usable label", "Value": d["new_cost_per_usable_label"]},
            {"Figure": "Current vendor, cost per usable label",
             "Value": d["current_cost_per_usable_label"]},
            {"Figure": "New vendor with fixed program cost, normal weeks",
             "Value": d["normal_price_per_label_with_fixed_cost"]},
            {"Figure": "New vendor with fixed program cost, during the gap",
             "Value": d["gap_price_per_label_with_fixed_cost"]},
        ]), hide_index=True, width="stretch", key="sw_derived",
            column_config={"Value": st.column_config.NumberColumn(format="%.4f")})
        if d.get("gap_price_reason"):
            st.caption(d["gap_price_reason"])
        curve = pd.DataFrame(d["recovery_curve"])
        st.altair_chart(alt.Chart(curve).mark_line(point=True).encode(
            x=alt.X("week:Q", title="Week after the switch"),
            y=alt.Y("agreement:Q", title="Agreement", scale=alt.Scale(zero=False))),
            width="stretch")
