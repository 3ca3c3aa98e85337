"""`annogov report` computes its parts from raw inputs: scoring sheet, scenario, contract."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from annogov.cli import main

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"


def test_workbook_from_raw_inputs_has_scores_evidence_and_audit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.xlsx"
    code = main(
        [
            "report",
            "--scorecard",
            str(EX / "scorecard-wide.xlsx"),
            "--switching",
            str(EX / "scenario.yaml"),
            "--audit",
            str(EX / "contract-profile.yaml"),
            "--date",
            "2026-11-26",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    wb = load_workbook(io.BytesIO(out.read_bytes()))
    names = " | ".join(wb.sheetnames)
    assert "Scorecard" in names and "Switching" in names and "Contract audit" in names
    texts = {str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None}
    assert "Northwind Labeling" in texts and "Ana" in texts  # evaluators' rows as evidence
    assert "Only a Type I report so far; Type II audit booked" in texts
    assert "Ownership of labelled data" in texts


def test_scorecard_totals_in_the_report_match_annogov_score(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(EX / "scorecard-wide.xlsx"), "--format", "json", "--as-of", "2026-11-26"]) == 0
    scored = {p["name"]: p["total"] for p in json.loads(capsys.readouterr().out)["providers"]}
    out = tmp_path / "r.pdf"
    assert (
        main(["report", "--scorecard", str(EX / "scorecard-wide.xlsx"), "--date", "2026-11-26", "--out", str(out)]) == 0
    )
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed; `make test` installs it as root")
    text = " ".join(
        subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    for name, total in scored.items():
        assert f"{name} ({total:.2f} points" in text


def test_unreadable_scoring_sheet_exits_2_with_its_location(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(
        [
            "report",
            "--scorecard",
            str(ROOT / "tests" / "fixtures" / "scorecard-bad.xlsx"),
            "--out",
            str(tmp_path / "r.pdf"),
        ]
    )
    assert code == 2 and "row 5, column 'B (Workforce)'" in capsys.readouterr().err


def test_sla_part_is_checked_from_a_contract_profile_and_a_delivery(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "sla-check",
                str(EX / "delivery.csv"),
                "--terms",
                str(EX / "contract-profile.yaml"),
                "--format",
                "json",
            ]
        )
        == 1
    )
    checked = json.loads(capsys.readouterr().out)
    out = tmp_path / "s.xlsx"
    assert (
        main(
            [
                "report",
                "--terms",
                str(EX / "contract-profile.yaml"),
                "--delivery",
                str(EX / "delivery.csv"),
                "--date",
                "2026-11-26",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    ws = load_workbook(io.BytesIO(out.read_bytes()))["SLA check"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert f"{checked['credits']:,.2f}" in " ".join(texts) or checked["credits"] in [
        c.value for row in ws.iter_rows() for c in row
    ]
    assert any("owed" in t for t in texts)  # remedies in words, not raw dicts
    assert "SLA check by category" in texts and "QA coverage by category" in texts


def test_contract_profile_without_sla_terms_is_refused_for_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import yaml

    data = yaml.safe_load((EX / "contract-profile.yaml").read_text(encoding="utf-8"))
    data["sla"] = None
    profile = tmp_path / "p.yaml"
    profile.write_text(yaml.safe_dump(data), encoding="utf-8")
    code = main(["sla-check", "--terms", str(profile), str(EX / "delivery.csv")])
    assert code == 2 and "states no SLA terms" in capsys.readouterr().err
