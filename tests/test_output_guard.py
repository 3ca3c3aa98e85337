"""The one output guard on every writing path: signed non-numbers (-inf, +nan, -1_000, +Infinity)
and formula starts are quoted in the score CSV, the QA sample, the taxonomy actions CSV and the
workbook; PDF strings print markup literally."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from annogov.cli import main
from governance.reports import ReportInput, Section, build_pdf, build_xlsx
from ingest import inert

EX = Path(__file__).resolve().parents[1] / "examples"
HOSTILE = ["-inf", "+nan", "-1_000", "+Infinity", "=1+2", "@SUM(A1)", "-2+3", "+1e5x"]


@pytest.mark.parametrize("text", HOSTILE)
def test_signed_non_numbers_and_formulas_are_quoted(text: str) -> None:
    assert inert(text) == "'" + text


@pytest.mark.parametrize("value", ["-5", "+1.5", "-0.25e3", "+.5", 7, -3.5, None, "plain"])
def test_plain_numbers_and_other_values_pass(value: object) -> None:
    assert inert(value) == value


def _cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def _unquoted(cells: list[str]) -> list[str]:
    return [c for c in cells if c in HOSTILE]


def test_score_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "s.csv"
    rows = ["provider,dimension,criterion,evaluator,score,comment"]
    for name in HOSTILE[:4]:
        rows += [f"{name},{d},,Ana,4," for d in ("workforce", "quality_sla", "security", "commercial", "ai_throughput")]
    sheet.write_text("\n".join(rows) + "\n")
    assert main(["score", str(sheet), "--format", "csv"]) == 0
    cells = _cells(capsys.readouterr().out)
    assert not _unquoted(cells)
    assert {"'" + n for n in HOSTILE[:4]} <= set(cells)


def test_qa_sample_csv(tmp_path: Path) -> None:
    delivery = tmp_path / "d.csv"
    lines = ["item_id,annotator_id,label,category"]
    for i, text in enumerate(HOSTILE):
        lines += [f"{text}{'' if i == 0 else i},a1,{text},c", f"{text}{'' if i == 0 else i},a2,{text},c"]
    delivery.write_text("\n".join(lines) + "\n")
    out = tmp_path / "sample.csv"
    assert main(["qa-sample", str(delivery), "--min-rate", "1", "--out", str(out)]) == 0
    cells = _cells(out.read_text())
    assert not _unquoted(cells)
    assert "'-inf" in cells and "'+Infinity" in cells


def test_taxonomy_actions_csv(tmp_path: Path) -> None:
    dataset = tmp_path / "dataset.csv"
    text = (EX / "taxonomy" / "dataset.csv").read_text().splitlines()
    text[1] = "-inf," + text[1].split(",", 1)[1]
    dataset.write_text("\n".join(text) + "\n")
    out = tmp_path / "actions.csv"
    code = main([
        "taxonomy", str(EX / "taxonomy" / "old.csv"), str(EX / "taxonomy" / "new.csv"),
        "--mapping", str(EX / "taxonomy" / "mapping.csv"), "--dataset", str(dataset), "--relabelled-out", str(out),
    ])
    assert code == 0
    cells = _cells(out.read_text())
    assert "'-inf" in cells and "-inf" not in cells


def _report() -> ReportInput:
    rows = [[text, f"Acme <Holdings> & {text}"] for text in HOSTILE]
    return ReportInput(sections=[Section(title="Hostile <b>text</b>", columns=["value", "vendor"], rows=rows)])


def test_workbook_cells() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(build_xlsx(_report())))
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [v for v in values if v in HOSTILE]
    assert "'-inf" in values and "'+Infinity" in values


def test_pdf_strings_print_literally() -> None:
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(build_pdf(_report()))).pages)
    assert "Hostile <b>text</b>" in text
    assert "Acme <Holdings> & -inf" in text and "+Infinity" in text
