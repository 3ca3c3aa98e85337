"""People and roles (program managers): who may log in, with which role, and the channel's tag vocabulary.

The role decides every page and store operation a person may use (`governance.roles`); with
st.login configured, a login e-mail must be listed here (or added with `annogov users add`)
before it reaches anything but the login page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from annogov.store import ChannelRepository, utcnow
from app_pages import identity, ui
from governance.channel.calibration import TagVocabulary
from governance.roles import Permission, Role, User, can

store = ui.get_store()
program = ui.require_program(store)
user = identity.user_for_page()
if not can(user, Permission.MANAGE_USERS):
    st.info("People and roles are managed by program managers.")
    st.stop()

st.title("People and roles")
st.caption(
    "Program managers change everything and manage people; reviewers/evaluators edit only their "
    "own scores (under their id in data) and see every flag; ML engineers also run checks, edit "
    "switching work, rule and edit guidelines; viewers read and download reports with annotator "
    "codes; annotators reach only the channel and their own figures."
)
ui.show_flash()
with store.transaction() as s:
    repo = ChannelRepository(s)
    people = repo.list_users(user)
    granted = repo.granted_by(user)
    vocabulary = repo.vocabulary(program.name)
st.dataframe(pd.DataFrame([{
    "Login (e-mail)": p.user_id, "Name": p.name, "Role": identity.role_title(p.role),
    "Id in data": p.data_id, "Role given by": granted.get(p.user_id, ""),
} for p in people], columns=["Login (e-mail)", "Name", "Role", "Id in data", "Role given by"]),
    hide_index=True, width="stretch")

with st.form("person", clear_on_submit=True):
    st.markdown("**Add a person or change a role**")
    login = st.text_input("Login e-mail", max_chars=200)
    name = st.text_input("Name", max_chars=200)
    role = st.selectbox("Role", [r.value for r in Role], format_func=lambda r: identity.role_title(Role(r)))
    data_id = st.text_input("Id in data (optional): annotator id in deliveries, or evaluator name in "
                            "the scorecard", max_chars=200)
    if st.form_submit_button("Save") and login.strip() and name.strip():
        person = User(user_id=login.strip(), name=name.strip(), role=Role(role),
                      annotator_id=data_id.strip() or None)
        with store.transaction() as s:
            ChannelRepository(s).save_user(user, person)
        ui.flash(f"{ui._md(person.name)} saved as {identity.role_title(person.role)}.")
        st.rerun()

with st.form("remove_person"):
    st.markdown("**Take access away**")
    gone = st.selectbox("Login", [p.user_id for p in people if p.user_id != user.user_id], key="remove_login")
    if st.form_submit_button("Remove") and gone:
        with store.transaction() as s:
            ChannelRepository(s).remove_user(user, gone)
        ui.flash(f"{ui._md(gone)} can no longer log in.")
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
