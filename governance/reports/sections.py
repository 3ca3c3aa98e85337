"""Payload parts turned into titled tables (`Section`s) that the PDF and the workbook both render.

Only the live scorecard grid and the charts are drawn specially; every other table of the report
goes through here (the SLA part in `sla_sections`, the switching part in `switching_sections`), so a
new part needs one function returning Sections and nothing else.
"""

from __future__ import annotations

from typing import Any

from governance.reports.model import (
    AREA_LABELS,
    DIMENSION_LABELS,
    ColumnFormat,
    ScorecardPayload,
    Section,
)
from governance.reports.safe_text import describe
from governance.reports.words import plain_key

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
