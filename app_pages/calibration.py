"""Calibration log: annotators flag tasks they cannot label with confidence; reviewers and engineers
answer in a thread, rule, and promote rulings into the guidelines."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from annogov.store import utcnow
from app_pages import identity, ui
from governance.channel import calibration as cal
from governance.channel.attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from governance.channel.calibration_queries import filter_entries
from governance.roles import Permission, can

store = ui.get_store()
program = ui.require_program(store)
user = identity.user_for_page()


call = partial(identity.channel_call, store)


st.title("Calibration log")
st.caption(
    "Flag a task when the guidelines do not settle it: say what is unclear, tag it, attach a "
    "screenshot, and hold the task back if labelling it now would only be a guess. Engineers "
    "answer here, and a ruling that belongs in the guidelines becomes a new guideline version."
)
ui.show_flash()

if can(user, Permission.FLAG_TASK):
    vocabulary = call(lambda r: r.vocabulary(program.name))
    with (
        st.expander("Flag a task", expanded=not can(user, Permission.VIEW_ALL_FLAGS)),
        st.form(identity.form_key("flag_task")),
    ):
        task_id = st.text_input("Task id", max_chars=200)
        category = st.text_input(
            "Category (optional)", max_chars=200, help="The label category the question is about, if any."
        )
        tags = st.multiselect("Tags", list(vocabulary.tags))
        free = st.text_input("Other tags (comma-separated)", max_chars=300)
        description = st.text_area("What is unclear?", max_chars=10_000)
        images = st.file_uploader(
            "Images (optional)",
            type=["png", "jpg", "jpeg", "gif", "webp"],
            accept_multiple_files=True,
            help=f"Up to {MAX_ATTACHMENTS} images of at most {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB each.",
        )
        aside = st.checkbox("Set the task aside until this is clarified")
        if st.form_submit_button("Submit flag", type="primary"):
            if not task_id.strip() or not description.strip():
                st.error("A flag needs a task id and a description.")
            else:
                entry = call(
                    lambda r: r.flag_task(
                        user,
                        program=program.name,
                        task_id=task_id,
                        description=description,
                        now=utcnow(),
                        tags=tags,
                        free_tags=free.split(","),
                        category=category or None,
                        images=[(f.name, f.getvalue()) for f in images or []],
                        set_aside=aside,
                    )
                )
                ui.flash(
                    f"Flag on task {ui._md(entry.task_id)} recorded"
                    + (" and the task set aside." if entry.set_aside else ".")
                )
                identity.clear_form("flag_task")
                st.rerun()

now = utcnow()
everything = call(lambda r: r.list_entries(user, program.name, now))
cols = st.columns(3)
tag_filter = cols[0].multiselect("Filter by tag", sorted({t for e in everything for t in e.all_tags}))
status_filter = cols[1].multiselect("Status", [s.value for s in cal.EntryStatus])
older = cols[2].number_input("Older than (days)", min_value=0.0, value=0.0, step=1.0)
entries = filter_entries(everything, user, now, tags=tag_filter, statuses=status_filter, min_age_days=older or None)

if not everything:
    st.info("No flags yet." if can(user, Permission.VIEW_ALL_FLAGS) else "You have not flagged any task yet.")
    st.stop()
st.subheader(
    f"{len(entries)} of {len(everything)} entries" + ("" if can(user, Permission.VIEW_ALL_FLAGS) else " (yours)")
)
st.dataframe(
    pd.DataFrame(
        [
            {
                "Flagged": e.created_at.strftime("%Y-%m-%d %H:%M"),
                "Age (days)": round(e.age_days(now), 1),
                "Task": e.task_id,
                "Status": e.status.value,
                "Set aside": e.set_aside,
                "Tags": ", ".join(e.all_tags),
                "By": e.author_name,
                "Guideline": f"v{e.guideline.version} ruling {e.guideline.ruling_number}" if e.guideline else "",
                "Question": " ".join(e.description.split())[:80],
            }
            for e in entries
        ]
    ),
    hide_index=True,
    width="stretch",
)
if not entries:
    st.stop()

by_id = {e.entry_id: e for e in entries}
chosen = st.selectbox(
    "Open entry",
    list(by_id),
    key="calibration_entry",
    format_func=lambda i: f"{by_id[i].task_id}: {' '.join(by_id[i].description.split())[:70]}",
)
entry = by_id[chosen]
st.markdown(
    f"#### Task {ui._md(entry.task_id)}  \n"
    f"{ui._md(entry.author_name)}, {entry.created_at:%Y-%m-%d %H:%M} UTC · "
    f"status **{entry.status.value}**" + (" · task set aside" if entry.set_aside else "")
)
st.markdown(ui._md(entry.description).replace("\n", "  \n"))
if entry.all_tags:
    st.caption("Tags: " + ui._md(", ".join(entry.all_tags)))
for att in entry.attachments:
    meta, data = call(lambda r, sha=att.sha256: r.attachment_bytes(user, sha))
    st.image(data, width=480, caption=f"{ui._md(meta.filename)} ({meta.size:,} bytes)")
for depth, reply in cal.thread(entry):
    pad, body = st.columns([max(depth, 0) + 0.01, 12])
    body.markdown(
        f"**{ui._md(reply.author_name)}** · {reply.created_at:%Y-%m-%d %H:%M}  \n"
        + ui._md(reply.body).replace("\n", "  \n")
    )
if entry.ruling:
    st.success("Ruling: " + ui._md(entry.ruling.text), icon=":material/gavel:")
if entry.guideline:
    link = entry.guideline
    st.info(
        f"Settled by guideline {ui._md(link.doc_id)} version {link.version}, ruling {link.ruling_number}.",
        icon=":material/menu_book:",
    )

own = entry.author_id == user.user_id
if own and entry.status is cal.EntryStatus.OPEN:
    vocab = call(lambda r: r.vocabulary(program.name))
    with st.expander("Edit your flag"), st.form("edit_flag"):
        new_description = st.text_area("Description", value=entry.description, max_chars=10_000)
        new_tags = st.multiselect("Tags", list(vocab.tags), default=[t for t in entry.tags if t in vocab.tags])
        new_free = st.text_input("Other tags (comma-separated)", value=", ".join(entry.free_tags), max_chars=300)
        if st.form_submit_button("Save changes") and new_description.strip():
            call(
                lambda r: r.edit_flag(
                    user, entry.entry_id, description=new_description, tags=new_tags, free_tags=new_free.split(",")
                )
            )
            ui.flash("Flag updated.")
            st.rerun()
if entry.status is not cal.EntryStatus.PROMOTED and (own or can(user, Permission.RESOLVE)):
    if entry.set_aside:
        if st.button("Return the task to the queue"):
            call(lambda r: r.release(user, entry.entry_id, utcnow()))
            ui.flash(f"Task {ui._md(entry.task_id)} is back in the queue.")
            st.rerun()
    elif st.button("Set the task aside"):
        call(lambda r: r.set_aside(user, entry.entry_id, utcnow()))
        ui.flash(f"Task {ui._md(entry.task_id)} set aside.")
        st.rerun()

if own or can(user, Permission.REPLY_ANY):
    with st.form(identity.form_key("reply")):
        replies = {r.reply_id: r for r in entry.replies}
        parent = st.selectbox(
            "In reply to",
            [None, *replies],
            format_func=lambda i: "the flag" if i is None else f"{replies[i].author_name}: {replies[i].body[:50]}",
        )
        body = st.text_area("Reply", max_chars=10_000)
        if st.form_submit_button("Send reply") and body.strip():
            call(lambda r: r.reply(user, entry.entry_id, body, utcnow(), parent_id=parent))
            ui.flash("Reply added.")
            identity.clear_form("reply")
            st.rerun()

if can(user, Permission.RESOLVE) and entry.status is not cal.EntryStatus.PROMOTED:
    with st.form("resolve"):
        ruling = st.text_area(
            "Ruling",
            value=entry.ruling.text if entry.ruling else "",
            max_chars=20_000,
            help="The answer that settles this question.",
        )
        if st.form_submit_button("Resolve with this ruling") and ruling.strip():
            call(lambda r: r.resolve(user, entry.entry_id, ruling, utcnow()))
            ui.flash("Entry resolved.")
            st.rerun()

if can(user, Permission.PROMOTE) and entry.status is cal.EntryStatus.RESOLVED:
    guides = dict(call(lambda r: r.list_guidelines(user, program.name)))
    if not guides:
        st.caption("Create a guideline on the Guidelines page to promote rulings into it.")
    else:
        with st.form("promote"):
            st.markdown("**Promote the ruling into the guidelines**")
            doc_id = st.selectbox("Guideline", list(guides), format_func=guides.get)
            title = st.text_input("Ruling title", max_chars=200)
            unsettled = {
                e.entry_id: e
                for e in everything
                if e.entry_id != entry.entry_id and e.status is not cal.EntryStatus.PROMOTED
            }
            related = st.multiselect(
                "Also settles",
                list(unsettled),
                format_func=lambda i: f"{unsettled[i].task_id}: {unsettled[i].description[:50]}",
            )
            if st.form_submit_button("Promote", type="primary"):
                if not title.strip():
                    st.error("Give the new ruling a title.")
                else:
                    promo = call(
                        lambda r: r.promote(user, entry.entry_id, doc_id, title, utcnow(), related_ids=related)
                    )
                    freed = ui._md(", ".join(promo.returned_task_ids)) or "none"
                    ui.flash(
                        f"Guideline version {promo.document.current.version} created "
                        f"(ruling {promo.ruling_number}); tasks back in the queue: {freed}."
                    )
                    st.rerun()
