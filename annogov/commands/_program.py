"""Options and lookups shared by the commands that work on a program in the database."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ingest import InputError

if TYPE_CHECKING:
    from annogov.store import ProgramRecord, Store


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
