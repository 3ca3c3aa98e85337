"""The contract questionnaire as an xlsx workbook: write it (blank or filled), read it back.

A procurement lead answers one question per row on the "Profile" sheet and lists SLA terms on the
"SLA terms" sheet; reading collects every bad answer with its sheet, row and column.
"""

from __future__ import annotations

import io
import math
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError

from contracts.profile import (
    Commercial,
    ContractProfile,
    DataRights,
    Guidelines,
    QualityMetrics,
    Security,
    Transition,
)
from contracts.sla_terms import RAMP_STEPS_HELP, SlaTerm, SlaTermSet, format_ramp_steps, ramp_from_cells
from ingest import InputError, Location, Problem, inert, normalise_header, read_sheet
from ingest.formulas import restored

PROFILE_SHEET = "Profile"
SLA_SHEET = "SLA terms"
PROFILE_HEADER = ("Section", "Key", "Question", "Answer", "Allowed answers")
SLA_HEADER = (
    "id",
    "metric",
    "scope",
    "comparator",
    "threshold",
    "min_sample",
    "level",
    "weights",
    "tier",
    "remedy_kind",
    "remedy_amount",
    "remedy_cap",
    "note",
)

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
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0"}


def _base(annotation: Any) -> tuple[Any, bool]:
    """Strip Optional; say whether the field is a list."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        annotation = args[0]
    if get_origin(annotation) is list:
        return get_args(annotation)[0], True
    return annotation, False


def _allowed(annotation: Any) -> str:
    base, is_list = _base(annotation)
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


def _rows() -> list[tuple[str, str, str, str]]:
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
    for section, key, question, allowed in _rows():
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
    sla.append(list(SLA_HEADER))
    for cell in sla[2]:
        cell.font = Font(bold=True)
    if profile is not None and profile.sla is not None:
        for t in profile.sla.terms:
            sla.append(
                [
                    inert(v)
                    for v in (
                        t.id,
                        t.metric,
                        str(t.scope),
                        t.comparator,
                        t.threshold,
                        t.min_sample,
                        t.level,
                        t.weights,
                        t.tier,
                        t.remedy.kind,
                        t.remedy.amount,
                        t.remedy.cap,
                        t.note,
                    )
                ]
            )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _unsafe(value: object) -> object:
    """A text cell stripped, without the apostrophe `_safe` put before formula-like text."""
    return restored(value)


def _parse(raw: object, annotation: Any) -> object:
    """A cell value as the field's type; raises ValueError with a plain message."""
    base, is_list = _base(annotation)
    raw = _unsafe(raw)
    if raw is None or raw == "":
        return [] if is_list else None
    if isinstance(raw, (list, tuple)) and is_list and all(isinstance(p, (str, int, float)) for p in raw):
        return [str(p).strip() for p in raw if str(p).strip()]
    if isinstance(raw, (list, tuple, dict, set)):
        raise ValueError(f"expected {'a list of names' if is_list else 'one value'}, got {raw!r}")
    if is_list:
        return [p.strip() for p in str(raw).replace(";", ",").split(",") if p.strip()]
    if base is bool:
        token = str(raw).strip().lower()
        if token in _TRUE:
            return True
        if token in _FALSE:
            return False
        raise ValueError(f"expected yes or no, got {raw!r}")
    if base is date:
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(str(raw).strip())
        except ValueError:
            raise ValueError(f"expected a date as YYYY-MM-DD, got {raw!r}") from None
    if base in (int, float):
        text = str(raw).strip().replace(",", "")
        percent = text.endswith("%")
        try:
            number = float(text.rstrip("%").strip())
        except ValueError:
            raise ValueError(f"expected a number, got {raw!r}") from None
        if not math.isfinite(number):
            raise ValueError(f"expected a finite number, got {raw!r}")
        if percent:
            number /= 100
        if base is int:
            if number != int(number):
                raise ValueError(f"expected a whole number, got {raw!r}")
            return int(number)
        return number
    return str(raw)


def parse_answer(key: str, raw: object) -> object:
    """A typed answer ('yes', '10%', 'EU, India') as the value of profile field `key` ('data.export_timing');
    raises ValueError with a plain message. The app's confirmation edits use it too."""
    return _parse(raw, _field_annotation(key))


def _field_annotation(key: str) -> Any:
    if key in ("vendor", "contract"):
        return str | None
    section, name = key.split(".", 1)
    if name.startswith("ramp."):
        return date | None if name == "ramp.start" else str | None
    if section == "sla":
        return SlaTermSet.model_fields[name].annotation
    model = dict((p, m) for p, _, m in SECTIONS)[section]
    return model.model_fields[name].annotation


