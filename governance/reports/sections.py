"""Payload parts turned into titled tables (`Section`s) that the PDF and the workbook both render.

Only the live scorecard grid and the charts are drawn specially; every other table of the report
goes through here, so a new part needs one function returning Sections and nothing else.
"""

from __future__ import annotations

from typing import Any

from governance.quality.sla.sla_check import SlaReport
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
from governance.reports.words import KEY_LABELS, money, month, number, percent, plain_key

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


def gate_text(gate: Any) -> str:
    """A fired gate in words: its reason and what it did, never its id or effect key."""
    if not isinstance(gate, dict):
        return describe(gate)
    parts = [str(gate[k]).strip().rstrip(".") for k in ("reason", "detail") if gate.get(k)][:1]
    if not parts and gate.get("effect"):
        parts.append(plain_key(gate["effect"]))
    dim = gate.get("dimension")
    text = "; ".join(parts) or describe({k: v for k, v in gate.items() if k not in ("id", "gate")})
    return f"{dimension_label(str(dim))}: {text}" if dim and text else text


def flag_kind(flag: Any) -> str:
    """What kind of flag, in words."""
    kind = flag.get("kind") if isinstance(flag, dict) else None
    return plain_key(kind) if kind else "flag"


def flag_text(flag: Any) -> str:
    """A flag's message, else its description without internal keys."""
    if isinstance(flag, dict):
        if flag.get("message"):
            return str(flag["message"])
        return describe({k: v for k, v in flag.items() if k not in ("kind", "dimension")})
    return describe(flag)


def gates_and_flags_section(card: ScorecardPayload) -> Section | None:
    """Knock-out gates that fired and flags raised, one row each."""
    rows: list[list[Any]] = []
    for p in card.ranked():
        rows += [[p.name, "knock-out gate", gate_text(g)] for g in p.gates]
        rows += [[p.name, flag_kind(f), flag_text(f)] for f in p.flags]
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
        note="Gates fired by the rubric's policy table, flags for a calibration talk, overrides or missing scores.",
        columns=["Provider", "Kind", "Detail"],
        rows=rows,
    )


def red_flags_section(card: ScorecardPayload) -> Section | None:
    """Every raised red flag per provider with the rubric's policy and its source."""
    rows = [
        [
            p.name,
            dimension_label(str(f.get("dimension", ""))),
            f"{f.get('key')}: {f.get('text')}",
            f.get("policy"),
            f.get("source"),
        ]
        for p in card.ranked()
        for f in p.red_flags
    ]
    if not rows:
        return None
    return Section(
        title="Red flags",
        note="Each flag with the one consequence the rubric gives it and where it was raised.",
        columns=["Provider", "Dimension", "Red flag", "Policy", "Source"],
        rows=rows,
    )


def excluded_section(card: ScorecardPayload) -> Section | None:
    """Providers a knock-out gate excludes, with the reason; they rank after every eligible one."""
    rows = [[p.rank, p.name, p.band, "; ".join(p.excluded_by)] for p in card.ranked() if p.complete and not p.eligible]
    if not rows:
        return None
    return Section(
        title="Excluded by a knock-out gate",
        note="Ranked after every eligible provider whatever their total.",
        columns=["Rank", "Provider", "Band", "Reason"],
        rows=rows,
    )


def guide_sections(card: ScorecardPayload) -> list[Section]:
    """The rubric's 1/3/5 anchors and the qualification questions to ask each provider."""
    if not card.guide:
        return []
    anchors = [
        [g["name"], g.get("weight"), *(g.get("anchors", {}).get(str(k), "") for k in (1, 3, 5))] for g in card.guide
    ]
    questions = [[g["name"], q] for g in card.guide for q in g.get("questions", [])]
    out = [
        Section(
            title="Scoring anchors",
            note="What a 1, a 3 and a 5 look like on each dimension.",
            columns=["Dimension", "Weight", "1", "3", "5"],
            rows=anchors,
            formats={"Weight": "decimal"},
        )
    ]
    if questions:
        out.append(
            Section(
                title="Questions to ask each provider",
                note="The rubric's qualification questions, by dimension.",
                columns=["Dimension", "Question"],
                rows=questions,
            )
        )
    return out


