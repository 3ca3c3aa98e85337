"""Contract audit page: a profile or a draft in, the clauses that keep the program switchable out,
with red flags, what to ask the vendor, and the evidence it gives the scorecard; kept per vendor.
A draft's proposals are accepted, edited or rejected one by one beside their passage; only the
confirmed values are saved, with who confirmed them and when."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from annogov.services.linking import review_contract_profile
from annogov.services.scoring import load_program_rubric
from annogov.services.switching_docs import CONTRACT_CHECK
from annogov.services.uploads import read_upload
from annogov.store import ProgramRecord, Store
from app_pages import ui
from contracts.confirm import DECISIONS, confirm, edit_text
from contracts.drafts import DraftReview
from contracts.profile import ContractProfile
from contracts.questionnaire import with_provider_questions, write_questionnaire
from contracts.review import PROFILE_SUFFIXES, load_source
from contracts.text_extract import DRAFT_SUFFIXES
from governance.roles import Permission, User
from ingest import InputError
from scorecard.rubric import Rubric

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


def _upload_review(
    as_of: date, rubric: Rubric, agreement: float | None = None
) -> tuple[dict[str, Any], DraftReview | None, str] | None:
    """The uploaded file's audit payload (with its profile), its draft review and content hash."""
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
        st.caption(f"The profile names its vendor {ui.md(repr(profile.vendor))}; that name is used.")
    review = review_contract_profile(profile, as_of, rubric=rubric, source=upload.name, draft=draft,
                                     agreement=agreement)
    payload = review.to_payload()
    payload["profile"] = profile.model_dump(mode="json")
    return payload, draft, upload.sha256


def _saved(store: Store, program: ProgramRecord) -> dict[str, Any]:
    """The latest saved audit per vendor."""
    latest: dict[str, Any] = {}
    for record in store.list_check_results(program.id, CONTRACT_CHECK, limit=200):
        latest.setdefault(record.label, record)
    return latest


def _reaudit(payload: dict[str, Any], as_of: date, rubric: Rubric,
             agreement: float | None = None) -> dict[str, Any]:
    """A saved audit re-run from its stored profile at the chosen evaluation date (and measured
    agreement) under the program's current rubric, so its consequences are the scorecard's."""
    stored = payload.get("profile")
    if stored is None:
        return payload
    profile = ContractProfile.model_validate(stored)
    again = review_contract_profile(profile, as_of, rubric=rubric, source=payload["source"],
                                    agreement=agreement)
    out = again.to_payload()
    out["profile"] = stored
    for key in ("draft", "confirmation", "saved_by", "saved_at"):
        if key in payload:
            out[key] = payload[key]
    return out


def _status_style(value: object) -> str:
    colour = STATUS_COLOURS.get(str(value)) or SEVERITY_COLOURS.get(str(value))
    return f"background-color: {colour}" if colour else ""


