"""The decision page: what is decided, the recommendation and its reasons, what would change it, the
risks and the questions to put to the vendor, in plain sentences with numbers.

Built only from the report's payloads, so the PDF's first page and the workbook's Summary sheet
say the same thing; sentences are plain text carrying untrusted names (each renderer escapes).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from governance.reports.model import (
    BAND_ENTERPRISE,
    BAND_RISK,
    ProviderResult,
    ReportInput,
    ScorecardPayload,
    Section,
    SlaPayload,
    SwitchingPayload,
)
from governance.reports.safe_text import describe
from governance.reports.sections import dimension_label, metric_label
from governance.reports.sla_sections import metric_value_text, scope_text, sorted_terms, target_text
from governance.reports.switching_sections import input_label
from governance.reports.words import money, month, percent

GATE_LEADS = {"knock_out": "Knock-out for", "cap_dimension": "Score cap for", "force_band": "Band held for"}

MAX_QUESTIONS = 8
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


class DecisionBlock(BaseModel):
    """One heading of the decision page and its sentences."""

    heading: str
    sentences: list[str]


def _points(total: float | None) -> str:
    return "no total" if total is None else f"{total:.1f} of 100 points"


def _gate_text(gate: Any) -> str:
    """A fired gate as its reason (what the policy says), else its description."""
    if isinstance(gate, dict):
        reason = gate.get("reason") or gate.get("detail") or gate.get("effect")
        if reason:
            return str(reason).rstrip(".")
    return describe(gate)


def _flag_text(flag: Any) -> str:
    """A flag as its message."""
    if isinstance(flag, dict) and flag.get("message"):
        return str(flag["message"]).rstrip(".")
    return describe(flag).rstrip(".")


def _leader(card: ScorecardPayload) -> ProviderResult | None:
    ranked = [p for p in card.ranked() if p.rank is not None and p.total is not None]
    return ranked[0] if ranked else None


def _runner_up(card: ScorecardPayload) -> ProviderResult | None:
    ranked = [p for p in card.ranked() if p.rank is not None and p.total is not None]
    return ranked[1] if len(ranked) > 1 else None


def _top_share(card: ScorecardPayload, name: str) -> float | None:
    """How often the provider ranks first, or holds its band, in the robustness draws."""
    top = card.robustness.get("top_probability")
    if isinstance(top, dict) and isinstance(top.get(name), int | float):
        return float(top[name])
    return None


def _band_share(card: ScorecardPayload, name: str, band: str | None) -> float | None:
    probs = card.robustness.get("band_probabilities")
    if isinstance(probs, dict) and isinstance(probs.get(name), dict) and band:
        value = probs[name].get(band)
        return float(value) if isinstance(value, int | float) else None
    return None


def _robust_texts(card: ScorecardPayload, name: str) -> list[str]:
    """The robustness findings ('text') that would unseat the leader or move it out of its band,
    closest call first."""
    found: list[tuple[float, str]] = []
    for key in ("pairs", "boundaries"):
        rows = card.robustness.get(key)
        if not isinstance(rows, list):
            continue
        for row in rows:
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                continue
            if name not in (row.get("upper"), row.get("provider")):
                continue
            start, end = row.get("from_weight"), row.get("to_weight")
            gap = abs(end - start) if isinstance(start, int | float) and isinstance(end, int | float) else 1e9
            found.append((gap, row["text"].strip().rstrip(".") + "."))
    return [text for _, text in sorted(found, key=lambda f: f[0])]


def _scorecard(card: ScorecardPayload, out: dict[str, list[str]]) -> None:
    leader, second = _leader(card), _runner_up(card)
    scored = [p for p in card.providers if p.total is not None]
    out["decided"].append(f"Which of the {len(card.providers)} providers scored should carry the annotation work.")
    if leader is None:
        out["recommend"].append("No provider has a complete score yet, so none can be recommended.")
        return
    band = leader.band or "no band"
    if band == BAND_RISK:
        out["recommend"].append(
            f"Award to no provider on this evidence: even the best, {leader.name}, is a {band} "
            f"({_points(leader.total)})."
        )
    elif band == BAND_ENTERPRISE:
        out["recommend"].append(f"Award the work to {leader.name} ({_points(leader.total)}, {band}).")
    else:
        out["recommend"].append(
            f"Award the work to {leader.name} ({_points(leader.total)}, {band}), under the enhanced "
            "oversight its band calls for."
        )
    order = "; ".join(f"{p.rank}. {p.name} ({_points(p.total)}, {p.band or 'no band'})" for p in card.ranked()
                      if p.rank is not None)
    out["why"].append(f"Ranking of {len(scored)} complete scorecards: {order}.")
    if second is not None and leader.total is not None and second.total is not None:
        out["why"].append(f"{leader.name} leads {second.name} by {leader.total - second.total:.1f} points.")
    share = _top_share(card, leader.name)
    band_share = _band_share(card, leader.name, leader.band)
    if share is not None:
        out["why"].append(f"Over the evaluators' spread {leader.name} ranks first in {percent(share)} of draws.")
    if band_share is not None:
        out["why"].append(f"It stays in its band in {percent(band_share)} of draws.")
    out["change"] += _robust_texts(card, leader.name)[:3]
    if not card.robustness:
        out["risks"].append("No robustness analysis was supplied, so how stable the ranking is remains unknown.")
    for p in card.ranked():
        for gate in p.gates:
            effect = gate.get("effect") if isinstance(gate, dict) else None
            out["risks"].append(f"{GATE_LEADS.get(str(effect), 'Gate for')} {p.name}: {_gate_text(gate)}.")
    for flag in leader.flags:
        out["risks"].append(f"{leader.name}: {_flag_text(flag)}.")
    spread = [dimension_label(k) for k, d in leader.dimensions.items() if d.spread is not None and d.spread >= 2]
    if spread:
        out["risks"].append(f"Evaluators disagree by two points or more on {leader.name}'s {', '.join(spread)}.")
    incomplete = [p.name for p in card.providers if not p.complete]
    if incomplete:
        out["risks"].append(f"Not ranked for a missing score (never read as zero): {', '.join(incomplete)}.")


def _switching(sw: SwitchingPayload, unit: str, out: dict[str, list[str]], scored: bool = False) -> None:
    """The switch's verdict, costs and break-even; `scored`: a scorecard decides on quality beside it."""
    svs = sw.stay_vs_switch
    horizon = svs.get("horizon_months")
    over = f" over {horizon:g} months" if isinstance(horizon, int | float) else ""
    out["decided"].append(f"Whether changing provider pays back{over}, given what the change itself costs.")
    total = sw.percentiles.get("total")
    cheaper = svs.get("probability_switch_cheaper")
    p50, p90 = svs.get("break_even_month_p50"), svs.get("break_even_month_p90")
    if isinstance(cheaper, int | float):
        if cheaper >= 0.8:
            verdict = "Switching pays back"
        elif cheaper >= 0.5:
            verdict = "Switching more likely than not pays back, but not safely"
        else:
            verdict = "Switching is unlikely to pay back"
        lead = "On cost alone, " + verdict[0].lower() + verdict[1:] if scored else verdict
        out["recommend"].append(f"{lead}{over}: it is cheaper than staying in {percent(cheaper)} of simulations.")
        if scored:
            out["risks"].append(
                "The switching estimate prices the change of provider, not the new provider's quality: read it "
                "beside that provider's rank, band and gates in the scorecard."
            )
    if total is not None and total.p50 is not None:
        out["why"].append(
            f"The change itself most likely costs {money(total.p50, unit)} (P50), with a one-in-ten chance of more "
            f"than {money(total.p90, unit)} (P90)."
        )
    if p50 is not None or p90 is not None or svs:
        out["why"].append(f"It breaks even in {month(p50)} at P50 and in {month(p90)} at P90.")
    saving = svs.get("monthly_saving")
    if isinstance(saving, int | float):
        out["why"].append(f"The new provider saves {money(saving, unit)} a month on usable labels.")
    bars = sw.tornado_bars(2)
    for bar in bars:
        ends = bar.totals()
        if ends is not None:
            out["change"].append(
                f"{input_label(bar)}: over its range the switching cost runs from {money(min(ends), unit)} "
                f"to {money(max(ends), unit)}."
            )
    if total is not None and total.p90 is not None:
        out["risks"].append(f"The switching cost could exceed {money(total.p90, unit)} (one chance in ten).")
    reason = svs.get("break_even_reason")
    if isinstance(reason, str) and reason.strip():
        out["risks"].append(reason.strip().rstrip(".") + ".")


