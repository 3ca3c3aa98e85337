"""Carry one part's results into another: contract audits become scorecard evidence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from contracts.drafts import DraftReview
from contracts.evidence import Consequence
from contracts.profile import ContractProfile
from contracts.review import ContractReview, review_file, review_profile
from scorecard.rubric import Rubric, default_rubric
from scorecard.sheet import ExternalFinding


def contract_policy(rubric: Rubric | None = None) -> dict[str, Consequence]:
    """Each contract finding code the rubric maps -> the red flag it raises and that flag's one
    policy (the default rubric when none is given): the audit shows what the scorecard applies."""
    rubric = rubric or default_rubric()
    out: dict[str, Consequence] = {}
    for flag in sorted(rubric.red_flag_keys()):
        gate = rubric.policy(flag)
        words = gate.policy_text(rubric.dimension(gate.dimension).name)
        for d in rubric.dimensions:
            for f in d.red_flags:
                for code in f.contract_findings if f.key == flag else ():
                    out[code] = Consequence(
                        red_flag=flag, dimension=gate.dimension, effect=gate.effect,
                        cap=gate.cap, band=gate.band, policy=words,
                    )
    return out


def review_contract(
    path: str | Path, as_of: date, *, rubric: Rubric | None = None, data: bytes | None = None,
    vendor: str | None = None, agreement: float | None = None,
) -> ContractReview:
    """`contracts.review.review_file` under the rubric's policy (the default rubric when None)."""
    return review_file(path, as_of, policy=contract_policy(rubric), data=data, vendor=vendor, agreement=agreement)


def review_contract_profile(
    profile: ContractProfile, as_of: date, *, rubric: Rubric | None = None, source: str = "profile",
    draft: DraftReview | None = None, agreement: float | None = None,
) -> ContractReview:
    """`contracts.review.review_profile` under the rubric's policy (the default rubric when None)."""
    policy = contract_policy(rubric)
    return review_profile(profile, as_of, policy=policy, source=source, draft=draft, agreement=agreement)


def contract_findings(review: ContractReview) -> list[ExternalFinding]:
    """The audit's suggested scores, and its triggers as finding codes: the scorecard's rubric maps
    each code to its red flag, so the consequence is the one the audit showed."""
    source = f"contract {review.source}"
    out = [
        ExternalFinding(source, s.dimension, "; ".join(s.reasons) or "contract audit", suggested=float(s.score))
        for s in review.evidence.suggestions
    ]
    for gate in review.evidence.gates:
        out.append(ExternalFinding(source, gate.dimension, gate.reason, finding=gate.finding))
    return out


def contract_evidence(reviews: list[ContractReview]) -> dict[str, list[ExternalFinding]]:
    """Findings per vendor name, ready for `scorecard.api.score_file(external=...)`."""
    out: dict[str, list[ExternalFinding]] = {}
    for review in reviews:
        out.setdefault(review.profile.vendor, []).extend(contract_findings(review))
    return out
