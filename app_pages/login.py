"""Login page: the only page before login (and for a login nobody has registered)."""

from __future__ import annotations

import streamlit as st

from app_pages import identity

st.title("annogov")
email = str(st.session_state.get("login_email") or "")
if email:
    st.warning(
        f"You are signed in as {email}, but nobody has given this login a role in annogov yet. "
        "Ask a program manager to add you on the People and roles page.",
        icon=":material/person_off:",
    )
    st.button("Log out", on_click=st.logout, icon=":material/logout:", key="login_logout")
elif identity.auth_configured():
    st.markdown(
        "This annogov holds a buyer's vendor scores, contract findings and annotators' figures. "
        "Log in to continue."
    )
    st.button("Log in", on_click=st.login, icon=":material/login:", type="primary", key="login_button")
else:
    st.info("No login is configured and nobody is registered yet.")
