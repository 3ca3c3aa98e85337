"""SLA term sets from and to files: YAML, JSON or an xlsx sheet read with located errors
(`load_term_set`), the editable rows and the workbook written back (`term_set_to_rows`,
`write_term_set_xlsx`), and pydantic errors as located problems (`validation_problems`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from contracts.sla_terms import SlaTerm, SlaTermSet, format_ramp_steps, ramp_from_cells
from ingest import (
    InputError,
    Location,
    Problem,
    decode_text,
    inert,
    load_json,
    load_yaml,
    normalise_header,
    open_workbook,
    read_input,
    read_sheet,
    reading,
    sheet_rows,
)
from ingest.formulas import restored

_COLUMN_ALIASES = {
    "id": "id",
    "term": "id",
    "term_id": "id",
    "metric": "metric",
    "measure": "metric",
    "scope": "scope",
    "applies_to": "scope",
    "comparator": "comparator",
    "operator": "comparator",
    "threshold": "threshold",
    "target": "threshold",
    "min_sample": "min_sample",
    "minimum_sample": "min_sample",
    "min_n": "min_sample",
    "level": "level",
    "weights": "weights",
    "missing": "missing",
    "tier": "tier",
    "remedy": "remedy_kind",
    "remedy_kind": "remedy_kind",
    "remedy_amount": "remedy_amount",
    "amount": "remedy_amount",
    "remedy_cap": "remedy_cap",
    "cap": "remedy_cap",
    "note": "note",
    "notes": "note",
}


_SETTING_KEYS = {
    "name",
    "currency",
    "period_fee",
    "label_set",
    "committed_weekly_volume",
    "total_credit_cap",
    "ramp_start",
    "ramp_steps",
    "period_end",
    "drift_threshold",
}


def _yaml_line(text: str, loc: tuple[int | str, ...]) -> int | None:
    """1-based line of the YAML node at a pydantic error path, when it can be found."""
    import yaml

    try:
        node: Any = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = [v for k, v in node.value if getattr(k, "value", None) == key]
            if not match:
                break
            node = match[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _loc_text(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def _from_mapping(raw: object, file: str, text: str | None) -> SlaTermSet:
    if not isinstance(raw, dict):
        raise InputError.at("expected a mapping with a 'terms' list at the top level", file)
    if "terms" not in raw and "vendor" in raw:  # a contract profile: its `sla` is the term set
        if not isinstance(raw.get("sla"), dict):
            raise InputError.at("this contract profile states no SLA terms (its 'sla' section is empty)", file)
        raw = raw["sla"]
    try:
        return SlaTermSet.model_validate(raw)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, file, text)) from None


def validation_problems(exc: ValidationError, file: str, yaml_text: str | None) -> list[Problem]:
    """A model's validation errors as problems located by field path, and by line when YAML is given."""
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not isinstance(p, str) or "[" not in p)
        row = _yaml_line(yaml_text, loc) if yaml_text is not None else None
        problems.append(Problem(Location(file, row=row, column=_loc_text(loc)), err["msg"]))
    return problems


def cell_value(value: Any) -> Any:
    """A cell's value; text stripped (blank text is None) and without the quote `inert` put before
    formula-like text."""
    value = restored(value)
    return (value or None) if isinstance(value, str) else value


def is_terms_header(row: Any) -> bool:
    """Whether a sheet row is the header of a terms table (it names a metric and a threshold column)."""
    keys = {_COLUMN_ALIASES.get(normalise_header(c)) for c in row}
    return {"metric", "threshold"} <= keys


def _settings(path: Path, data: bytes | None) -> tuple[dict[str, Any], dict[str, int]]:
    """Key/value rows of an optional 'Contract' sheet (name, currency, period_fee, ramp_start,
    ramp_steps, ...) and the sheet row of each key."""
    wb = open_workbook(read_input(path, data), path.name)
    try:
        names = {n.lower(): n for n in wb.sheetnames}
        if "contract" not in names:
            return {}, {}
        rows = sheet_rows(wb[names["contract"]], path.name)
    finally:
        wb.close()
    out: dict[str, Any] = {}
    where: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        if len(row) < 2 or cell_value(row[1]) is None:
            continue
        if isinstance(row[0], str) and normalise_header(row[0]) in _SETTING_KEYS:
            key, value = normalise_header(row[0]), cell_value(row[1])
            if key == "label_set":
                value = [v.strip() for v in str(value).split(",") if v.strip()]
            out[key], where[key] = value, number
    return out, where


def _from_xlsx(path: Path, data: bytes | None, sheet: str | None) -> SlaTermSet:
    if sheet is None:
        wb = open_workbook(read_input(path, data), path.name, data_only=False)
        try:
            sheet = next((n for n in wb.sheetnames if n.lower() == "terms"), None)
        finally:
            wb.close()
    table = read_sheet(path, is_terms_header, sheet=sheet, data=data)
    rows = (
        (n, dict(zip(table.header, map(cell_value, cells), strict=False)))
        for cells, n in zip(table.rows, table.row_numbers, strict=True)
    )
    terms, found = read_term_rows(rows)
    problems = [Problem(Location(table.file, table.name, row, column), message) for row, column, message in found]
    if problems:
        raise InputError(problems)
    settings, where = _settings(path, data)
    try:
        ramp = ramp_from_cells(settings.pop("ramp_start", None), settings.pop("ramp_steps", None))
    except ValueError as exc:
        row = where.get("ramp_steps", where.get("ramp_start"))
        raise InputError.at(str(exc), table.file, sheet="Contract", row=row, column="ramp_steps") from None
    try:
        return SlaTermSet.model_validate({**settings, "ramp": ramp, "terms": terms})
    except ValidationError as exc:
        raise InputError(
            Problem(
                Location(table.file, "Contract", where.get(_setting_key(e["loc"])), _loc_text(tuple(e["loc"]))),
                e["msg"],
            )
            for e in exc.errors()
        ) from None


