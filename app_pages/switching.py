"""Switching cost page: the scenario as a form of ranges, the taxonomy and its mapping, and the
Monte Carlo answer (bands, distribution, tornado, stay versus switch), all kept in the store."""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
import yaml

from annogov.services.switching_docs import (
    SWITCHING_CHECK,
    analyse_taxonomy_document,
    mapping_rows_of,
    taxonomy_document,
)
from annogov.services.uploads import read_upload
from annogov.store import ConcurrentEditError, DocumentRecord, ProgramRecord, Store
from app_pages import charts, decision, ui
from governance.reports import chart_data
from governance.reports.model import SwitchingPayload
from governance.roles import Permission
from ingest import InputError, Location, Problem
from migration import (
    Scenario,
    load_scenario,
    mapping_artifact,
    parameter_catalogue,
    scenario_from_dict,
    scenario_to_dict,
    section_help,
)
from migration.apply import load_dataset
from migration.infer import DualLabel, load_dual_sample
from migration.labelsets import LabelSet, load_label_set
from migration.mapping import MappingRow, identity_rows, load_mapping
from migration.scenario import AREAS, SECTIONS
from migration.switching import DEFAULT_SEED, DEFAULT_SIMULATIONS, switching_cost_and_totals

DISTRIBUTIONS = ["pert", "triangular"]
NEW_SCENARIO = "(new scenario from the defaults)"
NO_TAXONOMY = "(no taxonomy)"
AREA_TITLES = {
    "taxonomy_migration": "Taxonomy migration",
    "reannotation": "Re-annotation rework",
    "retraining": "Model retraining",
    "sla_gap": "SLA gap",
    "knowledge_loss": "Knowledge loss",
    "total": "Total",
}
SECTION_TITLES = {
    "volume": "Volume",
    "current_vendor": "Current vendor",
    "new_vendor": "New vendor",
    **{a: AREA_TITLES[a] for a in AREAS},
    "stay_vs_switch": "Stay versus switch",
}
PRICING_TITLES = {"per_label": "Per label", "staffing": "Staffed team (FTEs x hours)"}
# Plain figures (not ranges) the model holds per section, shown under that section's ranges.
_EDIT = Permission.EDIT_SWITCHING  # scenarios, taxonomies, mappings and results
PLAIN_FIELDS: dict[str, tuple[str, ...]] = {
    "knowledge_loss": ("baseline_agreement", "reset_agreement"),
    "stay_vs_switch": ("horizon_months",),
}


# parsers for ui.parse_upload: (bytes, file name) -> parsed; module-level so the cache key is stable


def _parse_scenario(data: bytes, name: str) -> Scenario:
    return load_scenario(name, data=data)


def _parse_label_set(data: bytes, name: str) -> LabelSet:
    return load_label_set(name, data=data)


def _parse_mapping(data: bytes, name: str) -> tuple[list[MappingRow], str]:
    return load_mapping(name, data=data)


def _parse_sample(data: bytes, name: str) -> list[DualLabel]:
    return load_dual_sample(name, data=data)


# scenario state ------------------------------------------------------------------------------


def _load_into_state(program: ProgramRecord, doc: DocumentRecord | None, scenario: dict[str, Any],
                     origin: str) -> None:
    """Make a scenario the tab's working copy; fresh widget keys so the form shows its values."""
    st.session_state["sw_scenario"] = scenario
    st.session_state["sw_doc"] = None if doc is None else (doc.name, doc.version)
    st.session_state["sw_origin"] = origin
    st.session_state["sw_program"] = program.id
    st.session_state["sw_token"] = st.session_state.get("sw_token", 0) + 1


def _picker(label: str, options: list[str], key: str, help: str) -> str:
    """A select box of saved names that honours `{key}_next` (set by a save before a rerun) and
    falls back to the first option when its choice has gone."""
    if f"{key}_next" in st.session_state:
        st.session_state[key] = st.session_state.pop(f"{key}_next")
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    return str(st.selectbox(label, options, key=key, help=help))


