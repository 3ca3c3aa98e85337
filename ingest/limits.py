"""Named limits on what any reader will take from an untrusted file, each with a located refusal.

Every limit has a name (the field below) and can be raised or lowered for one process with the
environment variable `ANNOGOV_LIMIT_<NAME>` (e.g. `ANNOGOV_LIMIT_MAX_ROWS=2000000`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

from ingest.errors import InputError

_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What a reader accepts; the field names are the settings' names."""

    max_bytes: int = 200 * _MB  # a spreadsheet, draft, bundle or text document read whole
    max_document_bytes: int = 20 * _MB  # a YAML/JSON settings document (mapping, rubric, scenario...)
    max_rows: int = 1_048_576  # rows of a sheet or CSV read as cells (Excel's own maximum)
    max_columns: int = 16_384  # columns of a sheet or CSV (Excel's own maximum)
    max_cell_chars: int = 131_072  # characters in one cell or CSV field
    max_depth: int = 64  # nesting of JSON/YAML objects and lists
    max_yaml_aliases: int = 200  # YAML aliases (*name) in one document
    max_yaml_nodes: int = 1_000_000  # values in a YAML document once its aliases are written out
    max_zip_members: int = 10_000  # files inside an xlsx, docx or guideline bundle
    max_zip_bytes: int = 1024 * _MB  # their total size once unpacked
    max_zip_ratio: int = 200  # unpacked/packed size of any member larger than 1 MB
    max_pages: int = 1_000  # pages of a PDF draft
    max_text_chars: int = 10_000_000  # characters of text extracted from a draft
    max_pdf_content_bytes: int = 8 * _MB  # a PDF draft's decoded page content (extraction time grows with it)
    max_report_rows: int = 20_000  # table rows in a PDF report
    max_report_sheet_rows: int = 1_000_000  # rows of one sheet of an Excel report (Excel stops at 1,048,576)
    max_report_cells: int = 5_000_000  # table cells of an Excel report (openpyxl holds each in memory)


def limits() -> Limits:
    """The limits in force: the defaults, with any `ANNOGOV_LIMIT_<NAME>` override."""
    base = Limits()
    changes: dict[str, int] = {}
    for f in fields(Limits):
        raw = os.environ.get(f"ANNOGOV_LIMIT_{f.name.upper()}", "").strip()
        if raw.isdigit() and int(raw) > 0:
            changes[f.name] = int(raw)
    return replace(base, **changes) if changes else base


def over_limit(name: str, what: str, file: str, **where: object) -> InputError:
    """The refusal for a file beyond limit `name`: says which limit, its value and where."""
    value = getattr(limits(), name)
    return InputError.at(
        f"{what}; the limit is {value:,} ({name}; set ANNOGOV_LIMIT_{name.upper()} to change it)",
        file,
        **where,
    )
