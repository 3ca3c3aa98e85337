"""A blank scoring workbook in the wide shape the importer reads: one row per provider and
evaluator, one column per dimension with its weight in the header, a comment column."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from ingest import inert
from scorecard.dimensions import DIMENSION_KEYS, SCORE_MAX, SCORE_MIN
from scorecard.rubric import Rubric, default_rubric

TITLE = "Provider scores"
NOTE = (
    f"Score each dimension from {SCORE_MIN:g} (poor) to {SCORE_MAX:g} (excellent); decimals are "
    "fine. Leave a cell blank when it was not scored: a blank is never read as zero."
)


def template_headers(rubric: Rubric | None = None) -> list[str]:
    """Provider, Evaluator, one header per dimension with its weight, Comments."""
    rubric = rubric or default_rubric()
    weights = rubric.weights
    dims = [f"{rubric.dimension(k).name} ({weights[k]:g}%)" for k in DIMENSION_KEYS]
    return ["Provider", "Evaluator", *dims, "Comments"]


def template_xlsx(
    rubric: Rubric | None = None,
    providers: Sequence[str] = (),
    evaluators: Sequence[str] = (),
) -> bytes:
    """The workbook as bytes; with providers (and evaluators) given, one row per pair is
    pre-filled so evaluators only type scores."""
    headers = template_headers(rubric)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Scores"
    ws.append([TITLE])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([NOTE])
    ws.append(headers)
    header_row = 3
    fill = PatternFill("solid", fgColor="DDE7F0")
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for provider in providers:
        for evaluator in evaluators or [""]:
            ws.append([provider, evaluator])
            row = ws.max_row
            for col in (1, 2):
                cell = ws.cell(row=row, column=col)
                if isinstance(cell.value, str):
                    cell.value = inert(cell.value)
                    cell.data_type = "s"
    last_row = max(ws.max_row, header_row) + 200
    scores = DataValidation(
        type="decimal",
        operator="between",
        formula1=str(SCORE_MIN),
        formula2=str(SCORE_MAX),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Score out of range",
        error=f"Enter a number from {SCORE_MIN:g} to {SCORE_MAX:g}, or leave the cell blank.",
    )
    scores.add(f"C{header_row + 1}:G{last_row}")
    ws.add_data_validation(scores)
    widths = [28, 22, 18, 18, 18, 18, 18, 48]
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = f"C{header_row + 1}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
