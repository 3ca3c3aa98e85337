"""Options and argument types the sub-commands share, so every command words them the same way."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest import InputError

if TYPE_CHECKING:
    from annogov.store import ProgramRecord, Store
    from governance.quality.reading.columns import ColumnMapping
    from governance.quality.reading.delivery import DeliverySource


NEEDED = "annogov_needed"


class InputFile(argparse.Action):
    """A command's main input file: positional, and (unless `optional`) required even though an old option
    spelling may give it."""

    optional = False

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option_string: Any = None
    ) -> None:
        """Store the positional; an omitted one leaves what its old option spelling stored."""
        if values is not None and values != []:
            setattr(namespace, self.dest, values)


class OldSpelling(argparse.Action):
    """A renamed option's former spelling: hidden from help, still works, and says on stderr what replaced it."""

    def __init__(
        self,
        option_strings: list[str],
        dest: str,
        *,
        replacement: str,
        also: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(option_strings, dest, default=argparse.SUPPRESS, help=argparse.SUPPRESS, **kwargs)
        self.replacement, self.also = replacement, also or {}

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option_string: Any = None
    ) -> None:
        """Note the deprecation once per use and store the value where the new spelling would."""
        print(f"annogov: note: {option_string} is deprecated; use {self.replacement}", file=sys.stderr)
        setattr(namespace, self.dest, self.const if self.nargs == 0 else values)
        for dest, const in self.also.items():
            setattr(namespace, dest, const)


def old_spelling(parser: argparse.ArgumentParser, old: str, replacement: str, dest: str, **kwargs: Any) -> None:
    """Keep `old` working as a hidden alias of the option stored in `dest` (kwargs: nargs=0 + const, also).

    A required option it stands for becomes `needed`: checked after parsing, so either spelling satisfies it.
    """
    for action in parser._actions:
        if action.dest == dest and action.required and action.option_strings:
            action.required = False
            setattr(action, NEEDED, True)
    parser.add_argument(old, dest=dest, action=OldSpelling, replacement=replacement, **kwargs)


def needed(action: argparse.Action) -> bool:
    """Whether the parser must insist on `action` after parsing (a main input file, or a required option
    that an old spelling may give instead)."""
    return (isinstance(action, InputFile) and not action.optional) or bool(getattr(action, NEEDED, False))


def add_input(
    parser: argparse.ArgumentParser,
    dest: str,
    metavar: str,
    help: str,
    old: str | None = None,
    many: bool = False,
    optional: bool = False,
    **kwargs: Any,
) -> None:
    """The command's main input file (`many`: files) as a positional argument; `old` is its former option,
    kept as an alias; `optional` when the command can read its input elsewhere (the database)."""
    if old is None:
        nargs = ("*" if optional else "+") if many else ("?" if optional else None)
        parser.add_argument(dest, metavar=metavar, help=help, nargs=nargs, **kwargs)
        return
    action = parser.add_argument(
        dest, nargs="*" if many else "?", action=InputFile, metavar=metavar, help=help, **kwargs
    )
    action.optional = optional  # type: ignore[attr-defined]
    old_spelling(parser, old, f"the positional {metavar}", dest, nargs="+" if many else None)


def add_out(parser: argparse.ArgumentParser, metavar: str, help: str, **kwargs: Any) -> None:
    """--out/-o PATH: the file the command writes (every command names its written file this way)."""
    parser.add_argument("--out", "-o", metavar=metavar, help=help, **kwargs)


def add_format(parser: argparse.ArgumentParser, *extra: str, default: str = "table", old_json: bool = False) -> None:
    """--format {table,json,...}: how results print on standard output; `old_json` keeps a former --json flag."""
    choices = ["table", "json", *extra]
    parser.add_argument(
        "--format", choices=choices, default=default,
        help=f"how results print on standard output, e.g. --format json (default: {default})",
    )
    if old_json:
        old_spelling(parser, "--json", "--format json", "format", nargs=0, const="json")


def wrote(path: object, detail: str = "") -> None:
    """Say on stderr which file a command wrote (standard output carries only results)."""
    print(f"wrote {path}" + (f": {detail}" if detail else ""), file=sys.stderr)


def iso_date(text: str) -> date:
    """A YYYY-MM-DD date; anything else is a usage error (exit 2) saying what was expected."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_mapping_options(parser: argparse.ArgumentParser) -> None:
    """--column canonical=source (repeatable) and --column-map FILE (formerly --mapping)."""
    parser.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="CANONICAL=SOURCE",
        help="map a canonical column (item_id, annotator_id, label, category, "
        "task_type, gold_label, qa_result, submitted_at, due_at, batch, prelabelled) "
        "to the file's column, e.g. --column annotator_id=worker; repeat as needed",
    )
    parser.add_argument(
        "--column-map",
        metavar="FILE",
        help="YAML or JSON file mapping canonical columns to the file's columns, e.g. examples/column-mapping.yaml",
    )
    old_spelling(parser, "--mapping", "--column-map", "column_map")


def mapping_from(args: argparse.Namespace) -> ColumnMapping:
    """The mapping file's entries, overridden by --column flags."""
    from governance.quality.reading.columns import ColumnMapping, load_mapping, parse_column_flags

    columns: dict[str, str] = {}
    if args.column_map:
        columns.update(load_mapping(args.column_map).columns)
    columns.update(parse_column_flags(args.column).columns)
    return ColumnMapping(columns=columns)


def open_with_progress(args: argparse.Namespace) -> DeliverySource:
    """The delivery of `args`, reporting rows read on stderr once it runs past one batch."""
    from governance.quality.reading.delivery import open_delivery

    source = open_delivery(args.delivery, mapping_from(args))
    name = Path(args.delivery).name
    source.progress = lambda rows: print(f"annogov: {name}: {rows:,} rows read", file=sys.stderr, flush=True)
    return source


def add_label_set_options(parser: argparse.ArgumentParser) -> None:
    """--labels A,B,C or --terms TERMS (formerly --contract): the contract's full label set, in order."""
    parser.add_argument(
        "--labels",
        metavar="A,B,C",
        help="the full label set in order, e.g. --labels cat,dog,bird (unused labels change chance agreement)",
    )
    parser.add_argument(
        "--terms", metavar="TERMS", help="take the label set from SLA terms, e.g. examples/sla-terms.yaml"
    )
    old_spelling(parser, "--contract", "--terms", "terms")


def label_set_from(args: argparse.Namespace) -> list[str] | None:
    """The label set the options give (None: the labels observed in the delivery)."""
    if args.labels:
        return [v.strip() for v in args.labels.split(",") if v.strip()]
    if args.terms:
        from contracts.sla_term_files import load_term_set

        return load_term_set(args.terms).label_set
    return None


def add_program_options(parser: argparse.ArgumentParser) -> None:
    """--program NAME (required) and --database URL."""
    parser.add_argument("--program", required=True, help="program name as shown in the app, e.g. 'Street scenes'")
    add_database(parser)


def add_database(parser: argparse.ArgumentParser, old: str | None = None) -> None:
    """--database URL, the same option in every command that opens the store."""
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database URL, e.g. sqlite:///data/annogov.sqlite3 "
        "(default: ANNOGOV_DATABASE_URL, else the app's SQLite file)",
    )
    if old:
        old_spelling(parser, old, "--database", "database")


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
