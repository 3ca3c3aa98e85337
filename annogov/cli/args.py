"""Options and argument types the sub-commands share, so every command words them the same way."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ingest import InputError

if TYPE_CHECKING:
    from annogov.store import ProgramRecord, Store
    from governance.delivery import ColumnMapping, DeliverySource


def iso_date(text: str) -> date:
    """A YYYY-MM-DD date; anything else is a usage error (exit 2) saying what was expected."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_mapping_options(parser: argparse.ArgumentParser) -> None:
    """--column canonical=source (repeatable) and --mapping FILE."""
    parser.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="CANONICAL=SOURCE",
        help="map a canonical column (item_id, annotator_id, label, category, "
        "task_type, gold_label, qa_result, submitted_at, due_at, batch, prelabelled) "
        "to the file's column; repeat as needed",
    )
    parser.add_argument(
        "--mapping", metavar="FILE", help="YAML or JSON file mapping canonical columns to the file's columns"
    )


def mapping_from(args: argparse.Namespace) -> ColumnMapping:
    """The mapping file's entries, overridden by --column flags."""
    from governance.delivery import ColumnMapping, load_mapping, parse_column_flags

    columns: dict[str, str] = {}
    if args.mapping:
        columns.update(load_mapping(args.mapping).columns)
    columns.update(parse_column_flags(args.column).columns)
    return ColumnMapping(columns=columns)


def open_with_progress(args: argparse.Namespace) -> DeliverySource:
    """The delivery of `args`, reporting rows read on stderr once it runs past one batch."""
    from governance.delivery import open_delivery

    source = open_delivery(args.delivery, mapping_from(args))
    name = Path(args.delivery).name
    source.progress = lambda rows: print(f"annogov: {name}: {rows:,} rows read", file=sys.stderr, flush=True)
    return source


def add_label_set_options(parser: argparse.ArgumentParser) -> None:
    """--labels A,B,C or --contract TERMS: the contract's full label set, in order."""
    parser.add_argument("--labels", metavar="A,B,C", help="the full label set in order")
    parser.add_argument("--contract", metavar="TERMS", help="take the label set from a term set")


def label_set_from(args: argparse.Namespace) -> list[str] | None:
    """The label set the options give (None: the labels observed in the delivery)."""
    if args.labels:
        return [v.strip() for v in args.labels.split(",") if v.strip()]
    if args.contract:
        from contracts.sla_terms import load_term_set

        return load_term_set(args.contract).label_set
    return None


def add_program_options(parser: argparse.ArgumentParser) -> None:
    """--program NAME (required) and --database URL."""
    parser.add_argument("--program", required=True, help="program name as shown in the app")
    parser.add_argument("--database", help="database URL (default as for the app)")


def open_program(args: argparse.Namespace) -> tuple[Store, ProgramRecord]:
    """The database of --database and the program named by --program (a located error naming the known ones)."""
    from annogov.store import Store

    store = Store(args.database)
    program = store.find_program(args.program)
    if program is None:
        known = ", ".join(repr(p.name) for p in store.list_programs()) or "none"
        where = store.describe()
        store.close()
        raise InputError.at(f"no program named {args.program!r} (known: {known})", where, column="--program")
    return store, program


def label_list(text: str | None) -> list[str] | None:
    """A comma-separated label set, or None."""
    return None if not text else [v.strip() for v in text.split(",") if v.strip()]
