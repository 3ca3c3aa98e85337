"""SLA check page: the contract's terms (defaults, a file or a contract profile, edited in a
table and saved), a delivery checked against them, and every result with its evidence."""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from annogov.services import sla_store
from annogov.services.uploads import read_upload
from annogov.store import CheckResultRecord, ConcurrentEditError, ProgramRecord, Store
from app_pages import charts, ui
from contracts.sla_term_files import TERM_COLUMNS, load_term_set, term_set_to_rows, write_term_set_xlsx
from contracts.sla_terms import METRIC_NOTES, RAMP_STEPS_HELP, SlaTermSet, default_term_set, format_ramp_steps
from governance.quality.reading.delivery import ColumnMapping, load_mapping, open_delivery, parse_column_flags
from governance.quality.reading.delivery_counts import count_delivery
from governance.quality.sla.qa_plan import acceptance_plan
from governance.quality.sla.sla_check import SlaReport, check_counts
from governance.quality.sla.timeliness import PRORATION_RULE
from governance.reports import chart_data
from governance.reports.chart_data import term_charts
from governance.reports.model import ConfusionMatrix, SlaPayload
from governance.reports.qa_plan_pdf import qa_plan_pdf
from governance.reports.sla_sections import evidence_text, metric_format, sla_report_payload, target_text
from governance.reports.words import number
from governance.roles import Permission
from ingest import InputError

STATUS_LABEL = {"pass": "PASS", "fail": "FAIL", "inconclusive": "INCONCLUSIVE"}
STATUS_COLOUR = {"pass": "#d4edda", "fail": "#f8d7da", "inconclusive": "#fff3cd"}
METRICS = list(METRIC_NOTES)
DRAFT = "sla_draft"  # (token, source text, term set JSON, version it was based on)
CHECKED = "sla_checked"  # (delivery sha256, mapping, terms version) -> stored check id


# -- terms ----------------------------------------------------------------------------------


def _set_draft(source: str, terms: SlaTermSet, version: int) -> None:
    digest = hashlib.sha256(f"{source}|{version}|{terms.model_dump_json()}".encode()).hexdigest()[:12]
    token = f"{digest}-{st.session_state.get('sla_draft_count', 0) + 1}"
    st.session_state["sla_draft_count"] = st.session_state.get("sla_draft_count", 0) + 1
    st.session_state[DRAFT] = (token, source, terms.model_dump(mode="json"), version)


def _parse_terms(data: bytes, name: str) -> SlaTermSet:
    return load_term_set(name, data=data)


