"""The contract questionnaire as an xlsx workbook: its questions and sheets, written blank or filled.

A procurement lead answers one question per row on the "Profile" sheet and lists SLA terms on the
"SLA terms" sheet; `contracts.profile_files.read_questionnaire` reads it back with every bad answer
located by sheet, row and column.
"""

from __future__ import annotations

import io
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from contracts.profile import (
    Commercial,
    ContractProfile,
    DataRights,
    Guidelines,
    QualityMetrics,
    Security,
    Transition,
)
from contracts.sla_term_files import TERM_COLUMNS, term_row
from contracts.sla_terms import RAMP_STEPS_HELP, SlaTermSet, format_ramp_steps
from ingest import inert

PROFILE_SHEET = "Profile"
SLA_SHEET = "SLA terms"
PROFILE_HEADER = ("Section", "Key", "Question", "Answer", "Allowed answers")

SECTIONS: tuple[tuple[str, str, type[BaseModel]], ...] = (
    ("data", "Data ownership and export", DataRights),
    ("guidelines", "Guidelines and edge-case rulings", Guidelines),
    ("quality", "Quality metrics", QualityMetrics),
    ("transition", "Transition and offboarding", Transition),
    ("commercial", "Commercial terms", Commercial),
    ("security", "Security and compliance", Security),
)
_TOP = (("vendor", "Vendor name"), ("contract", "Contract or draft this profile describes"))
_SLA_TOP = (
    ("sla.name", "Name of the SLA term set"),
    ("sla.currency", "Currency of fees"),
    ("sla.period_fee", "Fee of one measured period (credits are a % of it)"),
    ("sla.label_set", "The contract's label set, comma-separated"),
    ("sla.committed_weekly_volume", "Committed weekly volume (units)"),
    ("sla.total_credit_cap", "Upper limit, in money, on all credits of the period"),
    ("sla.drift_threshold", "Smallest drop between periods called drift (then only if a test says so)"),
)
_RAMP_TOP = (
    ("sla.ramp.start", "Ramp-up start date (contract week 1 is its calendar week)", "date, YYYY-MM-DD"),
    (
        "sla.ramp.steps",
        "Ramp-up weekly floors; after the last step the committed weekly volume applies",
        RAMP_STEPS_HELP,
    ),
)


def base_type(annotation: Any) -> tuple[Any, bool]:
    """Strip Optional; say whether the field is a list."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        annotation = args[0]
    if get_origin(annotation) is list:
        return get_args(annotation)[0], True
    return annotation, False


def _allowed(annotation: Any) -> str:
    base, is_list = base_type(annotation)
    if is_list:
        return "comma-separated list"
    if base is bool:
        return "yes / no (blank = not stated)"
    if get_origin(base) is Literal:
        return " / ".join(str(a) for a in get_args(base))
    if base is date:
        return "date, YYYY-MM-DD"
    if base is float:
        return "number"
    if base is int:
        return "whole number"
    return "text"


def question_rows() -> list[tuple[str, str, str, str]]:
    """(section title, key, question, allowed answers) for every profile question."""
    rows = [("General", key, question, "text") for key, question in _TOP]
    for prefix, title, model in SECTIONS:
        for name, info in model.model_fields.items():
            rows.append((title, f"{prefix}.{name}", info.description or name, _allowed(info.annotation)))
    rows += [
        ("SLA (terms on the next sheet)", key, q, _allowed(SlaTermSet.model_fields[key.split(".", 1)[1]].annotation))
        for key, q in _SLA_TOP
    ]
    rows += [("SLA (terms on the next sheet)", key, q, allowed) for key, q, allowed in _RAMP_TOP]
    return rows


def _answer(profile: ContractProfile | None, key: str) -> object:
    if profile is None:
        return None
    if key in ("vendor", "contract"):
        return getattr(profile, key)
    section, name = key.split(".", 1)
    if name.startswith("ramp."):
        ramp = profile.sla.ramp if profile.sla is not None else None
        if ramp is None:
            return None
        return ramp.start if name == "ramp.start" else format_ramp_steps(ramp.steps)
    if section == "sla":
        value = getattr(profile.sla, name) if profile.sla is not None else None
    else:
        value = getattr(getattr(profile, section), name)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or None
    return value


def write_questionnaire(profile: ContractProfile | None = None) -> bytes:
    """The questionnaire workbook as bytes; blank when `profile` is None, else pre-filled."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = PROFILE_SHEET
    ws.append(
        [
            "Contract portability questionnaire: answer column D; leave blank when the "
            "contract is silent (blank counts as not stated)."
        ]
    )
    ws["A1"].font = Font(bold=True)
    ws.append(list(PROFILE_HEADER))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    choices: dict[str, DataValidation] = {}
    for section, key, question, allowed in question_rows():
        value = _answer(profile, key)
        ws.append([section, key, question, None, allowed])
        cell = ws.cell(row=ws.max_row, column=4)
        if value is not None:
            answer: Any = value.isoformat() if isinstance(value, date) else value
            cell.value = inert(answer)
            if isinstance(cell.value, str):
                cell.data_type = "s"
        options = (
            "yes,no" if allowed.startswith("yes / no") else (allowed.replace(" / ", ",") if " / " in allowed else None)
        )
        if options is not None:
            if options not in choices:
                choices[options] = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
                ws.add_data_validation(choices[options])
            choices[options].add(cell.coordinate)
    for column, width in zip("ABCDE", (30, 38, 70, 40, 34), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=3, min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    sla = wb.create_sheet(SLA_SHEET)
    sla.append(["One row per measurable term; metric, comparator and tier as in `annogov sla-check`."])
    sla.append(list(TERM_COLUMNS))
    for cell in sla[2]:
        cell.font = Font(bold=True)
    if profile is not None and profile.sla is not None:
        for t in profile.sla.terms:
            sla.append([inert(v) for v in term_row(t).values()])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


PROVIDER_QUESTIONS_SHEET = "Questions to ask"


def with_provider_questions(workbook: bytes, guide: Sequence[Mapping[str, Any]]) -> bytes:
    """The questionnaire with a sheet of the scorecard rubric's qualification questions and 1/3/5
    anchors per dimension (`guide` as `Rubric.guide()` gives it); reading ignores the sheet."""
    from openpyxl import load_workbook
    from openpyxl.styles import Alignment, Font

    wb = load_workbook(io.BytesIO(workbook))
    ws = wb.create_sheet(PROVIDER_QUESTIONS_SHEET)
    ws.append(["Questions to ask each provider, with what a 1, 3 and 5 look like on the scorecard."])
    ws["A1"].font = Font(bold=True)
    ws.append(["Dimension", "Weight", "Question", "1 looks like", "3 looks like", "5 looks like"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for dim in guide:
        anchors = dim.get("anchors") or {}
        for i, question in enumerate(dim.get("questions") or []):
            shown = [anchors.get(k, "") for k in ("1", "3", "5")] if i == 0 else ["", "", ""]
            ws.append(
                [
                    inert(v) if isinstance(v, str) else v
                    for v in (dim.get("name", ""), dim.get("weight"), question, *shown)
                ]
            )
    for column, width in zip("ABCDEF", (26, 9, 70, 40, 40, 40), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
