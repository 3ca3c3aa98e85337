"""Argument types shared by the sub-commands, so every command words a bad value the same way."""

from __future__ import annotations

import argparse
from datetime import date

from contracts.sla_terms import load_term_set


def iso_date(text: str) -> date:
    """A YYYY-MM-DD date; anything else is a usage error (exit 2) saying what was expected."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def label_set_option(args: argparse.Namespace) -> list[str] | None:
    """The label set from `--labels A,B,C` (in that order), else from the `--contract` term set,
    else None (the observed labels)."""
    if args.labels:
        return [v.strip() for v in args.labels.split(",") if v.strip()]
    if args.contract:
        return load_term_set(args.contract).label_set
    return None
