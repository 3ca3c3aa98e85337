"""Switching cost page: the scenario as a form of ranges, the taxonomy and its mapping, and the
Monte Carlo answer (bands, distribution, tornado, stay versus switch), all kept in the store."""

from __future__ import annotations

import json

import streamlit as st
import yaml

from annogov.services.switching_docs import SWITCHING_CHECK
from app_pages import decision, ui
from app_pages.switching_results import _money, _results, _run
from app_pages.switching_scenario import _EDIT, _form_problems, _save_scenario, _scenario_form, _scenario_picker
from app_pages.switching_taxonomy import _taxonomy
from ingest import InputError
from migration import scenario_from_dict, scenario_to_dict
from migration.switching import DEFAULT_SEED, DEFAULT_SIMULATIONS


def main() -> None:
    """The page body."""
    store = ui.get_store()
    program = ui.require_program(store)
    st.title("Switching cost")
    st.caption("What a change of provider really costs: taxonomy migration, re-annotation, "
               "retraining, the SLA gap and the knowledge that leaves with the old team, each "
               "from figures you know, as ranges, priced by simulation.")
    ui.show_flash()
    if st.session_state.get("sw_program") != program.id:
        st.session_state.pop("sw_picked", None)
        st.session_state.pop("sw_pick", None)
        st.session_state.pop("tx_pick", None)

    results_tab, scenario_tab, taxonomy_tab = st.tabs(["Results", "Scenario", "Taxonomy"], key="sw_tabs",
                                                       on_change="rerun")
    applied = None
    with scenario_tab:
        _scenario_picker(store, program)
        scenario = scenario_from_dict(st.session_state["sw_scenario"], "working scenario")
        st.caption(f"Working copy of {scenario.name!r} (from {st.session_state['sw_origin']}).")
        submitted = None
        if scenario_tab.open is not False:  # the form's many inputs are drawn only while its tab is open
            st.download_button(
                "Download this scenario (YAML)", key="sw_download", icon=":material/download:",
                data=yaml.safe_dump(scenario_to_dict(scenario), sort_keys=False, allow_unicode=True),
                file_name="scenario.yaml", mime="application/yaml")
            decision.correlation_note(scenario)
            submitted = _scenario_form(scenario)
        if submitted is not None:
            if scenario.correlation is not None:  # the form edits ranges; the matrix comes from the file
                submitted["correlation"] = scenario.correlation.model_dump()
            try:
                scenario = scenario_from_dict(submitted, "scenario form")
            except InputError as exc:
                _form_problems(exc, scenario)
            else:
                st.session_state["sw_scenario"] = scenario_to_dict(scenario)
                applied = st.empty()
    with taxonomy_tab:
        items = _taxonomy(store, program)
    with results_tab:
        c = st.columns(2)
        simulations = int(c[0].number_input(
            "Simulations", min_value=1_000, max_value=200_000, value=DEFAULT_SIMULATIONS,
            step=1_000, key="sw_sims", help="More draws give steadier percentiles."))
        seed = int(c[1].number_input("Seed", min_value=0, value=DEFAULT_SEED, step=1,
                                     key="sw_seed", help="The same seed gives the same draws."))
        if not 1_000 <= simulations <= 200_000:
            st.error("Simulations must be between 1,000 and 200,000.", icon=":material/error:")
            st.stop()
        with st.spinner(f"Running {simulations:,} simulations..."):
            payload, totals = _run(json.dumps(scenario_to_dict(scenario)), items, simulations,
                                   seed)
        if applied is not None:
            p50 = payload["percentiles"]["total"]["p50"]
            applied.success(f"Applied: the total is now {_money(p50, payload['currency'])} at "
                            "P50 (see Results). Save the scenario to keep it.",
                            icon=":material/check:")
        _results(payload, totals)
        st.divider()
        _save_scenario(store, program, scenario, payload)
        if st.button("Save this result for the reports only", key="sw_save_result", disabled=not ui.may(_EDIT),
                     help=ui.not_for_role(_EDIT)):
            store.add_check_result(program.id, SWITCHING_CHECK, payload, label=scenario.name)
            st.success("Result saved for the reports.", icon=":material/check:")
        saved = store.list_check_results(program.id, SWITCHING_CHECK, limit=5)
        if saved:
            st.caption("Latest saved results: " + "; ".join(
                f"{r.label} ({r.created_at:%Y-%m-%d %H:%M}, P50 "
                f"{_money(r.payload['percentiles']['total']['p50'], r.payload['currency'])})"
                for r in saved))
        ui.report_downloads(store, program, key="switching_report")


main()
