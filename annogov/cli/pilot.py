"""`annogov pilot`: shortlisted providers compared side by side on the same items and gold items."""

from __future__ import annotations

import argparse
from pathlib import Path

from annogov.cli.args import add_format
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import table, to_json


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `pilot` sub-command."""
    parser = subparsers.add_parser(
        "pilot",
        help=command_summary("pilot"),
        description="Accuracy on shared gold per category with Wilson intervals, agreement within and "
        "between providers, on-time share, weekly throughput, cost per usable label, and an exact "
        "McNemar test per category (Holm-adjusted) saying which differences are real.",
    )
    parser.add_argument(
        "spec",
        metavar="PILOT_YAML",
        help="label_set, gold (gold-set file) and providers (name, delivery, price_per_label), "
        "e.g. examples/pilot/pilot.yaml",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap intervals, e.g. 7 (default: 0)")
    add_format(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the pilot and print it."""
    from governance.quality.vendors.pilot import load_pilot_spec, run_pilot
    from governance.quality.vendors.pilot_view import pilot_tables

    path = Path(args.spec)
    spec = load_pilot_spec(path)
    report = run_pilot(spec, base_dir=path.parent, file=path.name, seed=args.seed)
    if args.format == "json":
        print(to_json(report.to_payload()))
        return 0
    print(
        f"{report.name}: {len(report.providers)} providers, {report.shared_items} shared items, "
        f"{report.shared_gold_items} shared gold items (gold set {report.gold_set} v{report.gold_version})"
    )
    for title, headers, rows in pilot_tables(report):
        print(f"\n{title}")
        print(table(headers, rows))
    print()
    for key, rule in report.rules.items():
        print(f"{key}: {rule}")
    return 0
