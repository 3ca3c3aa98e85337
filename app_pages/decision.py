"""Decision-science panels the scorecard and switching pages share: weight elicitation from the
panel (AHP or swing), SMAA under uncertain weights, agreement between evaluators, and the
variance shares and rank correlation of the switching cost. Widgets only; the arithmetic is in
`scorecard.ahp`/`elicitation`/`smaa`/`panel_agreement` and `migration.sensitivity`."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from annogov.services import scoring
from annogov.store import ConcurrentEditError, ProgramRecord, Store
from app_pages import ui
from migration.scenario import Scenario
from scorecard.dimensions import DIMENSION_NAMES
from scorecard.elicitation import ElicitationResult, elicit, load_elicitation
from scorecard.panel_agreement import agreement_payload, panel_agreement
from scorecard.rubric import Rubric
from scorecard.smaa import smaa_of_scorecard
from scorecard.weight_space import WeightSpace

ALPHA_COLUMNS = {c: st.column_config.NumberColumn(c, format="%.2f") for c in ("Alpha", "Low", "High")}


def _parse_panel(data: bytes, name: str, keys: tuple[str, ...]) -> ElicitationResult:
    """The panel's YAML/JSON text into its elicitation result (located errors on bad input); a
    panel naming no criteria weighs the rubric's dimensions."""
    return elicit(load_elicitation(name, data=data, criteria=keys), source=name)


def provenance_caption(provenance: dict[str, Any] | None) -> None:
    """One line saying where the current weights came from."""
    if not provenance:
        st.caption("Weights typed directly.")
        return
    cr = provenance.get("panel_consistency_ratio")
    st.caption(
        f"Weights elicited by {provenance['method'].upper()} on {provenance['elicited_on']} from "
        f"{', '.join(provenance['evaluators'])} ({provenance['rule']}"
        + (f"; panel CR {cr:.3f}" if cr is not None else "") + ")."
    )


def elicitation_panel(store: Store, program: ProgramRecord, rubric: Rubric, rubric_version: int,
                      loaded_key: str) -> None:
    """Upload the panel's judgements, see each evaluator's CR, adopt the panel's weights."""
    with st.expander("Elicit the weights from the panel (AHP pairwise judgements or swing weights)"):
        st.caption("Paste the panel's judgements as YAML or JSON: per evaluator 'workforce vs "
                   "security: 3' (workforce matters three times as much), a full pairwise matrix, or "
                   "swing points; see examples/weights-ahp.yaml. A consistency ratio above 0.10 is "
                   "flagged with the pair to revisit; the panel is combined by the geometric mean.")
        text = st.text_area("Panel judgements", key="panel_weights_text", height=200,
                            placeholder="method: ahp\nevaluators:\n  - name: ...\n    judgements:\n"
                                        "      workforce vs security: 2\n      ...")
        if not text.strip():
            return
        result = _parse_panel(text.encode("utf-8"), "panel judgements.yaml", rubric.keys)
        names = rubric.names
        payload = result.to_payload()
        st.dataframe(pd.DataFrame([
            {"Evaluator": e["name"] + ("" if e["included"] else " (excluded)"),
             **{names.get(k, k): round(100 * v, 2) for k, v in e["weights"].items()},
             "Consistency": "-" if e["consistency"] is None else e["consistency"]["summary"]}
            for e in payload["evaluators"]]), hide_index=True, width="stretch", key="panel_weights_table")
        st.write("Panel weights: " + ", ".join(f"{names.get(k, k)} {v:g}"
                                              for k, v in result.percent.items()))
        if result.problem:
            st.error(result.problem, icon=":material/error:")
        usable = result.usable and set(result.percent) == set(rubric.keys)
        if result.usable and not usable:
            st.error(f"The panel weighs {', '.join(result.criteria)}; the program's rubric has "
                     f"{', '.join(rubric.keys)}.", icon=":material/error:")
        if st.button("Use as the program's weights", disabled=not usable, key="adopt_panel_weights"):
            try:
                scoring.save_elicited_weights(store, program.id, result.percent, result.provenance,
                                              expected_version=rubric_version)
            except ConcurrentEditError:
                st.warning("Another tab saved the weights first; nothing was saved. Try again.")
                return
            st.session_state.pop(loaded_key, None)  # the weight inputs reload the saved weights
            ui.flash("The panel's weights are now the program's weights.")
            st.rerun()


