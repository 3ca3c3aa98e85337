"""`annogov db`: the database's schema version, upgrading it, and seeding the demo program."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from annogov.cli import render
from annogov.cli.args import add_database, add_format
from annogov.cli.registry import summary as command_summary


def register(subparsers: Any) -> None:
    """Add `annogov db status|upgrade|demo`."""
    parser = subparsers.add_parser("db", help=command_summary("db"))
    add_database(parser, old="--url")
    actions = parser.add_subparsers(dest="action", required=True)
    status = actions.add_parser("status", help="applied and pending migrations (1: pending)")
    add_format(status)
    status.set_defaults(handler=_status)
    upgrade = actions.add_parser("upgrade", help="apply pending schema migrations")
    upgrade.set_defaults(handler=_upgrade)
    demo = actions.add_parser("demo", help="add the fictional demo program if it is missing")
    demo.set_defaults(handler=_demo)


def _url(args: argparse.Namespace) -> str:
    from annogov.store import database_url

    return str(args.database) if args.database else database_url()


def _status(args: argparse.Namespace) -> int:
    from annogov.store import describe_url, make_engine, migrations

    url = _url(args)
    engine = make_engine(url)
    try:
        done = migrations.applied(engine)
    finally:
        engine.dispose()
    known = migrations.available()
    known_ids = {m.id for m in known}
    unknown = [i for i in done if i not in known_ids]
    rows = [(m.id, "applied" if m.id in done else "pending", m.doc) for m in known]
    rows += [(i, "unknown (newer annogov)", "") for i in unknown]
    pending = len(known_ids - set(done))
    if args.format == "json":
        migrations_ = [{"id": i, "state": state, "what": what} for i, state, what in rows]
        print(render.to_json({"database": describe_url(url), "migrations": migrations_, "pending": pending}))
        return 1 if pending or unknown else 0
    print(describe_url(url))
    print(render.table(["migration", "state", "what"], rows))
    print(f"{pending} pending" if pending else "schema is up to date")
    return 1 if pending or unknown else 0


def _upgrade(args: argparse.Namespace) -> int:
    from annogov.store import SchemaError, describe_url, make_engine, migrations

    url = _url(args)
    engine = make_engine(url)
    try:
        ran = migrations.upgrade(engine)
    except SchemaError as exc:
        print(f"annogov: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"{describe_url(url)}: applied {', '.join(ran)}" if ran else "schema is up to date", file=sys.stderr)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from annogov.services.demo import DEMO_PROGRAM_NAME, seed_demo
    from annogov.store import SchemaError, Store

    try:
        store = Store(_url(args))
    except SchemaError as exc:
        print(f"annogov: {exc}", file=sys.stderr)
        return 2
    try:
        existing = store.find_program(DEMO_PROGRAM_NAME)
        if existing is not None:
            print(f"demo program already present: {existing.name} (id {existing.id})", file=sys.stderr)
            return 0
        program = seed_demo(store)
        print(f"seeded {program.name} (id {program.id}) into {store.describe()}", file=sys.stderr)
        return 0
    finally:
        store.close()
