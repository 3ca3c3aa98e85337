"""A blank scoring workbook in the wide shape the importer reads: one row per provider and
evaluator, one column per dimension with its weight in the header, a comment column and a red-flags
column; a second sheet holds the rubric's 1/3/5 anchors and qualification questions and a third
the red flags with their policies, so evaluators see them where they score."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ingest import inert
from scorecard.dimensions import SCORE_MAX, SCORE_MIN
from scorecard.rubric import Rubric, default_rubric

TITLE = "Provider scores"
NOTE = (
    f"Score each dimension from {SCORE_MIN:g} (poor) to {SCORE_MAX:g} (excellent); decimals are "
    "fine. Leave a cell blank when it was not scored: a blank is never read as zero. What a 1, 3 "
    "and 5 look like and the questions to ask are on the 'Questions and anchors' sheet (and in each "
    "header's note); tick red flags by key, separated by ';' (see 'Red flags')."
)
GUIDE_SHEET = "Questions and anchors"
FLAGS_SHEET = "Red flags"


def template_headers(rubric: Rubric | None = None) -> list[str]:
    """Provider, Evaluator, one header per dimension with its weight, Comments, Red flags."""
    rubric = rubric or default_rubric()
    weights = rubric.weights
    dims = [f"{rubric.dimension(k).name} ({weights[k]:g}%)" for k in rubric.keys]
    return ["Provider", "Evaluator", *dims, "Comments", "Red flags"]


def _anchor_note(rubric: Rubric, key: str) -> str:
    """A header's note: the dimension's primary criterion and its 1/3/5 anchors."""
    dim = rubric.dimension(key)
    lines = [dim.primary_criterion] + [f"{k}: {text}" for k, text in sorted(dim.anchors.items())]
    return "\n".join(lines)


def _guide_sheet(ws: Worksheet, rubric: Rubric) -> None:
    """Per dimension: weight, primary criterion, the 1/3/5 anchors, then each question."""
    ws.append(["Dimension", "Weight", "What it is about", "1 looks like", "3 looks like", "5 looks like"])
    for guide in rubric.guide():
        anchors = guide["anchors"]
        assert isinstance(anchors, dict)
        ws.append(
            [guide["name"], guide["weight"], guide["primary_criterion"], *(anchors.get(k, "") for k in ("1", "3", "5"))]
        )
    ws.append([])
    ws.append(["Dimension", "Question to ask each provider"])
    questions_head = ws.max_row
    for guide in rubric.guide():
        questions = guide["questions"]
        assert isinstance(questions, list)
        for question in questions:
            ws.append([guide["name"], question])
    for head in (1, questions_head):
        for cell in ws[head]:
            cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (26, 9, 48, 44, 44, 44), strict=True):
        ws.column_dimensions[column].width = width
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _flags_sheet(ws: Worksheet, rubric: Rubric) -> None:
    """Every red flag key an evaluator may tick, its wording and its one consequence."""
    ws.append(["Key to tick", "Dimension", "Red flag", "Policy", "Also raised by"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rubric.policy_table():
        fact = str(row["fact"])
        if fact.startswith("red flag "):
            ws.append(
                [
                    fact.removeprefix("red flag "),
                    rubric.dimension(str(row["dimension"])).name,
                    row["text"],
                    row["policy"],
                    row["raised_by"],
                ]
            )
    for column, width in zip("ABCDE", (28, 24, 60, 44, 60), strict=True):
        ws.column_dimensions[column].width = width


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
    rubric = rubric or default_rubric()
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, key in enumerate(rubric.keys):
        ws.cell(row=header_row, column=3 + i).comment = Comment(_anchor_note(rubric, key), "annogov", 220, 360)
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
    last_score = get_column_letter(2 + len(rubric.keys))
    scores.add(f"C{header_row + 1}:{last_score}{last_row}")
    ws.add_data_validation(scores)
    widths = [28, 22, *([18] * len(rubric.keys)), 48, 36]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"C{header_row + 1}"
    _guide_sheet(wb.create_sheet(GUIDE_SHEET), rubric)
    _flags_sheet(wb.create_sheet(FLAGS_SHEET), rubric)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