def read_questionnaire(path: str | Path, *, data: bytes | None = None) -> ContractProfile:
    """Read a filled-in questionnaire; every bad answer is reported with its row and column."""
    path = Path(path)
    known = {key for _, key, _, _ in _rows()}
    sheet = read_sheet(
        path, lambda row: [normalise_header(c) for c in row[:2]] == ["section", "key"], sheet=PROFILE_SHEET, data=data
    )
    header = [normalise_header(h) for h in sheet.header]
    key_col, answer_col = header.index("key"), header.index("answer")
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for row, number in zip(sheet.rows, sheet.row_numbers, strict=True):
        key = str(row[key_col] or "").strip() if len(row) > key_col else ""
        raw = row[answer_col] if len(row) > answer_col else None
        if not key:
            continue
        if key not in known:
            problems.append(Problem(Location(path.name, PROFILE_SHEET, number, "Key"), f"unknown question key {key!r}"))
            continue
        rows[key] = number
        try:
            values[key] = _parse(raw, _field_annotation(key))
        except ValueError as exc:
            problems.append(Problem(Location(path.name, PROFILE_SHEET, number, "Answer"), f"{key}: {exc}"))
    ramp = _read_ramp(values, rows, path.name, problems)
    terms = _read_terms(path, data, problems)
    if problems:
        raise InputError(problems)
    nested: dict[str, Any] = {}
    for key, value in values.items():
        if "." not in key:
            nested[key] = value
            continue
        section, name = key.split(".", 1)
        if value is not None and value != []:
            nested.setdefault(section, {})[name] = value
    sla_meta = nested.pop("sla", {})
    if ramp is not None:
        sla_meta["ramp"] = ramp
    if terms or sla_meta:
        nested["sla"] = {**sla_meta, "terms": terms}
    if not nested.get("vendor"):
        raise InputError.at(
            "the vendor name (key 'vendor') is not answered", path.name, sheet=PROFILE_SHEET, column="Answer"
        )
    try:
        return ContractProfile.model_validate(nested)
    except ValidationError as exc:
        raise InputError(
            Problem(
                Location(path.name, PROFILE_SHEET, rows.get(_ramp_key(err["loc"]) or ""), "Answer"),
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}",
            )
            for err in exc.errors()
        ) from None


def _ramp_key(loc: tuple[int | str, ...]) -> str | None:
    """The questionnaire key of a ramp validation error (sla.ramp.start or sla.ramp.steps)."""
    if loc[:2] != ("sla", "ramp"):
        return None
    return "sla.ramp.start" if loc[2:3] == ("start",) else "sla.ramp.steps"


def _read_ramp(
    values: dict[str, Any], rows: dict[str, int], file: str, problems: list[Problem]
) -> dict[str, object] | None:
    """The ramp rows (start, steps) as a ramp mapping; a half-answered or unreadable ramp is a problem."""
    start, steps = values.pop("sla.ramp.start", None), values.pop("sla.ramp.steps", None)
    try:
        return ramp_from_cells(start, steps)
    except ValueError as exc:
        row = rows.get("sla.ramp.steps" if steps is not None or "sla.ramp.start" not in rows else "sla.ramp.start")
        problems.append(Problem(Location(file, PROFILE_SHEET, row, "Answer"), f"sla.ramp: {exc}"))
        return None


def _read_terms(path: Path, data: bytes | None, problems: list[Problem]) -> list[SlaTerm]:
    try:
        sheet = read_sheet(
            path, lambda row: [normalise_header(c) for c in row[:2]] == ["id", "metric"], sheet=SLA_SHEET, data=data
        )
    except InputError as exc:
        problems.extend(exc.problems)
        return []
    header = [normalise_header(h) for h in sheet.header]
    terms: list[SlaTerm] = []
    for row, number in zip(sheet.rows, sheet.row_numbers, strict=True):
        cells = {h: _unsafe(row[i] if i < len(row) else None) for i, h in enumerate(header) if h}
        cells = {k: v for k, v in cells.items() if v not in (None, "")}
        if not cells:
            continue
        remedy = {k.removeprefix("remedy_"): cells.pop(k) for k in list(cells) if k.startswith("remedy_")}
        try:
            term = SlaTerm.model_validate({**cells, "remedy": remedy})
        except ValidationError as exc:
            for err in exc.errors():
                loc = [str(p) for p in err["loc"]]
                column = "_".join(loc[:2]) if loc[:1] == ["remedy"] else (loc[0] if loc else None)
                problems.append(Problem(Location(path.name, SLA_SHEET, number, column), err["msg"]))
            continue
        terms.append(term)
    return terms


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
