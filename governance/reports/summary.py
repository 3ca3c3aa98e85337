"""The executive summary in plain words, shared by the PDF and the workbook's Summary sheet.

Sentences are plain text carrying untrusted names; each renderer escapes them its own way.
"""

from __future__ import annotations

from typing import Any

from governance.reports import words
from governance.reports.model import ReportInput, ScorecardPayload, SlaPayload, SwitchingPayload
from governance.reports.safe_text import describe
from governance.reports.sections import area_label, metric_label, robustness_findings
from governance.reports.sla_sections import scope_text
from governance.reports.switching_sections import parameter_label


def _gate_text(gate: Any) -> str:
    """A fired gate in words: its reason (what the policy says), else whatever it carries."""
    if isinstance(gate, dict) and gate.get("reason"):
        return str(gate["reason"]).rstrip(".")
    return describe(gate)


def money(value: Any, currency: str = "") -> str:
    """An amount with its currency, thousands separators and no decimals, or 'not given'."""
    return words.money(value, currency)


def _points(value: float | None) -> str:
    return "no total" if value is None else f"{value:.2f}"


def scorecard_summary(card: ScorecardPayload) -> list[str]:
    """Ranking, bands, incomplete providers and how robust the ranking is."""
    ranked = [p for p in card.ranked() if p.rank is not None]
    eligible = [p for p in ranked if p.eligible]
    lines: list[str] = []
    if ranked:
        order = "; ".join(
            f"{p.rank}. {p.name} ({_points(p.total)} points, {p.band or 'no band'}"
            + ("" if p.eligible else ", excluded")
            + ")"
            for p in ranked
        )
        lines.append(f"Ranking out of 100: {order}.")
        if eligible:
            top = eligible[0]
            lines.append(
                f"{top.name} ranks first among eligible providers, in the band \u201c{top.band or 'none'}\u201d."
            )
        else:
            lines.append("No provider is eligible: every complete provider is excluded by a knock-out gate.")
    incomplete = [p.name for p in card.providers if not p.complete]
    if incomplete:
        lines.append(
            "Incomplete, so neither banded nor ranked (a missing score is never read as zero): "
            + ", ".join(incomplete)
            + "."
        )
    for p in card.ranked():
        knock = [g for g in p.gates if isinstance(g, dict) and g.get("effect") == "knock_out"]
        other = [g for g in p.gates if g not in knock]
        if knock:
            why = "; ".join(_gate_text(g) for g in knock)
            lines.append(f"{p.name} is excluded by a knock-out gate and ranks after every eligible provider: {why}.")
        if other:
            lines.append(f"Gates for {p.name}: " + "; ".join(_gate_text(g) for g in other) + ".")
        if p.red_flags:
            flags = ", ".join(f"{f.get('key')} ({f.get('policy')})" for f in p.red_flags)
            lines.append(f"Red flags for {p.name}: {flags}.")
    lines += _decision_summary(card)
    findings = robustness_findings(card.robustness)
    if findings:
        lines.append("Robustness: " + " ".join(f.rstrip(".") + "." for f in findings[:4]))
    elif card.robustness:
        lines.append("Robustness was analysed; see the Robustness section for the figures.")
    else:
        lines.append("No robustness analysis was supplied, so the ranking's stability is unknown.")
    return lines


def _decision_summary(card: ScorecardPayload) -> list[str]:
    """The SMAA verdict and where the weights came from, when the payload carries them."""
    extra = card.model_extra or {}
    lines = []
    smaa = extra.get("smaa")
    if isinstance(smaa, dict) and smaa.get("verdict"):
        verdict = str(smaa["verdict"])
        lines.append(f"Under uncertain weights ({smaa.get('weights', 'see SMAA')}): {verdict[0].upper()}{verdict[1:]}.")
    prov = extra.get("weights_provenance")
    if isinstance(prov, dict) and prov.get("method"):
        who = ", ".join(map(str, prov.get("evaluators") or []))
        cr = prov.get("panel_consistency_ratio")
        lines.append(f"The weights were elicited by {str(prov['method']).upper()} from {who}"
                     + (f" (panel consistency ratio {cr:.3f})" if isinstance(cr, int | float) else "") + ".")
    return lines