def _scenario_picker(store: Store, program: ProgramRecord) -> None:
    """Pick a saved scenario (or the defaults); loading it resets the form."""
    docs = {d.name: d for d in store.list_documents("scenario", program.id)}
    pick = _picker("Saved scenario", [*docs, NEW_SCENARIO], "sw_pick",
                   "Scenarios are saved in the program and shared with the team.")
    marker = (program.id, pick)
    if st.session_state.get("sw_picked") != marker or "sw_scenario" not in st.session_state:
        st.session_state["sw_picked"] = marker
        doc = docs.get(pick)
        if doc is None:
            _load_into_state(program, None, scenario_to_dict(Scenario()), "the defaults")
        else:
            valid = scenario_from_dict(doc.data, f"saved scenario {doc.name!r}")
            _load_into_state(program, doc, scenario_to_dict(valid), f"saved version {doc.version}")

    uploaded = st.file_uploader(
        "Or load a scenario file (YAML, JSON or the xlsx template)",
        type=["yaml", "yml", "json", "xlsx"], key="sw_upload", help=ui.upload_limit_help())
    if uploaded is not None:
        try:
            parsed = ui.parse_upload(uploaded, _parse_scenario)
        except InputError as exc:
            ui.show_problems(exc)
            return
        assert parsed is not None
        digest = (program.id, uploaded.name, uploaded.size, parsed.model_dump_json())
        if st.session_state.get("sw_upload_seen") != digest:
            st.session_state["sw_upload_seen"] = digest
            _load_into_state(program, None, scenario_to_dict(parsed), f"file {uploaded.name}")
        st.success(f"Working on {parsed.name!r} from {uploaded.name}; save it to keep it.",
                   icon=":material/upload_file:")


def _fmt(value: float) -> str:
    return "%.0f" if float(value).is_integer() and abs(value) >= 10 else "%.4g"


def _step(value: float, unit: str) -> float:
    if unit == "share" or abs(value) < 10:
        return 0.01
    return 1.0 if abs(value) < 1000 else 100.0


def _scenario_form(scenario: Scenario) -> dict[str, Any] | None:
    """The form; returns the submitted document (not yet validated) or None."""
    token = st.session_state["sw_token"]
    helps = section_help()
    catalogue = parameter_catalogue(scenario, unused=True)
    by_section: dict[str, list[Any]] = {}
    for info in catalogue:
        by_section.setdefault(info.section, []).append(info)
    with st.form(f"sw_form_{token}"):
        cols = st.columns([3, 1])
        name = cols[0].text_input("Scenario name", scenario.name, key=f"sw{token}:name",
                                  max_chars=200)
        currency = cols[1].text_input("Currency", scenario.currency, key=f"sw{token}:currency",
                                      max_chars=8)
        st.caption("Each figure is a range: low, most likely, high. Make all three equal for a "
                   "figure you know; a range is drawn from the shape you choose.")
        submitted_values: dict[str, Any] = {"name": name, "currency": currency}
        for section in SECTIONS:
            infos = by_section.get(section, [])
            plain = PLAIN_FIELDS.get(section, ())
            with st.expander(SECTION_TITLES[section], expanded=section in ("volume",)):
                st.caption(helps.get(section, ""))
                part: dict[str, Any] = {}
                if section in ("current_vendor", "new_vendor"):
                    part["pricing"] = _pricing_input(getattr(scenario, section).pricing,
                                                     f"sw{token}:{section}.pricing")
                for info in infos:
                    unused = "" if info.used else " · *not used with this vendor's pricing*"
                    st.markdown(f"**{info.label}** ({info.unit}){unused}", help=info.help)
                    c = st.columns([2, 2, 2, 1])
                    values: dict[str, Any] = {}
                    for col, which, title in zip(c[:3], ("low", "most_likely", "high"),
                                                 ("Low", "Most likely", "High"), strict=True):
                        current = float(getattr(info, which))
                        values[which] = col.number_input(
                            title, value=current, key=f"sw{token}:{info.key}:{which}",
                            step=_step(current, info.unit), format=_fmt(current),
                            help=f"{info.unit}" if which != "most_likely" else info.help)
                    values["distribution"] = c[3].selectbox(
                        "Shape", DISTRIBUTIONS, index=DISTRIBUTIONS.index(info.distribution),
                        key=f"sw{token}:{info.key}:distribution",
                        help="How a range is drawn: PERT weights the most likely value more "
                             "than the triangular shape does. Ignored for a point.")
                    part[info.name] = values
                model = getattr(scenario, section)
                for field in plain:
                    meta = type(model).model_fields[field]
                    current = float(getattr(model, field))
                    part[field] = st.number_input(
                        field.replace("_", " ").capitalize(), value=current,
                        key=f"sw{token}:{section}.{field}", step=0.01 if current < 10 else 1.0,
                        format=_fmt(current), help=meta.description)
                submitted_values[section] = part
        if st.form_submit_button("Apply and recalculate", type="primary"):
            return submitted_values
    return None


