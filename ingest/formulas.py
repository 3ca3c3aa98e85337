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
