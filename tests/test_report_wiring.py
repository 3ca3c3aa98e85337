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
    assert "Northwind Labelworks" in texts and "Ana" in texts  # evaluators' rows as evidence
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
