"""Guidelines: the current version, its history and diffs, exports (Markdown, PDF, hand-over
bundle) for everyone; new versions for engineers and program managers."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from annogov.store import measured, utcnow
from app_pages import identity, ui
from governance.channel import guidelines as gl
from governance.channel.guideline_bundle import history_bundle, read_bundle
from governance.channel.guideline_exports import diff_markdown, history_rows, to_markdown, to_pdf
from governance.roles import Permission, can

store = ui.get_store()
program = ui.require_program(store)
user = identity.user_for_page()


call = partial(identity.channel_call, store)


st.title("Guidelines")
st.caption(
    "The labelling guide as numbered rulings. Every change is a new version that records who "
    "made it, when and why; the whole history exports as a bundle the program keeps when the "
    "vendor changes."
)
ui.show_flash()
editor = can(user, Permission.EDIT_GUIDELINES)
guides = dict(call(lambda r: r.list_guidelines(user, program.name)))

if editor:
    with st.expander("New guideline or import a hand-over bundle", expanded=not guides):
        with st.form(identity.form_key("new_guideline")):
            doc_id = st.text_input("Short id", max_chars=100, placeholder="e.g. street-scenes")
            title = st.text_input("Title", max_chars=200)
            if st.form_submit_button("Create guideline") and doc_id.strip() and title.strip():
                doc = gl.new_document(doc_id.strip(), title, program.name, user, utcnow())
                call(lambda r: r.create_guideline(user, doc))
                ui.flash(f"Guideline {ui._md(title)} created.")
                identity.clear_form("new_guideline")
                st.rerun()
        bundle = st.file_uploader("Hand-over bundle (.zip)", type=["zip"], help=ui.upload_limit_help())
        imported = ui.parse_upload(bundle, lambda data, name: read_bundle(data, name))
        if imported is not None:
            st.markdown(
                f"{ui._md(imported.title)}: {len(imported.versions)} versions, program {ui._md(imported.program)}"
            )
            if st.button("Import into this program"):
                call(lambda r: r.create_guideline(user, imported.model_copy(update={"program": program.name})))
                ui.flash(f"Imported {ui._md(imported.title)} with its history.")
                st.rerun()

if not guides:
    st.info("No guideline for this program yet.")
    st.stop()

doc_id = st.selectbox("Guideline", list(guides), format_func=guides.get, key="guideline_doc")
doc = call(lambda r: r.get_guideline(user, doc_id))
numbers = [v.version for v in doc.versions]
version = st.select_slider("Version", numbers, value=numbers[-1]) if len(numbers) > 1 else numbers[0]

tab_text, tab_history, tab_diff = st.tabs(["Text", "History", "Compare versions"])
with tab_text:
    shown = doc.version(version)
    st.caption(
        f"Version {shown.version} of {len(doc.versions)}, "
        f"{shown.created_at:%Y-%m-%d %H:%M} UTC, {ui._md(shown.author_name)}: "
        f"{ui._md(shown.reason)}"
    )
    for ruling in shown.active_rulings:
        st.markdown(f"##### Ruling {ruling.number}: {ui._md(ruling.title)}")
        if ruling.category:
            st.caption(f"Category: {ui._md(ruling.category)}")
        st.markdown(ui._md(ruling.text).replace("\n", "  \n"))
    retired = [r for r in shown.rulings if r.retired]
    if retired:
        st.caption("Retired: " + "; ".join(f"{r.number} {ui._md(r.title)}" for r in retired))
with tab_history:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Version": h.version,
                    "When": h.created_at.strftime("%Y-%m-%d %H:%M"),
                    "Who": h.author_name,
                    "Why": h.reason,
                    "Rulings in force": h.rulings_in_force,
                    "Added": ", ".join(map(str, h.added)),
                    "Changed": ", ".join(map(str, h.changed)),
                    "Retired": ", ".join(map(str, h.retired)),
                    "Settles entries": ", ".join(h.settles_entry_ids),
                }
                for h in history_rows(doc)
            ]
        ),
        hide_index=True,
        width="stretch",
    )
with tab_diff:
    c1, c2 = st.columns(2)
    a = c1.selectbox("From version", numbers, index=max(len(numbers) - 2, 0))
    b = c2.selectbox("To version", numbers, index=len(numbers) - 1)
    st.code(diff_markdown(gl.diff_versions(doc, a, b)), language="markdown")

d1, d2, d3 = st.columns(3)
d1.download_button(
    "Markdown",
    to_markdown(doc, version),
    f"{doc.doc_id}-v{version}.md",
    mime="text/markdown",
    icon=":material/download:",
)
d2.download_button(
    "PDF",
    lambda: to_pdf(doc, version),
    f"{doc.doc_id}-v{version}.pdf",
    mime="application/pdf",
    icon=":material/picture_as_pdf:",
)
d3.download_button(
    "Hand-over bundle (all versions, gold sets, calibration log)",
    lambda: history_bundle(
        doc, assets=measured.handover_assets(store, user, program.id) if can(user, Permission.VIEW_INSIGHTS) else None
    ),
    f"{doc.doc_id}-history.zip",
    mime="application/zip",
    icon=":material/inventory_2:",
)

if editor:
    st.subheader("Make a new version")
    live = {r.number: r for r in doc.current.active_rulings}
    with st.form(identity.form_key("revise")):
        action = st.radio("Change", ["Add a ruling", "Amend a ruling", "Retire a ruling"], horizontal=True)
        number = st.selectbox(
            "Ruling (to amend or retire)",
            [None, *live],
            format_func=lambda n: "-" if n is None else f"{n}: {live[n].title}",
        )
        title = st.text_input("Title (new or amended)", max_chars=200)
        text = st.text_area("Text (new or amended)", max_chars=20_000)
        reason = st.text_input("Why this change", max_chars=5_000)
        if st.form_submit_button("Save as new version", type="primary"):
            change: gl.AddRuling | gl.AmendRuling | gl.RetireRuling
            if not reason.strip():
                st.error("Say why: the reason is part of the record.")
                st.stop()
            if action == "Add a ruling":
                change = gl.AddRuling(title=title, text=text)
            elif number is None:
                st.error("Pick the ruling to change.")
                st.stop()
            elif action == "Amend a ruling":
                change = gl.AmendRuling(number=number, title=title or None, text=text or None)
            else:
                change = gl.RetireRuling(number=number)
            new = call(lambda r: r.revise_guideline(user, doc.doc_id, reason, [change], utcnow()))
            ui.flash(f"Version {new.current.version} saved.")
            identity.clear_form("revise")
            st.rerun()
