"""The SLA part of the report as Sections: terms with evidence and remedy, per-category tables, confusion."""

from __future__ import annotations

from typing import Any

from governance.quality.sla.sla_report import SlaReport
from governance.reports.model import ColumnFormat, ConfusionMatrix, Section, SlaPayload, SlaTerm
from governance.reports.safe_text import describe
from governance.reports.sections import STATUS_ORDER, metric_label
from governance.reports.words import KEY_LABELS, money, number, plain_key


def scope_text(scope: Any) -> str:
    """An SLA scope as 'overall', 'each category' or 'task type: complex'."""
    if isinstance(scope, str) and ":" in scope:
        kind, _, value = scope.partition(":")
        scope = {"kind": kind, "value": value}
    if isinstance(scope, dict):
        kind = plain_key(str(scope.get("kind", "overall")))
        return f"{kind}: {scope['value']}" if scope.get("value") else kind
    return plain_key(describe(scope))


def sorted_terms(sla: SlaPayload) -> list[SlaTerm]:
    """Failing terms first, then inconclusive, then passing; stable within a status."""
    return sorted(sla.terms, key=lambda t: STATUS_ORDER.get(t.status.lower(), 1))


def evidence_text(evidence: Any, limit: int = 4, metric: str = "") -> str:
    """Evidence groups as words, worst first: 'urban_night 0.538 (n=41, fail)', '2026-03-16 132 (n=132, pass)'."""
    if not isinstance(evidence, list) or not all(isinstance(e, dict) and "group" in e for e in evidence):
        return describe(evidence)
    parts = []
    for e in evidence[:limit]:
        value = e.get("value")
        shown = number(value, metric_format(metric)) if isinstance(value, int | float) else "undefined"
        n = e.get("n")
        parts.append(f"{e['group']} {shown} (n={number(n, 'integer') if n is not None else None}, {e.get('status')})")
    more = len(evidence) - limit
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def remedy_text(remedy: Any, currency: str = "") -> str:
    """A remedy as words: '5% of the period fee, owed EUR 4,000', 'EUR 8,500 per breach, owed EUR 8,500'."""
    if not isinstance(remedy, dict):
        return describe(remedy)
    kind, amount, owed = remedy.get("kind"), remedy.get("amount"), remedy.get("owed")
    if kind == "none":
        return "none"
    if "breaches" in remedy and isinstance(amount, int | float):  # `sla-check` JSON: amount is what is owed
        breaches = remedy["breaches"]
        if not breaches:
            return "nothing owed"
        text = f"owed {money(amount, currency)} for {breaches} breach{'es' if breaches != 1 else ''}"
        if isinstance(remedy.get("cap"), int | float):
            text += f" (capped at {money(remedy['cap'], currency)})"
        return text
    parts = []
    if kind == "percent_of_fee" and isinstance(amount, int | float):
        parts.append(f"{amount:g}% of the period fee")
    elif kind == "fixed_per_breach" and isinstance(amount, int | float):
        parts.append(f"{money(amount, currency)} per breach")
    if isinstance(remedy.get("cap"), int | float):
        parts.append(f"capped at {money(remedy['cap'], currency)}")
    if isinstance(owed, int | float):
        parts.append(f"owed {money(owed, currency)}")
    known = {"kind", "amount", "owed", "cap"}
    rest = {plain_key(k): plain_key(v) if isinstance(v, str) else v for k, v in remedy.items() if k not in known}
    return ", ".join(parts + ([describe(rest)] if rest else [])) or describe(remedy)


COMPARATORS = {">=": "at least", "<=": "at most", ">": "above", "<": "below", "==": "exactly"}


RATE_METRICS = frozenset({"accuracy", "defect_rate", "qa_coverage", "on_time_rate", "percent_agreement"})
COUNT_METRICS = frozenset({"weekly_throughput"})


def metric_format(metric: str) -> ColumnFormat:
    """How a metric's values read in a table: rates as percentages, counts whole, coefficients with three decimals."""
    return "percent" if metric in RATE_METRICS else "integer" if metric in COUNT_METRICS else "rate"


def metric_value_text(metric: str, value: Any) -> str:
    """A measured value or threshold as people read it: rates as percentages, counts whole with
    thousands separators, coefficients as numbers."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        kind = metric_format(metric)
        return number(value, kind) if kind != "rate" else f"{value:.3g}"
    return describe(value)


def target_text(comparator: str, threshold: Any, metric: str = "") -> str:
    """A term's target as words: 'at least 0.8', 'at least 95.0%' for a rate."""
    return f"{COMPARATORS.get(comparator, comparator)} {metric_value_text(metric, threshold)}".strip()


def sla_terms_section(sla: SlaPayload, currency: str = "") -> Section:
    """One row per SLA term, failing first, with evidence and remedy as text."""
    rows = []
    for t in sorted_terms(sla):
        kind = metric_format(t.metric)
        ci = "" if not t.ci else "\u2013".join(
            number(x, kind) if isinstance(x, int | float) else describe(x) for x in t.ci)
        rows.append(
            [
                t.status,
                f"{metric_label(t.metric)} ({scope_text(t.scope)})",
                t.value,
                ci,
                target_text(t.comparator, t.threshold, t.metric),
                t.n,
                evidence_text(t.evidence, metric=t.metric),
                remedy_text(t.remedy, currency or sla.currency),
            ]
        )
    return Section(
        title="SLA terms",
        columns=[
            "Status",
            "Term (scope)",
            "Measured",
            "95% CI",
            "Target",
            "Sample",
            "Evidence",
            "Remedy",
        ],
        rows=rows,
        formats={"Measured": "rate", "Sample": "integer"},
        cell_formats={"Measured": [metric_format(t.metric) for t in sorted_terms(sla)]},
        status_column="Status",
    )


