"""The decision parts (weights provenance, SMAA, panel agreement, variance shares, correlation)
read the same in the JSON, the PDF and the workbook."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from annogov.cli import main
from governance.reports import sections as S
from governance.reports.model import ScorecardPayload, SwitchingPayload
from governance.reports.switching_sections import variance_sections

EX = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("decision")
    rubric = tmp / "rubric.yaml"
    assert main(["weights", str(EX / "weights-ahp.yaml"), "--out", str(rubric)]) == 0
    score, sw = tmp / "score.json", tmp / "sw.json"
    for args, out in (
        (["score", str(EX / "scorecard-wide.xlsx"), "--rubric", str(rubric), "--smaa", "--panel-agreement",
          "--smaa-draws", "3000", "--format", "json"], score),
        (["switching-cost", str(EX / "scenario-correlated.yaml"), "--simulations", "5000", "--format", "json"], sw),
    ):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            assert main(args) == 0
        out.write_text(buf.getvalue())
    pdf, xlsx = tmp / "r.pdf", tmp / "r.xlsx"
    for target in (pdf, xlsx):
        assert main(["report", "--scorecard", str(score), "--switching", str(sw), "--date", "2026-12-04",
                     "--out", str(target)]) == 0
    return {"score": score, "sw": sw, "pdf": pdf, "xlsx": xlsx}


def test_sections_carry_the_payload_figures(parts: dict[str, Path]) -> None:
    card = ScorecardPayload.model_validate(json.loads(parts["score"].read_text()))
    titles = [s.title for s in S.decision_sections(card)]
    assert titles == ["Where the weights came from",
                      "How often each provider wins when the weights are uncertain (SMAA)",
                      "Agreement between evaluators"]
    smaa = json.loads(parts["score"].read_text())["smaa"]
    section = S.decision_sections(card)[1]
    firsts = {row[0]: row[1] for row in section.rows}
    assert firsts == {p["name"]: p["rank_acceptability"][0] for p in smaa["providers"]}
    assert smaa["verdict"] in section.note
    sw = SwitchingPayload.model_validate(json.loads(parts["sw"].read_text()))
    variance, correlation = variance_sections(sw)
    assert sum(r[1] for r in variance.rows) == pytest.approx(1, abs=1e-3)
    assert len(correlation.rows) == 4


def test_pdf_and_workbook_show_them(parts: dict[str, Path]) -> None:
    text = " ".join(page.extract_text() for page in PdfReader(parts["pdf"]).pages)
    for needle in ("Where the weights came from", "(SMAA)", "Agreement between evaluators",
                   "Share of the variance of the total", "Rank correlation between inputs"):
        assert needle in " ".join(text.split())
    wb = openpyxl.load_workbook(parts["xlsx"])
    cells = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"Where the weights came from", "Agreement between evaluators", "Share of the variance of the total",
            "Rank correlation between inputs"} <= cells
