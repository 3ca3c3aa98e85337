"""Reports page: the steering-committee PDF and the live Excel workbook for the current program,
with the parts they will hold and where to produce the missing ones."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from annogov.services.reporting import DEFAULT_TITLE, program_report
from app_pages import identity, ui
from governance.reports.decision import decision
from governance.roles import may_see_annotator_ids

store = ui.get_store()
program = ui.require_program(store)
st.title("Reports")
st.caption(
    "A PDF for the steering committee and an Excel workbook procurement can keep working in "
    "(change a weight and the totals and bands follow). Both hold whatever this program has saved."
)

st.markdown(f"**Program:** {ui.md(program.name)}")
c = st.columns([3, 1])
title = c[0].text_input("Title", value=DEFAULT_TITLE, max_chars=200, key="reports_title")
created = c[1].date_input("Report date", value=dt.date.today(), key="reports_date", format="YYYY-MM-DD")
if not isinstance(created, dt.date):
    st.error("Choose one report date.", icon=":material/error:")
    st.stop()
assert isinstance(created, dt.date)

names = False
if may_see_annotator_ids(identity.acting_user()):
    names = st.checkbox(
        "Print annotator ids (default: pseudonymous codes A01, A02...)",
        value=False,
        key="reports_annotator_names",
        help="Steering committees rarely need to know which worker is which; share ids only with "
        "people whose work needs them.",
    )
with st.spinner("Gathering the saved results..."):
    assembled = program_report(
        store, program, created=created, title=title.strip() or DEFAULT_TITLE, annotator_names=names
    )

rows = [
    {
        "Part": part.title,
        "In the report": "yes" if part.present else "missing",
        "Source": part.detail if part.present else "",
        "How to add it": "" if part.present else f"{part.hint} ({part.detail})",
    }
    for part in assembled.parts
]
st.dataframe(rows, hide_index=True, width="stretch")
if assembled.report is None:
    st.info("Nothing to report yet: save at least one of the parts above, then come back here.")
else:
    ui.report_downloads(store, program, key="reports_page", title=title, created=created, report=assembled.report)
    st.subheader("The decision, as the report's first page states it")
    for block in decision(assembled.report):
        st.markdown(f"**{ui.md(block.heading)}**")
        st.markdown("\n".join(f"- {ui.md(sentence)}" for sentence in block.sentences))
