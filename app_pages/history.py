"""Vendor history page: a provider's accuracy, kappa, defect rate and on-time share over its stored
deliveries, by category, annotator (codes; real ids on request where `roles.ANNOTATOR_IDS` allows) or guideline
version, with significant drops flagged; recording a delivery and versioning the gold set."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from annogov.services.uploads import read_upload
from annogov.store import measured as repo
from app_pages import identity, ui
from governance.quality.reading.delivery import open_delivery
from governance.quality.reading.delivery_counts import count_delivery
from governance.quality.vendors.goldset import coverage, load_gold_set, with_gold
from governance.quality.vendors.history import history_rows, measure_delivery, measured_suggestions, provider_history
from governance.quality.vendors.prelabel import marked_prelabel
from governance.roles import Permission, can, may_see_annotator_ids

store = ui.get_store()
program = ui.require_program(store)
user = identity.user_for_page()
if not can(user, Permission.VIEW_INSIGHTS):
    st.info("Vendor history is for reviewers, engineers and program managers.")
    st.stop()

st.title("Vendor history")
providers = [p.name for p in store.list_providers(program.id)]
c1, c2, c3 = st.columns([2, 2, 1])
chosen = c1.selectbox("Provider", ["(all)", *providers], key="history_provider")
by = c2.radio("Breakdown", ["overall", "category", "annotator", "guideline_version"], horizontal=True, key="history_by")
reveal = c3.checkbox("Real annotator ids", key="history_reveal", disabled=not may_see_annotator_ids(user))
deliveries = repo.list_deliveries(store, user, program.id, reveal=reveal and may_see_annotator_ids(user))
shown = [d for d in deliveries if chosen == "(all)" or d.provider == chosen]
history = provider_history(shown, by=by)  # type: ignore[arg-type]
if not shown:
    st.caption("No stored deliveries yet: record one below (or with `annogov history add`).")
else:
    headers, rows = history_rows(history)
    frame = pd.DataFrame(rows, columns=headers)
    points = pd.DataFrame(
        [
            {"delivery": f"{p.delivered_on} {p.delivery}", "scope": f"{p.provider} / {p.scope}", "accuracy": p.accuracy}
            for p in history.points
            if p.accuracy is not None
        ]
    )
    if not points.empty:
        st.altair_chart(
            alt.Chart(points)
            .mark_line(point=True)
            .encode(
                x=alt.X("delivery:N", title=None, sort=None),
                y=alt.Y("accuracy:Q", title="Accuracy on gold", scale=alt.Scale(zero=False)),
                color=alt.Color("scope:N", title=None),
            ),
            width="stretch",
        )
    st.dataframe(frame, hide_index=True, width="stretch")
    if history.flagged:
        st.warning("Significant drops:\n\n" + "\n".join(f"- {ui.md(f)}" for f in history.flagged))
    else:
        st.caption("No significant drop between consecutive deliveries.")
    st.caption(history.method)
    st.markdown("**Suggested scores from each provider's latest delivery** (set beside yours on the scorecard page)")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Provider": name,
                    "Dimension": dimension,
                    "Suggested": sug.score,
                    "Source delivery": sug.source,
                    "Because": "; ".join(part.reason for part in sug.parts),
                }
                for name, by_dimension in measured_suggestions(shown).items()
                for dimension, sug in by_dimension.items()
            ]
        ),
        hide_index=True,
        width="stretch",
    )

if can(user, Permission.EDIT_GUIDELINES):
    names = sorted({name for name, *_ in repo.gold_set_versions(store, user, program.id)})
    with st.expander("Record a delivery"), st.form("history_add", clear_on_submit=False):
        provider = st.selectbox("Provider", providers, key="history_add_provider")
        version = st.text_input("Guideline version", key="history_add_version")
        delivered = st.date_input("Delivered on", value=date.today(), key="history_add_date")
        gold_name = st.selectbox("Measure against gold set", ["(the delivery's gold_label column)", *names])
        upload = st.file_uploader("Delivery", type=["csv", "xlsx", "jsonl", "parquet"], help=ui.upload_limit_help())
        if st.form_submit_button("Measure and store") and upload is not None and provider:
            up = read_upload(upload)
            gold = repo.gold_set(store, user, program.id, gold_name) if gold_name in names else None
            source = open_delivery(up.name, data=up.data)
            counts = count_delivery(with_gold(source, gold) if gold else source, gold.label_set if gold else None)
            saved = repo.record_delivery(
                store,
                user,
                program.id,
                provider,
                measure_delivery(counts, gold=gold, prelabel=marked_prelabel(source, gold)),
                delivered_on=delivered,
                guideline_version=version,
            )
            ui.flash(f"Stored {saved.label} for {saved.provider}.")
            st.rerun()
    with st.expander("Gold set"), st.form("gold_add"):
        name = st.text_input("Name", value=names[0] if names else "Gold set")
        labels = st.text_input("Label set (comma-separated)")
        note = st.text_input("Why this version")
        gold_up = st.file_uploader(
            "Gold set file (item_id, category, gold_label[, qualification])", type=["csv", "xlsx"]
        )
        if st.form_submit_button("Store as a new version") and gold_up is not None:
            up = read_upload(gold_up)
            label_set = [v.strip() for v in labels.split(",") if v.strip()]
            saved_gold = repo.save_gold_set(
                store,
                user,
                program.id,
                load_gold_set(up.name, label_set, data=up.data, name=name or Path(up.name).stem),
                note,
            )
            ui.flash(f"Stored {saved_gold.name} version {saved_gold.version}.")
            st.rerun()
    if names:
        minimum = int(st.number_input("Gold items each category needs", 1, value=30, key="gold_minimum"))
    for gname in names:
        g = repo.gold_set(store, user, program.id, gname)
        if g is not None:
            st.markdown(f"**{ui.md(g.name)}** v{g.version}: {len(g.items)} items")
            st.dataframe(pd.DataFrame([r.model_dump() for r in coverage(g, minimum)]), hide_index=True)
