"""Carry one part's results into another: contract audits become scorecard evidence."""

from __future__ import annotations

from contracts.review import ContractReview
from scorecard.sheet import ExternalFinding


def contract_findings(review: ContractReview) -> list[ExternalFinding]:
    """The audit's suggested scores, and its gate triggers as finding codes: the scorecard's
    rubric (not the audit) decides each finding's consequence."""
    source = f"contract {review.source}"
    out = [
        ExternalFinding(source, s.dimension, "; ".join(s.reasons) or "contract audit", suggested=float(s.score))
        for s in review.evidence.suggestions
    ]
    for gate in review.evidence.gates:
        out.append(ExternalFinding(source, gate.dimension, gate.reason, finding=gate.finding or gate.effect))
    return out


def contract_evidence(reviews: list[ContractReview]) -> dict[str, list[ExternalFinding]]:
    """Findings per vendor name, ready for `scorecard.api.score_file(external=...)`."""
    out: dict[str, list[ExternalFinding]] = {}
    for review in reviews:
        out.setdefault(review.profile.vendor, []).extend(contract_findings(review))
    return out