def _show(payload: dict[str, Any], *, fresh_draft: bool = False) -> None:
    audit, evidence = payload["audit"], payload["scorecard_evidence"]
    head = f"{audit['vendor']}" + (f" — {audit['contract']}" if audit.get("contract") else "")
    st.subheader(ui.md(head))
    st.caption(f"From {ui.md(payload['source'])}, evaluated as of {audit['as_of']}.")
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

    if "draft" in payload and "confirmation" not in payload:
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
        st.markdown(f"- {ui.md(reason)}")
    if lock["portable"]:
        st.caption("Portable already: " + ", ".join(lock["portable"]))
    if audit.get("pricing_incentive"):
        st.info(f"Pricing incentive: {audit['pricing_incentive']}", icon=":material/payments:")

    flags = [f for f in audit["findings"] if f["red_flag"]]
    st.markdown("#### Red flags")
    if not flags:
        st.success("None of the framework's red flags.", icon=":material/check:")
    for f in flags:
        st.error(f"**{ui.md(f['code'])}**: {ui.md(f['reason'])}\n\n"
                 f"Ask the vendor: {ui.md(f['ask'])}", icon=":material/flag:")

    st.markdown("#### Findings and what to ask")
    others = [f for f in audit["findings"] if not f["red_flag"]]
    if not others:
        st.caption("No other findings.")
    for f in others:
        colour = SEVERITY_BADGES.get(f["severity"], "gray")
        st.markdown(
            f":{colour}-badge[{f['severity']}] :gray-badge[{f['status']}] "
            f"**{ui.md(f['clause'])}** — {ui.md(f['reason'])}  \n"
            f"*Ask the vendor:* {ui.md(f['ask'])}")

    if "confirmation" in payload:
        _show_confirmation(payload["confirmation"])
    elif "draft" in payload and not fresh_draft:
        st.markdown("#### Proposals from the draft (confirm each)")
        proposals = payload["draft"]["proposals"]
        if not proposals:
            st.info("No passage matched any clause.")
        for p in proposals:
            with st.container(border=True):
                st.markdown(f":orange-badge[needs confirmation] `{p['field']}` = "
                            f"{ui.md(repr(p['value']))} ({ui.md(p['location'])})")
                st.markdown("> " + ui.md(p["quote"]).replace("\n", "\n> "))
                if p.get("note"):
                    st.caption(p["note"])

    st.markdown("#### Scorecard evidence")
    st.caption("Suggested scores, and each finding's consequence under the program's rubric: the "
               "one the Providers & scorecard page applies.")
    st.dataframe(pd.DataFrame([{
        "Dimension": s["dimension"], "Suggested score": s["score"],
        "Why": "; ".join(s["reasons"])} for s in evidence["suggestions"]]),
        hide_index=True, width="stretch", key="ct_suggestions")
    if evidence["gates"]:
        st.dataframe(pd.DataFrame([{
            "Consequence": g.get("policy", g["effect"]), "Red flag": g.get("red_flag"),
            "Finding": g.get("finding"), "Reason": g["reason"]}
            for g in evidence["gates"]]), hide_index=True, width="stretch", key="ct_gates")
    else:
        st.caption("No finding the rubric maps to a red flag.")


def _acting_user() -> User | None:
    """Who is saving (from the identity in the sidebar); None, with a message, when nobody is."""
    user = st.session_state.get("channel_user")
    if isinstance(user, User):
        return user
    st.error("Saving records who did it: log in, or pick a demo user in the sidebar.",
             icon=":material/person_off:")
    return None


def _save(store: Store, program: ProgramRecord, payload: dict[str, Any], user: User) -> None:
    """Keep the audit for its vendor with who saved it and when, then show it."""
    vendor = payload["audit"]["vendor"]
    payload = {**payload, "saved_by": {"id": user.user_id, "name": user.name},
               "saved_at": datetime.now(UTC).isoformat(timespec="seconds")}
    store.add_check_result(program.id, CONTRACT_CHECK, payload, label=vendor)
    ui.flash(f"Audit for {vendor} saved; the reports use the latest one per vendor.")
    st.session_state["ct_pick"] = vendor
    st.rerun()


DECISION_LABELS = {"accept": "Accept", "edit": "Edit", "reject": "Reject"}
DECISION_BADGES = {"accept": ":green-badge[accepted]", "edit": ":blue-badge[edited]",
                   "reject": ":gray-badge[rejected]", None: ":orange-badge[needs confirmation]"}


def _confirm_and_save(store: Store, program: ProgramRecord, draft: DraftReview, sha: str,
                      as_of: date, agreement: float | None = None) -> None:
    """Each proposal beside its passage with accept / edit / reject; Save keeps confirmed values only."""
    st.markdown("#### Confirm each proposal against its passage")
    st.caption("Only accepted and edited values are saved; an undecided or rejected proposal leaves its "
               "clause unknown, which the audit reads as missing.")
    if not draft.proposals:
        st.info("No passage matched any clause.")
    decisions: dict[int, tuple[Any, object]] = {}
    for i, p in enumerate(draft.proposals):
        with st.container(border=True):
            left, right = st.columns([3, 2])
            choice = st.session_state.get(f"ct_dec_{sha[:12]}_{i}")
            left.markdown(f"{DECISION_BADGES[choice]} `{p.field}` = {ui.md(repr(p.value))} "
                          f"({ui.md(p.location)})")
            left.markdown("> " + ui.md(p.quote).replace("\n", "\n> "))
            if p.note:
                left.caption(p.note)
            right.radio("Decision", DECISIONS, index=None, key=f"ct_dec_{sha[:12]}_{i}",
                        format_func=DECISION_LABELS.__getitem__, horizontal=True,
                        label_visibility="collapsed")
            edited: object = None
            if choice == "edit":
                edited = right.text_input("Confirmed value", value=edit_text(p),
                                          key=f"ct_edit_{sha[:12]}_{i}", max_chars=2000)
            if choice is not None:
                decisions[i] = (choice, edited)
    undecided = len(draft.proposals) - len(decisions)
    vendor = draft.profile.vendor
    label = f"Save the confirmed profile for {vendor}"
    if undecided:
        st.caption(f"{undecided} of {len(draft.proposals)} proposals are not decided yet and would be left out.")
    if not st.button(label, type="primary", key="ct_save", icon=":material/save:",
                     disabled=not ui.may(Permission.AUDIT_CONTRACTS),
                     help=ui.not_for_role(Permission.AUDIT_CONTRACTS)):
        return
    user = _acting_user()
    if user is None:
        return
    try:
        done = confirm(draft, decisions, by_id=user.user_id, by_name=user.name, at=datetime.now(UTC))
    except InputError as exc:
        ui.show_problems(exc)
        return
    review = review_contract_profile(done.profile, as_of, rubric=load_program_rubric(store, program.id)[0],
                                     source=draft.source, draft=draft, agreement=agreement)
    payload = review.to_payload()
    payload["profile"] = done.profile.model_dump(mode="json")
    payload["confirmation"] = done.to_payload()
    _save(store, program, payload, user)


