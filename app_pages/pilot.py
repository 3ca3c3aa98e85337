"""Pilot page: shortlisted providers' pilot deliveries side by side on the same items and gold items
(`governance.quality.vendors.pilot`), the same tables `annogov pilot` prints, and accuracy per
category with intervals."""

from __future__ import annotations

import json
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from annogov.services.uploads import read_upload
from app_pages import ui
from governance.quality.reading.delivery import open_delivery
from governance.quality.reading.delivery_counts import count_delivery
from governance.quality.vendors.goldset import load_gold_set
from governance.quality.vendors.pilot import PilotProvider, PilotSpec, compare, load_pilot_spec, run_pilot
from governance.quality.vendors.pilot_results import PilotReport
from governance.quality.vendors.pilot_view import pilot_tables

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "pilot"

store = ui.get_store()
program = ui.require_program(store)
st.title("Pilot")
st.caption(
    "Two or more shortlisted providers label the same items, including the same gold items. Which differences "
    "are real is decided per category by an exact McNemar test on the shared gold items (Holm-adjusted)."
)

report: PilotReport | None = None
if st.button("Show the example pilot (three providers)", key="pilot_example_button"):
    st.session_state["pilot_example"] = True
with st.expander("Compare your own pilot files"), st.form("pilot_form"):
    labels_text = st.text_input("Label set (comma-separated, in order)", key="pilot_labels")
    gold_file = st.file_uploader("Gold set (item_id, category, gold_label)", type=["csv", "xlsx"], key="pilot_gold")
    files = st.file_uploader(
        "Pilot deliveries, one per provider (the file name is the provider)",
        type=["csv", "xlsx", "jsonl", "parquet"],
        accept_multiple_files=True,
        key="pilot_files",
        help=ui.upload_limit_help(),
    )
    price = st.number_input(
        "Price per label (same for all; edit per provider in the spec for the CLI)", 0.0, value=0.05
    )
    run = st.form_submit_button("Compare")
if run:
    labels = [v.strip() for v in labels_text.split(",") if v.strip()]
    if len(labels) < 2 or gold_file is None or len(files or []) < 2:
        st.warning("A pilot needs a label set of two or more labels, a gold set and at least two deliveries.")
    else:
        st.session_state.pop("pilot_example", None)
        gold_up = read_upload(gold_file)
        gold = load_gold_set(gold_up.name, labels, data=gold_up.data, name=Path(gold_up.name).stem)
        providers = [PilotProvider(name=Path(f.name).stem, delivery=f.name, price_per_label=price) for f in files]
        spec = PilotSpec(label_set=labels, gold=gold_file.name, providers=providers)
        counts = {}
        for p, f in zip(providers, files, strict=True):
            up = read_upload(f)
            counts[p.name] = count_delivery(open_delivery(up.name, data=up.data), labels)
        report = compare(spec, gold, counts, file="uploaded pilot")
if report is None and st.session_state.get("pilot_example"):
    report = run_pilot(load_pilot_spec(EXAMPLE / "pilot.yaml"), base_dir=EXAMPLE, file="pilot.yaml")

if report is not None:
    st.subheader(report.name)
    st.caption(
        f"{len(report.providers)} providers · {report.shared_items} shared items · "
        f"{report.shared_gold_items} shared gold items (gold set {report.gold_set} v{report.gold_version})"
    )
    chart_rows = [
        {
            "provider": p.name,
            "category": c.category,
            "accuracy": c.accuracy.value,
            "low": (c.accuracy.ci or (None, None))[0],
            "high": (c.accuracy.ci or (None, None))[1],
        }
        for p in report.providers
        for c in p.per_category
    ]
    frame = pd.DataFrame(chart_rows)
    base = alt.Chart(frame).encode(
        y=alt.Y("category:N", title=None), yOffset="provider:N", color=alt.Color("provider:N", title="Provider")
    )
    st.altair_chart(
        base.mark_rule().encode(
            x=alt.X("low:Q", title="Accuracy on shared gold (95% Wilson)", scale=alt.Scale(zero=False)), x2="high:Q"
        )
        + base.mark_point(filled=True).encode(
            x="accuracy:Q", tooltip=["provider", "category", "accuracy", "low", "high"]
        ),
        width="stretch",
    )
    for title, headers, rows in pilot_tables(report):
        st.markdown(f"**{title}**")
        st.dataframe(pd.DataFrame(rows, columns=headers), hide_index=True, width="stretch")
    with st.expander("Rules behind these numbers"):
        for key, rule in report.rules.items():
            st.markdown(f"- **{key}**: {ui.md(rule)}")
    st.download_button(
        "Pilot as JSON",
        data=json.dumps(report.to_payload(), indent=1),
        file_name="pilot.json",
        mime="application/json",
    )
