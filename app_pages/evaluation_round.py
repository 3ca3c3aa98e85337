"""Evaluation round page: a program manager opens a round with a panel and a consensus rule;
each evaluator declares conflicts of interest, scores alone and locks; once closed, everyone sees
the individual scores, the consensus by the rule, moderations with who and why, and agreement.
Every rule is enforced by `annogov.store.evaluation_round`; this script only lays out widgets."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from annogov.services.scoring import load_program_rubric
from annogov.store import ChannelRepository, EvaluationRoundRepository, utcnow
from app_pages import decision, identity, ui
from governance.roles import Permission, can
from scorecard.dimensions import DIMENSION_NAMES
from scorecard.evaluation_round import RULES, RoundInfo
from scorecard.panel_agreement import agreement_payload

store = ui.get_store()
program = ui.require_program(store)
user = identity.user_for_page()
manager = can(user, Permission.RUN_EVALUATION_ROUNDS)
moderator = can(user, Permission.MODERATE_SCORES)
rubric = load_program_rubric(store, program.id)[0]
st.title("Evaluation round")
st.caption("Evaluators declare conflicts of interest before they score, score alone and lock; "
           "nobody sees another evaluator's scores until the round closes. The consensus follows "
           "the round's rule; a moderated score is kept beside it with who and why.")
ui.show_flash()


def call(method: str, *args: Any) -> Any:
    """One repository call in its own transaction, as the acting user."""
    with store.transaction() as s:
        return getattr(EvaluationRoundRepository(s), method)(*args)


if manager:
    with st.expander("Open a new round"), st.form("open_round"):
        with store.transaction() as s:
            people = [p for p in ChannelRepository(s).list_users(user) if can(p, Permission.SCORE_OWN)]
        name = st.text_input("Round name", "Provider evaluation", max_chars=200)
        rule = st.selectbox("Consensus rule", list(RULES), format_func=lambda r: RULES[r])
        panel = st.multiselect("Panel", [p.user_id for p in people],
                               format_func=lambda uid: next(p.name for p in people if p.user_id == uid))
        if st.form_submit_button("Open the round", type="primary") and panel:
            chosen = [p for p in people if p.user_id in panel]
            with store.transaction() as s:  # the round scores the program rubric's dimensions
                info = EvaluationRoundRepository(s).create_round(user, program.id, name, rule, chosen, utcnow(),
                                                                 dimensions=rubric.keys)
            st.session_state["round_pick"] = info.round_id
            ui.flash(f"Round {ui.md(info.name)} opened for {len(chosen)} evaluators.")
            st.rerun()

rounds: list[RoundInfo] = call("list_rounds", user, program.id)
if not rounds:
    st.info("No evaluation round you take part in yet." + (" Open one above." if manager else ""))
    st.stop()
by_id = {r.round_id: r for r in rounds}
if st.session_state.get("round_pick") not in by_id:
    st.session_state["round_pick"] = rounds[-1].round_id
rid = st.selectbox("Round", list(by_id), key="round_pick",
                   format_func=lambda i: f"{by_id[i].name} ({by_id[i].status})")
info = by_id[rid]
NAMES = {**DIMENSION_NAMES, **rubric.names}
KEYS = info.dimensions
st.write(f"Consensus rule: {RULES[info.rule]}. Providers: {', '.join(info.providers)}.")
st.dataframe(pd.DataFrame([{
    "Evaluator": m.name, "Declared": m.declared_at is not None,
    "Conflicts": ", ".join(m.conflicts) if (manager or m.user_id == user.user_id) else "(private)",
    "Locked": m.locked_at is not None} for m in info.panel]), hide_index=True, width="stretch")

me = info.member(user.user_id)
if info.status == "open" and me is not None:
    if me.declared_at is None:
        st.subheader("Declare conflicts of interest")
        with st.form("declare"):
            conflicts = st.multiselect("I have a conflict of interest with", list(info.providers))
            statement = st.text_area("Statement (what the interest is, or 'none')", max_chars=2_000)
            if st.form_submit_button("Declare", type="primary"):
                call("declare", user, rid, conflicts, statement, utcnow())
                ui.flash("Declaration recorded; you can now score.")
                st.rerun()
    elif me.locked_at is None:
        st.subheader("Your scores (only you see them until the round closes)")
        mine = call("my_scores", user, rid)
        rows = [{"Provider": p, **{NAMES.get(k, k): mine.get((p, k), (None, ""))[0] for k in KEYS}}
                for p, conflicted in call("providers", user, rid) if not conflicted]
        edited = st.data_editor(pd.DataFrame(rows), hide_index=True, width="stretch", key=f"round_scores_{rid}",
                                disabled=["Provider"],
                                column_config={NAMES.get(k, k): st.column_config.NumberColumn(
                                    min_value=1.0, max_value=5.0, step=0.5) for k in KEYS})
        left, right = st.columns(2)
        if left.button("Save my scores", key="round_save", type="primary"):
            with store.transaction() as s:
                repo = EvaluationRoundRepository(s)
                for row in edited.to_dict("records"):
                    for k in KEYS:
                        value = row[NAMES.get(k, k)]
                        if value is not None and not pd.isna(value):
                            repo.score(user, rid, row["Provider"], k, float(value), "", utcnow())
            ui.flash("Scores saved.")
            st.rerun()
        if right.button("Lock my scores", key="round_lock",
                        help="After locking you cannot change them; they stay sealed until the round closes."):
            call("lock", user, rid, utcnow())
            ui.flash("Your scores are locked.")
            st.rerun()
    else:
        st.success("Your scores are locked; they unseal when the round closes.")

if info.status == "open" and manager and st.button("Close the round", key="round_close"):
    call("close_round", user, rid, utcnow())
    ui.flash("Round closed: the scores are unsealed.")
    st.rerun()

if info.status == "closed":
    result = call("results", user, rid)
    st.subheader("Results")
    st.dataframe(pd.DataFrame([{
        "Provider": c.provider, "Dimension": NAMES.get(c.dimension, c.dimension),
        "Individual": ", ".join(f"{e} {v:g}" for e, v in sorted(c.individual.items())),
        "Consensus": c.consensus, "Moderated": c.moderation.score if c.moderation else None,
        "By": c.moderation.by if c.moderation else "", "Why": c.moderation.reason if c.moderation else "",
        "Final": c.final} for c in result.cells]), hide_index=True, width="stretch")
    part = agreement_payload(call("agreement", user, rid))
    st.markdown("**Agreement between evaluators**")
    st.dataframe(pd.DataFrame([{"Dimension": NAMES.get(d["dimension"], d["dimension"]), "Alpha": d["alpha"],
                                "Low": d["low"], "High": d["high"], "Note": d["reason"] or ""}
                               for d in part["dimensions"]]), hide_index=True, width="stretch",
                 column_config=decision.ALPHA_COLUMNS)
    st.caption(part["method"])
    if moderator:
        with st.form("moderate"):
            st.markdown("**Moderate a score** (the consensus stays beside it)")
            c = st.columns(3)
            provider = c[0].selectbox("Provider", list(info.providers))
            dim = c[1].selectbox("Dimension", list(KEYS), format_func=lambda k: NAMES.get(k, k))
            score = c[2].number_input("Moderated score", 1.0, 5.0, 3.0, step=0.5)
            reason = st.text_input("Why", max_chars=1_000)
            if st.form_submit_button("Save moderation"):
                call("moderate", user, rid, provider, dim, score, reason, utcnow())
                ui.flash("Moderation saved beside the consensus.")
                st.rerun()
