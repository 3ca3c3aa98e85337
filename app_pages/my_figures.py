"""My figures: an annotator's own accuracy and defect rate in the latest checked delivery, beside
the team's aggregate (never another annotator's row)."""

from __future__ import annotations

import streamlit as st

from app_pages import identity, ui
from governance.privacy import TEAM_WITHHELD
from governance.quality.sla.sla_report import AnnotatorRow

store = ui.get_store()
program = ui.require_program(store)
user = identity.user_for_page()
st.title("My figures")
st.caption(
    "Your own figures from the latest delivery the buyer checked, next to the team as a whole. "
    "Nobody else's figures are shown here, and yours are not shown to other annotators."
)
figures = store.own_figures(program.id)


def _row(label: str, row: AnnotatorRow) -> dict[str, object]:
    return {
        "": label,
        "Annotations": row.annotations,
        "Gold annotations": row.gold_annotations,
        "Accuracy on gold": None if row.accuracy is None else f"{row.accuracy:.1%}",
        "Reviewed in QA": row.reviewed,
        "Defect rate": None if row.defect_rate is None else f"{row.defect_rate:.1%}",
    }


if figures is None:
    st.info("No delivery has been checked for this program yet.")
else:
    st.markdown(f"**Delivery:** {ui.md(figures.delivery)} · {figures.n_annotators} annotators")
    if not figures.own:
        st.info(f"The delivery has no annotations under your id ({ui.md(user.data_id)}).")
    rows = [_row("You", r) for r in figures.own] + ([_row("Team", figures.team)] if figures.team else [])
    st.dataframe(rows, hide_index=True, width="stretch")
    if figures.team is None:
        st.caption(TEAM_WITHHELD)
