"""Writing a workbook sheet: cells as inert strings or formatted numbers, column widths, named tables, protection."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from governance.reports import sections as S
from governance.reports.model import (
    ColumnFormat,
    Section,
)
from governance.reports.safe_text import cell_text
from governance.reports.words import money_format, yes_no

NUMBER_FORMATS: dict[ColumnFormat, str] = {
    "integer": "#,##0",
    "decimal": "0.00",
    "rate": "0.000",
    "percent": "0.0%",
    "currency": "#,##0.00",
    "text": "@",
}
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_WIDTH = 60
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class _Sheet:
    """A worksheet plus the widths its content needs; every write goes through `put`."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.widths: dict[int, int] = {}

    def put(self, row: int, col: int, value: Any, fmt: str | None = None, width: bool = True) -> Any:
        """Write a value: strings neutralised and stored as text, numbers with their format."""
        cell = self.ws.cell(row=row, column=col)
        if isinstance(value, bool):
            value = yes_no(value)
        if isinstance(value, str):
            cell.value = cell_text(value)
            cell.data_type = "s"
        elif value is None or isinstance(value, int | float):
            cell.value = value
            if fmt and not isinstance(value, bool):
                cell.number_format = fmt
        elif isinstance(value, dt.date):
            cell.value = value
            cell.number_format = "yyyy-mm-dd"
        else:
            cell.value = cell_text(value)
            cell.data_type = "s"
        if width:
            shown = len(str(cell.value)) if cell.value is not None else 0
            self.widths[col] = max(self.widths.get(col, 8), min(shown + 2, MAX_WIDTH))
        return cell

    def formula(self, row: int, col: int, text: str, fmt: str | None = None) -> Any:
        """Write a formula the report itself composed (never from input)."""
        cell = self.ws.cell(row=row, column=col)
        cell.value = text
        if fmt:
            cell.number_format = fmt
        self.widths[col] = max(self.widths.get(col, 8), 12)
        return cell

    def header(self, row: int, labels: Sequence[str], col: int = 1) -> None:
        """A bold, shaded header row."""
        for i, label in enumerate(labels):
            cell = self.put(row, col + i, label)
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")

    def wrap(self, cell: Any, width: int) -> None:
        """Wrap a long text cell and give its row the height its lines need."""
        cell.alignment = WRAP
        text = str(cell.value or "")
        lines = sum(max(1, -(-len(part) // max(width - 2, 1))) for part in text.split("\n"))
        current = self.ws.row_dimensions[cell.row].height or 15
        self.ws.row_dimensions[cell.row].height = max(current, 15 * lines)

    def finish(self) -> None:
        """Apply the widths collected while writing; print landscape, one page wide."""
        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = width
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        self.ws.print_area = self.ws.dimensions
        if self.ws.freeze_panes:
            header = self.ws[self.ws.freeze_panes].row - 1
            if header >= 1:
                self.ws.print_title_rows = f"{header}:{header}"


def _sheet_name(title: str, taken: Iterable[str]) -> str:
    """A legal, unique sheet name (31 characters, none of []:*?/\\)."""
    base = _SHEET_FORBIDDEN.sub(" ", title).strip().strip("'") or "Section"
    base = base[:31]
    used = {t.lower() for t in taken}
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    return name


def _new_sheet(wb: Workbook, title: str) -> _Sheet:
    return _Sheet(wb.create_sheet(_sheet_name(title, wb.sheetnames)))


def write_section(sheet: _Sheet, section: Section, row: int, currency: str = "") -> tuple[int, int, int]:
    """Write a titled table from `row`; return (header row, first data row, last data row)."""
    sheet.put(row, 1, section.title, width=False).font = TITLE
    row += 1
    if section.note:
        sheet.put(row, 1, section.note, width=False).font = Font(italic=True)
        row += 1
    head = row
    sheet.header(head, section.columns)
    status_col = section.columns.index(section.status_column) if section.status_column in section.columns else None
    for r, values in enumerate(section.rows, start=head + 1):
        kinds = section.row_formats(r - head - 1)
        for c, value in enumerate(values):
            kind = kinds[c] or "text"
            fmt = (money_format(currency) if kind == "currency" else NUMBER_FORMATS.get(kind)) if isinstance(
                value, int | float) else None
            cell = sheet.put(r, c + 1, value, fmt)
            if isinstance(value, str) and (len(value) > MAX_WIDTH or "\n" in value):
                sheet.wrap(cell, MAX_WIDTH)
            if c == status_col and isinstance(value, str):
                colour = S.STATUS_FILLS.get(value.lower())
                if colour:
                    cell.fill = PatternFill("solid", fgColor=colour)
    _name_table(sheet, section.title, head, len(section.columns), head + len(section.rows))
    return head, head + 1, head + len(section.rows)


def _name_table(sheet: _Sheet, title: str, head: int, width: int, last: int) -> None:
    """A defined name over a table (header row included), e.g. `SLA_terms`, so formulas can refer to it."""
    wb = sheet.ws.parent
    if wb is None:
        return
    words = re.sub(r"\W+", " ", title, flags=re.ASCII).split()
    base = ""
    for word in words:
        if len(base) + len(word) + 1 > 40:
            break
        base = f"{base}_{word}" if base else word
    base = base or "Table"
    if not base[0].isalpha():
        base = "T_" + base
    name, n = base, 2
    while name in wb.defined_names or re.fullmatch(r"[A-Za-z]{1,3}\d+", name):
        name, n = f"{base}_{n}", n + 1
    ref = f"{quote_sheetname(sheet.ws.title)}!$A${head}:${get_column_letter(max(width, 1))}${max(last, head)}"
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def write_sections(sheet: _Sheet, sections: Sequence[Section], row: int = 1, currency: str = "") -> list[int]:
    """Stack tables down a sheet with a blank row between; freeze the first one's header."""
    heads = []
    for i, section in enumerate(sections):
        head, _, last = write_section(sheet, section, row, currency)
        heads.append(head)
        if i == 0:
            sheet.ws.freeze_panes = f"A{head + 1}"
        row = max(last, head) + 2
    return heads


def _unlock(cell: Any) -> None:
    """An input cell: editable while the sheet's formula cells stay protected."""
    cell.protection = Protection(locked=False)


def _validate(ws: Worksheet, ref: str, low: float, high: float, what: str) -> None:
    """Only numbers from low to high may be typed into `ref`; the prompt says so."""
    rule = DataValidation(type="decimal", operator="between", formula1=f"{low:g}", formula2=f"{high:g}")
    rule.allow_blank = True
    rule.error, rule.errorTitle = f"{what}: a number from {low:g} to {high:g}", "Not accepted"
    rule.prompt, rule.promptTitle = f"{what} ({low:g} to {high:g})", what
    rule.showErrorMessage = rule.showInputMessage = True
    ws.add_data_validation(rule)
    rule.add(ref)


def _protect(ws: Worksheet) -> None:
    """Protect formula and static cells (no password: a guard against slips, not a lock)."""
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False