def smaa_panel(payload: dict[str, Any], store: Store, program: ProgramRecord, rubric: Rubric,
               rubric_version: int) -> None:
    """Rank acceptabilities under weight ranges or an order of importance, with the verdict; the
    ranges and order can be saved into the rubric so the CLI and the reports use the same."""
    st.subheader("How often does each provider win when the weights are uncertain?")
    st.caption("SMAA: weights drawn uniformly from every split summing to 100 that respects the "
               "ranges and the order below; each evaluator's spread is drawn too.")
    keys, label = rubric.keys, rubric.names
    names = {label[k]: k for k in keys}
    saved = rubric.weight_space or WeightSpace()
    order_key, range_keys = f"smaa_order_{program.id}", {k: f"smaa_range_{program.id}_{k}" for k in keys}
    if order_key not in st.session_state:  # first visit: start from the saved space
        st.session_state[order_key] = [label[k] for k in saved.order if k in label]
        for k in keys:
            st.session_state[range_keys[k]] = tuple(float(v) for v in saved.ranges.get(k, (0.0, 100.0)))
    order = st.multiselect("Order of importance (most important first; leave empty for none)",
                           list(names), key=order_key)
    ranges: dict[str, tuple[float, float]] = {}
    with st.expander("Weight ranges"):
        cols = st.columns(len(keys))
        for col, key in zip(cols, keys, strict=True):
            lo, hi = col.slider(label[key], 0.0, 100.0, step=1.0, key=range_keys[key])
            if (lo, hi) != (0.0, 100.0):
                ranges[key] = (lo, hi)
    space = WeightSpace(ranges=ranges, order=[names[n] for n in order] if len(order) > 1 else [])
    left, right = st.columns([3, 1])
    if space != saved:
        left.caption("Not saved: the reports use the program's saved ranges and order.")
        if right.button("Save ranges and order", key="save_weight_space"):
            try:
                scoring.save_weight_space(store, program.id, space if space != WeightSpace() else None,
                                          expected_version=rubric_version)
            except ConcurrentEditError:
                st.warning("Another tab saved the rubric first; nothing was saved. Try again.")
                return
            ui.flash("Weight ranges and order saved to the program's rubric.")
            st.rerun()
    result = smaa_of_scorecard(payload, space, draws=10_000, seed=0, source="weight ranges").to_payload()
    (st.success if result["verdict"].startswith("clear") else st.warning)(result["verdict"])
    ranks = min(3, len(result["providers"]))
    st.dataframe(pd.DataFrame([
        {"Provider": p["name"], **{f"Rank {r + 1} (%)": round(100 * p["rank_acceptability"][r], 1)
                                   for r in range(ranks)},
         "Confidence (%)": None if p["confidence"] is None else round(100 * p["confidence"], 1),
         "Central weights": "-" if p["central_weights"] is None else
         " / ".join(f"{p['central_weights'][k]:.0f}" for k in keys)}
        for p in sorted(result["providers"], key=lambda p: -p["first_rank"])]),
        hide_index=True, width="stretch", key="smaa_table")
    st.caption(f"{result['method']}. Central weights in the order "
               f"{', '.join(label[k] for k in keys)}; confidence: the chance the provider "
               "ranks first at its own central weights.")


def agreement_table(payload: dict[str, Any]) -> None:
    """Krippendorff's alpha between evaluators per dimension with its interval."""
    label = payload.get("dimension_names") or DIMENSION_NAMES
    part = agreement_payload(panel_agreement(payload, list(payload["weights"])))
    st.markdown("**Agreement between evaluators**")
    st.dataframe(pd.DataFrame([
        {"Dimension": label.get(d["dimension"], d["dimension"]), "Alpha": d["alpha"], "Low": d["low"],
         "High": d["high"], "Providers": d["providers"], "Note": d["reason"] or ""}
        for d in part["dimensions"]]), hide_index=True, width="stretch", key="agreement_table",
        column_config=ALPHA_COLUMNS)
    st.caption(part["method"])


def correlation_note(scenario: Scenario) -> None:
    """Say which inputs the scenario correlates (the matrix is edited in the scenario file)."""
    corr = scenario.correlation
    if corr is not None:
        st.info(f"This scenario rank-correlates {', '.join(corr.inputs)} (Iman-Conover); the matrix "
                "comes from the scenario file: download, edit its `correlation` block, upload.",
                icon=":material/link:")


def variance_panel(payload: dict[str, Any]) -> None:
    """Each input's share of the total's variance, and the rank correlation used, if any."""
    sens = payload.get("sensitivity")
    if sens and sens["rows"]:
        st.subheader("Share of the variance of the total")
        st.dataframe(pd.DataFrame([
            {"Input": r["label"], "Key": r["parameter"], "Contribution (%)": round(100 * r["contribution"], 1),
             "First-order index": r["first_order"], "Rank correlation": r["rank_correlation"]}
            for r in sens["rows"][:12]]), hide_index=True, width="stretch", key="sw_variance")
        st.caption(sens["method"])
    corr = payload.get("correlation")
    if corr:
        (st.warning if corr["repaired"] else st.info)(corr["note"], icon=":material/link:")
        st.dataframe(pd.DataFrame(corr["used"], index=corr["inputs"], columns=corr["inputs"]),
                     width="stretch", key="sw_correlation")
