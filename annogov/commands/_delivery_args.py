"""Options shared by the commands that read a delivery: column mapping and the label set."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from governance.quality.reading.delivery import (
    ColumnMapping,
    DeliverySource,
    load_mapping,
    open_delivery,
    parse_column_flags,
)


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
    columns: dict[str, str] = {}
    if args.mapping:
        columns.update(load_mapping(args.mapping).columns)
    columns.update(parse_column_flags(args.column).columns)
    return ColumnMapping(columns=columns)


def open_with_progress(args: argparse.Namespace) -> DeliverySource:
    """The delivery of `args`, reporting rows read on stderr once it runs past one batch."""
    source = open_delivery(args.delivery, mapping_from(args))
    name = Path(args.delivery).name
    source.progress = lambda rows: print(f"annogov: {name}: {rows:,} rows read", file=sys.stderr, flush=True)
    return source