def _terms_editor(store: Store, program: ProgramRecord) -> tuple[SlaTermSet, int]:
    """Show the term editor; return the saved term set (what the check uses) and its version."""
    saved, version = sla_store.load_terms(store, program.id)
    if DRAFT not in st.session_state or st.session_state.get("sla_program") != program.id:
        st.session_state["sla_program"] = program.id
        _set_draft("saved terms" if version else "the default terms", saved, version)
    token, source, draft_json, base_version = st.session_state[DRAFT]
    draft = SlaTermSet.model_validate(draft_json)

    st.subheader("Contract terms")
    status = f"version {version}" if version else "not saved yet: the defaults are in use"
    st.caption(f"Saved term set: **{ui._md(saved.name)}** ({status}). Editing: {ui._md(source)}.")
    cols = st.columns([3, 1, 1, 1])
    upload = cols[0].file_uploader(
        "Load terms from a file",
        type=["yaml", "yml", "json", "xlsx"],
        key="sla_terms_file",
        help="A term set (YAML, JSON or an xlsx terms sheet) or a contract profile whose `sla` "
        "section holds the terms. " + ui.upload_limit_help(),
    )
    try:
        loaded = ui.parse_upload(upload, _parse_terms)
    except InputError as exc:  # the editor keeps what it had
        ui.show_problems(exc)
        loaded = None
    if loaded is not None and upload is not None:
        seen = (upload.name, getattr(upload, "file_id", None), upload.size)
        if st.session_state.get("sla_terms_seen") != seen:  # a new file: load it once into the editor
            st.session_state["sla_terms_seen"] = seen
            _set_draft(f"file {upload.name}", loaded, version)
            st.rerun()
    if cols[1].button("Start from the defaults", key="sla_defaults", help="The evaluation framework's figures."):
        _set_draft("the default terms", default_term_set(), version)
        st.rerun()
    if cols[2].button("Discard edits", key="sla_reload", help="Show the saved terms again."):
        _set_draft("saved terms", saved, version)
        st.rerun()
    cols[3].download_button(
        "Saved terms (xlsx)",
        data=lambda: write_term_set_xlsx(saved),
        file_name="sla-terms.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="sla_terms_download",
        help="The saved term set as the workbook the upload reads (Terms and Contract sheets, ramp included).",
        icon=":material/download:",
    )

    if draft != saved:
        st.info(
            f"The table shows {ui._md(source)}, not saved yet: deliveries are checked against the saved terms "
            "until you press Save terms.",
            icon=":material/info:",
        )
    with st.form(f"sla_terms_form_{token}"):
        c = st.columns(3)
        name = c[0].text_input("Name", value=draft.name, max_chars=200)
        currency = c[1].text_input("Currency", value=draft.currency, max_chars=8)
        fee = c[2].number_input(
            "Period fee",
            min_value=0.0,
            value=float(draft.period_fee),
            step=1000.0,
            help="Fee of the measured period; percent credits are of this fee.",
        )
        c = st.columns(3)
        labels = c[0].text_input(
            "Label set (comma separated)",
            value=", ".join(draft.label_set or []),
            help="The contract's labels: unused labels still change chance agreement.",
        )
        volume = c[1].number_input(
            "Committed weekly volume", min_value=0, step=10, value=draft.committed_weekly_volume, placeholder="none"
        )
        cap = c[2].number_input(
            "Total credit cap", min_value=0.0, step=500.0, value=draft.total_credit_cap, placeholder="none"
        )
        c = st.columns([1, 2])
        ramp_start = c[0].date_input(
            "Ramp start",
            value=draft.ramp.start if draft.ramp else None,
            help="Contract week 1 is this date's calendar week (Monday start); leave empty for no ramp.",
        )
        ramp_steps = c[1].text_input(
            "Ramp steps (weekly floors)",
            value=format_ramp_steps(draft.ramp.steps) if draft.ramp else "",
            placeholder="no ramp; e.g. 1: 5000; 3: 12000; 6: 20000",
            help=f"{RAMP_STEPS_HELP}. After the last step the committed weekly volume applies; {PRORATION_RULE}.",
        )
        frame = pd.DataFrame(term_set_to_rows(draft), columns=TERM_COLUMNS)
        edited = st.data_editor(
            frame,
            key=f"sla_terms_editor_{token}",
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config={
                "id": st.column_config.TextColumn("Term", help="A short name for the term"),
                "metric": st.column_config.SelectboxColumn(
                    "Metric",
                    options=METRICS,
                    required=True,
                    help="; ".join(f"{k}: {v}" for k, v in METRIC_NOTES.items()),
                ),
                "scope": st.column_config.TextColumn(
                    "Scope",
                    default="overall",
                    help="overall, each category, category:NAME, task_type:NAME or batch:NAME",
                ),
                "comparator": st.column_config.SelectboxColumn(
                    "Comparator", options=[">=", ">", "<=", "<"], default=">="
                ),
                "threshold": st.column_config.NumberColumn("Threshold", format="%.4g", required=True),
                "min_sample": st.column_config.NumberColumn(
                    "Min. sample", min_value=1, step=1, default=30, help="Fewer observations: inconclusive"
                ),
                "level": st.column_config.SelectboxColumn(
                    "Level", options=["nominal", "ordinal", "interval", "ratio"], default="nominal"
                ),
                "weights": st.column_config.SelectboxColumn(
                    "Weights", options=["none", "linear", "quadratic"], default="none"
                ),
                "missing": st.column_config.SelectboxColumn(
                    "Uneven ratings",
                    options=["pooled", "gwet"],
                    default="pooled",
                    help="Fleiss/AC1/Brennan-Prediger with uneven annotations per item: pooled shares or Gwet's",
                ),
                "tier": st.column_config.SelectboxColumn("Tier", options=["critical", "standard"], default="standard"),
                "remedy": st.column_config.SelectboxColumn(
                    "Remedy", options=["none", "percent_of_fee", "fixed_per_breach"], default="none"
                ),
                "remedy_amount": st.column_config.NumberColumn(
                    "Remedy amount", min_value=0.0, help="Percent of the period fee (5 = 5%) or money per breach"
                ),
                "remedy_cap": st.column_config.NumberColumn("Remedy cap", min_value=0.0),
                "note": st.column_config.TextColumn("Note"),
            },
        )
        submitted = st.form_submit_button(
            "Save terms", type="primary", icon=":material/save:",
            disabled=not ui.may(Permission.EDIT_TERMS), help=ui.not_for_role(Permission.EDIT_TERMS),
        )
    if submitted:
        settings = {
            "name": name.strip() or "SLA terms",
            "currency": currency.strip() or "USD",
            "period_fee": fee,
            "label_set": [x.strip() for x in labels.split(",") if x.strip()] or None,
            "committed_weekly_volume": volume,
            "total_credit_cap": cap,
            "ramp_start": ramp_start,
            "ramp_steps": ramp_steps.strip() or None,
            "drift_threshold": draft.drift_threshold,  # not edited here: kept as loaded
        }
        terms = sla_store.terms_from_rows(edited.to_dict("records"), settings)
        try:
            new_version = sla_store.save_terms(store, program.id, terms, expected_version=base_version)
        except ConcurrentEditError:
            st.warning(
                "Someone else saved these terms after you loaded them; nothing was saved. Press "
                "'Discard edits' to load their version, then make your change again.",
                icon=":material/sync_problem:",
            )
            return saved, version
        _set_draft("saved terms", terms, new_version)
        ui.flash(f"Terms saved (version {new_version}); the next check uses them.")
        st.rerun()
    return saved, version


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


