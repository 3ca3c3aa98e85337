"""annogov's Streamlit entry: opens the store, builds the page list and runs the selected page.

To add a page: put its script in app_pages/ and add one line to PAGES. Page bodies run inside
`ui.guard()`, so an error shows as a message, never a traceback.
"""

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:  # `streamlit run` adds it; AppTest does not
    sys.path.insert(0, _HERE)

import streamlit as st  # noqa: E402

from app_pages import identity, ui  # noqa: E402

# (section, script, title, icon); the first page is the default.
PAGES: list[tuple[str, str, str, str]] = [
    ("Program", "app_pages/program.py", "Program", ":material/folder_open:"),
    ("Evaluate", "app_pages/scorecard.py", "Providers & scorecard", ":material/leaderboard:"),
    ("Switching", "app_pages/switching.py", "Switching cost", ":material/swap_horiz:"),
    ("Contracts", "app_pages/contract.py", "Contract audit", ":material/gavel:"),
    ("Delivery", "app_pages/sla.py", "SLA check", ":material/rule:"),
    ("Delivery", "app_pages/pilot.py", "Pilot", ":material/compare_arrows:"),
    ("Delivery", "app_pages/history.py", "Vendor history", ":material/timeline:"),
    ("Reports", "app_pages/reports.py", "Reports", ":material/summarize:"),
]

st.set_page_config(page_title="annogov", page_icon=":material/fact_check:", layout="wide")

with ui.guard():
    store = ui.get_store()
    sections: dict[str, list[st.Page]] = {}
    user = identity.current_user(store)
    for i, (section, script, title, icon) in enumerate([*PAGES, *identity.channel_pages(user)]):
        sections.setdefault(section, []).append(
            st.Page(script, title=title, icon=icon, default=i == 0)
        )
    page = st.navigation(sections)
    ui.sidebar(store)
    page.run()
