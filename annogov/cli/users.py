"""`annogov users`: who may log in and with which role; bootstraps the first program manager.

The command acts as the operator (`governance.roles.OPERATOR`, a program manager): whoever can run
it against the database already holds the database's URL or file.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from annogov.cli import render
from annogov.cli.args import add_database, add_format
from annogov.cli.registry import summary as command_summary


def register(subparsers: Any) -> None:
    """Add `annogov users list|add|remove`."""
    from governance.roles import ROLE_TITLES, Role

    parser = subparsers.add_parser("users", help=command_summary("users"))
    add_database(parser)
    actions = parser.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="everyone registered, with their role")
    add_format(listing)
    listing.set_defaults(handler=_list)
    add = actions.add_parser("add", help="register a login (or change its role), e.g. the first program manager")
    add.add_argument(
        "email", metavar="EMAIL", help="the login e-mail the identity provider reports, e.g. pm@example.com"
    )
    add.add_argument("--role", required=True, choices=[r.value for r in Role],
                     help="; ".join(f"{r.value}: {t}" for r, t in ROLE_TITLES.items()))
    add.add_argument("--name", help="display name, e.g. 'Dana Smith' (default: the e-mail)")
    add.add_argument(
        "--data-id", help="the id the person carries in data: annotator id, or evaluator name, e.g. ann-07"
    )
    add.set_defaults(handler=_add)
    remove = actions.add_parser("remove", help="take a login's access away")
    remove.add_argument("email", metavar="EMAIL", help="the login to remove, e.g. pm@example.com")
    remove.set_defaults(handler=_remove)


def _list(args: argparse.Namespace) -> int:
    from annogov.store import Store
    from annogov.store.channel import ChannelRepository
    from governance.roles import OPERATOR, ROLE_TITLES

    store = Store(args.database)
    try:
        with store.transaction() as s:
            people = ChannelRepository(s).list_users(OPERATOR)
    finally:
        store.close()
    if args.format == "json":
        print(render.to_json([{"login": p.user_id, "name": p.name, "role": p.role.value, "id_in_data": p.annotator_id}
                              for p in people]))
        return 0
    rows = [(p.user_id, p.name, ROLE_TITLES[p.role], p.annotator_id or "") for p in people]
    print(render.table(["login", "name", "role", "id in data"], rows) if rows else "nobody is registered yet")
    return 0


def _add(args: argparse.Namespace) -> int:
    from annogov.store import Store
    from annogov.store.channel import ChannelRepository
    from governance.roles import OPERATOR, ROLE_TITLES, Role, User

    email = str(args.email).strip()
    person = User(user_id=email, name=(args.name or email).strip(), role=Role(args.role),
                  annotator_id=(args.data_id or "").strip() or None)
    store = Store(args.database)
    try:
        with store.transaction() as s:
            ChannelRepository(s).save_user(OPERATOR, person)
    finally:
        store.close()
    print(f"{person.user_id}: {ROLE_TITLES[person.role]}", file=sys.stderr)
    return 0


def _remove(args: argparse.Namespace) -> int:
    from annogov.store import Store
    from annogov.store.channel import ChannelRepository
    from governance.roles import OPERATOR

    store = Store(args.database)
    try:
        with store.transaction() as s:
            ChannelRepository(s).remove_user(OPERATOR, str(args.email).strip())
    finally:
        store.close()
    print(f"{args.email}: removed", file=sys.stderr)
    return 0
