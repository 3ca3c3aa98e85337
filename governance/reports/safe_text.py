"""Untrusted text made harmless: never a spreadsheet formula, never PDF markup.

Vendor names, comments and labels come from files anyone can write; these two functions are the
only way such text reaches a cell or a Paragraph.
"""

from __future__ import annotations

import math
import re
from typing import Any
from xml.sax.saxutils import escape

from ingest import FORMULA_TRIGGERS

CELL_LIMIT = 32767
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_text(value: Any) -> str:
    """Text for a spreadsheet cell: a leading = + - @ tab or CR always gets a quote prefix (OWASP;
    stricter than `ingest.inert`, which lets a signed number through).

    The caller still stores it with data_type "s"; the prefix keeps it inert when the cell is
    copied elsewhere or exported to CSV.
    """
    text = _CONTROL.sub("", describe(value))
    if text.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    return text[:CELL_LIMIT]


def pdf_text(value: Any) -> str:
    """Text for a reportlab Paragraph: markup characters escaped, newlines as line breaks."""
    text = escape(_CONTROL.sub("", describe(value)).replace("\t", " "), {'"': "&quot;"})
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br/>")


def describe(value: Any) -> str:
    """Any JSON value as readable text: lists joined, dicts as key: value, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:g}"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {describe(v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list | tuple):
        return ", ".join(describe(v) for v in value)
    return str(value)