def _pricing_input(current: str, key: str) -> str:
    """How a vendor is priced; the figures of the other pricing stay in the form but are not used."""
    return str(st.radio(
        "Pricing", list(PRICING_TITLES), index=list(PRICING_TITLES).index(current),
        format_func=PRICING_TITLES.__getitem__, key=key, horizontal=True,
        help="Per label: price / first-pass yield per usable label. Staffed team: FTEs x hours "
             "per month x hourly rate, plus milestone payments spread over the horizon; the "
             "team's hours hold its own rework. Only the chosen pricing's figures are used."))


def _form_problems(exc: InputError, scenario: Scenario) -> None:
    """The form's validation problems, each named by its label and its section.parameter key."""
    labels = {p.key: p.label for p in parameter_catalogue(scenario, unused=True)}
    lines = []
    for problem in exc.problems:
        key, _, message = problem.message.partition(": ")
        label = labels.get(key, key.replace("_", " ").replace(".", ": "))
        lines.append(f"- **{ui.md(label)}** (`{key}`): {ui.md(message)}")
    st.error("The figures were not applied; the results below are for the last valid scenario."
             "\n\n" + "\n".join(lines), icon=":material/error:")


def _save_scenario(store: Store, program: ProgramRecord, scenario: Scenario,
                   payload: dict[str, Any] | None) -> None:
    """Save the working scenario (version-checked) and its latest result for the reports."""
    loaded = st.session_state.get("sw_doc")
    with st.form("sw_save"):
        name = st.text_input("Save as", value=loaded[0] if loaded else scenario.name,
                             max_chars=200, key="sw_save_name")
        if not st.form_submit_button("Save scenario", icon=":material/save:", disabled=not ui.may(_EDIT),
                                     help=ui.not_for_role(_EDIT)):
            return
    name = name.strip()
    existing = store.get_document("scenario", program.id, name) if name else None
    if loaded is not None and loaded[0] == name:
        expected = loaded[1]
    elif existing is not None:
        st.error(f"A scenario named {name!r} already exists. Pick it above to edit it, or save "
                 "under another name.", icon=":material/error:")
        return
    else:
        expected = 0
    try:
        with store.transaction():
            doc = store.save_document("scenario", program.id, name, scenario_to_dict(scenario),
                                      expected_version=expected)
            if payload is not None:
                store.add_check_result(program.id, SWITCHING_CHECK, payload, label=doc.name)
    except ConcurrentEditError as exc:
        st.warning(f"Not saved: another tab or colleague saved scenario {name!r} first. "
                   f"{exc}", icon=":material/sync_problem:")
        return
    st.session_state["sw_doc"] = (doc.name, doc.version)
    st.session_state["sw_pick_next"] = doc.name
    st.session_state["sw_picked"] = (program.id, doc.name)
    ui.flash(f"Scenario {doc.name!r} saved (version {doc.version}) with its result.")
    st.rerun()


