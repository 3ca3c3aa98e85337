"""SLA check page: the contract's terms (defaults, a file or a contract profile, edited in a
table and saved), a delivery checked against them, and every result with its evidence."""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from annogov.services import sla_store
from annogov.services.uploads import read_upload
from annogov.store import ProgramRecord, Store
from app_pages import ui
from app_pages.sla_results import _saved_checks
from app_pages.sla_terms import _terms_editor
from contracts.sla_terms import SlaTermSet
from governance.quality.reading.columns import ColumnMapping, load_mapping, parse_column_flags
from governance.quality.reading.delivery import open_delivery
from governance.quality.reading.delivery_counts import count_delivery
from governance.quality.sla.qa_plan import acceptance_plan
from governance.quality.sla.sla_check import check_counts
from governance.reports.qa_plan_pdf import qa_plan_pdf
from governance.roles import Permission
from ingest import InputError

CHECKED = "sla_checked"  # (delivery sha256, mapping, terms version) -> stored check id


# -- delivery and check ---------------------------------------------------------------------


def _mapping(text: str) -> ColumnMapping:
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return parse_column_flags(lines) if lines else ColumnMapping()


def _mapping_file(data: bytes, name: str) -> ColumnMapping:
    """An uploaded mapping file read by the same loader as `annogov sla-check --column-map`."""
    suffix = Path(name).suffix.lower() or ".yaml"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"mapping{suffix}"
        path.write_bytes(data)
        try:
            return load_mapping(path)
        except InputError as exc:
            named = [dataclasses.replace(p, location=dataclasses.replace(p.location, file=name)) for p in exc.problems]
            raise InputError(named) from None


def _combined_mapping(uploaded: Any, text: str) -> ColumnMapping:
    """The uploaded mapping file, overridden line by line by what is typed."""
    base = ColumnMapping() if uploaded is None else _mapping_file(uploaded.getvalue(), uploaded.name)
    typed = _mapping(text)
    if not base.columns:
        return typed
    return ColumnMapping(columns={**base.columns, **typed.columns})


def _whose(store: Store, program: ProgramRecord) -> tuple[str, str, date] | None:
    """Which provider the delivery is from, the guideline version and the date (None: not all given)."""
    providers = [p.name for p in store.list_providers(program.id)]
    if not providers:
        st.info(
            "Add the program's providers on the Providers & scorecard page first: each check is a provider's delivery."
        )
        return None
    if st.session_state.get("sla_provider") not in (None, *providers):  # chosen in another program
        del st.session_state["sla_provider"]
    c1, c2, c3 = st.columns([2, 1, 1])
    provider = c1.selectbox(
        "Delivered by",
        providers,
        index=None,
        key="sla_provider",
        placeholder="Which provider is this delivery from?",
        help="The check is saved as this provider's delivery and joins its vendor history.",
    )
    version = c2.text_input("Guideline version", key="sla_guideline_version", max_chars=100)
    delivered = c3.date_input("Delivered on", value=date.today(), key="sla_delivered", format="YYYY-MM-DD")
    if provider is None or not version.strip() or not isinstance(delivered, date):
        st.caption("Choose the provider, the guideline version and the delivery date, then upload the delivery.")
        return None
    return provider, version.strip(), delivered


def _run_check(store: Store, program: ProgramRecord, terms: SlaTermSet, version: int) -> None:
    st.subheader("Check a delivery")
    whose = _whose(store, program)
    if whose is None:
        return
    file = st.file_uploader(
        "Delivery",
        type=["csv", "tsv", "parquet", "jsonl", "ndjson", "xlsx", "json"],
        key="sla_delivery",
        help="One row per annotation: item_id, annotator_id, label; optional category, task_type, "
        "gold_label, qa_result, submitted_at, due_at, batch. CSV, Parquet, JSONL, xlsx or a "
        "Label Studio JSON export. " + ui.upload_limit_help(),
    )
    with st.expander("Column mapping (when the file uses other column names)"):
        mapping_file = st.file_uploader(
            "Mapping file (YAML or JSON)",
            type=["yaml", "yml", "json"],
            key="sla_mapping_file",
            help="`columns:` with one `canonical: your column` per line, as in examples/column-mapping.yaml.",
        )
        mapping_text = st.text_area(
            "Or type one canonical=column per line (these win over the file)",
            key="sla_mapping",
            placeholder="item_id=task\nannotator_id=worker\nlabel=answer",
        )
    if file is None:
        return
    upload = read_upload(file)
    mapping = _combined_mapping(mapping_file, mapping_text)
    key = (upload.sha256, mapping.model_dump_json(), version, program.id, whose)
    done = st.session_state.get(CHECKED)
    if done is not None and done[0] == key:
        st.session_state["sla_delivery_data"] = (upload.name, upload.data, mapping.model_dump_json())
        return
    failed = st.session_state.get("sla_failed")
    if failed is not None and failed[0] == key:  # the same bad file: its problems, without reading it again
        raise InputError(failed[1])
    progress = st.progress(0, text=f"Reading {upload.name}...")
    try:
        source = open_delivery(upload.name, mapping, data=upload.data)
        progress.progress(15, text="Counting annotations, labels and QA reviews...")
        counts = count_delivery(source, terms.label_set)
        progress.progress(60, text="Checking each term...")
        report = check_counts(terms, counts)
        progress.progress(95, text="Saving the result...")
        record = sla_store.save_check(store, program.id, report, sla_store.delivery_of(counts, *whose, source=source))
    except InputError as exc:
        st.session_state["sla_failed"] = (key, list(exc.problems))
        raise
    finally:
        progress.empty()
    st.session_state[CHECKED] = (key, record.id)
    st.session_state["sla_delivery_data"] = (upload.name, upload.data, mapping.model_dump_json())
    st.session_state["sla_pick"] = record.id
    ui.flash(
        f"{upload.name} checked against {terms.name}: {report.verdict.upper()}; saved as {whose[0]}'s delivery "
        "(it joins the Vendor history page)."
    )
    st.rerun()


