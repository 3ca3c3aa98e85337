"""`annogov report`: builds what it is given, says clearly what is wrong with what it is not."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_helpers import EXAMPLES, pdf_text

from annogov.cli import main

ALL = [
    "--scorecard",
    str(EXAMPLES / "scorecard.json"),
    "--switching",
    str(EXAMPLES / "switching.json"),
    "--taxonomy",
    str(EXAMPLES / "taxonomy.json"),
    "--sla",
    str(EXAMPLES / "sla.json"),
    "--section",
    str(EXAMPLES / "sections.json"),
    "--program",
    "Perception labels 2027",
    "--date",
    "2026-11-26",
]


def test_writes_pdf_and_xlsx_deterministically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    assert main(["report", *ALL, "--out", str(pdf)]) == 0
    assert main(["report", *ALL, "--out", str(xlsx)]) == 0
    out, err = capsys.readouterr()
    assert f"wrote {pdf}" not in out and f"wrote {pdf}" in err
    assert "scorecard, switching cost, taxonomy, SLA check" in err
    first = pdf.read_bytes()
    assert main(["report", *ALL, "--out", str(pdf)]) == 0
    assert pdf.read_bytes() == first
    assert "Perception labels 2027" in pdf_text(pdf)
    wb = load_workbook(io.BytesIO(xlsx.read_bytes()))
    assert wb.properties.subject == "Perception labels 2027"
    assert "Scorecard" in wb.sheetnames and "SLA check" in wb.sheetnames


def test_one_part_is_enough(tmp_path: Path) -> None:
    out = tmp_path / "s.xlsx"
    assert main(["report", "--switching", str(EXAMPLES / "switching.json"), "--out", str(out)]) == 0
    assert load_workbook(out).sheetnames == ["Summary", "Switching cost"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.pdf"], "nothing to report"),
        (
            ["--scorecard", str(EXAMPLES / "scorecard.json"), "--out", "x.docx"],
            "must end in .pdf or .xlsx",
        ),
        (["--terms", "terms.yaml", "--out", "x.pdf"], "--terms and --delivery go together"),
        (["--terms", "t.yaml", "--delivery", "d.csv", "--out", "x.pdf"], "cannot open t.yaml"),
        (["--scorecard", "missing.json", "--out", "x.pdf"], "cannot open missing.json"),
        (["--date", "26/11/2026", "--out", "x.pdf"], "not a date"),
        (["--switching", str(EXAMPLES / "switching.json"), "--out", "no/such/x.pdf"], "cannot write the report"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _exit_code(["report", *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def _exit_code(argv: list[str]) -> int:
    """main's return value, or the code argparse exits with on a usage error."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def test_bad_payload_names_file_and_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = json.loads((EXAMPLES / "scorecard.json").read_text(encoding="utf-8"))
    bad["weights"]["speed"] = 10
    bad["providers"][0]["total"] = "high"
    path = tmp_path / "card.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert main(["report", "--scorecard", str(path), "--out", str(tmp_path / "r.pdf")]) == 2
    err = capsys.readouterr().err
    assert "2 problems" in err and str(path) in err
    assert "weights: Value error, unknown dimension(s) ['speed']" in err
    assert "providers.0.total" in err


def test_broken_json_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sla.json"
    path.write_text('{"verdict": "fail",\n "terms": [}', encoding="utf-8")
    assert main(["report", "--sla", str(path), "--out", str(tmp_path / "r.xlsx")]) == 2
    assert f"{path}, row 2: not valid JSON" in capsys.readouterr().err


def test_switching_json_that_is_not_an_object_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "result.json"
    path.write_text("42", encoding="utf-8")
    assert main(["report", "--switching", str(path), "--out", str(tmp_path / "r.pdf")]) == 2
    assert "result.json" in capsys.readouterr().err


def test_the_command_prints_the_recommendation_the_report_opens_with(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.xlsx"
    assert main(["report", "--sla", str(EXAMPLES / "sla.json"), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Recommendation (the report's first page):" in printed
    assert "Reject the delivery as it stands (it fails 2 of 5 SLA terms)" in printed