# taxonomy ----------------------------------------------------------------------------------


def _taxonomy_upload(store: Store, program: ProgramRecord) -> None:
    """Upload label sets (and optionally a mapping, a dual-labelled sample, a dataset) and save."""
    with st.expander("Upload a taxonomy", expanded=False):
        st.caption("Label sets are CSV/xlsx with a `label` column and an optional `parent` "
                   "column (or paths such as `vehicle/truck`), or JSON. A mapping has `old_label` "
                   "and `new_label`; an empty `new_label` drops the class. The dual-labelled "
                   "sample has `item_id, old_label, new_label`; the dataset `item_id, label` and "
                   "optionally `taxonomy_version`.")
        name = st.text_input("Taxonomy name", "Taxonomy", max_chars=200, key="tx_name")
        types = ["csv", "xlsx", "json"]
        c = st.columns(2)
        old_file = c[0].file_uploader("Old label set", type=types, key="tx_old")
        new_file = c[1].file_uploader("New label set", type=types, key="tx_new")
        map_file = c[0].file_uploader("Mapping (optional)", type=["csv", "xlsx"], key="tx_map")
        sample_file = c[1].file_uploader("Dual-labelled sample (optional)", type=["csv", "xlsx"],
                                         key="tx_sample")
        data_file = st.file_uploader("Labelled dataset (optional: counts the items to "
                                     "re-annotate)", type=["csv", "xlsx", "parquet"],
                                     key="tx_dataset", help=ui.upload_limit_help())
        if not st.button("Save taxonomy", key="tx_save", icon=":material/save:", disabled=not ui.may(_EDIT),
                         help=ui.not_for_role(_EDIT)):
            return
        if old_file is None or new_file is None:
            st.error("Upload both the old and the new label set.", icon=":material/error:")
            return
        try:
            old = ui.parse_upload(old_file, _parse_label_set)
            new = ui.parse_upload(new_file, _parse_label_set)
            assert old is not None and new is not None
            mapped = ui.parse_upload(map_file, _parse_mapping)
            sample = ui.parse_upload(sample_file, _parse_sample)
            dataset = None
            if data_file is not None:
                upload = read_upload(data_file)
                dataset = load_dataset(upload.name, old, new, data=upload.data)
            doc = taxonomy_document(
                old, new, sample=sample, dataset=dataset,
                sample_source=sample_file.name if sample_file is not None else "sample")
            table = None if mapped is None else [r.model_dump() for r in mapped[0]]
            result = analyse_taxonomy_document(doc, table)
        except InputError as exc:
            ui.show_problems(exc)
            return
        rows = mapping_rows_of(result) if table is None else table
        name = name.strip()
        if name and store.get_document("taxonomy", program.id, name) is not None:
            st.error(f"A taxonomy named {name!r} already exists; choose another name.",
                     icon=":material/error:")
            return
        with store.transaction():
            store.save_document("taxonomy", program.id, name, doc, expected_version=0)
            store.save_document("mapping", program.id, name, {"rows": rows},
                                expected_version=None)
        st.session_state["tx_pick_next"] = name
        ui.flash(f"Taxonomy {name!r} saved with its mapping ({result.mapping_source}).")
        st.rerun()


