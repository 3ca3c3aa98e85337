"""SLA check page, terms: the contract's terms (defaults, a file or a contract profile) edited in a table, saved."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from annogov.services import sla_store
from annogov.store import ConcurrentEditError, ProgramRecord, Store
from app_pages import ui
from contracts.sla_term_files import TERM_COLUMNS, load_term_set, term_set_to_rows, write_term_set_xlsx
from contracts.sla_terms import METRIC_NOTES, RAMP_STEPS_HELP, SlaTermSet, default_term_set, format_ramp_steps
from governance.quality.sla.timeliness import PRORATION_RULE
from governance.roles import Permission
from ingest import InputError

METRICS = list(METRIC_NOTES)
DRAFT = "sla_draft"  # (token, source text, term set JSON, version it was based on)


def _set_draft(source: str, terms: SlaTermSet, version: int) -> None:
    digest = hashlib.sha256(f"{source}|{version}|{terms.model_dump_json()}".encode()).hexdigest()[:12]
    token = f"{digest}-{st.session_state.get('sla_draft_count', 0) + 1}"
    st.session_state["sla_draft_count"] = st.session_state.get("sla_draft_count", 0) + 1
    st.session_state[DRAFT] = (token, source, terms.model_dump(mode="json"), version)


def _parse_terms(data: bytes, name: str) -> SlaTermSet:
    return load_term_set(name, data=data)


def _terms_editor(store: Store, program: ProgramRecord) -> tuple[SlaTermSet, int]:
    """Show the term editor; return the saved term set (what the check uses) and its version."""
    saved, version = sla_store.load_terms(store, program.id)
    if DRAFT not in st.session_state or st.session_state.get("sla_program") != program.id:
        st.session_state["sla_program"] = program.id
        _set_draft("saved terms" if version else "the default terms", saved, version)
    token, source, draft_json, base_version = st.session_state[DRAFT]
    draft = SlaTermSet.model_validate(draft_json)

    st.subheader("Contract terms")
    status = f"version {version}" if version else "not saved yet: the defaults are in use"
    st.caption(f"Saved term set: **{ui._md(saved.name)}** ({status}). Editing: {ui._md(source)}.")
    cols = st.columns([3, 1, 1, 1])
    upload = cols[0].file_uploader(
        "Load terms from a file",
        type=["yaml", "yml", "json", "xlsx"],
        key="sla_terms_file",
        help="A term set (YAML, JSON or an xlsx terms sheet) or a contract profile whose `sla` "
        "section holds the terms. " + ui.upload_limit_help(),
    )
    try:
        loaded = ui.parse_upload(upload, _parse_terms)
    except InputError as exc:  # the editor keeps what it had
        ui.show_problems(exc)
        loaded = None
    if loaded is not None and upload is not None:
        seen = (upload.name, getattr(upload, "file_id", None), upload.size)
        if st.session_state.get("sla_terms_seen") != seen:  # a new file: load it once into the editor
            st.session_state["sla_terms_seen"] = seen
            _set_draft(f"file {upload.name}", loaded, version)
            st.rerun()
    if cols[1].button("Start from the defaults", key="sla_defaults", help="The evaluation framework's figures."):
        _set_draft("the default terms", default_term_set(), version)
        st.rerun()
    if cols[2].button("Discard edits", key="sla_reload", help="Show the saved terms again."):
        _set_draft("saved terms", saved, version)
        st.rerun()
    cols[3].download_button(
        "Saved terms (xlsx)",
        data=lambda: write_term_set_xlsx(saved),
        file_name="sla-terms.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="sla_terms_download",
        help="The saved term set as the workbook the upload reads (Terms and Contract sheets, ramp included).",
        icon=":material/download:",
    )

    if draft != saved:
        st.info(
            f"The table shows {ui._md(source)}, not saved yet: deliveries are checked against the saved terms "
            "until you press Save terms.",
            icon=":material/info:",
        )
    with st.form(f"sla_terms_form_{token}"):
        c = st.columns(3)
        name = c[0].text_input("Name", value=draft.name, max_chars=200)
        currency = c[1].text_input("Currency", value=draft.currency, max_chars=8)
        fee = c[2].number_input(
            "Period fee",
            min_value=0.0,
            value=float(draft.period_fee),
            step=1000.0,
            help="Fee of the measured period; percent credits are of this fee.",
        )
        c = st.columns(3)
        labels = c[0].text_input(
            "Label set (comma separated)",
            value=", ".join(draft.label_set or []),
            help="The contract's labels: unused labels still change chance agreement.",
        )
        volume = c[1].number_input(
            "Committed weekly volume", min_value=0, step=10, value=draft.committed_weekly_volume, placeholder="none"
        )
        cap = c[2].number_input(
            "Total credit cap", min_value=0.0, step=500.0, value=draft.total_credit_cap, placeholder="none"
        )
        c = st.columns([1, 2, 1])
        period_end = c[2].date_input(
            "Period end",
            value=draft.period_end,
            help="Last day of the measured period: a final partial week's volume floor is prorated to it "
            "(days covered / 7); left empty, the last calendar week of a delivery counts whole.",
        )
        ramp_start = c[0].date_input(
            "Ramp start",
            value=draft.ramp.start if draft.ramp else None,
            help="Contract week 1 is this date's calendar week (Monday start); leave empty for no ramp.",
        )
        ramp_steps = c[1].text_input(
            "Ramp steps (weekly floors)",
            value=format_ramp_steps(draft.ramp.steps) if draft.ramp else "",
            placeholder="no ramp; e.g. 1: 5000; 3: 12000; 6: 20000",
            help=f"{RAMP_STEPS_HELP}. After the last step the committed weekly volume applies; {PRORATION_RULE}.",
        )
        frame = pd.DataFrame(term_set_to_rows(draft), columns=TERM_COLUMNS)
        edited = st.data_editor(
            frame,
            key=f"sla_terms_editor_{token}",
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config={
                "id": st.column_config.TextColumn("Term", help="A short name for the term"),
                "metric": st.column_config.SelectboxColumn(
                    "Metric",
                    options=METRICS,
                    required=True,
                    help="; ".join(f"{k}: {v}" for k, v in METRIC_NOTES.items()),
                ),
                "scope": st.column_config.TextColumn(
                    "Scope",
                    default="overall",
                    help="overall, each category, category:NAME, task_type:NAME or batch:NAME",
                ),
                "comparator": st.column_config.SelectboxColumn(
                    "Comparator", options=[">=", ">", "<=", "<"], default=">="
                ),
                "threshold": st.column_config.NumberColumn("Threshold", format="%.4g", required=True),
                "min_sample": st.column_config.NumberColumn(
                    "Min. sample", min_value=1, step=1, default=30, help="Fewer observations: inconclusive"
                ),
                "level": st.column_config.SelectboxColumn(
                    "Level", options=["nominal", "ordinal", "interval", "ratio"], default="nominal"
                ),
                "weights": st.column_config.SelectboxColumn(
                    "Weights", options=["none", "linear", "quadratic"], default="none"
                ),
                "missing": st.column_config.SelectboxColumn(
                    "Uneven ratings",
                    options=["pooled", "gwet"],
                    default="pooled",
                    help="Fleiss/AC1/Brennan-Prediger with uneven annotations per item: pooled shares or Gwet's",
                ),
                "tier": st.column_config.SelectboxColumn("Tier", options=["critical", "standard"], default="standard"),
                "remedy": st.column_config.SelectboxColumn(
                    "Remedy", options=["none", "percent_of_fee", "fixed_per_breach"], default="none"
                ),
                "remedy_amount": st.column_config.NumberColumn(
                    "Remedy amount", min_value=0.0, help="Percent of the period fee (5 = 5%) or money per breach"
                ),
                "remedy_cap": st.column_config.NumberColumn("Remedy cap", min_value=0.0),
                "note": st.column_config.TextColumn("Note"),
            },
        )
        submitted = st.form_submit_button(
            "Save terms", type="primary", icon=":material/save:",
            disabled=not ui.may(Permission.EDIT_TERMS), help=ui.not_for_role(Permission.EDIT_TERMS),
        )
    if submitted:
        settings = {
            "name": name.strip() or "SLA terms",
            "currency": currency.strip() or "USD",
            "period_fee": fee,
            "label_set": [x.strip() for x in labels.split(",") if x.strip()] or None,
            "committed_weekly_volume": volume,
            "total_credit_cap": cap,
            "ramp_start": ramp_start,
            "ramp_steps": ramp_steps.strip() or None,
            "period_end": period_end,
            "drift_threshold": draft.drift_threshold,  # not edited here: kept as loaded
        }
        terms = sla_store.terms_from_rows(edited.to_dict("records"), settings)
        try:
            new_version = sla_store.save_terms(store, program.id, terms, expected_version=base_version)
        except ConcurrentEditError:
            st.warning(
                "Someone else saved these terms after you loaded them; nothing was saved. Press "
                "'Discard edits' to load their version, then make your change again.",
                icon=":material/sync_problem:",
            )
            return saved, version
        _set_draft("saved terms", terms, new_version)
        ui.flash(f"Terms saved (version {new_version}); the next check uses them.")
        st.rerun()
    return saved, version
