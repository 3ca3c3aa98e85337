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
from annogov.store import ConcurrentEditError
from app_pages import charts, decision, identity, ui
from app_pages.scorecard_tabs import WARN_KEY, _reset_editors, edit_tab, history_tab
from governance.reports import chart_data
from governance.reports.model import ScorecardPayload
from governance.roles import Permission
from ingest import InputError
from scorecard.card import score_sheet
from scorecard.dimensions import (
    BAND_ENTERPRISE,
    BAND_MATERIAL_RISK,
    BAND_OVERSIGHT,
    BANDS,
    formula_text,
)
from scorecard.template import template_xlsx

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
    edit_tab(store, program, user, rubric, providers, evaluations, provider_names, evaluator_names)

# Score history ---------------------------------------------------------------------------------
with tab_history:
    history_tab(store, program, rubric, providers, provider_names)

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