def _taxonomy(store: Store, program: ProgramRecord) -> int | None:
    """The taxonomy part; returns the re-annotation count to feed the scenario, if chosen."""
    docs = {d.name: d for d in store.list_documents("taxonomy", program.id)}
    pick = _picker("Taxonomy", [*docs, NO_TAXONOMY], "tx_pick",
                   "A pair of label sets with its mapping, saved in the program.")
    _taxonomy_upload(store, program)
    doc = docs.get(pick)
    if doc is None:
        st.info("No taxonomy chosen: the scenario's own estimate of items to re-annotate is used.")
        return None
    mapping_doc = store.get_document("mapping", program.id, doc.name)
    old = LabelSet.model_validate(doc.data["old"])
    new = LabelSet.model_validate(doc.data["new"])
    if mapping_doc is not None:
        rows = mapping_doc.data.get("rows", [])
    else:
        rows = [r.model_dump(include={"old_label", "new_label"}) for r in identity_rows(old, new)]

    st.subheader("Mapping")
    st.caption("One row per old -> new pair. An old label on several rows is a split; a new label "
               "reached from several old ones is a merge; an empty new label drops the class. "
               "Edits are kept only when you press Save mapping.")
    source = pd.DataFrame(rows, columns=["old_label", "new_label"])
    version = mapping_doc.version if mapping_doc is not None else 0
    edited = st.data_editor(
        source, key=f"tx_editor_{program.id}_{doc.name}_{version}", num_rows="dynamic",
        hide_index=True, width="stretch",
        column_config={
            "old_label": st.column_config.SelectboxColumn("Old label", options=old.labels,
                                                          required=True),
            "new_label": st.column_config.SelectboxColumn(
                "New label", options=new.labels, help="Leave empty to drop the class"),
        })
    if st.button("Save mapping", key="tx_save_mapping", icon=":material/save:", disabled=not ui.may(_EDIT),
                 help=ui.not_for_role(_EDIT)):
        try:
            new_rows = _editor_rows(edited)
            analyse_taxonomy_document(doc.data, new_rows)
        except InputError as exc:
            st.error("The mapping was not saved.", icon=":material/error:")
            ui.show_problems(exc)
        else:
            try:
                store.save_document("mapping", program.id, doc.name, {"rows": new_rows},
                                    expected_version=version)
            except ConcurrentEditError as exc:
                st.warning(f"Not saved: another tab saved this mapping first. {exc}",
                           icon=":material/sync_problem:")
            else:
                ui.flash(f"Mapping for {doc.name!r} saved.")
                st.rerun()

    try:
        result = analyse_taxonomy_document(doc.data, rows)
    except InputError as exc:
        st.error("The saved mapping no longer fits the label sets; fix it in the editor.",
                 icon=":material/error:")
        ui.show_problems(exc)
        return None
    payload = result.to_payload()
    _classification(payload)
    st.download_button(
        "Mapping artefact for the next vendor (JSON)", key="tx_artifact",
        data=lambda: json.dumps(mapping_artifact(result, version=str(version or 1)), indent=2),
        file_name=f"{doc.name}-mapping-v{version or 1}.json", mime="application/json",
        icon=":material/download:",
        help="The mapping with both label sets, versioned and checksummed.")
    items = result.reannotation_items
    if items is None:
        st.info("Upload a labelled dataset with the taxonomy to count the items to re-annotate.")
        return None
    use = st.checkbox(f"Use this count ({items:,} items to re-annotate) in the scenario",
                      value=True, key="tx_feed",
                      help="Replaces the scenario's estimate of items in split classes.")
    return items if use else None


