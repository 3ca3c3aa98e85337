"""Contract audit page: a profile or a draft in, the clauses that keep the program switchable out,
with red flags, what to ask the vendor, and the evidence it gives the scorecard; kept per vendor."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from annogov.store import ProgramRecord, Store
from annogov.switching_docs import CONTRACT_CHECK
from annogov.uploads import read_upload
from app_pages import ui
from contracts.drafts import DraftReview
from contracts.profile import ContractProfile
from contracts.questionnaire import write_questionnaire
from contracts.review import PROFILE_SUFFIXES, load_source, review_profile
from contracts.text_extract import DRAFT_SUFFIXES
from ingest import InputError

STATUS_COLOURS = {"present": "#d4edda", "weak": "#fff3cd", "missing": "#f8d7da"}
SEVERITY_COLOURS = {"critical": "#f5b7b1", "high": "#fad7a0", "medium": "#fcf3cf",
                    "low": "#eaecee"}
SEVERITY_BADGES = {"critical": "red", "high": "orange", "medium": "blue", "low": "gray"}
LOCK_IN_BADGES = {"low": "green", "medium": "orange", "high": "red"}


@st.cache_data(show_spinner=False, max_entries=16)
def _load(sha256: str, name: str, vendor: str | None,
          _data: bytes) -> tuple[ContractProfile, DraftReview | None]:
    """Parse an uploaded profile or draft once per content (and vendor name for drafts)."""
    return load_source(name, data=_data, vendor=vendor)


def _upload_review(as_of: date) -> dict[str, Any] | None:
    """The uploaded file's audit payload (with its profile), or None."""
    suffixes = [s.lstrip(".") for s in (*PROFILE_SUFFIXES, *DRAFT_SUFFIXES)]
    c = st.columns([2, 1])
    uploaded = c[0].file_uploader(
        "Contract profile (YAML, JSON, xlsx questionnaire) or draft (.txt, .md, .docx, .pdf)",
        type=suffixes, key="ct_upload", help=ui.upload_limit_help())
    vendor = c[1].text_input("Vendor name (for a draft)", key="ct_vendor", max_chars=200,
                             help="A draft rarely names the vendor in a way a machine can find; "
                                  "a profile's own vendor field is used otherwise.")
    if uploaded is None:
        return None
    try:
        upload = read_upload(uploaded)
        profile, draft = _load(upload.sha256, upload.name, vendor.strip() or None, upload.data)
    except InputError as exc:
        ui.show_problems(exc)
        return None
    except ValidationError as exc:
        lines = "\n".join(f"- {'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                          for e in exc.errors())
        st.error(f"{upload.name}: some values are not valid:\n\n{lines}", icon=":material/error:")
        return None
    if vendor.strip() and draft is None and vendor.strip() != profile.vendor:
        st.caption(f"The profile names its vendor {profile.vendor!r}; that name is used.")
    review = review_profile(profile, as_of, source=upload.name, draft=draft)
    payload = review.to_payload()
    payload["profile"] = profile.model_dump(mode="json")
    return payload


def _saved(store: Store, program: ProgramRecord) -> dict[str, Any]:
    """The latest saved audit per vendor."""
    latest: dict[str, Any] = {}
    for record in store.list_check_results(program.id, CONTRACT_CHECK, limit=200):
        latest.setdefault(record.label, record)
    return latest


def _reaudit(payload: dict[str, Any], as_of: date) -> dict[str, Any]:
    """A saved audit re-run at another evaluation date from its stored profile."""
    stored = payload.get("profile")
    if stored is None or payload["audit"]["as_of"] == as_of.isoformat():
        return payload
    profile = ContractProfile.model_validate(stored)
    again = review_profile(profile, as_of, source=payload["source"])
    out = again.to_payload()
    out["profile"] = stored
    if "draft" in payload:
        out["draft"] = payload["draft"]
    return out


def _status_style(value: object) -> str:
    colour = STATUS_COLOURS.get(str(value)) or SEVERITY_COLOURS.get(str(value))
    return f"background-color: {colour}" if colour else ""


def _show(payload: dict[str, Any]) -> None:
    audit, evidence = payload["audit"], payload["scorecard_evidence"]
    head = f"{audit['vendor']}" + (f" — {audit['contract']}" if audit.get("contract") else "")
    st.subheader(head)
    st.caption(f"From {payload['source']}, evaluated as of {audit['as_of']}.")
    counts = audit["counts"]
    cols = st.columns(4)
    cols[0].metric("Present", counts["present"])
    cols[1].metric("Weak", counts["weak"])
    cols[2].metric("Missing", counts["missing"])
    lock = audit["lock_in"]
    cols[3].metric("Lock-in risk", lock["level"])
    if audit["critical_missing"]:
        st.error("Critical clauses missing: " + ", ".join(audit["critical_missing"]),
                 icon=":material/report:")

    if "draft" in payload:
        draft = payload["draft"]
        st.warning(f"Read from a draft ({draft['passages_read']} passages): every clause below "
                   "rests on proposals that a person must confirm against the quoted passage. "
                   "A clause with no passage found counts as missing.",
                   icon=":material/rate_review:")

    st.markdown("#### Clauses")
    table = pd.DataFrame([{
        "Clause": c["title"], "Status": c["status"], "Severity": c.get("severity") or "",
        "Dimension": c["dimension"], "Detail": c.get("detail") or ""} for c in audit["clauses"]])
    st.dataframe(table.style.map(_status_style, subset=["Status", "Severity"]), hide_index=True,
                 width="stretch", key="ct_clauses", height=35 * (len(table) + 1) + 3,
                 column_config=ui.table_config(table.columns, pinned=("Clause",), wide=("Detail",)))

    st.markdown("#### Lock-in")
    badge = LOCK_IN_BADGES[lock["level"]]
    st.markdown(f":{badge}-badge[Lock-in risk: {lock['level']}]")
    for reason in lock["reasons"]:
        st.markdown(f"- {ui._md(reason)}")
    if lock["portable"]:
        st.caption("Portable already: " + ", ".join(lock["portable"]))
    if audit.get("pricing_incentive"):
        st.info(f"Pricing incentive: {audit['pricing_incentive']}", icon=":material/payments:")

    flags = [f for f in audit["findings"] if f["red_flag"]]
    st.markdown("#### Red flags")
    if not flags:
        st.success("None of the framework's red flags.", icon=":material/check:")
    for f in flags:
        st.error(f"**{ui._md(f['code'])}**: {ui._md(f['reason'])}\n\n"
                 f"Ask the vendor: {ui._md(f['ask'])}", icon=":material/flag:")

    st.markdown("#### Findings and what to ask")
    others = [f for f in audit["findings"] if not f["red_flag"]]
    if not others:
        st.caption("No other findings.")
    for f in others:
        colour = SEVERITY_BADGES.get(f["severity"], "gray")
        st.markdown(
            f":{colour}-badge[{f['severity']}] :gray-badge[{f['status']}] "
            f"**{ui._md(f['clause'])}** — {ui._md(f['reason'])}  \n"
            f"*Ask the vendor:* {ui._md(f['ask'])}")

    if "draft" in payload:
        st.markdown("#### Proposals from the draft (confirm each)")
        proposals = payload["draft"]["proposals"]
        if not proposals:
            st.info("No passage matched any clause.")
        for p in proposals:
            with st.container(border=True):
                st.markdown(f":orange-badge[needs confirmation] `{p['field']}` = "
                            f"`{p['value']!r}` ({ui._md(p['location'])})")
                st.markdown("> " + ui._md(p["quote"]).replace("\n", "\n> "))
                if p.get("note"):
                    st.caption(p["note"])

    st.markdown("#### Scorecard evidence")
    st.caption("Suggested scores and gates for the Providers & scorecard page; a person decides.")
    c = st.columns(2)
    with c[0]:
        st.dataframe(pd.DataFrame([{
            "Dimension": s["dimension"], "Suggested score": s["score"],
            "Why": "; ".join(s["reasons"])} for s in evidence["suggestions"]]),
            hide_index=True, width="stretch", key="ct_suggestions")
    with c[1]:
        if evidence["gates"]:
            st.dataframe(pd.DataFrame([{
                "Dimension": g["dimension"], "Effect": g["effect"], "Reason": g["reason"]}
                for g in evidence["gates"]]), hide_index=True, width="stretch", key="ct_gates")
        else:
            st.caption("No gate triggered.")


def main() -> None:
    """The page body."""
    store = ui.get_store()
    program = ui.require_program(store)
    st.title("Contract audit")
    st.caption("Does the contract keep the program switchable? Ownership and export of the "
               "labels, guidelines as assets, transferable quality metrics, offboarding, "
               "measurable SLAs, commercial terms and security evidence, each present, weak or "
               "missing, with the question to put to the vendor.")
    ui.show_flash()

    c = st.columns([1, 1])
    as_of = c[0].date_input("Evaluation date", value=date.today(), key="ct_as_of",
                            help="Certifications older than 12 months at this date are flagged.")
    if not isinstance(as_of, date):
        st.error("Choose one evaluation date.", icon=":material/error:")
        st.stop()
    c[1].download_button(
        "Blank questionnaire (xlsx)", data=lambda: write_questionnaire(None),
        file_name="contract-questionnaire.xlsx", icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        help="Fill it in with the vendor's answers and upload it here.")

    fresh = _upload_review(as_of)
    saved = _saved(store, program)
    if fresh is not None:
        vendor = fresh["audit"]["vendor"]
        if st.button(f"Save this audit for {vendor}", type="primary", key="ct_save",
                     icon=":material/save:"):
            store.add_check_result(program.id, CONTRACT_CHECK, fresh, label=vendor)
            ui.flash(f"Audit for {vendor} saved; the reports use the latest one per vendor.")
            st.session_state["ct_pick"] = vendor
            st.rerun()
        _show(fresh)
        return
    if not saved:
        st.info("Upload a profile or a draft to audit it, or download the blank questionnaire "
                "to send to a vendor.")
        return
    vendors = list(saved)
    if st.session_state.get("ct_pick") not in vendors:
        st.session_state["ct_pick"] = vendors[0]
    pick = st.selectbox("Saved audits", vendors, key="ct_pick",
                        help="The latest saved audit per vendor.")
    record = saved[pick]
    st.caption(f"Saved {record.created_at:%Y-%m-%d %H:%M}.")
    _show(_reaudit(record.payload, as_of))
    st.divider()
    ui.report_downloads(store, program, key="contract_report")


main()
