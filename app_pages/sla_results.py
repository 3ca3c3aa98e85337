"""SLA check page, results: a saved check with its verdict, terms, charts and tables, and the picker of saved checks."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from annogov.services import sla_store
from annogov.store import CheckResultRecord, ProgramRecord, Store
from app_pages import charts, ui
from governance.quality.sla.sla_report import SlaReport
from governance.quality.sla.timeliness import PRORATION_RULE
from governance.reports import chart_data
from governance.reports.chart_data import term_charts
from governance.reports.model import ConfusionMatrix, SlaPayload
from governance.reports.sections import metric_label
from governance.reports.sla_sections import (
    evidence_text,
    metric_format,
    scope_text,
    sla_report_payload,
    target_text,
)
from governance.reports.words import number

STATUS_LABEL = {"pass": "PASS", "fail": "FAIL", "inconclusive": "INCONCLUSIVE"}
STATUS_COLOUR = {"pass": "#d4edda", "fail": "#f8d7da", "inconclusive": "#fff3cd"}


def _money(amount: float, currency: str) -> str:
    return f"{currency} {amount:,.2f}"


def _method_text(metric: str, method: str) -> str:
    """The method as the PDF words it: a method named by its metric key reads as the metric's label."""
    if method == metric or method.startswith(f"{metric} "):
        return metric_label(metric) + method[len(metric):]
    return method


def term_rows(report: SlaReport) -> list[dict[str, Any]]:
    """One row per term, failing first: status, value, interval, n, target, evidence, remedy."""
    order = {"fail": 0, "inconclusive": 1, "pass": 2}
    rows = []
    for t in sorted(report.terms, key=lambda t: order[t.status]):
        rows.append(
            {
                "Status": STATUS_LABEL[t.status],
                "Term": t.id or t.metric,
                "Metric": _method_text(t.metric, t.method),
                "Scope": scope_text(t.scope),
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