def _editor_rows(edited: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for i, rec in enumerate(edited.to_dict("records"), start=1):
        old = rec.get("old_label")
        new = rec.get("new_label")
        old_text = "" if old is None or (isinstance(old, float) and np.isnan(old)) else str(old)
        new_text = "" if new is None or (isinstance(new, float) and np.isnan(new)) else str(new)
        if not old_text.strip() and not new_text.strip():
            continue
        if not old_text.strip():
            raise_at = Location("mapping editor", row=i, column="old_label")
            raise InputError([Problem(raise_at, "empty old label")])
        rows.append({"old_label": old_text.strip(), "new_label": new_text.strip() or None,
                     "row": i})
    return rows


def _classification(payload: dict[str, Any]) -> None:
    totals = payload["totals"]
    cols = st.columns(5)
    for col, kind, title in zip(cols, ("one_to_one", "merge", "split", "dropped", "new"),
                                ("One to one", "Merge", "Split", "Dropped", "New"), strict=True):
        col.metric(title, totals[kind])
    table = pd.DataFrame([{
        "Old class": c["old_label"], "Kind": c["kind"], "Targets": ", ".join(c["targets"]),
        "Renamed": c["renamed"], "Rule can relabel": c["rule"], "Items": c["items"],
        "Relabelled": c["relabelled"], "Re-annotate": c["reannotate"],
        "Dropped items": c["dropped_items"]} for c in payload["classes"]])
    st.dataframe(table, hide_index=True, width="stretch", key="tx_classes")
    if payload["new"]:
        st.caption("New classes with no source: " + ", ".join(payload["new"]))
    inferred = payload.get("inferred")
    if inferred:
        st.markdown("**Proposals from the dual-labelled sample**")
        st.dataframe(pd.DataFrame([{
            "Old class": p["old_label"], "Sample items": p["items"],
            "Proposed targets": ", ".join(p["targets"]), "Purity": p["purity"],
            "Scattered (needs people)": p["scattered"],
            "Agrees with mapping": p.get("matches_mapping"), "Note": p.get("reason") or ""}
            for p in inferred["proposals"]]), hide_index=True, width="stretch",
            key="tx_proposals",
            column_config={"Purity": st.column_config.ProgressColumn(
                "Purity", min_value=0.0, max_value=1.0, format="percent")})
    if totals.get("reannotation_items") is not None:
        st.metric("Items to re-annotate (split classes)", f"{totals['reannotation_items']:,}")


# results -----------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=16)
def _run(scenario_json: str, items: int | None, simulations: int,
         seed: int | None) -> tuple[dict[str, Any], np.ndarray]:
    """The payload and the simulated totals its bands were taken from (one simulation)."""
    scenario = scenario_from_dict(json.loads(scenario_json), "working scenario")
    result, totals = switching_cost_and_totals(scenario, simulations=simulations, seed=seed,
                                               reannotation_items=items)
    return result.to_payload(), totals


@st.cache_data(show_spinner=False, max_entries=16)
def _histogram(totals: np.ndarray, bins: int = 50) -> pd.DataFrame:
    """The simulated totals binned here: the browser gets 50 rows, not every simulation."""
    counts, edges = np.histogram(totals, bins=bins)
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "count": counts})


def _money(x: float | None, currency: str) -> str:
    return "n/a" if x is None else f"{currency} {x:,.0f}"


def _months(x: float | None) -> str:
    return "never within the horizon" if x is None else f"month {x:.1f}"


