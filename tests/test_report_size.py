"""Report size limits in one place (`governance.reports.size`): the PDF by table rows, the workbook
by the rows of its largest sheet and its cells; `annogov report` and the reporting service refuse
with the same located message as the Reports page, before writing anything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annogov.cli import main
from annogov.services.reporting import report_bytes
from governance.reports import ReportInput, Section
from governance.reports.size import sheet_tables, size_problem, table_rows
from ingest import InputError

LIMITS = ("MAX_REPORT_ROWS", "MAX_REPORT_SHEET_ROWS", "MAX_REPORT_CELLS")


def _report(rows: int = 10, columns: int = 3) -> ReportInput:
    section = Section(title="Log", columns=[f"c{k}" for k in range(columns)], rows=[[n] * columns for n in range(rows)])
    return ReportInput(title="t", sections=[section, Section(title="Small", columns=["a"], rows=[[1]])])


def _section_file(tmp_path: Path, rows: int = 10, columns: int = 3) -> Path:
    path = tmp_path / "sections.json"
    path.write_text(json.dumps([s.model_dump(mode="json") for s in _report(rows, columns).sections]))
    return path


def test_sizes_are_counted_per_format() -> None:
    """10 x 3 and 1 x 1: 11 PDF table rows; the largest sheet 10 rows; 31 cells."""
    report = _report()
    assert table_rows(report) == 11
    assert max(t[1] for t in sheet_tables(report)) == 10 and sum(t[2] for t in sheet_tables(report)) == 31


@pytest.mark.parametrize(
    ("fmt", "limit", "value", "words"),
    [
        ("pdf", "MAX_REPORT_ROWS", 10, "11 table rows; ask for the Excel report"),
        ("xlsx", "MAX_REPORT_SHEET_ROWS", 9, "sheet 'Log' would hold 10 rows"),
        ("xlsx", "MAX_REPORT_CELLS", 30, "31 table cells"),
    ],
)
def test_cli_and_service_refuse_alike_and_write_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    fmt: str, limit: str, value: int, words: str,
) -> None:  # fmt: skip
    for name in LIMITS:
        monkeypatch.delenv(f"ANNOGOV_LIMIT_{name}", raising=False)
    out = tmp_path / f"report.{fmt}"
    argv = ["report", "--section", str(_section_file(tmp_path)), "--out", str(out), "--date", "2026-03-31"]
    monkeypatch.setenv(f"ANNOGOV_LIMIT_{limit}", str(value + 1))  # one above: built
    assert main(argv) == 0 and out.stat().st_size > 0
    out.unlink()
    monkeypatch.setenv(f"ANNOGOV_LIMIT_{limit}", str(value))
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and str(out) in err and f"ANNOGOV_LIMIT_{limit}" in err and "Traceback" not in err
    assert not out.exists()
    with pytest.raises(InputError) as refused:  # the service (and the page's downloads) through the same check
        report_bytes(_report(), fmt)  # type: ignore[arg-type]
    (problem,) = refused.value.problems
    page = size_problem(_report(), fmt)  # type: ignore[arg-type]
    assert page is not None and problem.message == page.problems[0].message and words in problem.message
    assert problem.location.file == ("PDF report" if fmt == "pdf" else "Excel report")


def test_default_limits_build_both_formats() -> None:
    for fmt in ("pdf", "xlsx"):
        assert size_problem(_report(), fmt) is None  # type: ignore[arg-type]
        assert report_bytes(_report(), fmt)[:2] in (b"%P", b"PK")  # type: ignore[arg-type]