def switching_summary(sw: SwitchingPayload, currency: str = "") -> list[str]:
    """Switching cost P50/P90 with the largest area, and the stay-versus-switch answer."""
    lines: list[str] = []
    unit = currency or sw.currency
    total = sw.percentiles.get("total")
    if total is not None and total.p50 is not None:
        lines.append(
            f"Switching provider would most likely cost {money(total.p50, unit)} (P50); "
            f"there is a one-in-ten chance it costs more than {money(total.p90, unit)} (P90)."
        )
    elif "total" in sw.deterministic:
        lines.append(f"Switching provider would cost {money(sw.deterministic['total'], unit)}.")
    areas = {a: sw.deterministic.get(a) for a in sw.areas()}
    numeric = {a: v for a, v in areas.items() if isinstance(v, int | float)}
    if numeric:
        biggest = max(numeric, key=lambda a: numeric[a])
        lines.append(f"The largest part is {area_label(biggest).lower()} ({money(numeric[biggest], unit)}).")
    svs = sw.stay_vs_switch
    p50, p90 = svs.get("break_even_month_p50"), svs.get("break_even_month_p90")
    if p50 is not None or p90 is not None:
        lines.append(
            f"Switching breaks even in {words.month(p50)} at P50 and {words.month(p90)} at P90."
        )
    elif svs:
        lines.append("Switching does not break even within the horizon.")
    now, after = svs.get("current_fee_basis"), svs.get("new_fee_basis")
    if isinstance(now, str) and isinstance(after, str) and now and after:
        lines.append(f"Monthly fee now ({now}); after the switch ({after}).")
    prob = svs.get("probability_switch_cheaper")
    if isinstance(prob, int | float):
        lines.append(f"Probability that switching is cheaper within the horizon: {prob:.0%}.")
    months = svs.get("months_of_current_fees")
    if isinstance(months, int | float):
        lines.append(f"The switching cost equals {months:.1f} months of current fees.")
    return lines + _variance_summary(sw)


def _variance_summary(sw: SwitchingPayload) -> list[str]:
    """Which input drives the uncertainty, and whether the inputs were drawn correlated."""
    extra = sw.model_extra or {}
    lines = []
    rows = (extra.get("sensitivity") or {}).get("rows") or []
    if rows:
        top = rows[0]
        lines.append(f"{parameter_label(str(top['parameter']))} drives most of the uncertainty "
                     f"({top['contribution']:.0%} of the variance of the total).")
    corr = extra.get("correlation")
    if isinstance(corr, dict):
        lines.append(f"{len(corr['inputs'])} inputs were drawn rank-correlated; {corr['note']}.")
    return lines


def sla_summary(sla: SlaPayload, currency: str = "") -> list[str]:
    """Verdict, terms failed, inconclusive terms and the credits owed."""
    failed = [t for t in sla.terms if t.status.lower() == "fail"]
    unsure = [t for t in sla.terms if t.status.lower() == "inconclusive"]
    lines = [f"SLA verdict: {describe(sla.verdict)} ({len(sla.terms)} terms checked)."]
    if failed:
        lines.append(
            "Terms failed: " + "; ".join(f"{metric_label(t.metric)} ({scope_text(t.scope)})" for t in failed) + "."
        )
    else:
        lines.append("No term failed.")
    if unsure:
        lines.append(f"{len(unsure)} term(s) inconclusive (sample too small or statistic undefined).")
    lines.append(f"Service credits owed: {credits_text(sla.credits, currency or sla.currency)}.")
    return lines


def credits_text(credits: Any, currency: str = "") -> str:
    """Credits owed as an amount with its currency, or their description, or 'none'."""
    if isinstance(credits, int | float) and not isinstance(credits, bool):
        return money(credits, currency) if credits else "none"
    return describe(credits) or "none"


def executive_summary(report: ReportInput) -> list[tuple[str, list[str]]]:
    """(heading, sentences) for each part present, in report order."""
    out: list[tuple[str, list[str]]] = []
    if report.scorecard is not None:
        out.append(("Provider scorecard", scorecard_summary(report.scorecard)))
    if report.switching is not None:
        out.append(("Switching cost", switching_summary(report.switching, report.switching_unit())))
    if report.sla is not None:
        out.append(("SLA check", sla_summary(report.sla, report.sla_unit())))
    if report.sections:
        out.append(("Also in this report", ["; ".join(s.title for s in report.sections) + "."]))
    return out


def evaluated_text(report: ReportInput) -> str:
    """What was evaluated, for the cover: given, or derived from the parts present."""
    if report.evaluated:
        return report.evaluated
    parts = []
    if report.scorecard is not None:
        parts.append(f"{len(report.scorecard.providers)} annotation providers on a weighted scorecard")
    if report.switching is not None:
        parts.append("the cost of switching provider")
    if report.taxonomy_part() is not None:
        parts.append("the taxonomy mapping")
    if report.sla is not None:
        parts.append(f"a delivery against {len(report.sla.terms)} SLA terms")
    parts += [s.title for s in report.sections]
    return "; ".join(parts)
