"""annogov's Streamlit entry: opens the store, builds the page list and runs the selected page.

To add a page: put its script in app_pages/ and add one line, with the permission that opens it,
to `identity.PAGES`. Page bodies run inside `ui.guard()`, so an error shows as a message, never a
traceback. Pages get the store acting as the identified user (`ui.get_store()`).
"""

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:  # `streamlit run` adds it; AppTest does not
    sys.path.insert(0, _HERE)

import streamlit as st  # noqa: E402

from app_pages import identity, ui  # noqa: E402

st.set_page_config(page_title="annogov", page_icon=":material/fact_check:", layout="wide")

with ui.guard():
    user = identity.current_user(ui.base_store())
    sections: dict[str, list[st.Page]] = {}
    for i, (section, script, title, icon) in enumerate(identity.pages_for(user)):
        sections.setdefault(section, []).append(
            st.Page(script, title=title, icon=icon, default=i == 0)
        )
    page = st.navigation(sections, expanded=True)  # every page a role may open stays listed (no "View more")
    if user is not None:
        ui.sidebar(ui.get_store())
    page.run()
