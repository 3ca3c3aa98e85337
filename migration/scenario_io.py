"""Reading and writing scenarios: YAML, JSON or an xlsx sheet of one parameter per row."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ingest import (
    InputError,
    Location,
    Problem,
    decode_text,
    inert,
    load_document,
    load_json,
    normalise_header,
    open_workbook,
    read_input,
    read_sheet,
    reading,
)
from ingest.formulas import restored
from migration.distributions import Estimate
from migration.scenario import SECTIONS, Scenario, Vendor, parameter_catalogue

XLSX_COLUMNS = ("section", "parameter", "low", "most_likely", "high", "distribution", "unit",
                "help")
_META = "scenario"


def _expected(loc: list[str]) -> str:
    if len(loc) == 1:
        return ", ".join(["name", "currency", *SECTIONS, "correlation"])
    field = Scenario.model_fields.get(loc[0])
    model = field.annotation if field is not None else None
    names = getattr(model, "model_fields", {})
    return ", ".join(names)


def _problems(exc: ValidationError, locate: Any) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"] if not isinstance(p, int)][:2]
        key = ".".join(loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            what = "section" if len(loc) == 1 else "parameter"
            msg = f"unknown {what}; expected one of {_expected(loc)}"
        out.append(Problem(locate(key), f"{key or '(scenario)'}: {msg}"))
    return out


def scenario_from_dict(doc: Any, source: str = "scenario") -> Scenario:
    """Validate a mapping into a Scenario; every problem is reported, keyed by section.field."""
    if not isinstance(doc, dict):
        raise InputError.at("a scenario must be a mapping of sections", source)
    try:
        return Scenario.model_validate(doc)
    except ValidationError as exc:
        raise InputError(_problems(exc, lambda key: Location(source))) from None


def _is_scenario_header(row: Sequence[Any]) -> bool:
    keys = {normalise_header(c) for c in row}
    return {"section", "parameter"} <= keys and bool(keys & {"most_likely", "value"})


def _scenario_from_sheet(path: Path, data: bytes | None) -> Scenario:
    sheet = read_sheet(path, _is_scenario_header, data=data)
    keys = [normalise_header(h) for h in sheet.header]
    col = {k: i for i, k in enumerate(keys)}
    if "most_likely" not in col:
        col["most_likely"] = col["value"]
    doc: dict[str, Any] = {}
    where: dict[str, Location] = {}
    problems: list[Problem] = []

    def cell(cells: tuple[Any, ...], key: str) -> Any:
        i = col.get(key)
        value = restored(cells[i]) if i is not None else None
        return None if isinstance(value, str) and not value else value

    for cells, number in zip(sheet.rows, sheet.row_numbers, strict=True):
        section = str(cell(cells, "section") or "").strip()
        name = str(cell(cells, "parameter") or "").strip()
        loc = Location(sheet.file, sheet.name, number, sheet.header[col["parameter"]])
        if not section or not name:
            problems.append(Problem(loc, "each row needs a section and a parameter"))
            continue
        ml = cell(cells, "most_likely")
        if section == _META:
            doc[name] = ml
            where[name] = loc
            continue
        if section not in SECTIONS:
            problems.append(Problem(Location(sheet.file, sheet.name, number,
                                             sheet.header[col["section"]]),
                                    f"unknown section {section!r}; expected one of "
                                    f"{', '.join(SECTIONS)}"))
            continue
        low, high = cell(cells, "low"), cell(cells, "high")
        dist = cell(cells, "distribution")
        if low is None and high is None and dist is None:
            value: Any = ml
        else:
            value = {"low": low if low is not None else ml, "most_likely": ml,
                     "high": high if high is not None else ml}
            if dist is not None:
                value["distribution"] = str(dist).strip().lower()
        doc.setdefault(section, {})[name] = value
        where[f"{section}.{name}"] = Location(sheet.file, sheet.name, number,
                                              sheet.header[col["most_likely"]])
    if path.suffix.lower() != ".csv":
        correlation = _correlation_from_sheet(path, data, problems)
        if correlation is not None:
            doc["correlation"] = correlation
    if problems:
        raise InputError(problems)
    try:
        return Scenario.model_validate(doc)
    except ValidationError as exc:
        raise InputError(_problems(
            exc, lambda key: where.get(key, Location(sheet.file, CORRELATION_SHEET if key.startswith(
                "correlation") else sheet.name)))) from None


CORRELATION_SHEET = "Correlation"


def _correlation_from_sheet(path: Path, data: bytes | None, problems: list[Problem]) -> dict[str, Any] | None:
    """The `Correlation` sheet (header `input`, then the inputs; one row per input) as the
    scenario's correlation block, or None when the workbook has no such sheet."""
    wb = open_workbook(read_input(path, data), path.name)
    try:
        if CORRELATION_SHEET not in wb.sheetnames:
            return None
    finally:
        wb.close()
    sheet = read_sheet(path, lambda row: normalise_header(row[0] if row else "") == "input",
                       sheet=CORRELATION_SHEET, data=data)
    inputs = [str(h).strip() for h in sheet.header[1:] if str(h).strip()]
    matrix: list[list[Any]] = []
    for cells, number in zip(sheet.rows, sheet.row_numbers, strict=True):
        row: list[Any] = []
        for j, value in enumerate(cells[1:len(inputs) + 1]):
            if not isinstance(value, int | float) or isinstance(value, bool):
                problems.append(Problem(Location(sheet.file, sheet.name, number, inputs[j]),
                                        f"a correlation must be a number from -1 to 1, got {value!r}"))
            row.append(value)
        if str(cells[0] or "").strip() != (inputs[len(matrix)] if len(matrix) < len(inputs) else None):
            problems.append(Problem(Location(sheet.file, sheet.name, number, sheet.header[0]),
                                    "rows must list the inputs in the header's order"))
        matrix.append(row)
    return {"inputs": inputs, "matrix": matrix}


