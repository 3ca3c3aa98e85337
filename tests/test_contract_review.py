"""`contracts.review`: one entry point from a file or uploaded bytes, as app and reports use it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from annogov.services.linking import review_contract as review_file
from annogov.services.linking import review_contract_profile as review_profile
from ingest import InputError

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 26)


def test_uploaded_bytes_give_the_same_review_as_the_file() -> None:
    path = ROOT / "examples" / "drafts" / "locked-in-msa.txt"
    from_disk = review_file(path, AS_OF)
    uploaded = review_file("upload.txt", AS_OF, data=path.read_bytes())
    assert uploaded.audit.findings == from_disk.audit.findings
    assert uploaded.audit.clauses == from_disk.audit.clauses
    assert uploaded.source == "upload.txt"
    assert from_disk.exit_code == 1


def test_questionnaire_bytes_and_payload_shape() -> None:
    path = ROOT / "examples" / "contract-questionnaire.xlsx"
    review = review_file("lead-answers.xlsx", AS_OF, data=path.read_bytes())
    payload = review.to_payload()
    json.dumps(payload, allow_nan=False)
    assert set(payload) == {"source", "audit", "scorecard_evidence"}
    assert {
        "vendor",
        "as_of",
        "clauses",
        "findings",
        "lock_in",
        "red_flags",
        "critical_missing",
        "counts",
        "pricing_incentive",
    } <= set(payload["audit"])
    assert [s["dimension"] for s in payload["scorecard_evidence"]["suggestions"]] == ["security", "commercial"]
    assert review.exit_code == 0


def test_review_of_an_edited_profile() -> None:
    review = review_file(ROOT / "examples" / "contract-profile.yaml", AS_OF)
    edited = review.profile.model_copy(deep=True)
    edited.transition.throughput_continuity = True
    again = review_profile(edited, AS_OF, source="edited")
    assert "transition" not in {f.clause for f in again.audit.findings}
    assert "transition" in {f.clause for f in review.audit.findings}


def test_unknown_suffix_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unsupported file type"):
        review_file("contract.odt", AS_OF, data=b"")
