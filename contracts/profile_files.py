"""Contract profiles from files: YAML or JSON (`load_profile`) and the filled-in xlsx questionnaire
(`read_questionnaire`), every bad answer located by field path, line, or sheet, row and column;
`parse_answer` turns one typed answer into a field's value.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from contracts.profile import ContractProfile
from contracts.questionnaire import PROFILE_SHEET, SECTIONS, SLA_SHEET, base_type, question_rows
from contracts.sla_term_files import cell_value, read_term_rows, validation_problems
from contracts.sla_terms import SlaTerm, SlaTermSet, ramp_from_cells
from ingest import (
    InputError,
    Location,
    Problem,
    decode_text,
    load_json,
    load_yaml,
    normalise_header,
    read_input,
    read_sheet,
)
from ingest.formulas import restored


def load_profile(path: str | Path, *, data: bytes | None = None) -> ContractProfile:
    """Read a profile from YAML, JSON or a filled-in xlsx questionnaire.

    Raises `ingest.InputError` for unreadable files and for bad values (each located by field path,
    and by line in YAML).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return read_questionnaire(path, data=data)
    if suffix not in {".json", ".yaml", ".yml"}:
        raise InputError.at(f"unsupported profile type {suffix or '(none)'}; expected .yaml, .json or .xlsx", path.name)
    text = decode_text(read_input(path, data, limit="max_document_bytes"), path.name)
    parsed: Any = load_json(text, path.name) if suffix == ".json" else load_yaml(text, path.name)
    if not isinstance(parsed, dict):
        raise InputError.at("a contract profile must be a mapping with a 'vendor' key", path.name)
    try:
        return ContractProfile.model_validate(parsed)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, path.name, None if suffix == ".json" else text)) from None


_TRUE = {"yes", "y", "true", "1", "x"}


_FALSE = {"no", "n", "false", "0"}


def _parse(raw: object, annotation: Any) -> object:
    """A cell value as the field's type; raises ValueError with a plain message."""
    base, is_list = base_type(annotation)
    raw = restored(raw)
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
    known = {key for _, key, _, _ in question_rows()}
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
    cells = (
        (n, {h: cell_value(v) for h, v in zip(sheet.header, row, strict=False) if h})
        for row, n in zip(sheet.rows, sheet.row_numbers, strict=True)
    )
    terms, found = read_term_rows(cells)
    problems.extend(Problem(Location(path.name, SLA_SHEET, row, column), message) for row, column, message in found)
    return terms
