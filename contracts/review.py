"""One call from a file (path or uploaded bytes) to everything the audit produces.

The CLI, the app page and the reports all go through `review_file` (via `annogov.services.linking`, which
supplies the rubric's policy), so they show the same thing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from contracts.audit import ContractAudit, audit_profile
from contracts.drafts import DraftReview, review_draft
from contracts.evidence import FindingPolicy, ScorecardEvidence, scorecard_evidence
from contracts.profile import ContractProfile
from contracts.profile_files import load_profile
from contracts.text_extract import DRAFT_SUFFIXES
from ingest import InputError

PROFILE_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx", ".xlsm")


class ContractReview(BaseModel):
    """The profile audited, its scorecard evidence, and the draft proposals when read from text."""

    source: str
    profile: ContractProfile
    audit: ContractAudit
    evidence: ScorecardEvidence
    draft: DraftReview | None = None

    @property
    def exit_code(self) -> int:
        """1 when a critical clause is missing, else 0 (the command's verdict)."""
        return 1 if self.audit.critical_missing else 0

    def to_payload(self) -> dict[str, Any]:
        """JSON-ready dict: {source, audit, scorecard_evidence, draft?}."""
        payload: dict[str, Any] = {
            "source": self.source,
            "audit": self.audit.to_payload(),
            "scorecard_evidence": self.evidence.to_payload(),
        }
        if self.draft is not None:
            payload["draft"] = {
                "passages_read": self.draft.passages_read,
                "proposals": [p.model_dump(mode="json") for p in self.draft.proposals],
            }
        return payload


def load_source(
    path: str | Path, *, data: bytes | None = None, vendor: str | None = None
) -> tuple[ContractProfile, DraftReview | None]:
    """A profile file as is, or a draft's proposed profile with its proposals."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in PROFILE_SUFFIXES:
        return load_profile(path, data=data), None
    if suffix in DRAFT_SUFFIXES:
        review = review_draft(path, data=data, vendor=vendor)
        return review.profile, review
    raise InputError.at(
        f"unsupported file type {suffix or '(none)'}; expected a profile "
        f"({', '.join(PROFILE_SUFFIXES)}) or a draft "
        f"({', '.join(DRAFT_SUFFIXES)})",
        path.name,
    )


def review_profile(
    profile: ContractProfile,
    as_of: date,
    *,
    policy: FindingPolicy,
    source: str = "profile",
    draft: DraftReview | None = None,
    agreement: float | None = None,
) -> ContractReview:
    """Audit a profile already in memory (e.g. edited in the app); `agreement` as in `audit_profile`;
    `policy` is the rubric's consequence per finding code (`annogov.services.linking.contract_policy`)."""
    audit = audit_profile(profile, as_of, agreement=agreement)
    evidence = scorecard_evidence(audit, policy)
    return ContractReview(source=source, profile=profile, audit=audit, evidence=evidence, draft=draft)


def review_file(
    path: str | Path,
    as_of: date,
    *,
    policy: FindingPolicy,
    data: bytes | None = None,
    vendor: str | None = None,
    agreement: float | None = None,
) -> ContractReview:
    """Read a profile or draft (from disk, or `data` bytes named by `path`) and audit it."""
    profile, draft = load_source(path, data=data, vendor=vendor)
    return review_profile(profile, as_of, policy=policy, source=Path(path).name, draft=draft, agreement=agreement)
