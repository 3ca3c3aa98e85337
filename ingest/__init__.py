"""Reading untrusted files: located problems, header detection, loose name matching.

Every other package reads vendor files through here so that a bad cell is reported the same way
everywhere: file, sheet, row and column, and what was expected.
"""

from ingest.bounded import (
    check_zip,
    csv_rows,
    decode_text,
    load_document,
    load_json,
    load_yaml,
    open_workbook,
    read_input,
    reading,
    sheet_rows,
)
from ingest.errors import InputError, Location, Problem
from ingest.formulas import FORMULA_TRIGGERS, inert
from ingest.headers import normalise_header
from ingest.limits import Limits, limits, over_limit
from ingest.sheets import Sheet, read_sheet

__all__ = [
    "FORMULA_TRIGGERS", "InputError", "Limits", "Location", "Problem", "Sheet", "check_zip", "csv_rows",
    "decode_text", "inert", "limits", "load_document", "load_json", "load_yaml", "normalise_header",
    "open_workbook", "over_limit", "read_input", "read_sheet", "reading", "sheet_rows",
]
