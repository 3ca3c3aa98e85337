"""People and roles in the annotators' channel, and the program's tag vocabulary (program managers).

The role decides what each person may see and do; with st.login configured, a person's login
e-mail must be listed here before they can use the channel."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from annogov.store.channel import ChannelRepository
from annogov.store.models import utcnow
from app_pages import identity, ui
from governance.calibration import TagVocabulary
from governance.roles import Permission, Role, User, can

store = ui.get_store()
program = ui.require_program(store)
user = identity.user_for_page()
if not can(user, Permission.MANAGE_USERS):
    st.info("People and roles are managed by program managers.")
    st.stop()

st.title("People and roles")
st.caption(
    "Annotators see and edit only their own flags and reflections; reviewers see every flag and "
    "reply; ML engineers and program managers also rule, promote rulings and edit guidelines."
)
ui.show_flash()
with store.transaction() as s:
    repo = ChannelRepository(s)
    people = repo.list_users()
    vocabulary = repo.vocabulary(program.name)
st.dataframe(pd.DataFrame([{
    "Login (e-mail)": p.user_id, "Name": p.name, "Role": p.role.value.replace("_", " "),
    "Id in delivered data": p.data_id,
} for p in people], columns=["Login (e-mail)", "Name", "Role", "Id in delivered data"]),
    hide_index=True, width="stretch")

with st.form("person", clear_on_submit=True):
    st.markdown("**Add a person or change a role**")
    login = st.text_input("Login e-mail", max_chars=200)
    name = st.text_input("Name", max_chars=200)
    role = st.selectbox("Role", [r.value for r in Role],
                        format_func=lambda r: r.replace("_", " "))
    data_id = st.text_input("Annotator id in delivered data (optional)", max_chars=200)
    if st.form_submit_button("Save") and login.strip() and name.strip():
        person = User(user_id=login.strip(), name=name.strip(), role=Role(role),
                      annotator_id=data_id.strip() or None)
        with store.transaction() as s:
            ChannelRepository(s).save_user(user, person)
        ui.flash(f"{ui._md(person.name)} saved as {role.replace('_', ' ')}.")
        st.rerun()

st.subheader("Tag vocabulary")
with st.form("vocabulary"):
    text = st.text_area("One tag per line", value="\n".join(vocabulary.tags), max_chars=5_000,
                        help="Annotators pick these when they flag a task and may add free tags.")
    if st.form_submit_button("Save vocabulary"):
        new = TagVocabulary(program=program.name, tags=tuple(text.splitlines()))
        with store.transaction() as s:
            ChannelRepository(s).set_vocabulary(user, new, utcnow())
        ui.flash(f"Vocabulary saved ({len(new.tags)} tags).")
        st.rerun()
