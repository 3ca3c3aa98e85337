"""Read a CSV file or an xlsx sheet as rows of cell values, and locate its header row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.bounded import csv_rows, decode_text, open_workbook, read_input, sheet_rows
from ingest.errors import InputError


@dataclass
class Sheet:
    """Cells below a detected header; `row_numbers[i]` is the spreadsheet row of `rows[i]`."""

    file: str
    name: str | None
    header: list[str]
    header_row: int
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)


def _raw_rows(path: Path, data: bytes | None, sheet: str | None) -> tuple[str | None, list[tuple]]:
    suffix = path.suffix.lower()
    if data is None and not path.is_file():
        raise InputError.at("no such file", str(path))
    if suffix in {".xlsx", ".xlsm"}:
        raw = read_input(path, data)
        wb = open_workbook(raw, path.name)
        try:
            if sheet is not None and sheet not in wb.sheetnames:
                raise InputError.at(
                    f"no sheet named {sheet!r}; the workbook has {', '.join(wb.sheetnames)}",
                    path.name,
                )
            if not wb.sheetnames:
                raise InputError.at("the workbook has no sheets", path.name)
            ws = wb[sheet] if sheet is not None else wb.worksheets[0]
            return ws.title, sheet_rows(ws, path.name)
        finally:
            wb.close()
    if suffix in {".csv", ".txt", ".tsv"}:
        text = decode_text(read_input(path, data), path.name, strict=False)
        return None, list(csv_rows(text, path.name, delimiter="\t" if suffix == ".tsv" else None))
    raise InputError.at(f"unsupported file type {suffix or '(none)'}; expected .xlsx or .csv", path.name)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_sheet(
    path: str | Path,
    is_header: Callable[[Sequence[Any]], bool],
    *,
    sheet: str | None = None,
    data: bytes | None = None,
    max_scan: int = 30,
) -> Sheet:
    """Read rows, take the first row that `is_header` accepts as the header, keep non-blank rows.

    Title rows above the header (merged cells keep their value in the first cell only) are
    skipped; blank rows are dropped; `data` lets callers pass uploaded bytes with a display name.
    """
    path = Path(path)
    name, raw = _raw_rows(path, data, sheet)
    for i, row in enumerate(raw[:max_scan]):
        if is_header(row):
            header_idx = i
            break
    else:
        raise InputError.at(f"no header row found in the first {max_scan} rows", str(path.name), sheet=name)
    header = ["" if _blank(c) else str(c).strip() for c in raw[header_idx]]
    rows: list[tuple[Any, ...]] = []
    numbers: list[int] = []
    width = len(header)
    for offset, row in enumerate(raw[header_idx + 1 :], start=header_idx + 2):
        cells = tuple(row[:width]) + (None,) * (width - len(row))
        if all(_blank(c) for c in cells):
            continue
        rows.append(cells)
        numbers.append(offset)
    return Sheet(str(path.name), name, header, header_idx + 1, rows, numbers)