ROBUSTNESS_TITLES = {
    "pairs": "Weight changes that swap two neighbours",
    "boundaries": "Weight changes that cross a band boundary",
    "band_probabilities": "Chance of each band over the evaluators' spread",
    "top_probability": "Chance of ranking first over the evaluators' spread",
    "method": "Method",
}
ROBUSTNESS_COLUMNS = {
    "upper": "Ahead now",
    "lower": "Behind now",
    "from_weight": "Weight now",
    "to_weight": "Weight that changes it",
    "change": "Change",
    "boundary": "Band boundary",
}


def _robust_value(key: str, value: Any) -> Any:
    """Dimension keys as their names; everything else as given."""
    return dimension_label(str(value)) if key == "dimension" and value else _cell(value)


def robustness_sections(robustness: dict[str, Any], with_text: bool = True) -> list[Section]:
    """Whatever the robustness analysis holds, as tables: findings, matrices, key/values.

    `with_text=False` leaves out the findings' sentences where the caller prints them already.
    """
    sections: list[Section] = []
    loose: list[list[Any]] = []
    for key, value in robustness.items():
        title = ROBUSTNESS_TITLES.get(key, humanise(key))
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            rows = [
                {ROBUSTNESS_COLUMNS.get(k, humanise(k)): _robust_value(k, v) for k, v in item.items()
                 if with_text or k != "text"}
                for item in value
            ]
            if any(rows):
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
                    columns=["Provider", *inner],
                    rows=[[name, *(_cell(v.get(k)) for k in inner)] for name, v in value.items()],
                    formats={k: fmt for k in inner},
                )
            )
        elif isinstance(value, dict):
            rows2 = [[humanise(k), _cell(v)] for k, v in value.items()]
            shares = "prob" in key and all(isinstance(v, int | float) and 0 <= v <= 1 for v in value.values())
            formats: dict[str, ColumnFormat] = {"Value": "percent"} if shares else {}
            first = "Provider" if shares else "Item"
            sections.append(Section(title=title, columns=[first, "Value"], rows=rows2, formats=formats))
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
    money = ["Most likely inputs", "P10", "P50", "P90"]
    return Section(
        title="Switching cost by area",
        note="Most likely inputs: every input at its most likely value. P10, P50, P90: one in ten simulations "
        "costs less, half cost less, nine in ten cost less.",
        columns=["Area", *money],
        rows=rows,
        formats=dict.fromkeys(money, "currency"),
    )


def input_label(bar: TornadoBar) -> str:
    """A tornado input named with its area, e.g. 'Model retraining: runs'."""
    return parameter_label(bar.parameter, bar.label)


def parameter_label(parameter: str, label: str | None = None) -> str:
    """A scenario input key ('retraining.runs') in words with its area ('Model retraining: runs')."""
    area, _, name = parameter.partition(".")
    label = label or plain_key(name or area)
    prefix = AREA_LABELS.get(area) or VENDOR_LABELS.get(area)
    if prefix and not label.startswith(f"{prefix}:"):
        return f"{prefix}: {label}"
    return label


def _amount(value: float | None, unit: str, currency: str = "") -> str:
    """An input value with its unit: '4 runs', '30%' for a share, 'EUR 2,000 per run' for money."""
    if value is None:
        return ""
    if unit == "share":
        return percent(value, 0 if round(value * 100, 6).is_integer() else 1)
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit.startswith("currency") and currency:
        per = unit.partition("/")[2]
        return f"{currency} {shown}" + (f" per {per}" if per else "")
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
        low, high = _amount(b.low, b.unit, sw.currency), _amount(b.high, b.unit, sw.currency)
        rows.append([input_label(b), f"{low} to {high}", *ends, b.width()])
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
    rows = []
    for key, value in sw.stay_vs_switch.items():
        label, kind = STAY_MEASURES.get(key, (humanise(key), "text"))
        if value is None and kind != "month" or value == "":
            continue
        rows.append([label, _stay_value(value, kind, sw.currency)])
    return Section(title="Stay versus switch", columns=["Measure", "Value"], rows=rows)