def _sla(sla: SlaPayload, unit: str, out: dict[str, list[str]]) -> None:
    failed = [t for t in sla.terms if t.status.lower() == "fail"]
    unsure = [t for t in sla.terms if t.status.lower() == "inconclusive"]
    out["decided"].append(f"What to do about the delivery checked against {len(sla.terms)} SLA terms.")
    credits = sla.credits if isinstance(sla.credits, int | float) and not isinstance(sla.credits, bool) else None
    owed = f" and claim the service credits of {money(credits, unit)}" if credits else ""
    if failed:
        out["recommend"].append(
            f"Reject the delivery as it stands (it fails {len(failed)} of {len(sla.terms)} SLA terms){owed}."
        )
    elif unsure:
        out["recommend"].append(
            f"Accept the delivery provisionally: no term fails, {len(unsure)} cannot be judged yet."
        )
    else:
        out["recommend"].append(f"Accept the delivery: it meets all {len(sla.terms)} SLA terms.")
    for t in sorted_terms(sla)[: len(failed)]:
        value = "undefined" if t.value is None else metric_value_text(t.metric, t.value)
        out["why"].append(
            f"{metric_label(t.metric)} ({scope_text(t.scope)}) measured {value} against a target of "
            f"{target_text(t.comparator, t.threshold, t.metric)}."
        )
        out["ask"].append(
            f"How and by when will {metric_label(t.metric)} ({scope_text(t.scope)}) reach "
            f"{target_text(t.comparator, t.threshold, t.metric)}?"
        )
    if credits is not None:
        out["why"].append(f"Service credits owed under the contract: {money(credits, unit) if credits else 'none'}.")
    if unsure:
        names = "; ".join(f"{metric_label(t.metric)} ({scope_text(t.scope)})" for t in unsure)
        out["change"].append(f"A larger sample could still turn these inconclusive terms into failures: {names}.")
        terms = "term cannot" if len(unsure) == 1 else "terms cannot"
        out["risks"].append(f"{len(unsure)} SLA {terms} be judged on this sample: {names}.")