def _qa_download(terms: SlaTermSet) -> None:
    held = st.session_state.get("sla_delivery_data")
    if held is None:
        st.caption("Upload a delivery to draw the next QA sample from it.")
        return
    name, data, mapping_json = held
    default = next((t.threshold for t in terms.terms if t.metric == "qa_coverage"), 0.10)
    c = st.columns([1, 1, 2, 2])
    rate = c[0].number_input(
        "QA rate per category",
        min_value=0.001,
        max_value=1.0,
        value=float(default),
        step=0.01,
        format="%.3f",
        key="sla_qa_rate",
    )
    seed = int(c[1].number_input("Seed", min_value=0, value=0, step=1, key="sla_qa_seed"))
    mapping = ColumnMapping.model_validate_json(mapping_json)
    stem = name.rsplit(".", 1)[0]
    c[2].download_button(
        "QA sample for reviewers (CSV)",
        data=lambda: sla_store.qa_sample_csv(name, data, mapping, str(rate), seed),
        file_name=f"qa-sample-{stem}.csv",
        mime="text/csv",
        key="sla_qa_download",
        on_click="ignore",
        icon=":material/download:",
        help=f"From {name}. Blind: review id, item, category and the label to review, nothing else. At least the rate "
        "in every category (at least 10 items, or all of a smaller one); the same seed gives the same sample.",
    )
    c[3].download_button(
        "QA key for the buyer (CSV)",
        data=lambda: sla_store.qa_sample_csv(name, data, mapping, str(rate), seed, part="key"),
        file_name=f"qa-sample-{stem}-key.csv",
        mime="text/csv",
        key="sla_qa_key_download",
        on_click="ignore",
        icon=":material/key:",
        help=f"From {name}, for the buyer only: annotator, gold label, source row and strata per review id.",
    )


def _qa_plan() -> None:
    """Acceptance-sampling plan (n, c) for the risks asked, with its OC curve and a PDF."""
    with st.expander("Acceptance sampling plan (sample size by producer's and consumer's risk)"):
        c = st.columns(4)
        aql = c[0].number_input("AQL (acceptable defect rate)", 0.0001, 0.5, 0.01, 0.005, format="%.4f", key="sla_aql")
        ltpd = c[1].number_input("LTPD (rejectable rate)", 0.0002, 0.9, 0.05, 0.005, format="%.4f", key="sla_ltpd")
        alpha = c[2].number_input("Producer's risk", 0.001, 0.5, 0.05, 0.01, format="%.3f", key="sla_alpha")
        beta = c[3].number_input("Consumer's risk", 0.001, 0.5, 0.10, 0.01, format="%.3f", key="sla_beta")
        try:
            plan = acceptance_plan(aql, ltpd, alpha, beta)
        except ValueError as exc:
            st.error(str(exc))
            return
        st.markdown(
            f"Review **n = {plan.n}** items per lot (category) and accept when at most **c = {plan.c}** fail. "
            f"Achieved risks: producer's {plan.actual_producer_risk:.1%} at the AQL, "
            f"consumer's {plan.actual_consumer_risk:.1%} at the LTPD."
        )
        curve = pd.DataFrame(plan.oc_curve(81), columns=["defect rate", "P(accept)"])
        st.altair_chart(
            alt.Chart(curve)
            .mark_line()
            .encode(
                x=alt.X("defect rate:Q", axis=alt.Axis(format="%")),
                y=alt.Y("P(accept):Q", axis=alt.Axis(format="%")),
                tooltip=[alt.Tooltip("defect rate:Q", format=".2%"), alt.Tooltip("P(accept):Q", format=".1%")],
            )
            .properties(height=220, title="Operating characteristic")
        )
        st.download_button(
            "Plan and OC curve (PDF)",
            data=lambda: qa_plan_pdf(plan, [], "QA acceptance plan"),
            file_name="qa-acceptance-plan.pdf",
            mime="application/pdf",
            key="sla_plan_pdf",
            on_click="ignore",
            icon=":material/download:",
        )


store = ui.get_store()
program = ui.require_program(store)
st.title("SLA check")
st.caption(
    "Check a vendor's delivery against the contract, term by term: agreement, accuracy on gold, "
    "QA defects and coverage, turnaround and volume, with the evidence and the credits owed."
)
ui.show_flash()
saved_terms, terms_version = _terms_editor(store, program)
st.divider()
if not ui.may(Permission.RUN_SLA_CHECK):
    st.caption("Checking a delivery is for ML engineers and program managers; saved checks are below.")
else:
    try:
        _run_check(store, program, saved_terms, terms_version)
    except InputError as exc:  # the saved results below stay visible
        ui.show_problems(exc)
_qa_download(saved_terms)
_qa_plan()
st.divider()
st.subheader("Results")
_saved_checks(store, program)
st.divider()
st.caption("Reports for this program")
ui.report_downloads(store, program, key="sla_report")