def _results(payload: dict[str, Any], totals: np.ndarray) -> None:
    cur = payload["currency"]
    pct, det = payload["percentiles"], payload["deterministic"]
    cols = st.columns(4)
    cols[0].metric("Total P10", _money(pct["total"]["p10"], cur))
    cols[1].metric("Total P50", _money(pct["total"]["p50"], cur))
    cols[2].metric("Total P90", _money(pct["total"]["p90"], cur))
    cols[3].metric("At the most likely inputs", _money(det["total"], cur))
    st.caption(f"{payload['simulations']:,} simulations, seed {payload['seed']}; items to "
               f"re-annotate from the {payload['reannotation_items_from']}.")

    st.subheader("Cost per area")
    st.dataframe(pd.DataFrame([{
        "Area": AREA_TITLES[k], "Most likely inputs": det[k], "P10": pct[k]["p10"],
        "P50": pct[k]["p50"], "P90": pct[k]["p90"]} for k in (*AREAS, "total")]),
        hide_index=True, width="stretch", key="sw_areas",
        column_config={c: st.column_config.NumberColumn(c, format="%,.0f")
                       for c in ("Most likely inputs", "P10", "P50", "P90")})

    left, right = st.columns(2)
    with left:
        st.subheader("Distribution of the total")
        frame = _histogram(totals)
        marks = pd.DataFrame({"value": [pct["total"][q] for q in ("p10", "p50", "p90")],
                              "band": ["P10", "P50", "P90"]})
        hist = alt.Chart(frame).mark_bar(opacity=0.8).encode(
            x=alt.X("start:Q", title=f"Switching cost ({cur})"), x2="end:Q",
            y=alt.Y("count:Q", title="Simulations"),
            tooltip=[alt.Tooltip("start:Q", format=",.0f"), alt.Tooltip("end:Q", format=",.0f"), "count:Q"])
        rules = alt.Chart(marks).mark_rule(color="#d62728", strokeDash=[4, 3]).encode(
            x="value:Q", tooltip=["band", alt.Tooltip("value:Q", format=",.0f")])
        st.altair_chart(hist + rules, width="stretch")
        st.caption("How often each total came up in the simulations; the dashed lines are P10, P50 and P90.")
    with right:
        spec = chart_data.tornado_chart(SwitchingPayload.model_validate(payload), currency=cur)
        if spec is None:
            st.subheader("Which inputs move the switching cost most")
            st.info("Every input is a point: nothing to rank.")
        else:
            st.subheader(spec.title)
            charts.show(spec, heading=False)
    decision.variance_panel(payload)

    st.subheader("Stay or switch")
    sv = payload["stay_vs_switch"]
    cols = st.columns(4)
    cols[0].metric("Break-even (P50)", _months(sv["break_even_month_p50"]))
    cols[1].metric("Break-even (P90, cautious)", _months(sv["break_even_month_p90"]))
    cols[2].metric("Chance switching is cheaper", f"{sv['probability_switch_cheaper']:.0%}",
                   help=f"Within the {sv['horizon_months']:g}-month horizon")
    months = sv["cost_in_months_of_current_fees"]
    cols[3].metric("Cost in months of current fees",
                   "n/a" if months.get("p50") is None else f"{months['p50']:.1f} (P50)",
                   help="P90: " + ("n/a" if months.get("p90") is None
                                   else f"{months['p90']:.1f}"))
    if sv.get("break_even_reason"):
        st.warning(sv["break_even_reason"], icon=":material/info:")
    st.write(
        f"Current vendor {_money(sv['current_monthly_fee'], cur)} a month, new vendor "
        f"{_money(sv['new_monthly_fee'], cur)} (most likely): a saving of "
        f"{_money(sv['monthly_saving'], cur)} a month. Over {sv['horizon_months']:g} months, "
        f"staying costs {_money(sv['stay_cost_over_horizon'], cur)} and switching "
        f"{_money(sv['switch_cost_over_horizon'], cur)} including the switching cost.")
    st.caption(f"Current fee, {sv['current_fee_basis']}. New fee, {sv['new_fee_basis']}.")

    with st.expander("Deterministic breakdown and per-label figures"):
        d = payload["derived"]
        st.dataframe(pd.DataFrame([
            {"Figure": "New vendor, cost per usable label", "Value": d["new_cost_per_usable_label"]},
            {"Figure": "Current vendor, cost per usable label",
             "Value": d["current_cost_per_usable_label"]},
            {"Figure": "New vendor with fixed program cost, normal weeks",
             "Value": d["normal_price_per_label_with_fixed_cost"]},
            {"Figure": "New vendor with fixed program cost, during the gap",
             "Value": d["gap_price_per_label_with_fixed_cost"]},
        ]), hide_index=True, width="stretch", key="sw_derived",
            column_config={"Value": st.column_config.NumberColumn(format="%.4f")})
        if d.get("gap_price_reason"):
            st.caption(d["gap_price_reason"])
        curve = pd.DataFrame(d["recovery_curve"])
        st.altair_chart(alt.Chart(curve).mark_line(point=True).encode(
            x=alt.X("week:Q", title="Week after the switch"),
            y=alt.Y("agreement:Q", title="Agreement", scale=alt.Scale(zero=False))),
            width="stretch")


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
