"""Channel insights for reviewers, engineers and managers: recurring tags, tasks several people
flagged, flags that coincide with falling agreement or accuracy, questions blocking work."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from annogov.store import ChannelRepository, utcnow
from app_pages import identity, ui
from governance.channel import insights as ins
from governance.roles import Permission, can

store = ui.get_store()
program = ui.require_program(store)
user = identity.user_for_page()
if not can(user, Permission.VIEW_INSIGHTS):
    st.info("Channel insights are for reviewers, engineers and program managers.")
    st.stop()

st.title("Channel insights")
st.caption(
    "What the people closest to the data keep running into. Reflections contribute only the "
    "insights their authors chose to share; nothing here ranks or scores annotators."
)
with st.expander("Join with weekly quality metrics (optional)"):
    uploaded = st.file_uploader(
        "Metrics table (CSV or Excel: category, week, metric, value)", type=["csv", "xlsx"],
        help="For example per-category Krippendorff's alpha or gold accuracy per ISO week. "
             + ui.upload_limit_help())
    c1, c2 = st.columns(2)
    min_drop = c1.number_input("A fall of at least", min_value=0.0, max_value=1.0, value=ins.DEFAULT_MIN_DROP,
                               step=0.01, help="from the week before counts as a drop")
    threshold = c2.number_input("Or a value under (0 = off)", min_value=0.0, max_value=1.0,
                                value=0.0, step=0.01)
metrics = ui.parse_upload(uploaded, lambda data, name: ins.read_metrics(name, data))
thresholds = ({m: threshold for m in metrics["metric"].dropna().unique()}
              if metrics is not None and threshold > 0 else None)
now = utcnow()
with store.transaction() as s:
    found = ChannelRepository(s).engineer_insights(user, program.name, now, metrics,
                                                   thresholds=thresholds, min_drop=min_drop)

st.subheader("Questions blocking work, oldest first")
if found.blocking_questions:
    st.dataframe(pd.DataFrame([{
        "Age (days)": q.age_days, "Task": q.task_id, "Waiting for": q.waiting_for,
        "Tags": ", ".join(q.tags), "Replies": q.replies,
        "Question": " ".join(q.description.split())[:100],
    } for q in found.blocking_questions]), hide_index=True, width="stretch")
else:
    st.caption("No task is held back.")

if metrics is not None:
    st.subheader("Flags that coincide with low or falling metrics")
    if found.metric_coincidences:
        st.dataframe(pd.DataFrame([{
            "Week": c.week, "Category": c.category or "(all)", "Metric": c.metric,
            "Value": c.value, "Drop": c.drop, "Flags": c.flags, "People": c.people,
            "Tags": ", ".join(c.tags), "Why": "; ".join(c.reasons),
        } for c in found.metric_coincidences]), hide_index=True, width="stretch")
    else:
        st.caption("No flag falls in a week and category where a metric was low or fell.")

st.subheader("Tags used by several people")
st.dataframe(pd.DataFrame([{
    "Tag": t.tag, "People": t.people, "Flags": t.flags, "Shared insights": t.shared_insights,
    "Categories": ", ".join(t.categories),
} for t in found.recurring_tags], columns=["Tag", "People", "Flags", "Shared insights",
                                            "Categories"]), hide_index=True, width="stretch")

st.subheader("Tasks flagged by several people")
st.dataframe(pd.DataFrame([{
    "Task": c.task_id, "People": c.people, "Open": c.open_entries, "Tags": ", ".join(c.tags),
    "First flagged": c.first_flagged.strftime("%Y-%m-%d"),
} for c in found.tasks_flagged_by_several], columns=["Task", "People", "Open", "Tags",
                                                      "First flagged"]),
             hide_index=True, width="stretch")

st.subheader("Insights shared from weekly reflections")
if not found.shared_insights:
    st.caption("None shared yet.")
for shared in found.shared_insights:
    st.markdown(f"**{ui._md(shared.author_name)}**, {shared.week}: {ui._md(shared.insight)}")
