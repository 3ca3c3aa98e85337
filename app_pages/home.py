"""Landing page: what annogov does and where to start."""

import streamlit as st

st.title("annogov")
st.write(
    "Score annotation providers, price a change of provider, check each delivery against the "
    "contract and export reports for the steering committee."
)
