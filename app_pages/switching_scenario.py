"""Switching cost page, scenario: saved scenarios to pick from, the form of ranges, problems, versioned save."""

from __future__ import annotations

from typing import Any

import streamlit as st

from annogov.services.switching_docs import (
    SWITCHING_CHECK,
)
from annogov.store import ConcurrentEditError, DocumentRecord, ProgramRecord, Store
from app_pages import ui
from app_pages.switching_results import AREA_TITLES
from governance.roles import Permission
from ingest import InputError
from migration import (
    Scenario,
    load_scenario,
    parameter_catalogue,
    scenario_from_dict,
    scenario_to_dict,
    section_help,
)
from migration.scenario import AREAS, SECTIONS

DISTRIBUTIONS = ["pert", "triangular"]
NEW_SCENARIO = "(new scenario from the defaults)"
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
