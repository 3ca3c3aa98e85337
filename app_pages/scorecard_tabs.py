"""Providers & scorecard page, the Edit scores and Score history tabs and the helpers the page shares with them."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from annogov.services.score_editor import EditorRow, anchor_text, editor_rows, edits_from_editor
from annogov.store import ConcurrentEditError, EvaluationRecord, ProgramRecord, ProviderRecord, ScoreEdit, Store
from annogov.store import measured as measured_repo
from app_pages import ui
from governance.quality.vendors.history import measured_suggestions
from governance.roles import Permission, User, can
from scorecard.dimensions import DIMENSION_NAMES
from scorecard.measured import suggestion_rows
from scorecard.rubric import Rubric

WARN_KEY = "scorecard_warning"


def _keep_valid(key: str, options: list[Any]) -> list[Any]:
    """Drop a remembered choice that is not among the options (another program, a deleted row)."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]
    return options


def _reset_editors() -> None:
    """Forget every loaded score table so the next run reloads from the database."""
    for key in [k for k in st.session_state if str(k).startswith("score_base_")]:
        del st.session_state[key]
    st.session_state["score_generation"] = st.session_state.get("score_generation", 0) + 1


def _dimension_name(slots: dict[tuple[str, str], EditorRow], provider: str, dimension: str) -> str:
    """The rubric's name of a dimension (as the score table shows it)."""
    slot = slots.get((provider, dimension))
    return slot.label if slot is not None else DIMENSION_NAMES.get(dimension, dimension)


def _measured_panel(
    store: Store, program: ProgramRecord, user: User,
    shown: list[ProviderRecord], base: list[EditorRow], edited: list[dict[str, Any]], evaluator: str
) -> None:
    """Beside this evaluator's Quality SLA and AI-assisted throughput scores, the suggestion from each
    provider's measured deliveries (`governance.quality.vendors.history.measured_suggestions`), with its
    rule and source;
    adopting one is an explicit button that saves that one score, audited like any other change."""
    st.markdown("**Measured suggestions** for Quality SLA and AI-assisted throughput")
    if not can(user, Permission.VIEW_INSIGHTS):
        st.caption("Suggestions from measured deliveries are shown to reviewers, engineers and program managers.")
        return
    suggestions = measured_suggestions(measured_repo.list_deliveries(store, user, program.id))
    slots = {(r.provider, r.dimension): r for r in base if r.criterion is None}
    rows = suggestion_rows([p.name for p in shown], suggestions, {k: r.score for k, r in slots.items()})
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Provider": r.provider,
                    "Dimension": _dimension_name(slots, r.provider, r.dimension),
                    "Your score": r.typed,
                    "Suggested": r.suggested,
                    "Source delivery": r.source,
                    "Because": r.because,
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    for rule in dict.fromkeys(r.rule for r in rows if r.rule):
        st.caption(f"Rule: {ui.md(rule)}")
    unsaved = bool(edits_from_editor(base, edited, evaluator).edits)
    for r in rows:
        slot = slots.get((r.provider, r.dimension))
        if r.suggested is None or slot is None or slot.score == r.suggested:
            continue
        name = _dimension_name(slots, r.provider, r.dimension)
        keep = "not scored yet" if slot.score is None else f"keeps {slot.score:g} unless you adopt"
        if st.button(
            f"Adopt {r.suggested} for {r.provider}: {name} ({keep})",
            key=f"adopt_{slot.provider_id}_{r.dimension}",
            disabled=unsaved or not ui.may(Permission.SCORE_OWN),
            help="Save or reload your edits in the table first." if unsaved else
            f"Saves {r.suggested} as {evaluator}'s score, noting {r.source} in the history.",
        ):
            edit = ScoreEdit(
                provider_id=slot.provider_id,
                evaluator=evaluator,
                dimension=r.dimension,
                score=float(r.suggested),
                comment=slot.comment,
                evidence=slot.evidence,
                expected_version=slot.version,
            )
            try:
                store.save_scores(program.id, [edit], note=f"adopted the measured suggestion from {r.source}")
            except ConcurrentEditError as exc:
                st.session_state[WARN_KEY] = "Another tab saved this score first; nothing was adopted. " + "; ".join(
                    exc.conflicts[:5]
                )
            else:
                ui.flash(f"Adopted {r.suggested} for {r.provider}: {name} (from {r.source}).")
            _reset_editors()
            st.rerun()


