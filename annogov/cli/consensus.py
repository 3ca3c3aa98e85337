"""`annogov consensus`: majority-vote and Dawid-Skene labels of a delivery, each annotator's
confusion matrix and the items most worth adjudicating."""

from __future__ import annotations

import argparse
from pathlib import Path

from annogov.cli.args import (
    add_format,
    add_input,
    add_label_set_options,
    add_mapping_options,
    add_out,
    label_set_from,
    mapping_from,
    wrote,
)
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import table, to_json
from ingest import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "consensus",
        help=command_summary("consensus"),
        description="Consensus labels of a delivery by majority vote and by Dawid-Skene (EM over each "
        "annotator's confusion matrix), and the items to adjudicate first: lowest Dawid-Skene confidence, "
        "majority-vote ties, the two methods disagreeing.",
    )
    add_input(parser, "delivery", "DELIVERY", "annotations: .csv, .xlsx, .jsonl, .parquet or Label Studio .json, "
              "e.g. examples/delivery.csv")
    parser.add_argument(
        "--top", type=int, default=20, help="how many items to list for adjudication, e.g. 50 (default: 20)"
    )
    parser.add_argument(
        "--repeats",
        choices=["first", "last", "error"],
        default="first",
        help="which row of a repeated (item, annotator) pair counts, or refuse them, e.g. --repeats error "
        "(default: first)",
    )
    add_label_set_options(parser)
    add_out(parser, "CSV", "write every item's consensus labels to this CSV, e.g. -o consensus.csv")
    add_format(parser)
    add_mapping_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from governance.quality.reading.delivery import open_delivery
    from governance.quality.reading.long_rows import located, long_rows
    from governance.quality.stats.codes import DuplicateAnnotationError, MissingValueError, UnknownLabelError
    from governance.quality.stats.consensus import consensus, consensus_csv

    labels = label_set_from(args)
    source = open_delivery(args.delivery, mapping_from(args))
    frame = long_rows(source, ("item_id", "annotator_id", "label"))
    frame = frame[frame["label"].notna()]
    if frame.empty:
        raise InputError.at("no labelled rows: there is nothing to reach a consensus on", source.file, column="label")
    try:
        result = consensus(
            frame["item_id"].to_numpy(object), frame["annotator_id"].to_numpy(object), frame["label"].to_numpy(object),
            label_set=labels, repeats=args.repeats,
        )  # fmt: skip
    except (UnknownLabelError, DuplicateAnnotationError, MissingValueError) as err:
        raise located(err, frame, source.file) from None
    if args.out:
        Path(args.out).write_text(consensus_csv(result), encoding="utf-8")
        wrote(args.out)
    payload = result.to_payload(max(args.top, 0))
    if args.format == "json":
        print(to_json(payload))
        return 0
    agree = payload["methods_agree"]
    print(
        f"{payload['method']} on {source.file}: {payload['n_items']} items, {payload['iterations']} EM iterations, "
        f"methods agree on {agree:.1%}, {payload['majority_ties']} majority ties"
    )
    print(
        table(
            ["item", "Dawid-Skene", "confidence", "majority", "tie", "votes"],
            [
                [
                    r["item"],
                    r["dawid_skene"],
                    f"{r['confidence']:.3f}",
                    r["majority"],
                    "yes" if r["majority_tie"] else "",
                    ", ".join(f"{k} {n}" for k, n in r["votes"].items()),
                ]
                for r in payload["adjudicate"]
            ],  # fmt: skip
        )
    )
    print()
    print(
        table(
            ["annotator", "estimated accuracy"], [[a, f"{c['accuracy']:.3f}"] for a, c in payload["confusion"].items()]
        )
    )
    return 0