# -- results --------------------------------------------------------------------------------


def _money(amount: float, currency: str) -> str:
    return f"{currency} {amount:,.2f}"


def term_rows(report: SlaReport) -> list[dict[str, Any]]:
    """One row per term, failing first: status, value, interval, n, target, evidence, remedy."""
    order = {"fail": 0, "inconclusive": 1, "pass": 2}
    rows = []
    for t in sorted(report.terms, key=lambda t: order[t.status]):
        rows.append(
            {
                "Status": STATUS_LABEL[t.status],
                "Term": t.id or t.metric,
                "Metric": t.method,
                "Scope": t.scope,
                "Value": "undefined" if t.value is None else number(t.value, metric_format(t.metric)),
                "95% CI": "" if t.ci is None else " to ".join(number(x, metric_format(t.metric)) for x in t.ci),
                "n": t.n,
                "Threshold": target_text(t.comparator, t.threshold, t.metric),
                "Tier": t.tier,
                "Evidence (worst first)": evidence_text([e.model_dump() for e in t.evidence], metric=t.metric),
                f"Credit owed ({report.currency})": t.remedy.amount if t.remedy else 0.0,
                "Why": "; ".join(x for x in [t.reason, *t.notes] if x),
            }
        )
    return rows


def _status_style(frame: pd.DataFrame) -> Any:
    colours = {v: STATUS_COLOUR[k] for k, v in STATUS_LABEL.items()}
    credit = [c for c in frame.columns if str(c).startswith("Credit owed")]
    return frame.style.map(lambda v: f"background-color: {colours.get(v, '')}", subset=["Status"]).format(
        dict.fromkeys(credit, "{:,.2f}"), na_rep="undefined"
    )


def _verdict(report: SlaReport) -> None:
    failed = sum(t.status == "fail" for t in report.terms)
    unclear = sum(t.status == "inconclusive" for t in report.terms)
    credits = _money(report.credits, report.currency)
    text = (
        f"**Verdict: {STATUS_LABEL[report.verdict]}**: {failed} of {len(report.terms)} terms failed, "
        f"{unclear} inconclusive. Credits owed: **{credits}**."
    )
    {"fail": st.error, "pass": st.success}.get(report.verdict, st.warning)(text)
    c = st.columns(4)
    c[0].metric("Annotations", f"{report.n_annotations:,}")
    c[1].metric("Items", f"{report.n_items:,}")
    c[2].metric("Annotators", report.n_annotators)
    c[3].metric("Credits owed", credits)


def _term_charts(report: SlaReport) -> None:
    for chart in term_charts(SlaPayload.model_validate(sla_report_payload(report))):
        charts.show(chart)