def edit_tab(
    store: Store, program: ProgramRecord, user: User, rubric: Rubric, providers: list[ProviderRecord],
    evaluations: list[EvaluationRecord], provider_names: dict[int, str], evaluator_names: list[str],
) -> None:
    """The Edit scores tab: the rubric guide, an evaluator's score table with Save and Reload, measured suggestions."""
    st.subheader("Scores per evaluator")
    with st.expander("Questions to ask each provider, and what a 1, 3 and 5 look like"):
        for guide in rubric.guide():
            st.markdown(
                f"**{ui.md(str(guide['name']))}** ({guide['weight']:g}%): {ui.md(str(guide['primary_criterion']))}"
            )
            anchors = guide["anchors"]
            assert isinstance(anchors, dict)
            st.markdown("\n".join(f"- **{k}**: {ui.md(v)}" for k, v in anchors.items()))
            questions = guide["questions"]
            assert isinstance(questions, list)
            st.markdown("\n".join(f"1. {ui.md(q)}" for q in questions))
        st.markdown("**Red flags and their policies**")
        st.dataframe(pd.DataFrame(rubric.policy_table()), hide_index=True, width="stretch")
    st.caption(
        "Each evaluator scores on their own; pick one, edit the table, then Save. Scores run from "
        "1 to 5 (decimals allowed); leave a cell blank for not scored. Every score change is "
        "kept in the history with who, when and why."
    )
    if not can(user, Permission.SCORE_OWN):
        st.info("Your role reads the scores; it does not change them.")
    elif not providers:
        st.info("No providers yet: import a spreadsheet on the Import tab.")
    else:
        new_label = "+ add an evaluator"
        c1, c2 = st.columns(2)
        choices = [*evaluator_names, new_label]
        if not can(user, Permission.SCORE_ANY):  # an evaluator edits only their own scores
            choices = [n for n in evaluator_names if user.owns_evaluator(n)] or [user.annotator_id or user.name]
        choice = c1.selectbox("Evaluator", _keep_valid("editor_evaluator", choices), key="editor_evaluator")
        evaluator = choice
        if choice == new_label:
            evaluator = c2.text_input("New evaluator's name", max_chars=200, key="new_evaluator")
        changed_by = (
            c2.text_input(
                "Note for the history (optional; who saved is your login)",
                max_chars=200,
                key="changed_by",
            )
            if choice != new_label
            else ""
        )
        evaluator = " ".join((evaluator or "").split())
        if not evaluator:
            st.info("Type the new evaluator's name to start their table.")
        else:
            only = st.selectbox(
                "Provider",
                _keep_valid("editor_provider", [0, *provider_names]),
                format_func=lambda pid: provider_names.get(pid, "All providers"),
                key="editor_provider",
            )
            shown = [p for p in providers if only in (0, p.id)]
            generation = st.session_state.get("score_generation", 0)
            base_key = f"score_base_{program.id}_{evaluator}_{only}"
            if base_key not in st.session_state:
                st.session_state[base_key] = editor_rows(rubric, shown, evaluations, evaluator)
            base: list[EditorRow] = st.session_state[base_key]
            frame = pd.DataFrame(
                {
                    "provider": [r.provider for r in base],
                    "dimension": [r.label for r in base],
                    "score": pd.array([r.score for r in base], dtype="Float64"),
                    "comment": [r.comment for r in base],
                    "evidence": [r.evidence for r in base],
                    "anchors": [anchor_text(rubric, r.dimension) for r in base],
                }
            )
            edited = st.data_editor(
                frame,
                key=f"score_editor_{program.id}_{evaluator}_{only}_{generation}",
                num_rows="fixed",
                hide_index=True,
                width="stretch",
                disabled=["provider", "dimension", "anchors"],
                column_config={
                    "provider": st.column_config.TextColumn("Provider"),
                    "dimension": st.column_config.TextColumn("Dimension"),
                    "score": st.column_config.NumberColumn(
                        "Score (1-5)", min_value=1.0, max_value=5.0, step=0.1, format="%g"
                    ),
                    "comment": st.column_config.TextColumn("Comment", max_chars=2000),
                    "evidence": st.column_config.TextColumn("Evidence", max_chars=4000),
                    "anchors": st.column_config.TextColumn(
                        "What a 1 / 3 / 5 looks like", help="The rubric's anchors for this dimension", width="large"
                    ),
                },
            )
            b1, b2, _ = st.columns([1, 1, 4])
            if b1.button("Save scores", type="primary", key="save_scores"):
                changes = edits_from_editor(base, edited.to_dict("records"), evaluator)
                if changes.problems:
                    st.error(
                        "Nothing was saved; fix these first:\n\n"
                        + "\n".join(f"- {ui.md(p)}" for p in changes.problems),
                        icon=":material/error:",
                    )
                elif not changes.edits:
                    st.info("Nothing changed since the table was loaded.")
                else:
                    try:
                        store.save_scores(program.id, changes.edits, note=changed_by)
                    except ConcurrentEditError as exc:
                        st.session_state[WARN_KEY] = (
                            "Another tab saved these scores first, so your edits were not "
                            "saved. The table now shows their version; apply your edit again. "
                            + "; ".join(exc.conflicts[:5])
                        )
                    else:
                        ui.flash(f"Saved {len(changes.edits)} change(s) for {evaluator}.")
                    _reset_editors()
                    st.rerun()
            if b2.button("Reload", key="reload_scores", help="Discard unsaved edits and reload"):
                _reset_editors()
                st.rerun()
            _measured_panel(store, program, user, shown, base, edited.to_dict("records"), evaluator)


def history_tab(store: Store, program: ProgramRecord, rubric: Rubric, providers: list[ProviderRecord],
                provider_names: dict[int, str]) -> None:
    """The Score history tab: every score change of one provider, newest first."""
    st.subheader("Score history")
    if not providers:
        st.info("No providers yet.")
    else:
        picked = st.selectbox(
            "Provider",
            _keep_valid("history_provider", list(provider_names)),
            format_func=lambda pid: provider_names[pid],
            key="history_provider",
        )
        history = store.score_history(program.id, provider_id=picked)
        if not history:
            st.info("No score changes recorded for this provider yet.")
        else:
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "When (UTC)": h.changed_at.strftime("%Y-%m-%d %H:%M:%S"),
                            "Who": h.changed_by,
                            "Evaluator": h.evaluator,
                            "Dimension": rubric.names.get(h.dimension, h.dimension)
                            + (f": {h.criterion}" if h.criterion else ""),
                            "Old": h.old_score,
                            "New": h.new_score,
                            "Comment": h.comment,
                            "Note": h.note,
                        }
                        for h in history
                    ]
                ),
                hide_index=True,
                width="stretch",
            )
