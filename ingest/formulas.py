"""Untrusted text bound for a spreadsheet or CSV cell, made inert: a cell that starts like a
formula gets a leading quote (OWASP CSV-injection advice). Every package writes cells through
here, so the rule is the same in reports, templates, questionnaires and samples."""

from __future__ import annotations

import re
from typing import TypeVar

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# a signed number written plainly; "-inf", "+nan", "-1_000" or "+Infinity" parse in Python but
# are not numbers to a spreadsheet, so they are quoted like any other text
PLAIN_NUMBER = re.compile(r"[+-](?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

V = TypeVar("V")


def inert(value: V) -> V | str:
    """`value`, with a quote before text a spreadsheet would run as a formula; a plainly written
    signed number ("-5", "+1.5e3") and anything that is not text stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def restored(value: V) -> V | str:
    """Text read back from a cell `inert` wrote: stripped, without the quote it put before
    formula-like text, so a workbook annogov wrote reads back as the values it was given."""
    if isinstance(value, str):
        text = value.strip()
        return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS) else text
    return value
