"""Spreadsheet import: shapes, loose headers, LibreOffice-saved files, and located problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest import InputError
from scorecard.importer import import_scores
from scorecard.rubric import default_rubric

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def _xlsx(path: Path, rows: list[list[object]], merge: str | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)
    return path


def test_libreoffice_saved_wide_sheet_reads_with_evaluators_kpis_and_header_weights() -> None:
    result = import_scores(EXAMPLES / "scorecard-wide.xlsx", default_rubric())
    sheet = result.sheet
    assert result.shape == "wide"
    assert sheet.providers == [
        "Northwind Labeling", "Lumen Annotation Co.", "Kestrel Data Works", "Tessellate AI Services"]
    assert sheet.evaluators == ["Ana", "Bo", "Chen"]
    assert result.header_weights == {
        "workforce": 25,
        "security": 20,
        "quality_sla": 25,
        "ai_throughput": 15,
        "commercial": 15,
    }
    assert sheet.kpis[2]["soc2_type"] == "Type I"
    assert sheet.scores[0, 0, sheet.slot_index("security")] == 5


def test_long_csv_reads_the_same_scores_as_the_wide_sheet() -> None:
    wide = import_scores(EXAMPLES / "scorecard-wide.xlsx", default_rubric()).sheet
    long = import_scores(EXAMPLES / "scorecard-long.csv", default_rubric()).sheet
    assert long.providers == wide.providers and long.evaluators == wide.evaluators
    assert (long.scores[:, :, :5] == wide.scores[:, :, :5]).all()


@pytest.mark.parametrize(
    "headers",
    [
        ["Provider", "Workforce", "Security & Compliance", "Quality SLA (25%)", "AI-assisted throughput", "Commercial"],
        [
            "vendor_name",
            "workforce_model",
            "security_compliance",
            "quality_sla",
            "ai_throughput",
            "commercial_flexibility",
        ],
        [
            "VENDOR",
            "Workforce Model",
            "Security and compliance",
            "Quality SLAs",
            "AI Assisted Throughput",
            "Commercial Flexibility",
        ],
    ],
)
def test_loose_headers_below_title_rows(tmp_path: Path, headers: list[str]) -> None:
    rows = [
        ["Shortlist Q3"],
        [],
        headers,
        ["A", 4, 4, 4, 4, 4],
        [],
        ["B", 3, 3, 3, 3, "3"],
        ["Note: scores agreed in the panel."],
    ]
    result = import_scores(_xlsx(tmp_path / "s.xlsx", rows, merge="A1:D1"), default_rubric())
    assert result.sheet.providers == ["A", "B"]
    assert result.sheet.scores[1, 0, 4] == 3.0


def test_criterion_columns_and_per_dimension_comments(tmp_path: Path) -> None:
    rows = [
        [
            "Provider",
            "Workforce: tenure",
            "Workforce - training",
            "Workforce expertise",
            "Security",
            "Security comment",
            "Quality SLA",
            "AI throughput",
            "Commercial",
        ],
        ["A", 5, 3, 4, 2, "Type I only", 4, 4, 4],
    ]
    sheet = import_scores(_xlsx(tmp_path / "c.xlsx", rows), default_rubric()).sheet
    assert sheet.scores[0, 0, sheet.slot_index("workforce", "training")] == 3
    assert sheet.comments[(0, 0, sheet.slot_index("security"))] == "Type I only"


def test_every_problem_is_reported_together_with_sheet_row_and_column() -> None:
    with pytest.raises(InputError) as err:
        import_scores(ROOT / "tests" / "fixtures" / "scorecard-bad.xlsx", default_rubric())
    text = str(err.value)
    assert len(err.value.problems) == 4
    assert "sheet 'Vendors', row 5, column 'B (Workforce)': score 6 is out of range" in text
    assert "row 5, column 'D (Quality SLA (25%))': expected a score from 1 to 5, found text 'good'" in text
    assert "row 6, column 'A (Vendor)': duplicate provider 'Acme' (first on row 4)" in text
    assert "row 7, column 'C (Security_Compliance)': score 0.5 is out of range" in text


def test_long_shape_problems_unknown_dimension_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text(
        "provider,dimension,evaluator,score\nA,Speed,e1,3\nA,Security,e1,3\nA,security & compliance,e1,4\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        import_scores(path, default_rubric())
    messages = [str(p) for p in err.value.problems]
    assert (
        messages[0] == "l.csv, row 2, column 'B (dimension)': unknown dimension 'Speed'; expected one of "
        "workforce, security, quality_sla, ai_throughput, commercial"
    )
    assert "row 4" in messages[1] and "duplicate score for 'A', 'e1', security (first on row 3)" in messages[1]


def test_a_bound_on_the_wrong_side_of_its_score_names_its_own_column(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text(
        "provider,dimension,evaluator,score,low,high\nA,workforce,e1,3,2,4\nA,security,e1,3,,2\nA,quality,e1,3,4,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        import_scores(path, default_rubric())
    assert [str(p) for p in err.value.problems] == [
        "b.csv, row 3, column 'F (high)': high 2 is below the score 3",
        "b.csv, row 4, column 'E (low)': low 4 is above the score 3",
    ]


def test_missing_columns_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no header row found"):
        import_scores(_xlsx(tmp_path / "x.xlsx", [["Name", "Total"], ["A", 80]]), default_rubric())


def test_blank_score_is_missing_not_zero(tmp_path: Path) -> None:
    rows = [
        ["Provider", "Workforce", "Security", "Quality SLA", "AI throughput", "Commercial"],
        ["A", 4, None, 4, 4, 4],
    ]
    sheet = import_scores(_xlsx(tmp_path / "b.xlsx", rows), default_rubric()).sheet
    assert sheet.scores[0, 0, sheet.slot_index("security")] != sheet.scores[0, 0, sheet.slot_index("security")]


def test_header_weights_that_do_not_sum_to_100_are_refused(tmp_path: Path) -> None:
    rows = [
        [
            "Provider",
            "Workforce (30%)",
            "Security (20%)",
            "Quality SLA (25%)",
            "AI throughput (15%)",
            "Commercial (15%)",
        ],
        ["A", 4, 4, 4, 4, 4],
    ]
    with pytest.raises(InputError, match="sum to 105, not 100"):
        import_scores(_xlsx(tmp_path / "w.xlsx", rows), default_rubric())


def test_not_a_workbook_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("not really a workbook")
    with pytest.raises(InputError, match="not a readable xlsx workbook"):
        import_scores(path, default_rubric())