def _drift_chart(report: SlaReport) -> alt.Chart | None:
    d = report.drift
    rows = [
        {"period": p.period, "metric": m, "value": v} for p in d.periods for m, v in p.values.items() if v is not None
    ]
    if not rows:
        return None
    order = [p.period for p in d.periods]
    line = (
        alt.Chart(pd.DataFrame(rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:N", sort=order, title=d.by.capitalize()),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
            color="metric:N",
            tooltip=["period", "metric", alt.Tooltip("value:Q", format=".3f")],
        )
    )
    if not d.drops:
        return line
    drops = pd.DataFrame(
        [{"period": x.period, "metric": x.metric, "value": x.current, "change": x.change} for x in d.drops]
    )
    marks = (
        alt.Chart(drops)
        .mark_point(shape="triangle-down", size=200, color="#c62828", filled=True)
        .encode(
            x=alt.X("period:N", sort=order),
            y="value:Q",
            tooltip=["period", "metric", alt.Tooltip("change:Q", format="+.3f")],
        )
    )
    return line + marks


def _frame(rows: list[Any]) -> pd.DataFrame:
    return pd.DataFrame([r.model_dump() for r in rows])


def show_report(report: SlaReport) -> None:
    """Everything one check says: verdict, terms, then the drill-downs."""
    _verdict(report)
    terms = pd.DataFrame(term_rows(report))
    st.dataframe(
        _status_style(terms),
        hide_index=True,
        width="stretch",
        column_config=ui.table_config(
            terms.columns, pinned=("Status", "Term"), wide=("Evidence (worst first)", "Why"), narrow=("n", "Tier")
        ),
    )
    tabs = st.tabs(
        ["By category", "QA coverage", "Confusion matrix", "Annotators", "Drift over time", "Warnings and notes"],
        key="sla_tabs",
        on_change="rerun",
    )
    with tabs[0]:
        if report.categories:
            _term_charts(report)
            st.dataframe(_frame(report.categories), hide_index=True, width="stretch")
        else:
            st.info("The delivery has no category column.")
    with tabs[1]:
        st.caption("Reviewed of delivered annotations in every category, against the contract's minimum rate.")
        st.dataframe(_frame(report.coverage), hide_index=True, width="stretch")
    with tabs[2]:
        if report.confusion.labels and any(any(r) for r in report.confusion.matrix):
            matrix = ConfusionMatrix(labels=report.confusion.labels, matrix=report.confusion.matrix)
            charts.show(chart_data.confusion_chart(matrix), heading=False, stretch=False)
            st.dataframe(_frame(report.confusion.classes), hide_index=True, width="stretch")
        else:
            st.info("No gold labels in this delivery, so there is no confusion matrix.")
    with tabs[3]:
        st.dataframe(_frame(report.annotators), hide_index=True, width="stretch")
    with tabs[4]:
        chart = _drift_chart(report)
        if chart is None:
            st.info("No weeks or batches to compare.")
        else:
            st.altair_chart(chart)
        periods = "batches" if report.drift.by == "batch" else "weeks"
        if report.drift.drops:
            st.caption(
                f"Drift between consecutive {periods}, overall, per category and per annotator: drops "
                f"beyond {report.drift.threshold:g}; {report.drift.test}."
            )
            st.dataframe(_frame(report.drift.drops), hide_index=True, width="stretch")
        if report.drift.not_significant:
            st.caption(
                f"{report.drift.not_significant} larger drop(s) were not called drift: within the noise "
                "of their sample sizes."
            )
        for note in report.drift.notes:
            st.info(note)
        if report.weekly:
            st.caption(
                "Annotations submitted per week against that week's floor (its ramp step, else the committed "
                f"volume); {PRORATION_RULE}."
            )
            st.dataframe(_frame(report.weekly), hide_index=True, width="stretch")
    with tabs[5]:
        notes = [n for t in report.terms for n in t.notes]
        if not report.warnings and not notes:
            st.caption("No warnings.")
        for w in report.warnings:
            st.warning(w)
        for n in notes:
            st.info(n)


def _check_title(record: CheckResultRecord) -> str:
    """A saved check in the picker: provider, delivery, guideline version, when and the verdict."""
    whose = (
        f"{record.provider}: {record.label or 'delivery'} of {record.delivered_on}, "
        f"guidelines {record.guideline_version}"
        if record.provider
        else f"(no provider) {record.label or 'delivery'}"
    )
    return f"{whose}; checked {record.created_at:%Y-%m-%d %H:%M} UTC ({str(record.payload.get('verdict', '')).upper()})"


def _saved_checks(store: Store, program: ProgramRecord) -> None:
    records = store.list_check_results(program.id, sla_store.SLA_CHECK, limit=50)
    if not records:
        st.info("No delivery checked yet: upload one above.")
        return
    by_id = {r.id: r for r in records}
    if st.session_state.get("sla_pick") not in by_id:
        st.session_state["sla_pick"] = records[0].id
    pick = st.selectbox(
        "Saved check",
        list(by_id),
        key="sla_pick",
        format_func=lambda rid: _check_title(by_id[rid]),
    )
    if by_id[pick].provider is None:
        st.caption("Saved before checks named their provider: it stays out of the vendor history.")
    report = sla_store.report_of(by_id[pick])
    if report is None:
        st.warning("This check was saved without its details; only the report holds it.")
        return
    show_report(report)


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
