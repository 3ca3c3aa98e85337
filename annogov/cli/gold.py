"""`annogov gold`: the program's gold set as a versioned asset (import, show coverage, seeded share,
qualification of new annotators)."""

from __future__ import annotations

import argparse
import sys

from annogov.cli.args import (
    add_format,
    add_input,
    add_mapping_options,
    add_program_options,
    label_list,
    mapping_from,
    old_spelling,
    open_program,
)
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import table, to_json
from ingest import InputError


def _gold_name(parser: argparse.ArgumentParser) -> None:
    """--gold NAME: the stored gold set (as `history add --gold`); --name is its former spelling."""
    parser.add_argument("--gold", dest="name", required=True, metavar="NAME", help="the gold set's name, e.g. main")
    old_spelling(parser, "--name", "--gold", "name")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `annogov gold import|show|seeded|qualify`."""
    parser = subparsers.add_parser(
        "gold",
        help=command_summary("gold"),
        description="Keep the buyer's gold set in the program database as numbered versions.",
    )
    sub = parser.add_subparsers(dest="action", required=True)

    imp = sub.add_parser("import", help="store a gold set file (item_id, category, gold_label[, qualification])")
    imp.add_argument("file", metavar="GOLD_FILE", help="the gold set (.csv, .xlsx), e.g. examples/pilot/gold-set.csv")
    add_program_options(imp)
    _gold_name(imp)
    imp.add_argument(
        "--labels", required=True, metavar="A,B,C", help="the label set every gold label must be in, e.g. cat,dog,bird"
    )
    imp.add_argument("--note", default="", help="why this version, e.g. 'added night scenes'")
    imp.set_defaults(handler=_import)

    show = sub.add_parser("show", help="versions and coverage per category against a minimum")
    add_program_options(show)
    _gold_name(show)
    show.add_argument("--version", type=int, help="a stored version, e.g. 2 (default: the latest)")
    show.add_argument("--minimum", type=int, default=30, help="gold items each category needs, e.g. 50 (default: 30)")
    add_format(show)
    show.set_defaults(handler=_show)

    seeded = sub.add_parser("seeded", help="the share of a delivery's items that are gold items")
    add_input(seeded, "delivery", "DELIVERY", "annotations: .csv, .xlsx, .jsonl, .parquet or Label Studio .json, "
              "e.g. examples/delivery.csv")
    add_program_options(seeded)
    _gold_name(seeded)
    add_format(seeded)
    add_mapping_options(seeded)
    seeded.set_defaults(handler=_seeded)

    qualify = sub.add_parser("qualify", help="new annotators' accuracy on the qualification items")
    qualify.add_argument(
        "answers", metavar="ANSWERS", help="a delivery file: annotator_id, item_id, label, e.g. answers.csv"
    )
    add_program_options(qualify)
    _gold_name(qualify)
    qualify.add_argument(
        "--threshold", type=float, default=0.9, help="accuracy to reach (0-1], e.g. 0.95 (default: 0.9)"
    )
    qualify.add_argument(
        "--min-items", type=int, default=20, help="distinct qualification items to answer, e.g. 10 (default: 20)"
    )
    add_format(qualify)
    add_mapping_options(qualify)
    qualify.set_defaults(handler=_qualify)


def _load(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from annogov.store.measured import gold_set, gold_set_versions
    from governance.roles import OPERATOR as CLI_USER

    store, program = open_program(args)
    try:
        gold = gold_set(store, CLI_USER, program.id, args.name, getattr(args, "version", None))
        versions = [v for name, v, _, _ in gold_set_versions(store, CLI_USER, program.id) if name == args.name]
    finally:
        store.close()
    version = getattr(args, "version", None)
    if gold is None and version is not None and versions:
        raise InputError.at(
            f"gold set {args.name!r} has versions {', '.join(map(str, versions))}, not {version}",
            "command line",
            column="--version",
        )
    if gold is None:
        raise InputError.at(
            f"no stored gold set named {args.name!r} in {program.name!r}", "command line", column="--gold"
        )
    return gold


def _import(args: argparse.Namespace) -> int:
    from annogov.store.measured import save_gold_set
    from governance.quality.vendors.goldset import load_gold_set
    from governance.roles import OPERATOR as CLI_USER

    labels = label_list(args.labels) or []
    gold = load_gold_set(args.file, labels, name=args.name)
    store, program = open_program(args)
    try:
        saved = save_gold_set(store, CLI_USER, program.id, gold, args.note)
    finally:
        store.close()
    print(f"stored gold set {saved.name!r} version {saved.version}: {len(saved.items)} items", file=sys.stderr)
    return 0


def _show(args: argparse.Namespace) -> int:
    from governance.quality.vendors.goldset import coverage

    if args.minimum < 1:
        raise InputError.at(f"expected 1 or more, got {args.minimum}", "command line", column="--minimum")
    gold = _load(args)
    rows = coverage(gold, args.minimum)
    if args.format == "json":
        print(to_json({"gold_set": gold.model_dump(mode="json"), "coverage": [r.model_dump() for r in rows]}))
        return 0
    quals = sum(g.qualification for g in gold.items)
    print(
        f"gold set {gold.name!r} v{gold.version}: {len(gold.items) - quals} production, {quals} qualification items"
    )
    print(
        table(
            ["category", "gold items", "minimum", "short by"],
            [[r.category, r.items, r.minimum, r.short_by] for r in rows],
        )
    )
    return 1 if any(r.short_by for r in rows) else 0


def _seeded(args: argparse.Namespace) -> int:
    from governance.quality.reading.delivery import open_delivery
    from governance.quality.reading.delivery_counts import count_delivery
    from governance.quality.vendors.goldset import seeded_share

    gold = _load(args)
    counts = count_delivery(open_delivery(args.delivery, mapping_from(args)), gold.label_set)
    share = seeded_share(gold, counts.items.to_pylist())
    if args.format == "json":
        print(to_json(share.model_dump(mode="json")))
        return 0
    lo, hi = share.share.ci or (None, None)
    print(
        f"{share.gold_items} of {share.delivered_items} delivered items are gold "
        f"({(share.share.value or 0):.1%}, 95% {lo:.1%}-{hi:.1%})"
        if lo is not None
        else "no delivered items"
    )
    print(table(["category", "gold items"], [[c, n] for c, n in share.per_category.items()]))
    return 0


def _qualify(args: argparse.Namespace) -> int:
    from governance.quality.reading.delivery import ROW_COLUMN, open_delivery
    from governance.quality.reading.long_rows import long_rows
    from governance.quality.vendors.goldset import qualify
    from ingest import Location, Problem

    if not 0 < args.threshold <= 1:  # also refuses nan
        raise InputError.at(f"expected a share above 0 and at most 1, got {args.threshold:g}", "command line",
                            column="--threshold")
    if args.min_items < 1:
        raise InputError.at(f"expected 1 or more, got {args.min_items}", "command line", column="--min-items")
    gold = _load(args)
    source = open_delivery(args.answers, mapping_from(args))
    rows = long_rows(source, ("item_id", "annotator_id", "label"))
    problems = [
        Problem(Location(source.file, row=int(r), column=column), f"{column} is missing")
        for column in ("annotator_id", "item_id")
        for r in rows.loc[rows[column].isna(), ROW_COLUMN].head(5)
    ]
    if problems:
        raise InputError(problems)
    answers = zip(
        rows["annotator_id"].astype(str), rows["item_id"].astype(str), rows["label"].astype(object), strict=True
    )
    results = qualify(gold, answers, threshold=args.threshold, min_items=args.min_items)
    if not results:
        raise InputError.at("no answers on qualification items of this gold set", args.answers)
    if args.format == "json":
        print(to_json([q.model_dump(mode="json") for q in results]))
        return 0 if all(q.qualified for q in results) else 1
    print(
        table(
            ["annotator", "answered", "right", "accuracy", "qualified", "why"],
            [
                [
                    q.annotator,
                    q.answered,
                    q.correct,
                    f"{q.accuracy.value:.1%}" if q.accuracy.value is not None else "-",
                    "yes" if q.qualified else "no",
                    q.reason,
                ]
                for q in results
            ],
        )
    )
    return 0 if all(q.qualified for q in results) else 1
