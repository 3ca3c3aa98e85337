"""Weekly reflection: an annotator looks back over a selection of their own tasks of the week.
Optional, private to its author, never scored or ranked."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from annogov.store import ChannelRepository, utcnow
from app_pages import identity, ui
from governance.channel import reflection as rf
from governance.channel.weeks import iso_week
from governance.roles import Permission, can

store = ui.get_store()
program = ui.require_program(store)
user = identity.user_for_page()
if not can(user, Permission.WRITE_REFLECTION):
    st.info("The weekly reflection is for annotators.")
    st.stop()

st.title("Weekly reflection")
st.caption(
    "A few minutes at the end of the week: which of your tasks were hardest, and what should "
    "the engineers know? This is optional, only you can read it, and it is never scored or "
    "used to compare people. Only an insight you choose to share reaches the engineers."
)
ui.show_flash()

today = utcnow()
weeks = [iso_week(today - timedelta(weeks=i)) for i in range(6)]
week = st.selectbox("Week", weeks, index=1)
with store.transaction() as s:
    repo = ChannelRepository(s)
    existing = repo.my_reflection_for(user, program.name, week)
    my_entries = repo.list_entries(user, program.name, today)

uploaded = st.file_uploader(
    "Delivered labels of the week (CSV or Excel)", type=["csv", "xlsx"], key="reflection_delivered",
    help="Columns task_id, annotator_id, label, and week or submitted_at; optional category "
         "and gold_label. Only your own rows are used. " + ui.upload_limit_help())
delivered = ui.parse_upload(uploaded, lambda data, name: rf.read_delivered(name, data))

if existing is not None:
    picks_ids = list(existing.shown_task_ids)
    st.success(f"You reflected on {week} (last edited {existing.updated_at:%Y-%m-%d %H:%M} UTC). "
               "You can still change it.")
    picks: list[rf.TaskPick] = []
elif delivered is None:
    st.info("Upload the week's delivered labels to see a selection of your tasks.")
    st.stop()
else:
    picks = rf.select_week_tasks(user, delivered, week, entries=my_entries, source=uploaded.name)
    if not picks:
        st.info(f"No tasks of yours ({ui._md(user.data_id)}) in {week} in this file.")
        st.stop()
    picks_ids = [p.task_id for p in picks]
    st.dataframe(pd.DataFrame([{
        "Task": p.task_id, "Category": p.category or "", "Your label": p.label,
        "Gold": p.gold_label or "", "Others chose": ", ".join(
            f"{label} ({n})" for label, n in p.other_labels.items()),
        "Why shown": ", ".join(r.value.replace("_", " ") for r in p.reasons),
        "Your flags": len(p.entry_ids),
    } for p in picks]), hide_index=True, width="stretch")

with st.form("reflection"):
    hardest = st.multiselect("Most challenging", picks_ids,
                             default=list(existing.most_challenging) if existing else [])
    tags = st.text_input("Tags (comma-separated)",
                         value=", ".join(existing.tags) if existing else "", max_chars=300)
    comment = st.text_area("Comment (only you see this)",
                           value=existing.comment if existing else "", max_chars=10_000)
    insight = st.text_area("Insight for the engineers (optional)",
                           value=(existing.insight or "") if existing else "", max_chars=10_000)
    share = st.checkbox("Share this insight with the engineers",
                        value=existing.share_insight if existing else False)
    if st.form_submit_button("Save reflection", type="primary"):
        now = utcnow()
        if existing is not None:
            note = rf.edit_reflection(existing, user, now, most_challenging=hardest,
                                      tags=tags.split(","), comment=comment, insight=insight,
                                      share_insight=share)
        else:
            note = rf.write_reflection(user, week, picks, now, most_challenging=hardest,
                                       tags=tags.split(","), comment=comment, insight=insight,
                                       share_insight=share)
        with store.transaction() as s:
            ChannelRepository(s).save_reflection(user, program.name, note)
        ui.flash(f"Reflection for {week} saved.")
        st.rerun()

with store.transaction() as s:
    mine = ChannelRepository(s).my_reflections(user, program.name)
if mine:
    st.subheader("Your earlier reflections")
    for note in mine:
        label = ui._md(", ".join(note.most_challenging)) or "no task marked"
        with st.expander(f"{note.week}: {label}"):
            st.markdown(ui._md(note.comment or "(no comment)"))
            if note.insight:
                st.caption(("Shared insight: " if note.share_insight else "Private note: ")
                           + ui._md(note.insight))
