"""`annogov history`: record a provider's delivery in the program and show the trend over deliveries."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from annogov.cli.args import (
    add_format,
    add_input,
    add_mapping_options,
    add_program_options,
    label_list,
    mapping_from,
    open_program,
)
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import table, to_json
from ingest import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `annogov history add|show`."""
    parser = subparsers.add_parser(
        "history",
        help=command_summary("history"),
        description="Record measured deliveries per provider and guideline version, and show the trend "
        "by category, annotator (pseudonymous codes) or guideline version with significant drops flagged.",
    )
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="measure a delivery and store it for a provider")
    add_input(add, "delivery", "DELIVERY", "annotations: .csv, .xlsx, .jsonl, .parquet or Label Studio .json, "
              "e.g. examples/delivery.csv")
    add_program_options(add)
    add.add_argument("--provider", required=True, help="a provider of the program, e.g. 'Northwind Labeling'")
    add.add_argument(
        "--guideline-version", required=True, help="the guideline version it was labelled under, e.g. 3"
    )
    add.add_argument("--delivered", required=True, metavar="YYYY-MM-DD", help="delivery date, e.g. 2026-11-30")
    add.add_argument("--label", help="name of the delivery in the trend, e.g. 'November' (default: the file name)")
    add.add_argument("--labels", metavar="A,B,C", help="the full label set in order, e.g. cat,dog,bird")
    add.add_argument(
        "--gold", metavar="NAME", help="a stored gold set whose share of the delivery is recorded, e.g. main"
    )
    add_mapping_options(add)
    add.set_defaults(handler=_add)
    show = sub.add_parser("show", help="the trend over stored deliveries")
    add_program_options(show)
    show.add_argument("--provider", help="one provider only, e.g. 'Northwind Labeling'")
    show.add_argument(
        "--by",
        choices=["overall", "category", "annotator", "guideline_version"],
        default="overall",
        help="one trend per group, e.g. --by category (default: overall)",
    )
    show.add_argument("--reveal", action="store_true", help="real annotator ids instead of pseudonymous codes")
    add_format(show)
    show.set_defaults(handler=_show)


def _add(args: argparse.Namespace) -> int:
    from annogov.store.measured import gold_set, record_delivery
    from governance.quality.reading.delivery import open_delivery
    from governance.quality.reading.delivery_counts import count_delivery
    from governance.quality.vendors.goldset import with_gold
    from governance.quality.vendors.history import measure_delivery
    from governance.quality.vendors.prelabel import marked_prelabel
    from governance.roles import OPERATOR as CLI_USER

    try:
        when = date.fromisoformat(args.delivered)
    except ValueError:
        raise InputError.at(f"--delivered {args.delivered!r}: expected YYYY-MM-DD", "command line") from None
    store, program = open_program(args)
    try:
        gold = None
        if args.gold:
            gold = gold_set(store, CLI_USER, program.id, args.gold)
            if gold is None:
                raise InputError.at(f"no stored gold set named {args.gold!r}", "command line", column="--gold")
        labels = label_list(args.labels) or (gold.label_set if gold else None)
        source = open_delivery(args.delivery, mapping_from(args))
        counts = count_delivery(with_gold(source, gold) if gold is not None else source, labels)
        measures = measure_delivery(counts, gold=gold, prelabel=marked_prelabel(source, gold))
        saved = record_delivery(
            store,
            CLI_USER,
            program.id,
            args.provider,
            measures,
            delivered_on=when,
            guideline_version=args.guideline_version,
            label=args.label,
        )
    finally:
        store.close()
    print(f"stored {saved.label!r} of {saved.provider} ({saved.delivered_on}, guidelines {saved.guideline_version})",
          file=sys.stderr)
    return 0


def _show(args: argparse.Namespace) -> int:
    from annogov.store.measured import list_deliveries
    from governance.quality.vendors.history import history_rows, measured_suggestions, provider_history
    from governance.roles import OPERATOR as CLI_USER
    from governance.roles import may_see_annotator_ids

    if args.reveal and not may_see_annotator_ids(CLI_USER):
        raise InputError.at(
            f"a {CLI_USER.role.value} may not see real annotator ids (roles.ANNOTATOR_IDS)",
            "command line",
            column="--reveal",
        )
    store, program = open_program(args)
    try:
        deliveries = list_deliveries(store, CLI_USER, program.id, args.provider, reveal=args.reveal)
    finally:
        store.close()
    history = provider_history(deliveries, by=args.by)
    if args.format == "json":
        print(to_json(history.model_dump(mode="json")))
        return 0
    if not deliveries:
        print(f"no stored deliveries in {program.name!r}; add one with `annogov history add`")
        return 0
    headers, rows = history_rows(history)
    print(table(headers, rows))
    print(f"\nsignificant drops ({history.method}):")
    print("\n".join(f"  - {f}" for f in history.flagged) or "  none")
    print("\nsuggested scores from each provider's latest delivery (`annogov score --program` sets them beside yours):")
    for provider, by_dimension in measured_suggestions(deliveries).items():
        for dimension, s in by_dimension.items():
            print(
                f"  - {provider} / {dimension}: {s.score if s.score is not None else '-'} from {s.source}; "
                + "; ".join(part.reason for part in s.parts)
            )
    return 0
