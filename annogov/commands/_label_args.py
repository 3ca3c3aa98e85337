"""The label-set options of the commands that read a delivery's labels (--labels, --contract)."""

from __future__ import annotations

import argparse

from contracts.sla_term_files import load_term_set


def add_label_set_options(parser: argparse.ArgumentParser) -> None:
    """--labels A,B,C or --contract TERMS: the contract's full label set, in order."""
    parser.add_argument("--labels", metavar="A,B,C", help="the full label set in order")
    parser.add_argument("--contract", metavar="TERMS", help="take the label set from a term set")


def label_set_from(args: argparse.Namespace) -> list[str] | None:
    """The label set the options give (None: the labels observed in the delivery)."""
    if args.labels:
        return [v.strip() for v in args.labels.split(",") if v.strip()]
    if args.contract:
        return load_term_set(args.contract).label_set
    return None
