"""Carry one part's results into another: contract audits become scorecard evidence."""

from __future__ import annotations

from contracts.evidence import MATERIAL_RISK
from contracts.review import ContractReview
from scorecard.sheet import ExternalFinding


def contract_findings(review: ContractReview) -> list[ExternalFinding]:
    """The audit's suggested scores and gate triggers in the scorecard's terms."""
    source = f"contract {review.source}"
    out = [
        ExternalFinding(source, s.dimension, "; ".join(s.reasons) or "contract audit", suggested=float(s.score))
        for s in review.evidence.suggestions
    ]
    for gate in review.evidence.gates:
        if gate.effect.startswith("cap:"):
            out.append(ExternalFinding(source, gate.dimension, gate.reason, cap=float(gate.effect[4:])))
        elif gate.effect == MATERIAL_RISK:
            out.append(ExternalFinding(source, gate.dimension, gate.reason, force_material_risk=True))
    return out


def contract_evidence(reviews: list[ContractReview]) -> dict[str, list[ExternalFinding]]:
    """Findings per vendor name, ready for `scorecard.api.score_file(external=...)`."""
    out: dict[str, list[ExternalFinding]] = {}
    for review in reviews:
        out.setdefault(review.profile.vendor, []).extend(contract_findings(review))
    return out