def _show_confirmation(confirmation: dict[str, Any]) -> None:
    """Who confirmed the saved profile, when, and each decision beside its passage."""
    counts = {d: sum(c["decision"] == d for c in confirmation["confirmations"]) for d in DECISIONS}
    st.markdown("#### Confirmed proposals")
    st.caption(f"Confirmed by {ui.md(confirmation['by_name'])} ({ui.md(confirmation['by'])}) on "
               f"{confirmation['at'][:16].replace('T', ' ')} UTC: {counts['accept']} accepted, "
               f"{counts['edit']} edited, {counts['reject']} rejected, {confirmation['undecided']} "
               "left undecided (not in the profile).")
    st.dataframe(pd.DataFrame([{
        "Field": c["field"], "Decision": c["decision"], "Proposed": repr(c["proposed"]),
        "Confirmed": "" if c["decision"] == "reject" else repr(c["value"]), "Where": c["location"],
        "Passage": c["quote"]} for c in confirmation["confirmations"]]),
        hide_index=True, width="stretch", key="ct_confirmed")


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

    c = st.columns([1, 1, 1])
    as_of = c[0].date_input("Evaluation date", value=date.today(), key="ct_as_of",
                            help="Certifications older than 12 months at this date are flagged.")
    if not isinstance(as_of, date):
        st.error("Choose one evaluation date.", icon=":material/error:")
        st.stop()
    agreement = c[2].number_input(
        "Measured agreement (optional)", min_value=0.0, max_value=1.0, value=None, step=0.01,
        format="%.3f", key="ct_agreement",
        help="The annotators' pairwise agreement, upper end of its interval (as the SLA check "
             "reports it): accuracy targets above (1 + agreement) / 2 are questioned.")
    c[1].download_button(
        "Blank questionnaire (xlsx)",
        data=lambda: with_provider_questions(
            write_questionnaire(None), load_program_rubric(store, program.id)[0].guide()
        ),
        file_name="contract-questionnaire.xlsx", icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        help="Fill it in with the vendor's answers and upload it here.")

    rubric = load_program_rubric(store, program.id)[0]
    uploaded = _upload_review(as_of, rubric, agreement)
    saved = _saved(store, program)
    if uploaded is not None:
        fresh, draft, sha = uploaded
        if draft is None:
            vendor = fresh["audit"]["vendor"]
            if st.button(f"Save this audit for {vendor}", type="primary", key="ct_save",
                         icon=":material/save:",
                         disabled=not ui.may(Permission.AUDIT_CONTRACTS),
                         help=ui.not_for_role(Permission.AUDIT_CONTRACTS)):
                user = _acting_user()
                if user is not None:
                    _save(store, program, fresh, user)
            _show(fresh)
            return
        _show(fresh, fresh_draft=True)
        _confirm_and_save(store, program, draft, sha, as_of, agreement)
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
    who = record.created_by or (record.payload.get("saved_by") or {}).get("name")
    by = f" by {ui.md(who)}" if who else ""
    st.caption(f"Saved {record.created_at:%Y-%m-%d %H:%M}{by}.")
    _show(_reaudit(record.payload, as_of, rubric, agreement))
    st.divider()
    ui.report_downloads(store, program, key="contract_report")


main()
