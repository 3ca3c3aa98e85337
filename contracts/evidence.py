"""Audit findings as scorecard evidence: suggested 1-5 scores and gate triggers, as plain data.

The audit decides facts, never consequences: each finding the caller's policy maps (finding code
-> `Consequence`, built from the program's rubric by `annogov.services.linking.contract_policy`) becomes a
trigger carrying the rubric's one consequence, so the audit and the scorecard read the same.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field

from contracts.audit import ContractAudit

EVIDENCE_DIMENSIONS: tuple[str, ...] = ("security", "commercial")

_PENALTY = {
    "missing": {"critical": 3.0, "high": 2.0, "medium": 1.0, "low": 0.5},
    "weak": {"critical": 2.0, "high": 1.0, "medium": 0.5, "low": 0.25},
}


class Consequence(BaseModel):
    """What the rubric does with one contract finding: the red flag it raises and that flag's policy."""

    red_flag: str
    dimension: str
    effect: Literal["cap_dimension", "force_band", "knock_out", "show"]
    cap: float | None = None
    band: str | None = None
    policy: str = Field(description="The consequence in words, as the scorecard prints it")


FindingPolicy = Mapping[str, Consequence]


class ScoreSuggestion(BaseModel):
    """A suggested score for one scorecard dimension, with the findings behind it."""

    dimension: str
    score: int = Field(ge=1, le=5)
    reasons: list[str]


class GateTrigger(BaseModel):
    """A finding the rubric maps to a red flag, with that flag's one consequence."""

    dimension: str
    reason: str
    finding: str = Field(description="Code of the finding behind the trigger")
    red_flag: str
    effect: str = Field(description="cap_dimension, force_band, knock_out or show (the rubric's policy)")
    cap: float | None = None
    band: str | None = None
    policy: str


class ScorecardEvidence(BaseModel):
    """What the contract audit contributes to the scorecard for one vendor."""

    vendor: str
    as_of: str
    suggestions: list[ScoreSuggestion]
    gates: list[GateTrigger]

    def to_payload(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return self.model_dump(mode="json")


def gate_triggers(audit: ContractAudit, policy: FindingPolicy) -> list[GateTrigger]:
    """Every finding the policy maps, in the audit's order, with the rubric's consequence."""
    gates = []
    for f in audit.findings:
        c = policy.get(f.code)
        if c is not None:
            gates.append(
                GateTrigger(
                    dimension=c.dimension, reason=f.reason, finding=f.code, red_flag=c.red_flag,
                    effect=c.effect, cap=c.cap, band=c.band, policy=c.policy,
                )
            )
    return gates


def suggest_scores(audit: ContractAudit, gates: list[GateTrigger]) -> list[ScoreSuggestion]:
    """5 minus a penalty per finding (missing costs more than weak, critical more than low),
    rounded half up, floored at 1 and held under any cap the rubric's policy sets."""
    out = []
    for dimension in EVIDENCE_DIMENSIONS:
        found = [f for f in audit.findings if f.dimension == dimension]
        penalty = sum(_PENALTY[f.status][f.severity] for f in found)
        score = max(1, 5 - math.floor(penalty + 0.5))
        reasons = [f"{f.clause} {f.status} ({f.severity}): {f.reason}" for f in found]
        caps = [g for g in gates if g.dimension == dimension and g.effect == "cap_dimension" and g.cap is not None]
        lowest = min(caps, key=lambda g: g.cap or 0, default=None)
        if lowest is not None and lowest.cap is not None and lowest.cap < score:
            score = math.floor(lowest.cap)
            reasons.append(f"Capped at {score} by red flag {lowest.red_flag} ({lowest.finding}).")
        if not found:
            reasons = [f"Every {dimension} clause the audit checks is present."]
        out.append(ScoreSuggestion(dimension=dimension, score=score, reasons=reasons))
    return out


def scorecard_evidence(audit: ContractAudit, policy: FindingPolicy) -> ScorecardEvidence:
    """Suggested scores and the rubric's consequences of the findings, in one object."""
    gates = gate_triggers(audit, policy)
    return ScorecardEvidence(
        vendor=audit.vendor, as_of=audit.as_of.isoformat(), suggestions=suggest_scores(audit, gates), gates=gates
    )