STAY_MEASURES: dict[str, tuple[str, str]] = {
    "horizon_months": ("Horizon (months)", "count"),
    "current_monthly_fee": ("Current provider, monthly fee for usable labels", "money"),
    "new_monthly_fee": ("New provider, monthly fee for usable labels", "money"),
    "monthly_saving": ("Saving a month", "money"),
    "stay_cost_over_horizon": ("Staying, cost over the horizon", "money"),
    "switch_cost_over_horizon": ("Switching, cost over the horizon (switching cost included)", "money"),
    "break_even_month": ("Break-even, most likely inputs", "month"),
    "break_even_month_p50": ("Break-even, median simulation (P50)", "month"),
    "break_even_month_p90": ("Break-even, cautious (P90)", "month"),
    "break_even_reason": ("Why it does not break even", "text"),
    "probability_switch_cheaper": ("Chance that switching is cheaper within the horizon", "percent"),
    "months_of_current_fees": ("Switching cost in months of current fees", "number"),
    "cost_in_months_of_current_fees": ("Switching cost in months of current fees", "months"),
}
"""Stay-versus-switch keys as labels with how their values read."""


def _stay_value(value: Any, kind: str, currency: str) -> str:
    if kind == "money":
        return money(value, currency)
    if kind == "month":
        return month(value)
    if kind == "percent":
        return percent(value)
    if kind == "count" and isinstance(value, int | float) and float(value).is_integer():
        return number(value, "integer")
    if kind == "months" and isinstance(value, dict):
        names = {"deterministic": "most likely inputs", "p50": "P50", "p90": "P90"}
        return ", ".join(f"{v:.1f} ({names.get(k, k)})" for k, v in value.items() if isinstance(v, int | float))
    if isinstance(value, float):
        return f"{value:,.1f}"
    return describe(value)


def taxonomy_section(tax: TaxonomyPayload) -> Section:
    """Each old class with its kind of mapping, its targets and the items affected."""
    rows: list[list[Any]] = [
        [c.label, humanise(plain_key(c.kind)), ", ".join(c.targets), c.affected] for c in tax.classes
    ]
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
    titles = {c.get("clause"): c.get("title") for c in audit.get("clauses", []) if c.get("clause")}
    flagged = [f for f in audit.get("findings", []) if f.get("red_flag")]
    red = ", ".join(dict.fromkeys(titles.get(f.get("clause"), f.get("clause", "")) for f in flagged)) or "none"
    findings = Section(
        title=f"Contract findings: {vendor}",
        note=f"Red flags on: {red}; evaluated as of {audit.get('as_of', '')}.",
        columns=["Clause", "Severity", "Why it matters", "Ask the vendor"],
        rows=[
            [titles.get(f.get("clause")) or plain_key(f.get("clause") or f["code"]), f["severity"], f["reason"],
             f["ask"]]
            for f in audit.get("findings", [])
        ],
    )
    return [clauses, findings] if findings.rows else [clauses]


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


