"""Reading untrusted files: located problems, header detection, loose name matching.

Every other package reads vendor files through here so that a bad cell is reported the same way
everywhere: file, sheet, row and column, and what was expected.
"""

from ingest.errors import InputError, Location, Problem
from ingest.formulas import FORMULA_TRIGGERS, inert
from ingest.headers import normalise_header
from ingest.sheets import Sheet, read_sheet

__all__ = ["FORMULA_TRIGGERS", "InputError", "Location", "Problem", "Sheet", "inert", "normalise_header", "read_sheet"]
