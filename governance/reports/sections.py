"""Payload parts turned into titled tables (`Section`s) that the PDF and the workbook both render.

Only the live scorecard grid and the charts are drawn specially; every other table of the report
goes through here, so a new part needs one function returning Sections and nothing else.
"""

from __future__ import annotations

from typing import Any

from governance.reports.model import (
    AREA_LABELS,
    DIMENSION_LABELS,
    ColumnFormat,
    ConfusionMatrix,
    ScorecardPayload,
    Section,
    SlaPayload,
    SlaTerm,
    SwitchingPayload,
    TaxonomyPayload,
    TornadoBar,
)
from governance.reports.safe_text import describe
from governance.reports.words import money, plain_key
from governance.sla_check import SlaReport

STATUS_ORDER = {"fail": 0, "inconclusive": 1, "pass": 2}
STATUS_FILLS: dict[str, str] = {
    "pass": "C6EFCE",
    "fail": "FFC7CE",
    "inconclusive": "FFEB9C",
    "present": "C6EFCE",
    "missing": "FFC7CE",
    "weak": "FFEB9C",
}
"""Background (RGB hex) of a status cell, the same in the PDF and the workbook."""
METRIC_LABELS = {
    "accuracy": "Accuracy",
    "cohen_kappa": "Cohen's kappa",
    "fleiss_kappa": "Fleiss' kappa",
    "krippendorff_alpha": "Krippendorff's alpha",
    "percent_agreement": "Percent agreement",
    "defect_rate": "Defect rate",
    "qa_coverage": "QA coverage",
    "on_time_rate": "On-time rate",
    "weekly_throughput": "Weekly throughput",
}


VENDOR_LABELS = {"current_vendor": "Current vendor", "new_vendor": "New vendor", "volume": "Volume"}


def humanise(key: str) -> str:
    """A JSON key as a heading: 'band_probabilities' -> 'Band probabilities'."""
    words = str(key).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def dimension_label(key: str) -> str:
    """The readable name of a scorecard dimension key."""
    return DIMENSION_LABELS.get(key, humanise(key))


def metric_label(key: str) -> str:
    """The readable name of an SLA metric key."""
    return METRIC_LABELS.get(key, humanise(key))


def area_label(key: str) -> str:
    """The readable name of a switching-cost area key."""
    return "Total" if key == "total" else AREA_LABELS.get(key, humanise(key))


def _cell(value: Any) -> Any:
    """Numbers and booleans stay as they are; anything structured becomes text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return describe(value)


def evaluations_section(card: ScorecardPayload, commented_only: bool = False) -> Section | None:
    """Evaluators' scores with the comments they wrote; optionally only the commented ones."""
    chosen = [e for e in card.evaluations if e.comment.strip() or not commented_only]
    if not chosen:
        return None
    rows = [[e.provider, e.evaluator, dimension_label(e.dimension), e.score, e.comment] for e in chosen]
    note = "Each evaluator scored independently; the scorecard uses their consensus."
    if commented_only:
        note += " Only scores with a comment are shown here; the workbook lists them all."
    return Section(
        title="Evaluators and evidence",
        note=note,
        columns=["Provider", "Evaluator", "Dimension", "Score", "Comment"],
        rows=rows,
        formats={"Score": "decimal"},
    )


def gates_and_flags_section(card: ScorecardPayload) -> Section | None:
    """Knock-out gates that fired and flags raised, one row each."""
    rows: list[list[Any]] = []
    for p in card.ranked():
        rows += [[p.name, "gate", describe(g)] for g in p.gates]
        rows += [[p.name, "flag", describe(f)] for f in p.flags]
        spread = [
            f"{dimension_label(k)} {d.spread:g}"
            for k, d in p.dimensions.items()
            if d.spread is not None and d.spread >= 2
        ]
        if spread:
            rows.append([p.name, "evaluator spread >= 2", ", ".join(spread)])
    if not rows:
        return None
    return Section(
        title="Gates and flags",
        note="Gates fired by policy, flags for a calibration talk or missing scores.",
        columns=["Provider", "Kind", "Detail"],
        rows=rows,
    )


def robustness_sections(robustness: dict[str, Any]) -> list[Section]:
    """Whatever the robustness analysis holds, as tables: findings, matrices, key/values."""
    sections: list[Section] = []
    loose: list[list[Any]] = []
    for key, value in robustness.items():
        title = humanise(key)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            rows = [{humanise(k): _cell(v) for k, v in item.items()} for item in value]
            sections.append(Section.model_validate({"title": title, "rows": rows}))
        elif isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            inner: list[str] = []
            for v in value.values():
                inner += [k for k in v if k not in inner]
            probabilities = "prob" in key and all(
                isinstance(x, int | float) and 0 <= x <= 1 for v in value.values() for x in v.values()
            )
            fmt: ColumnFormat = "percent" if probabilities else "decimal"
            sections.append(
                Section(
                    title=title,
                    columns=["", *inner],
                    rows=[[name, *(_cell(v.get(k)) for k in inner)] for name, v in value.items()],
                    formats={k: fmt for k in inner},
                )
            )
        elif isinstance(value, dict):
            rows2 = [[humanise(k), _cell(v)] for k, v in value.items()]
            sections.append(Section(title=title, columns=["Item", "Value"], rows=rows2))
        elif isinstance(value, list):
            sections.append(Section(title=title, columns=[title], rows=[[_cell(v)] for v in value]))
        else:
            loose.append([title, _cell(value)])
    if loose:
        sections.insert(0, Section(title="Robustness", columns=["Item", "Value"], rows=loose))
    return sections


