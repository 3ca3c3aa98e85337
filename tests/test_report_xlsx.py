"""The workbook: a sheet per part, untrusted text kept as text, a live scorecard."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from report_helpers import HOSTILE, full_report, libreoffice_convert

from governance.reports import ReportInput, build_xlsx
from governance.reports.model import DIMENSIONS, band_for
from governance.reports.safe_text import cell_text

DAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def report() -> ReportInput:
    return full_report()


@pytest.fixture(scope="module")
def xlsx_bytes(report: ReportInput) -> bytes:
    return build_xlsx(report, created=DAY)


def _all_cells(wb):  # type: ignore[no-untyped-def]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def test_sheet_per_part_and_none_empty(xlsx_bytes: bytes) -> None:
    wb = load_workbook(io.BytesIO(xlsx_bytes))
    assert wb.sheetnames[:9] == [
        "Summary",
        "Weights",
        "Scorecard",
        "Evaluator scores",
        "Evaluators and evidence",
        "Robustness",
        "Switching cost",
        "Taxonomy mapping",
        "SLA check",
    ]
    assert len(wb.sheetnames) == 11  # with Evaluator scores (the example payload has no rubric guide)
    assert "Calibration log" in wb.sheetnames
    assert any(n.startswith("Contract audit") and ":" not in n for n in wb.sheetnames)
    for ws in wb.worksheets:
        assert ws.max_row > 2, f"sheet {ws.title!r} is empty"
        assert ws.freeze_panes is not None or ws.title == "Summary", ws.title


def test_only_parts_present_get_sheets() -> None:
    only_sla = full_report(scorecard=None, switching=None, taxonomy=None, sections=[])
    wb = load_workbook(io.BytesIO(build_xlsx(only_sla, created=DAY)))
    assert wb.sheetnames == ["Summary", "SLA check"]


def test_untrusted_text_is_never_a_formula(xlsx_bytes: bytes, report: ReportInput) -> None:
    wb = load_workbook(io.BytesIO(xlsx_bytes))
    cells = list(_all_cells(wb))
    texts = {c.value for c in cells if c.data_type == "s"}
    for name in HOSTILE:
        assert cell_text(name) in texts
    assert "'" + '=HYPERLINK("http://x","y")' in texts
    assert "'=cmd|' /C calc'!A0" in texts
    assert "'+SUM(A1:A9) pasted from vendor sheet" in texts
    assert "'@mention: kappa 0.78 on complex tasks\nsecond line" in texts
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert formulas, "the scorecard should be live"
    for f in formulas:
        assert "HYPERLINK" not in f and "cmd|" not in f and "SUM(A1" not in f


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_every_trigger_character_is_neutralised(lead: str) -> None:
    name = f"{lead}1+1 Vendor"
    card = full_report().scorecard
    assert card is not None
    card.providers[0].name = name
    wb = load_workbook(io.BytesIO(build_xlsx(ReportInput(scorecard=card), created=DAY)))
    cell = wb["Scorecard"]["B2"]
    assert cell.data_type == "s"
    # ElementTree reads a stored CR back as a line break, lxml (present with python-docx) keeps it
    assert cell.value in {"'" + name, "'" + name.replace("\r", "\n")}


def test_weights_defined_name_and_properties(xlsx_bytes: bytes, report: ReportInput) -> None:
    wb = load_workbook(io.BytesIO(xlsx_bytes))
    assert wb.defined_names["Weights"].attr_text.replace("'", "") == "Weights!$B$2:$F$2"
    ws = wb["Weights"]
    assert report.scorecard is not None
    assert [ws.cell(2, i + 2).value for i in range(5)] == [
        report.scorecard.weights[d] for d in DIMENSIONS
    ]
    assert wb.properties.title == "Vendor review <Q4> & renewal"
    assert wb.properties.subject == report.program
    assert wb.properties.created == dt.datetime(2026, 11, 26)
    assert wb["Scorecard"]["M2"].number_format == "0.00"
    assert wb["Switching cost"]["B4"].number_format == "\"EUR \"#,##0"
    probabilities = wb["Robustness"]
    assert any(c.number_format == "0.0%" for row in probabilities.iter_rows() for c in row)
    assert wb["SLA check"]["B2"].value == 12500.0


def test_same_inputs_same_bytes(report: ReportInput, xlsx_bytes: bytes) -> None:
    assert build_xlsx(report, created=DAY) == xlsx_bytes
    assert build_xlsx(report, created=dt.date(2026, 11, 27)) != xlsx_bytes


def _scorecard_values(path: Path) -> dict[str, tuple[object, object, object]]:
    wb = load_workbook(path, data_only=True)
    ws = wb["Scorecard"]
    out = {}
    for row in ws.iter_rows(min_row=2):
        if row[1].value is None:
            break
        out[row[1].value] = (row[0].value, row[12].value, row[13].value)
    return out


def _expected(report: ReportInput, weights: dict[str, float]) -> dict[str, tuple[float, str]]:
    """Totals and bands by the scorecard's formula, computed here from the payload's scores."""
    assert report.scorecard is not None
    out = {}
    for p in report.scorecard.providers:
        scores = {d: p.dimensions[d].score for d in DIMENSIONS}
        if any(s is None for s in scores.values()):
            continue
        total = sum(weights[d] * scores[d] / 5 for d in DIMENSIONS)  # type: ignore[operator]
        forced = p.band if p.band != band_for(p.total) else None
        out[cell_text(p.name)] = (total, forced or band_for(total))
    return out


def test_libreoffice_recalculates_the_payload_totals_and_follows_a_weight_edit(
    tmp_path: Path, report: ReportInput, xlsx_bytes: bytes
) -> None:
    assert report.scorecard is not None
    source = tmp_path / "report.xlsx"
    source.write_bytes(xlsx_bytes)
    converted = libreoffice_convert(source, "xlsx", tmp_path)
    recalculated = _scorecard_values(converted)
    live = {
        row[0].value: row[1].value
        for row in load_workbook(converted, data_only=True)["Summary"].iter_rows()
        if row[0].value in ("Ranked first", "Its total", "Its band")
    }
    top = report.scorecard.ranked()[0]
    assert live == {
        "Ranked first": cell_text(top.name),
        "Its total": pytest.approx(top.total, abs=1e-9),
        "Its band": top.band,
    }
    assert load_workbook(converted, data_only=True)["Weights"]["B5"].value == 100

    for p in report.scorecard.providers:
        rank, total, band = recalculated[cell_text(p.name)]
        if p.total is None:
            assert (total, band) in {("", "incomplete"), (None, "incomplete")}
            continue
        assert total == pytest.approx(p.total, abs=1e-9)
        assert band == p.band
        assert rank == p.rank
    weights = dict(report.scorecard.weights)
    assert {k: (v[1], v[2]) for k, v in recalculated.items() if v[1] not in ("", None)} == {
        k: (pytest.approx(t, abs=1e-9), b) for k, (t, b) in _expected(report, weights).items()
    }

    wb = load_workbook(source)
    wb["Weights"]["B2"] = 40.0  # workforce
    wb["Weights"]["E2"] = 0.0  # ai_throughput: the sum stays 100
    weights.update(workforce=40.0, ai_throughput=0.0)
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    moved = _scorecard_values(libreoffice_convert(edited, "xlsx", tmp_path))
    expected = _expected(report, weights)
    assert {k: (v[1], v[2]) for k, v in moved.items() if v[1] not in ("", None)} == {
        k: (pytest.approx(t, abs=1e-9), b) for k, (t, b) in expected.items()
    }
    before = {k: v[1] for k, v in recalculated.items() if k in expected}
    assert any(abs(moved[k][1] - before[k]) > 1 for k in expected)  # type: ignore[operator]
    ranks = sorted(expected, key=lambda k: -expected[k][0])
    assert [moved[k][0] for k in ranks] == list(range(1, len(ranks) + 1))


def test_fewer_dimensions_keep_the_formulas_aligned(tmp_path: Path) -> None:
    """A rubric weighting three dimensions: columns shift, formulas and the live summary follow."""
    weights = {"workforce": 50.0, "security": 30.0, "quality_sla": 20.0}
    providers = []
    for name, scores in [("Alpha", (5.0, 4.0, 3.0)), ("=Beta", (2.0, 3.0, 4.0))]:
        dims = dict(zip(weights, scores, strict=True))
        total = sum(weights[d] * s / 5 for d, s in dims.items())
        providers.append(
            {
                "name": name,
                "total": total,
                "band": band_for(total),
                "dimensions": {d: {"score": s} for d, s in dims.items()},
            }
        )
    providers[0]["rank"], providers[1]["rank"] = 1, 2
    report = ReportInput(scorecard={"weights": weights, "providers": providers})
    source = tmp_path / "three.xlsx"
    source.write_bytes(build_xlsx(report, created=DAY))
    wb = load_workbook(libreoffice_convert(source, "xlsx", tmp_path), data_only=True)
    ws = wb["Scorecard"]
    header = [c.value for c in ws[1]]
    total_col = header.index("Total (of 100)")
    got = {
        row[1].value: (row[total_col].value, row[total_col + 1].value) for row in ws.iter_rows(2)
    }
    assert got == {
        "Alpha": (pytest.approx(86.0), "enterprise-grade"),
        "'=Beta": (pytest.approx(54.0), "material delivery risk"),
    }
    summary = {r[0].value: r[1].value for r in wb["Summary"].iter_rows() if r[0].value}
    assert summary["Ranked first"] == "Alpha" and summary["Its total"] == pytest.approx(86.0)
    assert isinstance(summary["Date"], dt.datetime)