def _sections(sections: list[Section], out: dict[str, list[str]]) -> None:
    """Questions and high-severity risks from any table with an 'Ask the vendor' column."""
    asks: list[tuple[int, str]] = []
    for section in sections:
        if "Ask the vendor" not in section.columns:
            continue
        ask_col = section.columns.index("Ask the vendor")
        sev_col = section.columns.index("Severity") if "Severity" in section.columns else None
        why_col = section.columns.index("Why it matters") if "Why it matters" in section.columns else None
        vendor = section.title.split(":", 1)[1].strip() if ":" in section.title else ""
        for row in section.rows:
            severity = str(row[sev_col]).lower() if sev_col is not None else "medium"
            text = describe(row[ask_col]).strip()
            if text:
                asks.append((SEVERITY_ORDER.get(severity, 1), f"{vendor}: {text}" if vendor else text))
            if severity == "high" and why_col is not None:
                why = describe(row[why_col]).strip().rstrip(".")
                out["risks"].append(f"Contract{' with ' + vendor if vendor else ''}: {why}.")
    out["ask"] += [text for _, text in sorted(asks, key=lambda a: a[0])]


HEADINGS: tuple[tuple[str, str], ...] = (
    ("decided", "What is being decided"),
    ("recommend", "Recommendation"),
    ("why", "The reasons, with the numbers"),
    ("change", "What would change it"),
    ("risks", "Risks"),
    ("ask", "Questions to put to the vendor"),
)


def decision(report: ReportInput) -> list[DecisionBlock]:
    """The decision page's blocks in reading order; a block with nothing to say is left out."""
    out: dict[str, list[str]] = {key: [] for key, _ in HEADINGS}
    if report.scorecard is not None:
        _scorecard(report.scorecard, out)
    if report.switching is not None:
        _switching(report.switching, report.switching_unit(), out, scored=report.scorecard is not None)
    if report.sla is not None:
        _sla(report.sla, report.sla_unit(), out)
    _sections(report.sections, out)
    out["ask"] = list(dict.fromkeys(out["ask"]))[:MAX_QUESTIONS]
    out["risks"] = list(dict.fromkeys(out["risks"]))
    return [DecisionBlock(heading=title, sentences=out[key]) for key, title in HEADINGS if out[key]]