def _setting_key(loc: tuple[int | str, ...]) -> str:
    """The Contract-sheet key a validation error path belongs to."""
    if loc[:1] == ("ramp",):
        return "ramp_start" if loc[1:2] == ("start",) else "ramp_steps"
    return str(loc[0]) if loc else ""


def load_term_set(path: str | Path, *, data: bytes | None = None, sheet: str | None = None) -> SlaTermSet:
    """Read a term set from YAML, JSON or xlsx; every problem is reported with its place."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        with reading(path.name, "the terms workbook"):
            return _from_xlsx(path, data, sheet)
    if suffix not in {".yaml", ".yml", ".json"}:
        raise InputError.at(
            f"unsupported term file type {suffix or '(none)'}; expected .yaml, .json or .xlsx",
            path.name,
        )
    text = decode_text(read_input(path, data, limit="max_document_bytes"), path.name)
    if suffix == ".json":
        return _from_mapping(load_json(text, path.name), path.name, None)
    return _from_mapping(load_yaml(text, path.name), path.name, text)


TERM_COLUMNS: tuple[str, ...] = (
    "id", "metric", "scope", "comparator", "threshold", "min_sample", "level", "weights", "missing", "tier",
    "remedy", "remedy_amount", "remedy_cap", "note",
)  # fmt: skip
"""A term as a table row: the columns of the terms sheet, the questionnaire's SLA sheet and the app's editor."""


def term_row(t: SlaTerm) -> dict[str, Any]:
    """One term as a row keyed by `TERM_COLUMNS`."""
    values = (
        t.id, t.metric, str(t.scope), t.comparator, t.threshold, t.min_sample, t.level, t.weights, t.missing, t.tier,
        t.remedy.kind, t.remedy.amount, t.remedy.cap, t.note,
    )  # fmt: skip
    return dict(zip(TERM_COLUMNS, values, strict=True))


def term_set_to_rows(terms: SlaTermSet) -> list[dict[str, Any]]:
    """Flat rows (one per term) in the xlsx column layout, for writing a terms sheet."""
    return [term_row(t) for t in terms.terms]


def read_term_rows(
    rows: Iterable[tuple[int, Mapping[str, Any]]],
) -> tuple[list[SlaTerm], list[tuple[int, str | None, str]]]:
    """Rows of cleaned cells keyed by column name (any spelling the terms sheet accepts) as terms,
    blank rows skipped; each problem as (row, the row's own column name, message)."""
    terms: list[SlaTerm] = []
    problems: list[tuple[int, str | None, str]] = []
    for number, cells in rows:
        if all(v is None for v in cells.values()):
            continue
        named = {key: (name, v) for name, v in cells.items() if (key := _COLUMN_ALIASES.get(normalise_header(name)))}
        raw = {key: v for key, (_, v) in named.items()}
        remedy = {
            "kind": raw.pop("remedy_kind", None) or "none",
            "amount": raw.pop("remedy_amount", None) or 0.0,
            "cap": raw.pop("remedy_cap", None),
        }
        fields = {k: v for k, v in raw.items() if v is not None}
        if isinstance(fields.get("id"), float | int):
            fields["id"] = str(fields["id"])
        sample = fields.get("min_sample")
        if isinstance(sample, float) and sample.is_integer():  # tables give whole numbers as floats
            fields["min_sample"] = int(sample)
        try:
            terms.append(SlaTerm.model_validate({**fields, "remedy": remedy}))
        except ValidationError as exc:
            for err in exc.errors():
                loc = [str(p) for p in err["loc"]]
                key = "_".join(loc[:2]) if loc[:1] == ["remedy"] else (loc[0] if loc else "")
                problems.append((number, named[key][0] if key in named else key or None, err["msg"]))
    return terms, problems


def write_term_set_xlsx(terms: SlaTermSet) -> bytes:
    """The term set as the workbook `load_term_set` reads: a 'Terms' sheet (one row per term) and a
    'Contract' sheet of settings, the ramp as `ramp_start` and `ramp_steps`; text is made inert."""
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Terms"
    sheet.append([f"{terms.name}: measurable terms (one row per term)"])
    sheet.append(list(TERM_COLUMNS))
    for row in term_set_to_rows(terms):
        sheet.append(list(row.values()))
    settings: list[tuple[str, Any]] = [
        ("name", terms.name),
        ("currency", terms.currency),
        ("period_fee", terms.period_fee),
        ("total_credit_cap", terms.total_credit_cap),
        ("committed_weekly_volume", terms.committed_weekly_volume),
        ("label_set", ", ".join(terms.label_set) if terms.label_set else None),
        ("period_end", terms.period_end),
    ]
    if terms.ramp is not None:
        settings += [("ramp_start", terms.ramp.start), ("ramp_steps", format_ramp_steps(terms.ramp.steps))]
    contract = wb.create_sheet("Contract")
    for key, value in settings:
        if value is not None:
            contract.append([key, value])
    for ws in (sheet, contract):
        for line in ws.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    cell.value = inert(cell.value)
                    cell.data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