def confusion_section(cm: ConfusionMatrix) -> Section:
    """The confusion matrix: gold labels down, delivered labels across."""
    return Section(
        title="Confusion matrix (gold down, delivered across)",
        columns=["Gold \\ delivered", *cm.labels],
        rows=[[label, *row] for label, row in zip(cm.labels, cm.matrix, strict=True)],
        formats=dict.fromkeys(cm.labels, "integer"),
    )


COUNT_COLUMNS = ("items", "annotations", "reviewed", "failed", "gold_annotations", "delivered", "required",
                 "shortfall", "support", "predicted", "n before", "n after", "n")
COLUMN_FORMATS: dict[str, ColumnFormat] = {
    **dict.fromkeys(COUNT_COLUMNS, "integer"),
    "defect_rate": "percent",
    "qa_coverage": "percent",
    "accuracy": "percent",
    "percent_agreement": "percent",
    "kappa": "rate",
}


def plain_columns(section: Section) -> Section:
    """A table whose columns are payload keys, with labels for headers and known key values."""
    keyed = [c for c in section.columns if plain_key(c) != c or c[:1].islower()]
    if not keyed:
        return section
    columns = [plain_key(c)[:1].upper() + plain_key(c)[1:] if c in keyed else c for c in section.columns]
    formats = {columns[section.columns.index(c)]: f for c, f in section.formats.items() if c in section.columns}
    for c in keyed:
        if c in COLUMN_FORMATS and (section.formats.get(c) in (None, "text")):
            formats[columns[section.columns.index(c)]] = COLUMN_FORMATS[c]
    rows = [[plain_key(v) if isinstance(v, str) and v in KEY_LABELS else v for v in row] for row in section.rows]
    status = section.status_column
    return section.model_copy(
        update={
            "columns": columns,
            "rows": rows,
            "formats": formats,
            "cell_formats": {columns[section.columns.index(c)]: f for c, f in section.cell_formats.items()
                             if c in section.columns},
            "status_column": columns[section.columns.index(status)] if status in section.columns else status,
        }
    )


def sla_sections(sla: SlaPayload, currency: str = "") -> list[Section]:
    """All SLA tables: terms, per-category tables, confusion matrix."""
    out = [sla_terms_section(sla, currency), *(plain_columns(s) for s in sla.categories)]
    if sla.confusion is not None:
        out.append(confusion_section(sla.confusion))
    return out


def sla_report_payload(report: SlaReport | dict[str, Any]) -> dict[str, Any]:
    """A full SLA check as the report's SLA part: terms, per-category tables, per-class scores, drift,
    notes, confusion matrix. Takes the check itself or its `sla-check --format json` output, which
    carries the same tables, so the report reads the same either way."""
    payload = report.to_payload() if isinstance(report, SlaReport) else dict(report)
    if "by_category" not in payload:  # a JSON without the tables: the terms only
        return payload
    confusion = payload.get("confusion") or {}
    drift = payload.get("drift") or {}
    categories: list[dict[str, Any]] = [
        {
            "title": "SLA check by category",
            "rows": payload["by_category"],
            "formats": {
                "defect_rate": "percent",
                "qa_coverage": "percent",
                "accuracy": "percent",
                "percent_agreement": "percent",
            },
        },
        {
            "title": "QA coverage by category",
            "note": "Reviewed of delivered annotations against the contract's minimum, per category.",
            "rows": payload.get("qa_coverage") or [],
            "formats": {"value": "percent"},
        },
        {"title": "Annotators", "rows": payload.get("annotators") or []},
        {
            "title": "Per-class precision, recall and F1 against gold",
            "note": "F1 = 2TP / (2TP + FP + FN): 0 for a gold class never delivered.",
            "rows": [c for c in confusion.get("classes") or [] if c.get("support") or c.get("predicted")],
            "formats": {"precision": "percent", "recall": "percent", "f1": "decimal"},
        },
        {
            "title": f"Drift by {drift.get('by', 'period')}",
            "note": f"Drops beyond {drift.get('threshold', 0):g}; {drift.get('test', '')}.",
            "rows": [
                {
                    "metric": d["metric"],
                    "group": "all" if d.get("group_kind") == "overall" else f"{d.get('group_kind')} {d.get('group')}",
                    "from": d["previous_period"],
                    "to": d["period"],
                    "before": d["previous"],
                    "after": d["current"],
                    "n before": d.get("n_previous"),
                    "n after": d.get("n_current"),
                    "z": d.get("z"),
                    "p": d.get("p_value"),
                }
                for d in drift.get("drops") or []
            ],
            "formats": {"before": "percent", "after": "percent", "z": "decimal", "p": "decimal"},
        },
        {
            "title": "SLA notes and reasons",
            "rows": [
                {
                    "term": t.get("id") or t["metric"],
                    "tier": f"{t.get('tier', 'standard')}: {t.get('tier_rule', '')}",
                    "why": text,
                }
                for t in payload["terms"]
                for text in [t.get("reason"), *(t.get("notes") or [])]
                if text
            ],
        },
    ]
    payload["categories"] = [c for c in categories if c["rows"]]
    payload["confusion"] = (
        {"labels": confusion["labels"], "matrix": confusion["matrix"]} if confusion.get("labels") else None
    )
    return payload
