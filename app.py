"""annogov's Streamlit entry: builds the page list and runs the selected page."""

import streamlit as st

st.set_page_config(page_title="annogov", layout="wide")

pages = [
    st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
]
st.navigation(pages).run()