def load_scenario(path: str | Path, *, data: bytes | None = None) -> Scenario:
    """A scenario from .yaml/.yml, .json or .xlsx (columns section, parameter, low, most_likely,
    high, distribution)."""
    path = Path(path)
    suffix = path.suffix.lower()
    with reading(path.name, "the scenario"):
        if suffix in {".xlsx", ".xlsm", ".csv"}:
            return _scenario_from_sheet(path, data)
        return scenario_from_dict(load_document(path, data), path.name)


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """Plain data for YAML/JSON: points as numbers, ranges as {low, most_likely, high}."""
    def plain(value: Any) -> Any:
        if isinstance(value, Estimate):
            if value.is_point:
                return value.most_likely
            return {"low": value.low, "most_likely": value.most_likely, "high": value.high,
                    "distribution": value.distribution}
        return value

    doc: dict[str, Any] = {"name": scenario.name, "currency": scenario.currency}
    for section in SECTIONS:
        model = getattr(scenario, section)
        doc[section] = {k: plain(getattr(model, k)) for k in type(model).model_fields}
    if scenario.correlation is not None:
        doc["correlation"] = scenario.correlation.model_dump()
    return doc


def write_scenario_xlsx(scenario: Scenario, path: str | Path) -> None:
    """One row per parameter with its unit and help, so the sheet explains itself."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Scenario"
    ws.append(["Switching-cost scenario: edit low / most_likely / high; equal or empty low and "
               "high make a point"])
    ws.append(list(XLSX_COLUMNS))
    rows: list[list[Any]] = [[_META, "name", None, scenario.name, None, None, "", "Scenario name"],
                             [_META, "currency", None, scenario.currency, None, None, "",
                              "Currency of every amount"]]
    for section in ("current_vendor", "new_vendor"):
        field = Vendor.model_fields["pricing"]
        rows.append([section, "pricing", None, getattr(scenario, section).pricing, None, None, "",
                     f"per_label or staffing. {field.description}"])
    for info in parameter_catalogue(scenario, unused=True):
        rng = info.is_range
        rows.append([info.section, info.name, info.low if rng else None, info.most_likely,
                     info.high if rng else None, info.distribution if rng else None, info.unit,
                     info.help if info.used else f"(not used with this pricing) {info.help}"])
    for section in ("knowledge_loss", "stay_vs_switch"):
        model = getattr(scenario, section)
        for name, field in type(model).model_fields.items():
            value = getattr(model, name)
            if not isinstance(value, Estimate):
                rows.append([section, name, None, value, None, None, "", field.description])
    for row in rows:
        ws.append(row)
        for c in ws[ws.max_row]:
            if isinstance(c.value, str):
                c.value = inert(c.value)
                c.data_type = "s"
    for letter, width in zip("ABCDEFGH", (20, 28, 10, 12, 10, 12, 16, 90), strict=True):
        ws.column_dimensions[letter].width = width
    if scenario.correlation is not None:
        corr = wb.create_sheet(CORRELATION_SHEET)
        corr.append(["Rank (Spearman) correlation between ranged inputs, imposed by Iman-Conover"])
        corr.append(["input", *scenario.correlation.inputs])
        for name, values in zip(scenario.correlation.inputs, scenario.correlation.matrix, strict=True):
            corr.append([name, *values])
        corr.column_dimensions["A"].width = 36
    wb.save(path)


def load_taxonomy_items(path: str | Path) -> int:
    """The split items to re-annotate from `annogov taxonomy --format json` output."""
    path = Path(path)
    doc = load_json(decode_text(read_input(path), path.name), path.name)
    totals = doc.get("totals") if isinstance(doc, dict) else None
    items = totals.get("reannotation_items") if isinstance(totals, dict) else None
    if not isinstance(items, int) or isinstance(items, bool) or items < 0:
        raise InputError.at("totals.reannotation_items: no count of items to re-annotate; "
                            "produce it with "
                            "`annogov taxonomy OLD NEW --mapping MAP --dataset DATA --format json`",
                            path.name)
    return items
