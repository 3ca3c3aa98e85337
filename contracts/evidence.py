"""Audit findings as scorecard evidence: suggested 1-5 scores and gate triggers, as plain data.

Knows only the scorecard's dimension keys (`security`, `commercial`) and two effect strings
("cap:<score>", "force_band:material_risk"); the scorecard owner decides how to apply them.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, Field

from contracts.audit import CERTIFICATION_MAX_AGE_MONTHS, ContractAudit, Finding

EVIDENCE_DIMENSIONS: tuple[str, ...] = ("security", "commercial")
MATERIAL_RISK = "force_band:material_risk"

_PENALTY = {
    "missing": {"critical": 3.0, "high": 2.0, "medium": 1.0, "low": 0.5},
    "weak": {"critical": 2.0, "high": 1.0, "medium": 0.5, "low": 0.25},
}


class ScoreSuggestion(BaseModel):
    """A suggested score for one scorecard dimension, with the findings behind it."""

    dimension: str
    score: int = Field(ge=1, le=5)
    reasons: list[str]


class GateTrigger(BaseModel):
    """A finding that should cap a dimension's score or force the provider's band."""

    dimension: str
    reason: str
    effect: str = Field(description="'cap:<1-5>' or 'force_band:material_risk'")
    finding: str | None = Field(None, description="Code of the finding behind the trigger")


class ScorecardEvidence(BaseModel):
    """What the contract audit contributes to the scorecard for one vendor."""

    vendor: str
    as_of: str
    suggestions: list[ScoreSuggestion]
    gates: list[GateTrigger]

    def to_payload(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return self.model_dump(mode="json")


def gate_triggers(audit: ContractAudit) -> list[GateTrigger]:
    """Findings the framework treats as disqualifying or capping, in a fixed order."""
    codes = {f.code: f for f in audit.findings}
    status = {c.clause: c.status for c in audit.clauses}
    gates: list[GateTrigger] = []

    def add(dimension: str, effect: str, reason: str, code: str | None) -> None:
        gates.append(GateTrigger(dimension=dimension, effect=effect, reason=reason, finding=code))

    if status["soc2"] == "missing" and status["iso27001"] == "missing":
        add("security", MATERIAL_RISK, "Neither a SOC 2 report nor an ISO 27001 certificate.", "soc2.missing")
    if "soc2.type1_only" in codes:
        add("security", "cap:2", "SOC 2 Type I only: controls never tested over a period.", "soc2.type1_only")
    for code, what in (("soc2.stale", "SOC 2 audit period"), ("iso27001.stale", "ISO 27001 audit")):
        if code in codes:
            age = f"older than {CERTIFICATION_MAX_AGE_MONTHS} months"
            add("security", "cap:3", f"{what} {age} at the evaluation date.", code)
    if "dpa.missing" in codes:
        add("security", "cap:3", "No data processing agreement.", "dpa.missing")
    for clause in ("data_ownership", "export_right"):
        found = _first(audit.findings, clause, "missing")
        if found is not None:
            add("commercial", MATERIAL_RISK, found.reason, found.code)
    if "transition.missing" in codes:
        add("commercial", "cap:2", "No transition or offboarding clause.", "transition.missing")
    if "pricing_model.per_unit_no_penalty" in codes:
        add("commercial", "cap:3", "Per-unit pricing with no quality penalty.", "pricing_model.per_unit_no_penalty")
    if "worker_protection.penalties_on_workers" in codes:
        reason = "Quality penalties passed on to individual annotators instead of falling on the vendor."
        add("commercial", "cap:3", reason, "worker_protection.penalties_on_workers")
    return gates


def suggest_scores(audit: ContractAudit) -> list[ScoreSuggestion]:
    """5 minus a penalty per finding (missing costs more than weak, critical more than low),
    rounded half up, floored at 1 and held under any cap the gates set."""
    gates = gate_triggers(audit)
    out = []
    for dimension in EVIDENCE_DIMENSIONS:
        found = [f for f in audit.findings if f.dimension == dimension]
        penalty = sum(_PENALTY[f.status][f.severity] for f in found)
        score = max(1, 5 - math.floor(penalty + 0.5))
        reasons = [f"{f.clause} {f.status} ({f.severity}): {f.reason}" for f in found]
        caps = [int(g.effect.split(":")[1]) for g in gates if g.dimension == dimension and g.effect.startswith("cap:")]
        if caps and min(caps) < score:
            score = min(caps)
            reasons.append(f"Capped at {score} by a gate.")
        if not found:
            reasons = [f"Every {dimension} clause the audit checks is present."]
        out.append(ScoreSuggestion(dimension=dimension, score=score, reasons=reasons))
    return out


def scorecard_evidence(audit: ContractAudit) -> ScorecardEvidence:
    """Suggested scores and gates for `security` and `commercial` in one object."""
    return ScorecardEvidence(
        vendor=audit.vendor,
        as_of=audit.as_of.isoformat(),
        suggestions=suggest_scores(audit),
        gates=gate_triggers(audit),
    )


def _first(findings: list[Finding], clause: str, status: Literal["weak", "missing"]) -> Finding | None:
    return next((f for f in findings if f.clause == clause and f.status == status), None)
