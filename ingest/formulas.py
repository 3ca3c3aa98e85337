"""Untrusted text bound for a spreadsheet or CSV cell, made inert: a cell that starts like a
formula gets a leading quote (OWASP CSV-injection advice). Every package writes cells through
here, so the rule is the same in reports, templates, questionnaires and samples."""

from __future__ import annotations

from typing import TypeVar

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

V = TypeVar("V")


def inert(value: V) -> V | str:
    """`value`, with a quote before text a spreadsheet would run as a formula; a signed number
    written as text ("-5", "+1.5") and anything that is not text stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def restored(value: V) -> V | str:
    """Text read back from a cell `inert` wrote: stripped, without the quote it put before
    formula-like text, so a workbook annogov wrote reads back as the values it was given."""
    if isinstance(value, str):
        text = value.strip()
        return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS) else text
    return value
