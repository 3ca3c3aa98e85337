"""Providers & scorecard page: weights, ranking and robustness, the score editor, the history of
score changes, and spreadsheet import. The arithmetic lives in `scorecard`, the mapping to the
store in `annogov.services.scoring`; this script only lays out widgets."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from annogov.services import scoring
from annogov.services.score_editor import EditorRow, anchor_text, editor_rows, edits_from_editor
from annogov.store import ConcurrentEditError, ProviderRecord, ScoreEdit
from annogov.store import measured as measured_repo
from app_pages import charts, decision, identity, ui
from governance.quality.vendors.history import measured_suggestions
from governance.reports import chart_data
from governance.reports.model import ScorecardPayload
from governance.roles import Permission, can
from ingest import InputError
from scorecard.card import score_sheet
from scorecard.dimensions import (
    BAND_ENTERPRISE,
    BAND_MATERIAL_RISK,
    BAND_OVERSIGHT,
    BANDS,
    DIMENSION_NAMES,
    formula_text,
)
from scorecard.measured import suggestion_rows
from scorecard.template import template_xlsx

WARN_KEY = "scorecard_warning"
BAND_COLOURS = {
    BAND_ENTERPRISE: "background-color: #c8e6c9; color: #1b5e20",
    BAND_OVERSIGHT: "background-color: #ffe0b2; color: #8a4b00",
    BAND_MATERIAL_RISK: "background-color: #ffcdd2; color: #8e0000",
}
INCOMPLETE_COLOUR = "background-color: #eceff1; color: #455a64"

store = ui.get_store()
program = ui.require_program(store)
user = identity.user_for_page()
st.title("Providers & scorecard")
st.caption(
    "Compare the shortlisted providers on five weighted dimensions, see how far the ranking can "
    "be trusted, and keep every evaluator's scores, comments and evidence in one place."
)
ui.show_flash()
warning = st.session_state.pop(WARN_KEY, None)
if warning:
    st.warning(warning, icon=":material/sync_problem:")

rubric, rubric_version = scoring.load_program_rubric(store, program.id)
providers = store.list_providers(program.id)
evaluations = store.list_evaluations(program.id)
provider_names = {p.id: p.name for p in providers}
evaluator_names = sorted({e.evaluator for e in evaluations})


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


tab_rank, tab_edit, tab_history, tab_import = st.tabs(
    ["Ranking & weights", "Edit scores", "Score history", "Import"], key="score_tabs", on_change="rerun"
)

# Ranking & weights -------------------------------------------------------------------------
with tab_rank:
    st.subheader("Weights")
    st.info(f"**How the total is worked out.** {formula_text(rubric.band_floors)}.", icon=":material/functions:")
    # Widgets keep what this tab typed; `loaded` is the saved version those edits started from.
    loaded_key = f"weights_loaded_{program.id}"
    keys = rubric.keys
    widget_keys = {k: f"weight_{program.id}_{k}" for k in keys}
    loaded: tuple[int, dict[str, float]] | None = st.session_state.get(loaded_key)
    untouched = loaded is None or all(
        st.session_state.get(widget_keys[k], loaded[1].get(k)) == loaded[1].get(k) for k in keys
    )
    if loaded is None or (loaded[0] != rubric_version and untouched):
        for k in keys:  # first visit, or another tab saved and this one changed nothing
            st.session_state[widget_keys[k]] = float(rubric.weights[k])
        loaded = (rubric_version, dict(rubric.weights))
        st.session_state[loaded_key] = loaded
    cols = st.columns(len(keys))
    weights: dict[str, float] = {}
    for col, key in zip(cols, keys, strict=True):
        weights[key] = col.number_input(
            f"{rubric.dimension(key).name} (%)",
            min_value=0.0,
            max_value=100.0,
            step=1.0,
            format="%g",
            key=widget_keys[key],
            help=rubric.dimension(key).primary_criterion,
        )
    problem = scoring.weights_problem(weights, rubric.names)
    total = sum(weights.values())
    changed = any(abs(weights[k] - rubric.weights[k]) > 1e-9 for k in keys)
    left, right = st.columns([3, 1])
    if problem:
        left.error(problem, icon=":material/error:")
    else:
        left.success(
            f"The weights add up to {total:g}."
            + (" Not saved yet: the ranking below uses them already." if changed else ""),
            icon=":material/check_circle:",
        )
    if right.button("Save weights", disabled=bool(problem) or not changed or not ui.may(Permission.EDIT_WEIGHTS),
                    key="save_weights", type="primary", help=ui.not_for_role(Permission.EDIT_WEIGHTS)):
        try:
            doc = scoring.save_program_weights(store, program.id, weights, expected_version=loaded[0])
        except ConcurrentEditError:
            st.session_state[WARN_KEY] = (
                "Another tab or colleague saved the weights first, so yours were not saved. "
                "Their weights are shown now; change them again if needed."
            )
            del st.session_state[loaded_key]  # reload the saved weights into the inputs
        else:
            st.session_state[loaded_key] = (doc.version, dict(weights))
            ui.flash("Weights saved to the program's rubric.")
        st.rerun()

    with (
        st.expander(f"Band floors: {rubric.band_floors[0]:g} and {rubric.band_floors[1]:g}"),
        st.form(f"band_floors_{program.id}"),
    ):
        low_col, high_col = st.columns(2)
        low = low_col.number_input(
            "Lowest total for 'viable with enhanced oversight'", value=float(rubric.band_floors[0]), step=1.0
        )
        high = high_col.number_input(
            "Lowest total for 'enterprise-grade'", value=float(rubric.band_floors[1]), step=1.0
        )
        if st.form_submit_button("Save band floors"):
            try:
                scoring.save_program_band_floors(store, program.id, (low, high), expected_version=rubric_version)
            except ValueError as exc:
                st.error(f"Nothing was saved: {exc}", icon=":material/error:")
            except ConcurrentEditError:
                st.session_state[WARN_KEY] = "Another tab saved the rubric first; the band floors were not saved."
                st.rerun()
            else:
                ui.flash("Band floors saved to the program's rubric.")
                st.rerun()
    decision.provenance_caption(rubric.weights_provenance)
    decision.elicitation_panel(store, program, rubric, rubric_version, loaded_key)

    method = st.radio(
        "Combine evaluators' scores by",
        ["mean", "median"],
        horizontal=True,
        key="consensus_method",
        help="The consensus of several evaluators; their spread is shown beside the score.",
    )
    stored = scoring.sheet_from_records(rubric, providers, evaluations)
    for note in stored.ignored:
        st.caption(f"Not scored: {note}")

    st.subheader("Ranking")
    if not providers:
        st.info("No providers yet: import a spreadsheet on the Import tab.")
    elif problem:
        st.info("Scoring waits until the weights add up to 100.")
    else:
        stored.sheet.rubric = rubric.with_weights(weights)
        with st.spinner("Scoring the providers..."):
            result = score_sheet(stored.sheet, method, as_of=date.today())
        payload: dict[str, Any] = result.to_payload()
        rows = pd.DataFrame(scoring.ranking_rows(payload))
        headline = scoring.ranking_headline(payload)
        if headline:
            st.markdown(f"**Top of the ranking:** {ui.md(headline)}")

        def _band_style(value: object) -> str:
            return BAND_COLOURS.get(str(value), INCOMPLETE_COLOUR)

        st.dataframe(
            rows.style.map(_band_style, subset=["Band"]).format(precision=2, na_rep="–"),
            hide_index=True,
            width="stretch",
            column_config=ui.table_config(rows.columns, pinned=("Rank", "Provider"), narrow=("Rank", "Gates")),
        )
        low, high = payload["band_floors"]
        st.caption(
            f"Bands on the exact total: :green-badge[enterprise-grade] {high:g} and above · "
            f":orange-badge[viable with enhanced oversight] {low:g} to below {high:g} · "
            f":red-badge[material delivery risk] below {low:g} or set by a knock-out gate. "
            "A knocked-out provider ranks after every eligible one. "
            "A provider with a missing score is incomplete and gets no band."
        )

        excluded = [p for p in payload["providers"] if p["complete"] and not p["eligible"]]
        if excluded:
            st.markdown("**Excluded by a knock-out gate** (ranked after every eligible provider)")
            st.error(
                "\n".join(f"- **{ui.md(p['name'])}**: {ui.md('; '.join(p['excluded_by']))}" for p in excluded),
                icon=":material/block:",
            )
        raised = [(p["name"], f) for p in payload["providers"] for f in p["red_flags"]]
        if raised:
            st.markdown("**Red flags** (each with the rubric's policy and where it came from)")
            st.dataframe(
                pd.DataFrame(
                    [
                        {
                            "Provider": name,
                            "Dimension": rubric.names.get(f["dimension"], f["dimension"]),
                            "Red flag": f"{f['key']}: {f['text']}",
                            "Policy": f["policy"],
                            "Source": f["source"],
                        }
                        for name, f in raised
                    ]
                ),
                hide_index=True,
                width="stretch",
            )

        for p in payload["providers"]:
            if not p["complete"]:
                missing = [f["message"] for f in p["flags"] if f["kind"] == "missing"]
                st.warning(
                    f"**{ui.md(p['name'])}** is incomplete, so it has no total and no band: " + "; ".join(missing),
                    icon=":material/pending:",
                )

        fired = [(p["name"], g) for p in payload["providers"] for g in p["gates"]]
        if fired:
            st.markdown("**Gates that fired**")
            st.error(
                "\n".join(
                    f"- **{ui.md(name)}**, {rubric.names.get(g['dimension'], g['dimension'])}: "
                    f"{ui.md(g['reason'])} ({ui.md(g['detail'])})"
                    for name, g in fired
                ),
                icon=":material/block:",
            )

        calibration = [
            (p["name"], f["message"]) for p in payload["providers"] for f in p["flags"] if f["kind"] == "calibration"
        ]
        if calibration:
            st.markdown("**Evaluators disagree**")
            st.warning(
                "\n".join(f"- **{ui.md(n)}**: {ui.md(m)}" for n, m in calibration),
                icon=":material/forum:",
            )
        others = [
            (p["name"], f["message"])
            for p in payload["providers"]
            for f in p["flags"]
            if f["kind"] not in {"calibration", "missing"}
        ]
        if others:
            with st.expander(f"Other flags ({len(others)}): evidence, overrides, blanks"):
                st.markdown("\n".join(f"- **{ui.md(n)}**: {ui.md(m)}" for n, m in others))

        spec = chart_data.scorecard_chart(ScorecardPayload.model_validate(payload))
        if spec is not None:
            st.subheader(spec.title)
            charts.show(spec, heading=False)
        else:
            st.subheader("Points by dimension")
            st.caption("No complete provider to chart yet.")

        st.subheader("How robust is the ranking?")
        robustness = payload["robustness"]
        if robustness["pairs"]:
            st.markdown("**What would swap neighbours in the ranking**")
            st.markdown("\n".join(f"- {ui.md(x['text'])}" for x in robustness["pairs"]))
        if robustness["boundaries"]:
            with st.expander("What would move a provider across a band boundary"):
                st.markdown("\n".join(f"- {ui.md(x['text'])}" for x in robustness["boundaries"]))
        if robustness["band_probabilities"]:
            st.markdown("**Band probabilities under the evaluators' spread**")
            table = [
                {
                    "Provider": name,
                    **{band: round(100 * probs[band], 1) for band in BANDS},
                    "Ranks first": round(100 * robustness["top_probability"].get(name, 0.0), 1),
                }
                for name, probs in robustness["band_probabilities"].items()
            ]
            st.dataframe(
                pd.DataFrame(table),
                hide_index=True,
                width="stretch",
                column_config={
                    band: st.column_config.NumberColumn(f"{band} (%)", format="%.1f")
                    for band in [*BANDS, "Ranks first"]
                },
            )
        st.caption(robustness["method"])
        decision.agreement_table(payload)
        decision.smaa_panel(payload, store, program, rubric, rubric_version)

# Edit scores -------------------------------------------------------------------------------
with tab_edit:
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
            _measured_panel(shown, base, edited.to_dict("records"), evaluator)

# Score history ---------------------------------------------------------------------------------
with tab_history:
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

# Import ----------------------------------------------------------------------------------------
with tab_import:
    st.subheader("Import a vendor spreadsheet")
    st.caption(
        "xlsx or CSV. Wide: one row per provider (and evaluator), one column per dimension or "
        "criterion. Long: one row per score with provider, dimension, evaluator and score. "
        "Headers are matched loosely and may sit below title rows. Every problem is listed "
        "with its row and column, and nothing is imported while any remains."
    )
    st.download_button(
        "Download a blank template (xlsx)",
        data=partial(  # built on click, not on every rerun of the page
            template_xlsx,
            rubric.with_weights(weights) if not problem else rubric,
            list(provider_names.values()),
            evaluator_names,
        ),
        file_name="annogov-scores-template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="template_download",
    )
    uploaded = st.file_uploader(
        "Scoring spreadsheet",
        type=["xlsx", "csv"],
        key=f"score_upload_{program.id}",
        help=ui.upload_limit_help(),
    )
    imported = None
    try:
        imported = ui.parse_upload(uploaded, scoring.scores_parser(rubric))
    except InputError as exc:
        ui.show_problems(exc)
        if uploaded is not None:
            ui.problem_preview(uploaded.getvalue(), uploaded.name, exc)
    if imported is not None:
        sheet = imported.sheet
        new = scoring.new_provider_names(sheet.providers, [p.name for p in providers])
        scored = int((~pd.isna(sheet.scores)).sum())
        st.success(
            f"Read {len(sheet.providers)} provider(s) and {len(sheet.evaluators)} evaluator(s), "
            f"{scored} score(s), {imported.shape} shape." + (f" New providers: {', '.join(new)}." if new else "")
        )
        for note in imported.warnings:
            st.caption(note)
        preview = pd.DataFrame(sheet.evaluation_rows())
        if not preview.empty:
            preview.columns = [str(c).capitalize() for c in preview.columns]
            st.caption("What will be imported, one row per score:")
            st.dataframe(preview, hide_index=True, width="stretch", height=min(400, 35 * (len(preview) + 1) + 3),
                         column_config=ui.table_config(preview.columns, pinned=("Provider",), wide=("Comment",)))
        use_weights = False
        if imported.header_weights:
            sheet_weights = ", ".join(f"{rubric.names.get(k, k)} {v:g}" for k, v in imported.header_weights.items())
            use_weights = st.checkbox(
                f"Also use the weights in the sheet's headers ({sheet_weights})",
                value=False,
                key="use_sheet_weights",
            )
        if st.button(f"Import into {program.name}", type="primary", key="import_scores",
                     disabled=not ui.may(Permission.SCORE_ANY), help=ui.not_for_role(Permission.SCORE_ANY)):
            summary = scoring.import_into_program(
                store,
                program.id,
                imported,
                changed_by=f"import of {uploaded.name}" if uploaded is not None else "import",
                use_sheet_weights=use_weights,
            )
            _reset_editors()
            ui.flash(
                f"Imported {summary.scores} score(s) for {len(summary.providers)} provider(s)"
                + (f", {len(summary.new_providers)} new" if summary.new_providers else "")
                + ("; the sheet's weights are now the program's" if summary.weights_saved else "")
                + "."
            )
            st.rerun()

st.divider()
ui.report_downloads(store, program, key="scorecard_report")