def robustness_findings(robustness: dict[str, Any]) -> list[str]:
    """The plain-language findings ('text' fields) the robustness analysis wrote."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            text = value.get("text")
            if isinstance(text, str) and text.strip():
                found.append(text.strip())
            for k, v in value.items():
                if k != "text":
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(robustness)
    return found


def switching_breakdown_section(sw: SwitchingPayload) -> Section:
    """Per area: the deterministic cost and the simulated P10, P50 and P90."""
    rows: list[list[Any]] = []
    for key in [*sw.areas(), "total"]:
        pct = sw.percentiles.get(key)
        det = sw.deterministic.get(key)
        if det is None and pct is None:
            continue
        rows.append(
            [
                area_label(key),
                det,
                pct.p10 if pct else None,
                pct.p50 if pct else None,
                pct.p90 if pct else None,
            ]
        )
    money = ["Deterministic", "P10", "P50", "P90"]
    return Section(
        title="Switching cost by area",
        note="Deterministic: every input at its most likely value. P10/P50/P90: Monte Carlo.",
        columns=["Area", *money],
        rows=rows,
        formats=dict.fromkeys(money, "currency"),
    )


def input_label(bar: TornadoBar) -> str:
    """A tornado input named with its area, e.g. 'Model retraining: runs'."""
    area, _, name = bar.parameter.partition(".")
    label = bar.label or plain_key(name or area)
    if area in AREA_LABELS:
        return f"{AREA_LABELS[area]}: {label}"
    if area in VENDOR_LABELS:
        return f"{VENDOR_LABELS[area]}: {label}"
    return label


def _amount(value: float | None, unit: str) -> str:
    """An input value with its unit: '4 runs', '0.3 share'."""
    if value is None:
        return ""
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{shown} {unit}".strip()


def tornado_section(sw: SwitchingPayload) -> Section | None:
    """The inputs ranked by how far the total moves when each swings from low to high.

    The money columns are switching totals (the input's own range is shown as text), in the
    chart's order.
    """
    bars = sw.tornado_bars()
    if not bars:
        return None
    amounts = ["Total at the low value", "Total at the high value", "Swing of the total"]
    rows: list[list[Any]] = []
    for b in bars:
        ends = b.totals() or (None, None)
        rows.append([input_label(b), f"{_amount(b.low, b.unit)} to {_amount(b.high, b.unit)}", *ends, b.width()])
    base = sw.deterministic.get("total")
    note = "Each input swung over its range with the others at their most likely value"
    if isinstance(base, int | float):
        note += f"; with every input at its most likely value the total is {money(base, sw.currency)}"
    note += "."
    return Section(
        title="Which inputs move the switching cost most",
        note=note,
        columns=["Input", "Range of the input", *amounts],
        rows=rows,
        formats=dict.fromkeys(amounts, "currency"),
    )


def stay_vs_switch_section(sw: SwitchingPayload) -> Section | None:
    """Stay-versus-switch figures as label/value rows."""
    if not sw.stay_vs_switch:
        return None
    rows = [[humanise(k), _cell(v)] for k, v in sw.stay_vs_switch.items()]
    return Section(title="Stay versus switch", columns=["Measure", "Value"], rows=rows)


def taxonomy_section(tax: TaxonomyPayload) -> Section:
    """Each old class with its kind of mapping, its targets and the items affected."""
    rows: list[list[Any]] = [[c.label, humanise(c.kind), ", ".join(c.targets), c.affected] for c in tax.classes]
    rows += [[describe(n), "New (no source)", "", None] for n in tax.new]
    return Section(
        title="Taxonomy mapping",
        note="One-to-one, merge, split, dropped; new classes have no old source.",
        columns=["Old class", "Kind", "New class(es)", "Items affected"],
        rows=rows,
        formats={"Items affected": "integer"},
    )


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


def evidence_text(evidence: Any, limit: int = 4) -> str:
    """Evidence groups as words, worst first: 'urban_night 0.538 (n=41, fail)'."""
    if not isinstance(evidence, list) or not all(isinstance(e, dict) and "group" in e for e in evidence):
        return describe(evidence)
    parts = []
    for e in evidence[:limit]:
        value = e.get("value")
        shown = f"{value:.3f}" if isinstance(value, int | float) else "undefined"
        parts.append(f"{e['group']} {shown} (n={e.get('n')}, {e.get('status')})")
    more = len(evidence) - limit
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def remedy_text(remedy: Any) -> str:
    """A remedy as words: '5% of the period fee, owed 4,000', '8,500 per breach, owed 8,500'."""
    if not isinstance(remedy, dict):
        return describe(remedy)
    kind, amount, owed = remedy.get("kind"), remedy.get("amount"), remedy.get("owed")
    if kind == "none":
        return "none"
    if "breaches" in remedy and isinstance(amount, int | float):  # `sla-check` JSON: amount is what is owed
        breaches = remedy["breaches"]
        text = f"owed {amount:,.2f} for {breaches} breach{'es' if breaches != 1 else ''}"
        if isinstance(remedy.get("cap"), int | float):
            text += f" (capped at {remedy['cap']:,.0f})"
        return text
    parts = []
    if kind == "percent_of_fee" and isinstance(amount, int | float):
        parts.append(f"{amount:g}% of the period fee")
    elif kind == "fixed_per_breach" and isinstance(amount, int | float):
        parts.append(f"{amount:,.0f} per breach")
    if isinstance(remedy.get("cap"), int | float):
        parts.append(f"capped at {remedy['cap']:,.0f}")
    if isinstance(owed, int | float):
        parts.append(f"owed {owed:,.0f}")
    known = {"kind", "amount", "owed", "cap"}
    rest = {k: v for k, v in remedy.items() if k not in known}
    return ", ".join(parts + ([describe(rest)] if rest else [])) or describe(remedy)


def sla_terms_section(sla: SlaPayload) -> Section:
    """One row per SLA term, failing first, with evidence and remedy as text."""
    rows = []
    for t in sorted_terms(sla):
        ci = "" if not t.ci else "\u2013".join(f"{x:.3f}" if isinstance(x, float) else describe(x) for x in t.ci)
        rows.append(
            [
                t.status,
                f"{metric_label(t.metric)} ({scope_text(t.scope)})",
                t.value,
                ci,
                f"{t.comparator} {describe(t.threshold)}".strip(),
                t.n,
                evidence_text(t.evidence),
                remedy_text(t.remedy),
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
            "n",
            "Evidence",
            "Remedy",
        ],
        rows=rows,
        formats={"Measured": "rate", "n": "integer"},
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


def sla_sections(sla: SlaPayload) -> list[Section]:
    """All SLA tables: terms, per-category tables, confusion matrix."""
    out = [sla_terms_section(sla), *sla.categories]
    if sla.confusion is not None:
        out.append(confusion_section(sla.confusion))
    return out


def audit_sections(payload: dict[str, Any]) -> list[Section]:
    """A contract audit (`annogov contract-audit --format json`) as two tables: clauses, findings."""
    audit = payload.get("audit", payload)
    vendor = audit.get("vendor") or "vendor"
    lock_in = audit.get("lock_in", {})
    note = f"Lock-in risk {lock_in.get('level', 'unknown')}. " + " ".join(lock_in.get("reasons", []))
    clauses = Section(
        title=f"Contract audit: {vendor}",
        note=note.strip(),
        columns=["Clause", "Status", "Severity", "Detail"],
        rows=[
            [c["title"], c["status"], c.get("severity") or "", c.get("detail") or ""] for c in audit.get("clauses", [])
        ],
        status_column="Status",
    )
    findings = Section(
        title=f"Contract findings: {vendor}",
        note=f"Red flags: {', '.join(audit.get('red_flags', [])) or 'none'}; evaluated as of {audit.get('as_of', '')}.",
        columns=["Finding", "Severity", "Why it matters", "Ask the vendor"],
        rows=[[f["code"], f["severity"], f["reason"], f["ask"]] for f in audit.get("findings", [])],
    )
    return [clauses, findings] if findings.rows else [clauses]


def sla_report_payload(report: SlaReport) -> dict[str, Any]:
    """A full SLA check as the report's SLA part: terms, per-category tables, confusion matrix."""
    categories: list[dict[str, Any]] = [
        {
            "title": "SLA check by category",
            "rows": [row.model_dump() for row in report.categories],
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
            "rows": [row.model_dump() for row in report.coverage],
        },
    ]
    if report.annotators:
        categories.append({"title": "Annotators", "rows": [row.model_dump() for row in report.annotators]})
    if report.drift.drops:
        categories.append(
            {"title": f"Drift by {report.drift.by}", "rows": [d.model_dump() for d in report.drift.drops]}
        )
    payload = report.to_payload() | {"categories": [c for c in categories if c["rows"]]}
    if report.confusion.labels:
        payload["confusion"] = {"labels": report.confusion.labels, "matrix": report.confusion.matrix}
    return payload
