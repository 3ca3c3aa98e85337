"""The two example drafts of our own, each in .md, .docx and .pdf, audited end to end through
the command: the same proposals and the same audit from every format."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from annogov.cli import main
from contracts.drafts import review_draft

ROOT = Path(__file__).resolve().parents[1]
DRAFTS = ROOT / "examples" / "drafts"
FORMATS = ("md", "docx", "pdf")


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("make_contract_drafts", ROOT / "scripts" / "make_contract_drafts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _audit(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, dict[str, Any]]:
    code = main(["contract-audit", str(path), "--as-of", "2026-11-26", "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_committed_drafts_are_what_the_script_writes() -> None:
    script = _script()
    for name, draft in script.DRAFTS.items():
        assert (DRAFTS / f"{name}.md").read_text(encoding="utf-8") == script.markdown(draft)
        assert (DRAFTS / f"{name}.pdf").read_bytes() == script.pdf_bytes(draft)
        assert (DRAFTS / f"{name}.docx").exists()


@pytest.mark.parametrize("name", ["northfield-portable", "quarry-locked-in"])
def test_every_format_gives_the_same_proposals_and_audit(capsys: pytest.CaptureFixture[str], name: str) -> None:
    results = {fmt: _audit(capsys, DRAFTS / f"{name}.{fmt}") for fmt in FORMATS}
    proposals = {
        fmt: sorted((p["field"], json.dumps(p["value"])) for p in payload["draft"]["proposals"])
        for fmt, (_, payload) in results.items()
    }
    assert proposals["md"] == proposals["docx"] == proposals["pdf"]
    audits = {fmt: {**payload["audit"], "contract": None} for fmt, (_, payload) in results.items()}
    assert audits["md"] == audits["docx"] == audits["pdf"]
    codes = {code for code, _ in results.values()}
    assert codes == ({0} if name == "northfield-portable" else {1})


def test_portable_draft_is_read_as_portable(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = _audit(capsys, DRAFTS / "northfield-portable.docx")
    audit = payload["audit"]
    assert code == 0
    assert audit["findings"] == []
    assert audit["lock_in"]["level"] == "low"
    review = review_draft(DRAFTS / "northfield-portable.pdf")
    profile = review.profile
    # granted in other words than "may export at any time"
    assert profile.data.export_timing == "any_time"
    assert profile.data.buyer_owns_data is True
    assert profile.security.data_residency == ["EU"]
    assert profile.security.jurisdictions == ["Ireland"]
    assert profile.quality.qa_rate_per_category == 0.12
    assert profile.commercial.remedies_on_vendor is True
    assert set(profile.transition.handover_artefacts) >= {"gold set", "edge-case log", "calibration log"}
    locations = {p.field: p.location for p in review.proposals}
    assert locations["data.export_timing"].startswith("page 1, ")
    assert locations["security.export_controls"].startswith("page 2, ")


def test_locked_in_draft_is_read_as_locked_in(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = _audit(capsys, DRAFTS / "quarry-locked-in.md")
    audit = payload["audit"]
    assert code == 1
    assert audit["critical_missing"] == ["data_ownership"]
    assert audit["lock_in"]["level"] == "high"
    assert set(audit["red_flags"]) == {
        "quality_metrics.accuracy_without_method",
        "pricing_model.per_unit_no_penalty",
        "worker_protection.penalties_on_workers",
        "iso27001.no_independent_audit",  # neither SOC 2 nor ISO 27001
    }
    codes = {f["code"] for f in audit["findings"]}
    assert {
        "export_right.weak",  # "may not export ... at any time before termination": only at the end
        "soc2.missing",  # "not yet SOC 2 Type II certified"
        "accuracy_spec.aggregate_only",
        "accuracy_spec.qa_rate_low",
        "accuracy_spec.gold_set_owner",
        "transition.artefacts",
        "transition.short_timeline",
        "transition.no_wind_down",
        "data_residency.missing",
        "deletion.missing",
    } <= codes
    worker = next(f for f in audit["findings"] if f["clause"] == "worker_protection")
    for penalty in ("pay deduction", "suspension", "unpaid retraining"):
        assert penalty in worker["reason"]
    profile = review_draft(DRAFTS / "quarry-locked-in.docx").profile
    assert profile.data.export_timing == "contract_end"
    assert profile.security.soc2_type == "none"
    assert profile.quality.accuracy_method == "tbd"
    assert profile.transition.timeline_days == 5