def decision_sections(card: ScorecardPayload) -> list[Section]:
    """Where the weights came from, SMAA under uncertain weights, and the panel's agreement
    (the `weights_provenance`, `smaa` and `panel_agreement` parts of the score payload)."""
    extra = card.model_extra or {}
    out: list[Section] = []
    prov = extra.get("weights_provenance")
    if isinstance(prov, dict):
        rows = [[humanise(k), _cell(", ".join(map(str, v)) if isinstance(v, list) else v)]
                for k, v in prov.items()]
        out.append(Section(title="Where the weights came from", columns=["Item", "Value"], rows=rows))
    smaa = extra.get("smaa")
    if isinstance(smaa, dict) and smaa.get("providers"):
        providers = sorted(smaa["providers"], key=lambda p: -p["first_rank"])
        ranks = min(3, len(providers))
        cols = [f"Rank {r + 1}" for r in range(ranks)]
        keys = list(card.dimensions())
        rows = [[describe(p["name"]), *p["rank_acceptability"][:ranks], p["confidence"],
                 " / ".join(f"{p['central_weights'][k]:.0f}" for k in keys if k in p["central_weights"])
                 if p["central_weights"] else "-"] for p in providers]
        out.append(Section(
            title="How often each provider wins when the weights are uncertain (SMAA)",
            note=f"{smaa['verdict']}. Weights: {smaa['weights']}. {smaa['method']}. Central weights "
                 f"in the order {', '.join(dimension_label(k) for k in keys)}.",
            columns=["Provider", *cols, "Confidence", "Central weights"], rows=rows,
            formats={**dict.fromkeys(cols, "percent"), "Confidence": "percent"}))
    agreement = extra.get("panel_agreement")
    if isinstance(agreement, dict):
        rows = [[dimension_label(d["dimension"]), d["alpha"], d["low"], d["high"], d["providers"],
                 d["reason"] or ""] for d in agreement["dimensions"]]
        out.append(Section(title="Agreement between evaluators", note=agreement["method"],
                           columns=["Dimension", "Alpha", "Low", "High", "Providers", "Note"], rows=rows,
                           formats={"Alpha": "decimal", "Low": "decimal", "High": "decimal",
                                    "Providers": "integer"}))
    return out


def variance_sections(sw: SwitchingPayload) -> list[Section]:
    """Each input's share of the total's variance beside the tornado, and the rank correlation
    the simulation imposed (the `sensitivity` and `correlation` parts of the payload)."""
    extra = sw.model_extra or {}
    out: list[Section] = []
    sens = extra.get("sensitivity")
    if isinstance(sens, dict) and sens.get("rows"):
        out.append(Section(
            title="Share of the variance of the total",
            note=sens["method"],
            columns=["Input", "Contribution to variance", "First-order index", "Rank correlation"],
            rows=[[parameter_label(r["parameter"]), r["contribution"], r["first_order"], r["rank_correlation"]]
                  for r in sens["rows"]],
            formats={"Contribution to variance": "percent", "First-order index": "decimal",
                     "Rank correlation": "decimal"}))
    corr = extra.get("correlation")
    if isinstance(corr, dict):
        inputs = corr["inputs"]
        numbers = [f"({i + 1})" for i in range(len(inputs))]
        rows = [
            [f"{n} {parameter_label(name)}", *row] for n, name, row in zip(numbers, inputs, corr["used"], strict=True)
        ]
        out.append(Section(
            title="Rank correlation between inputs", note=corr["note"],
            columns=["Input", *numbers], rows=rows, formats=dict.fromkeys(numbers, "decimal")))
    return out


def round_sections(payload: dict[str, Any]) -> list[Section]:
    """A closed evaluation round: each cell's individual scores, the consensus by the stated rule
    and any moderated score beside it with who and why; then agreement per dimension."""
    rows = [[describe(c["provider"]), dimension_label(c["dimension"]),
             ", ".join(f"{describe(e)} {v:g}" for e, v in sorted(c["individual"].items())),
             c["consensus"], c["moderated"], describe(c["moderated_by"] or ""), describe(c["reason"] or ""),
             c["final"]] for c in payload["cells"]]
    out = [Section(
        title=f"Evaluation round {describe(payload['round'])}: consensus and moderation",
        note=f"Consensus: {payload['rule']}. Conflicts of interest were declared before scoring; "
             "individual scores were sealed until the round closed.",
        columns=["Provider", "Dimension", "Individual scores", "Consensus", "Moderated", "By", "Why", "Final"],
        rows=rows, formats={"Consensus": "decimal", "Moderated": "decimal", "Final": "decimal"})]
    agreement = payload.get("agreement") or []
    if agreement:
        out.append(Section(
            title="Evaluation round: agreement between evaluators",
            note="Krippendorff's alpha, ordinal metric; 95% percentile bootstrap over providers.",
            columns=["Dimension", "Alpha", "Low", "High", "Providers"],
            rows=[[dimension_label(a["dimension"]), a["alpha"], a["low"], a["high"], a["providers"]]
                  for a in agreement],
            formats={"Alpha": "decimal", "Low": "decimal", "High": "decimal", "Providers": "integer"}))
    return out
