"""Program page: create or pick the procurement program everything else belongs to."""

import streamlit as st

from app_pages import ui
from governance.roles import Permission

store = ui.get_store()
st.title("Program")
st.caption(
    "A program is one procurement effort: its providers, rubric, evaluations, scenarios, "
    "SLA terms and check results are kept together and shared by everyone who opens the app."
)
ui.show_flash()

programs = store.list_programs()
current = ui.current_program(store)

if programs:
    ids = [p.id for p in programs]
    names = {p.id: p.name + ("  (demo)" if p.is_demo else "") for p in programs}
    # The picker mirrors the tab's current program; a pick updates it before the script reruns.
    st.session_state["program_pick"] = current.id if current is not None else ids[0]
    st.selectbox(
        "Current program",
        ids,
        format_func=lambda pid: names[pid],
        key="program_pick",
        on_change=lambda: ui.set_program(int(st.session_state["program_pick"])),
    )
    current = store.get_program(int(st.session_state["program_pick"]))
    ui.set_program(current.id)
    if current.description:
        st.write(current.description)
    providers = store.list_providers(current.id)
    evaluations = store.list_evaluations(current.id)
    cols = st.columns(3)
    cols[0].metric("Providers", len(providers))
    cols[1].metric("Evaluators", len({e.evaluator for e in evaluations}))
    cols[2].metric("Scores entered", sum(e.score is not None for e in evaluations))
    if providers:
        st.dataframe(
            [{"Provider": p.name, "Notes": p.notes} for p in providers],
            hide_index=True,
            width="stretch",
        )
else:
    st.info("No programs yet: a program manager creates the first one here.")

if not ui.may(Permission.MANAGE_PROGRAMS):
    st.stop()  # creating programs is for program managers; the store refuses it anyway
with st.form("new_program", clear_on_submit=True):
    st.subheader("Create a program")
    name = st.text_input("Name", max_chars=200, placeholder="e.g. Retail search relevance 2027")
    description = st.text_area("Description (optional)", max_chars=2000)
    if st.form_submit_button("Create program", type="primary"):
        created = store.create_program(name, description)
        ui.set_program(created.id)
        ui.flash(f"Program {created.name!r} created and selected.")
        st.rerun()
