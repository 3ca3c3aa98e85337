"""Argument types shared by the sub-commands, so every command words a bad value the same way."""

from __future__ import annotations

import argparse
from datetime import date


def iso_date(text: str) -> date:
    """A YYYY-MM-DD date; anything else is a usage error (exit 2) saying what was expected."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None
